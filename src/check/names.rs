//! Looking names up, with did-you-mean when they are not declared.

use super::checker::Checker;
use super::model::{FieldId, KindId, PhaseId, Type, ZoneId};
use super::reference::Target;
use super::suggest::help_for;
use crate::diagnostic::{Code, Diagnostic};
use crate::syntax::ast::Name;

impl Checker<'_> {
    /// The declared event kind, noted as used.
    pub fn lookup_kind(&mut self, name: &Name) -> Option<KindId> {
        if let Some(&i) = self.kinds.get(name.node.as_str()) {
            self.uses.kinds.insert(KindId(i as u32));
            self.refer(name.span, Target::Kind(name.node.clone()));
            return Some(KindId(i as u32));
        }
        let help = help_for(&name.node, self.model.kinds.iter().map(|k| k.name.as_str()))
            .unwrap_or_else(|| format!("declare it: `event {} {{ ... }}`", name.node));
        self.error(
            Diagnostic::new(
                Code::UndeclaredKind,
                name.span,
                format!("event kind `{}` is not declared", name.node),
            )
            .with_label("not declared")
            .with_help(help),
        );
        None
    }

    /// A field of a kind, with its type.
    pub fn lookup_field(&mut self, kind: KindId, name: &Name) -> Option<(FieldId, Type)> {
        let declared = &self.model.kinds[kind.0 as usize];
        if let Some(id) = declared.field(&name.node) {
            let found = Some((id, declared.fields[id.0 as usize].ty));
            let target = Target::Field {
                kind: declared.name.clone(),
                field: name.node.clone(),
            };
            self.refer(name.span, target);
            return found;
        }
        let help = help_for(&name.node, declared.fields.iter().map(|f| f.name.as_str()))
            .or_else(|| {
                let owners: Vec<String> = self
                    .model
                    .kinds
                    .iter()
                    .filter(|k| k.field(&name.node).is_some())
                    .map(|k| format!("`{}`", k.name))
                    .collect();
                (!owners.is_empty()).then(|| format!("`{}` is a field of {}", name.node, owners.join(", ")))
            })
            .unwrap_or_else(|| match declared.fields.as_slice() {
                [] => format!(
                    "`{}` declares no fields; declare it: `event {} {{ {}: TYPE }}`",
                    declared.name, declared.name, name.node
                ),
                fields => format!(
                    "the fields of `{}` are {}",
                    declared.name,
                    fields
                        .iter()
                        .map(|f| format!("`{}`", f.name))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
        let diagnostic = Diagnostic::new(
            Code::UndeclaredField,
            name.span,
            format!("event `{}` has no field `{}`", declared.name, name.node),
        )
        .with_label("no such field")
        .with_secondary(declared.span, format!("`{}` is declared here", declared.name))
        .with_help(help);
        self.error(diagnostic);
        None
    }

    /// A declared zone, noted as used.
    pub fn lookup_zone(&mut self, name: &Name) -> Option<ZoneId> {
        if let Some(&i) = self.zones.get(name.node.as_str()) {
            self.uses.zones.insert(ZoneId(i as u32));
            self.refer(name.span, Target::Zone(name.node.clone()));
            return Some(ZoneId(i as u32));
        }
        let candidates: Vec<&str> = self
            .model
            .zones
            .iter()
            .map(|z| z.name.as_str())
            .chain(self.vars.iter().filter(|v| v.ty == Type::Zone).map(|v| v.name.as_str()))
            .collect();
        let help = help_for(&name.node, candidates).unwrap_or_else(|| format!("declare it: `zone {}`", name.node));
        self.error(
            Diagnostic::new(
                Code::UndeclaredZone,
                name.span,
                format!("zone `{}` is not declared", name.node),
            )
            .with_label("not declared")
            .with_help(help),
        );
        None
    }

    /// A declared phase, noted as used.
    pub fn lookup_phase(&mut self, name: &Name) -> Option<PhaseId> {
        if let Some(&i) = self.phases.get(name.node.as_str()) {
            self.uses.phases.insert(PhaseId(i as u32));
            self.refer(name.span, Target::Phase(name.node.clone()));
            return Some(PhaseId(i as u32));
        }
        let help = help_for(&name.node, self.model.phases.iter().map(|p| p.name.as_str()))
            .unwrap_or_else(|| format!("declare it: `phase {} = from EVENT for 42d`", name.node));
        self.error(
            Diagnostic::new(
                Code::UndeclaredPhase,
                name.span,
                format!("phase `{}` is not declared", name.node),
            )
            .with_label("not declared")
            .with_help(help),
        );
        None
    }
}
