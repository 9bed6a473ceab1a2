//! Aggregate constraints (`count`, `sum`, arithmetic) over a window, or over
//! each tumbling slice of it with `per D`. `at least` and `at most` are
//! counts compared with a number.
//!
//! Under uncertainty (LANGUAGE-v2 §9.3) every count and sum is a range: the
//! low end adds what certainly exists and certainly lies inside (and the
//! negative values of what only may), the high end adds what may. Ranges
//! combine by interval arithmetic, and a comparison holds (yes) when it
//! holds for every pair of values, fails (no) when it holds for none.

use super::absence::describe;
use super::contract::{Ctx, Findings, Monitor, Outcome, finding, finding_among, reach};
use super::doubt::{doubt, listed};
use crate::check::Model;
use crate::check::model::{ArithOp, CmpOp, Expr, FieldId, Pattern};
use crate::check::walk;
use crate::eval::result::{Counts, Evidence, Runs, Series, SeriesRun};
use crate::eval::time::{Interval, Slices, Step, Time, When, at_or_before};
use crate::eval::truth::Truth;
use crate::log::{FieldValue, Observation};
use crate::number::{Decimal, show, whole};
use crate::time::{Duration, format_timestamp};
use crate::verdict::Verdict;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Observations listed as evidence of a total: the first few, the rest
/// counted. A total is decided by all of them alike.
const SHOWN: usize = 10;

/// What a leaf of the expression adds up for each matching observation.
#[derive(Clone, Copy, Debug)]
enum Leaf {
    Count,
    Sum(FieldId),
}

/// The aggregates of an expression, left to right, with their patterns.
fn leaves(expr: &Expr) -> Vec<(&Pattern, Leaf)> {
    expr.aggregates()
        .into_iter()
        .map(|a| match a {
            walk::Aggregate::Count(p) => (p, Leaf::Count),
            walk::Aggregate::Sum(f, p) => (p, Leaf::Sum(f)),
        })
        .collect()
}

/// A value known to lie in `[low, high]`; an end is `None` once it went
/// past the range of exact numbers.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Range {
    low: Option<Decimal>,
    high: Option<Decimal>,
}

impl Range {
    const ZERO: Range = Range {
        low: Some(Decimal::ZERO),
        high: Some(Decimal::ZERO),
    };

    fn exact(x: Decimal) -> Range {
        Range {
            low: Some(x),
            high: Some(x),
        }
    }

    /// Both ends, if neither went past the range.
    fn ends(self) -> Option<(Decimal, Decimal)> {
        self.low.zip(self.high)
    }

    /// With one observation's `(low, high)` added to each end.
    #[inline]
    fn with(self, (low, high): (Decimal, Decimal)) -> Range {
        // An exact total and a value that certainly counts: one addition.
        if low == high && self.low == self.high {
            let sum = self.low.and_then(|t| crate::number::add(t, low));
            return Range { low: sum, high: sum };
        }
        self.plus(Range {
            low: Some(low),
            high: Some(high),
        })
    }

    /// Without one observation's `(low, high)`, taken from each end.
    fn without(self, (low, high): (Decimal, Decimal)) -> Range {
        let sub = |a: Option<Decimal>, b: Decimal| a.and_then(|a| crate::number::sub(a, b));
        Range {
            low: sub(self.low, low),
            high: sub(self.high, high),
        }
    }

    fn plus(self, other: Range) -> Range {
        let add = |a: Option<Decimal>, b: Option<Decimal>| a.zip(b).and_then(|(a, b)| crate::number::add(a, b));
        Range {
            low: add(self.low, other.low),
            high: add(self.high, other.high),
        }
    }

    fn minus(self, other: Range) -> Range {
        let sub = |a: Option<Decimal>, b: Option<Decimal>| a.zip(b).and_then(|(a, b)| crate::number::sub(a, b));
        Range {
            low: sub(self.low, other.high),
            high: sub(self.high, other.low),
        }
    }

    fn times(self, other: Range) -> Range {
        let (Some((a, b)), Some((c, d))) = (self.ends(), other.ends()) else {
            return Range { low: None, high: None };
        };
        let products = [(a, c), (a, d), (b, c), (b, d)].map(|(x, y)| crate::number::mul(x, y));
        if products.iter().any(Option::is_none) {
            return Range { low: None, high: None };
        }
        let products = products.map(|p| p.unwrap_or_default());
        Range {
            low: products.iter().copied().min(),
            high: products.iter().copied().max(),
        }
    }

    /// "12", or "between 4 and 34".
    fn text(self) -> String {
        match self.ends() {
            Some((low, high)) if low == high => show(low),
            Some((low, high)) => format!("between {} and {}", show(low), show(high)),
            None => "past the range of exact numbers".to_string(),
        }
    }
}

/// `l OP r` for every pair of values (yes), for none (no), or some.
fn compare(l: (Decimal, Decimal), op: CmpOp, r: (Decimal, Decimal)) -> Truth {
    let ((l0, l1), (r0, r1)) = (l, r);
    let answer = |all: bool, none: bool| {
        if all {
            Truth::Yes
        } else if none {
            Truth::No
        } else {
            Truth::Unknown
        }
    };
    match op {
        CmpOp::Ge => answer(l0 >= r1, l1 < r0),
        CmpOp::Gt => answer(l0 > r1, l1 <= r0),
        CmpOp::Le => answer(l1 <= r0, l0 > r1),
        CmpOp::Lt => answer(l1 < r0, l0 >= r1),
        CmpOp::Eq => answer(l0 == l1 && r0 == r1 && l0 == r0, l1 < r0 || l0 > r1),
        CmpOp::Ne => answer(l1 < r0 || l0 > r1, l0 == l1 && r0 == r1 && l0 == r0),
    }
}

/// What one observation adds to a leaf: `(low, high)`. What certainly
/// counts adds its value to both ends; what only may adds a negative value
/// to the low end, a positive one to the high end.
fn leaf_add(leaf: Leaf, o: &Observation, certain: bool) -> (Decimal, Decimal) {
    let v = match leaf {
        Leaf::Count => Decimal::ONE,
        Leaf::Sum(field) => match o.field(field) {
            Some(FieldValue::Int(n)) => whole(*n),
            Some(FieldValue::Number(x)) => *x,
            _ => Decimal::ZERO,
        },
    };
    if certain {
        (v, v)
    } else if v < Decimal::ZERO {
        (v, Decimal::ZERO)
    } else {
        (Decimal::ZERO, v)
    }
}

/// What one observation adds to each leaf.
fn contribution(leaves: &[Leaf], o: &Observation, slots: &[u32], certain: bool) -> Vec<(Decimal, Decimal)> {
    let mut add = vec![(Decimal::ZERO, Decimal::ZERO); leaves.len()];
    for &slot in slots {
        if let Some(leaf) = leaves.get(slot as usize) {
            add[slot as usize] = leaf_add(*leaf, o, certain);
        }
    }
    add
}

/// An observation kept to be shown as evidence, made into [`Evidence`]
/// only if a finding shows it: most slices hold, and building evidence for
/// the first few observations of every slice cost more than judging them.
#[derive(Clone, Debug)]
struct Noted {
    observation: Observation,
    /// Whether it meets the rule's standard, when that is worth saying.
    meets: Option<bool>,
}

impl Noted {
    fn new(ctx: &Ctx, observation: &Observation, certain: bool) -> Self {
        Noted {
            observation: observation.clone(),
            meets: ctx.meets(observation, certain),
        }
    }

    fn evidence(&self, model: &crate::check::Model) -> Evidence {
        Evidence::of(model, &self.observation, self.meets)
    }
}

/// The evidence of the noted observations.
fn shown(model: &crate::check::Model, noted: &[Noted]) -> Vec<Evidence> {
    noted.iter().map(|n| n.evidence(model)).collect()
}

/// Running totals of each aggregate, with the observations that made them.
#[derive(Clone, Debug, Default)]
struct Totals {
    /// Each leaf's total, but for `whole`.
    values: Vec<Range>,
    /// Whole numbers that certainly count (counts, `int` fields), added up
    /// as integers and joined to `values` when read: the exact path of a
    /// log does no decimal arithmetic per observation.
    whole: Vec<i128>,
    /// Observations that certainly count.
    observations: u64,
    evidence: Vec<Noted>,
    /// Observations that may count.
    maybe: u64,
    maybe_evidence: Vec<Evidence>,
}

impl Totals {
    fn new(leaves: usize) -> Self {
        Totals {
            values: vec![Range::ZERO; leaves],
            whole: vec![0; leaves],
            ..Totals::default()
        }
    }

    /// Adds what an observation matching `slots` adds to each leaf.
    fn add(&mut self, leaves: &[Leaf], o: &Observation, slots: &[u32], certain: bool) {
        for &slot in slots {
            let slot = slot as usize;
            let (Some(leaf), Some(total), Some(whole)) =
                (leaves.get(slot), self.values.get_mut(slot), self.whole.get_mut(slot))
            else {
                continue;
            };
            let n = match (certain, *leaf) {
                (true, Leaf::Count) => Some(1),
                (true, Leaf::Sum(field)) => match o.field(field) {
                    Some(FieldValue::Int(n)) => Some(i128::from(*n)),
                    None => Some(0),
                    _ => None,
                },
                _ => None,
            };
            match n.and_then(|n| whole.checked_add(n)) {
                Some(sum) => *whole = sum,
                None => *total = total.with(leaf_add(*leaf, o, certain)),
            }
        }
    }

    /// Leaf `i`'s total.
    fn value(&self, i: usize) -> Range {
        let range = self.values.get(i).copied().unwrap_or(Range::ZERO);
        match self.whole.get(i) {
            None | Some(0) => range,
            Some(&n) => match Decimal::try_from_i128_with_scale(n, 0) {
                Ok(n) => range.with((n, n)),
                Err(_) => Range { low: None, high: None },
            },
        }
    }

    /// Every leaf's total.
    fn ranges(&self) -> Vec<Range> {
        (0..self.values.len()).map(|i| self.value(i)).collect()
    }

    /// Counts an observation, and keeps it to be shown while `shown`: a
    /// finding may still be listed (a rule's findings, once full, never
    /// list another, so what certainly counts need not be kept then).
    fn note(&mut self, ctx: &Ctx, o: &Observation, (certain_exists, counts_for_sure): (bool, bool), shown: bool) {
        if counts_for_sure {
            self.observations += 1;
            if shown && self.evidence.len() < ctx.max_evidence.min(SHOWN) {
                self.evidence.push(Noted::new(ctx, o, certain_exists));
            }
        } else {
            self.maybe += 1;
            if self.maybe_evidence.len() < ctx.max_evidence.min(SHOWN) {
                self.maybe_evidence.push(ctx.evidence(o, certain_exists));
            }
        }
    }

    /// Empties the totals for the next slice, keeping their storage.
    fn reset(&mut self, leaves: usize) {
        self.values.clear();
        self.values.resize(leaves, Range::ZERO);
        self.whole.clear();
        self.whole.resize(leaves, 0);
        self.observations = 0;
        self.evidence.clear();
        self.maybe = 0;
        self.maybe_evidence.clear();
    }

    /// The lone count (the first leaf).
    fn count(&self) -> Range {
        self.value(0)
    }
}

/// An observation that may count in several slices (a range, or one that
/// only possibly exists): what it adds, and the last slice it may lie in.
struct Spread {
    adds: Vec<(Decimal, Decimal)>,
    evidence: Evidence,
}

pub(crate) struct Aggregate {
    /// What the day, week or month cut by the window's start held, and
    /// its values.
    first_cut: Option<(String, Range, Range)>,
    /// The slices judged and not judged so far (issue 16), in runs.
    series: Runs,
    /// The hours of each day the window is restricted to (`daily`).
    daily: Option<(crate::time::DailyHours, crate::time::Calendar)>,
    lhs: Expr,
    op: CmpOp,
    rhs: Expr,
    leaves: Vec<Leaf>,
    lhs_text: String,
    rhs_text: String,
    per: Option<Duration>,
    window: Option<Interval>,
    /// A lone `count(P)` compared with a constant, in any spelling, as
    /// `count(P) OP N`: decided as soon as it holds (`>=`, `>`) or fails
    /// (`<=`, `<`) on the certain count.
    early_bound: Option<(CmpOp, Decimal)>,
    /// An arithmetic result past the range of exact numbers, where it happened.
    overflow: Option<String>,
    early: Option<(Verdict, Option<Time>, Totals)>,
    /// Totals of the whole window, or of the current slice.
    totals: Totals,
    /// With `per`: the slices, the current slice, and the first slice not yet judged.
    slices: Option<Slices>,
    current: Option<i64>,
    /// With `per`: the slice found last and its bounds (see [`Slices::index_from`]).
    cursor: Option<(i64, Time, Time)>,
    /// With `per` and a window without an end: the first slice found to
    /// lie inside the window, after which every slice does (a slice starts
    /// later than the one before), so that their membership is not worked
    /// out again one by one.
    inside_from: std::cell::Cell<Option<i64>>,
    /// Totals of nothing, for slices that hold no observation of their own.
    empty: Totals,
    next: i64,
    /// With `per`: observations that may count in more than one slice,
    /// by the last slice they reach, and what they add to each.
    spread: Vec<Spread>,
    ends: BinaryHeap<Reverse<(i64, usize)>>,
    spread_totals: Vec<Range>,
    free: Vec<usize>,
    /// With `per`: whether some judged slice is violated (yes), may be, or not.
    violated: Truth,
    counts: Counts,
    findings: Findings,
}

impl Aggregate {
    pub fn new(
        model: &Model,
        (lhs, op, rhs): (&Expr, CmpOp, &Expr),
        per: Option<Duration>,
        (window, daily): (Option<Interval>, Option<crate::time::DailyHours>),
        findings: Findings,
    ) -> Self {
        let daily = daily.map(|d| (d, model.days()));
        let leaves: Vec<Leaf> = leaves(lhs).into_iter().chain(leaves(rhs)).map(|(_, l)| l).collect();
        let early_bound = match (lhs, rhs) {
            _ if per.is_some() => None,
            (Expr::Count(_), _) => constant(rhs).flatten().map(|n| (op, n)),
            (_, Expr::Count(_)) => constant(lhs).flatten().map(|n| (flipped(op), n)),
            _ => None,
        }
        .filter(|(op, _)| matches!(op, CmpOp::Ge | CmpOp::Gt | CmpOp::Le | CmpOp::Lt));
        // Slices are cut from the earliest possible start (LANGUAGE-v2 §9.4).
        let slices = match (&per, window.and_then(|w| w.start_time())) {
            (Some(d), Some(s)) => Some(match d.unit() {
                Some(unit) => Slices::aligned(s, model.days(), unit),
                None => Slices::new(s, Step::of(model.days(), d)),
            }),
            _ => None,
        };
        Aggregate {
            first_cut: None,
            series: Runs::default(),
            daily,
            lhs: lhs.clone(),
            op,
            rhs: rhs.clone(),
            lhs_text: text(model, lhs),
            rhs_text: text(model, rhs),
            totals: Totals::new(leaves.len()),
            empty: Totals::new(leaves.len()),
            spread_totals: vec![Range::ZERO; leaves.len()],
            leaves,
            per,
            window,
            early_bound,
            overflow: None,
            early: None,
            slices,
            current: None,
            cursor: None,
            inside_from: std::cell::Cell::new(None),
            next: 0,
            spread: Vec::new(),
            ends: BinaryHeap::new(),
            free: Vec::new(),
            violated: Truth::No,
            counts: Counts::default(),
            findings,
        }
    }

    /// `lhs OP rhs` for these totals, with both sides' values; a side past
    /// the range of exact numbers is noted as an overflow and the
    /// comparison fails (the run then fails, with the rule named).
    fn judge(&mut self, totals: &[Range], at: impl FnOnce() -> Option<Time>) -> (Truth, Range, Range) {
        let mut leaf = 0;
        let lhs = value(&self.lhs, totals, &mut leaf);
        let rhs = value(&self.rhs, totals, &mut leaf);
        match (lhs.ends(), rhs.ends()) {
            (Some(l), Some(r)) => (compare(l, self.op, r), lhs, rhs),
            _ => {
                if self.overflow.is_none() {
                    let when = at().map(|t| format!(" by {}", format_timestamp(t))).unwrap_or_default();
                    self.overflow = Some(format!(
                        "{} {} {} went past the range of exact numbers (28 significant digits){when}",
                        self.lhs_text,
                        self.op.as_str(),
                        self.rhs_text
                    ));
                }
                (Truth::No, Range::ZERO, Range::ZERO)
            }
        }
    }

    /// The measured side first: "sum(trucks of aid_convoy) was 412; it must
    /// be >= 600", also for `600 <= sum(…)`; both sides when both are measured.
    fn explain(&self, lhs: Range, rhs: Range) -> String {
        match (constant(&self.lhs).is_some(), constant(&self.rhs).is_some()) {
            (false, true) => format!(
                "{} was {}; it must be {} {}",
                self.lhs_text,
                lhs.text(),
                self.op.as_str(),
                rhs.text()
            ),
            (true, false) => format!(
                "{} was {}; it must be {} {}",
                self.rhs_text,
                rhs.text(),
                flipped(self.op).as_str(),
                lhs.text()
            ),
            _ => format!(
                "{} was {} and {} was {}; the first must be {} the second",
                self.lhs_text,
                lhs.text(),
                self.rhs_text,
                rhs.text(),
                self.op.as_str()
            ),
        }
    }

    /// The measured side and its value: "count(strike) was 2".
    fn measured(&self, lhs: Range, rhs: Range) -> (&str, Range) {
        match (constant(&self.lhs).is_some(), constant(&self.rhs).is_some()) {
            (true, false) => (&self.rhs_text, rhs),
            _ => (&self.lhs_text, lhs),
        }
    }

    /// What a slice that is not judged holds so far: "count(strike) was
    /// 3", with both sides' values.
    fn so_far(&mut self, own: &Totals, at: Option<Time>) -> (String, Range, Range) {
        let (values, _, _) = self.slice_totals(own);
        let (_, lhs, rhs) = self.judge(&values, || at);
        let (side, value) = self.measured(lhs, rhs);
        (format!("{side} was {}", value.text()), lhs, rhs)
    }

    /// Whether the measured side is the right-hand one (`30 >= count(P)`).
    fn measured_on_the_right(&self) -> bool {
        constant(&self.lhs).is_some() && constant(&self.rhs).is_none()
    }

    /// A run of the series: the measured side's value and the threshold.
    fn run(&self, first: i64, n: u64, (lhs, rhs): (Range, Range), verdict: Option<Verdict>) -> SeriesRun {
        let (value, threshold) = if self.measured_on_the_right() {
            (rhs, lhs)
        } else {
            (lhs, rhs)
        };
        SeriesRun {
            first,
            n,
            bounds: None,
            value: value.ends(),
            threshold: threshold.ends(),
            verdict,
            partial: None,
        }
    }

    /// The series, its runs in order.
    fn series(&mut self) -> Series {
        let runs = std::mem::take(&mut self.series).sorted();
        let (measured, op, against) = if self.measured_on_the_right() {
            (&self.rhs_text, flipped(self.op), &self.lhs_text)
        } else {
            (&self.lhs_text, self.op, &self.rhs_text)
        };
        Series {
            measured: measured.clone(),
            op: op.as_str().to_string(),
            against: against.clone(),
            per: self.per.as_ref().map(|d| d.to_string()),
            runs,
            slicing: self.slices,
        }
    }

    // ------------------------------------------------------------ slices ----

    /// Whether slice `k` lies wholly inside the window.
    fn membership(&self, k: i64) -> Truth {
        let (Some(slices), Some(window)) = (self.slices, self.window) else {
            return Truth::No;
        };
        if self.inside_from.get().is_some_and(|from| from <= k) {
            return Truth::Yes;
        }
        let (start, end) = (When::at(slices.start_of(k)), When::at(slices.end_of(k)));
        let after_start = match window.start_moment() {
            Some(s) => at_or_before(s.when, start),
            None => Truth::Yes,
        };
        let before_end = match window.end_moment() {
            Some(e) => at_or_before(end, e.when).or(e.known.not()),
            None => Truth::Yes,
        };
        let membership = after_start.and(before_end);
        if membership == Truth::Yes && window.end_moment().is_none() {
            self.inside_from
                .set(Some(self.inside_from.get().map_or(k, |from| from.min(k))));
        }
        membership
    }

    /// How many slices may lie inside the window, counted from the first
    /// (`i64::MAX` if it may have no end).
    fn fitting(&self) -> i64 {
        match (self.slices, self.window.and_then(|w| w.end_moment())) {
            (Some(_), Some(e)) if e.known != Truth::Yes => i64::MAX,
            (Some(slices), Some(e)) => slices.closed_by(e.when.last),
            _ => i64::MAX,
        }
    }

    /// The slices from `k` on that share slice `k`'s membership: where it
    /// next changes (the start and end of the window may be ranges).
    fn membership_changes_after(&self, k: i64) -> i64 {
        let (Some(slices), Some(window)) = (self.slices, self.window) else {
            return i64::MAX;
        };
        let mut points = Vec::new();
        if let Some(s) = window.start_moment() {
            points.push(slices.closed_by(s.when.last).saturating_add(1));
        }
        if let Some(e) = window.end_moment() {
            points.push(slices.closed_by(e.when.first));
            points.push(slices.closed_by(e.when.last));
        }
        points.into_iter().filter(|p| *p > k).min().unwrap_or(i64::MAX)
    }

    /// Spread observations that end before slice `k` stop counting.
    fn drop_spread_before(&mut self, k: i64) {
        while let Some(Reverse((last, i))) = self.ends.peek().copied() {
            if last >= k {
                break;
            }
            self.ends.pop();
            let spread = &self.spread[i];
            for (total, add) in self.spread_totals.iter_mut().zip(&spread.adds) {
                *total = total.without(*add);
            }
            self.free.push(i);
        }
    }

    /// The totals of a slice: its own certain ones plus what spread
    /// observations may add.
    fn slice_totals(&self, own: &Totals) -> (Vec<Range>, Vec<Evidence>, u64) {
        let values = own
            .ranges()
            .iter()
            .zip(&self.spread_totals)
            .map(|(v, spread)| v.plus(*spread))
            .collect();
        let mut maybe: Vec<Evidence> = own.maybe_evidence.clone();
        let mut count = own.maybe;
        for Reverse((_, i)) in self.ends.iter() {
            count += 1;
            if maybe.len() < SHOWN {
                maybe.push(self.spread[*i].evidence.clone());
            }
        }
        maybe.sort_by_key(|e| (e.time, e.origin.file, e.origin.line));
        (values, maybe, count)
    }

    /// Judges `n` slices from `k` that share their totals and membership.
    fn judge_slices(&mut self, ctx: &Ctx, k: i64, n: i64, own: &Totals) {
        let Some(slices) = self.slices else { return };
        if n <= 0 {
            return;
        }
        let membership = self.membership(k);
        if membership == Truth::No {
            // A day, week or month cut by the window's start is listed
            // with what it holds, not judged.
            if k == 0 && slices.is_aligned() && self.first_cut.is_none() {
                self.first_cut = Some(self.so_far(own, Some(slices.end_of(0))));
            }
            return;
        }
        let (values, maybe, maybe_count) = self.slice_totals(own);
        let (holds, lhs, rhs) = self.judge(&values, || Some(slices.end_of(k)));
        let possible = reach([membership, holds], |c| match c {
            [false, _] => Verdict::Vacuous,
            [true, true] => Verdict::Satisfied,
            [true, false] => Verdict::Violated,
        });
        let verdict = possible.verdict();
        if possible.contains(Verdict::Violated) {
            self.violated = self.violated.or(if verdict == Verdict::Violated {
                Truth::Yes
            } else {
                Truth::Unknown
            });
        }
        self.counts.add(verdict, n as u64);
        let run = self.run(k, n as u64, (lhs, rhs), Some(verdict));
        self.series.push(run);
        if matches!(verdict, Verdict::Satisfied | Verdict::Vacuous) {
            return;
        }
        // Each failing slice is a finding: list them while there is room, count the rest.
        let mut i = 0;
        while i < n && self.findings.has_room() {
            let (start, end) = (slices.start_of(k + i), slices.end_of(k + i));
            let mut reason = format!(
                "from {} to {}, {}",
                format_timestamp(start),
                format_timestamp(end),
                self.explain(lhs, rhs)
            );
            let mut evidence = shown(ctx.model, &own.evidence);
            let mut omitted = own.observations - own.evidence.len() as u64;
            if verdict == Verdict::Indeterminate {
                let ctx_free: Vec<String> = maybe
                    .iter()
                    .map(|e| format!("{} {}", e.kind, super::doubt::dated(e)))
                    .collect();
                let mut doubts = Vec::new();
                if membership == Truth::Unknown {
                    doubts.push("the slice may lie outside the window".to_string());
                }
                if holds == Truth::Unknown {
                    doubts.push(format!(
                        "{} may count: {}",
                        plural(maybe_count),
                        listed(ctx_free, maybe_count - maybe.len() as u64)
                    ));
                }
                reason = format!("{reason}, which the evidence cannot settle: {}", doubts.join("; "));
                evidence.extend(maybe.iter().cloned());
                omitted += maybe_count - maybe.len() as u64;
            }
            let mut f = finding_among(possible, reason, Some(end), Some(end), evidence);
            f.window = Some((Some(start), Some(end)));
            f.evidence_omitted = omitted;
            self.findings.push(f);
            i += 1;
        }
        if i < n {
            self.findings.omit((n - i) as u64);
        }
    }

    /// Judges every slice from `self.next` up to (not including) `to`
    /// that holds no observation of its own, in runs that share totals.
    fn judge_empty(&mut self, ctx: &Ctx, to: i64) {
        let empty = std::mem::take(&mut self.empty);
        while self.next < to {
            let k = self.next;
            self.drop_spread_before(k);
            let spread_end = self
                .ends
                .peek()
                .map_or(i64::MAX, |Reverse((last, _))| last.saturating_add(1));
            let upto = to.min(spread_end).min(self.membership_changes_after(k)).max(k + 1);
            self.judge_slices(ctx, k, upto - k, &empty);
            self.next = upto;
        }
        self.empty = empty;
    }

    fn observe_slice(&mut self, ctx: &Ctx, o: &Observation, slots: &[u32], certain: bool, inside: Truth) {
        let Some(slices) = self.slices else { return };
        let first = slices.index_from(&mut self.cursor, o.time).max(0);
        if self.current != Some(first) {
            if let Some(c) = self.current.filter(|c| *c < self.fitting()) {
                let totals = std::mem::take(&mut self.totals);
                self.drop_spread_before(c);
                self.judge_slices(ctx, c, 1, &totals);
                self.next = c + 1;
                self.totals = totals;
            }
            let upto = first.min(self.fitting());
            self.judge_empty(ctx, upto);
            self.next = self.next.max(upto);
            self.totals.reset(self.leaves.len());
            self.current = Some(first);
            self.drop_spread_before(first);
        }
        let last = if o.is_range() {
            slices.index(o.last()).max(first)
        } else {
            first
        };
        let for_sure = certain && last == first && inside == Truth::Yes;
        if for_sure || last == first {
            self.totals.add(&self.leaves, o, slots, for_sure);
            let shown = self.findings.has_room();
            self.totals.note(ctx, o, (certain, for_sure), shown);
            return;
        }
        let adds = contribution(&self.leaves, o, slots, false);
        // Spread over several slices: it may count in each.
        for (total, add) in self.spread_totals.iter_mut().zip(&adds) {
            *total = total.with(*add);
        }
        let spread = Spread {
            adds,
            evidence: ctx.evidence(o, certain),
        };
        let i = match self.free.pop() {
            Some(i) => {
                self.spread[i] = spread;
                i
            }
            None => {
                self.spread.push(spread);
                self.spread.len() - 1
            }
        };
        self.ends.push(Reverse((last, i)));
    }

    fn finish_slices(mut self, ctx: &Ctx, window: Interval) -> Outcome {
        let Some(slices) = self.slices else {
            let reason = "slices need a window with a start".to_string();
            return Outcome::single(Verdict::Vacuous, reason, None, ctx);
        };
        let per = self.per.clone().map(|d| d.to_string()).unwrap_or_default();
        let closed_slices = ctx.horizon.map_or(0, |h| slices.closed_by(h));
        let upto = closed_slices.min(self.fitting());
        if let Some(c) = self.current.filter(|c| *c < upto) {
            let totals = std::mem::replace(&mut self.totals, Totals::new(self.leaves.len()));
            self.drop_spread_before(c);
            self.judge_slices(ctx, c, 1, &totals);
            self.next = c + 1;
            self.current = None;
        }
        self.judge_empty(ctx, upto);
        let mut notes = Vec::new();
        let window_closed = window.closed(ctx.horizon);
        let aligned = slices.is_aligned();
        let mut partial = 0;
        let mut cut_at_start = false;
        // Days, weeks and months of the calendar: the first slice may begin
        // before the window, and is not judged.
        if aligned
            && let Some(start) = window.start_moment().and_then(|s| s.exact())
            && slices.start_of(0) < start
            && ctx.horizon.is_some_and(|h| h >= start)
        {
            partial += 1;
            cut_at_start = true;
            let held = match self.first_cut.take() {
                Some((held, lhs, rhs)) => {
                    let mut run = self.run(0, 1, (lhs, rhs), None);
                    run.partial = Some("cut by the window's start");
                    self.series.push(run);
                    format!(" ({held} in the window)")
                }
                None => String::new(),
            };
            notes.push(format!(
                "the {per} from {} to {} begins before the window and is not judged{held}",
                format_timestamp(slices.start_of(0)),
                format_timestamp(slices.end_of(0))
            ));
        }
        // The slice holding the horizon, if it fits in the window, is
        // pending; a day, week or month of the calendar is not judged.
        if aligned
            && window_closed != Truth::Yes
            && upto < self.fitting()
            && self.membership(upto) != Truth::No
            && ctx.horizon.is_some_and(|h| h >= slices.start_of(upto))
        {
            partial += 1;
            let own = if self.current == Some(upto) {
                self.totals.clone()
            } else {
                Totals::new(self.leaves.len())
            };
            self.drop_spread_before(upto);
            let (held, lhs, rhs) = self.so_far(&own, ctx.horizon);
            let mut run = self.run(upto, 1, (lhs, rhs), None);
            run.partial = Some("open at the horizon");
            self.series.push(run);
            notes.push(format!(
                "the {per} from {} to {} is still open at the horizon and is not judged (so far {held})",
                format_timestamp(slices.start_of(upto)),
                format_timestamp(slices.end_of(upto))
            ));
        } else if window_closed != Truth::Yes && upto < self.fitting() && self.membership(upto) != Truth::No {
            let (start, end) = (slices.start_of(upto), slices.end_of(upto));
            let own = if self.current == Some(upto) {
                self.totals.clone()
            } else {
                Totals::new(self.leaves.len())
            };
            self.drop_spread_before(upto);
            let (values, _, _) = self.slice_totals(&own);
            let (_, lhs, rhs) = self.judge(&values, || ctx.horizon);
            self.counts.add(Verdict::Pending, 1);
            let mut run = self.run(upto, 1, (lhs, rhs), Some(Verdict::Pending));
            run.partial = Some("open at the horizon");
            self.series.push(run);
            let reason = format!(
                "the slice from {} to {} is still open: so far {}",
                format_timestamp(start),
                format_timestamp(end),
                self.explain(lhs, rhs)
            );
            let mut f = finding(
                Verdict::Pending,
                reason,
                Some(end),
                Some(end),
                shown(ctx.model, &own.evidence),
            );
            f.window = Some((Some(start), Some(end)));
            self.findings.push(f);
        }
        if let Some(end) = window
            .end_moment()
            .filter(|e| e.exact().is_some())
            .map(|e| e.when.first)
        {
            let last = slices.start_of(self.fitting());
            // (One slice cut at both ends is one partial slice.)
            let same_slice = cut_at_start && self.fitting() == 0;
            if self.fitting() != i64::MAX && last < end && (!aligned || window_closed == Truth::Yes) && !same_slice {
                partial += 1;
                let own = if self.current == Some(self.fitting()) {
                    self.totals.clone()
                } else {
                    Totals::new(self.leaves.len())
                };
                self.drop_spread_before(self.fitting());
                let (so_far, lhs, rhs) = self.so_far(&own, Some(end));
                let mut run = self.run(self.fitting(), 1, (lhs, rhs), None);
                run.bounds = Some((Some(last), Some(end)));
                run.partial = Some("cut by the window's end");
                self.series.push(run);
                let held = if aligned {
                    format!(" ({so_far} in the window)")
                } else {
                    String::new()
                };
                notes.push(if aligned {
                    format!(
                        "the last {per}, from {} to {}, is cut by the end of the window and is not judged{held}",
                        format_timestamp(last),
                        format_timestamp(end)
                    )
                } else {
                    format!(
                        "the last slice, from {} to {}, is shorter than {per} and is not judged",
                        format_timestamp(last),
                        format_timestamp(end)
                    )
                });
            }
        }
        let started = window.started(ctx.horizon);
        let possible = reach([started, self.violated, window_closed], |c| match c {
            [false, ..] => Verdict::Vacuous,
            [true, true, _] => Verdict::Violated,
            [true, false, true] => Verdict::Satisfied,
            [true, false, false] => Verdict::Pending,
        });
        let verdict = possible.verdict();
        let judged = self.counts.satisfied + self.counts.violated + self.counts.indeterminate;
        if aligned {
            self.counts.partial = Some(partial);
            if judged == 0 && window_closed == Truth::Yes {
                notes.push(format!("the window holds no whole {per}: nothing could be judged"));
            }
        }
        let rule = format!("{} {} {} per {per}", self.lhs_text, self.op.as_str(), self.rhs_text);
        let reason = match verdict {
            Verdict::Vacuous => "the window never started".to_string(),
            Verdict::Violated => format!("{} of {judged} closed slices failed {rule}", self.counts.violated),
            Verdict::Satisfied if judged == 0 => format!("the window closed before any slice of {per} did"),
            Verdict::Satisfied => format!("all {judged} slices held {rule}"),
            Verdict::Pending => format!("{judged} slices so far held {rule}; the window is still open"),
            Verdict::Indeterminate => format!(
                "{} of {judged} slices may or may not hold {rule}; the evidence allows {possible}",
                self.counts.indeterminate
            ),
        };
        let series = self.series();
        Outcome {
            verdict,
            possible,
            reason,
            counts: self.counts,
            findings: self.findings,
            notes,
            series: Some(series),
            error: self.overflow,
        }
    }

    // ------------------------------------------------------ whole window ----

    /// The whole window as the series' one slice, with the window's total
    /// (also after an early decision: observations go on being counted).
    fn whole_series(&mut self, ctx: &Ctx, window: Interval, verdict: Verdict) -> Series {
        let totals = self.totals.ranges();
        let (_, lhs, rhs) = self.judge(&totals, || window.end_time().or(ctx.horizon));
        let closed = window.closed(ctx.horizon) == Truth::Yes;
        let mut run = self.run(0, 1, (lhs, rhs), Some(verdict).filter(|v| *v != Verdict::Vacuous));
        run.bounds = Some((window.start_time(), window.end_time()));
        if !closed {
            run.partial = Some("open at the horizon");
        }
        self.series.push(run);
        self.series()
    }

    fn finish_whole(mut self, ctx: &Ctx, window: Interval) -> Outcome {
        let mut outcome = self.judge_whole(ctx, window);
        if outcome.verdict != Verdict::Vacuous {
            outcome.series = Some(self.whole_series(ctx, window, outcome.verdict));
        }
        outcome
    }

    /// What an early decision says: when the count reached the bound, and
    /// what the whole window held (or holds so far).
    fn early_reason(&mut self, ctx: &Ctx, window: Interval, (lhs, rhs): (Range, Range), at: Option<Time>) -> String {
        let (side, value) = self.measured(lhs, rhs);
        let (side, value) = (side.to_string(), value.text());
        let when = at.map(|t| format!(" at {}", format_timestamp(t))).unwrap_or_default();
        let (op, limit) = if self.measured_on_the_right() {
            (flipped(self.op), lhs)
        } else {
            (self.op, rhs)
        };
        let limit = limit.text();
        let met = match op {
            CmpOp::Le => format!("over the limit of {limit}"),
            CmpOp::Lt => format!("not under the limit of {limit}"),
            CmpOp::Ge => format!("meeting the bound of {limit}"),
            _ => format!("past the bound of {limit}"),
        };
        let total = self.totals.ranges();
        let (_, whole_lhs, whole_rhs) = self.judge(&total, || window.end_time().or(ctx.horizon));
        let (_, whole) = self.measured(whole_lhs, whole_rhs);
        let before_end = match (at, window.end_time()) {
            (Some(at), Some(end)) => at < end,
            _ => true,
        };
        let rest = match window.closed(ctx.horizon) {
            Truth::Yes if before_end => format!("; the window had not closed; its total was {}", whole.text()),
            Truth::Yes => format!("; the window's total was {}", whole.text()),
            _ => format!("; the window is still open (so far {})", whole.text()),
        };
        format!("{side} reached {value}{when}, {met}{rest}")
    }

    fn judge_whole(&mut self, ctx: &Ctx, window: Interval) -> Outcome {
        let single = |v, reason, f| Outcome::single(v, reason, f, ctx);
        let bounds = format!("{}{}", describe(&window), super::daily::daily_words(self.daily));
        let started = window.started(ctx.horizon);
        if let Some((verdict, at, totals)) = self.early.take()
            && started == Truth::Yes
        {
            let (_, lhs, rhs) = self.judge(&totals.ranges(), || at);
            let reason = format!("{bounds}, {}", self.early_reason(ctx, window, (lhs, rhs), at));
            if verdict == Verdict::Satisfied {
                return single(verdict, reason, None);
            }
            let omitted = totals.observations - totals.evidence.len() as u64;
            let mut f = finding(
                verdict,
                reason.clone(),
                at,
                window.end_time(),
                shown(ctx.model, &totals.evidence),
            );
            f.window = Some((window.start_time(), window.end_time()));
            f.evidence_omitted = omitted;
            return single(verdict, reason, Some(f));
        }
        // A bound met (or broken) without any observation, as with `count(P) >= 0`,
        // is decided from the start of the window.
        if let Some(bound) = self.early_bound
            && started == Truth::Yes
            && let Some(verdict) = decided(bound, self.totals.count().low.unwrap_or(Decimal::ZERO))
        {
            self.early = Some((verdict, window.start_time(), self.totals.clone()));
            return self.judge_whole(ctx, window);
        }
        let totals = self.totals.clone();
        let (holds, lhs, rhs) = self.judge(&totals.ranges(), || window.end_time().or(ctx.horizon));
        let (side, value) = self.measured(lhs, rhs);
        let closed = window.closed(ctx.horizon);
        // The early decision on what may count: `count(P) >= N` may have
        // been met, `count(P) <= N` may have failed.
        let (early, early_verdict) = match self.early_bound {
            Some((op, n)) => {
                let count = totals.count().ends().unwrap_or_default();
                let answer = compare(count, op, (n, n));
                match op {
                    CmpOp::Ge | CmpOp::Gt => (answer, Verdict::Satisfied),
                    _ => (answer.not(), Verdict::Violated),
                }
            }
            None => (Truth::No, Verdict::Vacuous),
        };
        let possible = reach([started, early, closed, holds], |c| match c {
            [false, ..] => Verdict::Vacuous,
            [true, true, ..] => early_verdict,
            [true, false, true, true] => Verdict::Satisfied,
            [true, false, true, false] => Verdict::Violated,
            [true, false, false, _] => Verdict::Pending,
        });
        let (verdict, reason) = match possible.verdict() {
            Verdict::Vacuous => (Verdict::Vacuous, "the window never started".to_string()),
            Verdict::Satisfied => (Verdict::Satisfied, format!("{bounds}, {side} was {}", value.text())),
            Verdict::Violated => (Verdict::Violated, format!("{bounds}, {}", self.explain(lhs, rhs))),
            Verdict::Pending => (
                Verdict::Pending,
                format!("so far {bounds}, {side} was {}; the window is still open", value.text()),
            ),
            Verdict::Indeterminate => {
                let mut doubts = Vec::new();
                if started == Truth::Unknown {
                    doubts.push("the window may not have started".to_string());
                }
                if closed == Truth::Unknown {
                    doubts.push("the window may not have closed by the horizon".to_string());
                }
                if totals.maybe > 0 {
                    let listed_doubts: Vec<String> = totals
                        .maybe_evidence
                        .iter()
                        .map(|e| {
                            let time = super::doubt::outside_window(&window, super::doubt::when_of(e));
                            doubt(ctx, e, time)
                        })
                        .collect();
                    let more = totals.maybe - totals.maybe_evidence.len() as u64;
                    doubts.push(format!(
                        "{} may count: {}",
                        plural(totals.maybe),
                        listed(listed_doubts, more)
                    ));
                }
                let reason = format!(
                    "{bounds}, {}, which the evidence cannot settle: {}",
                    self.explain(lhs, rhs),
                    doubts.join("; ")
                );
                (Verdict::Indeterminate, reason)
            }
        };
        if let Some(error) = self.overflow.take() {
            let mut outcome = single(verdict, reason, None);
            outcome.error = Some(error);
            return outcome;
        }
        if matches!(verdict, Verdict::Satisfied | Verdict::Vacuous) {
            return single(verdict, reason, None);
        }
        let omitted = totals.observations - totals.evidence.len() as u64
            + if verdict == Verdict::Indeterminate {
                totals.maybe - totals.maybe_evidence.len() as u64
            } else {
                0
            };
        let mut evidence = shown(ctx.model, &totals.evidence);
        if verdict == Verdict::Indeterminate {
            evidence.extend(totals.maybe_evidence);
        }
        let mut f = finding_among(possible, reason.clone(), window.end_time(), window.end_time(), evidence);
        f.window = Some((window.start_time(), window.end_time()));
        f.evidence_omitted = omitted;
        Outcome::reached(possible, reason, Some(f), ctx)
    }
}

fn plural(n: u64) -> String {
    if n == 1 {
        "1 uncertain observation".to_string()
    } else {
        format!("{n} uncertain observations")
    }
}

impl Monitor for Aggregate {
    fn observe(&mut self, ctx: &Ctx, o: &Observation, slots: &[u32], certain: bool) {
        let Some(window) = self.window else { return };
        let inside = window
            .contains(When::of(o))
            .and(super::daily::in_daily(self.daily, When::of(o)));
        if inside == Truth::No {
            return;
        }
        if self.per.is_some() {
            return self.observe_slice(ctx, o, slots, certain, inside);
        }
        let for_sure = certain && inside == Truth::Yes;
        self.totals.add(&self.leaves, o, slots, for_sure);
        if self.early.is_some() {
            // Decided: counted for the window's total, not listed.
            return;
        }
        let shown = self.findings.has_room();
        self.totals.note(ctx, o, (certain, for_sure), shown);
        if let Some(bound) = self.early_bound
            && for_sure
        {
            let count = self.totals.count().low.unwrap_or(Decimal::ZERO);
            if let Some(verdict) = decided(bound, count) {
                self.early = Some((verdict, Some(o.time), self.totals.clone()));
            }
        }
    }

    fn finish(self: Box<Self>, ctx: &Ctx) -> Outcome {
        let window = match self.window {
            Some(w) if w.started(ctx.horizon) != Truth::No => w,
            _ => {
                return Outcome::single(Verdict::Vacuous, "the window never started".to_string(), None, ctx);
            }
        };
        if self.per.is_some() {
            self.finish_slices(ctx, window)
        } else {
            self.finish_whole(ctx, window)
        }
    }
}

/// Whether `count OP n` is decided by a count that can only grow:
/// satisfied once `>=`/`>` holds, violated once `<=`/`<` fails.
fn decided((op, n): (CmpOp, Decimal), count: Decimal) -> Option<Verdict> {
    match op {
        CmpOp::Ge | CmpOp::Gt if op.holds(count.cmp(&n)) => Some(Verdict::Satisfied),
        CmpOp::Le | CmpOp::Lt if !op.holds(count.cmp(&n)) => Some(Verdict::Violated),
        _ => None,
    }
}

/// `a OP b` as `b OP' a`: `>=` is `<=` the other way round.
fn flipped(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Lt => CmpOp::Gt,
        CmpOp::Le => CmpOp::Ge,
        CmpOp::Gt => CmpOp::Lt,
        CmpOp::Ge => CmpOp::Le,
        same => same,
    }
}

/// The value of an expression, taking aggregate values in leaf order.
fn value(expr: &Expr, totals: &[Range], at: &mut usize) -> Range {
    match expr {
        Expr::Count(_) | Expr::Sum(..) => {
            let v = totals.get(*at).copied().unwrap_or(Range::ZERO);
            *at += 1;
            v
        }
        Expr::Number(n) => Range::exact(*n),
        Expr::Binary(op, a, b) => {
            let (a, b) = (value(a, totals, at), value(b, totals, at));
            match op {
                ArithOp::Add => a.plus(b),
                ArithOp::Sub => a.minus(b),
                ArithOp::Mul => a.times(b),
            }
        }
    }
}

/// The value of an expression without aggregates (`Some(None)` past the
/// range); `None` if it has aggregates.
fn constant(expr: &Expr) -> Option<Option<Decimal>> {
    match expr {
        Expr::Count(_) | Expr::Sum(..) => None,
        Expr::Number(n) => Some(Some(*n)),
        Expr::Binary(op, a, b) => {
            let (a, b) = (constant(a)?, constant(b)?);
            Some(a.zip(b).and_then(|(a, b)| match op {
                ArithOp::Add => crate::number::add(a, b),
                ArithOp::Sub => crate::number::sub(a, b),
                ArithOp::Mul => crate::number::mul(a, b),
            }))
        }
    }
}

/// An expression as written.
fn text(model: &Model, expr: &Expr) -> String {
    match expr {
        Expr::Count(p) => format!("count({})", p.text),
        Expr::Sum(f, p) => format!(
            "sum({} of {})",
            model.kinds[p.kind.0 as usize].fields[f.0 as usize].name, p.text
        ),
        Expr::Number(n) => show(*n),
        Expr::Binary(op, a, b) => {
            let wrap = |e: &Expr| match e {
                Expr::Binary(..) => format!("({})", text(model, e)),
                _ => text(model, e),
            };
            format!("{} {} {}", wrap(a), op.as_str(), wrap(b))
        }
    }
}
