//! `P occurs by A` and `P occurs within D after A`: is the anchor known? is
//! some P in the range? has the horizon reached the deadline?

use super::contract::{Ctx, Monitor, Outcome, finding, finding_among, reach};
use super::doubt::{dated, doubt, listed, moment_phrase, moment_text, when_of};
use crate::check::model::{Anchor, Pattern};
use crate::eval::result::Evidence;
use crate::eval::time::{Moment, Step, When, at_or_before, earlier, elapsed, humanize, reached_when};
use crate::eval::truth::Truth;
use crate::log::Observation;
use crate::time::{Calendar, Duration};
use crate::verdict::Verdict;

pub(crate) struct Occurs {
    p: String,
    anchor: String,
    /// `within D after A`; `None` for `by A`.
    within: Option<Duration>,
    /// `D` stepped through the unit's calendar.
    step: Option<Step>,
    /// The anchor's time, if it may be known.
    at: Option<Moment>,
    /// Whether some P lies in the range.
    hit: Truth,
    /// The first P certainly in the range.
    hit_evidence: Option<Evidence>,
    /// P that may lie in the range (and may exist).
    maybe: u64,
    maybe_evidence: Vec<Evidence>,
    /// The first P certainly after the range (late).
    late: Option<Evidence>,
    cap: usize,
}

impl Occurs {
    pub fn by(p: &Pattern, deadline: &Anchor, at: Option<Moment>, cap: usize) -> Self {
        Occurs::new(p, None, deadline, at, cap)
    }

    pub fn within(
        p: &Pattern,
        (within, calendar): (Duration, Calendar),
        after: &Anchor,
        at: Option<Moment>,
        cap: usize,
    ) -> Self {
        let mut occurs = Occurs::new(p, Some(within), after, at, cap);
        occurs.step = occurs.within.as_ref().map(|d| Step::of(calendar, d));
        occurs
    }

    fn new(p: &Pattern, within: Option<Duration>, anchor: &Anchor, at: Option<Moment>, cap: usize) -> Self {
        Occurs {
            p: p.text.clone(),
            anchor: anchor.text.clone(),
            within,
            step: None,
            at,
            hit: Truth::No,
            hit_evidence: None,
            maybe: 0,
            maybe_evidence: Vec::new(),
            late: None,
            cap,
        }
    }

    /// The deadline: `A`, or `A + D`.
    fn deadline(&self, at: Moment) -> When {
        match &self.step {
            None => at.when,
            Some(step) => at.when.step(*step),
        }
    }

    /// Whether something at `t` lies in the range `(-∞, A]` or `[A, A + D]`.
    fn in_range(&self, at: Moment, t: When) -> Truth {
        let by = at_or_before(t, self.deadline(at));
        match self.within {
            None => by,
            Some(_) => at_or_before(at.when, t).and(by),
        }
    }
}

impl Monitor for Occurs {
    fn observe(&mut self, ctx: &Ctx, o: &Observation, _slots: &[u32], certain: bool) {
        let Some(at) = self.at else { return };
        if self.hit == Truth::Yes {
            return;
        }
        let t = When::of(o);
        let exists = if certain { Truth::Yes } else { Truth::Unknown };
        match self.in_range(at, t).and(exists) {
            Truth::Yes => {
                self.hit = Truth::Yes;
                self.hit_evidence = Some(ctx.evidence(o, certain));
            }
            Truth::Unknown => {
                self.hit = Truth::Unknown;
                self.maybe += 1;
                if self.maybe_evidence.len() < self.cap {
                    self.maybe_evidence.push(ctx.evidence(o, certain));
                }
            }
            Truth::No => {
                if certain && self.late.is_none() && earlier(self.deadline(at), t) == Truth::Yes {
                    self.late = Some(ctx.evidence(o, certain));
                }
            }
        }
    }

    fn finish(self: Box<Self>, ctx: &Ctx) -> Outcome {
        let single = |v, reason, f| Outcome::single(v, reason, f, ctx);
        let (p, anchor) = (&self.p, &self.anchor);
        let Some(at) = self.at else {
            return single(Verdict::Vacuous, format!("{anchor} has not occurred"), None);
        };
        let deadline = self.deadline(at);
        let due_at = moment_phrase(deadline);
        // The deadline counts: an observation at it is in time (LANGUAGE.md).
        let due = match &self.within {
            None => format!("by {anchor} ({due_at}, inclusive)"),
            Some(d) => format!("within {d} after {anchor} (by {due_at}, inclusive)"),
        };
        let reached = reached_when(ctx.horizon, deadline);
        let possible = reach([at.known, self.hit, reached], |c| match c {
            [false, ..] => Verdict::Vacuous,
            [true, true, _] => Verdict::Satisfied,
            [true, false, true] => Verdict::Violated,
            _ => Verdict::Pending,
        });
        let decided = Some(deadline.last);
        match possible.verdict() {
            Verdict::Vacuous => single(Verdict::Vacuous, format!("{anchor} has not occurred"), None),
            Verdict::Satisfied => {
                let when = self.hit_evidence.as_ref().map(dated).unwrap_or_default();
                single(Verdict::Satisfied, format!("{p} occurred {when}, {due}"), None)
            }
            Verdict::Violated => {
                let reason = match &self.late {
                    Some(late) => format!(
                        "{p} came {} late: it was due {due}",
                        humanize(elapsed(deadline.last, late.time))
                    ),
                    None => format!("no {p} {due}"),
                };
                let evidence = self.late.into_iter().collect();
                let f = finding(Verdict::Violated, reason.clone(), decided, decided, evidence);
                single(Verdict::Violated, reason, Some(f))
            }
            Verdict::Pending => {
                let reason = format!("{p} is due {due}");
                let f = finding(Verdict::Pending, reason.clone(), decided, decided, Vec::new());
                single(Verdict::Pending, reason, Some(f))
            }
            Verdict::Indeterminate => {
                let mut doubts = Vec::new();
                if at.known == Truth::Unknown {
                    doubts.push(format!(
                        "{anchor} may not have occurred: no report of it meets the evidence standard"
                    ));
                } else if !at.when.is_instant() {
                    doubts.push(format!("{anchor} is known only to lie {}", moment_text(at.when)));
                }
                for e in &self.maybe_evidence {
                    let t = when_of(e);
                    let mut time = Vec::new();
                    if self.within.is_some() && at_or_before(at.when, t) == Truth::Unknown {
                        time.push(format!("may fall before {anchor} ({})", moment_text(at.when)));
                    }
                    if at_or_before(t, deadline) == Truth::Unknown {
                        time.push(format!("may fall after the deadline ({due_at})"));
                    }
                    doubts.push(doubt(ctx, e, (!time.is_empty()).then(|| time.join(" and "))));
                }
                let more = self.maybe - self.maybe_evidence.len() as u64;
                if reached == Truth::Unknown {
                    doubts.push(format!("the horizon may not have reached the deadline ({due_at})"));
                }
                let reason = format!(
                    "{p} is due {due}, and the log cannot say whether it came: {}",
                    listed(doubts, more)
                );
                let mut f = finding_among(possible, reason.clone(), decided, decided, self.maybe_evidence);
                f.evidence_omitted = more;
                Outcome::reached(possible, reason, Some(f), ctx)
            }
        }
    }
}
