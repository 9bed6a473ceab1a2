//! The report of `verify` as Markdown: a summary, a table of rules, and a
//! section for each violated or pending rule with its evidence as a table.

use super::{Shown, VerifyReport};
use crate::eval::{Finding, InstanceResult, RuleResult};
use crate::time::format_timestamp;
use crate::verdict::Verdict;
use std::fmt::Write;

/// How much is shown; the JSON report lists everything.
const SHOWN: Shown = Shown::MARKDOWN;

impl VerifyReport<'_> {
    /// The report as Markdown (CommonMark with GitHub's tables).
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let title = self.model.agreement.as_deref().unwrap_or("ceasefire verify");
        let _ = writeln!(out, "# Verification report: {}\n", inline(title));
        self.markdown_summary(&mut out);
        if !self.read.warnings.is_empty() {
            out.push_str("\n## Warnings\n\n");
            for w in &self.read.warnings {
                let place = w
                    .place
                    .as_ref()
                    .map(|p| format!(" (`{}:{}`)", w.file, p.line))
                    .unwrap_or_default();
                let help = w
                    .help
                    .as_deref()
                    .map(|h| format!(" — {}", inline(h)))
                    .unwrap_or_default();
                let _ = writeln!(out, "- **{}** {}{place}{help}", w.code.as_str(), inline(&w.message));
            }
        }
        out.push_str("\n## Rules\n\n| Rule | Title | Ref | Severity | Verdict |\n| --- | --- | --- | --- | --- |\n");
        for result in &self.evaluation.rules {
            let rule = &self.model.rules[result.rule];
            let verdict = match result.verdict {
                Verdict::Violated | Verdict::Pending => format!("**{}**", result.verdict),
                other => other.to_string(),
            };
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | {verdict} |",
                rule.id,
                cell(rule.title.as_deref().unwrap_or("")),
                cell(rule.reference.as_deref().unwrap_or("")),
                rule.severity.as_str()
            );
        }
        for result in &self.evaluation.rules {
            if matches!(result.verdict, Verdict::Violated | Verdict::Pending) {
                self.markdown_rule(&mut out, result);
            }
        }
        out
    }

    fn markdown_summary(&self, out: &mut String) {
        let count = |v: Verdict| self.count(v);
        out.push_str("| | |\n| --- | --- |\n");
        for (label, text) in self.facts(&|name| format!("`{name}`")) {
            let _ = writeln!(out, "| {label} | {text} |");
        }
        let _ = writeln!(
            out,
            "| Rules | {} violated, {} pending, {} satisfied, {} vacuous |",
            count(Verdict::Violated),
            count(Verdict::Pending),
            count(Verdict::Satisfied),
            count(Verdict::Vacuous)
        );
        let _ = writeln!(out, "| Warnings | {} |", self.read.warnings.len());
    }

    fn markdown_rule(&self, out: &mut String, result: &RuleResult) {
        let rule = &self.model.rules[result.rule];
        let title = rule
            .title
            .as_deref()
            .map(|t| format!(" — {}", inline(t)))
            .unwrap_or_default();
        let _ = writeln!(out, "\n## {}: `{}`{title}\n", capitalised(result.verdict), rule.id);
        let at = crate::report::locate(self.sources, rule.span);
        let reference = rule
            .reference
            .as_deref()
            .map(|r| format!(", ref: {}", inline(r)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "Severity {}{reference}; `{}:{}`.\n",
            rule.severity.as_str(),
            at.file,
            at.start.line
        );
        let _ = writeln!(out, "```cfr\n{}\n```", self.sources.slice(rule.span));
        let (shown, more) = SHOWN.instances_like_rule(result);
        for instance in shown {
            self.markdown_instance(out, instance);
        }
        if more > 0 {
            let _ = writeln!(
                out,
                "\n… and {more} more {} instances (the JSON report lists them all).",
                result.verdict
            );
        }
        let others = result.instances.iter().filter(|i| i.verdict != result.verdict).count();
        if others > 0 {
            let _ = writeln!(out, "\n{} other instances are not {}.", others, result.verdict);
        }
    }

    fn markdown_instance(&self, out: &mut String, instance: &InstanceResult) {
        let bindings = self.bindings_text(instance);
        let heading = if bindings.is_empty() {
            "Instance".to_string()
        } else {
            format!("Instance {bindings}")
        };
        let c = &instance.counts;
        let _ = writeln!(
            out,
            "\n### {heading}: {}\n\n{} ({} violated, {} pending, {} satisfied)",
            instance.verdict,
            inline(&instance.reason),
            c.violated,
            c.pending,
            c.satisfied
        );
        for note in &instance.notes {
            let _ = writeln!(out, "\nNote: {}", inline(note));
        }
        let (findings, more) = SHOWN.findings(instance);
        for (n, finding) in findings.iter().enumerate() {
            self.markdown_finding(out, n + 1, finding);
        }
        if more > 0 {
            let _ = writeln!(out, "\n… and {more} more findings (the JSON report lists them all).");
        }
    }

    fn markdown_finding(&self, out: &mut String, n: usize, finding: &Finding) {
        let mut facts = Vec::new();
        if let Some(t) = finding.decided_at {
            facts.push(format!("decided at {}", format_timestamp(t)));
        }
        if let Some(t) = finding.deadline {
            facts.push(format!("deadline {}", format_timestamp(t)));
        }
        if let Some((start, end)) = finding.window {
            let show = |t: Option<crate::eval::time::Time>| t.map_or("…".to_string(), format_timestamp);
            facts.push(format!("window {} to {}", show(start), show(end)));
        }
        let facts = if facts.is_empty() {
            String::new()
        } else {
            format!(" ({})", facts.join("; "))
        };
        let _ = writeln!(
            out,
            "\n{n}. **{}**: {}{facts}",
            finding.verdict,
            inline(&finding.reason)
        );
        if finding.evidence.is_empty() {
            return;
        }
        out.push_str("\n   | Log | Line | Time | Kind | Fields |\n   | --- | ---: | --- | --- | --- |\n");
        let (evidence, hidden) = SHOWN.evidence(finding);
        for e in evidence {
            let row = self.evidence_row(e);
            let _ = writeln!(
                out,
                "   | `{}` | {} | {} | `{}` | {} |",
                row.log,
                row.line,
                row.time,
                row.kind,
                cell(&row.fields)
            );
        }
        if hidden > 0 {
            let _ = writeln!(out, "\n   … and {hidden} more observations.");
        }
    }
}

fn capitalised(verdict: Verdict) -> String {
    let text = verdict.as_str();
    let mut chars = text.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// Text inside a table cell: no line breaks, `|` escaped.
fn cell(text: &str) -> String {
    inline(text).replace('|', "\\|")
}

/// Text on one line, with Markdown's active characters escaped outside
/// `code spans` (inside them they would show their backslash).
fn inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut code = false;
    for c in text.chars() {
        match c {
            '\n' | '\r' => out.push(' '),
            '`' => {
                code = !code;
                out.push(c);
            }
            // `_` is left alone: names are full of it, and inside a word it
            // never starts emphasis.
            '\\' | '*' | '[' | ']' | '<' | '>' | '#' if !code => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_is_escaped_outside_code() {
        assert_eq!(inline("a_b *c `c_d` <e>\nf"), "a_b \\*c `c_d` \\<e\\> f");
        assert_eq!(cell("a | `b|c`"), "a \\| `b\\|c`");
    }
}
