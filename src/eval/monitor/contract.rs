//! What a monitor is: the trait every form's monitor implements, what it
//! may look at while judging, and what it concludes.

use crate::check::Model;
use crate::eval::result::{Counts, Evidence, Finding};
use crate::eval::time::{Horizon, Time};
use crate::log::Observation;
use crate::verdict::Verdict;

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
