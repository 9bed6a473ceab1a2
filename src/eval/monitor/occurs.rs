//! `P occurs by A` and `P occurs within D after A`.

use super::contract::{Ctx, Monitor, Outcome, finding};
use crate::check::model::{Anchor, Pattern};
use crate::eval::result::Evidence;
use crate::eval::time::{Time, before, by_deadline, elapsed, humanize, reached, shift};
use crate::log::Observation;
use crate::time::{Duration, format_timestamp};
use crate::verdict::Verdict;

pub(crate) struct Occurs {
    p: String,
    anchor: String,
    /// `within D after A`; `None` for `by A`.
    within: Option<Duration>,
    /// The anchor's time, if known.
    at: Option<Time>,
    /// The first P in the range.
    hit: Option<Evidence>,
    /// The first P after the range (late).
    late: Option<Evidence>,
}

impl Occurs {
    pub fn by(p: &Pattern, deadline: &Anchor, at: Option<Time>) -> Self {
        Occurs {
            p: p.text.clone(),
            anchor: deadline.text.clone(),
            within: None,
            at,
            hit: None,
            late: None,
        }
    }

    pub fn within(p: &Pattern, within: Duration, after: &Anchor, at: Option<Time>) -> Self {
        Occurs {
            p: p.text.clone(),
            anchor: after.text.clone(),
            within: Some(within),
            at,
            hit: None,
            late: None,
        }
    }

    /// The range `(start, deadline)`: `(-∞, A]` or `[A, A + D]`.
    fn range(&self) -> Option<(Option<Time>, Time)> {
        let at = self.at?;
        Some(match &self.within {
            None => (None, at),
            Some(d) => (Some(at), shift(at, d.delta())),
        })
    }
}

impl Monitor for Occurs {
    fn observe(&mut self, ctx: &Ctx, o: &Observation, _slots: &[u32]) {
        let Some((start, deadline)) = self.range() else { return };
        if self.hit.is_some() || start.is_some_and(|s| before(o.time, s)) {
            return;
        }
        if by_deadline(o.time, deadline) {
            self.hit = Some(ctx.evidence(o));
        } else if self.late.is_none() {
            self.late = Some(ctx.evidence(o));
        }
    }

    fn finish(self: Box<Self>, ctx: &Ctx) -> Outcome {
        let single = |v, reason, f| Outcome::single(v, reason, f, ctx);
        let (p, anchor) = (&self.p, &self.anchor);
        let Some((_, deadline)) = self.range() else {
            return single(Verdict::Vacuous, format!("{anchor} has not occurred"), None);
        };
        let due = match &self.within {
            None => format!("by {anchor} ({})", format_timestamp(deadline)),
            Some(d) => format!("within {d} after {anchor} (by {})", format_timestamp(deadline)),
        };
        if let Some(hit) = &self.hit {
            let when = format_timestamp(hit.time);
            return single(Verdict::Satisfied, format!("{p} occurred at {when}, {due}"), None);
        }
        if reached(ctx.horizon, deadline) {
            let reason = match &self.late {
                Some(late) => format!(
                    "{p} came {} late: it was due {due}",
                    humanize(elapsed(deadline, late.time))
                ),
                None => format!("no {p} {due}"),
            };
            let evidence = self.late.into_iter().collect();
            let f = finding(
                Verdict::Violated,
                reason.clone(),
                Some(deadline),
                Some(deadline),
                evidence,
            );
            return single(Verdict::Violated, reason, Some(f));
        }
        let reason = format!("{p} is due {due}");
        let f = finding(
            Verdict::Pending,
            reason.clone(),
            Some(deadline),
            Some(deadline),
            Vec::new(),
        );
        single(Verdict::Pending, reason, Some(f))
    }
}
