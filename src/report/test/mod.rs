//! The results of `ceasefire test`: counts, JUnit XML, and (in `human`,
//! with the command line) the text for people.

#[cfg(feature = "cli")]
mod human;

use crate::check::model::Model;
use crate::report::{locate, xml};
use crate::source::SourceMap;
use crate::verify::{ExpectationResult, TestOutcome};
use std::fmt::Write;

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
