//! The results of `ceasefire test`: for people, and as JUnit XML.

#[cfg(feature = "cli")]
use super::plural;
use super::{locate, xml};
use crate::check::model::Model;
use crate::source::SourceMap;
#[cfg(feature = "cli")]
use crate::verdict::Verdict;
use crate::verify::{ExpectationResult, TestOutcome};
use std::fmt::Write;

#[cfg(feature = "cli")]
/// Instance reasons shown for a failed expectation.
const SHOWN_REASONS: usize = 3;
#[cfg(feature = "cli")]
/// Evidence lines marked for a failed expectation.
const SHOWN_EVIDENCE: usize = 10;

/// The tests of some rule sets, run.
pub struct TestReport<'a> {
    /// The rule files.
    pub sources: &'a SourceMap,
    /// Each rule set with the outcome of each of its tests.
    pub units: Vec<(&'a Model, Vec<TestOutcome>)>,
}

impl TestReport<'_> {
    /// How many tests passed and failed.
    pub fn counts(&self) -> (usize, usize) {
        let all = self.units.iter().flat_map(|(_, outcomes)| outcomes);
        let passed = all.clone().filter(|o| o.passed()).count();
        (passed, all.count() - passed)
    }

    /// `N passed, N failed`.
    pub fn summary(&self) -> String {
        let (passed, failed) = self.counts();
        format!("{passed} passed, {failed} failed")
    }

    /// A line per test, then each failure with the rule's actual verdict,
    /// its reason and its evidence, then the summary.
    #[cfg(feature = "cli")]
    pub fn human(&self, style: super::human::Style) -> String {
        let mut out = String::new();
        for (model, outcomes) in &self.units {
            for outcome in outcomes {
                let test = &model.tests[outcome.test];
                let at = locate(self.sources, test.span);
                let result = if outcome.passed() { "ok" } else { "FAILED" };
                let _ = writeln!(out, "test {}:{} \"{}\" ... {result}", at.file, at.start.line, test.name);
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
    #[cfg(feature = "cli")]
    fn error(
        &self,
        model: &Model,
        outcome: &TestOutcome,
        error: &crate::diagnostic::Diagnostic,
        style: super::human::Style,
    ) -> String {
        let test = &model.tests[outcome.test];
        let at = locate(self.sources, test.span);
        format!(
            "test \"{}\" ({}:{}) could not be judged:\n{}",
            test.name,
            at.file,
            at.start.line,
            super::human::render_all(self.sources, std::slice::from_ref(error), style)
        )
    }

    /// One expectation that did not hold, pointing at the `expect`, the
    /// rule (when it is in the same file) and the log lines that decided it.
    #[cfg(feature = "cli")]
    fn failure(
        &self,
        model: &Model,
        outcome: &TestOutcome,
        check: &ExpectationResult,
        style: super::human::Style,
    ) -> String {
        use super::human::{Snippet, Source};
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
            snippet
                .message
                .push_str(&format!(" (the rule is at {}:{})", at.file, at.start.line));
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
        snippet.help = Some(format!("{actual}: {}", reasons.join("; ")));
        snippet.render(style)
    }

    /// JUnit XML: a test suite per rule file, a test case per test; a
    /// failed expectation is a `<failure>`.
    pub fn junit(&self) -> String {
        let (passed, failed) = self.counts();
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(
            out,
            "<testsuites name=\"ceasefire test\" tests=\"{}\" failures=\"{failed}\">",
            passed + failed
        );
        for (model, outcomes) in &self.units {
            let mut by_file: Vec<(String, Vec<&TestOutcome>)> = Vec::new();
            for outcome in outcomes {
                let name = locate(self.sources, model.tests[outcome.test].span).file;
                match by_file.iter_mut().find(|(f, _)| *f == name) {
                    Some((_, list)) => list.push(outcome),
                    None => by_file.push((name, vec![outcome])),
                }
            }
            for (file, list) in by_file {
                let failures = list.iter().filter(|o| !o.passed()).count();
                let _ = writeln!(
                    out,
                    "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\">",
                    xml(&file),
                    list.len()
                );
                for outcome in list {
                    self.junit_case(&mut out, model, &file, outcome);
                }
                out.push_str("  </testsuite>\n");
            }
        }
        out.push_str("</testsuites>\n");
        out
    }

    fn junit_case(&self, out: &mut String, model: &Model, file: &str, outcome: &TestOutcome) {
        let test = &model.tests[outcome.test];
        let line = locate(self.sources, test.span).start.line;
        let _ = write!(
            out,
            "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{line}\"",
            xml(&test.name),
            xml(file),
            xml(file)
        );
        let failed: Vec<&ExpectationResult> = outcome
            .expectations
            .iter()
            .filter(|c| c.actual.verdict != c.expected)
            .collect();
        if failed.is_empty() && outcome.error.is_none() {
            out.push_str("/>\n");
            return;
        }
        out.push_str(">\n");
        if let Some(error) = &outcome.error {
            let place = error.span().map(|s| locate(self.sources, s));
            let place = place.map_or_else(String::new, |at| {
                format!("{}:{}:{}: ", at.file, at.start.line, at.start.column)
            });
            let _ = writeln!(
                out,
                "      <error message=\"the rules could not be judged\" type=\"{}\">{}{}</error>",
                error.code.as_str(),
                xml(&place),
                xml(&error.message)
            );
        }
        for check in failed {
            let rule = &model.rules[check.rule].id;
            let at = locate(self.sources, check.span);
            let reasons: Vec<&str> = check
                .actual
                .instances
                .iter()
                .filter(|i| i.verdict == check.actual.verdict)
                .map(|i| i.reason.as_str())
                .collect();
            let _ = writeln!(
                out,
                "      <failure message=\"rule {} is {}, expected {}\" type=\"{}\">{}:{}:{}: {}</failure>",
                xml(rule),
                check.actual.verdict,
                check.expected,
                check.actual.verdict,
                xml(&at.file),
                at.start.line,
                at.start.column,
                xml(&reasons.join("; "))
            );
        }
        out.push_str("    </testcase>\n");
    }
}

/// A bound value as a monitor writes it.
#[cfg(feature = "cli")]
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
#[cfg(feature = "cli")]
fn without_instances(verdict: Verdict) -> String {
    match verdict {
        Verdict::Vacuous => "the rule has no instances".to_string(),
        other => format!("the rule is {other}"),
    }
}
