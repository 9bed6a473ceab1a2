//! What a monitor is: the trait every form's monitor implements, what it
//! may look at while judging, and what it concludes.

use crate::check::Model;
use crate::check::model::Standard;
use crate::eval::result::{Counts, Evidence, Finding};
use crate::eval::time::{Horizon, Time};
use crate::eval::truth::Truth;
use crate::log::Observation;
use crate::verdict::{Possible, Verdict};
use std::cell::Cell;
use std::rc::Rc;

/// What every monitor may look at.
pub(crate) struct Ctx<'a> {
    pub model: &'a Model,
    pub horizon: Horizon,
    /// Findings listed per instance; more are counted.
    pub max_findings: usize,
    /// Evidence listed per finding; more is counted.
    pub max_evidence: usize,
    /// The findings the instance's rule may still list.
    pub budget: &'a Budget,
    /// The rule's evidence standard, if it sets one.
    pub standard: Option<&'a Standard>,
}

impl Ctx<'_> {
    /// The observation as evidence; `certain`: whether it certainly exists
    /// under the rule's standard.
    pub fn evidence(&self, observation: &Observation, certain: bool) -> Evidence {
        Evidence::of(self.model, observation, self.meets(observation, certain))
    }

    /// Whether the observation meets the rule's standard, as evidence says
    /// it: only when a standard applies or the horizon cut it.
    pub fn meets(&self, observation: &Observation, certain: bool) -> Option<bool> {
        (self.standard.is_some() || observation.cut()).then_some(certain)
    }

    /// An empty list of findings, within the instance's cap and the rule's budget.
    pub fn findings(&self) -> Findings {
        Findings::new(self.max_findings, self.budget.clone())
    }
}

/// How many more findings a rule may list, shared by its instances: a rule
/// with many instances lists at most this many in all (the rest are
/// counted), so that memory and the report stay bounded whatever the rule.
#[derive(Clone, Debug)]
pub(crate) struct Budget(Rc<Cell<u64>>);

impl Budget {
    /// A budget of `n` findings.
    pub fn new(n: u64) -> Self {
        Budget(Rc::new(Cell::new(n)))
    }

    /// Whether a finding may still be listed.
    fn left(&self) -> bool {
        self.0.get() > 0
    }

    /// Takes one finding from the budget, if any is left.
    fn take(&self) -> bool {
        let left = self.0.get();
        if left > 0 {
            self.0.set(left - 1);
        }
        left > 0
    }
}

/// The state of one instance of a rule.
pub(crate) trait Monitor {
    /// An observation matching the slots `slots` of the form, in time order
    /// (a range by its first instant); `certain`: whether it certainly
    /// exists under the rule's evidence standard.
    fn observe(&mut self, ctx: &Ctx, observation: &Observation, slots: &[u32], certain: bool);
    /// The verdict once every observation up to the horizon has been seen.
    fn finish(self: Box<Self>, ctx: &Ctx) -> Outcome;
}

/// What a monitor concluded.
#[derive(Debug)]
pub(crate) struct Outcome {
    pub verdict: Verdict,
    /// The verdicts reached (just `verdict` unless it is indeterminate).
    pub possible: Possible,
    pub reason: String,
    pub counts: Counts,
    pub findings: Findings,
    pub notes: Vec<String>,
    /// For a rate or aggregate rule: every slice with its value.
    pub series: Option<crate::eval::result::Series>,
    /// Why the instance could not be judged exactly (a sum past the range
    /// of exact numbers): the run fails, naming the rule.
    pub error: Option<String>,
}

impl Outcome {
    /// A single decision (counts 1, unless vacuous).
    pub fn single(verdict: Verdict, reason: String, finding: Option<Finding>, ctx: &Ctx) -> Self {
        Outcome::reached(Possible::one(verdict), reason, finding, ctx)
    }

    /// A single decision among the verdicts reached: the one verdict, or
    /// indeterminate (counts 1, unless vacuous).
    pub fn reached(possible: Possible, reason: String, finding: Option<Finding>, ctx: &Ctx) -> Self {
        let verdict = possible.verdict();
        let mut counts = Counts::default();
        counts.add(verdict, 1);
        let mut findings = ctx.findings();
        if let Some(f) = finding {
            findings.push(f);
        }
        Outcome {
            verdict,
            possible,
            reason,
            counts,
            findings,
            notes: Vec::new(),
            series: None,
            error: None,
        }
    }
}

/// Findings up to a limit (the instance's cap, and the rule's budget),
/// then a count.
#[derive(Debug)]
pub(crate) struct Findings {
    pub list: Vec<Finding>,
    pub omitted: u64,
    cap: usize,
    budget: Budget,
    /// Whether the rule's budget, not the instance's cap, stopped the list.
    pub cut_by_budget: bool,
}

impl Findings {
    /// At most `cap` listed, each taken from `budget`.
    pub fn new(cap: usize, budget: Budget) -> Self {
        Findings {
            list: Vec::new(),
            omitted: 0,
            cap,
            budget,
            cut_by_budget: false,
        }
    }

    /// Lists the finding, or counts it past the limit.
    pub fn push(&mut self, finding: Finding) {
        if self.list.len() < self.cap && self.budget.take() {
            self.list.push(finding);
        } else {
            self.cut_by_budget |= self.list.len() < self.cap;
            self.omitted += 1;
        }
    }

    /// Whether another finding would still be listed.
    pub fn has_room(&self) -> bool {
        self.list.len() < self.cap && self.budget.left()
    }

    /// Counts `n` findings that are not listed.
    pub fn omit(&mut self, n: u64) {
        self.cut_by_budget |= n > 0 && self.list.len() < self.cap;
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
        possible: Possible::one(verdict),
        reason,
        decided_at,
        deadline,
        window: None,
        evidence,
        evidence_omitted: 0,
    }
}

/// A finding among the verdicts reached: indeterminate, with the possible
/// ones, if there are several.
pub(crate) fn finding_among(
    possible: Possible,
    reason: String,
    decided_at: Option<Time>,
    deadline: Option<Time>,
    evidence: Vec<Evidence>,
) -> Finding {
    let mut f = finding(possible.verdict(), reason, decided_at, deadline, evidence);
    f.possible = possible;
    f
}

/// The verdicts reached by a decision: `decide` is called once for each
/// combination of the branches of the answers (LANGUAGE-v2 §9.3).
pub(crate) fn reach<const N: usize>(answers: [Truth; N], decide: impl Fn([bool; N]) -> Verdict) -> Possible {
    let mut possible = Possible::NONE;
    // Each unknown answer doubles the worlds: bit k of `world` picks the
    // branch of the k-th unknown one (no division: this runs for every
    // occurrence of a log with ranges).
    let unknown = answers.iter().filter(|a| **a == Truth::Unknown).count();
    for world in 0..1u32 << unknown {
        let mut chosen = [false; N];
        let mut bit = 0;
        for (i, answer) in answers.iter().enumerate() {
            chosen[i] = match answer {
                Truth::Yes => true,
                Truth::No => false,
                Truth::Unknown => {
                    bit += 1;
                    world >> (bit - 1) & 1 == 1
                }
            };
        }
        possible.add(decide(chosen));
    }
    possible
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn truth() -> impl Strategy<Value = Truth> {
        prop::sample::select(vec![Truth::Yes, Truth::No, Truth::Unknown])
    }

    proptest! {
        /// Every world is decided, and nothing else: the verdicts of each
        /// choice of branches (`Truth::branches`) for the answers.
        #[test]
        fn reach_decides_every_world(
            answers in prop::array::uniform3(truth()),
            table in prop::array::uniform8(prop::sample::select(Verdict::ALL.to_vec())),
        ) {
            let decide = |c: [bool; 3]| table[usize::from(c[0]) | usize::from(c[1]) << 1 | usize::from(c[2]) << 2];
            let mut expected = Possible::NONE;
            for &a in answers[0].branches() {
                for &b in answers[1].branches() {
                    for &c in answers[2].branches() {
                        expected.add(decide([a, b, c]));
                    }
                }
            }
            prop_assert_eq!(reach(answers, decide), expected);
        }
    }
}
