//! `test` blocks: expectations name real rules and verdicts; log lines fit
//! the declarations.

use super::checker::Checker;
use super::model::{Expectation, Test, TestObservation, Type, Value};
use super::suggest::help_for;
use crate::diagnostic::{Code, Diagnostic};
use crate::places::Position;
use crate::source::{Node, Span};
use crate::syntax::ast::{self, TestStatement};
use crate::verdict::Verdict;

impl Checker<'_> {
    /// Checks a test block; `None` if it has errors.
    pub fn test(&mut self, test: &ast::Test, span: Span) -> Option<Test> {
        if let Some(first) = self.model.tests.iter().find(|t| t.name == test.name.node) {
            let first = first.span;
            self.error(
                Diagnostic::new(
                    Code::DuplicateTest,
                    test.name.span,
                    format!("two tests are named `{}`", test.name.node),
                )
                .with_label("second test")
                .with_secondary(first, "first test")
                .with_help("give each test its own name, so that failures can be told apart"),
            );
        }
        let mut ok = true;
        let mut as_of: Option<(chrono::DateTime<chrono::Utc>, Span)> = None;
        let mut log = Vec::new();
        let mut expects = Vec::new();
        for statement in &test.statements {
            match &statement.node {
                TestStatement::AsOf(time) => {
                    if let Some((_, first)) = as_of {
                        self.error(
                            Diagnostic::new(Code::DuplicateAsOf, statement.span, "a test may have one `as of`")
                                .with_label("second `as of`")
                                .with_secondary(first, "first `as of`")
                                .with_help("keep one; write another test for another horizon"),
                        );
                        ok = false;
                    } else if let Some(time) = self.instant(*time, statement.span) {
                        as_of = Some((time, statement.span));
                    } else {
                        ok = false;
                    }
                }
                TestStatement::Log(lines) => {
                    for line in lines {
                        match self.log_line(line) {
                            Some(o) => log.push(o),
                            None => ok = false,
                        }
                    }
                }
                TestStatement::Expect(rule, verdict) => match self.expectation(rule, verdict, statement.span) {
                    Some(Some(e)) => expects.push(e),
                    Some(None) => {}
                    None => ok = false,
                },
            }
        }
        let has_expect = test
            .statements
            .iter()
            .any(|s| matches!(s.node, TestStatement::Expect(..)));
        if !has_expect {
            self.error(
                Diagnostic::new(
                    Code::TestWithoutExpect,
                    test.name.span,
                    format!("test `{}` expects nothing", test.name.node),
                )
                .with_label("no `expect`")
                .with_help("add a line such as `expect RULE violated`; without one the test always passes"),
            );
        }
        ok.then(|| Test {
            name: test.name.node.clone(),
            span,
            as_of: as_of.map(|(t, _)| t),
            log,
            expects,
        })
    }

    /// `Some(None)` when the rule exists but has errors of its own.
    fn expectation(&mut self, rule: &ast::Name, verdict: &ast::Name, span: Span) -> Option<Option<Expectation>> {
        let known = self.rules.contains_key(rule.node.as_str());
        if known {
            self.refer(rule.span, super::reference::Target::Rule(rule.node.clone()));
        }
        if !known {
            let mut ids: Vec<&str> = self.rules.keys().copied().collect();
            ids.sort_unstable();
            let help =
                help_for(&rule.node, ids).unwrap_or_else(|| "expect names the id written after `rule`".to_string());
            self.error(
                Diagnostic::new(
                    Code::UnknownRule,
                    rule.span,
                    format!("there is no rule `{}`", rule.node),
                )
                .with_label("unknown rule")
                .with_help(help),
            );
        }
        let parsed = Verdict::parse(&verdict.node);
        if parsed.is_none() {
            let help = help_for(&verdict.node, Verdict::ALL.iter().map(|v| v.as_str()))
                .unwrap_or_else(|| "the verdicts are `violated`, `satisfied`, `pending` and `vacuous`".to_string());
            self.error(
                Diagnostic::new(
                    Code::UnknownVerdict,
                    verdict.span,
                    format!("unknown verdict `{}`", verdict.node),
                )
                .with_label("not a verdict")
                .with_help(help),
            );
        }
        let verdict = parsed.filter(|_| known)?;
        Some(
            self.model
                .rules
                .iter()
                .position(|r| r.id == rule.node)
                .map(|rule| Expectation { rule, verdict, span }),
        )
    }

    /// A log line: its kind and fields must be declared and its values fit.
    fn log_line(&mut self, line: &crate::source::Node<ast::LogLine>) -> Option<TestObservation> {
        // Test logs are not rules: they do not make declarations "used".
        let outer = std::mem::take(&mut self.uses);
        let kind = self.lookup_kind(&line.kind);
        let mut fields = Vec::new();
        let mut positions = Vec::new();
        let (mut sources, mut status) = (Vec::new(), None);
        let mut ok = kind.is_some();
        if let Some(kind) = kind {
            for (i, (name, value)) in line.fields.iter().enumerate() {
                if let Some((first, _)) = line.fields[..i].iter().find(|(n, _)| n.node == name.node) {
                    self.error(
                        Diagnostic::new(
                            Code::DuplicateLogField,
                            name.span,
                            format!("the field `{}` is given twice", name.node),
                        )
                        .with_label("again")
                        .with_secondary(first.span, "first given here")
                        .with_help("an observation has one value per field"),
                    );
                    ok = false;
                    continue;
                }
                // `source` and `status` tell who reported it (LANGUAGE-v2
                // §9.2), unless the kind declares fields of those names.
                let declared = self.model.kinds[kind.0 as usize].field(&name.node).is_some();
                if !declared && matches!(name.node.as_str(), "source" | "status") {
                    let values: Vec<&Node<ast::Value>> = match value {
                        ast::LogValue::One(v) => vec![v],
                        ast::LogValue::List(list) if name.node == "source" => list.node.iter().collect(),
                        ast::LogValue::List(list) => {
                            self.error(list_not_allowed(&name.node, list.span));
                            ok = false;
                            continue;
                        }
                        ast::LogValue::Position(position) => {
                            self.error(position_not_allowed(&name.node, Type::Text, position.span));
                            ok = false;
                            continue;
                        }
                    };
                    for v in values {
                        match self.constant(&name.node, Type::Text, v, false) {
                            Some(Value::Text(text)) if name.node == "status" => status = Some(text),
                            Some(Value::Text(text)) => {
                                let text = text.trim().to_string();
                                if !text.is_empty() && !sources.contains(&text) {
                                    sources.push(text);
                                }
                            }
                            _ => ok = false,
                        }
                    }
                    continue;
                }
                let Some((id, ty)) = self.lookup_field(kind, name) else {
                    ok = false;
                    continue;
                };
                let value = match value {
                    ast::LogValue::One(v) => v,
                    ast::LogValue::List(list) => {
                        self.error(list_not_allowed(&name.node, list.span));
                        ok = false;
                        continue;
                    }
                    ast::LogValue::Position(position) if ty == Type::Position => {
                        match self.position(position) {
                            Some(p) => positions.push((id, p)),
                            None => ok = false,
                        }
                        continue;
                    }
                    ast::LogValue::Position(position) => {
                        self.error(position_not_allowed(&name.node, ty, position.span));
                        ok = false;
                        continue;
                    }
                };
                match self.constant(&name.node, ty, value, false) {
                    Some(v) => fields.push((id, v)),
                    None => ok = false,
                }
            }
        }
        self.uses = outer;
        let time = self.log_time(&line.time)?;
        Some(TestObservation {
            time: time.start,
            until: time.end,
            sources,
            status,
            kind: kind?,
            fields,
            positions,
            span: line.span,
        })
        .filter(|_| ok)
    }

    /// A test log line's time read in the unit's calendar (LANGUAGE-v2
    /// §10): a date is the whole local day, a time without an offset is
    /// local (an error without a calendar).
    fn log_time(&mut self, time: &Node<ast::LogTime>) -> Option<crate::time::LogTime> {
        let text = &time.node.text;
        match crate::time::parse_log_time(text, self.model.calendar) {
            Ok(value) => Some(value),
            Err(crate::time::LogTimeError::Invalid(crate::time::TimestampError::NoOffset)) => {
                self.error(
                    Diagnostic::new(Code::TimeWithoutOffset, time.span, format!("the time `{text}` has no UTC offset"))
                        .with_label("no offset")
                        .with_help(format!(
                            "add `Z` for UTC or the local offset, as in `{text}Z`, or set the agreement's `calendar` to read it as local time"
                        )),
                );
                None
            }
            Err(crate::time::LogTimeError::Local(error)) => {
                self.error(
                    Diagnostic::new(
                        Code::LocalTimeNotOne,
                        time.span,
                        format!("the local time in `{text}` {error}"),
                    )
                    .with_label("skipped or repeated by a summer-time change")
                    .with_help("write the time with the offset meant, such as `+02:00`"),
                );
                None
            }
            // The lowering read it already; in the unit's calendar it still reads.
            Err(_) => Some(time.node.value),
        }
    }
}

/// A position given for a field of another type.
fn position_not_allowed(field: &str, ty: Type, span: crate::source::Span) -> Diagnostic {
    Diagnostic::new(
        Code::TypeMismatch,
        span,
        format!(
            "field `{field}` holds {}, not a position",
            super::value::describe_type(ty)
        ),
    )
    .with_label(format!("expected {}", ty.as_str()))
    .with_help(format!("write a value of type `{}`", ty.as_str()))
}

/// A list given for a field that holds one value.
fn list_not_allowed(field: &str, span: crate::source::Span) -> Diagnostic {
    Diagnostic::new(
        Code::TypeMismatch,
        span,
        format!("`{field}` holds one value, not a list"),
    )
    .with_label("a list")
    .with_help("only `source` may list several values, as in `source [\"OSCE\", \"Reuters\"]`")
}

impl Checker<'_> {
    /// A test log's position, its numbers in range.
    fn position(&mut self, position: &Node<ast::LogPosition>) -> Option<Position> {
        let written = &position.node;
        let radius = match &written.radius {
            Some(r) => crate::places::parse_distance(r)?,
            None => 0.0,
        };
        let (lat, lon) = (written.lat.parse::<f64>().ok()?, written.lon.parse::<f64>().ok()?);
        let found = Position::new(lat, lon, radius);
        if found.is_none() {
            self.error(
                Diagnostic::new(
                    Code::TypeMismatch,
                    position.span,
                    format!("`{written}` is no position: latitude runs from -90 to 90, longitude from -180 to 180"),
                )
                .with_label("out of range")
                .with_help("write the latitude first, as in `(48.02, 37.80)`"),
            );
        }
        found
    }
}
