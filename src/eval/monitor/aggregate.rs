//! Aggregate constraints (`count`, `sum`, arithmetic) over a window, or over
//! each tumbling slice of it with `per D`. `at least` and `at most` are
//! counts compared with a number.

use super::absence::describe;
use super::contract::{Ctx, Findings, Monitor, Outcome, finding};
use crate::check::Model;
use crate::check::model::{ArithOp, CmpOp, Expr, FieldId, Pattern};
use crate::check::walk;
use crate::eval::result::{Counts, Evidence};
use crate::eval::time::{Interval, Slices, Start, Time};
use crate::log::{FieldValue, Observation};
use crate::number::{Decimal, show, whole};
use crate::time::{Duration, format_timestamp};
use crate::verdict::Verdict;

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

/// Running totals of each aggregate, with the observations that made them.
#[derive(Clone, Debug, Default)]
struct Totals {
    /// Exact; `None` once a sum has gone past the range of exact numbers.
    values: Vec<Option<Decimal>>,
    observations: u64,
    evidence: Vec<Evidence>,
}

impl Totals {
    fn new(leaves: usize) -> Self {
        Totals {
            values: vec![Some(Decimal::ZERO); leaves],
            observations: 0,
            evidence: Vec::new(),
        }
    }

    fn add(&mut self, ctx: &Ctx, leaves: &[Leaf], o: &Observation, slots: &[u32]) {
        for &slot in slots {
            let Some(leaf) = leaves.get(slot as usize) else {
                continue;
            };
            let add = match leaf {
                Leaf::Count => Decimal::ONE,
                Leaf::Sum(field) => match o.field(*field) {
                    Some(FieldValue::Int(n)) => whole(*n),
                    Some(FieldValue::Number(x)) => *x,
                    _ => Decimal::ZERO,
                },
            };
            let total = &mut self.values[slot as usize];
            *total = total.and_then(|t| crate::number::add(t, add));
        }
        self.observations += 1;
        if self.evidence.len() < ctx.max_evidence.min(SHOWN) {
            self.evidence.push(ctx.evidence(o));
        }
    }
}

pub(crate) struct Aggregate {
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
    /// (`<=`, `<`).
    early_bound: Option<(CmpOp, Decimal)>,
    /// An arithmetic result past the range of exact numbers, where it happened.
    overflow: Option<String>,
    early: Option<(Verdict, Option<Time>, Totals)>,
    /// Totals of the whole window, or of the current slice.
    totals: Totals,
    /// With `per`: the slices, the current slice, and the first slice not yet judged.
    slices: Option<Slices>,
    current: Option<i64>,
    next: i64,
    counts: Counts,
    findings: Findings,
}

impl Aggregate {
    pub fn new(
        model: &Model,
        (lhs, op, rhs): (&Expr, CmpOp, &Expr),
        per: Option<Duration>,
        window: Option<Interval>,
        findings: Findings,
    ) -> Self {
        let leaves: Vec<Leaf> = leaves(lhs).into_iter().chain(leaves(rhs)).map(|(_, l)| l).collect();
        let early_bound = match (lhs, rhs) {
            _ if per.is_some() => None,
            (Expr::Count(_), _) => constant(rhs).flatten().map(|n| (op, n)),
            (_, Expr::Count(_)) => constant(lhs).flatten().map(|n| (flipped(op), n)),
            _ => None,
        }
        .filter(|(op, _)| matches!(op, CmpOp::Ge | CmpOp::Gt | CmpOp::Le | CmpOp::Lt));
        let slices = match (&per, window.map(|w| w.start)) {
            (Some(d), Some(Start::At(s))) => Some(Slices::new(s, d.delta())),
            _ => None,
        };
        Aggregate {
            lhs: lhs.clone(),
            op,
            rhs: rhs.clone(),
            lhs_text: text(model, lhs),
            rhs_text: text(model, rhs),
            totals: Totals::new(leaves.len()),
            leaves,
            per,
            window,
            early_bound,
            overflow: None,
            early: None,
            slices,
            current: None,
            next: 0,
            counts: Counts::default(),
            findings,
        }
    }

    /// `lhs OP rhs` for these totals, with both sides' values; a side past
    /// the range of exact numbers is noted as an overflow and the
    /// comparison is false (the run then fails, with the rule named).
    fn judge(&mut self, totals: &Totals, at: Option<Time>) -> (bool, Decimal, Decimal) {
        let mut leaf = 0;
        let lhs = value(&self.lhs, &totals.values, &mut leaf);
        let rhs = value(&self.rhs, &totals.values, &mut leaf);
        match (lhs, rhs) {
            (Some(lhs), Some(rhs)) => (self.op.holds(lhs.cmp(&rhs)), lhs, rhs),
            _ => {
                if self.overflow.is_none() {
                    let when = at.map(|t| format!(" by {}", format_timestamp(t))).unwrap_or_default();
                    self.overflow = Some(format!(
                        "{} {} {} went past the range of exact numbers (28 significant digits){when}",
                        self.lhs_text,
                        self.op.as_str(),
                        self.rhs_text
                    ));
                }
                (false, Decimal::ZERO, Decimal::ZERO)
            }
        }
    }

    /// The measured side first: "sum(trucks of aid_convoy) was 412; it must
    /// be >= 600", also for `600 <= sum(…)`; both sides when both are measured.
    fn explain(&self, lhs: Decimal, rhs: Decimal) -> String {
        match (constant(&self.lhs).is_some(), constant(&self.rhs).is_some()) {
            (false, true) => format!(
                "{} was {}; it must be {} {}",
                self.lhs_text,
                show(lhs),
                self.op.as_str(),
                show(rhs)
            ),
            (true, false) => format!(
                "{} was {}; it must be {} {}",
                self.rhs_text,
                show(rhs),
                flipped(self.op).as_str(),
                show(lhs)
            ),
            _ => format!(
                "{} was {} and {} was {}; the first must be {} the second",
                self.lhs_text,
                show(lhs),
                self.rhs_text,
                show(rhs),
                self.op.as_str()
            ),
        }
    }

    /// The measured side and its value: "count(strike) was 2".
    fn measured(&self, lhs: Decimal, rhs: Decimal) -> (&str, Decimal) {
        match (constant(&self.lhs).is_some(), constant(&self.rhs).is_some()) {
            (true, false) => (&self.rhs_text, rhs),
            _ => (&self.lhs_text, lhs),
        }
    }

    /// Judges slice `k` from the current totals (or from nothing, if empty).
    fn judge_slice(&mut self, k: i64, totals: Totals) {
        let Some(slices) = self.slices else { return };
        let (start, end) = (slices.start_of(k), slices.end_of(k));
        let (holds, lhs, rhs) = self.judge(&totals, Some(end));
        let verdict = if holds { Verdict::Satisfied } else { Verdict::Violated };
        self.counts.add(verdict, 1);
        if verdict == Verdict::Violated {
            if !self.findings.has_room() {
                self.findings.omit(1);
                return;
            }
            let reason = format!(
                "from {} to {}, {}",
                format_timestamp(start),
                format_timestamp(end),
                self.explain(lhs, rhs)
            );
            let omitted = totals.observations - totals.evidence.len() as u64;
            let mut f = finding(Verdict::Violated, reason, Some(end), Some(end), totals.evidence);
            f.window = Some((Some(start), Some(end)));
            f.evidence_omitted = omitted;
            self.findings.push(f);
        }
    }

    /// Judges the slices `from..to` that hold no observations, in bulk.
    fn judge_empty(&mut self, from: i64, to: i64) {
        if to <= from {
            return;
        }
        let empty = Totals::new(self.leaves.len());
        let (holds, _, _) = self.judge(&empty, None);
        if holds {
            self.counts.add(Verdict::Satisfied, (to - from) as u64);
            return;
        }
        // Each failing slice is a finding: list them while there is room, count the rest.
        let mut k = from;
        while k < to && self.findings.has_room() {
            self.judge_slice(k, empty.clone());
            k += 1;
        }
        if k < to {
            self.counts.add(Verdict::Violated, (to - k) as u64);
            self.findings.omit((to - k) as u64);
        }
    }

    /// How many slices lie wholly inside the window (`i64::MAX` if it has no end).
    fn fitting(&self) -> i64 {
        match (self.slices, self.window.and_then(|w| w.end_time())) {
            (Some(slices), Some(end)) => slices.closed_by(end),
            _ => i64::MAX,
        }
    }

    fn observe_slice(&mut self, ctx: &Ctx, o: &Observation, slots: &[u32]) {
        let Some(slices) = self.slices else { return };
        let k = slices.index(o.time);
        if self.current != Some(k) {
            if let Some(c) = self.current.filter(|c| *c < self.fitting()) {
                let totals = std::mem::replace(&mut self.totals, Totals::new(self.leaves.len()));
                self.judge_slice(c, totals);
                self.next = c + 1;
            }
            let upto = k.min(self.fitting());
            self.judge_empty(self.next, upto);
            self.next = self.next.max(upto);
            self.totals = Totals::new(self.leaves.len());
            self.current = Some(k);
        }
        self.totals.add(ctx, &self.leaves, o, slots);
    }

    fn finish_slices(mut self, ctx: &Ctx, window: Interval) -> Outcome {
        let Some(slices) = self.slices else {
            let reason = "slices need a window with a start".to_string();
            return Outcome::single(Verdict::Vacuous, reason, None, ctx);
        };
        let per = self.per.clone().map(|d| d.to_string()).unwrap_or_default();
        let closed = ctx.horizon.map_or(0, |h| slices.closed_by(h));
        let upto = closed.min(self.fitting());
        if let Some(c) = self.current.filter(|c| *c < upto) {
            let totals = std::mem::replace(&mut self.totals, Totals::new(self.leaves.len()));
            self.judge_slice(c, totals);
            self.next = c + 1;
            self.current = None;
        }
        self.judge_empty(self.next, upto);
        let mut notes = Vec::new();
        // The slice holding the horizon, if it fits in the window, is pending.
        if !window.closed(ctx.horizon) && upto < self.fitting() {
            let (start, end) = (slices.start_of(upto), slices.end_of(upto));
            let totals = if self.current == Some(upto) {
                self.totals.clone()
            } else {
                Totals::new(self.leaves.len())
            };
            let (_, lhs, rhs) = self.judge(&totals, ctx.horizon);
            self.counts.add(Verdict::Pending, 1);
            let reason = format!(
                "the slice from {} to {} is still open: so far {}",
                format_timestamp(start),
                format_timestamp(end),
                self.explain(lhs, rhs)
            );
            let mut f = finding(Verdict::Pending, reason, Some(end), Some(end), totals.evidence);
            f.window = Some((Some(start), Some(end)));
            self.findings.push(f);
        }
        if let Some(end) = window.end_time() {
            let last = slices.start_of(self.fitting());
            if self.fitting() != i64::MAX && last < end {
                notes.push(format!(
                    "the last slice, from {} to {}, is shorter than {per} and is not judged",
                    format_timestamp(last),
                    format_timestamp(end)
                ));
            }
        }
        let verdict = if self.counts.violated > 0 {
            Verdict::Violated
        } else if window.closed(ctx.horizon) {
            Verdict::Satisfied
        } else {
            Verdict::Pending
        };
        let judged = self.counts.satisfied + self.counts.violated;
        let rule = format!("{} {} {} per {per}", self.lhs_text, self.op.as_str(), self.rhs_text);
        let reason = match verdict {
            Verdict::Violated => format!("{} of {judged} closed slices failed {rule}", self.counts.violated),
            Verdict::Satisfied if judged == 0 => format!("the window closed before any slice of {per} did"),
            Verdict::Satisfied => format!("all {judged} slices held {rule}"),
            _ => format!("{judged} slices so far held {rule}; the window is still open"),
        };
        Outcome {
            verdict,
            reason,
            counts: self.counts,
            findings: self.findings,
            notes,
            error: self.overflow,
        }
    }

    fn finish_whole(mut self, ctx: &Ctx, window: Interval) -> Outcome {
        let single = |v, reason, f| Outcome::single(v, reason, f, ctx);
        let bounds = describe(&window);
        if let Some((verdict, at, totals)) = self.early.take() {
            let (_, lhs, rhs) = self.judge(&totals, at);
            let reason = format!("{bounds}, {}", self.explain(lhs, rhs));
            if verdict == Verdict::Satisfied {
                let when = at.map(|t| format!(" by {}", format_timestamp(t))).unwrap_or_default();
                let (side, value) = self.measured(lhs, rhs);
                return single(verdict, format!("{side} reached {}{when}", show(value)), None);
            }
            let omitted = totals.observations - totals.evidence.len() as u64;
            let mut f = finding(verdict, reason.clone(), at, window.end_time(), totals.evidence);
            f.window = Some((window.start_time(), window.end_time()));
            f.evidence_omitted = omitted;
            return single(verdict, reason, Some(f));
        }
        // A bound met (or broken) without any observation, as with `count(P) >= 0`,
        // is decided from the start of the window.
        if let Some(bound) = self.early_bound {
            let start = window.start_time();
            let count = self.totals.values.first().copied().flatten().unwrap_or(Decimal::ZERO);
            if let Some(verdict) = decided(bound, count) {
                self.early = Some((verdict, start, self.totals.clone()));
                return self.finish_whole(ctx, window);
            }
        }
        let totals = std::mem::replace(&mut self.totals, Totals::new(0));
        let (holds, lhs, rhs) = self.judge(&totals, window.end_time().or(ctx.horizon));
        let (side, value) = self.measured(lhs, rhs);
        let closed = window.closed(ctx.horizon);
        let (verdict, reason) = match (closed, holds) {
            (true, true) => (Verdict::Satisfied, format!("{bounds}, {side} was {}", show(value))),
            (true, false) => (Verdict::Violated, format!("{bounds}, {}", self.explain(lhs, rhs))),
            (false, _) => (
                Verdict::Pending,
                format!("so far {bounds}, {side} was {}; the window is still open", show(value)),
            ),
        };
        if let Some(error) = self.overflow.take() {
            let mut outcome = single(verdict, reason, None);
            outcome.error = Some(error);
            return outcome;
        }
        if verdict == Verdict::Satisfied {
            return single(verdict, reason, None);
        }
        let omitted = totals.observations - totals.evidence.len() as u64;
        let mut f = finding(
            verdict,
            reason.clone(),
            window.end_time(),
            window.end_time(),
            totals.evidence,
        );
        f.window = Some((window.start_time(), window.end_time()));
        f.evidence_omitted = omitted;
        single(verdict, reason, Some(f))
    }
}

impl Monitor for Aggregate {
    fn observe(&mut self, ctx: &Ctx, o: &Observation, slots: &[u32]) {
        if !self.window.is_some_and(|w| w.contains(o.time)) {
            return;
        }
        if self.per.is_some() {
            return self.observe_slice(ctx, o, slots);
        }
        if self.early.is_some() {
            return;
        }
        self.totals.add(ctx, &self.leaves, o, slots);
        if let Some(bound) = self.early_bound {
            let count = self.totals.values.first().copied().flatten().unwrap_or(Decimal::ZERO);
            if let Some(verdict) = decided(bound, count) {
                self.early = Some((verdict, Some(o.time), self.totals.clone()));
            }
        }
    }

    fn finish(self: Box<Self>, ctx: &Ctx) -> Outcome {
        let window = match self.window {
            Some(w) if w.started(ctx.horizon) => w,
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

/// The value of an expression, taking aggregate values in leaf order;
/// `None` past the range of exact numbers.
fn value(expr: &Expr, totals: &[Option<Decimal>], at: &mut usize) -> Option<Decimal> {
    match expr {
        Expr::Count(_) | Expr::Sum(..) => {
            let v = totals.get(*at).copied().unwrap_or(Some(Decimal::ZERO));
            *at += 1;
            v
        }
        Expr::Number(n) => Some(*n),
        Expr::Binary(op, a, b) => {
            let (a, b) = (value(a, totals, at), value(b, totals, at));
            arithmetic(*op, a?, b?)
        }
    }
}

/// `a OP b`, exactly, or `None` past the range.
fn arithmetic(op: ArithOp, a: Decimal, b: Decimal) -> Option<Decimal> {
    match op {
        ArithOp::Add => crate::number::add(a, b),
        ArithOp::Sub => crate::number::sub(a, b),
        ArithOp::Mul => crate::number::mul(a, b),
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
            Some(a.zip(b).and_then(|(a, b)| arithmetic(*op, a, b)))
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
