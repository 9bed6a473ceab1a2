//! Typing the values written in patterns and test logs against their fields.

use super::checker::Checker;
use super::model::{Operand, Type, Value, VarId};
use super::suggest::help_for;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{Node, Span};
use crate::syntax::ast;

impl Checker<'_> {
    /// A value or variable compared with `field` of type `ty` in a rule.
    pub fn operand(&mut self, field: &str, ty: Type, value: &Node<ast::Value>) -> Option<Operand> {
        if let ast::Value::Name(name) = &value.node
            && let Some(index) = self.vars.iter().rposition(|v| &v.name == name)
        {
            self.var_uses[index] += 1;
            if self.var_poisoned[index] {
                return Some(Operand::Var(VarId(index as u32)));
            }
            let var = &self.vars[index];
            let fits = var.ty == ty || (var.ty == Type::Int && ty == Type::Number);
            if !fits {
                let diagnostic = Diagnostic::new(
                    Code::TypeMismatch,
                    value.span,
                    format!(
                        "variable `{name}` holds {}, but field `{field}` holds {}",
                        describe_type(var.ty),
                        describe_type(ty)
                    ),
                )
                .with_label(format!("{} variable", var.ty.as_str()))
                .with_secondary(var.span, format!("`{name}` is bound here"))
                .with_help(format!("compare `{field}` with a value of type `{}`", ty.as_str()));
                self.error(diagnostic);
                return None;
            }
            return Some(Operand::Var(VarId(index as u32)));
        }
        self.constant(field, ty, value, true).map(Operand::Const)
    }

    /// A constant for `field` of type `ty`. `in_rule` says whether `for each`
    /// variables could have been meant (for the wording of errors).
    pub fn constant(&mut self, field: &str, ty: Type, value: &Node<ast::Value>, in_rule: bool) -> Option<Value> {
        let typed = match (&value.node, ty) {
            (ast::Value::Int(n), Type::Int) => Value::Int(*n),
            (ast::Value::Int(n), Type::Number) => Value::Number(crate::number::whole(*n)),
            (ast::Value::Number(n), Type::Number) => Value::Number(*n),
            (ast::Value::Text(s), Type::Text) => Value::Text(s.clone()),
            (ast::Value::Bool(b), Type::Bool) => Value::Bool(*b),
            (ast::Value::Time(t), Type::Time) => Value::Time(self.instant(*t, value.span)?),
            (ast::Value::Name(_), Type::Zone) => {
                let name = Node::new(value_name(&value.node), value.span);
                return self.lookup_zone(&name).map(Value::Zone);
            }
            (ast::Value::Name(name), _) if in_rule && !self.zones.contains_key(name.as_str()) => {
                self.undeclared_variable(name, ty, value.span);
                return None;
            }
            _ => {
                let diagnostic = self.mismatch(field, ty, value);
                self.error(diagnostic);
                return None;
            }
        };
        Some(typed)
    }

    fn undeclared_variable(&mut self, name: &str, ty: Type, span: Span) {
        let help = help_for(name, self.vars.iter().map(|v| v.name.as_str())).unwrap_or_else(|| {
            if ty == Type::Text {
                format!("text is written in quotes: `\"{name}\"`")
            } else {
                format!(
                    "bind it first, as in `for each {name} in 1..6:`, or write a {} value",
                    ty.as_str()
                )
            }
        });
        self.error(
            Diagnostic::new(
                Code::UndeclaredVariable,
                span,
                format!("`{name}` is not a variable in scope"),
            )
            .with_label("unknown name")
            .with_help(help),
        );
    }

    fn mismatch(&self, field: &str, ty: Type, value: &Node<ast::Value>) -> Diagnostic {
        let (mut what, shown) = describe_value(&value.node);
        if matches!(&value.node, ast::Value::Name(n) if !self.zones.contains_key(n.as_str())) {
            what = "a bare name";
        }
        let help = match (&value.node, ty) {
            (ast::Value::Text(s), Type::Zone) if self.zones.contains_key(s.as_str()) => {
                Some(format!("zone names are written without quotes: `{s}`"))
            }
            (ast::Value::Text(s), Type::Int | Type::Number) if s.trim().parse::<f64>().is_ok() => {
                Some(format!("write the number without quotes: `{}`", s.trim()))
            }
            (ast::Value::Number(_), Type::Int) => Some(format!(
                "`{field}` holds whole numbers; declare it `number` to allow decimals"
            )),
            (ast::Value::Name(s) | ast::Value::Text(s), Type::Time) if crate::time::parse_timestamp(s).is_ok() => {
                Some(format!("write the timestamp without quotes: `{s}`"))
            }
            (ast::Value::Name(s), Type::Text) => Some(format!("text is written in quotes: `\"{s}\"`")),
            (ast::Value::Int(_) | ast::Value::Number(_) | ast::Value::Bool(_), Type::Text) => {
                Some(format!("write it in quotes: `\"{shown}\"`"))
            }
            (_, Type::Position) => Some("write a position as latitude and longitude in parentheses, as in `(48.02, 37.80)`, with `± 25km` if it is known only to within a radius".to_string()),
            _ => None,
        };
        Diagnostic::new(
            Code::TypeMismatch,
            value.span,
            format!("field `{field}` holds {}, but `{shown}` is {what}", describe_type(ty)),
        )
        .with_label(format!("expected {}", ty.as_str()))
        .with_help(help.unwrap_or_else(|| format!("write a value of type `{}`", ty.as_str())))
    }
}

fn value_name(value: &ast::Value) -> String {
    match value {
        ast::Value::Name(n) => n.clone(),
        other => other.to_string(),
    }
}

/// A type in words: "whole numbers (`int`)".
pub(crate) fn describe_type(ty: Type) -> &'static str {
    match ty {
        Type::Int => "whole numbers (`int`)",
        Type::Number => "numbers (`number`)",
        Type::Text => "text (`text`)",
        Type::Bool => "`true` or `false` (`bool`)",
        Type::Zone => "zone names (`zone`)",
        Type::Time => "timestamps (`time`)",
        Type::Position => "positions (`position`)",
    }
}

/// What a value is, and how it was written.
fn describe_value(value: &ast::Value) -> (&'static str, String) {
    let what = match value {
        ast::Value::Int(_) => "a whole number",
        ast::Value::Number(_) => "a decimal number",
        ast::Value::Text(_) => "text",
        ast::Value::Bool(_) => "a boolean",
        ast::Value::Time(_) => "a timestamp",
        ast::Value::Name(_) => "a zone name",
    };
    (what, value.to_string())
}
