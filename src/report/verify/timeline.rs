//! The time line of a rule in the HTML report: a lane per instance with
//! findings, each finding's window or span to its deadline as a band, its
//! deadline as a tick and its evidence as marks, drawn in SVG.

use super::{Shown, VerifyReport};
use crate::eval::time::Time;
use crate::eval::{Finding, InstanceResult, RuleResult};
use crate::report::markup::xml as esc;
use crate::time::format_timestamp;
use crate::verdict::Verdict;
use std::fmt::Write;

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
    pub(super) fn html_timeline(&self, out: &mut String, result: &RuleResult) {
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
        }
        let labelled = drawn_lanes.iter().any(|i| !i.bindings.is_empty());
        let (width, right, row, top) = (880.0, 16.0, 26.0, 12.0);
        let left = if labelled { 130.0 } else { 16.0 };
        let rows = drawn_lanes.len().max(1) as f64;
        let height = top + rows * row + 44.0;
        let (Some(&first), Some(&last)) = (times.iter().min(), times.iter().max()) else {
            let _ = writeln!(
                out,
                "<figure class=\"timeline\"><svg class=\"timeline\" viewBox=\"0 0 {width} 40\" role=\"img\" \
                 aria-label=\"no times to draw\"><text class=\"label\" x=\"{left}\" y=\"24\">no observations and no \
                 horizon: nothing to draw</text></svg></figure>"
            );
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
        let _ = writeln!(
            out,
            "<figure class=\"timeline\"><svg class=\"timeline\" viewBox=\"0 0 {width} {height}\" role=\"img\" \
             aria-label=\"timeline of {} from {} to {}\">",
            esc(&self.model.rules[result.rule].id),
            format_timestamp(start),
            format_timestamp(end)
        );
        if drawn_lanes.is_empty()
            && let (Some(a), Some(b)) = (self.read.earliest, self.read.latest)
        {
            let _ = writeln!(
                out,
                "<rect class=\"observed\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" rx=\"3\">\
                 <title>observations judged: {} to {}</title></rect>",
                x(a),
                top + 3.0,
                (x(b) - x(a)).max(2.0),
                row - 6.0,
                format_timestamp(a),
                format_timestamp(b)
            );
        }
        for (lane, instance) in drawn_lanes.iter().enumerate() {
            let y = top + lane as f64 * row;
            if labelled {
                let _ = writeln!(
                    out,
                    "<text class=\"label lane\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
                    left - 8.0,
                    y + row / 2.0 + 4.0,
                    esc(&self.bindings_text(instance))
                );
            }
            let findings = drawn(instance);
            // Deadline ticks only where there is room for them.
            let ticks = findings.len() <= 50;
            for f in findings {
                self.html_finding_marks(out, f, y, row, horizon, ticks, &x);
            }
        }
        let axis = top + rows * row + 6.0;
        let _ = writeln!(
            out,
            "<line class=\"axis\" x1=\"{left}\" x2=\"{:.1}\" y1=\"{axis:.1}\" y2=\"{axis:.1}\"/>",
            width - right
        );
        for k in 0..=4 {
            let t = start + (end - start) * k / 4;
            let tx = x(t);
            let anchor = match k {
                0 => "start",
                4 => "end",
                _ => "middle",
            };
            let _ = writeln!(
                out,
                "<g class=\"tick\"><line x1=\"{tx:.1}\" x2=\"{tx:.1}\" y1=\"{top}\" y2=\"{axis:.1}\"/>\
                 <text x=\"{tx:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\">{}</text></g>",
                axis + 16.0,
                tick_label(t, end - start)
            );
        }
        if let Some(h) = horizon {
            let hx = x(h);
            let _ = writeln!(
                out,
                "<line class=\"horizon\" x1=\"{hx:.1}\" x2=\"{hx:.1}\" y1=\"{:.1}\" y2=\"{axis:.1}\"/>\
                 <text class=\"label\" x=\"{hx:.1}\" y=\"{:.1}\" text-anchor=\"end\">horizon</text>",
                top - 6.0,
                axis + 32.0
            );
        }
        out.push_str("</svg>");
        let findings: usize = lanes.iter().map(|i| i.findings.len()).sum();
        let shown: usize = drawn_lanes.iter().map(|i| drawn(i).len()).sum();
        if drawn_lanes.is_empty() {
            let message = match result.verdict {
                Verdict::Satisfied => "No violated or pending findings up to the horizon",
                Verdict::Vacuous => "Nothing to judge: the rule did not apply",
                _ => "No findings to draw",
            };
            let _ = write!(
                out,
                "<figcaption>{message}; the band spans the observations judged.</figcaption>"
            );
        } else {
            let mut caption = Vec::new();
            if shown < findings {
                caption.push(format!(
                    "{shown} of the {findings} findings listed are drawn, spread evenly over them."
                ));
            }
            // The listing limit the evaluation applied: the length of a cut list.
            if let Some(limit) = lanes
                .iter()
                .filter(|i| i.findings_omitted > 0)
                .map(|i| i.findings.len())
                .max()
            {
                caption.push(format!(
                    "Findings after the first {} of an instance are counted, not listed or drawn.",
                    thousands(limit)
                ));
            }
            if lanes.len() > drawn_lanes.len() {
                caption.push(format!(
                    "{} of {} instances with findings are drawn.",
                    drawn_lanes.len(),
                    lanes.len()
                ));
            }
            if !caption.is_empty() {
                let _ = write!(out, "<figcaption>{}</figcaption>", caption.join(" "));
            }
        }
        out.push_str("</figure>\n");
    }

    /// One finding on its lane: band, deadline tick and evidence marks.
    #[allow(clippy::too_many_arguments)]
    fn html_finding_marks(
        &self,
        out: &mut String,
        f: &Finding,
        y: f64,
        row: f64,
        horizon: Option<Time>,
        ticks: bool,
        x: &dyn Fn(Time) -> f64,
    ) {
        let class = f.verdict.as_str();
        let band_start = f
            .window
            .and_then(|w| w.0)
            .or_else(|| f.evidence.iter().map(|e| e.time).min());
        let band_end = f.window.and_then(|w| w.1).or(f.deadline).or(f.decided_at).or(horizon);
        let _ = writeln!(out, "<g class=\"finding\"><title>{}</title>", esc(&f.reason));
        // A band narrower than a mark would only fringe it.
        if let (Some(a), Some(b)) = (band_start, band_end)
            && x(a.max(b)) - x(a.min(b)) >= 6.0
        {
            let (a, b) = (x(a.min(b)), x(a.max(b)));
            let _ = writeln!(
                out,
                "<rect class=\"band {class}\" x=\"{a:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" rx=\"3\"/>",
                y + 4.0,
                (b - a).max(2.0),
                row - 8.0
            );
        }
        if let Some(d) = f.deadline.filter(|_| ticks) {
            let dx = x(d);
            let _ = writeln!(
                out,
                "<line class=\"deadline\" x1=\"{dx:.1}\" x2=\"{dx:.1}\" y1=\"{:.1}\" y2=\"{:.1}\"/>",
                y + 2.0,
                y + row - 2.0
            );
        }
        for e in f.evidence.iter().take(SHOWN.evidence) {
            let _ = writeln!(
                out,
                "<circle class=\"mark {class}\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"5\"><title>{} {} at {}</title></circle>",
                x(e.time),
                y + row / 2.0,
                esc(&e.kind),
                esc(&self.fields_text(e)),
                format_timestamp(e.time)
            );
        }
        out.push_str("</g>\n");
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

/// Orders verdicts from the worst: violated first.
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
