//! The report of `verify` as JUnit XML, for CI test views: a test suite per
//! rule, a test case per instance; violated is a failure, pending skipped.

use super::{Shown, VerifyReport};
use crate::eval::{InstanceResult, RuleResult};
use crate::report::{locate, xml};
use crate::time::format_timestamp;
use crate::verdict::Verdict;
use std::fmt::Write;

/// How much a failure's text shows.
const SHOWN: Shown = Shown::JUNIT;

impl VerifyReport<'_> {
    /// The report as JUnit XML.
    pub fn junit(&self) -> String {
        let instances = self.evaluation.rules.iter().flat_map(|r| &r.instances);
        let count = |v: Verdict| instances.clone().filter(|i| i.verdict == v).count();
        let total = instances.clone().count();
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let name = self.model.agreement.as_deref().unwrap_or("ceasefire verify");
        let horizon = self.evaluation.horizon.map(format_timestamp).unwrap_or_default();
        let _ = writeln!(
            out,
            "<testsuites name=\"{}\" tests=\"{total}\" failures=\"{}\" skipped=\"{}\">",
            xml(name),
            count(Verdict::Violated),
            count(Verdict::Pending)
        );
        self.junit_logs(&mut out);
        for result in &self.evaluation.rules {
            self.junit_suite(&mut out, result, &horizon);
        }
        out.push_str("</testsuites>\n");
        out
    }

    /// When records were skipped or a log could not be read to its end, a
    /// first suite says so: a case per log, failing for a lost rest.
    fn junit_logs(&self, out: &mut String) {
        let lost = self.lost();
        if lost.is_empty() && self.skipped_records() == 0 {
            return;
        }
        let _ = writeln!(
            out,
            "  <testsuite name=\"logs\" tests=\"{}\" failures=\"{}\">",
            self.logs.inputs.len(),
            lost.len()
        );
        for input in &self.logs.inputs {
            let _ = write!(out, "    <testcase name=\"{}\" classname=\"logs\"", xml(&input.name));
            match lost.iter().find(|p| p.file == input.name) {
                Some(problem) => {
                    let _ = writeln!(
                        out,
                        ">\n      <failure message=\"{}\" type=\"{}\"/>\n    </testcase>",
                        xml(&problem.message),
                        problem.code.as_str()
                    );
                }
                None => out.push_str("/>\n"),
            }
        }
        if self.skipped_records() > 0 {
            let _ = writeln!(
                out,
                "    <system-out>{} invalid records were skipped (--skip-invalid); the verdicts leave them out</system-out>",
                self.skipped_records()
            );
        }
        out.push_str("  </testsuite>\n");
    }

    fn junit_suite(&self, out: &mut String, result: &RuleResult, horizon: &str) {
        let rule = &self.model.rules[result.rule];
        let at = locate(self.sources, rule.span);
        let count = |v: Verdict| result.instances.iter().filter(|i| i.verdict == v).count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" skipped=\"{}\" file=\"{}\">",
            xml(&rule.id),
            result.instances.len(),
            count(Verdict::Violated),
            count(Verdict::Pending),
            xml(&at.file)
        );
        let _ = writeln!(out, "    <properties>");
        let mut property = |name: &str, value: &str| {
            let _ = writeln!(out, "      <property name=\"{name}\" value=\"{}\"/>", xml(value));
        };
        property("verdict", result.verdict.as_str());
        property("severity", rule.severity.as_str());
        if let Some(title) = &rule.title {
            property("title", title);
        }
        if let Some(reference) = &rule.reference {
            property("ref", reference);
        }
        property("horizon", horizon);
        let _ = writeln!(out, "    </properties>");
        for instance in &result.instances {
            self.junit_case(out, result, instance, &at.file, at.start.line);
        }
        out.push_str("  </testsuite>\n");
    }

    fn junit_case(&self, out: &mut String, result: &RuleResult, instance: &InstanceResult, file: &str, line: usize) {
        let rule = &self.model.rules[result.rule];
        let bindings = self.bindings_text(instance);
        let name = if bindings.is_empty() {
            rule.id.clone()
        } else {
            format!("{} [{bindings}]", rule.id)
        };
        let _ = write!(
            out,
            "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{line}\"",
            xml(&name),
            xml(&rule.id),
            xml(file)
        );
        match instance.verdict {
            Verdict::Satisfied | Verdict::Vacuous => {
                out.push_str("/>\n");
            }
            Verdict::Pending => {
                let _ = writeln!(
                    out,
                    ">\n      <skipped message=\"{}\"/>\n    </testcase>",
                    xml(&instance.reason)
                );
            }
            Verdict::Violated => {
                let _ = writeln!(
                    out,
                    ">\n      <failure message=\"{}\" type=\"violated\">{}</failure>\n    </testcase>",
                    xml(&instance.reason),
                    xml(&self.findings_text(instance))
                );
            }
        }
    }

    /// The violated findings of an instance, each with its evidence, as plain text.
    fn findings_text(&self, instance: &InstanceResult) -> String {
        let mut text = String::new();
        let violated = instance.findings.iter().filter(|f| f.verdict == Verdict::Violated);
        for finding in violated.clone().take(SHOWN.findings) {
            let _ = writeln!(text, "{}", finding.reason);
            for e in SHOWN.evidence(finding).0 {
                let row = self.evidence_row(e);
                let _ = writeln!(
                    text,
                    "  {}:{} {} {} {}",
                    row.log, row.line, row.time, row.kind, row.fields
                );
            }
        }
        let more = violated.count().saturating_sub(SHOWN.findings) as u64 + instance.findings_omitted;
        if more > 0 {
            let _ = writeln!(text, "... and {more} more findings (the JSON report lists them all)");
        }
        text
    }
}
