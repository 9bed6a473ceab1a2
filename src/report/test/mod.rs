//! The results of `ceasefire test`: counts, JUnit XML, and (in `human`,
//! with the command line) the text for people.

#[cfg(feature = "cli")]
mod human;

use crate::check::model::Model;
use crate::report::locate;
use crate::report::markup::{Markup, Xml};
use crate::source::SourceMap;
use crate::verify::{ExpectationResult, TestOutcome};

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
    /// failed expectation is a `<failure>`, a test that could not be judged
    /// an `<error>`. Built as [`Markup<Xml>`]: names and reasons are escaped.
    pub fn junit(&self) -> String {
        let (passed, failed) = self.counts();
        let mut out = Markup::<Xml>::new();
        out.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"ceasefire test\" tests=\"")
            .safe(passed + failed)
            .raw("\" failures=\"")
            .safe(failed)
            .raw("\">\n");
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
                out.raw("  <testsuite name=\"")
                    .text(&file)
                    .raw("\" tests=\"")
                    .safe(list.len())
                    .raw("\" failures=\"")
                    .safe(failures)
                    .raw("\">\n");
                for outcome in list {
                    self.junit_case(&mut out, model, &file, outcome);
                }
                out.raw("  </testsuite>\n");
            }
        }
        out.raw("</testsuites>\n");
        out.into_string()
    }

    fn junit_case(&self, out: &mut Markup<Xml>, model: &Model, file: &str, outcome: &TestOutcome) {
        let test = &model.tests[outcome.test];
        let line = locate(self.sources, test.span).start.line;
        out.raw("    <testcase name=\"")
            .text(&test.name)
            .raw("\" classname=\"")
            .text(file)
            .raw("\" file=\"")
            .text(file)
            .raw("\" line=\"")
            .safe(line)
            .raw("\"");
        let failed: Vec<&ExpectationResult> = outcome
            .expectations
            .iter()
            .filter(|c| c.actual.verdict != c.expected)
            .collect();
        if failed.is_empty() && outcome.error.is_none() {
            out.raw("/>\n");
            return;
        }
        out.raw(">\n");
        if let Some(error) = &outcome.error {
            out.raw("      <error message=\"the rules could not be judged\" type=\"")
                .safe(error.code)
                .raw("\">");
            if let Some(at) = error.span().map(|s| locate(self.sources, s)) {
                out.text(&at.file)
                    .raw(":")
                    .safe(at.start.line)
                    .raw(":")
                    .safe(at.start.column)
                    .raw(": ");
            }
            out.text(&error.message).raw("</error>\n");
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
            out.raw("      <failure message=\"rule ")
                .text(rule)
                .raw(" is ")
                .safe(check.actual.verdict)
                .raw(", expected ")
                .safe(check.expected)
                .raw("\" type=\"")
                .safe(check.actual.verdict)
                .raw("\">")
                .text(&at.file)
                .raw(":")
                .safe(at.start.line)
                .raw(":")
                .safe(at.start.column)
                .raw(": ")
                .text(&reasons.join("; "))
                .raw("</failure>\n");
        }
        out.raw("    </testcase>\n");
    }
}
