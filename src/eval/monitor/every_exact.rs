//! The `every` monitor while every observation it has seen is an instant
//! that certainly exists — the whole of an exact log. Then each question has
//! a definite answer and v1's bookkeeping suffices: the occurrences waiting
//! in time order and the latest Q. The first range or report in doubt hands
//! this state over to the three-valued bookkeeping (`Every::leave_exact`);
//! the verdicts are the same either way, this path only costs less.

use super::contract::{Ctx, finding};
use super::every::{Every, Occurrence, keep, keep_in};
use crate::check::model::Direction;
use crate::eval::time::{Time, before, same_instant};
use crate::eval::truth::Truth;
use crate::log::Observation;
use crate::verdict::Verdict;
use std::collections::VecDeque;

/// Whether two observations are the same record.
fn same(a: &Observation, b: &Observation) -> bool {
    (a.origin.file, a.origin.line) == (b.origin.file, b.origin.line)
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

    /// Takes the waiting occurrences out to be decided one by one, leaving
    /// `open` empty with the spare storage.
    fn take_open(&mut self) -> VecDeque<Observation> {
        let spare = std::mem::take(&mut self.exact.spare);
        std::mem::replace(&mut self.exact.open, spare)
    }

    /// Puts `o` at the back of the waiting occurrences, copied in place.
    fn wait(&mut self, o: &Observation) {
        let full = self.findings.has_room();
        self.exact.open.push_back(Observation::blank());
        if let Some(kept) = self.exact.open.back_mut() {
            keep_in(kept, o, full);
        }
    }

    /// Gives back the storage `take_open` took, emptied.
    fn give_back(&mut self, taken: VecDeque<Observation>) {
        debug_assert!(taken.is_empty());
        self.exact.spare = taken;
    }

    /// Counts a definite verdict, and lists it if it is violated or pending.
    fn exact_decide(
        &mut self,
        ctx: &Ctx,
        verdict: Verdict,
        p: &Observation,
        q: Option<&Observation>,
        deadline: Option<Time>,
    ) {
        self.counts.add(verdict, 1);
        self.union.add(verdict);
        self.floor = self.floor.max(verdict);
        if verdict == Verdict::Satisfied {
            return;
        }
        if !self.findings.has_room() {
            self.findings.omit(1);
            return;
        }
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
            let Some(p) = self.exact.open.pop_front() else { break };
            // No Q came in the window: a breach, or (for `no Q`) compliance.
            let (_, miss) = self.hit_miss();
            self.exact_decide(ctx, miss, &p, None, Some(deadline));
        }
    }

    /// Preceded: occurrences at an instant before `now` are decided.
    fn exact_flush(&mut self, ctx: &Ctx, now: Time) {
        while let Some(front) = self.exact.open.front() {
            if !before(front.time, now) {
                break;
            }
            let Some(p) = self.exact.open.pop_front() else { break };
            let (_, miss) = self.hit_miss();
            self.exact_decide(ctx, miss, &p, None, None);
        }
    }

    /// Whether the last Q lies in the look-back of an occurrence at `p`.
    fn exact_q_before(&self, p: Time) -> bool {
        self.exact.last_q.as_ref().is_some_and(|q| match &self.within {
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
                    // A satisfied occurrence lists nothing, so needs no deadline worked out.
                    let mut taken = self.take_open();
                    while let Some(p) = taken.pop_front() {
                        let deadline = (hit != Verdict::Satisfied).then(|| self.front_deadline(p.time));
                        self.exact_decide(ctx, hit, &p, Some(o), deadline);
                    }
                    self.give_back(taken);
                }
                if is_p {
                    // An earlier Q at this same instant lies in `[p, p + D]`.
                    let q_now = self.exact.last_q.as_ref().is_some_and(|q| same_instant(q.time, o.time));
                    if q_now {
                        let (q, deadline) = (self.exact.last_q.take(), self.exact_deadline(o.time));
                        self.exact_decide(ctx, hit, o, q.as_ref(), Some(deadline));
                        self.exact.last_q = q;
                    } else {
                        self.wait(o);
                    }
                }
            }
            Direction::Preceded => {
                self.exact_flush(ctx, o.time);
                if is_p {
                    if self.exact_q_before(o.time) {
                        let q = self.exact.last_q.take();
                        self.exact_decide(ctx, hit, o, q.as_ref(), None);
                        self.exact.last_q = q;
                    } else {
                        self.wait(o);
                    }
                }
                if is_q {
                    // A Q at the same instant lies at or before the waiting occurrences.
                    let mut taken = self.take_open();
                    while let Some(p) = taken.pop_front() {
                        if same(&p, o) {
                            self.exact.open.push_back(p);
                        } else {
                            self.exact_decide(ctx, hit, &p, Some(o), None);
                        }
                    }
                    self.give_back(taken);
                }
            }
        }
        if is_q {
            keep(&mut self.exact.last_q, o, self.findings.has_room());
        }
    }

    /// Hands the exact path's state over to the three-valued bookkeeping:
    /// the waiting occurrences, still unanswered, and the latest Q.
    pub(super) fn leave_exact(&mut self) {
        self.exact_mode = false;
        let exact = std::mem::take(&mut self.exact);
        let full = self.findings.has_room();
        for p in exact.open {
            let window = self.window_of(crate::eval::time::When::of(&p));
            self.open
                .push(Occurrence::new(&p, true, (Truth::No, None), window, full));
        }
        if let Some(q) = exact.last_q {
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
