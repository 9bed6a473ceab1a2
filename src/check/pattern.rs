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
        let kind = self.lookup_kind(&pattern.kind)?;
        let mut tests = Vec::new();
        let mut ok = true;
        for qualifier in &pattern.qualifiers {
            match self.field_test(Scope::Kind(kind), &qualifier.field, CmpOp::Eq, &qualifier.value) {
                Some(test) => tests.push(test),
                None => ok = false,
            }
        }
        let condition = match &pattern.condition {
            Some(c) => Some(self.condition(Scope::Kind(kind), c)?),
            None => None,
        };
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
