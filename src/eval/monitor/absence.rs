//! `no P WINDOW`.

use super::contract::{Ctx, Monitor, Outcome, finding};
use crate::check::model::Pattern;
use crate::eval::result::Evidence;
use crate::eval::time::{Interval, Time};
use crate::log::Observation;
use crate::time::format_timestamp;
use crate::verdict::Verdict;

pub(crate) struct Absence {
    p: String,
    /// `None`: the window has no known start, so it never started.
    window: Option<Interval>,
    hits: u64,
    first: Option<Time>,
    evidence: Vec<Evidence>,
    cap: usize,
}

impl Absence {
    pub fn new(p: &Pattern, window: Option<Interval>, cap: usize) -> Self {
        Absence {
            p: p.text.clone(),
            window,
            hits: 0,
            first: None,
            evidence: Vec::new(),
            cap,
        }
    }
}

impl Monitor for Absence {
    fn observe(&mut self, ctx: &Ctx, o: &Observation, _slots: &[u32]) {
        if self.window.is_some_and(|w| w.contains(o.time)) {
            self.hits += 1;
            self.first.get_or_insert(o.time);
            if self.evidence.len() < self.cap {
                self.evidence.push(ctx.evidence(o));
            }
        }
    }

    fn finish(self: Box<Self>, ctx: &Ctx) -> Outcome {
        let single = |v, reason, f| Outcome::single(v, reason, f, ctx);
        let p = &self.p;
        let window = match self.window {
            Some(w) if w.started(ctx.horizon) => w,
            _ => return single(Verdict::Vacuous, "the window never started".to_string(), None),
        };
        let bounds = describe(&window);
        if self.hits > 0 {
            let reason = if self.hits == 1 {
                format!("{p} occurred {bounds}")
            } else {
                format!("{p} occurred {} times {bounds}", self.hits)
            };
            let mut f = finding(
                Verdict::Violated,
                reason.clone(),
                self.first,
                window.end_time(),
                self.evidence,
            );
            f.window = Some((window.start_time(), window.end_time()));
            f.evidence_omitted = self.hits - f.evidence.len() as u64;
            return single(Verdict::Violated, reason, Some(f));
        }
        if window.closed(ctx.horizon) {
            return single(Verdict::Satisfied, format!("no {p} {bounds}"), None);
        }
        let reason = format!("no {p} so far {bounds}; the window is still open");
        let mut f = finding(
            Verdict::Pending,
            reason.clone(),
            window.end_time(),
            window.end_time(),
            Vec::new(),
        );
        f.window = Some((window.start_time(), window.end_time()));
        single(Verdict::Pending, reason, Some(f))
    }
}

/// "between 2025-01-19T09:15:00Z and 2025-03-02T09:15:00Z", "after …", "before …".
pub(crate) fn describe(window: &Interval) -> String {
    match (window.start_time(), window.end_time()) {
        (Some(s), Some(e)) => format!("between {} and {}", format_timestamp(s), format_timestamp(e)),
        (Some(s), None) => format!("since {}", format_timestamp(s)),
        (None, Some(e)) => format!("before {}", format_timestamp(e)),
        (None, None) => "at any time".to_string(),
    }
}
