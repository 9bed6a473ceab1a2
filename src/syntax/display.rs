//! Writes syntax back as text, in one canonical spelling: single spaces,
//! durations largest unit first, timestamps in full. Reports use it to name
//! patterns and anchors the way a monitor writes them.

use super::ast::{Anchor, AnchorBase, Condition, Expr, Occurrence, Pattern, Value, Window};
use chrono::{DateTime, FixedOffset, Timelike};
use std::fmt::{self, Display, Formatter};

/// A timestamp as written canonically: a bare date for midnight UTC, else
/// minutes, with seconds only when there are any, `Z` for UTC and the offset
/// as written otherwise (`2025-01-19`, `2025-01-19T09:15Z`,
/// `2025-01-19T11:15:30+02:00`).
pub fn format_time(time: &DateTime<FixedOffset>) -> String {
    let offset = time.offset().local_minus_utc();
    if offset == 0 && time.num_seconds_from_midnight() == 0 && time.nanosecond() == 0 {
        return time.format("%Y-%m-%d").to_string();
    }
    format_instant(time)
}

/// A timestamp always written with its time of day, as observations in
/// test logs are: `2025-01-19T00:00Z` rather than `2025-01-19`.
pub fn format_instant(time: &DateTime<FixedOffset>) -> String {
    let offset = time.offset().local_minus_utc();
    let mut text = time.format("%Y-%m-%dT%H:%M").to_string();
    if time.second() != 0 || time.nanosecond() != 0 {
        text.push_str(&time.format(":%S%.f").to_string());
    }
    if offset == 0 {
        text.push('Z');
    } else {
        text.push_str(&time.format("%:z").to_string());
    }
    text
}

impl Display for Value {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Value::Int(n) => write!(f, "{n}"),
            Value::Number(n) => f.write_str(&format_decimal(*n)),
            Value::Text(s) => write!(f, "\"{}\"", escape(s)),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Time(t) => f.write_str(&t.text()),
            Value::Name(n) => f.write_str(n),
        }
    }
}

/// A decimal number as written, which the grammar reads back: digits, a
/// point, digits (`2.50` keeps its places; a whole `2` decimal is `2.0`).
pub fn format_decimal(n: crate::number::Decimal) -> String {
    let text = n.to_string();
    if text.contains('.') { text } else { format!("{text}.0") }
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
            Condition::Inside(field, place) => write!(f, "{} inside {}", field.node, place.node),
            Condition::Distance(distance) => {
                let (field, place, op, d) = distance.as_ref();
                write!(f, "distance({}, {}) {} {}", field.node, place.node, op.as_str(), d.node)
            }
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
            // A junction inside another is in parentheses, so that it reads
            // back as the same tree (`a or (b or c)` is not `a or b or c`).
            Condition::And(parts) => junction(f, parts, "and", |c| matches!(c, Condition::Or(_) | Condition::And(_))),
            Condition::Or(parts) => junction(f, parts, "or", |c| matches!(c, Condition::Or(_))),
            Condition::Not(inner) => match &inner.node {
                Condition::And(_) | Condition::Or(_) => write!(f, "not ({})", inner.node),
                other => write!(f, "not {other}"),
            },
        }
    }
}

fn junction(
    f: &mut Formatter<'_>,
    parts: &[crate::source::Node<Condition>],
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
            AnchorBase::Time(t) => f.write_str(&t.text())?,
            // `first` is the default, and not written.
            AnchorBase::Event(Occurrence::First, p) => write!(f, "{}", p.node)?,
            AnchorBase::Event(Occurrence::Last, p) => write!(f, "last {}", p.node)?,
            AnchorBase::DayStart(a) | AnchorBase::DayEnd(a) => {
                let which = if matches!(&self.base.node, AnchorBase::DayStart(_)) {
                    "start"
                } else {
                    "end"
                };
                if a.node.offsets.is_empty() {
                    write!(f, "{which} of day {}", a.node)?
                } else {
                    write!(f, "{which} of day ({})", a.node)?
                }
            }
            AnchorBase::PhaseStart(p) => write!(f, "start of {}", p.node)?,
            AnchorBase::PhaseEnd(p) => write!(f, "end of {}", p.node)?,
            AnchorBase::Group(a) => write!(f, "({})", a.node)?,
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
            Expr::Integer(n) => write!(f, "{n}"),
            Expr::Number(n) => f.write_str(&format_decimal(*n)),
            Expr::Binary(op, lhs, rhs) => {
                // `*` binds tighter than `+` and `-`, all left to right: a
                // left operand needs parentheses when it binds more loosely,
                // a right operand when it binds no tighter.
                let rank = |e: &Expr| match e {
                    Expr::Binary(super::ast::ArithOp::Mul, ..) => 2,
                    Expr::Binary(..) => 1,
                    _ => 3,
                };
                let own = rank(self);
                let wrap = |e: &Expr, f: &mut Formatter<'_>, parens: bool| {
                    if parens { write!(f, "({e})") } else { write!(f, "{e}") }
                };
                wrap(&lhs.node, f, rank(&lhs.node) < own)?;
                write!(f, " {} ", op.as_str())?;
                wrap(&rhs.node, f, rank(&rhs.node) <= own)
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
            Domain::List(values) => {
                let values: Vec<String> = values.iter().map(|v| v.node.to_string()).collect();
                write!(f, "for each {} in [{}]:", self.var.node, values.join(", "))
            }
        }
    }
}

impl Display for super::ast::Form {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        use super::ast::{Direction, Form, RateBound};
        let within = |d: &Option<crate::source::Node<crate::time::Duration>>| {
            d.as_ref().map(|d| format!(" within {}", d.node)).unwrap_or_default()
        };
        let per = |d: &Option<crate::source::Node<crate::time::Duration>>| {
            d.as_ref().map(|d| format!(" per {}", d.node)).unwrap_or_default()
        };
        let window =
            |w: &Option<crate::source::Node<Window>>| w.as_ref().map(|w| format!(" {}", w.node)).unwrap_or_default();
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
            Form::Absence {
                pattern,
                daily: d,
                window: w,
            } => write!(f, "no {}{} {}", pattern.node, daily(d), w.node),
            Form::Rate {
                bound,
                count,
                pattern,
                per: p,
                daily: d,
                window: w,
            } => {
                let bound = if *bound == RateBound::AtLeast {
                    "at least"
                } else {
                    "at most"
                };
                write!(
                    f,
                    "{bound} {} {}{}{}{}",
                    count.node,
                    pattern.node,
                    per(p),
                    daily(d),
                    window(w)
                )
            }
            Form::Aggregate {
                lhs,
                op,
                rhs,
                per: p,
                daily: d,
                window: w,
            } => {
                write!(
                    f,
                    "{} {} {}{}{}{}",
                    lhs.node,
                    op.as_str(),
                    rhs.node,
                    per(p),
                    daily(d),
                    window(w)
                )
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

/// ` daily 10:00 to 20:00`, or nothing.
fn daily(d: &Option<crate::source::Node<crate::time::DailyHours>>) -> String {
    d.as_ref()
        .map(|d| {
            format!(
                " daily {} to {}",
                crate::time::DailyHours::clock(d.node.from),
                crate::time::DailyHours::clock(d.node.to)
            )
        })
        .unwrap_or_default()
}

/// A column of a source: its name bare if it reads back as one, else quoted.
pub fn format_column(name: &str) -> String {
    let word = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !matches!(name, "true" | "false");
    if word {
        name.to_string()
    } else {
        format!("\"{}\"", escape(name))
    }
}

impl Display for super::ast::MapOut {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            super::ast::MapOut::Value(value) => write!(f, "{value}"),
            super::ast::MapOut::Distance(d) => f.write_str(d),
            super::ast::MapOut::Skip => f.write_str("skip"),
            super::ast::MapOut::Keep => f.write_str("keep"),
        }
    }
}

impl Display for super::ast::SourceValue {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        use super::ast::SourceValue;
        match self {
            SourceValue::Cell(value) => write!(f, "{}", value.node),
            SourceValue::Range(a, b) => write!(f, "{} .. {}", format_column(&a.node), format_column(&b.node)),
            SourceValue::Position { lat, lon, radius } => {
                write!(f, "({}, {})", format_column(&lat.node), format_column(&lon.node))?;
                match radius {
                    Some(radius) => write!(f, " ± {}", radius.node),
                    None => Ok(()),
                }
            }
            SourceValue::Distance(d) => f.write_str(&d.node),
            SourceValue::Split(column, separator) => {
                write!(
                    f,
                    "{} split \"{}\"",
                    format_column(&column.node),
                    escape(&separator.node)
                )
            }
            SourceValue::Map {
                column,
                entries,
                otherwise,
            } => {
                write!(f, "{} map {{ ", format_column(&column.node))?;
                let mut parts: Vec<String> = entries
                    .iter()
                    .map(|e| format!("{}: {}", e.key.node, e.out.node))
                    .collect();
                parts.extend(otherwise.iter().map(|o| format!("else: {}", o.node)));
                write!(f, "{} }}", parts.join(", "))
            }
        }
    }
}
