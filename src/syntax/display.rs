//! Writes syntax back as text, in one canonical spelling: single spaces,
//! durations largest unit first, timestamps in full. Reports use it to name
//! patterns and anchors the way a monitor writes them.

use super::ast::{Anchor, AnchorBase, Condition, Expr, Occurrence, Pattern, Value, Window};
use chrono::{DateTime, FixedOffset, SecondsFormat};
use std::fmt::{self, Display, Formatter};

/// A timestamp as written canonically: `2025-01-19T08:30:00Z`, keeping its offset.
pub fn format_time(time: &DateTime<FixedOffset>) -> String {
    time.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

impl Display for Value {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Value::Int(n) => write!(f, "{n}"),
            Value::Number(n) => write!(f, "{n:?}"),
            Value::Text(s) => write!(f, "\"{}\"", escape(s)),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Time(t) => f.write_str(&format_time(t)),
            Value::Name(n) => f.write_str(n),
        }
    }
}

/// Escapes a string for writing between quotes.
pub fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
        .replace('\t', "\\t")
}

impl Display for Pattern {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(&self.kind)?;
        for q in &self.qualifiers {
            if q.field.node == "zone" {
                write!(f, " in zone {}", q.value.node)?;
            } else {
                write!(f, " {} {}", q.field.node, q.value.node)?;
            }
        }
        if let Some(c) = &self.condition {
            write!(f, " where {}", c.node)?;
        }
        Ok(())
    }
}

impl Display for Condition {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Condition::Compare(field, op, value) => write!(f, "{} {} {}", field.node, op.as_str(), value.node),
            Condition::In(field, values) => {
                write!(f, "{} in [", field.node)?;
                for (i, v) in values.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{}", v.node)?;
                }
                f.write_str("]")
            }
            Condition::And(parts) => junction(f, parts, "and", |c| matches!(c, Condition::Or(_))),
            Condition::Or(parts) => junction(f, parts, "or", |_| false),
            Condition::Not(inner) => match &inner.node {
                Condition::And(_) | Condition::Or(_) => write!(f, "not ({})", inner.node),
                other => write!(f, "not {other}"),
            },
        }
    }
}

fn junction(
    f: &mut Formatter<'_>,
    parts: &[super::Node<Condition>],
    word: &str,
    needs_parens: fn(&Condition) -> bool,
) -> fmt::Result {
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            write!(f, " {word} ")?;
        }
        if needs_parens(&part.node) {
            write!(f, "({})", part.node)?;
        } else {
            write!(f, "{}", part.node)?;
        }
    }
    Ok(())
}

impl Display for Anchor {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match &self.base.node {
            AnchorBase::Time(t) => f.write_str(&format_time(t))?,
            AnchorBase::Event(Occurrence::First, p) => write!(f, "first {}", p.node)?,
            AnchorBase::Event(Occurrence::Last, p) => write!(f, "last {}", p.node)?,
            AnchorBase::PhaseStart(p) => write!(f, "start of {}", p.node)?,
            AnchorBase::PhaseEnd(p) => write!(f, "end of {}", p.node)?,
        }
        for offset in &self.offsets {
            let sign = if offset.negative { '-' } else { '+' };
            write!(f, " {sign} {}", offset.duration)?;
        }
        Ok(())
    }
}

impl Display for Window {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Window::During(p) => write!(f, "during {}", p.node),
            Window::Between(a, b) => write!(f, "between {} and {}", a.node, b.node),
            Window::After(a) => write!(f, "after {}", a.node),
            Window::Before(a) => write!(f, "before {}", a.node),
            Window::WithinAfter(d, a) => write!(f, "within {} after {}", d.node, a.node),
        }
    }
}

impl Display for Expr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Count(p) => write!(f, "count({})", p.node),
            Expr::Sum(field, p) => write!(f, "sum({} of {})", field.node, p.node),
            Expr::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => write!(f, "{}", *n as i64),
            Expr::Number(n) => write!(f, "{n}"),
            Expr::Binary(op, lhs, rhs) => {
                let tight = |e: &Expr| matches!(e, Expr::Binary(o, ..) if *o != super::ast::ArithOp::Mul);
                let wrap = |e: &Expr, f: &mut Formatter<'_>, right: bool| {
                    let parens = (*op == super::ast::ArithOp::Mul && tight(e))
                        || (right && matches!(e, Expr::Binary(..)) && *op != super::ast::ArithOp::Add);
                    if parens { write!(f, "({e})") } else { write!(f, "{e}") }
                };
                wrap(&lhs.node, f, false)?;
                write!(f, " {} ", op.as_str())?;
                wrap(&rhs.node, f, true)
            }
        }
    }
}

impl Display for super::ast::ForEach {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        use super::ast::Domain;
        match &self.domain {
            Domain::Zones(None) => write!(f, "for each zone {}:", self.var.node),
            Domain::Zones(Some(list)) => {
                let names: Vec<&str> = list.iter().map(|n| n.node.as_str()).collect();
                write!(f, "for each zone {} in [{}]:", self.var.node, names.join(", "))
            }
            Domain::Range(a, b) => write!(f, "for each {} in {}..{}:", self.var.node, a.node, b.node),
            Domain::Values(kind, field) => write!(f, "for each {} of {}.{}:", self.var.node, kind.node, field.node),
        }
    }
}

impl Display for super::ast::Form {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        use super::ast::{Direction, Form, RateBound};
        let within = |d: &Option<super::Node<crate::time::Duration>>| {
            d.as_ref().map(|d| format!(" within {}", d.node)).unwrap_or_default()
        };
        let per = |d: &Option<super::Node<crate::time::Duration>>| {
            d.as_ref().map(|d| format!(" per {}", d.node)).unwrap_or_default()
        };
        let window = |w: &Option<super::Node<Window>>| w.as_ref().map(|w| format!(" {}", w.node)).unwrap_or_default();
        match self {
            Form::Precedes { first, then, within: d } => {
                write!(f, "{} precedes {}{}", first.node, then.node, within(d))
            }
            Form::Every {
                trigger,
                direction,
                negated,
                target,
                within: d,
            } => {
                let verb = if *direction == Direction::Followed {
                    "followed"
                } else {
                    "preceded"
                };
                let no = if *negated { "no " } else { "" };
                write!(
                    f,
                    "every {} is {verb} by {no}{}{}",
                    trigger.node,
                    target.node,
                    within(d)
                )
            }
            Form::OccursBy { pattern, deadline } => write!(f, "{} occurs by {}", pattern.node, deadline.node),
            Form::OccursWithin {
                pattern,
                within: d,
                after,
            } => {
                write!(f, "{} occurs within {} after {}", pattern.node, d.node, after.node)
            }
            Form::Absence { pattern, window: w } => write!(f, "no {} {}", pattern.node, w.node),
            Form::Rate {
                bound,
                count,
                pattern,
                per: p,
                window: w,
            } => {
                let bound = if *bound == RateBound::AtLeast {
                    "at least"
                } else {
                    "at most"
                };
                write!(f, "{bound} {} {}{}{}", count.node, pattern.node, per(p), window(w))
            }
            Form::Aggregate {
                lhs,
                op,
                rhs,
                per: p,
                window: w,
            } => {
                write!(f, "{} {} {}{}{}", lhs.node, op.as_str(), rhs.node, per(p), window(w))
            }
        }
    }
}

impl Display for super::ast::Body {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for header in &self.for_each {
            write!(f, "{} ", header.node)?;
        }
        write!(f, "{}", self.form.node)
    }
}
