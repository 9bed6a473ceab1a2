//! The report of `verify` as one self-contained HTML page: the summary, a
//! sortable table of rules, and a section per rule with a timeline drawn
//! in SVG, its instances, findings and evidence. Styles and the script
//! (filters by verdict and severity, sorting) are inline; nothing is
//! fetched. The same inputs give the same bytes.
//!
//! Built as [`Markup<Html>`]: the page's own markup goes in as literals,
//! every value from a rule file or a log through [`Markup::text`] (escaped,
//! in text and in attribute values alike), numbers and verdicts through
//! [`Markup::safe`].

use super::{Piece, Shown, VerifyReport};
use crate::eval::time::Time;
use crate::eval::{Finding, InstanceResult, RuleResult};
use crate::report::markup::{Html, Markup};
use crate::verdict::Verdict;

/// The page's style sheet and script: the program's own, as literals.
const STYLE: &str = include_str!("html_assets/report.css");
const SCRIPT: &str = include_str!("html_assets/report.js");

/// How much is shown; the JSON report lists everything.
const SHOWN: Shown = Shown::HTML;

/// HTML being built.
pub(super) type Out = Markup<Html>;

/// The verdicts in the order the page counts and filters them.
const VERDICTS: [Verdict; 5] = [
    Verdict::Violated,
    Verdict::Indeterminate,
    Verdict::Pending,
    Verdict::Satisfied,
    Verdict::Vacuous,
];

impl VerifyReport<'_> {
    /// The report as a self-contained HTML page.
    pub fn html(&self) -> String {
        let title = self.model.agreement.as_deref().unwrap_or("ceasefire verify");
        let mut out = Out::new();
        out.raw(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>Verification report: ",
        )
        .text(title)
        .raw("</title>\n<style>\n")
        .raw(STYLE)
        .raw("</style>\n</head>\n<body data-script=\"none\">\n");
        self.html_header(&mut out, title);
        self.html_changes(&mut out);
        // One time axis for every rule, with the calendar's ticks at every
        // level for the script's zoom (its bar is part of the filters).
        let axis = self.html_axis();
        let ticks = axis.as_ref().map(|a| self.html_ticks(a)).unwrap_or_default();
        self.html_filters(&mut out, axis.as_ref(), &ticks);
        self.html_warnings(&mut out);
        self.html_table(&mut out);
        out.raw("<main>\n");
        for result in &self.evaluation.rules {
            self.html_rule(&mut out, result, axis.as_ref(), &ticks);
        }
        out.raw("</main>\n<footer><p>Made by ceasefire ")
            .text(env!("CARGO_PKG_VERSION"))
            .raw(
                " from the rules and logs named above. The JSON report \
                 (<code>--format json</code>) lists every finding and all its evidence.</p></footer>\n\
                 <script>\n",
            )
            .raw(SCRIPT)
            .raw("</script>\n</body>\n</html>\n");
        out.into_string()
    }

    fn html_header(&self, out: &mut Out, title: &str) {
        out.raw("<header>\n<h1>")
            .text(title)
            .raw("</h1>\n<p class=\"sub\">Verification report</p>\n<div class=\"counts\" id=\"summary\">\n");
        for verdict in VERDICTS {
            let n = self.count(verdict);
            out.raw("<div class=\"count ")
                .safe(verdict)
                .raw("\"><span class=\"n\" id=\"count-")
                .safe(verdict)
                .raw("\" data-count=\"")
                .safe(n)
                .raw("\">")
                .safe(n)
                .raw("</span><span class=\"label\">")
                .safe(verdict)
                .raw("</span></div>\n");
        }
        out.raw("</div>\n<dl class=\"facts\">\n");
        for fact in self.facts() {
            out.raw("<dt>").raw(fact.label).raw("</dt><dd>");
            for piece in &fact.pieces {
                match piece {
                    Piece::Words(words) => out.text(words),
                    Piece::Code(code) => out.raw("<code>").text(code).raw("</code>"),
                };
            }
            out.raw("</dd>\n");
        }
        out.raw("<dt>Rules</dt><dd>")
            .safe(self.evaluation.rules.len())
            .raw("</dd>\n<dt>Warnings</dt><dd>")
            .safe(self.read.warnings.len())
            .raw("</dd>\n</dl>\n</header>\n");
    }

    fn html_filters(&self, out: &mut Out, axis: Option<&super::Axis>, ticks: &[(i64, String, u8)]) {
        out.raw("<nav class=\"filters\" aria-label=\"Filters\">\n<fieldset><legend>Verdict</legend>\n");
        for verdict in VERDICTS {
            out.raw("<label><input type=\"checkbox\" name=\"verdict\" value=\"")
                .safe(verdict)
                .raw("\" checked> ")
                .safe(verdict)
                .raw("</label>\n");
        }
        out.raw("</fieldset>\n<fieldset><legend>Severity</legend>\n");
        for severity in ["critical", "major", "minor", "info"] {
            out.raw("<label><input type=\"checkbox\" name=\"severity\" value=\"")
                .text(severity)
                .raw("\" checked> ")
                .text(severity)
                .raw("</label>\n");
        }
        let n = self.evaluation.rules.len();
        out.raw("</fieldset>\n<span class=\"shown\" id=\"shown\">")
            .safe(n)
            .raw(" of ")
            .safe(n)
            .raw(" rules shown</span>\n");
        if let Some(axis) = axis {
            self.html_zoom_bar(out, axis, ticks);
        }
        out.raw("</nav>\n");
    }

    fn html_warnings(&self, out: &mut Out) {
        if self.read.warnings.is_empty() {
            return;
        }
        out.raw("<section class=\"panel\" id=\"warnings\">\n<h2>Warnings</h2>\n<ul class=\"warnings\">\n");
        for w in &self.read.warnings {
            out.raw("<li><strong>").safe(w.code).raw("</strong> ");
            code_spans(out, &w.message);
            if let Some(place) = &w.place {
                out.raw(" <code>")
                    .text(&w.file)
                    .raw(":")
                    .safe(place.line)
                    .raw("</code>");
            }
            if let Some(help) = &w.help {
                out.raw(" — ");
                code_spans(out, help);
            }
            out.raw("</li>\n");
        }
        out.raw("</ul>\n</section>\n");
    }

    fn html_table(&self, out: &mut Out) {
        out.raw(
            "<section class=\"panel\" id=\"rules\">\n<h2>Rules</h2>\n<div class=\"scroll\"><table class=\"sortable\">\n<thead><tr>\
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
            out.raw("<tr data-verdict=\"")
                .safe(result.verdict)
                .raw("\" data-severity=\"")
                .text(severity)
                .raw("\"><td><a href=\"#rule-")
                .text(&rule.id)
                .raw("\"><code>")
                .text(&rule.id)
                .raw("</code></a></td><td>")
                .text(rule.title.as_deref().unwrap_or(""))
                .raw("</td><td>")
                .text(rule.reference.as_deref().unwrap_or(""))
                .raw("</td><td data-value=\"")
                .safe(rule.severity as u8)
                .raw("\">");
            severity_label(out, severity);
            out.raw("</td><td data-value=\"")
                .safe(verdict_rank(result.verdict))
                .raw("\">");
            badge(out, result.verdict);
            possible_note(out, result.verdict, result.possible);
            out.raw("</td><td class=\"num\">").safe(findings).raw("</td></tr>\n");
        }
        out.raw("</tbody>\n</table></div>\n</section>\n");
    }

    fn html_rule(&self, out: &mut Out, result: &RuleResult, axis: Option<&super::Axis>, ticks: &[(i64, String, u8)]) {
        let rule = &self.model.rules[result.rule];
        let at = crate::report::locate(self.sources, rule.span);
        let severity = rule.severity.as_str();
        out.raw("<section class=\"rule\" id=\"rule-")
            .text(&rule.id)
            .raw("\" data-verdict=\"")
            .safe(result.verdict)
            .raw("\" data-severity=\"")
            .text(severity)
            .raw("\">\n<h2>");
        badge(out, result.verdict);
        possible_note(out, result.verdict, result.possible);
        out.raw(" <code>").text(&rule.id).raw("</code>");
        if let Some(title) = &rule.title {
            out.raw(" <span class=\"title\">").text(title).raw("</span>");
        }
        out.raw("</h2>\n<p class=\"meta\">");
        severity_label(out, severity);
        if let Some(reference) = &rule.reference {
            out.raw(" · ref: ").text(reference);
        }
        out.raw(" · <code>")
            .text(&at.file)
            .raw(":")
            .safe(at.start.line)
            .raw("</code></p>\n<pre class=\"source\">")
            .text(self.sources.slice(rule.span))
            .raw("</pre>\n");
        self.html_timeline(out, result, axis, ticks);
        self.html_map(out, result);
        for instance in result.instances.iter().take(SHOWN.instances) {
            self.html_instance(out, instance);
        }
        let more = result.instances.len().saturating_sub(SHOWN.instances);
        if more > 0 {
            out.raw("<p class=\"more\">… and ")
                .safe(more)
                .raw(" more instances (the JSON report lists them all).</p>\n");
        }
        out.raw("</section>\n");
    }

    fn html_instance(&self, out: &mut Out, instance: &InstanceResult) {
        let bindings = self.bindings_text(instance);
        let c = &instance.counts;
        out.raw("<div class=\"instance\" data-instance-verdict=\"")
            .safe(instance.verdict)
            .raw("\">\n<h3>");
        if !bindings.is_empty() {
            out.raw("<code>").text(&bindings).raw("</code> ");
        }
        badge(out, instance.verdict);
        possible_note(out, instance.verdict, instance.possible);
        out.raw("<span class=\"tally\">").safe(c.violated).raw(" violated, ");
        if c.indeterminate > 0 {
            out.safe(c.indeterminate).raw(" indeterminate, ");
        }
        out.safe(c.pending)
            .raw(" pending, ")
            .safe(c.satisfied)
            .raw(" satisfied</span></h3>\n<p class=\"reason\">");
        code_spans(out, &instance.reason);
        out.raw("</p>\n");
        for note in &instance.notes {
            out.raw("<p class=\"note\">Note: ");
            code_spans(out, note);
            out.raw("</p>\n");
        }
        let (findings, more) = SHOWN.findings(instance);
        if !findings.is_empty() {
            let listed = findings.len();
            let total = listed as u64 + more;
            // Long lists start folded; printing unfolds them.
            out.raw("<details class=\"findings\"")
                .raw(if listed <= 10 { " open" } else { "" })
                .raw("><summary>")
                .safe(total)
                .raw(if total == 1 { " finding" } else { " findings" });
            if (listed as u64) < total {
                out.raw(", the first ").safe(listed).raw(" listed");
            }
            out.raw(
                "</summary>\n<div class=\"scroll\"><table class=\"sortable findings\">\n<thead><tr><th data-sort=\"number\">Verdict</th>\
                 <th data-sort=\"text\">Reason</th><th data-sort=\"text\">Decided</th>\
                 <th data-sort=\"text\">Deadline</th><th data-sort=\"text\">Window</th></tr></thead>\n<tbody>\n",
            );
            for finding in findings {
                self.html_finding(out, finding);
            }
            out.raw("</tbody>\n</table></div>\n</details>\n");
        }
        if more > 0 {
            out.raw("<p class=\"more\">… and ")
                .safe(more)
                .raw(" more findings (the JSON report lists them all).</p>\n");
        }
        out.raw("</div>\n");
    }

    fn html_finding(&self, out: &mut Out, finding: &Finding) {
        out.raw("<tr><td data-value=\"")
            .safe(verdict_rank(finding.verdict))
            .raw("\">");
        badge(out, finding.verdict);
        possible_note(out, finding.verdict, finding.possible);
        out.raw("</td><td>");
        code_spans(out, &finding.reason);
        if !finding.evidence.is_empty() {
            let total = finding.evidence.len() as u64 + finding.evidence_omitted;
            out.raw("<details class=\"evidence\"><summary>evidence: ")
                .safe(total)
                .raw(if total == 1 { " observation" } else { " observations" })
                .raw(
                    "</summary>\n<div class=\"scroll\"><table><thead><tr><th>Log</th><th>Line</th><th>Time</th><th>Kind</th>\
                     <th>Fields</th></tr></thead><tbody>\n",
                );
            let (evidence, hidden) = SHOWN.evidence(finding);
            for e in evidence {
                let row = self.evidence_row(e);
                out.raw("<tr><td><code>")
                    .text(row.log)
                    .raw("</code></td><td class=\"num\">")
                    .safe(row.line)
                    .text(&row.id_note())
                    .raw("</td><td>")
                    .text(&row.time)
                    .raw("</td><td><code>")
                    .text(row.kind)
                    .raw("</code></td><td>")
                    .text(&row.fields)
                    .raw("</td></tr>\n");
            }
            out.raw("</tbody></table></div>");
            if hidden > 0 {
                out.raw("<p class=\"more\">… and ")
                    .safe(hidden)
                    .raw(" more observations.</p>");
            }
            out.raw("</details>");
        }
        let time = |t: Option<Time>| t.map(|t| self.time(t)).unwrap_or_default();
        out.raw("</td><td>")
            .text(&time(finding.decided_at))
            .raw("</td><td>")
            .text(&time(finding.deadline))
            .raw("</td><td>");
        if let Some((s, e)) = finding.window {
            let show = |t: Option<Time>| t.map_or("…".to_string(), |t| self.time(t));
            out.text(&show(s)).raw(" to ").text(&show(e));
        }
        out.raw("</td></tr>\n");
    }
}

/// What an indeterminate verdict may turn out to be, after its badge.
fn possible_note(out: &mut Out, verdict: Verdict, possible: crate::verdict::Possible) {
    if verdict == Verdict::Indeterminate {
        out.raw(" <span class=\"possible\">may be ")
            .text(&possible.to_string())
            .raw("</span>");
    }
}

/// A verdict as a coloured badge.
fn badge(out: &mut Out, verdict: Verdict) {
    out.raw("<span class=\"badge ")
        .safe(verdict)
        .raw("\">")
        .safe(verdict)
        .raw("</span>");
}

/// A rule's severity as a coloured label.
fn severity_label(out: &mut Out, severity: &str) {
    out.raw("<span class=\"severity ")
        .text(severity)
        .raw("\">")
        .text(severity)
        .raw("</span>");
}

fn verdict_rank(verdict: Verdict) -> u8 {
    match verdict {
        Verdict::Violated => 0,
        Verdict::Indeterminate => 1,
        Verdict::Pending => 2,
        Verdict::Satisfied => 3,
        Verdict::Vacuous => 4,
    }
}

/// Text with its `code spans` as `<code>`, each piece escaped.
fn code_spans(out: &mut Out, text: &str) {
    for (i, part) in text.split('`').enumerate() {
        if i % 2 == 1 {
            out.raw("<code>").text(part).raw("</code>");
        } else {
            out.text(part);
        }
    }
}

impl VerifyReport<'_> {
    /// What changed since the baseline, first (`--baseline`).
    fn html_changes(&self, out: &mut Out) {
        let Some(changes) = self.changes() else { return };
        let shown = super::baseline::SHOWN_CHANGES;
        out.raw("<section class=\"changes\" id=\"changes\">\n<h2>What changed since the baseline");
        if let Some(as_of) = self.baseline.and_then(|b| b.as_of.as_deref()) {
            out.raw(" <span class=\"sub\">(as of ").text(as_of).raw(")</span>");
        }
        out.raw("</h2>\n<p>").text(&changes.summary()).raw("</p>\n");
        if !changes.verdicts.is_empty() {
            out.raw("<div class=\"scroll\"><table><thead><tr><th>Rule</th><th>Verdict</th></tr></thead><tbody>\n");
            for change in changes.verdicts.iter().take(shown) {
                out.raw("<tr><td><code>")
                    .text(&change.instance())
                    .raw("</code></td><td>")
                    .text(&change.words())
                    .raw("</td></tr>\n");
            }
            out.raw("</tbody></table></div>\n");
        }
        for (title, list) in [
            ("New findings", &changes.new_findings),
            ("Findings gone", &changes.gone_findings),
        ] {
            if list.is_empty() {
                continue;
            }
            out.raw("<h3>").raw(title).raw("</h3>\n<ul>\n");
            for finding in list.iter().take(shown) {
                out.raw("<li><code>")
                    .text(&finding.instance())
                    .raw("</code> <span class=\"badge ")
                    .text(&finding.verdict)
                    .raw("\">")
                    .text(&finding.verdict)
                    .raw("</span> ")
                    .text(&finding.reason)
                    .raw("</li>\n");
            }
            out.raw("</ul>\n");
        }
        let more = changes.verdicts.len().saturating_sub(shown)
            + changes.new_findings.len().saturating_sub(shown)
            + changes.gone_findings.len().saturating_sub(shown);
        if more > 0 {
            out.raw("<p>… and ")
                .safe(more)
                .raw(" more changes (all are listed with <code>--format json</code>).</p>\n");
        }
        out.raw("</section>\n");
    }
}

impl VerifyReport<'_> {
    /// The bar that zooms and pans every time line together (the script
    /// makes it work; without it the time lines show the whole span), and
    /// the calendar's ticks for it, as data.
    fn html_zoom_bar(&self, out: &mut Out, axis: &super::Axis, ticks: &[(i64, String, u8)]) {
        let zone = self.model.calendar.map_or("UTC", |c| c.name());
        out.raw("<div class=\"zoom\" id=\"zoom\" data-zone=\"")
            .text(zone)
            .raw("\" data-a=\"")
            .safe(axis.start.timestamp_millis())
            .raw("\" data-b=\"")
            .safe(axis.end.timestamp_millis())
            .raw("\" hidden><span class=\"zone\">Times in ")
            .text(zone)
            .raw(
                "</span> <button type=\"button\" data-zoom=\"in\" title=\"Zoom in\">+</button>\
                 <button type=\"button\" data-zoom=\"out\" title=\"Zoom out\">−</button>\
                 <button type=\"button\" data-zoom=\"left\" title=\"Earlier\">◀</button>\
                 <button type=\"button\" data-zoom=\"right\" title=\"Later\">▶</button>\
                 <button type=\"button\" data-zoom=\"all\" title=\"The whole span\">all</button> \
                 <span class=\"range\" id=\"zoom-range\"></span>\
                 <span class=\"hint\">drag a time line to pan, scroll over it to zoom</span></div>\n",
            );
        // In an attribute, escaped as every value is: the script reads it
        // with JSON.parse.
        let data: Vec<serde_json::Value> = ticks
            .iter()
            .map(|(t, label, level)| serde_json::json!([t, label, level]))
            .collect();
        out.raw("<div id=\"ticks\" hidden data-ticks=\"")
            .text(&serde_json::Value::Array(data).to_string())
            .raw("\"></div>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_code_spans_become_code() {
        let mut out = Out::new();
        out.text("<a href=\"x\">&'");
        assert_eq!(out.as_str(), "&lt;a href=&quot;x&quot;&gt;&amp;&apos;");
        let mut out = Out::new();
        code_spans(&mut out, "zone `a<b>` and <c>");
        assert_eq!(out.as_str(), "zone <code>a&lt;b&gt;</code> and &lt;c&gt;");
    }

    #[test]
    fn hostile_text_in_code_spans_stays_text() {
        let mut out = Out::new();
        code_spans(
            &mut out,
            "`<script>alert(1)</script>` \"><img src=x onerror=alert(1)> ]]> --> `a\n::error::x` \u{fffe}",
        );
        assert_eq!(
            out.as_str(),
            "<code>&lt;script&gt;alert(1)&lt;/script&gt;</code> &quot;&gt;&lt;img src=x onerror=alert(1)&gt; \
             ]]&gt; --&gt; <code>a&#10;::error::x</code> \u{fffd}"
        );
    }
}
