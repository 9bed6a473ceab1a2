//! Anchors and windows for each instance: the first and last time each
//! anchor pattern was observed (found in a pass before judging), then every
//! phase bound and window worked out from them.

use super::observations::Observations;
use super::plan::{Dispatch, Hit, Plan};
use super::time::{End, Interval, Moment, Start, Step, Time, When};
use super::truth::Truth;
use crate::check::Model;
use crate::check::model::{Anchor, AnchorBase, PhaseEnd, PhaseId, Window};
use crate::source::Span;
use crate::time::Calendar;
use std::collections::HashMap;

/// What was seen of an anchor pattern: enough to work out `first P` and
/// `last P` when candidates are ranges or only possibly exist
/// (LANGUAGE-v2 §9.4).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Seen {
    /// The least first instant of any candidate.
    least_first: Option<Time>,
    /// The greatest last instant of any candidate.
    greatest_last: Option<Time>,
    /// The least last instant of a candidate that certainly exists.
    certain_least_last: Option<Time>,
    /// The greatest first instant of a candidate that certainly exists.
    certain_greatest_first: Option<Time>,
}

impl Seen {
    /// Notes a candidate at `when`.
    pub fn note(&mut self, when: When, certain: bool) {
        let min = |a: Option<Time>, b: Time| Some(a.map_or(b, |a| a.min(b)));
        let max = |a: Option<Time>, b: Time| Some(a.map_or(b, |a| a.max(b)));
        self.least_first = min(self.least_first, when.first);
        self.greatest_last = max(self.greatest_last, when.last);
        if certain {
            self.certain_least_last = min(self.certain_least_last, when.last);
            self.certain_greatest_first = max(self.certain_greatest_first, when.first);
        }
    }

    /// `first P`: from the least first instant of any candidate to the
    /// least last instant of a certain one; with no certain candidate, to
    /// the greatest last instant, and possibly unknown.
    pub fn first(&self) -> Option<Moment> {
        let first = self.least_first?;
        Some(match self.certain_least_last {
            Some(last) => Moment {
                when: When { first, last },
                known: Truth::Yes,
            },
            None => Moment {
                when: When {
                    first,
                    last: self.greatest_last.unwrap_or(first),
                },
                known: Truth::Unknown,
            },
        })
    }

    /// `last P`, the mirror image of `first P`.
    pub fn last(&self) -> Option<Moment> {
        let last = self.greatest_last?;
        Some(match self.certain_greatest_first {
            Some(first) => Moment {
                when: When { first, last },
                known: Truth::Yes,
            },
            None => Moment {
                when: When {
                    first: self.least_first.unwrap_or(last),
                    last,
                },
                known: Truth::Unknown,
            },
        })
    }
}

/// For every plan and anchor slot, what each instance saw.
pub(crate) struct Sightings {
    /// `[plan][slot][instance]`.
    seen: Vec<Vec<Vec<Seen>>>,
}

impl Sightings {
    /// One pass over the observations, noting every anchor pattern's first and last time.
    pub fn gather(model: &Model, plans: &[Plan], source: &mut dyn Observations) -> std::io::Result<Self> {
        let mut seen: Vec<Vec<Vec<Seen>>> = plans
            .iter()
            .map(|p| vec![vec![Seen::default(); p.bindings.len()]; p.anchors.len()])
            .collect();
        // Without `first` or `last` anchors there is nothing to look for.
        if plans.iter().all(|p| p.anchors.is_empty()) {
            return Ok(Sightings { seen });
        }
        let dispatch = Dispatch::new(model, plans, true);
        let mut hits: Vec<Hit> = Vec::new();
        source.replay(&mut |o| {
            dispatch.hits(plans, o, &mut hits);
            let when = When::of(o);
            for hit in &hits {
                let s = &mut seen[hit.plan as usize][hit.slot as usize][hit.instance as usize];
                s.note(when, hit.certain);
            }
        })?;
        Ok(Sightings { seen })
    }

    /// Nothing seen, for plans without anchor patterns.
    pub fn none(plans: &[Plan]) -> Self {
        let seen = plans
            .iter()
            .map(|p| vec![vec![Seen::default(); p.bindings.len()]; p.anchors.len()])
            .collect();
        Sightings { seen }
    }

    /// What instance `instance` of plan `plan` saw of its anchor slots, by the pattern's span.
    pub fn of(&self, plans: &[Plan], plan: usize, instance: usize) -> HashMap<Span, Seen> {
        plans[plan]
            .anchors
            .iter()
            .enumerate()
            .map(|(s, slot)| (slot.pattern.span, self.seen[plan][s][instance]))
            .collect()
    }
}

/// The bounds of every phase under one evidence standard, which do not
/// depend on any instance.
pub(crate) struct Phases {
    /// `(start, end)`; `None` start: not started; `None` end: open.
    bounds: Vec<(Option<Moment>, Option<Moment>)>,
    /// The calendar durations step through.
    calendar: Calendar,
}

impl Phases {
    /// Works out every phase from the anchors the phases' own plan saw.
    pub fn resolve(model: &Model, seen: &HashMap<Span, Seen>) -> Self {
        let mut phases = Phases {
            bounds: vec![(None, None); model.phases.len()],
            calendar: model.days(),
        };
        // Phases may be defined from other phases (never in a circle: the
        // checker refuses that), so resolving in declaration order until
        // nothing changes settles them all.
        for _ in 0..=model.phases.len() {
            let mut changed = false;
            for (i, phase) in model.phases.iter().enumerate() {
                let start = phases.anchor(&phase.start, seen);
                // A phase that never began never ended (LANGUAGE-v2 §13),
                // even if the event that would end it was observed; one that
                // may not have begun may not have ended.
                let end = match &phase.end {
                    PhaseEnd::For(d) => start.map(|s| s.step(Step::of(phases.calendar, d))),
                    PhaseEnd::Until(b) => start.and_then(|s| {
                        phases.anchor(b, seen).map(|e| Moment {
                            when: e.when,
                            known: e.known.and(s.known),
                        })
                    }),
                };
                if phases.bounds[i] != (start, end) {
                    phases.bounds[i] = (start, end);
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        phases
    }

    /// The time of an anchor, if it may be known.
    pub fn anchor(&self, anchor: &Anchor, seen: &HashMap<Span, Seen>) -> Option<Moment> {
        let base = match &anchor.base {
            AnchorBase::Time(t) => Some(Moment::at(*t)),
            AnchorBase::First(p) => seen.get(&p.span).and_then(Seen::first),
            AnchorBase::Last(p) => seen.get(&p.span).and_then(Seen::last),
            AnchorBase::PhaseStart(PhaseId(i)) => self.bounds[*i as usize].0,
            AnchorBase::PhaseEnd(PhaseId(i)) => self.bounds[*i as usize].1,
            AnchorBase::DayStart(inner) | AnchorBase::DayEnd(inner) => {
                let day = self.anchor(inner, seen)?;
                let midnight = |t: Time| {
                    let start = self.calendar.start_of_day(t);
                    match &anchor.base {
                        AnchorBase::DayEnd(_) => self.calendar.midnight(
                            self.calendar
                                .date(start)
                                .succ_opt()
                                .unwrap_or(self.calendar.date(start)),
                        ),
                        _ => start,
                    }
                };
                Some(Moment {
                    when: When {
                        first: midnight(day.when.first),
                        last: midnight(day.when.last),
                    },
                    known: day.known,
                })
            }
        };
        base.map(|t| t.step(Step::offset(self.calendar, anchor.offset_days, anchor.offset)))
    }

    /// The window of an instance; `None` when its start is certainly
    /// unknown (it has not started).
    pub fn window(&self, window: &Window, seen: &HashMap<Span, Seen>) -> Option<Interval> {
        let until = |t: Option<Moment>| t.map_or(End::Open, End::Before);
        Some(match window {
            Window::During(PhaseId(i)) => {
                let (start, end) = self.bounds[*i as usize];
                Interval {
                    start: Start::At(start?),
                    end: until(end),
                }
            }
            Window::Between(a, b) => Interval {
                start: Start::At(self.anchor(a, seen)?),
                end: until(self.anchor(b, seen)),
            },
            Window::After(a) => Interval {
                start: Start::At(self.anchor(a, seen)?),
                end: End::Never,
            },
            Window::Before(a) => Interval {
                start: Start::Unbounded,
                end: until(self.anchor(a, seen)),
            },
            Window::WithinAfter(d, a) => {
                let start = self.anchor(a, seen)?;
                Interval {
                    start: Start::At(start),
                    end: End::Through(start.step(Step::of(self.calendar, d))),
                }
            }
        })
    }
}
