//! `P precedes Q` and `P precedes Q within D`: is the anchor `a` (the first
//! P) known? is some Q earlier than `a`? is some Q in `[a, a + D]`? has the
//! horizon reached `a + D`?
//!
//! The anchor is known for good only at the end (a later range may lower
//! it), so the Qs are summed up as they come: those certainly before the
//! first P's earliest instant, and, for the others, the few extremes the
//! questions need once the anchor is known.

use super::contract::{Ctx, Monitor, Outcome, finding, finding_among, reach};
use super::doubt::{doubt, listed, moment_text, when_of};
use crate::check::model::Pattern;
use crate::eval::result::Evidence;
use crate::eval::time::{Moment, Step, Time, When, elapsed, humanize, reached_when};
use crate::eval::truth::Truth;
use crate::log::Observation;
use crate::time::{Calendar, Duration};
use crate::verdict::Verdict;

const P: u32 = 0;
const Q: u32 = 1;

/// A Q kept until it is known where it stands against the first P.
struct Waiting {
    when: When,
    certain: bool,
    evidence: Evidence,
}

pub(crate) struct Precedes {
    p: String,
    q: String,
    within: Option<Duration>,
    /// `D` stepped through the unit's calendar.
    step: Option<Step>,
    /// The first P: the least first instant of any P, with its evidence.
    first: Option<(Time, Evidence)>,
    /// The least last instant of a P that certainly exists.
    certain_last: Option<Time>,
    /// The greatest last instant of any P.
    greatest_last: Option<Time>,
    /// Qs before any P whose place against it is not settled yet, and the
    /// least last instant among them.
    waiting: Vec<Waiting>,
    waiting_least_last: Option<Time>,
    /// Qs certainly before the first P that certainly exist.
    early: u64,
    early_evidence: Vec<Evidence>,
    /// Qs before the first P that only possibly exist.
    early_maybe: u64,
    early_maybe_evidence: Vec<Evidence>,
    /// Qs not certainly before the first P ("late" Qs): how many may be
    /// early after all (they began before it), the least first instant,
    /// and whether any exists.
    straddling: u64,
    straddling_evidence: Vec<Evidence>,
    late_least_first: Option<Time>,
    late_exists: Truth,
    /// All Qs: whether any exists.
    any_q: Truth,
    /// The first late Q in time order that certainly exists.
    first_late: Option<(When, Evidence)>,
    /// Late Qs that certainly exist and end by `first + D`: the first in
    /// time order, and the one that starts latest.
    in_first: Option<(When, Evidence)>,
    in_latest: Option<(When, Evidence)>,
    /// Late Qs that only possibly lie in the range.
    maybe_evidence: Vec<Evidence>,
    cap: usize,
}

impl Precedes {
    pub fn new(p: &Pattern, q: &Pattern, within: Option<Duration>, calendar: Calendar, cap: usize) -> Self {
        let step = within.as_ref().map(|d| Step::of(calendar, d));
        Precedes {
            p: p.text.clone(),
            q: q.text.clone(),
            within,
            step,
            first: None,
            certain_last: None,
            greatest_last: None,
            waiting: Vec::new(),
            waiting_least_last: None,
            early: 0,
            early_evidence: Vec::new(),
            early_maybe: 0,
            early_maybe_evidence: Vec::new(),
            straddling: 0,
            straddling_evidence: Vec::new(),
            late_least_first: None,
            late_exists: Truth::No,
            any_q: Truth::No,
            first_late: None,
            in_first: None,
            in_latest: None,
            maybe_evidence: Vec::new(),
            cap,
        }
    }

    /// Qs waiting before any P that end before `now` are early, wherever
    /// the first P turns out to be (it cannot start before `now`).
    fn settle(&mut self, now: Time) {
        if self.waiting_least_last.is_none_or(|last| last >= now) {
            return;
        }
        let (early, still): (Vec<Waiting>, Vec<Waiting>) = std::mem::take(&mut self.waiting)
            .into_iter()
            .partition(|w| w.when.last < now);
        self.waiting = still;
        self.waiting_least_last = self.waiting.iter().map(|w| w.when.last).min();
        for w in early {
            self.note_early(w);
        }
    }

    fn note_early(&mut self, w: Waiting) {
        if w.certain {
            self.early += 1;
            if self.early_evidence.len() < self.cap {
                self.early_evidence.push(w.evidence);
            }
        } else {
            self.early_maybe += 1;
            if self.early_maybe_evidence.len() < self.cap {
                self.early_maybe_evidence.push(w.evidence);
            }
        }
    }

    /// A Q that is not certainly before the first P, which starts at `x`.
    fn note_late(&mut self, x: Time, w: Waiting) {
        self.late_exists = self.late_exists.or(if w.certain { Truth::Yes } else { Truth::Unknown });
        self.late_least_first = Some(self.late_least_first.map_or(w.when.first, |f| f.min(w.when.first)));
        if w.when.first < x {
            self.straddling += 1;
            if self.straddling_evidence.len() < self.cap {
                self.straddling_evidence.push(w.evidence.clone());
            }
        }
        if w.certain && self.first_late.is_none() {
            self.first_late = Some((w.when, w.evidence.clone()));
        }
        let end = self.step.map(|s| s.apply(x));
        if w.certain && end.is_none_or(|end| w.when.last <= end) {
            if self.in_first.is_none() {
                self.in_first = Some((w.when, w.evidence.clone()));
            }
            if self.in_latest.as_ref().is_none_or(|(t, _)| w.when.first > t.first) {
                self.in_latest = Some((w.when, w.evidence));
            }
        } else if self.maybe_evidence.len() < self.cap {
            self.maybe_evidence.push(w.evidence);
        }
    }

    /// The anchor once every P is seen.
    fn anchor(&self) -> Option<Moment> {
        let (first, _) = self.first.as_ref()?;
        Some(match self.certain_last {
            Some(last) => Moment {
                when: When { first: *first, last },
                known: Truth::Yes,
            },
            None => Moment {
                when: When {
                    first: *first,
                    last: self.greatest_last.unwrap_or(*first),
                },
                known: Truth::Unknown,
            },
        })
    }
}

impl Monitor for Precedes {
    fn observe(&mut self, ctx: &Ctx, o: &Observation, slots: &[u32], certain: bool) {
        let when = When::of(o);
        if self.first.is_none() {
            self.settle(o.time);
        }
        if slots.contains(&P) {
            if self.first.is_none() {
                self.first = Some((o.time, ctx.evidence(o, certain)));
                // Qs before it that end before it are early; the others
                // (at this same instant, or ranges reaching it) are late.
                self.settle(o.time);
                self.waiting_least_last = None;
                for w in std::mem::take(&mut self.waiting) {
                    self.note_late(o.time, w);
                }
            }
            if certain {
                self.certain_last = Some(self.certain_last.map_or(when.last, |l| l.min(when.last)));
            }
            self.greatest_last = Some(self.greatest_last.map_or(when.last, |l| l.max(when.last)));
        }
        if slots.contains(&Q) {
            self.any_q = self.any_q.or(if certain { Truth::Yes } else { Truth::Unknown });
            let w = Waiting {
                when,
                certain,
                evidence: ctx.evidence(o, certain),
            };
            match &self.first {
                None => {
                    self.waiting_least_last = Some(self.waiting_least_last.map_or(when.last, |l| l.min(when.last)));
                    self.waiting.push(w);
                }
                Some((x, _)) => {
                    let x = *x;
                    self.note_late(x, w);
                }
            }
        }
    }

    fn finish(mut self: Box<Self>, ctx: &Ctx) -> Outcome {
        let single = |v, reason, f| Outcome::single(v, reason, f, ctx);
        let plural_q = |n: u64| plural(n, "observation of", "observations of");
        let Some(a) = self.anchor() else {
            // No P: every Q came before it.
            for w in std::mem::take(&mut self.waiting) {
                self.note_early(w);
            }
            let (p, q) = (&self.p, &self.q);
            let possible = reach(
                [self.any_q],
                |c| if c[0] { Verdict::Violated } else { Verdict::Vacuous },
            );
            return match possible.verdict() {
                Verdict::Vacuous => single(Verdict::Vacuous, format!("neither {p} nor {q} occurred"), None),
                Verdict::Violated => {
                    let reason = format!("{} {q} occurred, but no {p} did", plural_q(self.early));
                    let first_q = self.early_evidence.first().map(|e| e.time);
                    let mut f = finding(Verdict::Violated, reason.clone(), first_q, None, self.early_evidence);
                    f.evidence_omitted = self.early.saturating_sub(f.evidence.len() as u64);
                    single(Verdict::Violated, reason, Some(f))
                }
                _ => {
                    let mut doubts: Vec<String> =
                        self.early_maybe_evidence.iter().map(|e| doubt(ctx, e, None)).collect();
                    doubts.truncate(self.cap);
                    let more = self.early_maybe.saturating_sub(doubts.len() as u64);
                    let reason = format!("no {p} occurred, and {q} may have: {}", listed(doubts, more));
                    let f = finding_among(possible, reason.clone(), None, None, self.early_maybe_evidence);
                    Outcome::reached(possible, reason, Some(f), ctx)
                }
            };
        };
        let (x, p_evidence) = self.first.clone().expect("an anchor has a first P");
        let (p, q) = (self.p.clone(), self.q.clone());
        let early = if self.early > 0 {
            Truth::Yes
        } else if self.early_maybe > 0 || self.straddling > 0 || self.late_least_first.is_some_and(|f| f < a.when.last)
        {
            Truth::Unknown
        } else {
            Truth::No
        };
        let deadline = self.step.map(|s| a.when.step(s));
        let in_range = match deadline {
            // Without a limit, any Q not before `a` is at or after it.
            None => self.late_exists,
            Some(deadline) => {
                let certainly = self.in_latest.as_ref().is_some_and(|(t, _)| t.first >= a.when.last);
                if certainly {
                    Truth::Yes
                } else if self.late_least_first.is_some_and(|f| f <= deadline.last) {
                    Truth::Unknown
                } else {
                    Truth::No
                }
            }
        };
        let reached = deadline.map_or(Truth::No, |d| reached_when(ctx.horizon, d));
        let limited = deadline.is_some();
        let possible = reach([a.known, self.any_q, early, in_range, reached], |c| match c {
            [false, true, ..] => Verdict::Violated,
            [false, false, ..] => Verdict::Vacuous,
            [true, _, true, ..] => Verdict::Violated,
            [true, _, false, true, _] => Verdict::Satisfied,
            [true, _, false, false, _] if !limited => Verdict::Vacuous,
            [true, _, false, false, true] => Verdict::Violated,
            _ => Verdict::Pending,
        });
        let a_text = moment_text(a.when);
        match (possible.verdict(), early, &self.within, deadline) {
            (Verdict::Violated, Truth::Yes, ..) => {
                let first_q = self.early_evidence.first().map(|e| e.time);
                let reason = format!("{} {q} came before the first {p} ({a_text})", plural_q(self.early));
                let omitted = self.early.saturating_sub(self.early_evidence.len() as u64);
                let mut evidence = self.early_evidence;
                evidence.push(p_evidence);
                let mut f = finding(Verdict::Violated, reason.clone(), first_q, None, evidence);
                f.evidence_omitted = omitted;
                single(Verdict::Violated, reason, Some(f))
            }
            (Verdict::Vacuous, ..) => single(Verdict::Vacuous, format!("no {q} occurred"), None),
            (Verdict::Satisfied, _, None, _) => single(
                Verdict::Satisfied,
                format!("every {q} came at or after the first {p}"),
                None,
            ),
            (Verdict::Satisfied, _, Some(within), _) => {
                let came = match (&self.in_first, &self.in_latest) {
                    (Some((t, _)), _) if t.first >= a.when.last => t.first,
                    (_, Some((t, _))) => t.first,
                    _ => a.when.last,
                };
                single(
                    Verdict::Satisfied,
                    format!("{q} came {} after {p}, within {within}", humanize(elapsed(x, came))),
                    None,
                )
            }
            (Verdict::Violated, _, Some(within), Some(deadline)) => {
                let due = Some(deadline.last);
                match self.first_late {
                    Some((t, q_evidence)) if t.first > deadline.last => {
                        let reason = format!(
                            "{q} came {} after {p}; the limit is {within}",
                            humanize(elapsed(x, t.first))
                        );
                        let f = finding(
                            Verdict::Violated,
                            reason.clone(),
                            due,
                            due,
                            vec![p_evidence, q_evidence],
                        );
                        single(Verdict::Violated, reason, Some(f))
                    }
                    _ => {
                        let reason = format!("no {q} within {within} after {p} (due by {})", moment_text(deadline));
                        let f = finding(Verdict::Violated, reason.clone(), due, due, vec![p_evidence]);
                        single(Verdict::Violated, reason, Some(f))
                    }
                }
            }
            (Verdict::Pending, _, _, Some(deadline)) => {
                let reason = format!("{p} occurred; {q} is due by {}", moment_text(deadline));
                let due = Some(deadline.last);
                let f = finding(Verdict::Pending, reason.clone(), due, due, vec![p_evidence]);
                single(Verdict::Pending, reason, Some(f))
            }
            _ => {
                // Indeterminate (or a definite verdict reached only through
                // uncertain answers): say what is uncertain.
                let mut doubts = Vec::new();
                if a.known == Truth::Unknown {
                    doubts.push(format!(
                        "{p} may not have occurred: no report of it meets the evidence standard"
                    ));
                } else if !a.when.is_instant() {
                    doubts.push(format!("the first {p} is known only to lie {a_text}"));
                }
                let before = format!("may fall before the first {p} ({a_text})");
                for e in self.early_maybe_evidence.iter().chain(&self.straddling_evidence) {
                    let time = (!when_of(e).is_instant() || e.time < x).then(|| before.clone());
                    doubts.push(doubt(ctx, e, time));
                }
                if let Some(deadline) = deadline {
                    self.maybe_evidence.retain(|e| e.time <= deadline.last);
                    for e in &self.maybe_evidence {
                        doubts.push(doubt(
                            ctx,
                            e,
                            Some(format!("may fall after the deadline ({})", moment_text(deadline))),
                        ));
                    }
                    if reached == Truth::Unknown {
                        doubts.push(format!(
                            "the horizon may not have reached the deadline ({})",
                            moment_text(deadline)
                        ));
                    }
                }
                doubts.truncate(3 * self.cap.max(1));
                let reason = match &self.within {
                    Some(within) => format!(
                        "whether {q} came within {within} after the first {p} is uncertain: {}",
                        listed(doubts, 0)
                    ),
                    None => format!(
                        "whether every {q} came after the first {p} is uncertain: {}",
                        listed(doubts, 0)
                    ),
                };
                let mut evidence = vec![p_evidence];
                evidence.extend(self.early_maybe_evidence);
                evidence.extend(self.straddling_evidence);
                evidence.extend(self.maybe_evidence);
                evidence.truncate(self.cap.max(1));
                let due = deadline.map(|d| d.last);
                let f = finding_among(possible, reason.clone(), due, due, evidence);
                Outcome::reached(possible, reason, Some(f), ctx)
            }
        }
    }
}

/// "1 observation of", "3 observations of".
pub(crate) fn plural(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}
