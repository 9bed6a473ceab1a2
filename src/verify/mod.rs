//! The front door: rule files and logs → verdicts.
//!
//! [`Rules`] checks rule files (from disk or from text) and combines them
//! into one rule set; [`verify`] judges it against logs and owns the
//! strategy: a single log in time order is judged as it is read; several
//! logs, or rules that need a first look through the log (`first`/`last`
//! anchors, `for each … of`), go through a spool on disk replayed in time
//! order; a log out of order is read again into memory and sorted. It also
//! owns the accounting of invalid records: by default any stops the run
//! ([`VerifyError::InvalidRecords`]); with `skip_invalid` they are left out
//! and the first warning of the result says how many. [`run_tests`] runs the
//! `test` blocks of a rule set with the same engine.

mod reorder;
mod rules;
mod test_blocks;

use reorder::Reorder;
pub use rules::{Rules, RulesError};
pub use test_blocks::{ExpectationResult, TestOutcome, run_tests};

use crate::check::{Model, did_you_mean};
use crate::diagnostic::{Code, Diagnostic};
use crate::eval::{EvalOptions, Evaluation, Judge, JudgeError, TooManyInstances, evaluate, evaluate_from};
use crate::log::{
    LogProblem, LogSet, Observation, Outcome, ReadLog, ReadOptions, Route, Routes, Sink, Spool, read, read_chunks_into,
};
use chrono::{DateTime, Utc};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// What to judge, and how much to list.
#[derive(Clone, Debug)]
pub struct VerifyOptions {
    /// The horizon (`--as-of`): later observations are counted, not judged.
    /// Without it, the latest observation.
    pub as_of: Option<DateTime<Utc>>,
    /// Judge only the rules with these ids (`--rule`); empty for all.
    pub rules: Vec<String>,
    /// Judge the valid records when some are invalid (`--skip-invalid`).
    pub skip_invalid: bool,
    /// Invalid records listed (each problem sort); the rest are counted.
    pub max_invalid: usize,
    /// Findings listed per instance; the rest are counted.
    pub max_findings: usize,
    /// Evidence listed per finding; the rest is counted.
    pub max_evidence: usize,
    /// Findings listed per rule, all its instances together (`--max-findings`;
    /// 0 for no limit); the rest are counted, and a note says so.
    pub max_findings_per_rule: u64,
    /// About how many bytes of records each core parses at a time (a
    /// tuning knob; the default suits every log).
    pub chunk_bytes: usize,
    /// Where to report how far reading has got, for a progress bar.
    pub progress: Option<Arc<Progress>>,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        let eval = EvalOptions::default();
        VerifyOptions {
            as_of: None,
            rules: Vec::new(),
            skip_invalid: false,
            max_invalid: ReadOptions::default().max_problems,
            max_findings: eval.max_findings,
            max_evidence: eval.max_evidence,
            max_findings_per_rule: eval.max_findings_per_rule,
            chunk_bytes: ReadOptions::default().chunk_bytes,
            progress: None,
        }
    }
}

/// How far a run has got: bytes of the logs read, then judging.
#[derive(Debug, Default)]
pub struct Progress {
    read: Arc<AtomicU64>,
    judging: AtomicBool,
}

impl Progress {
    /// Bytes of records read so far.
    pub fn read_bytes(&self) -> u64 {
        self.read.load(Ordering::Relaxed)
    }

    /// Whether reading is over and the rules are being judged.
    pub fn is_judging(&self) -> bool {
        self.judging.load(Ordering::Relaxed)
    }

    /// Counts `bytes` more of the logs as read.
    pub fn record_read(&self, bytes: u64) {
        self.read.fetch_add(bytes, Ordering::Relaxed);
    }

    /// Says that reading is over and judging has begun.
    pub fn start_judging(&self) {
        self.judging.store(true, Ordering::Relaxed);
    }
}

/// The verdicts, and what reading the logs found.
#[derive(Debug)]
pub struct Verified {
    /// Every selected rule judged.
    pub evaluation: Evaluation,
    /// Records read, skipped and after the horizon; warnings about the logs.
    pub read: ReadLog,
}

/// Why nothing was judged.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// `rules` named rules that do not exist (one diagnostic each, with a
    /// did-you-mean).
    #[error("unknown rules: {}", .0.iter().map(|d| d.message.as_str()).collect::<Vec<_>>().join("; "))]
    UnknownRules(Vec<Diagnostic>),
    /// Some records are invalid and `skip_invalid` was not set; the read
    /// log lists them.
    #[error("{} invalid records of {}", .0.invalid_count(), .0.records)]
    InvalidRecords(Box<ReadLog>),
    /// A rule would have more instances than the limit once the log gave
    /// its `for each … of` values.
    #[error(transparent)]
    TooManyInstances(TooManyInstances),
    /// A rule's arithmetic went past the range of exact numbers (28
    /// significant digits): it is not judged on a rounded value.
    #[error("rule `{id}`: {message}")]
    OutOfRange {
        /// The rule's index in the model.
        rule: usize,
        /// Its id.
        id: String,
        /// What went past the range, and when.
        message: String,
    },
    /// The observations could not be kept in, or read back from, a
    /// temporary file.
    #[error("cannot keep the observations in a temporary file: {0}")]
    Spool(std::io::Error),
}

impl VerifyError {
    /// A rule that could not be judged, as a diagnostic at the rule; for
    /// the other errors, a diagnostic without a place.
    pub fn diagnostic(&self, model: &Model) -> Diagnostic {
        match self {
            VerifyError::TooManyInstances(e) => e.diagnostic(model),
            VerifyError::OutOfRange { rule, id, message } => JudgeError::OutOfRange {
                rule: *rule,
                id: id.clone(),
                message: message.clone(),
            }
            .diagnostic(model),
            VerifyError::UnknownRules(errors) => errors
                .first()
                .cloned()
                .unwrap_or_else(|| Diagnostic::without_span(Code::UnknownRuleArgument, self.to_string())),
            VerifyError::InvalidRecords(_) => Diagnostic::without_span(Code::MalformedRecord, self.to_string()),
            VerifyError::Spool(_) => Diagnostic::without_span(Code::CannotWrite, self.to_string()),
        }
    }
}

impl From<JudgeError> for VerifyError {
    fn from(e: JudgeError) -> Self {
        match e {
            JudgeError::TooManyInstances(e) => VerifyError::TooManyInstances(e),
            JudgeError::Replay(e) => VerifyError::Spool(e),
            JudgeError::OutOfRange { rule, id, message } => VerifyError::OutOfRange { rule, id, message },
        }
    }
}

/// Where the records of the logs go as they are read: to the spool (more
/// than one log), or to the judge through the reorder queue (one log, in
/// order but for ranges), until a record breaks that order.
struct Taking<'a, 'm> {
    spool: Option<&'a mut Spool>,
    spooled: &'a mut std::io::Result<()>,
    judge: Option<&'a mut Judge<'m>>,
    reorder: &'a mut Reorder,
    in_order: &'a mut bool,
}

impl Sink for Taking<'_, '_> {
    fn observation(&mut self, o: &mut Observation, routes: &Routes, at: usize) {
        if let Some(spool) = self.spool.as_mut()
            && self.spooled.is_ok()
        {
            *self.spooled = spool.push(o);
        }
        if *self.in_order
            && let Some(judge) = self.judge.as_mut()
        {
            self.reorder
                .observation(o, routes, at, &mut |o, routes| judge.observe_routed(o, routes));
        }
    }

    fn end_of_chunk(&mut self, outcomes: &mut Vec<Outcome>) {
        if *self.in_order
            && let Some(judge) = self.judge.as_mut()
        {
            *self.in_order = self
                .reorder
                .end_of_chunk(outcomes, &mut |o, routes| judge.observe_routed(o, routes));
        }
    }
}

/// Judges the rule set against the logs.
pub fn verify(model: &Model, logs: &LogSet, options: &VerifyOptions) -> Result<Verified, VerifyError> {
    let selected = select(model, &options.rules)?;
    let read_options = ReadOptions {
        as_of: options.as_of,
        max_problems: options.max_invalid,
        chunk_bytes: options.chunk_bytes,
        progress: options.progress.as_ref().map(|p| p.read.clone()),
        ..ReadOptions::default()
    };
    let eval_options = EvalOptions {
        as_of: options.as_of,
        rules: selected,
        max_findings: options.max_findings,
        max_evidence: options.max_evidence,
        max_findings_per_rule: options.max_findings_per_rule,
        ..EvalOptions::default()
    };
    // With one log, rules that need no first look through it are judged as
    // it is read, while its records come in order. Otherwise observations go
    // to a spool as they are read, and the spool is replayed in time order,
    // so that a long log is judged without holding it in memory.
    let mut judge = if logs.inputs.len() == 1 {
        Judge::at_once(model, &eval_options)
    } else {
        None
    };
    let mut spool = match judge {
        Some(_) => None,
        None => Some(Spool::new(logs.inputs.len()).map_err(VerifyError::Spool)?),
    };
    let mut spooled: std::io::Result<()> = Ok(());
    // Records in order but for ranges that start before the instants just
    // read are put back in order as they come (reorder.rs).
    let mut reorder = Reorder::default();
    let mut in_order = true;
    // Which instances each observation concerns is worked out on the
    // reading threads, beside the parsing.
    let router = judge.as_ref().map(Judge::router);
    let mut read_log = {
        let mut taking = Taking {
            spool: spool.as_mut(),
            spooled: &mut spooled,
            judge: judge.as_mut(),
            reorder: &mut reorder,
            in_order: &mut in_order,
        };
        let route = router.as_ref().map(|r| r as &dyn Route);
        read_chunks_into(model, logs, &read_options, route, &mut taking)
    };
    if in_order && let Some(judge) = judge.as_mut() {
        reorder.finish(&mut |o, routes| judge.observe_routed(o, routes));
    }
    spooled.map_err(VerifyError::Spool)?;
    if let Some(progress) = &options.progress {
        progress.start_judging();
    }
    if !read_log.invalid.is_empty() && !options.skip_invalid {
        return Err(VerifyError::InvalidRecords(Box::new(read_log)));
    }
    if options.skip_invalid && read_log.invalid_count() > 0 {
        account_for_skipped(&mut read_log, logs);
    }
    let replayed = EvalOptions {
        latest: read_log.latest,
        ..eval_options
    };
    let evaluation = match (judge, spool) {
        (Some(judge), _) if in_order => judge.finish(options.as_of.or(read_log.latest))?,
        (_, Some(spool)) => {
            let mut replay = spool.finish().map_err(VerifyError::Spool)?;
            evaluate_from(model, &mut replay, &replayed)?
        }
        // A log out of order: read it again into memory, sorted.
        (_, None) => {
            let (_, observations) = read(model, logs, &read_options);
            evaluate(model, &observations, &replayed)?
        }
    };
    let mut evaluation = evaluation;
    if logs.inputs.iter().any(|i| i.source.is_some()) {
        attach_source_records(&mut evaluation, model, logs);
    }
    measure_distances(&mut evaluation, model);
    if let Some(calendar) = model.calendar {
        localize(&mut evaluation, calendar);
        for warning in &mut read_log.warnings {
            warning.message = calendar.annotate(&warning.message);
        }
    }
    Ok(Verified {
        evaluation,
        read: read_log,
    })
}

/// Evidence from logs read through a source shows the record's id and the
/// cells its source read (LANGUAGE-v2 §11), read again from the files.
fn attach_source_records(evaluation: &mut crate::eval::Evaluation, model: &Model, logs: &LogSet) {
    let evidence = || {
        evaluation
            .rules
            .iter()
            .flat_map(|r| &r.instances)
            .flat_map(|i| &i.findings)
            .flat_map(|f| &f.evidence)
    };
    let origins: Vec<_> = evidence().map(|e| e.origin).collect();
    // Shared: the same record is often evidence of several findings.
    let records: std::collections::HashMap<_, _> = logs
        .source_records(model, &origins)
        .into_iter()
        .map(|(origin, record)| (origin, std::sync::Arc::new(record)))
        .collect();
    for evidence in evaluation
        .rules
        .iter_mut()
        .flat_map(|r| r.instances.iter_mut())
        .flat_map(|i| i.findings.iter_mut())
        .flat_map(|f| f.evidence.iter_mut())
    {
        if let Some(record) = records.get(&evidence.origin) {
            evidence.record = Some(record.clone());
        }
    }
}

/// Evidence of a rule that asks `distance(F, PLACE)` shows the distance
/// measured from the position to the place (LANGUAGE-v2 §12). The
/// position is not kept with the evidence, so it is read from the
/// evidence's fields by name.
fn measure_distances(evaluation: &mut crate::eval::Evaluation, model: &Model) {
    for result in &mut evaluation.rules {
        let rule = &model.rules[result.rule];
        let mut questions: Vec<(String, String, String, std::sync::Arc<crate::places::Shape>)> = Vec::new();
        for pattern in rule.form.slots() {
            let Some(condition) = &pattern.condition else { continue };
            let kind = &model.kinds[pattern.kind.0 as usize];
            for (field, place, shape) in condition.distances() {
                let entry = (
                    kind.name.clone(),
                    kind.fields[field.0 as usize].name.clone(),
                    place.to_string(),
                    shape.clone(),
                );
                if !questions
                    .iter()
                    .any(|q| q.0 == entry.0 && q.1 == entry.1 && q.2 == entry.2)
                {
                    questions.push(entry);
                }
            }
        }
        if questions.is_empty() {
            continue;
        }
        for evidence in result
            .instances
            .iter_mut()
            .flat_map(|i| i.findings.iter_mut())
            .flat_map(|f| f.evidence.iter_mut())
        {
            for (kind, field, place, shape) in &questions {
                if &evidence.kind != kind {
                    continue;
                }
                let position = evidence.fields.iter().find_map(|(name, value)| match value {
                    crate::log::FieldValue::Position(p) if name == field => Some(**p),
                    _ => None,
                });
                if let Some(p) = position
                    && !evidence.distances.iter().any(|(name, _)| name == place)
                {
                    evidence
                        .distances
                        .push((place.clone(), shape.distance(p.lat, p.lon, f64::INFINITY)));
                }
            }
        }
    }
}

/// Where a calendar is set, every time in the verdicts' words gets its
/// local time beside it (LANGUAGE-v2 §10), once, for every report.
fn localize(evaluation: &mut crate::eval::Evaluation, calendar: crate::time::Calendar) {
    for instance in evaluation.rules.iter_mut().flat_map(|r| r.instances.iter_mut()) {
        instance.reason = calendar.annotate(&instance.reason);
        for note in &mut instance.notes {
            *note = calendar.annotate(note);
        }
        for finding in &mut instance.findings {
            finding.reason = calendar.annotate(&finding.reason);
        }
    }
}

/// Records skipped with `--skip-invalid` head the warnings: the verdicts
/// leave them out, and every report says so first.
fn account_for_skipped(read: &mut ReadLog, logs: &LogSet) {
    let skipped = read.invalid_count();
    let lost = read.invalid_by_code.get(&Code::UnreadableLog).copied().unwrap_or(0);
    let names: Vec<&str> = logs.inputs.iter().map(|i| i.name.as_str()).collect();
    let what = match (skipped - lost, lost) {
        (records, 0) => format!("{records} invalid records were skipped"),
        (0, files) => format!("the rest of {} could not be read", plural(files, "log file")),
        (records, files) => format!(
            "{records} invalid records were skipped and the rest of {} could not be read",
            plural(files, "log file")
        ),
    };
    read.warnings.insert(
        0,
        LogProblem::about(
            Code::SkippedRecords,
            &names.join(", "),
            format!("{what} (--skip-invalid); the verdicts leave them out"),
        )
        .with_help("the JSON report lists each skipped record with its reason")
        .with_count(skipped),
    );
}

/// "1 log file", "2 log files".
fn plural(n: u64, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The indices of the rules with these ids (`None`: all rules).
fn select(model: &Model, ids: &[String]) -> Result<Option<Vec<usize>>, VerifyError> {
    if ids.is_empty() {
        return Ok(None);
    }
    let mut selected = Vec::new();
    let mut errors = Vec::new();
    for id in ids {
        let matching: Vec<usize> = (0..model.rules.len()).filter(|&i| &model.rules[i].id == id).collect();
        if matching.is_empty() {
            let help = did_you_mean(id, model.rules.iter().map(|r| r.id.as_str()))
                .map(|r| format!("did you mean `{r}`?"))
                .unwrap_or_else(|| "`ceasefire check` lists the rules of the rule files".to_string());
            errors.push(
                Diagnostic::without_span(Code::UnknownRuleArgument, format!("there is no rule `{id}`")).with_help(help),
            );
        }
        selected.extend(matching);
    }
    selected.sort_unstable();
    selected.dedup();
    if errors.is_empty() {
        Ok(Some(selected))
    } else {
        Err(VerifyError::UnknownRules(errors))
    }
}
