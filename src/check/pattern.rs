//! Patterns and `where` conditions.

use super::checker::Checker;
use super::model::{Condition, FieldId, FieldTest, KindId, Pattern, Standard, Type};
use super::suggest::help_for;
use super::value::describe_type;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::Node;
use crate::syntax::ast::{self, CmpOp};

impl Checker<'_> {
    /// Resolves a pattern's kind, fields and values.
    pub fn pattern(&mut self, pattern: &Node<ast::Pattern>) -> Option<Pattern> {
        let Some(kind) = self.lookup_kind(&pattern.kind) else {
            // The kind is unknown, but a zone the pattern names can still be
            // checked: every mistake in one pass (issue 17).
            for qualifier in &pattern.qualifiers {
                if qualifier.field.node == "zone"
                    && let ast::Value::Name(name) = &qualifier.value.node
                    && !self.vars.iter().any(|v| v.name == *name)
                {
                    let _ = self.lookup_zone(&Node::new(name.clone(), qualifier.value.span));
                }
            }
            return None;
        };
        let mut tests = Vec::new();
        let mut spatial = Vec::new();
        let mut ok = true;
        for qualifier in &pattern.qualifiers {
            // `in zone Z` also holds by position where Z has an area
            // (LANGUAGE-v2 §12): by either where the kind has both.
            if qualifier.field.node == "zone"
                && let Some(by_position) = self.zone_by_position(kind, &qualifier.value)
            {
                if self.model.kinds[kind.0 as usize].field("zone").is_none() {
                    spatial.push(by_position);
                    continue;
                }
                match self.field_test(Scope::Kind(kind), &qualifier.field, CmpOp::Eq, &qualifier.value) {
                    Some(test) => spatial.push(Condition::Or(vec![Condition::Test(test), by_position])),
                    None => ok = false,
                }
                continue;
            }
            match self.field_test(Scope::Kind(kind), &qualifier.field, CmpOp::Eq, &qualifier.value) {
                Some(test) => tests.push(test),
                None => ok = false,
            }
        }
        let mut condition = match &pattern.condition {
            Some(c) => Some(self.condition(Scope::Kind(kind), c)?),
            None => None,
        };
        if !spatial.is_empty() {
            spatial.extend(condition.take());
            condition = Some(if spatial.len() == 1 {
                spatial.remove(0)
            } else {
                Condition::And(spatial)
            });
        }
        ok.then(|| Pattern {
            kind,
            tests,
            condition,
            text: pattern.node.to_string(),
            span: pattern.span,
        })
    }

    /// `FIELD OP VALUE`
    fn field_test(
        &mut self,
        scope: Scope,
        field: &ast::Name,
        op: CmpOp,
        value: &Node<ast::Value>,
    ) -> Option<FieldTest> {
        let (id, ty) = self.lookup(scope, field)?;
        if !matches!(op, CmpOp::Eq | CmpOp::Ne) && !ty.is_ordered() {
            self.error(
                Diagnostic::new(
                    Code::InvalidComparison,
                    field.span.to(value.span),
                    format!(
                        "`{}` cannot compare `{}`, which holds {}",
                        op.as_str(),
                        field.node,
                        describe_type(ty)
                    ),
                )
                .with_label("no order")
                .with_help("only numbers and timestamps have an order; use `=`, `!=` or `in [...]`"),
            );
            return None;
        }
        let operand = self.operand(&field.node, ty, value)?;
        Some(FieldTest { field: id, op, operand })
    }

    /// A `where` condition over fields of a kind, or an evidence standard
    /// over the pseudo-fields `sources` and `status`.
    fn condition(&mut self, scope: Scope, condition: &Node<ast::Condition>) -> Option<Condition> {
        Some(match &condition.node {
            ast::Condition::Compare(field, op, value) => Condition::Test(self.field_test(scope, field, *op, value)?),
            ast::Condition::In(field, values) => {
                let (id, ty) = self.lookup(scope, field)?;
                let operands: Vec<_> = values.iter().map(|v| self.operand(&field.node, ty, v)).collect();
                Condition::In(id, operands.into_iter().collect::<Option<_>>()?)
            }
            ast::Condition::And(parts) => Condition::And(self.conditions(scope, parts)?),
            ast::Condition::Or(parts) => Condition::Or(self.conditions(scope, parts)?),
            ast::Condition::Not(inner) => Condition::Not(Box::new(self.condition(scope, inner)?)),
            ast::Condition::Inside(field, place) => match scope {
                Scope::Kind(kind) => self.inside(kind, field, place)?,
                Scope::Evidence => {
                    self.evidence_field(field);
                    return None;
                }
            },
            ast::Condition::Distance(distance) => match scope {
                Scope::Kind(kind) => {
                    let (field, place, op, metres) = distance.as_ref();
                    self.distance_condition(kind, field, place, *op, metres, condition.span)?
                }
                Scope::Evidence => {
                    self.evidence_field(&distance.0);
                    return None;
                }
            },
        })
    }

    /// Every member checked, so that each error is reported.
    fn conditions(&mut self, scope: Scope, parts: &[Node<ast::Condition>]) -> Option<Vec<Condition>> {
        let checked: Vec<_> = parts.iter().map(|p| self.condition(scope, p)).collect();
        checked.into_iter().collect()
    }

    fn lookup(&mut self, scope: Scope, field: &ast::Name) -> Option<(FieldId, Type)> {
        match scope {
            Scope::Kind(kind) => self.lookup_field(kind, field),
            Scope::Evidence => self.evidence_field(field),
        }
    }

    /// An evidence standard (LANGUAGE-v2 §9.2), checked; `None` if it has errors.
    pub fn standard(&mut self, condition: &Node<ast::Condition>) -> Option<Standard> {
        Some(Standard {
            condition: self.condition(Scope::Evidence, condition)?,
            text: condition.node.to_string(),
            span: condition.span,
        })
    }

    /// A pseudo-field of an evidence standard, with a did-you-mean.
    fn evidence_field(&mut self, name: &ast::Name) -> Option<(FieldId, Type)> {
        if let Some(i) = Standard::FIELDS.iter().position(|(n, _)| *n == name.node) {
            return Some((FieldId(i as u32), Standard::FIELDS[i].1));
        }
        let help = help_for(&name.node, Standard::FIELDS.iter().map(|(n, _)| *n)).unwrap_or_else(|| {
            "an evidence standard looks at `sources` (how many distinct sources report the observation) \
             and `status` (its status as written), as in `evidence sources >= 2 or status = \"confirmed\"`"
                .to_string()
        });
        self.error(
            Diagnostic::new(
                Code::UndeclaredField,
                name.span,
                format!("an evidence standard has no field `{}`", name.node),
            )
            .with_label("not `sources` or `status`")
            .with_help(help),
        );
        None
    }
}

/// What a condition's field names name.
#[derive(Clone, Copy, Debug)]
enum Scope {
    /// The fields of an event kind.
    Kind(KindId),
    /// The pseudo-fields of an evidence standard.
    Evidence,
}
