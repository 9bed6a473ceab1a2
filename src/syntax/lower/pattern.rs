//! Patterns, qualifiers and `where` conditions.

use super::decl::parts_of;
use super::{Builder, Pair, find, parts};
use crate::source::Node;
use crate::syntax::ast::{CmpOp, Condition, Pattern, Qualifier};
use crate::syntax::grammar::Rule;

impl Builder {
    /// `pattern = { ident ~ qualifier* ~ (kw_where ~ condition)? }`
    pub(super) fn pattern(&mut self, pair: Pair) -> Option<Node<Pattern>> {
        let span = self.span(&pair);
        let parts = parts(pair);
        let kind = self.name(parts.first()?);
        let mut qualifiers = Vec::new();
        let mut condition = None;
        for part in parts.into_iter().skip(1) {
            match part.as_rule() {
                Rule::zone_qualifier | Rule::field_qualifier => qualifiers.push(self.qualifier(part)?),
                Rule::condition => condition = Some(self.condition(part)?),
                _ => {}
            }
        }
        Some(Node::new(
            Pattern {
                kind,
                qualifiers,
                condition,
            },
            span,
        ))
    }

    /// `in zone VALUE` or `FIELD VALUE`.
    fn qualifier(&mut self, pair: Pair) -> Option<Node<Qualifier>> {
        let span = self.span(&pair);
        let is_zone = pair.as_rule() == Rule::zone_qualifier;
        let parts = parts(pair);
        let field = if is_zone {
            let kw = find(&parts, Rule::kw_zone)?;
            Node::new("zone".to_string(), self.span(&kw))
        } else {
            self.name(&find(&parts, Rule::ident)?)
        };
        let value = self.value(find(&parts, Rule::value)?);
        Some(Node::new(Qualifier { field, value }, span))
    }

    /// `condition = { cond_and ~ (kw_or ~ cond_and)* }`
    pub(super) fn condition(&mut self, pair: Pair) -> Option<Node<Condition>> {
        self.junction(pair, Rule::cond_and, Condition::Or)
    }

    /// `cond_and = { cond_not ~ (kw_and ~ cond_not)* }`
    fn cond_and(&mut self, pair: Pair) -> Option<Node<Condition>> {
        self.junction(pair, Rule::cond_not, Condition::And)
    }

    /// An `and` or `or` list; a single member stands for itself.
    fn junction(
        &mut self,
        pair: Pair,
        member: Rule,
        make: fn(Vec<Node<Condition>>) -> Condition,
    ) -> Option<Node<Condition>> {
        let span = self.span(&pair);
        let mut members = Vec::new();
        for part in parts_of(pair, member) {
            let built = if member == Rule::cond_and {
                self.cond_and(part)
            } else {
                self.cond_not(part)
            };
            members.push(built?);
        }
        if members.len() == 1 {
            return members.pop();
        }
        Some(Node::new(make(members), span))
    }

    /// `cond_not = { kw_not* ~ cond_atom }`
    fn cond_not(&mut self, pair: Pair) -> Option<Node<Condition>> {
        let parts = parts(pair);
        let nots: Vec<_> = parts
            .iter()
            .filter(|p| p.as_rule() == Rule::kw_not)
            .map(|p| self.span(p))
            .collect();
        let atom = parts.into_iter().find(|p| p.as_rule() != Rule::kw_not)?;
        let mut entered = 0;
        for &span in &nots {
            entered += 1;
            if !self.enter(span, "`not`s") {
                (0..entered).for_each(|_| self.leave());
                return None;
            }
        }
        let built = self.cond_atom(atom);
        (0..entered).for_each(|_| self.leave());
        let mut condition = built?;
        for span in nots.into_iter().rev() {
            let whole = span.to(condition.span);
            condition = Node::new(Condition::Not(Box::new(condition)), whole);
        }
        Some(condition)
    }

    /// `cond_group | membership | comparison`
    fn cond_atom(&mut self, pair: Pair) -> Option<Node<Condition>> {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let parts = parts(pair);
        let condition = match rule {
            Rule::cond_group => {
                if !self.enter(span, "parentheses") {
                    self.leave();
                    return None;
                }
                let inner = self.condition(find(&parts, Rule::condition)?);
                self.leave();
                return inner.map(|c| Node::new(c.node, span));
            }
            Rule::membership => {
                let field = self.name(&find(&parts, Rule::word)?);
                let list = find(&parts, Rule::value_list)?;
                let values = parts_of(list, Rule::value).into_iter().map(|v| self.value(v)).collect();
                Condition::In(field, values)
            }
            Rule::inside_cond => {
                let field = self.name(&find(&parts, Rule::word)?);
                Condition::Inside(field, self.name(&find(&parts, Rule::ident)?))
            }
            Rule::distance_cond => {
                let field = self.name(&find(&parts, Rule::word)?);
                let place = self.name(&find(&parts, Rule::ident)?);
                let op = cmp_op(find(&parts, Rule::cmp_op)?.as_str());
                Condition::Distance(Box::new((
                    field,
                    place,
                    op,
                    self.name(&find(&parts, Rule::distance_lit)?),
                )))
            }
            Rule::comparison => {
                let field = self.name(&find(&parts, Rule::word)?);
                let op = cmp_op(find(&parts, Rule::cmp_op)?.as_str());
                Condition::Compare(field, op, self.value(find(&parts, Rule::value)?))
            }
            _ => return None,
        };
        Some(Node::new(condition, span))
    }
}

/// A comparison operator from its text.
pub(super) fn cmp_op(text: &str) -> CmpOp {
    match text {
        "!=" => CmpOp::Ne,
        "<" => CmpOp::Lt,
        "<=" => CmpOp::Le,
        ">" => CmpOp::Gt,
        ">=" => CmpOp::Ge,
        _ => CmpOp::Eq,
    }
}
