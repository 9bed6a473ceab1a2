//! `no P WINDOW`: has the window started? is some P inside? has it closed?

use super::contract::{Ctx, Monitor, Outcome, finding, finding_among, reach};
use super::doubt::{doubt, listed, moment_phrase, moment_text, outside_window, when_of};
use crate::check::model::Pattern;
use crate::eval::result::Evidence;
use crate::eval::time::{Interval, Time, When};
use crate::eval::truth::Truth;
use crate::log::Observation;
use crate::verdict::Verdict;

pub(crate) struct Absence {
    p: String,
    /// `None`: the window has no known start, so it never started.
    window: Option<Interval>,
    /// The hours of each day it is restricted to (`daily`).
    daily: Option<(crate::time::DailyHours, crate::time::Calendar)>,
    /// P that certainly exist and certainly lie inside.
    hits: u64,
    first: Option<Time>,
    evidence: Vec<Evidence>,
    /// P that may exist and may lie inside, and are not certain hits.
    maybe: u64,
    maybe_evidence: Vec<Evidence>,
    cap: usize,
}

impl Absence {
    pub fn new(
        p: &Pattern,
        window: Option<Interval>,
        daily: Option<(crate::time::DailyHours, crate::time::Calendar)>,
        cap: usize,
    ) -> Self {
        Absence {
            p: p.text.clone(),
            window,
            daily,
            hits: 0,
            first: None,
            evidence: Vec::new(),
            maybe: 0,
            maybe_evidence: Vec::new(),
            cap,
        }
    }
}

impl Monitor for Absence {
    fn observe(&mut self, ctx: &Ctx, o: &Observation, _slots: &[u32], certain: bool) {
        let Some(window) = self.window else { return };
        let exists = if certain { Truth::Yes } else { Truth::Unknown };
        let inside = window
            .contains(When::of(o))
            .and(super::daily::in_daily(self.daily, When::of(o)));
        match inside.and(exists) {
            Truth::Yes => {
                self.hits += 1;
                self.first.get_or_insert(o.time);
                if self.evidence.len() < self.cap {
                    self.evidence.push(ctx.evidence(o, certain));
                }
            }
            Truth::Unknown => {
                self.maybe += 1;
                if self.maybe_evidence.len() < self.cap {
                    self.maybe_evidence.push(ctx.evidence(o, certain));
                }
            }
            Truth::No => {}
        }
    }

    fn finish(self: Box<Self>, ctx: &Ctx) -> Outcome {
        let single = |v, reason, f| Outcome::single(v, reason, f, ctx);
        let p = &self.p;
        let Some(window) = self.window else {
            return single(Verdict::Vacuous, "the window never started".to_string(), None);
        };
        let started = window.started(ctx.horizon);
        let inside = if self.hits > 0 {
            Truth::Yes
        } else if self.maybe > 0 {
            Truth::Unknown
        } else {
            Truth::No
        };
        let closed = window.closed(ctx.horizon);
        let possible = reach([started, inside, closed], |c| match c {
            [false, ..] => Verdict::Vacuous,
            [true, true, _] => Verdict::Violated,
            [true, false, true] => Verdict::Satisfied,
            _ => Verdict::Pending,
        });
        let bounds = format!("{}{}", describe(&window), super::daily::daily_words(self.daily));
        let bounded = (window.start_time(), window.end_time());
        match possible.verdict() {
            Verdict::Vacuous => single(Verdict::Vacuous, "the window never started".to_string(), None),
            Verdict::Violated => {
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
                f.window = Some(bounded);
                f.evidence_omitted = self.hits - f.evidence.len() as u64;
                single(Verdict::Violated, reason, Some(f))
            }
            Verdict::Satisfied => single(Verdict::Satisfied, format!("no {p} {bounds}"), None),
            Verdict::Pending => {
                let reason = format!("no {p} so far {bounds}; the window is still open");
                let mut f = finding(
                    Verdict::Pending,
                    reason.clone(),
                    window.end_time(),
                    window.end_time(),
                    Vec::new(),
                );
                f.window = Some(bounded);
                single(Verdict::Pending, reason, Some(f))
            }
            Verdict::Indeterminate => {
                let mut doubts = Vec::new();
                if started == Truth::Unknown {
                    doubts.push(match window.start_moment() {
                        Some(s) if s.known == Truth::Unknown => "the window's start may never have come".to_string(),
                        Some(s) => format!(
                            "the window starts {}, which the horizon may not have reached",
                            moment_text(s.when)
                        ),
                        None => "the window may not have started".to_string(),
                    });
                }
                for e in &self.maybe_evidence {
                    doubts.push(doubt(ctx, e, outside_window(&window, when_of(e))));
                }
                let more = self.maybe - self.maybe_evidence.len() as u64;
                if closed == Truth::Unknown {
                    doubts.push("the window may not have closed by the horizon".to_string());
                }
                let reason = format!("{p} {bounds} may have occurred or not: {}", listed(doubts, more));
                let mut f = finding_among(
                    possible,
                    reason.clone(),
                    window.end_time(),
                    window.end_time(),
                    self.maybe_evidence,
                );
                f.window = Some(bounded);
                f.evidence_omitted = more;
                Outcome::reached(possible, reason, Some(f), ctx)
            }
        }
    }
}

/// "between 2025-01-19T09:15:00Z and 2025-03-02T09:15:00Z", "after …",
/// "before …"; a bound known only to a range is given as one.
pub(crate) fn describe(window: &Interval) -> String {
    match (window.start_moment(), window.end_moment()) {
        (Some(s), Some(e)) if s.when.is_instant() && e.when.is_instant() => {
            format!("between {} and {}", moment_text(s.when), moment_text(e.when))
        }
        (Some(s), Some(e)) => format!("from {} to {}", moment_phrase(s.when), moment_phrase(e.when)),
        (Some(s), None) => format!("since {}", moment_phrase(s.when)),
        (None, Some(e)) => format!("before {}", moment_phrase(e.when)),
        (None, None) => "at any time".to_string(),
    }
}
