//! The time line of a rule in the HTML report: a lane per instance with
//! findings, each finding's window or span to its deadline as a band, its
//! deadline as a tick and its evidence as marks, drawn in SVG. Built as
//! the rest of the page: values escaped, coordinates written as numbers.

use super::html::Out;
use super::{Shown, VerifyReport};
use crate::eval::time::Time;
use crate::eval::{Finding, InstanceResult, RuleResult};
use crate::verdict::Verdict;

/// Lanes (instances with findings) drawn on a rule's timeline.
const DRAWN_LANES: usize = 24;
/// Findings drawn on each lane.
const DRAWN_FINDINGS: usize = 200;
/// Evidence marks drawn per finding, as the HTML report lists them.
const SHOWN: Shown = Shown::HTML;

impl VerifyReport<'_> {
    /// A rule's findings on one time axis, a lane per instance with
    /// findings: the window or the span up to the deadline of each finding
    /// as a band, its deadline as a tick, the observations that decided it
    /// as marks, the horizon as a dashed line. A rule without findings gets
    /// a lane showing the span of the observations judged.
    pub(super) fn html_timeline(&self, out: &mut Out, result: &RuleResult) {
        let lanes: Vec<&InstanceResult> = result.instances.iter().filter(|i| !i.findings.is_empty()).collect();
        let drawn_lanes = &lanes[..lanes.len().min(DRAWN_LANES)];
        let horizon = self.evaluation.horizon;
        let mut times: Vec<Time> = horizon.into_iter().collect();
        if drawn_lanes.is_empty() {
            times.extend(self.read.earliest);
            times.extend(self.read.latest);
        }
        for f in drawn_lanes.iter().flat_map(|i| drawn(i)) {
            times.extend(f.decided_at);
            times.extend(f.deadline);
            if let Some((s, e)) = f.window {
                times.extend(s);
                times.extend(e);
            }
            times.extend(f.evidence.iter().take(SHOWN.evidence).map(|e| e.time));
            times.extend(f.evidence.iter().take(SHOWN.evidence).map(|e| e.until));
        }
        let labelled = drawn_lanes.iter().any(|i| !i.bindings.is_empty());
        let (width, right, row, top) = (880.0, 16.0, 26.0, 12.0);
        let left = if labelled { 130.0 } else { 16.0 };
        let rows = drawn_lanes.len().max(1) as f64;
        let height = top + rows * row + 44.0;
        let (Some(&first), Some(&last)) = (times.iter().min(), times.iter().max()) else {
            out.raw("<figure class=\"timeline\"><svg class=\"timeline\" viewBox=\"0 0 ")
                .safe(width)
                .raw(" 40\" role=\"img\" aria-label=\"no times to draw\"><text class=\"label\" x=\"")
                .safe(left)
                .raw("\" y=\"24\">no observations and no horizon: nothing to draw</text></svg></figure>\n");
            return;
        };
        // A day either side of a single instant, so that it has room.
        let pad = if first == last {
            chrono::TimeDelta::days(1)
        } else {
            (last - first) / 20
        };
        let (start, end) = (first - pad, last + pad);
        let span = (end - start).num_milliseconds().max(1) as f64;
        let x = |t: Time| left + (t - start).num_milliseconds() as f64 / span * (width - left - right);
        out.raw("<figure class=\"timeline\"><svg class=\"timeline\" viewBox=\"0 0 ")
            .safe(width)
            .raw(" ")
            .safe(height)
            .raw("\" role=\"img\" aria-label=\"timeline of ")
            .text(&self.model.rules[result.rule].id)
            .raw(" from ")
            .text(&self.time(start))
            .raw(" to ")
            .text(&self.time(end))
            .raw("\">\n");
        if drawn_lanes.is_empty()
            && let (Some(a), Some(b)) = (self.read.earliest, self.read.latest)
        {
            out.raw("<rect class=\"observed\" x=\"")
                .fixed(x(a), 1)
                .raw("\" y=\"")
                .fixed(top + 3.0, 1)
                .raw("\" width=\"")
                .fixed((x(b) - x(a)).max(2.0), 1)
                .raw("\" height=\"")
                .fixed(row - 6.0, 1)
                .raw("\" rx=\"3\"><title>observations judged: ")
                .text(&self.time(a))
                .raw(" to ")
                .text(&self.time(b))
                .raw("</title></rect>\n");
        }
        for (lane, instance) in drawn_lanes.iter().enumerate() {
            let y = top + lane as f64 * row;
            if labelled {
                out.raw("<text class=\"label lane\" x=\"")
                    .fixed(left - 8.0, 1)
                    .raw("\" y=\"")
                    .fixed(y + row / 2.0 + 4.0, 1)
                    .raw("\" text-anchor=\"end\">")
                    .text(&self.bindings_text(instance))
                    .raw("</text>\n");
            }
            let findings = drawn(instance);
            // Deadline ticks only where there is room for them.
            let ticks = findings.len() <= 50;
            for f in findings {
                self.html_finding_marks(out, f, y, row, horizon, ticks, &x);
            }
        }
        let axis = top + rows * row + 6.0;
        out.raw("<line class=\"axis\" x1=\"")
            .safe(left)
            .raw("\" x2=\"")
            .fixed(width - right, 1)
            .raw("\" y1=\"")
            .fixed(axis, 1)
            .raw("\" y2=\"")
            .fixed(axis, 1)
            .raw("\"/>\n");
        for k in 0..=4 {
            let t = start + (end - start) * k / 4;
            let tx = x(t);
            let anchor = match k {
                0 => "start",
                4 => "end",
                _ => "middle",
            };
            out.raw("<g class=\"tick\"><line x1=\"")
                .fixed(tx, 1)
                .raw("\" x2=\"")
                .fixed(tx, 1)
                .raw("\" y1=\"")
                .safe(top)
                .raw("\" y2=\"")
                .fixed(axis, 1)
                .raw("\"/><text x=\"")
                .fixed(tx, 1)
                .raw("\" y=\"")
                .fixed(axis + 16.0, 1)
                .raw("\" text-anchor=\"")
                .text(anchor)
                .raw("\">")
                .text(&tick_label(t, end - start))
                .raw("</text></g>\n");
        }
        if let Some(h) = horizon {
            let hx = x(h);
            out.raw("<line class=\"horizon\" x1=\"")
                .fixed(hx, 1)
                .raw("\" x2=\"")
                .fixed(hx, 1)
                .raw("\" y1=\"")
                .fixed(top - 6.0, 1)
                .raw("\" y2=\"")
                .fixed(axis, 1)
                .raw("\"/><text class=\"label\" x=\"")
                .fixed(hx, 1)
                .raw("\" y=\"")
                .fixed(axis + 32.0, 1)
                .raw("\" text-anchor=\"end\">horizon</text>\n");
        }
        out.raw("</svg>");
        let findings: usize = lanes.iter().map(|i| i.findings.len()).sum();
        let shown: usize = drawn_lanes.iter().map(|i| drawn(i).len()).sum();
        if drawn_lanes.is_empty() {
            let message = match result.verdict {
                Verdict::Satisfied => "No violated or pending findings up to the horizon",
                Verdict::Vacuous => "Nothing to judge: the rule did not apply",
                _ => "No findings to draw",
            };
            out.raw("<figcaption>")
                .raw(message)
                .raw("; the band spans the observations judged.</figcaption>");
        } else {
            let mut caption: Vec<Out> = Vec::new();
            if shown < findings {
                let mut sentence = Out::new();
                sentence
                    .safe(shown)
                    .raw(" of the ")
                    .safe(findings)
                    .raw(" findings listed are drawn, spread evenly over them.");
                caption.push(sentence);
            }
            // The listing limit the evaluation applied: the length of a cut list.
            if let Some(limit) = lanes
                .iter()
                .filter(|i| i.findings_omitted > 0)
                .map(|i| i.findings.len())
                .max()
            {
                let mut sentence = Out::new();
                sentence
                    .raw("Findings after the first ")
                    .text(&thousands(limit))
                    .raw(" of an instance are counted, not listed or drawn.");
                caption.push(sentence);
            }
            if lanes.len() > drawn_lanes.len() {
                let mut sentence = Out::new();
                sentence
                    .safe(drawn_lanes.len())
                    .raw(" of ")
                    .safe(lanes.len())
                    .raw(" instances with findings are drawn.");
                caption.push(sentence);
            }
            if !caption.is_empty() {
                out.raw("<figcaption>");
                for (i, sentence) in caption.iter().enumerate() {
                    if i > 0 {
                        out.raw(" ");
                    }
                    out.markup(sentence);
                }
                out.raw("</figcaption>");
            }
        }
        out.raw("</figure>\n");
    }

    /// One finding on its lane: band, deadline tick and evidence marks.
    #[allow(clippy::too_many_arguments)]
    fn html_finding_marks(
        &self,
        out: &mut Out,
        f: &Finding,
        y: f64,
        row: f64,
        horizon: Option<Time>,
        ticks: bool,
        x: &dyn Fn(Time) -> f64,
    ) {
        let band_start = f
            .window
            .and_then(|w| w.0)
            .or_else(|| f.evidence.iter().map(|e| e.time).min());
        let band_end = f.window.and_then(|w| w.1).or(f.deadline).or(f.decided_at).or(horizon);
        out.raw("<g class=\"finding\"><title>")
            .text(&f.reason)
            .raw("</title>\n");
        // A band narrower than a mark would only fringe it.
        if let (Some(a), Some(b)) = (band_start, band_end)
            && x(a.max(b)) - x(a.min(b)) >= 6.0
        {
            let (a, b) = (x(a.min(b)), x(a.max(b)));
            out.raw("<rect class=\"band ")
                .safe(f.verdict)
                .raw("\" x=\"")
                .fixed(a, 1)
                .raw("\" y=\"")
                .fixed(y + 4.0, 1)
                .raw("\" width=\"")
                .fixed((b - a).max(2.0), 1)
                .raw("\" height=\"")
                .fixed(row - 8.0, 1)
                .raw("\" rx=\"3\"/>\n");
        }
        if let Some(d) = f.deadline.filter(|_| ticks) {
            let dx = x(d);
            out.raw("<line class=\"deadline\" x1=\"")
                .fixed(dx, 1)
                .raw("\" x2=\"")
                .fixed(dx, 1)
                .raw("\" y1=\"")
                .fixed(y + 2.0, 1)
                .raw("\" y2=\"")
                .fixed(y + row - 2.0, 1)
                .raw("\"/>\n");
        }
        for e in f.evidence.iter().take(SHOWN.evidence) {
            // A time known only to a range is drawn as a bar over it.
            if e.is_range() {
                out.raw("<line class=\"range ")
                    .safe(f.verdict)
                    .raw("\" x1=\"")
                    .fixed(x(e.time), 1)
                    .raw("\" x2=\"")
                    .fixed(x(e.until).max(x(e.time) + 1.0), 1)
                    .raw("\" y1=\"")
                    .fixed(y + row / 2.0, 1)
                    .raw("\" y2=\"")
                    .fixed(y + row / 2.0, 1)
                    .raw("\"><title>")
                    .text(&e.kind)
                    .raw(" ")
                    .text(&e.dated())
                    .raw("</title></line>\n");
            }
            // One that may not have happened is drawn hollow.
            let doubt = if e.meets_evidence == Some(false) { " doubt" } else { "" };
            out.raw("<circle class=\"mark ")
                .safe(f.verdict)
                .raw(doubt)
                .raw("\" cx=\"")
                .fixed(x(e.time), 1)
                .raw("\" cy=\"")
                .fixed(y + row / 2.0, 1)
                .raw("\" r=\"5\"><title>")
                .text(&e.kind)
                .raw(" ")
                .text(&self.fields_text(e))
                .raw(" ")
                .text(&e.dated())
                .raw("</title></circle>\n");
        }
        out.raw("</g>\n");
    }
}

/// The findings of an instance drawn on its lane: all of them, or as many
/// as fit, spread evenly over the list (which is in time order).
fn drawn(instance: &InstanceResult) -> Vec<&Finding> {
    let all = &instance.findings;
    if all.len() <= DRAWN_FINDINGS {
        return all.iter().collect();
    }
    (0..DRAWN_FINDINGS)
        .map(|k| &all[k * all.len() / DRAWN_FINDINGS])
        .collect()
}

/// A count with thousands separated by commas: `1,000`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A tick's label: the date, with the time of day when the span is short.
fn tick_label(t: Time, span: chrono::TimeDelta) -> String {
    if span > chrono::TimeDelta::days(10) {
        t.format("%Y-%m-%d").to_string()
    } else {
        t.format("%Y-%m-%d %H:%M").to_string()
    }
}
