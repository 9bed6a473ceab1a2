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
use crate::report::markup::{Markup, Terminal};
use crate::verdict::Verdict;
use std::collections::HashMap;

/// How much is shown; the JSON report lists everything.
const SHOWN: Shown = Shown::HUMAN;

type Out = Markup<Terminal>;

impl VerifyReport<'_> {
    /// The report as text; `records` holds the text of the log records it
    /// shows as evidence, by their place ([`VerifyReport::shown_records`]).
    pub fn human(&self, style: Style, records: &HashMap<Origin, String>) -> String {
        let mut out = Out::new();
        self.header(&mut out);
        self.human_changes(&mut out);
        for warning in &self.read.warnings {
            out.raw("\n").drawn(&render_problem(warning, style));
        }
        for result in &self.evaluation.rules {
            if matches!(
                result.verdict,
                Verdict::Violated | Verdict::Indeterminate | Verdict::Pending
            ) {
                out.raw("\n");
                self.rule_section(&mut out, result, records, style);
            }
        }
        let judged = self.evaluation.rules.len();
        out.raw("\n").safe(judged).raw(if judged == 1 {
            " rule judged: "
        } else {
            " rules judged: "
        });
        self.counts(&mut out);
        out.raw("\n");
        out.into_string()
    }

    fn header(&self, out: &mut Out) {
        if let Some(agreement) = &self.model.agreement {
            out.text(agreement).raw("\n");
        }
        out.raw("horizon   ");
        match self.evaluation.horizon {
            Some(h) if self.as_of_given => out.text(&self.time(h)).raw(" (--as-of)"),
            Some(h) => out.text(&self.time(h)).raw(" (the latest observation)"),
            None => out.raw("none: no observations and no --as-of"),
        };
        let names: Vec<&str> = self.logs.inputs.iter().map(|i| i.name.as_str()).collect();
        out.raw("\nlogs      ")
            .text(&names.join(", "))
            .raw(": ")
            .safe(self.read.observations)
            .raw(" observations judged of ")
            .safe(self.read.records)
            .raw(" records\n");
        if self.skipped_records() > 0 {
            out.raw("skipped   ")
                .safe(self.skipped_records())
                .raw(" invalid records (--skip-invalid)\n");
        }
        for skips in self.map_skips() {
            out.raw("skipped   ").text(&skips).raw("\n");
        }
        for lost in self.lost() {
            out.raw("lost      ").text(&lost.message).raw("\n");
        }
        if !self.out_of_order.is_empty() {
            let count: u64 = self.out_of_order.iter().map(|p| p.count).sum();
            out.raw("order     ")
                .text(&crate::report::plural(count as usize, "record"))
                .raw(" earlier than the record before them; judged in time order all the same\n");
        }
        if self.read.after_as_of > 0 {
            out.raw("later     ")
                .safe(self.read.after_as_of)
                .raw(" observations after the horizon, not judged\n");
        }
        out.raw("rules     ");
        self.counts(out);
        out.raw("\n");
        if !self.read.warnings.is_empty() {
            out.raw("warnings  ").safe(self.read.warnings.len()).raw("\n");
        }
    }

    fn counts(&self, out: &mut Out) {
        let summary = self.summary();
        let get = |v: Verdict| summary.iter().find(|(x, _)| *x == v).map_or(0, |(_, n)| *n);
        out.safe(get(Verdict::Violated)).raw(" violated, ");
        // Said only when there are some: exact logs read as they did in v1.
        if get(Verdict::Indeterminate) > 0 {
            out.safe(get(Verdict::Indeterminate)).raw(" indeterminate, ");
        }
        out.safe(get(Verdict::Pending))
            .raw(" pending, ")
            .safe(get(Verdict::Satisfied))
            .raw(" satisfied, ")
            .safe(get(Verdict::Vacuous))
            .raw(" vacuous");
    }

    fn rule_section(&self, out: &mut Out, result: &RuleResult, records: &HashMap<Origin, String>, style: Style) {
        let rule = &self.model.rules[result.rule];
        out.text(&result.verdict.as_str().to_uppercase())
            .raw(" ")
            .text(&rule.id);
        if let Some(title) = &rule.title {
            out.raw(" — ").text(title);
        }
        out.raw(" [").text(rule.severity.as_str()).raw("]\n");
        if result.verdict == Verdict::Indeterminate {
            out.raw("  the evidence allows: ")
                .text(&result.possible.to_string())
                .raw("\n");
        }
        if let Some(reference) = &rule.reference {
            out.raw("  ref: ").text(reference).raw("\n");
        }
        // A violated rule shows its violated instances; a pending one its pending instances.
        let (shown, more) = SHOWN.instances_like_rule(result);
        for instance in shown {
            self.instance_section(out, result, instance, records, style);
        }
        if more > 0 {
            out.raw("  … and ")
                .safe(more)
                .raw(" more ")
                .safe(result.verdict)
                .raw(" instances (all are listed with --format json)\n");
        }
        let others = result.instances.iter().filter(|i| i.verdict != result.verdict);
        let pending = others.clone().filter(|i| i.verdict == Verdict::Pending).count();
        let rest = others.count();
        if rest > 0 {
            if rest == 1 {
                out.raw("  1 other instance is not ");
            } else {
                out.raw("  ").safe(rest).raw(" other instances are not ");
            }
            out.safe(result.verdict);
            if pending > 0 {
                out.raw(" (").safe(pending).raw(" pending)");
            }
            out.raw("\n");
        }
    }

    fn instance_section(
        &self,
        out: &mut Out,
        result: &RuleResult,
        instance: &InstanceResult,
        records: &HashMap<Origin, String>,
        style: Style,
    ) {
        let rule = &self.model.rules[result.rule];
        let bindings: Vec<String> = instance
            .bindings
            .iter()
            .map(|(name, value)| match value {
                // Every digit (through a JSON value, a decimal became a binary float).
                crate::check::model::Value::Number(x) => format!("{name} = {x}"),
                value => format!("{name} = {}", self.value(value).to_string().trim_matches('"')),
            })
            .collect();
        let counts = &instance.counts;
        let several = counts.total() > 1;
        // A single decision's reason is its finding's; say it once.
        let repeated = instance.findings.len() == 1 && instance.findings[0].reason == instance.reason && !several;
        if !repeated || !bindings.is_empty() {
            out.raw("  ");
            if !bindings.is_empty() {
                out.raw("[").text(&bindings.join(", ")).raw("] ");
            }
            out.text(&super::verdict_words(instance.verdict, instance.possible))
                .raw(": ")
                .text(&instance.reason);
            if several {
                out.raw(" (").safe(counts.violated).raw(" violated, ");
                if counts.indeterminate > 0 {
                    out.safe(counts.indeterminate).raw(" indeterminate, ");
                }
                out.safe(counts.pending)
                    .raw(" pending, ")
                    .safe(counts.satisfied)
                    .raw(" satisfied)");
            }
            out.raw("\n");
        }
        for note in &instance.notes {
            out.raw("  note: ").text(note).raw("\n");
        }
        let file = self.sources.file(rule.span.file);
        let (findings, more) = SHOWN.findings(instance);
        for finding in findings {
            let source = Source::file(&file.name, &file.text);
            out.drawn(
                &self
                    .finding_snippet(finding, source, rule.form_span.range())
                    .render(style),
            );
            self.show_evidence(out, finding, records, style);
        }
        if more > 0 {
            out.raw("  … and ")
                .safe(more)
                .raw(" more findings (all are listed with --format json)\n");
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
            (Verdict::Pending, Some(t)) => format!("pending until {}", self.time(t)),
            (Verdict::Indeterminate, _) => format!("indeterminate: {}", finding.possible),
            (verdict, Some(t)) => format!("{verdict} at {}", self.time(t)),
            (verdict, None) => verdict.to_string(),
        };
        Snippet::new(severity, finding.reason.clone()).at(source, form, Some(label))
    }

    /// The records that decided a finding, as they stand in the log.
    fn show_evidence(&self, out: &mut Out, finding: &Finding, records: &HashMap<Origin, String>, style: Style) {
        let (shown, hidden) = SHOWN.evidence(finding);
        for evidence in shown {
            let name = self
                .logs
                .inputs
                .get(evidence.origin.file as usize)
                .map_or("log", |i| i.name.as_str());
            let sourced = evidence.record.as_ref().map(|r| r.text());
            let Some(text) = sourced.as_ref().or_else(|| records.get(&evidence.origin)) else {
                continue;
            };
            let first_line = crate::report::cut(text.lines().next().unwrap_or(""), SHOWN_CHARS);
            let first_line = first_line.as_ref();
            let doubt = match evidence.meets_evidence {
                Some(false) => " (may not have happened: below the evidence standard, or after the horizon)",
                _ => "",
            };
            // A source's record shows its cells, not the typed fields: the
            // distances measured are said here.
            let measured: String = super::distances(evidence).map(|d| format!(", {d}")).collect();
            let message = format!("evidence: {} {}{measured}{doubt}", evidence.kind, evidence.dated());
            let snippet = Snippet::new(miette::Severity::Advice, message).at(
                Source::excerpt(name, first_line, evidence.origin.line),
                0..first_line.len(),
                None,
            );
            out.drawn(&snippet.render(style));
        }
        if hidden > 0 {
            out.raw("  … and ")
                .safe(hidden)
                .raw(" more observations (all are listed with --format json)\n");
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
            .filter(|r| matches!(r.verdict, Verdict::Violated | Verdict::Indeterminate | Verdict::Pending))
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

impl VerifyReport<'_> {
    /// What changed since the baseline, first (`--baseline`).
    fn human_changes(&self, out: &mut Out) {
        let Some(changes) = self.changes() else { return };
        let shown = super::baseline::SHOWN_CHANGES;
        out.raw("\nchanged   since the baseline");
        if let Some(as_of) = self.baseline.and_then(|b| b.as_of.as_deref()) {
            out.raw(" (as of ").text(as_of).raw(")");
        }
        out.raw(": ").text(&changes.summary()).raw("\n");
        for change in changes.verdicts.iter().take(shown) {
            out.raw("  ")
                .text(&change.instance())
                .raw(": ")
                .text(&change.words())
                .raw("\n");
        }
        for (mark, list) in [("+ new  ", &changes.new_findings), ("- gone ", &changes.gone_findings)] {
            for finding in list.iter().take(shown) {
                out.raw("  ")
                    .raw(mark)
                    .text(&finding.instance())
                    .raw(" ")
                    .text(&finding.verdict)
                    .raw(": ")
                    .text(&finding.reason)
                    .raw("\n");
            }
        }
        let more = changes.verdicts.len().saturating_sub(shown)
            + changes.new_findings.len().saturating_sub(shown)
            + changes.gone_findings.len().saturating_sub(shown);
        if more > 0 {
            out.raw("  … and ")
                .safe(more)
                .raw(" more (all are listed with --format json)\n");
        }
    }
}
