//! The time lines of the HTML report, all on one time axis shared by the
//! whole report (issue 16): a lane per instance with findings, each
//! finding's window or span to its deadline as a band, its deadline as a
//! tick and its evidence as marks; for a rate or aggregate rule, a bar
//! chart of its series with the threshold. Drawn in SVG at the full span
//! (the page reads without its script); each element carries its times
//! (`data-a`, `data-b`, milliseconds since 1970) so that the script can
//! zoom and pan every time line together, with ticks of the calendar at
//! every level (`ticks` below). Values escaped, coordinates numbers.

use super::html::Out;
use super::{Axis, Shown, VerifyReport};
use crate::eval::time::Time;
use crate::eval::{Finding, InstanceResult, RuleResult, Series};
use crate::verdict::Verdict;

/// Lanes (instances with findings, or with series) drawn on a rule's timeline.
const DRAWN_LANES: usize = 24;
/// Findings drawn on each lane.
const DRAWN_FINDINGS: usize = 200;
/// Slices of a series drawn one by one; a longer series is drawn run by
/// run (slices in a row with the same value as one bar).
const DRAWN_SLICES: u64 = 3_000;
/// Evidence marks drawn per finding, as the HTML report lists them.
const SHOWN: Shown = Shown::HTML;
/// The drawing's width and margins, in SVG units.
const WIDTH: f64 = 880.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 12.0;
const ROW: f64 = 26.0;
const CHART: f64 = 72.0;

/// Where a time falls on a time line whose plot starts at `left`.
fn axis_x(axis: &Axis, left: f64, t: Time) -> f64 {
    let span = (axis.end - axis.start).num_milliseconds().max(1) as f64;
    left + (t - axis.start).num_milliseconds() as f64 / span * (WIDTH - left - RIGHT)
}

/// The start of a rectangle over the times `a` to `b` (`<rect class="t
/// CLASS [VERDICT]" data-a data-b x y width height`, the tag left open),
/// at least `least` wide: the script moves it with the zoom.
fn timed_rect(
    out: &mut Out,
    class: &'static str,
    verdict: Option<Verdict>,
    (a, b): (Time, Time),
    x: &dyn Fn(Time) -> f64,
    (y, height, least): (f64, f64, f64),
) {
    out.raw("<rect class=\"t ").raw(class);
    if let Some(verdict) = verdict {
        out.raw(" ").safe(verdict);
    }
    out.raw("\" data-a=\"")
        .safe(ms(a))
        .raw("\" data-b=\"")
        .safe(ms(b))
        .raw("\" x=\"")
        .fixed(x(a), 2)
        .raw("\" y=\"")
        .fixed(y, 1)
        .raw("\" width=\"")
        .fixed((x(b) - x(a)).max(least), 2)
        .raw("\" height=\"")
        .fixed(height, 1)
        .raw("\"");
}

/// Milliseconds since 1970, as the script reads times.
fn ms(t: Time) -> i64 {
    t.timestamp_millis()
}

impl VerifyReport<'_> {
    /// The times a rule's time line draws.
    fn rule_times(&self, result: &RuleResult) -> Vec<Time> {
        let mut times = Vec::new();
        for instance in lanes(result).into_iter().take(DRAWN_LANES) {
            if let Some(series) = &instance.series {
                times.extend(series.slices().next().and_then(|s| s.start));
                times.extend(series.end());
            }
            for f in drawn(instance) {
                times.extend(f.decided_at);
                times.extend(f.deadline);
                if let Some((s, e)) = f.window {
                    times.extend(s);
                    times.extend(e);
                }
                times.extend(f.evidence.iter().take(SHOWN.evidence).map(|e| e.time));
                times.extend(f.evidence.iter().take(SHOWN.evidence).map(|e| e.until));
            }
        }
        times
    }

    /// The axis every time line of the report shares: from the earliest
    /// time any of them draws to the latest, the horizon and the span of
    /// the observations judged included, with a margin.
    pub(super) fn html_axis(&self) -> Option<Axis> {
        let mut times: Vec<Time> = self.evaluation.horizon.into_iter().collect();
        times.extend(self.read.earliest);
        times.extend(self.read.latest);
        for result in &self.evaluation.rules {
            times.extend(self.rule_times(result));
        }
        let (first, last) = (*times.iter().min()?, *times.iter().max()?);
        // A day either side of a single instant, so that it has room.
        let pad = if first == last {
            chrono::TimeDelta::days(1)
        } else {
            (last - first) / 40
        };
        Some(Axis {
            start: first - pad,
            end: last + pad,
        })
    }

    /// The ticks of the calendar over the axis, at every level the span
    /// allows (years, months, weeks, days, hours), as JSON for the script:
    /// `[[ms, "label", level], ...]`, levels from 0 (years) to 4 (hours).
    pub(super) fn html_ticks(&self, axis: &Axis) -> Vec<(i64, String, u8)> {
        let calendar = self.model.days();
        let mut out = Vec::new();
        let (first, last) = (calendar.date(axis.start), calendar.date(axis.end));
        let days = (last - first).num_days();
        // Each level lists its ticks when there are not too many of them.
        let mut push = |t: Time, label: String, level: u8| {
            if t >= axis.start && t <= axis.end {
                out.push((ms(t), label, level));
            }
        };
        let mut year = chrono::Datelike::year(&first);
        while let Some(date) = chrono::NaiveDate::from_ymd_opt(year, 1, 1) {
            if date > last {
                break;
            }
            push(calendar.midnight(date), date.format("%Y").to_string(), 0);
            year += 1;
        }
        if days <= 366 * 200 {
            let mut date = crate::time::Calendar::first_of_month(first);
            while date <= last {
                push(calendar.midnight(date), date.format("%Y-%m").to_string(), 1);
                date = date
                    .checked_add_months(chrono::Months::new(1))
                    .unwrap_or(chrono::NaiveDate::MAX);
            }
        }
        if days <= 7 * 3_000 {
            let mut date = crate::time::Calendar::monday(first);
            while date <= last {
                push(calendar.midnight(date), date.format("%Y-%m-%d").to_string(), 2);
                date += chrono::TimeDelta::days(7);
            }
        }
        if days <= 3_000 {
            let mut date = first;
            while date <= last {
                push(calendar.midnight(date), date.format("%Y-%m-%d").to_string(), 3);
                date += chrono::TimeDelta::days(1);
            }
        }
        if days <= 120 {
            let mut date = first;
            while date <= last {
                for hour in 0..24 {
                    let local = date.and_hms_opt(hour, 0, 0).unwrap_or_default();
                    let t = calendar.resolve_forward(local);
                    if calendar.local(t) == local {
                        push(t, local.format("%Y-%m-%d %H:%M").to_string(), 4);
                    }
                }
                date += chrono::TimeDelta::days(1);
            }
        }
        out
    }

    /// A time for a tooltip: in the rule set's calendar with UTC beside it,
    /// or in UTC.
    fn hover(&self, t: Time) -> String {
        match self.model.calendar {
            Some(calendar) => format!(
                "{} {} ({})",
                calendar.local(t).format("%Y-%m-%d %H:%M"),
                calendar.name(),
                crate::time::format_timestamp(t)
            ),
            None => crate::time::format_timestamp(t),
        }
    }

    /// A rule's time line on the report's axis: a chart of the series for
    /// a rate or aggregate rule, else a lane per instance with findings. A
    /// rule without findings gets a band showing the span of the
    /// observations judged.
    pub(super) fn html_timeline(
        &self,
        out: &mut Out,
        result: &RuleResult,
        axis: Option<&Axis>,
        ticks: &[(i64, String, u8)],
    ) {
        let lanes = lanes(result);
        let drawn_lanes = &lanes[..lanes.len().min(DRAWN_LANES)];
        let charts = drawn_lanes.iter().any(|i| i.series.is_some());
        let labelled = drawn_lanes.iter().any(|i| !i.bindings.is_empty());
        let left = if labelled { 130.0 } else { 16.0 };
        let row = if charts { CHART } else { ROW };
        let rows = drawn_lanes.len().max(1) as f64;
        let height = TOP + rows * row + 44.0;
        let Some(axis) = axis else {
            out.raw("<figure class=\"timeline\"><svg class=\"timeline\" viewBox=\"0 0 ")
                .safe(WIDTH)
                .raw(" 40\" role=\"img\" aria-label=\"no times to draw\"><text class=\"label\" x=\"")
                .safe(left)
                .raw("\" y=\"24\">no observations and no horizon: nothing to draw</text></svg></figure>\n");
            return;
        };
        let x = |t: Time| axis_x(axis, left, t);
        out.raw("<figure class=\"timeline\"><svg class=\"timeline zoomable\" viewBox=\"0 0 ")
            .safe(WIDTH)
            .raw(" ")
            .safe(height)
            .raw("\" data-left=\"")
            .safe(left)
            .raw("\" data-right=\"")
            .safe(RIGHT)
            .raw("\" role=\"img\" aria-label=\"timeline of ")
            .text(&self.model.rules[result.rule].id)
            .raw(" from ")
            .text(&self.time(axis.start))
            .raw(" to ")
            .text(&self.time(axis.end))
            .raw("\">\n")
            // The plot in a nested drawing of the same coordinates, which
            // hides what a zoom moves past its edges.
            .raw("<svg class=\"plot\" x=\"")
            .safe(left)
            .raw("\" y=\"0\" width=\"")
            .fixed(WIDTH - left - RIGHT, 1)
            .raw("\" height=\"")
            .safe(height)
            .raw("\" viewBox=\"")
            .safe(left)
            .raw(" 0 ")
            .fixed(WIDTH - left - RIGHT, 1)
            .raw(" ")
            .safe(height)
            .raw("\" preserveAspectRatio=\"none\">\n");
        if drawn_lanes.is_empty()
            && let (Some(a), Some(b)) = (self.read.earliest, self.read.latest)
        {
            timed_rect(out, "observed", None, (a, b), &x, (TOP + 3.0, row - 6.0, 2.0));
            out.raw(" rx=\"3\"><title>observations judged: ")
                .text(&self.hover(a))
                .raw(" to ")
                .text(&self.hover(b))
                .raw("</title></rect>\n");
        }
        for (lane, instance) in drawn_lanes.iter().enumerate() {
            let y = TOP + lane as f64 * row;
            match &instance.series {
                Some(series) => self.html_series_chart(out, series, y, &x),
                None => {
                    let findings = drawn(instance);
                    // Deadline ticks only where there is room for them.
                    let ticks = findings.len() <= 50;
                    for f in findings {
                        self.html_finding_marks(out, f, y, ticks, &x);
                    }
                }
            }
        }
        let axis_y = TOP + rows * row + 6.0;
        if let Some(h) = self.evaluation.horizon {
            let hx = x(h);
            out.raw("<line class=\"horizon t\" data-a=\"")
                .safe(ms(h))
                .raw("\" x1=\"")
                .fixed(hx, 1)
                .raw("\" x2=\"")
                .fixed(hx, 1)
                .raw("\" y1=\"")
                .fixed(TOP - 6.0, 1)
                .raw("\" y2=\"")
                .fixed(axis_y, 1)
                .raw("\"><title>horizon: ")
                .text(&self.hover(h))
                .raw("</title></line>\n");
        }
        out.raw("</svg>\n");
        // Lane labels, outside the plot.
        if labelled {
            for (lane, instance) in drawn_lanes.iter().enumerate() {
                let y = TOP + lane as f64 * row;
                out.raw("<text class=\"label lane\" x=\"")
                    .fixed(left - 8.0, 1)
                    .raw("\" y=\"")
                    .fixed(y + row / 2.0 + 4.0, 1)
                    .raw("\" text-anchor=\"end\">")
                    .text(&self.bindings_text(instance))
                    .raw("</text>\n");
            }
        }
        out.raw("<line class=\"axis\" x1=\"")
            .safe(left)
            .raw("\" x2=\"")
            .fixed(WIDTH - RIGHT, 1)
            .raw("\" y1=\"")
            .fixed(axis_y, 1)
            .raw("\" y2=\"")
            .fixed(axis_y, 1)
            .raw("\"/>\n<g class=\"ticks\" data-y1=\"")
            .safe(TOP)
            .raw("\" data-y2=\"")
            .fixed(axis_y, 1)
            .raw("\">\n");
        // The calendar's ticks at the finest level that fits the full span.
        for (t, label) in visible_ticks(ticks, ms(axis.start), ms(axis.end)) {
            let tx = axis_x(
                axis,
                left,
                chrono::DateTime::from_timestamp_millis(t).unwrap_or(axis.start),
            );
            out.raw("<g class=\"tick\"><line x1=\"")
                .fixed(tx, 1)
                .raw("\" x2=\"")
                .fixed(tx, 1)
                .raw("\" y1=\"")
                .safe(TOP)
                .raw("\" y2=\"")
                .fixed(axis_y, 1)
                .raw("\"/><text x=\"")
                .fixed(tx, 1)
                .raw("\" y=\"")
                .fixed(axis_y + 16.0, 1)
                .raw("\" text-anchor=\"middle\">")
                .text(label)
                .raw("</text></g>\n");
        }
        out.raw("</g>\n");
        if let Some(h) = self.evaluation.horizon
            && h >= axis.start
        {
            out.raw("<text class=\"label horizon-label t\" data-a=\"")
                .safe(ms(h))
                .raw("\" x=\"")
                .fixed(x(h), 1)
                .raw("\" y=\"")
                .fixed(axis_y + 32.0, 1)
                .raw("\" text-anchor=\"end\">horizon</text>\n");
        }
        out.raw("</svg>");
        self.html_timeline_caption(out, result, &lanes, drawn_lanes);
        out.raw("</figure>\n");
    }

    fn html_timeline_caption(
        &self,
        out: &mut Out,
        result: &RuleResult,
        lanes: &[&InstanceResult],
        drawn_lanes: &[&InstanceResult],
    ) {
        let findings: usize = lanes.iter().map(|i| i.findings.len()).sum();
        let shown: usize = drawn_lanes
            .iter()
            .filter(|i| i.series.is_none())
            .map(|i| drawn(i).len())
            .sum();
        let listed: usize = drawn_lanes
            .iter()
            .filter(|i| i.series.is_none())
            .map(|i| i.findings.len())
            .sum();
        if drawn_lanes.is_empty() {
            let message = match result.verdict {
                Verdict::Satisfied => "No violated or pending findings up to the horizon",
                Verdict::Vacuous => "Nothing to judge: the rule did not apply",
                _ => "No findings to draw",
            };
            out.raw("<figcaption>")
                .raw(message)
                .raw("; the band spans the observations judged.</figcaption>");
            return;
        }
        let mut caption: Vec<Out> = Vec::new();
        if drawn_lanes.iter().any(|i| i.series.is_some()) {
            let mut sentence = Out::new();
            sentence.raw(
                "Bars: each slice's value (the lighter part: what uncertain evidence may add), \
                 coloured by its verdict; the line: the threshold.",
            );
            if drawn_lanes
                .iter()
                .filter_map(|i| i.series.as_ref())
                .any(|s| s.len() > DRAWN_SLICES)
            {
                sentence.raw(" Long series are drawn run by run: slices in a row with the same value as one bar.");
            }
            caption.push(sentence);
        }
        if shown < listed {
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
                .raw(" instances are drawn.");
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

    /// A series as bars on its lane: each slice (or run of equal slices)
    /// from 0 to its value, the part uncertain evidence may add lighter, a
    /// strip under it coloured by its verdict, and the threshold as a line.
    fn html_series_chart(&self, out: &mut Out, series: &Series, y: f64, x: &dyn Fn(Time) -> f64) {
        let number = crate::number::approximate;
        let top = series
            .runs
            .iter()
            .flat_map(|r| [r.value.map(|v| number(v.1)), r.threshold.map(|t| number(t.1))])
            .flatten()
            .fold(0.0, f64::max)
            .max(1.0);
        let (base, height) = (y + CHART - 10.0, CHART - 18.0);
        let h = |v: f64| (v.max(0.0) / top * height).min(height);
        let one_by_one = series.len() <= DRAWN_SLICES;
        let mut draw = |start: Option<Time>, end: Option<Time>, run: &crate::eval::SeriesRun| {
            let (Some(a), Some(b)) = (start, end) else { return };
            let verdict = run.verdict.map_or("partial", |v| v.as_str());
            let (low, high) = run.value.map_or((0.0, 0.0), |(l, h)| (number(l), number(h)));
            let title = format!(
                "{} to {}: {} {}{}",
                self.hover(a),
                self.hover(b),
                super::range_text(run.value),
                verdict,
                run.partial.map(|p| format!(" ({p})")).unwrap_or_default()
            );
            out.raw("<g class=\"slice ")
                .raw(verdict)
                .raw("\"><title>")
                .text(&title)
                .raw("</title>");
            for (class, value_from, value_to) in [("bar", 0.0, low), ("bar maybe", low, high)] {
                if value_to > value_from {
                    let (top, height) = (base - h(value_to), h(value_to) - h(value_from));
                    timed_rect(out, class, None, (a, b), x, (top, height, 0.5));
                    out.raw("/>");
                }
            }
            timed_rect(out, "strip", None, (a, b), x, (base + 2.0, 4.0, 0.5));
            out.raw("/>");
            if let Some((_, threshold)) = run.threshold {
                let ty = base - h(number(threshold));
                out.raw("<line class=\"t threshold\" data-a=\"")
                    .safe(ms(a))
                    .raw("\" data-b=\"")
                    .safe(ms(b))
                    .raw("\" x1=\"")
                    .fixed(x(a), 2)
                    .raw("\" x2=\"")
                    .fixed(x(b), 2)
                    .raw("\" y1=\"")
                    .fixed(ty, 1)
                    .raw("\" y2=\"")
                    .fixed(ty, 1)
                    .raw("\"/>");
            }
            out.raw("</g>\n");
        };
        if one_by_one {
            for slice in series.slices() {
                draw(slice.start, slice.end, &slice.run);
            }
        } else {
            for run in &series.runs {
                let (start, end) = series.run_bounds(&run);
                draw(start, end, &run);
            }
        }
        // The value axis: 0 and the largest value drawn.
        out.raw("<text class=\"label scale\" x=\"")
            .fixed(WIDTH - RIGHT - 2.0, 1)
            .raw("\" y=\"")
            .fixed(base - height + 8.0, 1)
            .raw("\" text-anchor=\"end\">")
            .text(&crate::number::show(
                crate::number::parse(&format!("{top}")).unwrap_or(crate::number::Decimal::ONE),
            ))
            .raw("</text>\n");
    }

    /// One finding on its lane: band, deadline tick and evidence marks.
    fn html_finding_marks(&self, out: &mut Out, f: &Finding, y: f64, ticks: bool, x: &dyn Fn(Time) -> f64) {
        let horizon = self.evaluation.horizon;
        let band_start = f
            .window
            .and_then(|w| w.0)
            .or_else(|| f.evidence.iter().map(|e| e.time).min());
        let band_end = f.window.and_then(|w| w.1).or(f.deadline).or(f.decided_at).or(horizon);
        out.raw("<g class=\"finding\"><title>")
            .text(&f.reason)
            .raw("</title>\n");
        if let (Some(a), Some(b)) = (band_start, band_end) {
            let (a, b) = (a.min(b), a.max(b));
            timed_rect(out, "band", Some(f.verdict), (a, b), x, (y + 4.0, ROW - 8.0, 2.0));
            out.raw(" rx=\"3\"/>\n");
        }
        if let Some(d) = f.deadline.filter(|_| ticks) {
            let dx = x(d);
            out.raw("<line class=\"deadline t\" data-a=\"")
                .safe(ms(d))
                .raw("\" x1=\"")
                .fixed(dx, 1)
                .raw("\" x2=\"")
                .fixed(dx, 1)
                .raw("\" y1=\"")
                .fixed(y + 2.0, 1)
                .raw("\" y2=\"")
                .fixed(y + ROW - 2.0, 1)
                .raw("\"><title>deadline: ")
                .text(&self.hover(d))
                .raw("</title></line>\n");
        }
        for e in f.evidence.iter().take(SHOWN.evidence) {
            // A time known only to a range is drawn as a bar over it.
            if e.is_range() {
                out.raw("<line class=\"range t ")
                    .safe(f.verdict)
                    .raw("\" data-a=\"")
                    .safe(ms(e.time))
                    .raw("\" data-b=\"")
                    .safe(ms(e.until))
                    .raw("\" x1=\"")
                    .fixed(x(e.time), 1)
                    .raw("\" x2=\"")
                    .fixed(x(e.until).max(x(e.time) + 1.0), 1)
                    .raw("\" y1=\"")
                    .fixed(y + ROW / 2.0, 1)
                    .raw("\" y2=\"")
                    .fixed(y + ROW / 2.0, 1)
                    .raw("\"><title>")
                    .text(&e.kind)
                    .raw(" ")
                    .text(&e.dated())
                    .raw("</title></line>\n");
            }
            // One that may not have happened is drawn hollow.
            let doubt = if e.meets_evidence == Some(false) { " doubt" } else { "" };
            out.raw("<circle class=\"mark t ")
                .safe(f.verdict)
                .raw(doubt)
                .raw("\" data-a=\"")
                .safe(ms(e.time))
                .raw("\" cx=\"")
                .fixed(x(e.time), 1)
                .raw("\" cy=\"")
                .fixed(y + ROW / 2.0, 1)
                .raw("\" r=\"4\"><title>")
                .text(&e.kind)
                .raw(" ")
                .text(&self.fields_text(e))
                .raw(" ")
                .text(&e.dated())
                .raw(" (")
                .text(&self.hover(e.time))
                .raw(")</title></circle>\n");
        }
        out.raw("</g>\n");
    }
}

/// The instances a rule's time line draws: those with a series (the ones
/// with findings first), else those with findings.
fn lanes(result: &RuleResult) -> Vec<&InstanceResult> {
    let with_series: Vec<&InstanceResult> = result.instances.iter().filter(|i| i.series.is_some()).collect();
    if with_series.is_empty() {
        return result.instances.iter().filter(|i| !i.findings.is_empty()).collect();
    }
    let (mut failed, rest): (Vec<_>, Vec<_>) = with_series.into_iter().partition(|i| !i.findings.is_empty());
    failed.extend(rest);
    failed
}

/// The ticks between `a` and `b`: of the finest level that has two to nine
/// there, else every n-th of the coarsest level that has two or more,
/// else whatever single tick there is.
fn visible_ticks(ticks: &[(i64, String, u8)], a: i64, b: i64) -> Vec<(i64, &str)> {
    let level = |level: u8| -> Vec<(i64, &str)> {
        ticks
            .iter()
            .filter(|(t, _, l)| *l == level && *t >= a && *t <= b)
            .map(|(t, label, _)| (*t, label.as_str()))
            .collect()
    };
    let levels: Vec<Vec<(i64, &str)>> = (0..=4u8).map(level).collect();
    if let Some(fits) = levels.iter().rev().find(|l| (2..=9).contains(&l.len())) {
        return fits.clone();
    }
    if let Some(many) = levels.iter().find(|l| l.len() >= 2) {
        let step = many.len().div_ceil(9).max(1);
        return many.iter().copied().step_by(step).collect();
    }
    levels.into_iter().find(|l| !l.is_empty()).unwrap_or_default()
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
