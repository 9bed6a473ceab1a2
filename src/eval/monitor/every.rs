//! `every P is (followed|preceded) by [no] Q [within D]`: each occurrence of
//! P is judged on its own. Open occurrences wait in time order, so each
//! observation costs constant time however many occurrences there are.
//! Occurrences become evidence only when they become findings.

use super::contract::{Ctx, Findings, Monitor, Outcome, finding};
use super::precedes::plural;
use crate::check::model::Direction;
use crate::check::model::Pattern;
use crate::eval::result::Counts;
use crate::eval::time::{Time, before, elapsed, humanize, reached, same_instant, shift};
use crate::log::Observation;
use crate::time::{Duration, format_timestamp};
use crate::verdict::Verdict;
use std::collections::VecDeque;

const P: u32 = 0;
const Q: u32 = 1;

pub(crate) struct Every {
    p: String,
    q: String,
    direction: Direction,
    negated: bool,
    within: Option<Duration>,
    /// Followed: occurrences whose window `[p, p + D]` is still open, oldest
    /// first. Preceded: occurrences at the latest instant, which a Q at the
    /// same instant may still decide.
    open: VecDeque<Observation>,
    /// The latest Q seen (its storage reused for the next).
    last_q: Option<Observation>,
    counts: Counts,
    findings: Findings,
}

/// Whether two observations are the same record.
fn same(a: &Observation, b: &Observation) -> bool {
    (a.origin.file, a.origin.line) == (b.origin.file, b.origin.line)
}

impl Every {
    pub fn new(
        p: &Pattern,
        direction: Direction,
        negated: bool,
        q: &Pattern,
        within: Option<Duration>,
        findings: Findings,
    ) -> Self {
        Every {
            p: p.text.clone(),
            q: q.text.clone(),
            direction,
            negated,
            within,
            open: VecDeque::new(),
            last_q: None,
            counts: Counts::default(),
            findings,
        }
    }

    fn deadline(&self, p: Time) -> Time {
        shift(
            p,
            self.within.as_ref().map_or(chrono::TimeDelta::zero(), Duration::delta),
        )
    }

    fn within_text(&self) -> String {
        self.within
            .as_ref()
            .map_or_else(String::new, |d| format!(" within {d}"))
    }

    /// Counts a verdict, and lists it if it is violated or pending.
    fn decide(
        &mut self,
        ctx: &Ctx,
        verdict: Verdict,
        p: &Observation,
        q: Option<&Observation>,
        deadline: Option<Time>,
    ) {
        self.counts.add(verdict, 1);
        if verdict == Verdict::Satisfied {
            return;
        }
        if !self.findings.has_room() {
            self.findings.omit(1);
            return;
        }
        let (pt, qt, when) = (&self.p, &self.q, format_timestamp(p.time));
        let within = self.within_text();
        let reason = match (self.direction, self.negated, verdict, q) {
            (Direction::Followed, false, Verdict::Violated, _) => format!("no {qt}{within} after the {pt} at {when}"),
            (Direction::Followed, false, _, _) => format!("the {pt} at {when} awaits {qt}{within}"),
            (Direction::Followed, true, Verdict::Violated, Some(q)) => {
                format!(
                    "{qt} came {} after the {pt} at {when}{within}",
                    humanize(elapsed(p.time, q.time))
                )
            }
            (Direction::Followed, true, _, _) => format!("the {pt} at {when} must not be followed by {qt}{within}"),
            (Direction::Preceded, false, _, _) => format!("no {qt}{within} before the {pt} at {when}"),
            (Direction::Preceded, true, _, Some(q)) => {
                format!(
                    "{qt} came {} before the {pt} at {when}{within}",
                    humanize(elapsed(q.time, p.time))
                )
            }
            (Direction::Preceded, true, _, None) => format!("{qt} came before the {pt} at {when}"),
        };
        // Decided when the Q came, when the window closed, or (looking back) at once.
        let decided_at = match (q, self.direction) {
            (Some(q), Direction::Followed) => Some(q.time),
            (_, Direction::Followed) => deadline,
            (_, Direction::Preceded) => Some(p.time),
        };
        let mut evidence = vec![ctx.evidence(p)];
        evidence.extend(q.map(|q| ctx.evidence(q)));
        self.findings
            .push(finding(verdict, reason, decided_at, deadline, evidence));
    }

    /// Followed: occurrences whose window closed before `now` are decided.
    fn expire(&mut self, ctx: &Ctx, now: Time) {
        while let Some(front) = self.open.front() {
            let deadline = self.deadline(front.time);
            if !before(deadline, now) {
                break;
            }
            let Some(p) = self.open.pop_front() else { break };
            // No Q came in the window: a breach, or (for `no Q`) compliance.
            let verdict = if self.negated {
                Verdict::Satisfied
            } else {
                Verdict::Violated
            };
            self.decide(ctx, verdict, &p, None, Some(deadline));
        }
    }

    /// Preceded: occurrences at an instant before `now` are decided.
    fn flush(&mut self, ctx: &Ctx, now: Option<Time>) {
        while let Some(front) = self.open.front() {
            if now.is_some_and(|n| !before(front.time, n)) {
                break;
            }
            let Some(p) = self.open.pop_front() else { break };
            let verdict = if self.negated {
                Verdict::Satisfied
            } else {
                Verdict::Violated
            };
            self.decide(ctx, verdict, &p, None, None);
        }
    }

    /// Whether the last Q lies in the look-back of an occurrence at `p`.
    fn q_before(&self, p: Time) -> bool {
        self.last_q.as_ref().is_some_and(|q| match &self.within {
            Some(d) => !before(q.time, shift(p, -d.delta())),
            None => true,
        })
    }

    fn followed(&mut self, ctx: &Ctx, o: &Observation, is_p: bool, is_q: bool) {
        self.expire(ctx, o.time);
        if is_q {
            // A Q decides every open occurrence before it (none of them is this observation).
            let verdict = if self.negated {
                Verdict::Violated
            } else {
                Verdict::Satisfied
            };
            for p in std::mem::take(&mut self.open) {
                let deadline = self.deadline(p.time);
                self.decide(ctx, verdict, &p, Some(o), Some(deadline));
            }
        }
        if is_p {
            // An earlier Q at this same instant lies in `[p, p + D]`.
            let q_now = self.last_q.as_ref().is_some_and(|q| same_instant(q.time, o.time));
            match q_now {
                true if self.negated => {
                    let (q, deadline) = (self.last_q.take(), self.deadline(o.time));
                    self.decide(ctx, Verdict::Violated, o, q.as_ref(), Some(deadline));
                    self.last_q = q;
                }
                true => self.counts.add(Verdict::Satisfied, 1),
                false => self.open.push_back(o.clone()),
            }
        }
    }

    fn preceded(&mut self, ctx: &Ctx, o: &Observation, is_p: bool, is_q: bool) {
        self.flush(ctx, Some(o.time));
        if is_p {
            match self.q_before(o.time) {
                true if self.negated => {
                    let q = self.last_q.take();
                    self.decide(ctx, Verdict::Violated, o, q.as_ref(), None);
                    self.last_q = q;
                }
                true => self.counts.add(Verdict::Satisfied, 1),
                false => self.open.push_back(o.clone()),
            }
        }
        if is_q {
            // A Q at the same instant lies at or before the waiting occurrences.
            for p in std::mem::take(&mut self.open) {
                if same(&p, o) {
                    self.open.push_back(p);
                } else if self.negated {
                    self.decide(ctx, Verdict::Violated, &p, Some(o), None);
                } else {
                    self.counts.add(Verdict::Satisfied, 1);
                }
            }
        }
    }
}

impl Monitor for Every {
    fn observe(&mut self, ctx: &Ctx, o: &Observation, slots: &[u32]) {
        let (is_p, is_q) = (slots.contains(&P), slots.contains(&Q));
        match self.direction {
            Direction::Followed => self.followed(ctx, o, is_p, is_q),
            Direction::Preceded => self.preceded(ctx, o, is_p, is_q),
        }
        if is_q {
            match &mut self.last_q {
                Some(q) => q.clone_from(o),
                None => self.last_q = Some(o.clone()),
            }
        }
    }

    fn finish(mut self: Box<Self>, ctx: &Ctx) -> Outcome {
        match self.direction {
            Direction::Followed => {
                for p in std::mem::take(&mut self.open) {
                    let deadline = self.deadline(p.time);
                    let verdict = match (reached(ctx.horizon, deadline), self.negated) {
                        (false, _) => Verdict::Pending,
                        (true, false) => Verdict::Violated,
                        (true, true) => Verdict::Satisfied,
                    };
                    self.decide(ctx, verdict, &p, None, Some(deadline));
                }
            }
            Direction::Preceded => self.flush(ctx, None),
        }
        let counts = self.counts;
        let verdict = counts.worst();
        let total = counts.satisfied + counts.violated + counts.pending;
        let (p, q) = (&self.p, &self.q);
        let within = self.within_text();
        let relation = match (self.direction, self.negated) {
            (Direction::Followed, false) => format!("followed by {q}{within}"),
            (Direction::Followed, true) => format!("followed by no {q}{within}"),
            (Direction::Preceded, false) => format!("preceded by {q}{within}"),
            (Direction::Preceded, true) => format!("preceded by no {q}{within}"),
        };
        let occurrences = |n| plural(n, "occurrence of", "occurrences of");
        let reason = match verdict {
            Verdict::Vacuous => format!("no {p} occurred"),
            Verdict::Satisfied if total == 1 => format!("the one occurrence of {p} was {relation}"),
            Verdict::Satisfied => format!("all {total} occurrences of {p} were {relation}"),
            Verdict::Violated => format!("{} of {} {p} not {relation}", counts.violated, occurrences(total)),
            Verdict::Pending => {
                format!(
                    "{} of {} {p} not yet known to be {relation}",
                    counts.pending,
                    occurrences(total)
                )
            }
        };
        Outcome {
            verdict,
            reason,
            counts,
            findings: self.findings,
            notes: Vec::new(),
            error: None,
        }
    }
}
