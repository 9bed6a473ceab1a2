//! One small monitor per rule form. Each instance of a rule has its own
//! monitor, which sees only the observations matching its patterns, in time
//! order, and keeps only the state its form needs.

mod absence;
mod aggregate;
mod every;
mod occurs;
mod precedes;

use super::anchor::{Phases, Seen};
use super::result::{Counts, Evidence, Finding};
use super::time::{Horizon, Time};
use crate::check::Model;
use crate::check::model::Form;
use crate::log::Observation;
use crate::source::Span;
use crate::verdict::Verdict;
use std::collections::HashMap;

/// What every monitor may look at.
pub(crate) struct Ctx<'m> {
    pub model: &'m Model,
    pub horizon: Horizon,
    /// Findings listed per instance; more are counted.
    pub max_findings: usize,
    /// Evidence listed per finding; more is counted.
    pub max_evidence: usize,
}

impl Ctx<'_> {
    /// The observation as evidence.
    pub fn evidence(&self, observation: &Observation) -> Evidence {
        Evidence::of(self.model, observation)
    }
}

/// The state of one instance of a rule.
pub(crate) trait Monitor {
    /// An observation matching the slots `slots` of the form (in time order).
    fn observe(&mut self, ctx: &Ctx, observation: &Observation, slots: &[u32]);
    /// The verdict once every observation up to the horizon has been seen.
    fn finish(self: Box<Self>, ctx: &Ctx) -> Outcome;
}

/// What a monitor concluded.
#[derive(Debug)]
pub(crate) struct Outcome {
    pub verdict: Verdict,
    pub reason: String,
    pub counts: Counts,
    pub findings: Findings,
    pub notes: Vec<String>,
}

impl Outcome {
    /// A single decision (counts 1, unless vacuous).
    pub fn single(verdict: Verdict, reason: String, finding: Option<Finding>, cap: usize) -> Self {
        let mut counts = Counts::default();
        counts.add(verdict, 1);
        let mut findings = Findings::new(cap);
        if let Some(f) = finding {
            findings.push(f);
        }
        Outcome {
            verdict,
            reason,
            counts,
            findings,
            notes: Vec::new(),
        }
    }
}

/// Findings up to a limit, then a count.
#[derive(Debug)]
pub(crate) struct Findings {
    pub list: Vec<Finding>,
    pub omitted: u64,
    cap: usize,
}

impl Findings {
    /// At most `cap` listed.
    pub fn new(cap: usize) -> Self {
        Findings {
            list: Vec::new(),
            omitted: 0,
            cap,
        }
    }

    /// Lists the finding, or counts it past the limit.
    pub fn push(&mut self, finding: Finding) {
        if self.list.len() < self.cap {
            self.list.push(finding);
        } else {
            self.omitted += 1;
        }
    }

    /// Whether another finding would still be listed.
    pub fn has_room(&self) -> bool {
        self.list.len() < self.cap
    }

    /// Counts `n` findings that are not listed.
    pub fn omit(&mut self, n: u64) {
        self.omitted += n;
    }
}

/// A finding with its evidence.
pub(crate) fn finding(
    verdict: Verdict,
    reason: String,
    decided_at: Option<Time>,
    deadline: Option<Time>,
    evidence: Vec<Evidence>,
) -> Finding {
    Finding {
        verdict,
        reason,
        decided_at,
        deadline,
        window: None,
        evidence,
        evidence_omitted: 0,
    }
}

/// Builds the monitor of one instance, with its anchors and window resolved.
pub(crate) fn build(ctx: &Ctx, form: &Form, phases: &Phases, seen: &HashMap<Span, Seen>) -> Box<dyn Monitor> {
    let model = ctx.model;
    match form {
        Form::Precedes { first, then, within } => Box::new(precedes::Precedes::new(first, then, within.clone())),
        Form::Every {
            trigger,
            direction,
            negated,
            target,
            within,
        } => Box::new(every::Every::new(
            trigger,
            *direction,
            *negated,
            target,
            within.clone(),
            ctx.max_findings,
        )),
        Form::OccursBy { pattern, deadline } => {
            let at = phases.anchor(deadline, seen);
            Box::new(occurs::Occurs::by(pattern, deadline, at))
        }
        Form::OccursWithin { pattern, within, after } => {
            let at = phases.anchor(after, seen);
            Box::new(occurs::Occurs::within(pattern, within.clone(), after, at))
        }
        Form::Absence { pattern, window } => Box::new(absence::Absence::new(
            pattern,
            phases.window(window, seen),
            ctx.max_evidence,
        )),
        Form::Aggregate {
            lhs,
            op,
            rhs,
            per,
            window,
        } => Box::new(aggregate::Aggregate::new(
            model,
            lhs,
            *op,
            rhs,
            per.clone(),
            phases.window(window, seen),
            ctx.max_findings,
            ctx.max_evidence,
        )),
    }
}
