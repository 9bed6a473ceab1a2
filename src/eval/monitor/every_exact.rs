//! The `every` monitor while every observation it has seen is an instant
//! that certainly exists — the whole of an exact log. Then each question has
//! a definite answer and v1's bookkeeping suffices: the occurrences waiting
//! in time order and the latest Q. The first range or report in doubt hands
//! this state over to the three-valued bookkeeping (`Every::leave_exact`);
//! the verdicts are the same either way, this path only costs less.

use super::contract::{Ctx, finding};
use super::every::{Every, Occurrence, Waiting, keep};
use crate::check::model::Direction;
use crate::eval::time::{Time, before, same_instant};
use crate::eval::truth::Truth;
use crate::log::{Observation, Origin};
use crate::verdict::Verdict;

/// Whether two places are the same record's.
fn same(a: &Origin, b: &Origin) -> bool {
    (a.file, a.line) == (b.file, b.line)
}

impl Every {
    fn exact_deadline(&self, p: Time) -> Time {
        self.step.apply(p)
    }

    /// The deadline of the front occurrence, at `p`, from the cache.
    fn front_deadline(&mut self, p: Time) -> Time {
        match self.exact.front_deadline {
            Some((at, deadline)) if at == p => deadline,
            _ => {
                let deadline = self.exact_deadline(p);
                self.exact.front_deadline = Some((p, deadline));
                deadline
            }
        }
    }

    /// Puts `o` at the back of the waiting occurrences: its instant and
    /// place, and its whole record while a finding may show it.
    fn wait(&mut self, o: &Observation) {
        let shown = self.findings.has_room();
        self.exact.open.push_back(Waiting::of(o, shown));
        if shown {
            self.exact.shown.push_back(o.clone());
        }
    }

    /// Takes the oldest waiting occurrence out, with its record if kept.
    fn pop_waiting(&mut self) -> Option<(Waiting, Option<Observation>)> {
        let waiting = self.exact.open.pop_front()?;
        let shown = if waiting.shown {
            self.exact.shown.pop_front()
        } else {
            None
        };
        Some((waiting, shown))
    }

    /// Counts a definite verdict; whether it is to be listed (violated or
    /// pending, with room left among the findings).
    fn exact_tally(&mut self, verdict: Verdict) -> bool {
        self.counts.add(verdict, 1);
        self.union.add(verdict);
        self.floor = self.floor.max(verdict);
        if verdict == Verdict::Satisfied {
            return false;
        }
        if !self.findings.has_room() {
            self.findings.omit(1);
            return false;
        }
        true
    }

    /// Lists a finding about occurrence `p` and its answer `q`.
    fn exact_list(
        &mut self,
        ctx: &Ctx,
        verdict: Verdict,
        p: &Observation,
        q: Option<&Observation>,
        deadline: Option<Time>,
    ) {
        let reason = self.reason(verdict, p, q);
        // Decided when the Q came, when the window closed, or (looking back) at once.
        let decided_at = match (q, self.direction) {
            (Some(q), Direction::Followed) => Some(q.time),
            (_, Direction::Followed) => deadline,
            (_, Direction::Preceded) => Some(p.time),
        };
        let mut evidence = vec![ctx.evidence(p, true)];
        evidence.extend(q.map(|q| ctx.evidence(q, true)));
        self.findings
            .push(finding(verdict, reason, decided_at, deadline, evidence));
    }

    /// Decides a waiting occurrence (taken out by `pop_waiting`); `deadline`
    /// is worked out only if a finding lists it.
    fn exact_decide_waiting(
        &mut self,
        ctx: &Ctx,
        verdict: Verdict,
        (waiting, shown): (Waiting, Option<Observation>),
        q: Option<&Observation>,
        deadline: impl FnOnce(&mut Self) -> Option<Time>,
    ) {
        if self.exact_tally(verdict) {
            // A listed occurrence had room when it came, so its record was
            // kept (room, once gone, never comes back).
            debug_assert!(shown.is_some());
            let p = shown.unwrap_or_else(|| waiting.thin());
            let deadline = deadline(self);
            self.exact_list(ctx, verdict, &p, q, deadline);
        }
    }

    /// Decides the current observation `p` at once, answered by the latest Q.
    fn exact_decide_now(&mut self, ctx: &Ctx, verdict: Verdict, p: &Observation, deadline: Option<Time>) {
        if self.exact_tally(verdict) {
            // Listed, so findings had room when the Q came: its record was kept.
            let q = self.take_last_q();
            self.exact_list(ctx, verdict, p, q.as_ref(), deadline);
            self.exact.last_q_shown = q.filter(|_| self.exact.last_q.is_some_and(|w| w.shown));
        }
    }

    /// Keeps `o` as the latest Q: its instant and place, and its record
    /// (in the storage of the last) while a finding may show it.
    fn keep_q(&mut self, o: &Observation) {
        let shown = self.findings.has_room();
        self.exact.last_q = Some(Waiting::of(o, shown));
        if shown {
            keep(&mut self.exact.last_q_shown, o, true);
        } else if self.exact.last_q_shown.is_some() {
            self.exact.last_q_shown = None;
        }
    }

    /// The latest Q's observation, taken out: its record if kept, else
    /// what a verdict needs of it.
    fn take_last_q(&mut self) -> Option<Observation> {
        let q = self.exact.last_q?;
        let shown = if q.shown { self.exact.last_q_shown.take() } else { None };
        Some(shown.unwrap_or_else(|| q.thin()))
    }

    fn hit_miss(&self) -> (Verdict, Verdict) {
        if self.negated {
            (Verdict::Violated, Verdict::Satisfied)
        } else {
            (Verdict::Satisfied, Verdict::Violated)
        }
    }

    /// Followed: occurrences whose window closed before `now` are decided.
    fn exact_expire(&mut self, ctx: &Ctx, now: Time) {
        while let Some(front) = self.exact.open.front() {
            let deadline = self.front_deadline(front.time);
            if !before(deadline, now) {
                break;
            }
            let Some(p) = self.pop_waiting() else { break };
            // No Q came in the window: a breach, or (for `no Q`) compliance.
            let (_, miss) = self.hit_miss();
            self.exact_decide_waiting(ctx, miss, p, None, |_| Some(deadline));
        }
    }

    /// Preceded: occurrences at an instant before `now` are decided.
    fn exact_flush(&mut self, ctx: &Ctx, now: Time) {
        while let Some(front) = self.exact.open.front() {
            if !before(front.time, now) {
                break;
            }
            let Some(p) = self.pop_waiting() else { break };
            let (_, miss) = self.hit_miss();
            self.exact_decide_waiting(ctx, miss, p, None, |_| None);
        }
    }

    /// Whether the last Q lies in the look-back of an occurrence at `p`.
    fn exact_q_before(&self, p: Time) -> bool {
        self.exact.last_q.is_some_and(|q| match &self.within {
            Some(_) => !before(q.time, self.step.back().apply(p)),
            None => true,
        })
    }

    /// One exact observation: v1's rules.
    pub(super) fn exact_observe(&mut self, ctx: &Ctx, o: &Observation, is_p: bool, is_q: bool) {
        let (hit, _) = self.hit_miss();
        match self.direction {
            Direction::Followed => {
                self.exact_expire(ctx, o.time);
                if is_q {
                    // A Q decides every open occurrence before it (none of them is this observation).
                    while let Some(p) = self.pop_waiting() {
                        let at = p.0.time;
                        self.exact_decide_waiting(ctx, hit, p, Some(o), |this| Some(this.front_deadline(at)));
                    }
                }
                if is_p {
                    // An earlier Q at this same instant lies in `[p, p + D]`.
                    let q_now = self.exact.last_q.is_some_and(|q| same_instant(q.time, o.time));
                    if q_now {
                        let deadline = self.exact_deadline(o.time);
                        self.exact_decide_now(ctx, hit, o, Some(deadline));
                    } else {
                        self.wait(o);
                    }
                }
            }
            Direction::Preceded => {
                self.exact_flush(ctx, o.time);
                if is_p {
                    if self.exact_q_before(o.time) {
                        self.exact_decide_now(ctx, hit, o, None);
                    } else {
                        self.wait(o);
                    }
                }
                if is_q {
                    // A Q at the same instant lies at or before the waiting
                    // occurrences — all but this observation itself, which
                    // `wait` may just have put at the back.
                    let itself = self.exact.open.back().is_some_and(|w| same(&w.origin, &o.origin));
                    let decided = self.exact.open.len() - usize::from(itself);
                    for _ in 0..decided {
                        let Some(p) = self.pop_waiting() else { break };
                        self.exact_decide_waiting(ctx, hit, p, Some(o), |_| None);
                    }
                }
            }
        }
        if is_q {
            self.keep_q(o);
        }
    }

    /// Hands the exact path's state over to the three-valued bookkeeping:
    /// the waiting occurrences, still unanswered, and the latest Q.
    pub(super) fn leave_exact(&mut self) {
        self.exact_mode = false;
        let last_q = self.take_last_q();
        let mut exact = std::mem::take(&mut self.exact);
        let full = self.findings.has_room();
        for waiting in exact.open {
            let shown = if waiting.shown { exact.shown.pop_front() } else { None };
            let p = shown.unwrap_or_else(|| waiting.thin());
            let window = self.window_of(crate::eval::time::When::of(&p));
            self.open
                .push(Occurrence::new(&p, true, (Truth::No, None), window, full));
        }
        if let Some(q) = last_q {
            match self.direction {
                Direction::Followed => {
                    self.now_q_at = Some(q.time);
                    self.now_q = Some(q);
                }
                Direction::Preceded => self.released = Some(q),
            }
        }
    }
}
