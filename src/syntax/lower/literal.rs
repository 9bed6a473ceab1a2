//! Literals: strings, numbers, booleans, timestamps, durations, values.

use super::{Builder, Pair};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{Node, Span};
use crate::syntax::ast::Value;
use crate::syntax::grammar::Rule;
use crate::time::{Duration, DurationError, Stamp, TimestampError, parse_duration, parse_stamp};
use chrono::{DateTime, TimeDelta};

impl Builder {
    /// `"..."` with its escapes resolved.
    pub(super) fn string(&mut self, pair: Pair) -> Node<String> {
        let span = self.span(&pair);
        let inner = pair.into_inner().next();
        let (raw, start) = match &inner {
            Some(p) => (p.as_str(), p.as_span().start()),
            None => ("", span.start as usize),
        };
        let mut out = String::with_capacity(raw.len());
        let mut chars = raw.char_indices();
        while let Some((i, c)) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some((_, '"')) => out.push('"'),
                Some((_, '\\')) => out.push('\\'),
                Some((_, 'n')) => out.push('\n'),
                Some((_, 't')) => out.push('\t'),
                other => {
                    let len = 1 + other.map_or(0, |(_, c)| c.len_utf8());
                    let at = Span::new(self.file, start + i, start + i + len);
                    let shown = &raw[i..i + len];
                    self.error(
                        Diagnostic::new(Code::InvalidEscape, at, format!("unknown escape `{shown}` in a string"))
                            .with_label("not an escape")
                            .with_help("the escapes are `\\\"`, `\\\\`, `\\n` and `\\t`; write `\\\\` for a backslash"),
                    );
                }
            }
        }
        Node::new(out, span)
    }

    /// A whole number.
    pub(super) fn integer(&mut self, pair: &Pair) -> Node<i64> {
        let span = self.span(pair);
        let value = pair.as_str().parse().unwrap_or_else(|_| {
            self.error(
                Diagnostic::new(
                    Code::NumberOutOfRange,
                    span,
                    format!("the number `{}` is too large", pair.as_str()),
                )
                .with_label("out of range")
                .with_help(format!("whole numbers go from {} to {}", i64::MIN, i64::MAX)),
            );
            0
        });
        Node::new(value, span)
    }

    /// A decimal number.
    pub(super) fn decimal(&mut self, pair: &Pair) -> Node<crate::number::Decimal> {
        let span = self.span(pair);
        let value = match crate::number::parse(pair.as_str()) {
            Some(v) => v,
            None => {
                self.error(
                    Diagnostic::new(
                        Code::NumberOutOfRange,
                        span,
                        format!("the number `{}` is too large", pair.as_str()),
                    )
                    .with_label("out of range"),
                );
                crate::number::Decimal::ZERO
            }
        };
        Node::new(value, span)
    }

    /// A time: RFC 3339 with an offset, a local time without one, or a
    /// bare date (the last two read in the unit's calendar by the checker).
    pub(super) fn timestamp(&mut self, pair: &Pair) -> Node<Stamp> {
        let span = self.span(pair);
        let text = pair.as_str();
        let value = match parse_stamp(text) {
            Ok(t) => t,
            Err(error) => {
                self.error(timestamp_error(span, text, &error));
                Stamp::Instant(DateTime::UNIX_EPOCH.fixed_offset())
            }
        };
        Node::new(value, span)
    }

    /// A non-zero duration such as `72h`.
    pub(super) fn duration(&mut self, pair: &Pair) -> Node<Duration> {
        let span = self.span(pair);
        let text = pair.as_str();
        let value = match parse_duration(text) {
            Ok(d) if d.delta().is_zero() => {
                self.error(
                    Diagnostic::new(Code::ZeroDuration, span, format!("the duration `{text}` is zero"))
                        .with_label("zero")
                        .with_help("a window or deadline of zero length never holds anything; use at least `1s`"),
                );
                d
            }
            Ok(d) => d,
            Err(error) => {
                self.error(duration_error(span, text, &error));
                Duration::from_delta(TimeDelta::zero())
            }
        };
        Node::new(value, span)
    }

    /// A value: literal or name.
    pub(super) fn value(&mut self, pair: Pair) -> Node<Value> {
        let span = self.span(&pair);
        let Some(inner) = pair.into_inner().next() else {
            return Node::new(Value::Name(String::new()), span);
        };
        let value = match inner.as_rule() {
            Rule::timestamp => Value::Time(self.timestamp(&inner).node),
            Rule::decimal => Value::Number(self.decimal(&inner).node),
            Rule::integer => Value::Int(self.integer(&inner).node),
            Rule::string => Value::Text(self.string(inner).node),
            Rule::boolean => Value::Bool(inner.as_str() == "true"),
            _ => Value::Name(inner.as_str().to_string()),
        };
        Node::new(value, span)
    }
}

/// The diagnostic for a timestamp that cannot be read.
pub(crate) fn timestamp_error(span: Span, text: &str, error: &TimestampError) -> Diagnostic {
    match error {
        TimestampError::NoOffset => Diagnostic::new(
            Code::TimeWithoutOffset,
            span,
            format!("the time `{text}` has no UTC offset"),
        )
        .with_label("no offset")
        .with_help(format!(
            "add `Z` for UTC or the local offset, as in `{text}Z` or `{text}+02:00`"
        )),
        other => Diagnostic::new(
            Code::InvalidTimestamp,
            span,
            format!("`{text}` is not a valid timestamp: {other}"),
        )
        .with_label("invalid")
        .with_help("write RFC 3339 with an offset, as in `2025-01-19T08:30:00Z`, or a date such as `2025-01-19`"),
    }
}

/// The diagnostic for a duration that cannot be read.
fn duration_error(span: Span, text: &str, error: &DurationError) -> Diagnostic {
    let diagnostic = Diagnostic::new(
        Code::InvalidDuration,
        span,
        format!("`{text}` is not a valid duration: {error}"),
    )
    .with_label("invalid duration");
    let help = match error {
        DurationError::UnknownUnit {
            unit,
            suggestion: Some(meant),
        } => {
            format!("did you mean `{}`?", text.replacen(unit.as_str(), meant, 1))
        }
        DurationError::UnknownUnit { unit, suggestion: None }
            if matches!(unit.as_str(), "y" | "yr" | "year" | "years" | "mo" | "month" | "months") =>
        {
            "months and years vary in length; write days, as in `30d` or `365d`".to_string()
        }
        DurationError::TooLong => "durations go up to 100,000 years".to_string(),
        _ => "write a number and a unit, largest first, as in `72h` or `1d12h` (units: w, d, h, m, s)".to_string(),
    };
    diagnostic.with_help(help)
}
