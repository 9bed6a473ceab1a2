//! Running the `test` blocks of rule files (LANGUAGE.md §7) with the engine
//! that judges real logs.

use crate::check::model::{Model, Test, TestObservation, Value};
use crate::diagnostic::Diagnostic;
use crate::eval::{EvalOptions, RuleResult, evaluate};
use crate::log::{FieldValue, Fields, Observation, Origin, Provenance};
use crate::source::Span;
use crate::verdict::Verdict;
use std::sync::Arc;

/// What one test found.
#[derive(Clone, Debug)]
pub struct TestOutcome {
    /// Index into [`Model::tests`].
    pub test: usize,
    /// One per `expect`, in the order written.
    pub expectations: Vec<ExpectationResult>,
    /// Why the test's rules could not be judged at all (a rule with too
    /// many instances once the test's log gave its values).
    pub error: Option<Diagnostic>,
}

impl TestOutcome {
    /// Whether the rules were judged and every expectation held.
    pub fn passed(&self) -> bool {
        self.error.is_none() && self.expectations.iter().all(|c| c.actual.verdict == c.expected)
    }
}

/// One `expect RULE VERDICT` and what the rule's verdict was.
#[derive(Clone, Debug)]
pub struct ExpectationResult {
    /// Index into [`Model::rules`].
    pub rule: usize,
    /// The verdict written after the rule.
    pub expected: Verdict,
    /// Where the `expect` is.
    pub span: Span,
    /// The rule judged against the test's log.
    pub actual: RuleResult,
}

/// Runs every test of the model.
pub fn run_tests(model: &Model) -> Vec<TestOutcome> {
    (0..model.tests.len())
        .map(|i| run_test(model, &model.tests[i], i))
        .collect()
}

/// Runs one test: its log, in time order (lines written at the same
/// instant in the order written), judged as of its `as of` or else its
/// latest observation.
fn run_test(model: &Model, test: &Test, index: usize) -> TestOutcome {
    let mut observations: Vec<Observation> = test
        .log
        .iter()
        .map(|line| observation(model, line))
        .filter(|o| test.as_of.is_none_or(|h| o.time <= h))
        .map(|mut o| {
            if let Some(h) = test.as_of {
                o.cut_at(h);
            }
            o
        })
        .collect();
    observations.sort_by_key(|o| (o.time, o.origin.offset));
    let mut rules: Vec<usize> = test.expects.iter().map(|e| e.rule).collect();
    rules.sort_unstable();
    rules.dedup();
    let options = EvalOptions {
        as_of: test.as_of,
        rules: Some(rules),
        ..EvalOptions::default()
    };
    let evaluation = match evaluate(model, &observations, &options) {
        Ok(evaluation) => evaluation,
        Err(error) => {
            let diagnostic = error.diagnostic(model);
            return TestOutcome {
                test: index,
                expectations: Vec::new(),
                error: Some(diagnostic),
            };
        }
    };
    let expectations = test
        .expects
        .iter()
        .filter_map(|expect| {
            let actual = evaluation.rules.iter().find(|r| r.rule == expect.rule)?.clone();
            Some(ExpectationResult {
                rule: expect.rule,
                expected: expect.verdict,
                span: expect.span,
                actual,
            })
        })
        .collect();
    TestOutcome {
        test: index,
        expectations,
        error: None,
    }
}

/// A log line of a test as an observation. Its origin is the line's place
/// in the rule file: `offset` is the byte where the line starts.
fn observation(model: &Model, line: &TestObservation) -> Observation {
    let kind = &model.kinds[line.kind.0 as usize];
    let mut declared: Fields = smallvec::smallvec![None; kind.fields.len()];
    for (field, value) in &line.fields {
        if let Some(slot) = declared.get_mut(field.0 as usize) {
            *slot = Some(match value {
                Value::Int(n) => FieldValue::Int(*n),
                Value::Number(x) => FieldValue::Number(*x),
                Value::Text(t) => FieldValue::Text(t.as_str().into()),
                Value::Bool(b) => FieldValue::Bool(*b),
                Value::Zone(z) => FieldValue::Zone(*z),
                Value::Time(t) => FieldValue::Time(*t),
            });
        }
    }
    for (field, position) in &line.positions {
        if let Some(slot) = declared.get_mut(field.0 as usize) {
            *slot = Some(FieldValue::Position(Box::new(*position)));
        }
    }
    let mut observation = Observation {
        time: line.time,
        extent: None,
        kind: line.kind,
        declared,
        origin: Origin {
            file: line.span.file.0,
            line: 0,
            offset: u64::from(line.span.start),
        },
    };
    observation.set_time(line.time, line.until);
    // Sources and status count only where a rule sets a standard, as in logs.
    if model.has_evidence_standards() && (!line.sources.is_empty() || line.status.is_some()) {
        observation.set_provenance(Some(Arc::new(Provenance {
            sources: line.sources.iter().map(|s| Arc::from(s.as_str())).collect(),
            status: line.status.as_deref().map(Arc::from),
        })));
    }
    observation
}
