//! Checked model × observations → verdicts with evidence.
//!
//! Two passes over the time-ordered observations: the first notes when each
//! anchor pattern was first and last seen (so that phases and windows are
//! known), the second hands each observation to the monitors of the rule
//! instances whose patterns it matches. Every rule is judged in the same
//! pass; no rule rescans the log.

mod anchor;
mod matcher;
mod monitor;
mod observations;
mod plan;
pub mod result;
mod series;
pub mod time;
mod truth;

pub use observations::Observations;
pub use plan::TooManyInstances;
pub use result::{
    Counts, Evaluation, Evidence, Finding, InstanceResult, RuleResult, Runs, RunsIter, Series, SeriesRun, SeriesSlice,
};

use crate::check::Model;
use crate::log::{Observation, Routes};
use crate::verdict::Possible;
use anchor::{Phases, Sightings};
use monitor::{Budget, Ctx, Monitor, build};
use plan::{Dispatch, Hit, Plan, bindings, domain_values};
use std::sync::Arc;
use time::Time;

/// What to judge, and how much to list.
#[derive(Clone, Debug)]
pub struct EvalOptions {
    /// The horizon, if given (`--as-of`); else the latest observation.
    pub as_of: Option<Time>,
    /// The latest observation of the log (of any kind), when the observations
    /// judged do not include every kind.
    pub latest: Option<Time>,
    /// Indices of the rules to judge; `None` for all.
    pub rules: Option<Vec<usize>>,
    /// Findings listed per instance; more are counted.
    pub max_findings: usize,
    /// Evidence listed per finding; more is counted.
    pub max_evidence: usize,
    /// Findings listed per rule, all its instances together; more are
    /// counted (a note on each instance whose list it cut says so).
    pub max_findings_per_rule: u64,
}

impl Default for EvalOptions {
    fn default() -> Self {
        EvalOptions {
            as_of: None,
            latest: None,
            rules: None,
            max_findings: 1000,
            max_evidence: 1000,
            max_findings_per_rule: 10_000,
        }
    }
}

/// Why a judging pass could not be done.
#[derive(Debug, thiserror::Error)]
pub enum JudgeError {
    /// A rule would have more instances than the limit once the log gave
    /// its `for each … of` values.
    #[error(transparent)]
    TooManyInstances(#[from] TooManyInstances),
    /// The observations could not be read again (a spool on disk failed).
    #[error("cannot read the observations again: {0}")]
    Replay(#[from] std::io::Error),
    /// A rule's arithmetic went past the range of exact numbers: it is not
    /// judged on a rounded value.
    #[error("rule `{id}`: {message}")]
    OutOfRange {
        /// The rule's index in the model.
        rule: usize,
        /// Its id.
        id: String,
        /// What went past the range, and when.
        message: String,
    },
}

impl JudgeError {
    /// The error as a diagnostic, at the rule where there is one.
    pub fn diagnostic(&self, model: &Model) -> crate::diagnostic::Diagnostic {
        use crate::diagnostic::{Code, Diagnostic};
        match self {
            JudgeError::TooManyInstances(e) => e.diagnostic(model),
            JudgeError::Replay(e) => {
                Diagnostic::without_span(Code::CannotRead, format!("cannot read the observations again: {e}"))
                    .with_help("check that the temporary folder ($TMPDIR) has room")
            }
            JudgeError::OutOfRange { rule, id, message } => {
                let message = format!("rule `{id}`: {message}");
                let diagnostic = match model.rules.get(*rule) {
                    Some(r) => Diagnostic::new(Code::OutOfExactRange, r.id_span, message)
                        .with_label("past the range of exact numbers"),
                    None => Diagnostic::without_span(Code::OutOfExactRange, message),
                };
                diagnostic.with_help(
                    "numbers are exact to 28 significant digits (about 7.9 × 10^28); \
                     scale the values down, or judge part of the log",
                )
            }
        }
    }
}

/// Judges the model's rules against observations sorted in time order
/// (ties in file order, then record order), none after `as_of`. Only a
/// rule with too many instances stops it (observations in memory are
/// always read again).
pub fn evaluate(model: &Model, observations: &[Observation], options: &EvalOptions) -> Result<Evaluation, JudgeError> {
    // The latest instant any observation could have: a range's end.
    let latest = options.latest.or_else(|| observations.iter().map(|o| o.until()).max());
    let mut source = observations;
    let options = EvalOptions {
        latest,
        ..options.clone()
    };
    evaluate_from(model, &mut source, &options)
}

/// Judges the model's rules against observations read (two or three times)
/// from `source`. The horizon is `as_of`, else `latest`.
pub fn evaluate_from(
    model: &Model,
    source: &mut dyn Observations,
    options: &EvalOptions,
) -> Result<Evaluation, JudgeError> {
    let mut judge = Judge::new(model, options, source)?;
    source.replay(&mut |o| judge.observe(o))?;
    judge.finish(options.as_of.or(options.latest))
}

/// The instances of the rules being judged, one observation at a time.
pub struct Judge<'m> {
    model: &'m Model,
    options: EvalOptions,
    /// The plans and the dispatch over them, shared with the reading
    /// threads that work out observations' routes ([`Judge::router`]).
    routing: Arc<Routing<'m>>,
    monitors: Vec<Vec<Box<dyn Monitor>>>,
    /// The findings each plan's rule may still list.
    budgets: Vec<Budget>,
    hits: Vec<Hit>,
    slots: Vec<u32>,
}

/// The rules' instances and which of them listen for what.
struct Routing<'m> {
    plans: Vec<Plan<'m>>,
    dispatch: Dispatch,
}

/// Works out on a reading thread which instances an observation concerns
/// (see [`crate::log::Route`]), for [`Judge::observe_routed`].
pub(crate) struct Router<'m>(Arc<Routing<'m>>);

impl crate::log::Route for Router<'_> {
    fn route(&self, o: &Observation) -> Routes {
        self.0.dispatch.routes(&self.0.plans, o)
    }
}

impl<'m> Judge<'m> {
    /// A judge whose anchors and `for each … of` values come from a first
    /// look through `source`.
    pub fn new(model: &'m Model, options: &EvalOptions, source: &mut dyn Observations) -> Result<Self, JudgeError> {
        let values = domain_values(model, source)?;
        let selected: Vec<usize> = match &options.rules {
            Some(rules) => rules.clone(),
            None => (0..model.rules.len()).collect(),
        };
        plan::check_instances(model, &selected, &values)?;
        let plans = plans(model, options, &values);
        let sightings = Sightings::gather(model, &plans, source)?;
        Ok(Judge::with(model, options, plans, &sightings))
    }

    /// A judge that needs no first look through the observations, if the
    /// rules have no `first`/`last` anchors (their phases included) and no
    /// `for each … of`; then observations can be judged as they are read.
    pub fn at_once(model: &'m Model, options: &EvalOptions) -> Option<Self> {
        let plans = plans(model, options, &Default::default());
        let values = plans
            .iter()
            .filter_map(|p| model.rules.get(p.rule))
            .flat_map(|r| &r.for_each);
        let lookahead = plans.iter().any(|p| !p.anchors.is_empty())
            || values
                .into_iter()
                .any(|h| matches!(h.domain, crate::check::model::Domain::Values(..)));
        if lookahead {
            return None;
        }
        let sightings = Sightings::none(&plans);
        Some(Judge::with(model, options, plans, &sightings))
    }

    fn with(model: &'m Model, options: &EvalOptions, plans: Vec<Plan<'m>>, sightings: &Sightings) -> Self {
        // Phases are worked out anew under each rule's evidence standard
        // (LANGUAGE-v2 §9.2), from the phase plan watching under it.
        let phases: Vec<Option<Phases>> = plans
            .iter()
            .enumerate()
            .map(|(p, plan)| (plan.rule == usize::MAX).then(|| Phases::resolve(model, &sightings.of(&plans, p, 0))))
            .collect();
        let budgets: Vec<Budget> = plans
            .iter()
            .map(|_| {
                Budget::new(match options.max_findings_per_rule {
                    0 => u64::MAX,
                    n => n,
                })
            })
            .collect();
        let monitors = plans
            .iter()
            .enumerate()
            .map(|(p, plan)| match (model.rules.get(plan.rule), &phases[plan.phases]) {
                (Some(rule), Some(phases)) => {
                    let ctx = ctx(model, options, None, &budgets[p], plan);
                    (0..plan.bindings.len())
                        .map(|i| build(&ctx, &rule.form, phases, &sightings.of(&plans, p, i)))
                        .collect()
                }
                _ => Vec::new(),
            })
            .collect();
        let dispatch = Dispatch::new(model, &plans, false);
        Judge {
            model,
            options: options.clone(),
            routing: Arc::new(Routing { plans, dispatch }),
            monitors,
            budgets,
            hits: Vec::new(),
            slots: Vec::new(),
        }
    }

    /// Hands an observation to the monitors it matches. Observations must come
    /// in the order they are judged: time, then file, then record.
    pub fn observe(&mut self, o: &Observation) {
        self.routing.dispatch.hits(&self.routing.plans, o, &mut self.hits);
        self.deliver(o);
    }

    /// A router for the reading threads: the routes it works out for an
    /// observation are what [`Judge::observe`] would find.
    pub(crate) fn router(&self) -> Router<'m> {
        Router(Arc::clone(&self.routing))
    }

    /// [`Judge::observe`] for an observation whose routes a [`Router`]
    /// of this judge worked out (or left to it: [`Routes::NONE`]).
    pub(crate) fn observe_routed(&mut self, o: &Observation, routes: &Routes) {
        match routes.get() {
            Some(routes) => {
                let Judge {
                    model,
                    options,
                    routing,
                    monitors,
                    budgets,
                    ..
                } = self;
                routing
                    .dispatch
                    .each_routed(&routing.plans, o, routes, |plan, instance, slots, certain| {
                        let ctx = ctx(
                            model,
                            options,
                            None,
                            &budgets[plan as usize],
                            &routing.plans[plan as usize],
                        );
                        monitors[plan as usize][instance as usize].observe(&ctx, o, slots, certain);
                    });
            }
            None => self.observe(o),
        }
    }

    /// Hands `o` to the monitors of `self.hits`.
    fn deliver(&mut self, o: &Observation) {
        let mut i = 0;
        while i < self.hits.len() {
            let (plan, instance, certain) = (self.hits[i].plan, self.hits[i].instance, self.hits[i].certain);
            self.slots.clear();
            while i < self.hits.len() && self.hits[i].plan == plan && self.hits[i].instance == instance {
                self.slots.push(self.hits[i].slot);
                i += 1;
            }
            let ctx = ctx(
                self.model,
                &self.options,
                None,
                &self.budgets[plan as usize],
                &self.routing.plans[plan as usize],
            );
            self.monitors[plan as usize][instance as usize].observe(&ctx, o, &self.slots, certain);
        }
    }

    /// The verdicts, once every observation up to the horizon has been seen;
    /// an error if a rule's arithmetic went past the range of exact numbers.
    pub fn finish(self, horizon: Option<Time>) -> Result<Evaluation, JudgeError> {
        let model = self.model;
        let options = &self.options;
        let mut rules = Vec::new();
        let plans = self.routing.plans.iter().zip(self.monitors).zip(&self.budgets);
        for ((plan, monitors), budget) in plans.filter(|((plan, _), _)| plan.rule != usize::MAX) {
            let rule = &model.rules[plan.rule];
            let ctx = ctx(model, options, horizon, budget, plan);
            let mut instances = Vec::with_capacity(monitors.len());
            let patterns: Vec<&str> = rule.form.slots().iter().map(|p| p.text.as_str()).collect();
            for (monitor, binding) in monitors.into_iter().zip(&plan.bindings) {
                let mut outcome = monitor.finish(&ctx);
                bind_reasons(model, &rule.vars, binding, &patterns, &mut outcome);
                if let Some(message) = outcome.error.take() {
                    return Err(JudgeError::OutOfRange {
                        rule: plan.rule,
                        id: rule.id.clone(),
                        message,
                    });
                }
                if outcome.findings.cut_by_budget {
                    outcome.notes.push(format!(
                        "the rule's findings after its first {} are counted, not listed (--max-findings)",
                        options.max_findings_per_rule
                    ));
                }
                instances.push(InstanceResult {
                    bindings: rule
                        .vars
                        .iter()
                        .map(|v| v.name.clone())
                        .zip(binding.iter().cloned())
                        .collect(),
                    verdict: outcome.verdict,
                    possible: outcome.possible,
                    reason: outcome.reason,
                    counts: outcome.counts,
                    findings: outcome.findings.list,
                    findings_omitted: outcome.findings.omitted,
                    notes: outcome.notes,
                    series: outcome.series,
                });
            }
            // The worst its instances may reach (LANGUAGE-v2 §9.3, §9.5).
            let possible = Possible::worst_of(instances.iter().map(|i| i.possible));
            rules.push(RuleResult {
                rule: plan.rule,
                verdict: possible.verdict(),
                possible,
                instances,
            });
        }
        Ok(Evaluation { horizon, rules })
    }
}

/// Reasons name the instance's values, not its variables: each pattern's
/// text in a reason is given with the bound values in place (`fatal in
/// zone donetsk`, not `fatal in zone z`).
fn bind_reasons(
    model: &Model,
    vars: &[crate::check::model::Var],
    binding: &[crate::check::model::Value],
    patterns: &[&str],
    outcome: &mut monitor::Outcome,
) {
    if vars.is_empty() {
        return;
    }
    let values: Vec<(&str, String)> = vars
        .iter()
        .zip(binding)
        .map(|(var, value)| (var.name.as_str(), bound_text(model, value)))
        .collect();
    let mut swaps: Vec<(&str, String)> = patterns
        .iter()
        .map(|p| (*p, substitute(p, &values)))
        .filter(|(p, bound)| p != bound)
        .collect();
    if swaps.is_empty() {
        return;
    }
    // Longer texts first: one pattern's text may hold another's.
    swaps.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
    // Each pattern's searcher is built once for all the texts: a rule with
    // a hundred instances binds thousands of findings, and building a
    // searcher per text was most of the time spent here.
    let finders: Vec<(memchr::memmem::Finder, &str)> = swaps
        .iter()
        .map(|(pattern, bound)| (memchr::memmem::Finder::new(pattern.as_bytes()), bound.as_str()))
        .collect();
    let bind = |text: &mut String| {
        for (finder, bound) in &finders {
            replace_all(text, finder, bound);
        }
    };
    bind(&mut outcome.reason);
    outcome.notes.iter_mut().for_each(bind);
    outcome.findings.list.iter_mut().for_each(|f| bind(&mut f.reason));
    if let Some(series) = &mut outcome.series {
        bind(&mut series.measured);
        bind(&mut series.against);
    }
}

/// Replaces what `finder` finds in `text` by `by`, as `str::replace` does:
/// every occurrence, left to right, none overlapping; `text` is left as it
/// is (not copied) when there is none.
fn replace_all(text: &mut String, finder: &memchr::memmem::Finder, by: &str) {
    let mut found = finder.find_iter(text.as_bytes()).peekable();
    if found.peek().is_none() {
        return;
    }
    let mut out = String::with_capacity(text.len() + by.len());
    let mut last = 0;
    for at in found {
        // A needle that is text matches only where a character starts.
        out.push_str(&text[last..at]);
        out.push_str(by);
        last = at + finder.needle().len();
    }
    out.push_str(&text[last..]);
    *text = out;
}

/// A pattern's text with each variable (a name outside quotes) replaced by
/// its value.
fn substitute(text: &str, values: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '"' {
            // A quoted literal, escapes and all, as written.
            out.push(c);
            let mut escaped = false;
            for (_, c) in chars.by_ref() {
                out.push(c);
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == '"' {
                    break;
                }
            }
        } else if c.is_alphabetic() || c == '_' {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = chars.peek() {
                if d.is_alphanumeric() || d == '_' {
                    end = j + d.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            let word = &text[i..end];
            let after_dot = text[..i].ends_with('.');
            match values.iter().find(|(name, _)| *name == word) {
                Some((_, value)) if !after_dot => out.push_str(value),
                _ => out.push_str(word),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A bound value as a rule writes it: zones by name, text in quotes.
fn bound_text(model: &Model, value: &crate::check::model::Value) -> String {
    use crate::check::model::Value;
    match value {
        Value::Zone(z) => model.zones[z.0 as usize].name.clone(),
        Value::Text(t) => format!("\"{}\"", crate::syntax::escape(t)),
        Value::Int(n) => n.to_string(),
        Value::Number(x) => crate::number::show(*x),
        Value::Bool(b) => b.to_string(),
        Value::Time(t) => crate::time::format_timestamp(*t),
    }
}

fn ctx<'a>(
    model: &'a Model,
    options: &EvalOptions,
    horizon: Option<Time>,
    budget: &'a Budget,
    plan: &Plan<'a>,
) -> Ctx<'a> {
    Ctx {
        model,
        horizon,
        max_findings: options.max_findings,
        max_evidence: options.max_evidence,
        budget,
        standard: plan.standard,
    }
}

/// Plan 0 watches the anchors of the phases, which every instance shares;
/// then one plan per selected rule.
fn plans<'m>(
    model: &'m Model,
    options: &EvalOptions,
    values: &std::collections::HashMap<
        (crate::check::model::KindId, crate::check::model::FieldId),
        Vec<crate::check::model::Value>,
    >,
) -> Vec<Plan<'m>> {
    let selected: Vec<usize> = match &options.rules {
        Some(rules) => rules.clone(),
        None => (0..model.rules.len()).collect(),
    };
    let phase_plan = |standard| {
        Plan::new(
            usize::MAX,
            vec![Vec::new()],
            Vec::new(),
            model.phase_anchor_patterns(),
            standard,
        )
    };
    // One plan watching the phases' anchors under no standard, one under
    // each standard the selected rules set.
    let mut plans = vec![phase_plan(None)];
    let mut standards: Vec<&str> = Vec::new();
    for &r in &selected {
        if let Some(standard) = &model.rules[r].evidence
            && !standards.contains(&standard.text.as_str())
        {
            standards.push(&standard.text);
            plans.push(phase_plan(Some(standard)));
        }
    }
    for &r in &selected {
        let rule = &model.rules[r];
        let mut plan = Plan::new(
            r,
            bindings(rule, values),
            rule.form.slots(),
            rule.form.anchor_patterns(),
            rule.evidence.as_ref(),
        );
        plan.phases = match &rule.evidence {
            Some(standard) => 1 + standards.iter().position(|s| *s == standard.text).unwrap_or(0),
            None => 0,
        };
        plans.push(plan);
    }
    plans
}

#[cfg(test)]
mod binding_tests {
    #[test]
    fn variables_outside_quotes_are_replaced() {
        let values = [("z", "donetsk".to_string()), ("s", "\"DPR\"".to_string())];
        assert_eq!(
            super::substitute("fatal in zone z where by = \"z s\" and side = s", &values),
            "fatal in zone donetsk where by = \"z s\" and side = \"DPR\""
        );
        assert_eq!(super::substitute("zz in zone z", &values), "zz in zone donetsk");
    }

    proptest::proptest! {
        #[test]
        fn a_pattern_is_replaced_as_str_replace_does(
            text in "[ab é]{0,24}",
            pattern in "[ab é]{1,3}",
            by in "[bc]{0,3}",
        ) {
            let mut bound = text.clone();
            super::replace_all(&mut bound, &memchr::memmem::Finder::new(pattern.as_bytes()), &by);
            proptest::prop_assert_eq!(bound, text.replace(&pattern, &by));
        }
    }
}
