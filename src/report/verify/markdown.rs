//! The report of `verify` as Markdown: a summary, a table of rules, and a
//! section for each violated or pending rule with its evidence as a table.
//! Built as [`Markup<Markdown>`]: every value from a rule file or a log is
//! escaped, names and files are code spans that hold any backtick.

use super::{Piece, Shown, VerifyReport};
use crate::eval::{Finding, InstanceResult, RuleResult};
use crate::report::markup::{Markdown, Markup};
use crate::verdict::Verdict;

/// How much is shown; the JSON report lists everything.
const SHOWN: Shown = Shown::MARKDOWN;

type Out = Markup<Markdown>;

impl VerifyReport<'_> {
    /// The report as Markdown (CommonMark with GitHub's tables).
    pub fn markdown(&self) -> String {
        let mut out = Out::new();
        let title = self.model.agreement.as_deref().unwrap_or("ceasefire verify");
        out.raw("# Verification report: ").text(title).raw("\n\n");
        self.markdown_changes(&mut out);
        self.markdown_summary(&mut out);
        if !self.read.warnings.is_empty() {
            out.raw("\n## Warnings\n\n");
            for w in &self.read.warnings {
                out.raw("- **").safe(w.code).raw("** ").text(&w.message);
                if let Some(place) = &w.place {
                    out.raw(" (")
                        .code(&format!("{}:{}", w.file, place.line), false)
                        .raw(")");
                }
                if let Some(help) = &w.help {
                    out.raw(" — ").text(help);
                }
                out.raw("\n");
            }
        }
        out.raw("\n## Rules\n\n| Rule | Title | Ref | Severity | Verdict |\n| --- | --- | --- | --- | --- |\n");
        for result in &self.evaluation.rules {
            let rule = &self.model.rules[result.rule];
            out.raw("| ")
                .code(&rule.id, true)
                .raw(" | ")
                .text(rule.title.as_deref().unwrap_or(""))
                .raw(" | ")
                .text(rule.reference.as_deref().unwrap_or(""))
                .raw(" | ")
                .text(rule.severity.as_str())
                .raw(" | ");
            match result.verdict {
                Verdict::Violated | Verdict::Indeterminate | Verdict::Pending => out
                    .raw("**")
                    .text(&super::verdict_words(result.verdict, result.possible))
                    .raw("**"),
                other => out.safe(other),
            };
            out.raw(" |\n");
        }
        for result in &self.evaluation.rules {
            if matches!(
                result.verdict,
                Verdict::Violated | Verdict::Indeterminate | Verdict::Pending
            ) {
                self.markdown_rule(&mut out, result);
            }
        }
        out.into_string()
    }

    fn markdown_summary(&self, out: &mut Out) {
        let count = |v: Verdict| self.count(v);
        out.raw("| | |\n| --- | --- |\n");
        for fact in self.facts() {
            out.raw("| ").raw(fact.label).raw(" | ");
            for piece in &fact.pieces {
                match piece {
                    Piece::Words(words) => out.text(words),
                    Piece::Code(code) => out.code(code, true),
                };
            }
            out.raw(" |\n");
        }
        out.raw("| Rules | ").safe(count(Verdict::Violated)).raw(" violated, ");
        if count(Verdict::Indeterminate) > 0 {
            out.safe(count(Verdict::Indeterminate)).raw(" indeterminate, ");
        }
        out.safe(count(Verdict::Pending))
            .raw(" pending, ")
            .safe(count(Verdict::Satisfied))
            .raw(" satisfied, ")
            .safe(count(Verdict::Vacuous))
            .raw(" vacuous |\n| Warnings | ")
            .safe(self.read.warnings.len())
            .raw(" |\n");
    }

    fn markdown_rule(&self, out: &mut Out, result: &RuleResult) {
        let rule = &self.model.rules[result.rule];
        out.raw("\n## ")
            .raw(capitalised(result.verdict))
            .raw(": ")
            .code(&rule.id, false);
        if let Some(title) = &rule.title {
            out.raw(" — ").text(title);
        }
        if result.verdict == Verdict::Indeterminate {
            out.raw("\n\nThe evidence allows: ")
                .text(&result.possible.to_string())
                .raw(".");
        }
        out.raw("\n\nSeverity ").text(rule.severity.as_str());
        if let Some(reference) = &rule.reference {
            out.raw(", ref: ").text(reference);
        }
        let at = crate::report::locate(self.sources, rule.span);
        out.raw("; ")
            .code(&format!("{}:{}", at.file, at.start.line), false)
            .raw(".\n\n");
        out.code_block("cfr", self.sources.slice(rule.span));
        let (shown, more) = SHOWN.instances_like_rule(result);
        for instance in shown {
            self.markdown_instance(out, instance);
        }
        if more > 0 {
            out.raw("\n… and ")
                .safe(more)
                .raw(" more ")
                .safe(result.verdict)
                .raw(" instances (the JSON report lists them all).\n");
        }
        let others = result.instances.iter().filter(|i| i.verdict != result.verdict).count();
        if others > 0 {
            out.raw("\n")
                .safe(others)
                .raw(" other instances are not ")
                .safe(result.verdict)
                .raw(".\n");
        }
    }

    fn markdown_instance(&self, out: &mut Out, instance: &InstanceResult) {
        let bindings = self.bindings_text(instance);
        out.raw("\n### Instance");
        if !bindings.is_empty() {
            out.raw(" ").text(&bindings);
        }
        let c = &instance.counts;
        out.raw(": ")
            .text(&super::verdict_words(instance.verdict, instance.possible))
            .raw("\n\n")
            .text(&instance.reason)
            .raw(" (")
            .safe(c.violated)
            .raw(" violated, ");
        if c.indeterminate > 0 {
            out.safe(c.indeterminate).raw(" indeterminate, ");
        }
        out.safe(c.pending)
            .raw(" pending, ")
            .safe(c.satisfied)
            .raw(" satisfied)\n");
        for note in &instance.notes {
            out.raw("\nNote: ").text(note).raw("\n");
        }
        if let Some(series) = &instance.series {
            self.markdown_series(out, series);
        }
        let (findings, more) = SHOWN.findings(instance);
        for (n, finding) in findings.iter().enumerate() {
            self.markdown_finding(out, n + 1, finding);
        }
        if more > 0 {
            out.raw("\n… and ")
                .safe(more)
                .raw(" more findings (the JSON report lists them all).\n");
        }
    }

    fn markdown_finding(&self, out: &mut Out, n: usize, finding: &Finding) {
        let mut facts = Vec::new();
        if let Some(t) = finding.decided_at {
            facts.push(format!("decided at {}", self.time(t)));
        }
        if let Some(t) = finding.deadline {
            facts.push(format!("deadline {}", self.time(t)));
        }
        if let Some((start, end)) = finding.window {
            let show = |t: Option<crate::eval::time::Time>| t.map_or("…".to_string(), |t| self.time(t));
            facts.push(format!("window {} to {}", show(start), show(end)));
        }
        out.raw("\n")
            .safe(n)
            .raw(". **")
            .text(&super::verdict_words(finding.verdict, finding.possible))
            .raw("**: ")
            .text(&finding.reason);
        if !facts.is_empty() {
            out.raw(" (").text(&facts.join("; ")).raw(")");
        }
        out.raw("\n");
        if finding.evidence.is_empty() {
            return;
        }
        out.raw("\n   | Log | Line | Time | Kind | Fields |\n   | --- | ---: | --- | --- | --- |\n");
        let (evidence, hidden) = SHOWN.evidence(finding);
        for e in evidence {
            let row = self.evidence_row(e);
            out.raw("   | ")
                .code(row.log, true)
                .raw(" | ")
                .safe(row.line)
                .text(&row.id_note())
                .raw(" | ")
                .text(&row.time)
                .raw(" | ")
                .code(row.kind, true)
                .raw(" | ")
                .text(&row.fields)
                .raw(" |\n");
        }
        if hidden > 0 {
            out.raw("\n   … and ").safe(hidden).raw(" more observations.\n");
        }
    }
}

fn capitalised(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Satisfied => "Satisfied",
        Verdict::Violated => "Violated",
        Verdict::Pending => "Pending",
        Verdict::Indeterminate => "Indeterminate",
        Verdict::Vacuous => "Vacuous",
    }
}

impl VerifyReport<'_> {
    /// What changed since the baseline, first (`--baseline`).
    fn markdown_changes(&self, out: &mut Out) {
        let Some(changes) = self.changes() else { return };
        let shown = super::baseline::SHOWN_CHANGES;
        out.raw("## What changed since the baseline");
        if let Some(as_of) = self.baseline.and_then(|b| b.as_of.as_deref()) {
            out.raw(" (as of ").text(as_of).raw(")");
        }
        out.raw("\n\n").text(&changes.summary()).raw(".\n\n");
        if !changes.verdicts.is_empty() {
            out.raw("| Rule | Verdict |\n| --- | --- |\n");
            for change in changes.verdicts.iter().take(shown) {
                out.raw("| ")
                    .code(&change.instance(), true)
                    .raw(" | ")
                    .text(&change.words())
                    .raw(" |\n");
            }
            out.raw("\n");
        }
        for (title, list) in [
            ("New findings", &changes.new_findings),
            ("Findings gone", &changes.gone_findings),
        ] {
            if list.is_empty() {
                continue;
            }
            out.raw("**").raw(title).raw("**\n\n");
            for finding in list.iter().take(shown) {
                out.raw("- ")
                    .code(&finding.instance(), false)
                    .raw(" **")
                    .text(&finding.verdict)
                    .raw("**: ")
                    .text(&finding.reason)
                    .raw("\n");
            }
            out.raw("\n");
        }
        let more = changes.verdicts.len().saturating_sub(shown)
            + changes.new_findings.len().saturating_sub(shown)
            + changes.gone_findings.len().saturating_sub(shown);
        if more > 0 {
            out.raw("… and ")
                .safe(more)
                .raw(" more changes (all are listed with `--format json`).\n\n");
        }
    }
}

/// Slices of a series a Markdown table lists; the sparkline draws them all.
const SERIES_ROWS: usize = 31;

impl VerifyReport<'_> {
    /// A rate or aggregate rule's series: a sparkline of every slice, and a
    /// table of the first ones (the failed ones first when there are more).
    fn markdown_series(&self, out: &mut Out, series: &crate::eval::Series) {
        let len = series.len();
        if len == 0 {
            return;
        }
        out.raw("\nSeries of ")
            .code(&series.measured, false)
            .raw(" ")
            .text(&series.op)
            .raw(" ")
            .text(&series.against);
        if let Some(per) = &series.per {
            out.raw(" per ").text(per);
        }
        out.raw(": ").safe(len).raw(if len == 1 { " slice" } else { " slices" });
        if let Some(first) = series.slices().next() {
            out.raw(", ")
                .text(&self.short_time(first.start))
                .raw(" to ")
                .text(&self.short_time(series.end()));
        }
        if len > 1 {
            out.raw("\n\n`").text(&super::sparkline(series)).raw("`");
            if len > super::SPARKLINE_CHARS as u64 {
                out.raw(" (each character the largest of ")
                    .safe(len.div_ceil(super::SPARKLINE_CHARS as u64))
                    .raw(" slices)");
            }
        }
        let zone = self.model.calendar.map_or("UTC", |c| c.name());
        out.raw("\n\n| From (")
            .text(zone)
            .raw(") | To | Value | Verdict |\n| --- | --- | ---: | --- |\n");
        // With more slices than rows, the failed and doubtful ones first.
        let worth = |slice: &crate::eval::SeriesSlice| {
            matches!(
                slice.run.verdict,
                Some(crate::verdict::Verdict::Violated | crate::verdict::Verdict::Indeterminate)
            )
        };
        let rows: Vec<crate::eval::SeriesSlice> = if len as usize <= SERIES_ROWS {
            series.slices().collect()
        } else {
            let mut rows: Vec<_> = series.slices().filter(worth).take(SERIES_ROWS).collect();
            if rows.len() < SERIES_ROWS {
                let room = SERIES_ROWS - rows.len();
                rows.extend(series.slices().filter(|s| !worth(s)).take(room));
                rows.sort_by_key(|s| s.start);
            }
            rows
        };
        for slice in &rows {
            let verdict = match (slice.run.verdict, slice.run.partial) {
                (Some(v), None) => v.to_string(),
                (Some(v), Some(p)) => format!("{v} ({p})"),
                (None, Some(p)) => format!("not judged ({p})"),
                (None, None) => String::new(),
            };
            out.raw("| ")
                .text(&self.short_time(slice.start))
                .raw(" | ")
                .text(&self.short_time(slice.end))
                .raw(" | ")
                .text(&super::range_text(slice.run.value))
                .raw(" | ")
                .text(&verdict)
                .raw(" |\n");
        }
        if len as usize > rows.len() {
            out.raw("\n… and ")
                .safe(len - rows.len() as u64)
                .raw(" more slices (`--format csv` or `json` lists them all).\n");
        }
    }
}
