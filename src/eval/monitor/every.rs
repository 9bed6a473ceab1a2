//! `every P is (followed|preceded) by [no] Q [within D]`: each occurrence of
//! P is judged on its own. Open occurrences wait in time order, so each
//! observation costs constant time however many occurrences there are.

use super::precedes::plural;
use super::{Ctx, Findings, Monitor, Outcome, finding};
use crate::check::model::Pattern;
use crate::eval::result::{Counts, Evidence};
use crate::eval::time::{Time, before, elapsed, humanize, reached, same_instant, shift};
use crate::log::Observation;
use crate::syntax::ast::Direction;
use crate::time::{Duration, format_timestamp};
use crate::verdict::Verdict;
use std::collections::VecDeque;

const P: u32 = 0;
const Q: u32 = 1;

/// An occurrence of P waiting for its verdict.
struct Open {
    time: Time,
    line: (u32, u64),
    evidence: Evidence,
}

pub(crate) struct Every {
    p: String,
    q: String,
    direction: Direction,
    negated: bool,
    within: Option<Duration>,
    /// Followed: occurrences whose window `[p, p + D]` is still open, oldest
    /// first. Preceded: occurrences at the latest instant, which a Q at the
    /// same instant may still decide.
    open: VecDeque<Open>,
    /// The latest Q seen, with where it stands.
    last_q: Option<(Time, (u32, u64), Evidence)>,
    counts: Counts,
    findings: Findings,
}

impl Every {
    pub fn new(
        p: &Pattern,
        direction: Direction,
        negated: bool,
        q: &Pattern,
        within: Option<Duration>,
        cap: usize,
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
            findings: Findings::new(cap),
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

    fn decide(
        &mut self,
        verdict: Verdict,
        open: Open,
        q: Option<Evidence>,
        decided_at: Option<Time>,
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
        let (p, qt, when) = (&self.p, &self.q, format_timestamp(open.time));
        let within = self.within_text();
        let reason = match (self.direction, self.negated, verdict, &q) {
            (Direction::Followed, false, Verdict::Violated, _) => format!("no {qt}{within} after the {p} at {when}"),
            (Direction::Followed, false, _, _) => format!("the {p} at {when} awaits {qt}{within}"),
            (Direction::Followed, true, Verdict::Violated, Some(q)) => {
                format!(
                    "{qt} came {} after the {p} at {when}{within}",
                    humanize(elapsed(open.time, q.time))
                )
            }
            (Direction::Followed, true, _, _) => format!("the {p} at {when} must not be followed by {qt}{within}"),
            (Direction::Preceded, false, _, _) => format!("no {qt}{within} before the {p} at {when}"),
            (Direction::Preceded, true, _, Some(q)) => {
                format!(
                    "{qt} came {} before the {p} at {when}{within}",
                    humanize(elapsed(q.time, open.time))
                )
            }
            (Direction::Preceded, true, _, None) => format!("{qt} came before the {p} at {when}"),
        };
        let mut evidence = vec![open.evidence];
        evidence.extend(q);
        self.findings
            .push(finding(verdict, reason, decided_at, deadline, evidence));
    }

    /// Followed: occurrences whose window closed before `now` are decided.
    fn expire(&mut self, now: Time) {
        while let Some(front) = self.open.front() {
            let deadline = self.deadline(front.time);
            if !before(deadline, now) {
                break;
            }
            let Some(open) = self.open.pop_front() else { break };
            // No Q came in the window: a breach, or (for `no Q`) compliance.
            let verdict = if self.negated {
                Verdict::Satisfied
            } else {
                Verdict::Violated
            };
            self.decide(verdict, open, None, Some(deadline), Some(deadline));
        }
    }

    /// Preceded: occurrences at an instant before `now` are decided.
    fn flush(&mut self, now: Option<Time>) {
        while let Some(front) = self.open.front() {
            if now.is_some_and(|n| !before(front.time, n)) {
                break;
            }
            let Some(open) = self.open.pop_front() else { break };
            let verdict = if self.negated {
                Verdict::Satisfied
            } else {
                Verdict::Violated
            };
            let at = open.time;
            self.decide(verdict, open, None, Some(at), None);
        }
    }

    /// Whether the last Q (another observation) lies in the look-back of an occurrence at `p`.
    fn q_before(&self, p: Time, me: (u32, u64)) -> Option<Evidence> {
        let (t, at, evidence) = self.last_q.as_ref()?;
        let in_range = match &self.within {
            Some(d) => !before(*t, shift(p, -d.delta())),
            None => true,
        };
        (in_range && *at != me).then(|| evidence.clone())
    }
}

impl Monitor for Every {
    fn observe(&mut self, ctx: &Ctx, o: &Observation, slots: &[u32]) {
        let (is_p, is_q) = (slots.contains(&P), slots.contains(&Q));
        let me = (o.origin.file, o.origin.line);
        match self.direction {
            Direction::Followed => {
                self.expire(o.time);
                if is_q {
                    // A Q decides every open occurrence before it (none of them is this observation).
                    let verdict = if self.negated {
                        Verdict::Violated
                    } else {
                        Verdict::Satisfied
                    };
                    let q = (verdict == Verdict::Violated).then(|| ctx.evidence(o));
                    for open in std::mem::take(&mut self.open) {
                        let deadline = self.deadline(open.time);
                        self.decide(verdict, open, q.clone(), Some(o.time), Some(deadline));
                    }
                }
                if is_p {
                    let open = Open {
                        time: o.time,
                        line: me,
                        evidence: ctx.evidence(o),
                    };
                    // An earlier Q at this same instant lies in `[p, p + D]`.
                    match self
                        .last_q
                        .as_ref()
                        .filter(|(t, _, _)| same_instant(*t, o.time))
                        .map(|(_, _, e)| e.clone())
                    {
                        Some(q) if self.negated => {
                            let deadline = self.deadline(o.time);
                            self.decide(Verdict::Violated, open, Some(q), Some(o.time), Some(deadline));
                        }
                        Some(_) => self.decide(Verdict::Satisfied, open, None, None, None),
                        None => self.open.push_back(open),
                    }
                }
            }
            Direction::Preceded => {
                self.flush(Some(o.time));
                if is_p {
                    let open = Open {
                        time: o.time,
                        line: me,
                        evidence: ctx.evidence(o),
                    };
                    match self.q_before(o.time, me) {
                        Some(q) if self.negated => self.decide(Verdict::Violated, open, Some(q), Some(o.time), None),
                        Some(_) => self.decide(Verdict::Satisfied, open, None, None, None),
                        None => self.open.push_back(open),
                    }
                }
                if is_q {
                    // A Q at the same instant lies at or before the waiting occurrences.
                    let waiting: Vec<Open> = std::mem::take(&mut self.open).into_iter().collect();
                    for open in waiting {
                        if open.line == me {
                            self.open.push_back(open);
                        } else if self.negated {
                            let q = ctx.evidence(o);
                            self.decide(Verdict::Violated, open, Some(q), Some(o.time), None);
                        } else {
                            self.decide(Verdict::Satisfied, open, None, None, None);
                        }
                    }
                }
            }
        }
        if is_q {
            self.last_q = Some((o.time, me, ctx.evidence(o)));
        }
    }

    fn finish(mut self: Box<Self>, ctx: &Ctx) -> Outcome {
        match self.direction {
            Direction::Followed => {
                for open in std::mem::take(&mut self.open) {
                    let deadline = self.deadline(open.time);
                    let verdict = match (reached(ctx.horizon, deadline), self.negated) {
                        (false, _) => Verdict::Pending,
                        (true, false) => Verdict::Violated,
                        (true, true) => Verdict::Satisfied,
                    };
                    self.decide(verdict, open, None, Some(deadline), Some(deadline));
                }
            }
            Direction::Preceded => self.flush(None),
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
        let reason = match verdict {
            Verdict::Vacuous => format!("no {p} occurred"),
            Verdict::Satisfied => format!("{} {relation}", all(total, p)),
            Verdict::Violated => {
                format!(
                    "{} of {} {p} not {relation}",
                    counts.violated,
                    plural(total, "occurrence of", "occurrences of")
                )
            }
            Verdict::Pending => format!(
                "{} of {} {p} not yet known to be {relation}",
                counts.pending,
                plural(total, "occurrence of", "occurrences of")
            ),
        };
        Outcome {
            verdict,
            reason,
            counts,
            findings: self.findings,
            notes: Vec::new(),
        }
    }
}

fn all(n: u64, p: &str) -> String {
    if n == 1 {
        format!("the one occurrence of {p} was")
    } else {
        format!("all {n} occurrences of {p} were")
    }
}
