//! The report of `verify` as one self-contained HTML page: the summary, a
//! sortable table of rules, and a section per rule with a timeline drawn
//! in SVG, its instances, findings and evidence. Styles and the script
//! (filters by verdict and severity, sorting) are inline; nothing is
//! fetched. The same inputs give the same bytes.

// Text for HTML: XML's escapes are HTML's too.
use super::{Piece, Shown, VerifyReport};
use crate::eval::time::Time;
use crate::eval::{Finding, InstanceResult, RuleResult};
use crate::report::markup::xml as esc;
use crate::time::format_timestamp;
use crate::verdict::Verdict;
use std::fmt::Write;

const STYLE: &str = include_str!("html_assets/report.css");
const SCRIPT: &str = include_str!("html_assets/report.js");

/// How much is shown; the JSON report lists everything.
const SHOWN: Shown = Shown::HTML;

impl VerifyReport<'_> {
    /// The report as a self-contained HTML page.
    pub fn html(&self) -> String {
        let title = self.model.agreement.as_deref().unwrap_or("ceasefire verify");
        let mut out = String::with_capacity(64 * 1024);
        let _ = write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>Verification report: {}</title>\n<style>\n{STYLE}</style>\n</head>\n<body data-script=\"none\">\n",
            esc(title)
        );
        self.html_header(&mut out, title);
        self.html_filters(&mut out);
        self.html_warnings(&mut out);
        self.html_table(&mut out);
        out.push_str("<main>\n");
        for result in &self.evaluation.rules {
            self.html_rule(&mut out, result);
        }
        out.push_str("</main>\n");
        let _ = write!(
            out,
            "<footer><p>Made by ceasefire {} from the rules and logs named above. The JSON report \
             (<code>--format json</code>) lists every finding and all its evidence.</p></footer>\n\
             <script>\n{SCRIPT}</script>\n</body>\n</html>\n",
            env!("CARGO_PKG_VERSION")
        );
        out
    }

    fn html_header(&self, out: &mut String, title: &str) {
        let _ = write!(
            out,
            "<header>\n<h1>{}</h1>\n<p class=\"sub\">Verification report</p>\n<div class=\"counts\" id=\"summary\">\n",
            esc(title)
        );
        for verdict in [
            Verdict::Violated,
            Verdict::Pending,
            Verdict::Satisfied,
            Verdict::Vacuous,
        ] {
            let n = self.count(verdict);
            let _ = writeln!(
                out,
                "<div class=\"count {verdict}\"><span class=\"n\" id=\"count-{verdict}\" data-count=\"{n}\">{n}</span>\
                 <span class=\"label\">{verdict}</span></div>"
            );
        }
        out.push_str("</div>\n<dl class=\"facts\">\n");
        for fact in self.facts() {
            let text: String = fact
                .pieces
                .iter()
                .map(|piece| match piece {
                    Piece::Words(words) => esc(words),
                    Piece::Code(code) => format!("<code>{}</code>", esc(code)),
                })
                .collect();
            let _ = writeln!(out, "<dt>{}</dt><dd>{text}</dd>", fact.label);
        }
        let _ = writeln!(
            out,
            "<dt>Rules</dt><dd>{}</dd>\n<dt>Warnings</dt><dd>{}</dd>\n</dl>\n</header>",
            self.evaluation.rules.len(),
            self.read.warnings.len()
        );
    }

    fn html_filters(&self, out: &mut String) {
        out.push_str("<nav class=\"filters\" aria-label=\"Filters\">\n<fieldset><legend>Verdict</legend>\n");
        for verdict in [
            Verdict::Violated,
            Verdict::Pending,
            Verdict::Satisfied,
            Verdict::Vacuous,
        ] {
            let _ = writeln!(
                out,
                "<label><input type=\"checkbox\" name=\"verdict\" value=\"{verdict}\" checked> {verdict}</label>"
            );
        }
        out.push_str("</fieldset>\n<fieldset><legend>Severity</legend>\n");
        for severity in ["critical", "major", "minor", "info"] {
            let _ = writeln!(
                out,
                "<label><input type=\"checkbox\" name=\"severity\" value=\"{severity}\" checked> {severity}</label>"
            );
        }
        let n = self.evaluation.rules.len();
        let _ = writeln!(
            out,
            "</fieldset>\n<span class=\"shown\" id=\"shown\">{n} of {n} rules shown</span>\n</nav>"
        );
    }

    fn html_warnings(&self, out: &mut String) {
        if self.read.warnings.is_empty() {
            return;
        }
        out.push_str("<section class=\"panel\" id=\"warnings\">\n<h2>Warnings</h2>\n<ul class=\"warnings\">\n");
        for w in &self.read.warnings {
            let place = w
                .place
                .as_ref()
                .map(|p| format!(" <code>{}:{}</code>", esc(&w.file), p.line))
                .unwrap_or_default();
            let help = w
                .help
                .as_deref()
                .map(|h| format!(" — {}", code_spans(h)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "<li><strong>{}</strong> {}{place}{help}</li>",
                w.code.as_str(),
                code_spans(&w.message)
            );
        }
        out.push_str("</ul>\n</section>\n");
    }

    fn html_table(&self, out: &mut String) {
        out.push_str(
            "<section class=\"panel\" id=\"rules\">\n<h2>Rules</h2>\n<table class=\"sortable\">\n<thead><tr>\
             <th data-sort=\"text\">Rule</th><th data-sort=\"text\">Title</th><th data-sort=\"text\">Ref</th>\
             <th data-sort=\"number\">Severity</th><th data-sort=\"number\">Verdict</th>\
             <th data-sort=\"number\">Findings</th></tr></thead>\n<tbody>\n",
        );
        for result in &self.evaluation.rules {
            let rule = &self.model.rules[result.rule];
            let findings: u64 = result
                .instances
                .iter()
                .map(|i| i.findings.len() as u64 + i.findings_omitted)
                .sum();
            let severity = rule.severity.as_str();
            let _ = writeln!(
                out,
                "<tr data-verdict=\"{v}\" data-severity=\"{severity}\"><td><a href=\"#rule-{id}\"><code>{id}</code></a></td>\
                 <td>{}</td><td>{}</td><td data-value=\"{}\"><span class=\"severity {severity}\">{severity}</span></td>\
                 <td data-value=\"{}\"><span class=\"badge {v}\">{v}</span></td><td class=\"num\">{findings}</td></tr>",
                esc(rule.title.as_deref().unwrap_or("")),
                esc(rule.reference.as_deref().unwrap_or("")),
                rule.severity as u8,
                verdict_rank(result.verdict),
                v = result.verdict,
                id = esc(&rule.id),
            );
        }
        out.push_str("</tbody>\n</table>\n</section>\n");
    }

    fn html_rule(&self, out: &mut String, result: &RuleResult) {
        let rule = &self.model.rules[result.rule];
        let at = crate::report::locate(self.sources, rule.span);
        let severity = rule.severity.as_str();
        let title = rule
            .title
            .as_deref()
            .map(|t| format!(" <span class=\"title\">{}</span>", esc(t)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "<section class=\"rule\" id=\"rule-{id}\" data-verdict=\"{v}\" data-severity=\"{severity}\">\n\
             <h2><span class=\"badge {v}\">{v}</span> <code>{id}</code>{title}</h2>",
            id = esc(&rule.id),
            v = result.verdict
        );
        let reference = rule
            .reference
            .as_deref()
            .map(|r| format!(" · ref: {}", esc(r)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "<p class=\"meta\"><span class=\"severity {severity}\">{severity}</span>{reference} · <code>{}:{}</code></p>",
            esc(&at.file),
            at.start.line
        );
        let _ = writeln!(
            out,
            "<pre class=\"source\">{}</pre>",
            esc(self.sources.slice(rule.span))
        );
        self.html_timeline(out, result);
        for instance in result.instances.iter().take(SHOWN.instances) {
            self.html_instance(out, instance);
        }
        let more = result.instances.len().saturating_sub(SHOWN.instances);
        if more > 0 {
            let _ = writeln!(
                out,
                "<p class=\"more\">… and {more} more instances (the JSON report lists them all).</p>"
            );
        }
        out.push_str("</section>\n");
    }

    fn html_instance(&self, out: &mut String, instance: &InstanceResult) {
        let bindings = self.bindings_text(instance);
        let name = if bindings.is_empty() {
            String::new()
        } else {
            format!("<code>{}</code> ", esc(&bindings))
        };
        let c = &instance.counts;
        let _ = writeln!(
            out,
            "<div class=\"instance\" data-instance-verdict=\"{v}\">\n<h3>{name}<span class=\"badge {v}\">{v}</span>\
             <span class=\"tally\">{} violated, {} pending, {} satisfied</span></h3>\n<p class=\"reason\">{}</p>",
            c.violated,
            c.pending,
            c.satisfied,
            code_spans(&instance.reason),
            v = instance.verdict
        );
        for note in &instance.notes {
            let _ = writeln!(out, "<p class=\"note\">Note: {}</p>", code_spans(note));
        }
        let (findings, more) = SHOWN.findings(instance);
        if !findings.is_empty() {
            let listed = findings.len();
            let total = listed as u64 + more;
            // Long lists start folded; printing unfolds them.
            let open = if listed <= 10 { " open" } else { "" };
            let _ = writeln!(
                out,
                "<details class=\"findings\"{open}><summary>{total} finding{}{}</summary>",
                if total == 1 { "" } else { "s" },
                if (listed as u64) < total {
                    format!(", the first {listed} listed")
                } else {
                    String::new()
                }
            );
            out.push_str(
                "<table class=\"sortable findings\">\n<thead><tr><th data-sort=\"number\">Verdict</th>\
                 <th data-sort=\"text\">Reason</th><th data-sort=\"text\">Decided</th>\
                 <th data-sort=\"text\">Deadline</th><th data-sort=\"text\">Window</th></tr></thead>\n<tbody>\n",
            );
            for finding in findings {
                self.html_finding(out, finding);
            }
            out.push_str("</tbody>\n</table>\n</details>\n");
        }
        if more > 0 {
            let _ = writeln!(
                out,
                "<p class=\"more\">… and {more} more findings (the JSON report lists them all).</p>"
            );
        }
        out.push_str("</div>\n");
    }

    fn html_finding(&self, out: &mut String, finding: &Finding) {
        let time = |t: Option<Time>| t.map(format_timestamp).unwrap_or_default();
        let window = finding
            .window
            .map(|(s, e)| {
                let show = |t: Option<Time>| t.map_or("…".to_string(), format_timestamp);
                format!("{} to {}", show(s), show(e))
            })
            .unwrap_or_default();
        let _ = write!(
            out,
            "<tr><td data-value=\"{}\"><span class=\"badge {v}\">{v}</span></td><td>{}",
            verdict_rank(finding.verdict),
            code_spans(&finding.reason),
            v = finding.verdict
        );
        if !finding.evidence.is_empty() {
            let total = finding.evidence.len() as u64 + finding.evidence_omitted;
            let _ = write!(
                out,
                "<details class=\"evidence\"><summary>evidence: {total} observation{}</summary>\n\
                 <table><thead><tr><th>Log</th><th>Line</th><th>Time</th><th>Kind</th><th>Fields</th></tr></thead><tbody>\n",
                if total == 1 { "" } else { "s" }
            );
            let (evidence, hidden) = SHOWN.evidence(finding);
            for e in evidence {
                let row = self.evidence_row(e);
                let _ = writeln!(
                    out,
                    "<tr><td><code>{}</code></td><td class=\"num\">{}</td><td>{}</td><td><code>{}</code></td><td>{}</td></tr>",
                    esc(row.log),
                    row.line,
                    row.time,
                    esc(row.kind),
                    esc(&row.fields)
                );
            }
            out.push_str("</tbody></table>");
            if hidden > 0 {
                let _ = write!(out, "<p class=\"more\">… and {hidden} more observations.</p>");
            }
            out.push_str("</details>");
        }
        let _ = writeln!(
            out,
            "</td><td>{}</td><td>{}</td><td>{window}</td></tr>",
            time(finding.decided_at),
            time(finding.deadline)
        );
    }
}

fn verdict_rank(verdict: Verdict) -> u8 {
    match verdict {
        Verdict::Violated => 0,
        Verdict::Pending => 1,
        Verdict::Satisfied => 2,
        Verdict::Vacuous => 3,
    }
}

/// Text for HTML with its `code spans` as `<code>`.
fn code_spans(text: &str) -> String {
    let mut out = String::new();
    for (i, part) in text.split('`').enumerate() {
        if i % 2 == 1 {
            let _ = write!(out, "<code>{}</code>", esc(part));
        } else {
            out.push_str(&esc(part));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_code_spans_become_code() {
        assert_eq!(esc("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&apos;");
        assert_eq!(
            code_spans("zone `a<b>` and <c>"),
            "zone <code>a&lt;b&gt;</code> and &lt;c&gt;"
        );
    }
}
