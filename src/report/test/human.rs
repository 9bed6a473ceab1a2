//! The results of `ceasefire test` for people: a line per test, then each
//! failure pointing at the `expect`, the rule and the log lines.

use super::TestReport;
use crate::check::model::Model;
use crate::report::markup::terminal_line;
use crate::report::{locate, plural};
use crate::verdict::Verdict;
use crate::verify::{ExpectationResult, TestOutcome};
use std::fmt::Write;

/// Instance reasons shown for a failed expectation.
const SHOWN_REASONS: usize = 3;
/// Evidence lines marked for a failed expectation.
const SHOWN_EVIDENCE: usize = 10;

impl TestReport<'_> {
    /// A line per test, then each failure with the rule's actual verdict,
    /// its reason and its evidence, then the summary.
    pub fn human(&self, style: crate::report::human::Style) -> String {
        let mut out = String::new();
        for (model, outcomes) in &self.units {
            for outcome in outcomes {
                let test = &model.tests[outcome.test];
                let at = locate(self.sources, test.span);
                let result = if outcome.passed() { "ok" } else { "FAILED" };
                let _ = writeln!(
                    out,
                    "test {}:{} \"{}\" ... {result}",
                    terminal_line(&at.file),
                    at.start.line,
                    terminal_line(&test.name)
                );
            }
        }
        let failures: Vec<String> = self
            .units
            .iter()
            .flat_map(|(model, outcomes)| outcomes.iter().map(move |o| (*model, o)))
            .flat_map(|(model, outcome)| {
                let error = outcome.error.as_ref().map(|e| self.error(model, outcome, e, style));
                error.into_iter().chain(
                    outcome
                        .expectations
                        .iter()
                        .filter(|c| c.actual.verdict != c.expected)
                        .map(move |check| self.failure(model, outcome, check, style)),
                )
            })
            .collect();
        if !failures.is_empty() {
            out.push_str("\nfailures:\n\n");
            out.push_str(&failures.join("\n"));
        }
        out.push('\n');
        out.push_str(&self.summary());
        out.push('\n');
        out
    }

    /// A test whose rules could not be judged at all.
    fn error(
        &self,
        model: &Model,
        outcome: &TestOutcome,
        error: &crate::diagnostic::Diagnostic,
        style: crate::report::human::Style,
    ) -> String {
        let test = &model.tests[outcome.test];
        let at = locate(self.sources, test.span);
        format!(
            "test \"{}\" ({}:{}) could not be judged:\n{}",
            test.name,
            at.file,
            at.start.line,
            crate::report::human::render_all(self.sources, std::slice::from_ref(error), style)
        )
    }

    /// One expectation that did not hold, pointing at the `expect`, the
    /// rule (when it is in the same file) and the log lines that decided it.
    fn failure(
        &self,
        model: &Model,
        outcome: &TestOutcome,
        check: &ExpectationResult,
        style: crate::report::human::Style,
    ) -> String {
        use crate::report::human::{Snippet, Source};
        let test = &model.tests[outcome.test];
        let rule = &model.rules[check.rule];
        let actual = check.actual.verdict;
        let file = self.sources.file(check.span.file);
        let message = format!(
            "test \"{}\" failed: rule `{}` is {actual}, expected {}",
            test.name, rule.id, check.expected
        );
        let mut snippet = Snippet::new(miette::Severity::Error, message).at(
            Source::file(&file.name, &file.text),
            check.span.range(),
            Some(format!("expected {}, got {actual}", check.expected)),
        );
        if rule.span.file == check.span.file {
            // The rule's first line is enough to find it.
            let start = rule.span.start as usize;
            let end = file.text[start..rule.span.end as usize]
                .find('\n')
                .map_or(rule.span.end as usize, |n| start + n);
            snippet = snippet.label(start..end, Some("the rule".to_string()));
        } else {
            let at = locate(self.sources, rule.span);
            snippet = snippet.append(&format!(" (the rule is at {}:{})", at.file, at.start.line));
        }
        let instances: Vec<_> = check.actual.instances.iter().filter(|i| i.verdict == actual).collect();
        let mut marked = Vec::new();
        for instance in &instances {
            for evidence in instance.findings.iter().flat_map(|f| &f.evidence) {
                let line = test
                    .log
                    .iter()
                    .find(|l| u64::from(l.span.start) == evidence.origin.offset);
                if let Some(line) = line
                    && !marked.contains(&line.span)
                    && marked.len() < SHOWN_EVIDENCE
                {
                    marked.push(line.span);
                }
            }
        }
        for span in marked {
            snippet = snippet.label(span.range(), Some("evidence".to_string()));
        }
        let mut reasons: Vec<String> = instances
            .iter()
            .take(SHOWN_REASONS)
            .map(|i| {
                let bindings: Vec<String> = i
                    .bindings
                    .iter()
                    .map(|(n, v)| format!("{n} = {}", value(model, v)))
                    .collect();
                if bindings.is_empty() {
                    i.reason.clone()
                } else {
                    format!("{}: {}", bindings.join(", "), i.reason)
                }
            })
            .collect();
        if instances.len() > SHOWN_REASONS {
            reasons.push(format!(
                "and {} more",
                plural(instances.len() - SHOWN_REASONS, "instance")
            ));
        }
        if instances.is_empty() {
            reasons.push(without_instances(check.actual.verdict));
        }
        snippet = snippet.with_help(&format!("{actual}: {}", reasons.join("; ")));
        snippet.render(style)
    }
}

/// A bound value as a monitor writes it.
fn value(model: &Model, value: &crate::check::model::Value) -> String {
    use crate::check::model::Value;
    match value {
        Value::Zone(z) => model.zones[z.0 as usize].name.clone(),
        Value::Int(n) => n.to_string(),
        Value::Number(x) => x.to_string(),
        Value::Text(t) => format!("\"{t}\""),
        Value::Bool(b) => b.to_string(),
        Value::Time(t) => crate::time::format_timestamp(*t),
    }
}

/// Why a rule with no instances has its verdict.
fn without_instances(verdict: Verdict) -> String {
    match verdict {
        Verdict::Vacuous => "the rule has no instances".to_string(),
        other => format!("the rule is {other}"),
    }
}
