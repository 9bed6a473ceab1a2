//! Arithmetic over aggregates: `*` binds tighter than `+` and `-`, all left
//! to right. Precedence is resolved here by two small folds rather than in
//! the grammar, and the depth of the result is bounded.

use super::{Builder, Pair, find, parts};
use crate::source::Node;
use crate::syntax::ast::{ArithOp, Expr};
use crate::syntax::grammar::Rule;
use crate::syntax::nesting::{MAX_NESTING, too_deep};

impl Builder {
    /// `expr = { operand ~ (arith_op ~ operand)* }`
    pub(super) fn expr(&mut self, pair: Pair) -> Option<Node<Expr>> {
        let span = self.span(&pair);
        let mut operands = Vec::new();
        let mut ops = Vec::new();
        for part in parts(pair) {
            match part.as_rule() {
                Rule::plus => ops.push(ArithOp::Add),
                Rule::minus => ops.push(ArithOp::Sub),
                Rule::times => ops.push(ArithOp::Mul),
                _ => operands.push(self.operand(part)?),
            }
        }
        if ops.len() + self.depth > MAX_NESTING {
            self.error(too_deep(span, "arithmetic operators"));
            return None;
        }
        let mut operands = operands.into_iter();
        // Fold `*` into terms, then `+` and `-` over the terms.
        let mut terms = vec![operands.next()?];
        let mut term_ops = Vec::new();
        for (op, operand) in ops.into_iter().zip(operands) {
            if op == ArithOp::Mul {
                let lhs = terms.pop()?;
                terms.push(binary(op, lhs, operand));
            } else {
                term_ops.push(op);
                terms.push(operand);
            }
        }
        let mut terms = terms.into_iter();
        let mut result = terms.next()?;
        for (op, term) in term_ops.into_iter().zip(terms) {
            result = binary(op, result, term);
        }
        Some(result)
    }

    /// `count_agg | sum_agg | decimal | integer | expr_group`
    fn operand(&mut self, pair: Pair) -> Option<Node<Expr>> {
        let span = self.span(&pair);
        let expr = match pair.as_rule() {
            Rule::integer => Expr::Integer(self.integer(&pair).node),
            Rule::decimal => Expr::Number(self.decimal(&pair).node),
            Rule::count_agg => Expr::Count(self.pattern(find(&parts(pair), Rule::pattern)?)?),
            Rule::sum_agg => {
                let parts = parts(pair);
                Expr::Sum(
                    self.name(&find(&parts, Rule::word)?),
                    self.pattern(find(&parts, Rule::pattern)?)?,
                )
            }
            Rule::expr_group => {
                if !self.enter(span, "parentheses") {
                    self.leave();
                    return None;
                }
                let inner = self.expr(find(&parts(pair), Rule::expr)?);
                self.leave();
                return inner.map(|e| Node::new(e.node, span));
            }
            _ => return None,
        };
        Some(Node::new(expr, span))
    }
}

fn binary(op: ArithOp, lhs: Node<Expr>, rhs: Node<Expr>) -> Node<Expr> {
    let span = lhs.span.to(rhs.span);
    Node::new(Expr::Binary(op, Box::new(lhs), Box::new(rhs)), span)
}
