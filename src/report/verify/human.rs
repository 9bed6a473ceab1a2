//! The report of `verify` for people: a summary, then each violated and
//! pending rule with its reason, pointing at the rule and at the log
//! records that decided it. The records' text is handed in (the caller
//! reads them again from the logs, [`VerifyReport::shown_records`] says
//! which); rendering reads nothing.

use super::problems::render as render_problem;
use super::{Shown, VerifyReport};
use crate::eval::{Finding, InstanceResult, RuleResult};
use crate::log::Origin;
use crate::report::human::{Snippet, Source, Style};
use crate::time::format_timestamp;
use crate::verdict::Verdict;
use std::collections::HashMap;
use std::fmt::Write;

/// How much is shown; the JSON report lists everything.
const SHOWN: Shown = Shown::HUMAN;

impl VerifyReport<'_> {
    /// The report as text; `records` holds the text of the log records it
    /// shows as evidence, by their place ([`VerifyReport::shown_records`]).
    pub fn human(&self, style: Style, records: &HashMap<Origin, String>) -> String {
        let mut out = String::new();
        self.header(&mut out);
        for warning in &self.read.warnings {
            out.push('\n');
            out.push_str(&render_problem(warning, style));
        }
        for result in &self.evaluation.rules {
            if matches!(result.verdict, Verdict::Violated | Verdict::Pending) {
                out.push('\n');
                self.rule_section(&mut out, result, records, style);
            }
        }
        out.push('\n');
        out.push_str(&self.summary_line());
        out.push('\n');
        out
    }

    fn header(&self, out: &mut String) {
        if let Some(agreement) = &self.model.agreement {
            let _ = writeln!(out, "{agreement}");
        }
        let horizon = match self.evaluation.horizon {
            Some(h) if self.as_of_given => format!("{} (--as-of)", format_timestamp(h)),
            Some(h) => format!("{} (the latest observation)", format_timestamp(h)),
            None => "none: no observations and no --as-of".to_string(),
        };
        let _ = writeln!(out, "horizon   {horizon}");
        let names: Vec<&str> = self.logs.inputs.iter().map(|i| i.name.as_str()).collect();
        let _ = writeln!(
            out,
            "logs      {}: {} observations judged of {} records",
            names.join(", "),
            self.read.observations,
            self.read.records
        );
        if self.skipped_records() > 0 {
            let _ = writeln!(
                out,
                "skipped   {} invalid records (--skip-invalid)",
                self.skipped_records()
            );
        }
        for lost in self.lost() {
            let _ = writeln!(out, "lost      {}", lost.message);
        }
        if self.read.after_as_of > 0 {
            let _ = writeln!(
                out,
                "later     {} observations after the horizon, not judged",
                self.read.after_as_of
            );
        }
        let _ = writeln!(out, "rules     {}", self.counts());
        if !self.read.warnings.is_empty() {
            let _ = writeln!(out, "warnings  {}", self.read.warnings.len());
        }
    }

    fn counts(&self) -> String {
        let summary = self.summary();
        let get = |v: Verdict| summary.iter().find(|(x, _)| *x == v).map_or(0, |(_, n)| *n);
        format!(
            "{} violated, {} pending, {} satisfied, {} vacuous",
            get(Verdict::Violated),
            get(Verdict::Pending),
            get(Verdict::Satisfied),
            get(Verdict::Vacuous)
        )
    }

    fn summary_line(&self) -> String {
        format!("{} rules judged: {}", self.evaluation.rules.len(), self.counts())
    }

    fn rule_section(&self, out: &mut String, result: &RuleResult, records: &HashMap<Origin, String>, style: Style) {
        let rule = &self.model.rules[result.rule];
        let title = rule.title.as_deref().map(|t| format!(" — {t}")).unwrap_or_default();
        let _ = writeln!(
            out,
            "{} {}{title} [{}]",
            result.verdict.as_str().to_uppercase(),
            rule.id,
            rule.severity.as_str()
        );
        if let Some(reference) = &rule.reference {
            let _ = writeln!(out, "  ref: {reference}");
        }
        // A violated rule shows its violated instances; a pending one its pending instances.
        let (shown, more) = SHOWN.instances_like_rule(result);
        for instance in shown {
            self.instance_section(out, result, instance, records, style);
        }
        if more > 0 {
            let _ = writeln!(
                out,
                "  … and {more} more {} instances (all are listed with --format json)",
                result.verdict
            );
        }
        let others = result.instances.iter().filter(|i| i.verdict != result.verdict);
        let pending = others.clone().filter(|i| i.verdict == Verdict::Pending).count();
        let rest = others.count();
        if rest > 0 {
            let pending = if pending > 0 {
                format!(" ({pending} pending)")
            } else {
                String::new()
            };
            let others = if rest == 1 {
                "1 other instance is".to_string()
            } else {
                format!("{rest} other instances are")
            };
            let _ = writeln!(out, "  {others} not {}{pending}", result.verdict);
        }
    }

    fn instance_section(
        &self,
        out: &mut String,
        result: &RuleResult,
        instance: &InstanceResult,
        records: &HashMap<Origin, String>,
        style: Style,
    ) {
        let rule = &self.model.rules[result.rule];
        let bindings: Vec<String> = instance
            .bindings
            .iter()
            .map(|(name, value)| format!("{name} = {}", self.value(value).to_string().trim_matches('"')))
            .collect();
        let prefix = if bindings.is_empty() {
            String::new()
        } else {
            format!("[{}] ", bindings.join(", "))
        };
        let counts = &instance.counts;
        let tally = if counts.satisfied + counts.violated + counts.pending > 1 {
            format!(
                " ({} violated, {} pending, {} satisfied)",
                counts.violated, counts.pending, counts.satisfied
            )
        } else {
            String::new()
        };
        // A single decision's reason is its finding's; say it once.
        let repeated =
            instance.findings.len() == 1 && instance.findings[0].reason == instance.reason && tally.is_empty();
        if !repeated || !prefix.is_empty() {
            let _ = writeln!(out, "  {prefix}{}: {}{tally}", instance.verdict, instance.reason);
        }
        for note in &instance.notes {
            let _ = writeln!(out, "  note: {note}");
        }
        let file = self.sources.file(rule.span.file);
        let (findings, more) = SHOWN.findings(instance);
        for finding in findings {
            let source = Source::file(&file.name, &file.text);
            out.push_str(
                &self
                    .finding_snippet(finding, source, rule.form_span.range())
                    .render(style),
            );
            self.show_evidence(out, finding, records, style);
        }
        if more > 0 {
            let _ = writeln!(out, "  … and {more} more findings (all are listed with --format json)");
        }
    }

    fn finding_snippet<'s>(
        &'s self,
        finding: &'s Finding,
        source: Source<'s>,
        form: std::ops::Range<usize>,
    ) -> Snippet<'s> {
        let severity = if finding.verdict == Verdict::Violated {
            miette::Severity::Error
        } else {
            miette::Severity::Warning
        };
        let label = match (finding.verdict, finding.decided_at) {
            (Verdict::Pending, Some(t)) => format!("pending until {}", format_timestamp(t)),
            (verdict, Some(t)) => format!("{verdict} at {}", format_timestamp(t)),
            (verdict, None) => verdict.to_string(),
        };
        Snippet::new(severity, finding.reason.clone()).at(source, form, Some(label))
    }

    /// The records that decided a finding, as they stand in the log.
    fn show_evidence(&self, out: &mut String, finding: &Finding, records: &HashMap<Origin, String>, style: Style) {
        let (shown, hidden) = SHOWN.evidence(finding);
        for evidence in shown {
            let name = self
                .logs
                .inputs
                .get(evidence.origin.file as usize)
                .map_or("log", |i| i.name.as_str());
            let Some(text) = records.get(&evidence.origin) else {
                continue;
            };
            let first_line = crate::report::cut(text.lines().next().unwrap_or(""), SHOWN_CHARS);
            let first_line = first_line.as_ref();
            let message = format!("evidence: {} at {}", evidence.kind, format_timestamp(evidence.time));
            let snippet = Snippet::new(miette::Severity::Advice, message).at(
                Source::excerpt(name, first_line, evidence.origin.line),
                0..first_line.len(),
                None,
            );
            out.push_str(&snippet.render(style));
        }
        if hidden > 0 {
            let _ = writeln!(
                out,
                "  … and {hidden} more observations (all are listed with --format json)"
            );
        }
    }

    /// The places of the log records the report shows as evidence, whose
    /// text [`VerifyReport::human`] needs.
    pub fn shown_records(&self) -> Vec<Origin> {
        let mut origins = Vec::new();
        for result in self
            .evaluation
            .rules
            .iter()
            .filter(|r| matches!(r.verdict, Verdict::Violated | Verdict::Pending))
        {
            for instance in SHOWN.instances_like_rule(result).0 {
                for finding in SHOWN.findings(instance).0 {
                    origins.extend(SHOWN.evidence(finding).0.iter().map(|e| e.origin));
                }
            }
        }
        origins
    }
}

/// At most this many characters of an evidence record are shown.
const SHOWN_CHARS: usize = 400;
