//! Patterns and `where` conditions.

use super::checker::Checker;
use super::model::{Condition, FieldTest, KindId, Pattern};
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
            match self.field_test(kind, &qualifier.field, CmpOp::Eq, &qualifier.value) {
                Some(test) => tests.push(test),
                None => ok = false,
            }
        }
        let condition = match &pattern.condition {
            Some(c) => Some(self.condition(kind, c)?),
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
        kind: KindId,
        field: &ast::Name,
        op: CmpOp,
        value: &Node<ast::Value>,
    ) -> Option<FieldTest> {
        let (id, ty) = self.lookup_field(kind, field)?;
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

    /// A `where` condition over fields of `kind`.
    fn condition(&mut self, kind: KindId, condition: &Node<ast::Condition>) -> Option<Condition> {
        Some(match &condition.node {
            ast::Condition::Compare(field, op, value) => Condition::Test(self.field_test(kind, field, *op, value)?),
            ast::Condition::In(field, values) => {
                let (id, ty) = self.lookup_field(kind, field)?;
                let operands: Vec<_> = values.iter().map(|v| self.operand(&field.node, ty, v)).collect();
                Condition::In(id, operands.into_iter().collect::<Option<_>>()?)
            }
            ast::Condition::And(parts) => Condition::And(self.conditions(kind, parts)?),
            ast::Condition::Or(parts) => Condition::Or(self.conditions(kind, parts)?),
            ast::Condition::Not(inner) => Condition::Not(Box::new(self.condition(kind, inner)?)),
        })
    }

    /// Every member checked, so that each error is reported.
    fn conditions(&mut self, kind: KindId, parts: &[Node<ast::Condition>]) -> Option<Vec<Condition>> {
        let checked: Vec<_> = parts.iter().map(|p| self.condition(kind, p)).collect();
        checked.into_iter().collect()
    }
}
