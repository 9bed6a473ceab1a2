//! The report of `verify` as JUnit XML, for CI test views: a test suite per
//! rule, a test case per instance; violated is a failure, pending skipped.
//! Built as [`Markup<Xml>`]: every value from a rule file or a log is escaped.

use super::{Shown, VerifyReport};
use crate::eval::{InstanceResult, RuleResult};
use crate::report::locate;
use crate::report::markup::{Markup, Xml};
use crate::verdict::Verdict;

/// How much a failure's text shows.
const SHOWN: Shown = Shown::JUNIT;

type Out = Markup<Xml>;

impl VerifyReport<'_> {
    /// The report as JUnit XML.
    pub fn junit(&self) -> String {
        let instances = self.evaluation.rules.iter().flat_map(|r| &r.instances);
        let count = |v: Verdict| instances.clone().filter(|i| i.verdict == v).count();
        let total = instances.clone().count();
        let mut out = Out::new();
        let name = self.model.agreement.as_deref().unwrap_or("ceasefire verify");
        let horizon = self.evaluation.horizon.map(|h| self.time(h)).unwrap_or_default();
        out.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"")
            .text(name)
            .raw("\" tests=\"")
            .safe(total)
            .raw("\" failures=\"")
            .safe(count(Verdict::Violated))
            .raw("\" skipped=\"")
            .safe(count(Verdict::Pending) + count(Verdict::Indeterminate))
            .raw("\">\n");
        self.junit_logs(&mut out);
        for result in &self.evaluation.rules {
            self.junit_suite(&mut out, result, &horizon);
        }
        out.raw("</testsuites>\n");
        out.into_string()
    }

    /// When records were skipped or a log could not be read to its end, a
    /// first suite says so: a case per log, failing for a lost rest.
    fn junit_logs(&self, out: &mut Out) {
        let lost = self.lost();
        if lost.is_empty() && self.skipped_records() == 0 {
            return;
        }
        out.raw("  <testsuite name=\"logs\" tests=\"")
            .safe(self.logs.inputs.len())
            .raw("\" failures=\"")
            .safe(lost.len())
            .raw("\">\n");
        for input in &self.logs.inputs {
            out.raw("    <testcase name=\"")
                .text(&input.name)
                .raw("\" classname=\"logs\"");
            match lost.iter().find(|p| p.file == input.name) {
                Some(problem) => {
                    out.raw(">\n      <failure message=\"")
                        .text(&problem.message)
                        .raw("\" type=\"")
                        .safe(problem.code)
                        .raw("\"/>\n    </testcase>\n");
                }
                None => {
                    out.raw("/>\n");
                }
            }
        }
        if self.skipped_records() > 0 {
            out.raw("    <system-out>")
                .safe(self.skipped_records())
                .raw(" invalid records were skipped (--skip-invalid); the verdicts leave them out</system-out>\n");
        }
        out.raw("  </testsuite>\n");
    }

    fn junit_suite(&self, out: &mut Out, result: &RuleResult, horizon: &str) {
        let rule = &self.model.rules[result.rule];
        let at = locate(self.sources, rule.span);
        let count = |v: Verdict| result.instances.iter().filter(|i| i.verdict == v).count();
        out.raw("  <testsuite name=\"")
            .text(&rule.id)
            .raw("\" tests=\"")
            .safe(result.instances.len())
            .raw("\" failures=\"")
            .safe(count(Verdict::Violated))
            .raw("\" skipped=\"")
            .safe(count(Verdict::Pending) + count(Verdict::Indeterminate))
            .raw("\" file=\"")
            .text(&at.file)
            .raw("\">\n    <properties>\n");
        let mut property = |name: &'static str, value: &str| {
            out.raw("      <property name=\"")
                .raw(name)
                .raw("\" value=\"")
                .text(value)
                .raw("\"/>\n");
        };
        property("verdict", result.verdict.as_str());
        if result.verdict == Verdict::Indeterminate {
            property("possible", &result.possible.to_string());
        }
        property("severity", rule.severity.as_str());
        if let Some(title) = &rule.title {
            property("title", title);
        }
        if let Some(reference) = &rule.reference {
            property("ref", reference);
        }
        property("horizon", horizon);
        out.raw("    </properties>\n");
        for instance in &result.instances {
            self.junit_case(out, result, instance, &at.file, at.start.line);
        }
        out.raw("  </testsuite>\n");
    }

    fn junit_case(&self, out: &mut Out, result: &RuleResult, instance: &InstanceResult, file: &str, line: usize) {
        let rule = &self.model.rules[result.rule];
        let bindings = self.bindings_text(instance);
        let name = if bindings.is_empty() {
            rule.id.clone()
        } else {
            format!("{} [{bindings}]", rule.id)
        };
        out.raw("    <testcase name=\"")
            .text(&name)
            .raw("\" classname=\"")
            .text(&rule.id)
            .raw("\" file=\"")
            .text(file)
            .raw("\" line=\"")
            .safe(line)
            .raw("\"");
        match instance.verdict {
            Verdict::Satisfied | Verdict::Vacuous => {
                out.raw("/>\n");
            }
            Verdict::Pending => {
                out.raw(">\n      <skipped message=\"")
                    .text(&instance.reason)
                    .raw("\"/>\n    </testcase>\n");
            }
            Verdict::Indeterminate => {
                let message = format!("indeterminate (may be {}): {}", instance.possible, instance.reason);
                out.raw(">\n      <skipped message=\"")
                    .text(&message)
                    .raw("\"/>\n    </testcase>\n");
            }
            Verdict::Violated => {
                out.raw(">\n      <failure message=\"")
                    .text(&instance.reason)
                    .raw("\" type=\"violated\">");
                self.findings_text(out, instance);
                out.raw("</failure>\n    </testcase>\n");
            }
        }
    }

    /// The violated findings of an instance, each with its evidence, as
    /// lines of text.
    fn findings_text(&self, out: &mut Out, instance: &InstanceResult) {
        let violated = instance.findings.iter().filter(|f| f.verdict == Verdict::Violated);
        for finding in violated.clone().take(SHOWN.findings) {
            out.text(&finding.reason).raw("\n");
            for e in SHOWN.evidence(finding).0 {
                let row = self.evidence_row(e);
                out.raw("  ")
                    .text(row.log)
                    .raw(":")
                    .safe(row.line)
                    .text(&row.id_note())
                    .raw(" ")
                    .text(&row.time)
                    .raw(" ")
                    .text(row.kind)
                    .raw(" ")
                    .text(&row.fields)
                    .raw("\n");
            }
        }
        let more = violated.count().saturating_sub(SHOWN.findings) as u64 + instance.findings_omitted;
        if more > 0 {
            out.raw("... and ")
                .safe(more)
                .raw(" more findings (the JSON report lists them all)\n");
        }
    }
}
