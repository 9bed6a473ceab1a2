//! `test` blocks.

use super::decl::parts_of;
use super::literal::timestamp_error;
use super::{Builder, Pair, find, parts};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::Node;
use crate::syntax::ast::{LogLine, LogPosition, LogTime, LogValue, Test, TestStatement};
use crate::syntax::display::format_instant;
use crate::syntax::grammar::Rule;
use crate::time::{Calendar, LogTimeError, parse_log_time, parse_timestamp};

impl Builder {
    /// `test = { kw_test ~ string ~ lbrace ~ test_stmt* ~ rbrace }`
    pub(super) fn test(&mut self, pair: Pair) -> Option<Test> {
        let parts = parts(pair);
        let name = self.string(find(&parts, Rule::string)?);
        let mut statements = Vec::new();
        for part in parts {
            let span = self.span(&part);
            let statement = match part.as_rule() {
                Rule::as_of => TestStatement::AsOf(self.timestamp(&find(&super::parts(part), Rule::timestamp)?).node),
                Rule::test_log => TestStatement::Log(
                    parts_of(part, Rule::log_line)
                        .into_iter()
                        .filter_map(|l| self.log_line(l))
                        .collect(),
                ),
                Rule::expect => {
                    let parts = super::parts(part);
                    TestStatement::Expect(
                        self.name(&find(&parts, Rule::rule_id)?),
                        self.name(&find(&parts, Rule::word)?),
                    )
                }
                _ => continue,
            };
            statements.push(Node::new(statement, span));
        }
        Some(Test { name, statements })
    }

    /// `log_line = { log_time ~ ident ~ log_field* }`
    fn log_line(&mut self, pair: Pair) -> Option<Node<LogLine>> {
        let span = self.span(&pair);
        let parts = parts(pair);
        let time = self.log_time(&find(&parts, Rule::log_time)?)?;
        let kind = self.name(&find(&parts, Rule::ident)?);
        let mut fields = Vec::new();
        for field in parts.into_iter().filter(|p| p.as_rule() == Rule::log_field) {
            let field = super::parts(field);
            let name = self.name(&find(&field, Rule::word)?);
            let value = if let Some(list) = find(&field, Rule::value_list) {
                let list_span = self.span(&list);
                let values = parts_of(list, Rule::value).into_iter().map(|v| self.value(v)).collect();
                LogValue::List(Node::new(values, list_span))
            } else if let Some(position) = find(&field, Rule::log_position) {
                let position_span = self.span(&position);
                let inner = super::parts(position);
                let mut coordinates = inner
                    .iter()
                    .filter(|p| p.as_rule() == Rule::coordinate)
                    .map(|p| p.as_str().to_string());
                LogValue::Position(Node::new(
                    LogPosition {
                        lat: coordinates.next()?,
                        lon: coordinates.next()?,
                        radius: find(&inner, Rule::distance_lit).map(|r| r.as_str().to_string()),
                    },
                    position_span,
                ))
            } else {
                LogValue::One(self.value(find(&field, Rule::value)?))
            };
            fields.push((name, value));
        }
        Some(Node::new(LogLine { time, kind, fields }, span))
    }

    /// A test log's time, in any form a log takes (LANGUAGE-v2 §9.1).
    fn log_time(&mut self, pair: &Pair) -> Option<Node<LogTime>> {
        let span = self.span(pair);
        let text = pair.as_str();
        // Read here as UTC, local times allowed; the checker reads the
        // text again in the unit's calendar.
        match parse_log_time(text, Some(Calendar::Utc)) {
            Ok(value) => {
                // An instant prints back as every timestamp does.
                let text = match (value.end, parse_timestamp(text)) {
                    (None, Ok(instant)) => format_instant(&instant),
                    _ => text.to_string(),
                };
                Some(Node::new(LogTime { text, value }, span))
            }
            Err(LogTimeError::Invalid(error)) => {
                // Each side is reported as a timestamp would be.
                let side = text
                    .split('/')
                    .find(|side| parse_log_time(side, Some(Calendar::Utc)).is_err())
                    .unwrap_or(text);
                self.error(timestamp_error(span, side, &error));
                None
            }
            // UTC has no summer time: no local time is skipped or repeated.
            Err(LogTimeError::Local(_)) => None,
            Err(error @ LogTimeError::Backwards { .. }) => {
                self.error(
                    Diagnostic::new(
                        Code::InvalidTimestamp,
                        span,
                        format!("the time range `{text}` is empty: {error}"),
                    )
                    .with_label("empty range")
                    .with_help(
                        "write the earlier end first, as in `2025-01-25/2025-01-27`; a range must last some time",
                    ),
                );
                None
            }
        }
    }
}
