//! Verdicts with their evidence: plain data that every report renders.

use super::time::Time;
use crate::check::Model;
use crate::check::model::Value;
use crate::log::{FieldValue, Observation, Origin};
use crate::verdict::{Possible, Verdict};

pub use super::series::{Runs, RunsIter, SeriesRun};

/// The judgement of every selected rule.
#[derive(Clone, Debug)]
pub struct Evaluation {
    /// The horizon: `--as-of`, or the latest observation.
    pub horizon: Option<Time>,
    /// One result per judged rule, in file order.
    pub rules: Vec<RuleResult>,
}

/// The judgement of one rule.
#[derive(Clone, Debug)]
pub struct RuleResult {
    /// Index into the model's rules.
    pub rule: usize,
    /// The worst verdict of its instances (vacuous if it has none);
    /// indeterminate when the evidence allows more than one.
    pub verdict: Verdict,
    /// The verdicts an indeterminate rule may turn out to have (the worst
    /// its instances can reach); just the verdict otherwise.
    pub possible: Possible,
    /// One per instance, in binding order.
    pub instances: Vec<InstanceResult>,
}

/// The judgement of one instance of a rule.
#[derive(Clone, Debug)]
pub struct InstanceResult {
    /// Each `for each` variable with its value, outermost first.
    pub bindings: Vec<(String, Value)>,
    /// The worst verdict of what the instance judged.
    pub verdict: Verdict,
    /// The verdicts an indeterminate instance may turn out to have; just
    /// the verdict otherwise.
    pub possible: Possible,
    /// Why, in words.
    pub reason: String,
    /// Occurrences (every forms), slices (rates) or 1, per verdict.
    pub counts: Counts,
    /// Each violated and pending occurrence, slice or decision.
    pub findings: Vec<Finding>,
    /// Findings beyond the listing limit, counted but not listed.
    pub findings_omitted: u64,
    /// Remarks such as a trailing slice too short to judge.
    pub notes: Vec<String>,
    /// For a rate or aggregate rule: every slice with its value.
    pub series: Option<Series>,
}

/// How many things an instance judged, per verdict.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Satisfied.
    pub satisfied: u64,
    /// Violated.
    pub violated: u64,
    /// Pending.
    pub pending: u64,
    /// Indeterminate.
    pub indeterminate: u64,
    /// `per day`, `per week`, `per month`: the slices cut by the window's
    /// start or end, or still open at the horizon, which are not judged
    /// (`None` for other forms).
    pub partial: Option<u64>,
}

impl Counts {
    /// Adds one of this verdict (vacuous is not counted).
    pub fn add(&mut self, verdict: Verdict, n: u64) {
        match verdict {
            Verdict::Satisfied => self.satisfied += n,
            Verdict::Violated => self.violated += n,
            Verdict::Pending => self.pending += n,
            Verdict::Indeterminate => self.indeterminate += n,
            Verdict::Vacuous => {}
        }
    }

    /// How many were counted.
    pub fn total(&self) -> u64 {
        self.satisfied + self.violated + self.pending + self.indeterminate
    }

    /// The worst verdict counted, or vacuous if nothing was.
    pub fn worst(&self) -> Verdict {
        if self.violated > 0 {
            Verdict::Violated
        } else if self.indeterminate > 0 {
            Verdict::Indeterminate
        } else if self.pending > 0 {
            Verdict::Pending
        } else if self.satisfied > 0 {
            Verdict::Satisfied
        } else {
            Verdict::Vacuous
        }
    }
}

/// One violated, indeterminate or pending occurrence, slice or decision.
#[derive(Clone, Debug)]
pub struct Finding {
    /// Violated, indeterminate or pending.
    pub verdict: Verdict,
    /// What an indeterminate finding may turn out to be; just the verdict
    /// otherwise.
    pub possible: Possible,
    /// Why, in words.
    pub reason: String,
    /// When the verdict was (or will be) decided.
    pub decided_at: Option<Time>,
    /// The deadline or window end that applies.
    pub deadline: Option<Time>,
    /// The window or slice looked at, if any.
    pub window: Option<(Option<Time>, Option<Time>)>,
    /// The observations that decided it.
    pub evidence: Vec<Evidence>,
    /// Evidence beyond the listing limit, counted but not listed.
    pub evidence_omitted: u64,
}

/// An observation as evidence.
#[derive(Clone, Debug, PartialEq)]
pub struct Evidence {
    /// Where it stands in its log.
    pub origin: Origin,
    /// The calendar its days are counted in (the rule unit's).
    pub calendar: crate::time::Calendar,
    /// When: the instant, or the first instant of its range.
    pub time: Time,
    /// The end of its range (excluded); equal to `time` for an instant.
    pub until: Time,
    /// Whether it meets the rule's evidence standard; `None` where the
    /// rule sets none and the observation certainly exists.
    pub meets_evidence: Option<bool>,
    /// Its range was cut at the horizon (it may have happened after).
    pub cut: bool,
    /// Its sources and status, where a standard looks at them.
    pub provenance: Option<std::sync::Arc<crate::log::Provenance>>,
    /// Its kind.
    pub kind: String,
    /// Its declared fields, in declaration order.
    pub fields: Vec<(String, FieldValue)>,
    /// For a log read through a source, the record's id and the cells the
    /// source read (filled in by `verify`, which reads them again).
    pub record: Option<std::sync::Arc<crate::log::SourceRecord>>,
    /// For a rule that asks how far a position is from a place: the
    /// measured geodesic distance in metres from the position's centre to
    /// each such place, by name (filled in by `verify`).
    pub distances: Vec<(String, f64)>,
}

impl Evidence {
    /// Its time as a log writes it: the instant in UTC, or its range as a
    /// date, dates, a month, or two instants (`2025-01-25`,
    /// `2025-01-25/2025-01-27`, `2025-02`, `A/B`).
    pub fn written_time(&self) -> String {
        let end = (self.until > self.time).then_some(self.until);
        crate::time::format_log_time(crate::time::LogTime { start: self.time, end }, self.calendar)
    }

    /// When it happened, in words: "at 2025-01-25T12:00:00Z", "on
    /// 2025-02-15 (the whole day)", "on 2025-01-25/2025-01-27 (3 days)",
    /// "in 2025-02 (the whole month)", "between A and B".
    pub fn dated(&self) -> String {
        if self.until <= self.time {
            return format!("at {}", crate::time::format_timestamp(self.time));
        }
        let text = self.written_time();
        let days = (self.until - self.time).num_days();
        match text.split_once('/') {
            None if text.len() == 7 => format!("in {text} (the whole month)"),
            None => format!("on {text} (the whole day)"),
            Some((a, b)) if a.len() == 10 && b.len() == 10 => format!("on {text} ({days} days)"),
            Some((a, b)) => format!("between {a} and {b}"),
        }
    }

    /// Whether it is known only to a range of time.
    pub fn is_range(&self) -> bool {
        self.until > self.time
    }

    /// The observation as evidence, with whether it certainly exists
    /// under the rule's standard (`None`: no standard applies).
    pub fn of(model: &Model, observation: &Observation, meets: Option<bool>) -> Self {
        let kind = &model.kinds[observation.kind.0 as usize];
        let fields = kind
            .fields
            .iter()
            .zip(&observation.declared)
            .filter_map(|(field, value)| Some((field.name.clone(), value.clone()?)))
            .collect();
        Evidence {
            origin: observation.origin,
            calendar: model.days(),
            time: observation.time,
            until: observation.until(),
            meets_evidence: meets,
            cut: observation.cut(),
            provenance: observation.provenance().cloned(),
            kind: kind.name.clone(),
            fields,
            record: None,
            distances: Vec::new(),
        }
    }
}

/// The series of a rate or aggregate rule (LANGUAGE-v2 §9, issue 16):
/// every slice of `per D`, judged or not, with what was measured in it and
/// the threshold; for a rule without `per`, its window as one slice.
#[derive(Clone, Debug)]
pub struct Series {
    /// The measured side, with the instance's bound values:
    /// `count(fatal in zone donetsk where deaths >= 1)`.
    pub measured: String,
    /// The comparison the measured side must meet, measured side first: `<=`.
    pub op: String,
    /// What it is compared with: `30`, or another measured side.
    pub against: String,
    /// `per` as written (`1d`, `month`); `None`: the whole window.
    pub per: Option<String>,
    /// Consecutive slices, in order, runs of them sharing their values
    /// (kept in a few bytes each: see [`Runs`]).
    pub runs: Runs,
    /// The slicing, which gives each slice of a run its bounds.
    pub slicing: Option<super::time::Slices>,
}

/// One slice of a series, its bounds resolved.
#[derive(Clone, Debug)]
pub struct SeriesSlice {
    /// Its start (`None`: the window has no known start).
    pub start: Option<Time>,
    /// Its end, excluded (`None`: the window has no known end).
    pub end: Option<Time>,
    /// The run it belongs to.
    pub run: SeriesRun,
}

impl Series {
    /// How many slices it has.
    pub fn len(&self) -> u64 {
        self.runs.iter().map(|r| r.n).sum()
    }

    /// Whether it has none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Where a run starts and ends: from its first slice's start to its
    /// last slice's end.
    pub fn run_bounds(&self, run: &SeriesRun) -> (Option<Time>, Option<Time>) {
        match (run.bounds, self.slicing) {
            (Some(bounds), _) => bounds,
            (None, Some(slicing)) => (
                Some(slicing.start_of(run.first)),
                Some(slicing.end_of(run.first + run.n as i64 - 1)),
            ),
            (None, None) => (None, None),
        }
    }

    /// The end of its last slice.
    pub fn end(&self) -> Option<Time> {
        self.runs.last().and_then(|run| self.run_bounds(&run).1)
    }

    /// Every slice, in order.
    pub fn slices(&self) -> impl Iterator<Item = SeriesSlice> + '_ {
        self.runs.iter().flat_map(move |run| {
            (0..run.n).map(move |i| {
                let (start, end) = match (run.bounds, self.slicing) {
                    (Some(bounds), _) => bounds,
                    (None, Some(slicing)) => {
                        let k = run.first + i as i64;
                        (Some(slicing.start_of(k)), Some(slicing.end_of(k)))
                    }
                    (None, None) => (None, None),
                };
                SeriesSlice { start, end, run }
            })
        })
    }
}
