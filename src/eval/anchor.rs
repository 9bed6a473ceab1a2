//! Anchors and windows for each instance: the first and last time each
//! anchor pattern was observed (found in a pass before judging), then every
//! phase bound and window worked out from them.

use super::observations::Observations;
use super::plan::{Dispatch, Hit, Plan};
use super::time::{End, Interval, Start, Time, shift};
use crate::check::Model;
use crate::check::model::{Anchor, AnchorBase, PhaseEnd, PhaseId, Window};
use crate::source::Span;
use std::collections::HashMap;

/// The first and last time a pattern was seen.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Seen {
    pub first: Option<Time>,
    pub last: Option<Time>,
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
            for hit in &hits {
                let s = &mut seen[hit.plan as usize][hit.slot as usize][hit.instance as usize];
                s.first.get_or_insert(o.time);
                s.last = Some(o.time);
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

/// The bounds of every phase, which do not depend on any instance.
pub(crate) struct Phases {
    /// `(start, end)`; `None` start: not started; `None` end: open.
    bounds: Vec<(Option<Time>, Option<Time>)>,
}

impl Phases {
    /// Works out every phase from the anchors the phases' own plan saw.
    pub fn resolve(model: &Model, seen: &HashMap<Span, Seen>) -> Self {
        let mut phases = Phases {
            bounds: vec![(None, None); model.phases.len()],
        };
        // Phases may be defined from other phases (never in a circle: the
        // checker refuses that), so resolving in declaration order until
        // nothing changes settles them all.
        for _ in 0..=model.phases.len() {
            let mut changed = false;
            for (i, phase) in model.phases.iter().enumerate() {
                let start = phases.anchor(&phase.start, seen);
                // A phase that never began never ended (LANGUAGE-v2 §13),
                // even if the event that would end it was observed.
                let end = match &phase.end {
                    PhaseEnd::For(d) => start.map(|s| shift(s, d.delta())),
                    PhaseEnd::Until(b) => start.and(phases.anchor(b, seen)),
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

    /// The time of an anchor, if known.
    pub fn anchor(&self, anchor: &Anchor, seen: &HashMap<Span, Seen>) -> Option<Time> {
        let base = match &anchor.base {
            AnchorBase::Time(t) => Some(*t),
            AnchorBase::First(p) => seen.get(&p.span).and_then(|s| s.first),
            AnchorBase::Last(p) => seen.get(&p.span).and_then(|s| s.last),
            AnchorBase::PhaseStart(PhaseId(i)) => self.bounds[*i as usize].0,
            AnchorBase::PhaseEnd(PhaseId(i)) => self.bounds[*i as usize].1,
        };
        base.map(|t| shift(t, anchor.offset))
    }

    /// The window of an instance; `None` when its start is unknown (it has not started).
    pub fn window(&self, window: &Window, seen: &HashMap<Span, Seen>) -> Option<Interval> {
        let until = |t: Option<Time>| t.map_or(End::Open, End::Before);
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
                    end: End::Through(shift(start, d.delta())),
                }
            }
        })
    }
}
