//! Observation logs (LOG.md): JSON Lines and CSV readers, optionally
//! gzip-compressed, typed by the event declarations; invalid records and
//! warnings as [`LogProblem`]s.

mod chunk;
mod collect;
mod fetch;
mod format;
mod input;
mod mapping;
mod observation;
mod pipeline;
mod problem;
mod record;
mod spool;

pub use input::{LogFormat, LogInput, LogSet};
pub use observation::{EcoString, Extent, FieldValue, Fields, Observation, Origin, Position, Provenance, SourceRecord};
pub use problem::{LogProblem, Place};
pub use spool::{Replay, Spool};

use crate::check::model::KindId;
use crate::check::{self, Model};
use crate::diagnostic::Code;
use chrono::{DateTime, Utc};
pub use chunk::MAX_RECORD_BYTES;
use chunk::{CHUNK_BYTES, Chunk, Chunker};
use collect::Collector;
use format::{Format, Start};
use record::Typer;
#[cfg(test)]
pub(crate) use record::valid_outcome;
pub(crate) use record::{Outcome, Route, Routes};

use std::collections::BTreeSet;

/// How to read logs.
#[derive(Clone, Debug)]
pub struct ReadOptions {
    /// Observations after this time are not judged (but counted).
    pub as_of: Option<DateTime<Utc>>,
    /// At most this many problems of each sort are listed; the rest are counted.
    pub max_problems: usize,
    /// About how many bytes of records each core parses at a time.
    pub chunk_bytes: usize,
    /// Records longer than this are skipped (and reported, CF1001) without
    /// being kept in memory.
    pub max_record_bytes: usize,
    /// If given, counts the bytes of records read so far (for a progress bar).
    pub progress: Option<std::sync::Arc<std::sync::atomic::AtomicU64>>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            as_of: None,
            max_problems: 50,
            chunk_bytes: CHUNK_BYTES,
            max_record_bytes: chunk::MAX_RECORD_BYTES,
            progress: None,
        }
    }
}

/// What reading the logs produced, besides the observations themselves.
#[derive(Debug)]
pub struct ReadLog {
    /// Every record read, valid or not.
    pub records: u64,
    /// Valid observations up to `--as-of`, of every kind.
    pub observations: u64,
    /// The earliest of them.
    pub earliest: Option<DateTime<Utc>>,
    /// The latest of them.
    pub latest: Option<DateTime<Utc>>,
    /// Whether every file was in time order.
    pub sorted: bool,
    /// Invalid records (the first of them, up to the limit) and problems
    /// with whole files.
    pub invalid: Vec<LogProblem>,
    /// How many records were invalid, by code.
    pub invalid_by_code: std::collections::BTreeMap<Code, u64>,
    /// Observations after `--as-of`.
    pub after_as_of: u64,
    /// Warnings, in a fixed order.
    pub warnings: Vec<LogProblem>,
    /// Records that a source's map sent to `skip`, by log and target, in
    /// the order of the logs and the source's lines.
    pub skipped_by_map: Vec<MapSkips>,
}

/// Records of one log that one map of its source sent to `skip`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MapSkips {
    /// The log, as given.
    pub log: String,
    /// The source it was read through.
    pub source: String,
    /// The target whose map skipped them (`zone`).
    pub target: String,
    /// The column that map reads (`adm_1`).
    pub column: String,
    /// How many records.
    pub records: u64,
}

impl ReadLog {
    /// How many records were invalid.
    pub fn invalid_count(&self) -> u64 {
        self.invalid_by_code.values().sum()
    }

    /// How many records maps sent to `skip`, in every log.
    pub fn skipped_count(&self) -> u64 {
        self.skipped_by_map.iter().map(|s| s.records).sum()
    }
}

/// Reads every log of the set, typed by the model's declarations, and
/// returns the observations of declared kinds in the order they are judged:
/// time, then file, then record.
pub fn read(model: &Model, logs: &LogSet, options: &ReadOptions) -> (ReadLog, Vec<Observation>) {
    let mut observations = Vec::new();
    let read = read_into(model, logs, options, &mut |o| {
        observations.push(std::mem::replace(o, Observation::blank()))
    });
    observations.sort_by_key(Observation::order);
    (read, observations)
}

/// Reads every log of the set, handing each valid observation of a declared
/// kind (up to `--as-of`) to `sink`, in file order then record order.
/// The sink may take an observation, leaving any other in its place (it
/// is dropped on a reading thread): a caller that keeps observations moves
/// them instead of copying them.
///
/// Large logs are cut into chunks of whole records that are parsed on every
/// core; their records are taken in order, so the result is the same as
/// reading them one by one.
pub fn read_into(
    model: &Model,
    logs: &LogSet,
    options: &ReadOptions,
    sink: &mut dyn FnMut(&mut Observation),
) -> ReadLog {
    read_chunks_into(model, logs, options, None, &mut Each(sink))
}

/// What takes the observations of a log as they are read: each valid
/// observation of a declared kind, with its place in its chunk's list of
/// outcomes, then the list itself at the chunk's end.
pub(crate) trait Sink {
    /// An observation, its routes (see [`Route`]) and its index `at` in
    /// its chunk's outcomes.
    fn observation(&mut self, o: &mut Observation, routes: &Routes, at: usize);
    /// The end of a chunk: its outcomes, which the sink may keep (it
    /// leaves another list in their place, for the parser to clear and
    /// fill again).
    fn end_of_chunk(&mut self, outcomes: &mut Vec<Outcome>);
}

/// A sink that takes observations one by one.
struct Each<'s>(&'s mut dyn FnMut(&mut Observation));

impl Sink for Each<'_> {
    fn observation(&mut self, o: &mut Observation, _routes: &Routes, _at: usize) {
        (self.0)(o)
    }
    fn end_of_chunk(&mut self, _outcomes: &mut Vec<Outcome>) {}
}

/// The observation of an outcome and its routes, if it is a valid record's.
pub(crate) fn observation_of(outcome: &Outcome) -> Option<(&Observation, &Routes)> {
    match outcome {
        Outcome::Valid(valid) => Some((&valid.observation, &valid.routes)),
        _ => None,
    }
}

/// [`read_into`] for a sink that may keep whole chunks of outcomes (see
/// [`Sink`]), and whose observations' routes are worked out on the
/// reading threads by `route`, if given.
pub(crate) fn read_chunks_into(
    model: &Model,
    logs: &LogSet,
    options: &ReadOptions,
    route: Option<&dyn Route>,
    sink: &mut dyn Sink,
) -> ReadLog {
    let mut state = State {
        collector: Collector::new(options.max_problems),
        as_of: options.as_of,
        records: 0,
        observations: 0,
        earliest: None,
        latest: None,
        sorted: true,
        previous: None,
        skipped: Vec::new(),
        source_warnings: Vec::new(),
        skipped_by_map: Vec::new(),
    };
    for (index, input) in logs.inputs.iter().enumerate() {
        state.previous = None;
        state.skipped.clear();
        let before = state.records;
        let mut take = |chunk: &Chunk, outcomes: &mut Vec<Outcome>| {
            state.take(index as u32, &input.name, chunk, outcomes, sink);
            if let Some(progress) = &options.progress {
                progress.fetch_add(chunk.data.len() as u64, std::sync::atomic::Ordering::Relaxed);
            }
        };
        let sizes = (options.chunk_bytes.max(1), options.max_record_bytes);
        let source = match input.source.as_deref() {
            None => None,
            Some(name) => match model.sources.iter().find(|s| s.name == name) {
                Some(source) => Some(source),
                None => {
                    // The command line checks names first; a library caller may not.
                    let problem = LogProblem::about(
                        Code::UnknownSource,
                        &input.name,
                        format!("no rule file declares a source `{name}`; the log is not read"),
                    )
                    .with_help("declare the source, or name one the rule files declare")
                    .with_count(1);
                    state.records += 1;
                    *state.collector.invalid_by_code.entry(Code::UnknownSource).or_default() += 1;
                    state.collector.file_errors.push(problem);
                    continue;
                }
            },
        };
        let result = read_input(model, logs, input, source, sizes, route, &mut take);
        if let Some(source) = source {
            state.finish_source(
                input,
                source,
                state.records - before,
                result.as_ref().ok().cloned().flatten(),
            );
        }
        if let Err(e) = result {
            // What could not be read counts as one skipped record: how many
            // records it held cannot be known, and it must not vanish.
            let read = state.records - before;
            let message = if read == 0 {
                format!("cannot read `{}`: {e}", input.name)
            } else {
                format!(
                    "cannot read `{}` past its first {read} records: {e}; the rest of the file is lost",
                    input.name
                )
            };
            let problem = LogProblem::about(Code::UnreadableLog, &input.name, message)
                .with_help("check that the file is readable and, if it ends in `.gz`, that it is whole (`gzip -t`)")
                .with_count(1);
            state.records += 1;
            *state.collector.invalid_by_code.entry(Code::UnreadableLog).or_default() += 1;
            state.collector.file_errors.push(problem);
        }
    }
    state.finish(model, logs, options)
}

/// What reading has found so far.
struct State {
    collector: Collector,
    as_of: Option<DateTime<Utc>>,
    records: u64,
    observations: u64,
    earliest: Option<DateTime<Utc>>,
    latest: Option<DateTime<Utc>>,
    sorted: bool,
    /// The time of the last valid record of the current file.
    previous: Option<DateTime<Utc>>,
    /// Records of the current file that its source's maps skipped, by target.
    skipped: Vec<u64>,
    /// Warnings about reading through sources.
    source_warnings: Vec<LogProblem>,
    /// Every file's skips.
    skipped_by_map: Vec<MapSkips>,
}

impl State {
    /// Takes the outcomes of a chunk's records, in order.
    fn take(&mut self, file: u32, name: &str, chunk: &Chunk, outcomes: &mut Vec<Outcome>, sink: &mut dyn Sink) {
        // Outcomes are looked at in place (they are large) and left for the
        // parser to clear before it fills the list again: dropping them is
        // work a worker thread can do beside this one.
        for (at, outcome) in outcomes.iter_mut().enumerate() {
            let valid = match outcome {
                Outcome::Valid(valid) => valid,
                Outcome::Skipped(target) => {
                    self.records += 1;
                    if self.skipped.len() <= *target {
                        self.skipped.resize(*target + 1, 0);
                    }
                    self.skipped[*target] += 1;
                    continue;
                }
                Outcome::Unreadable(code, count) => {
                    if *count > 0 {
                        self.records += *count;
                        *self.collector.invalid_by_code.entry(*code).or_default() += *count;
                        // The file's problem (a CSV header without `time`)
                        // covers these rows: its count says how many.
                        if let Some(problem) = self
                            .collector
                            .file_errors
                            .iter_mut()
                            .rev()
                            .find(|p| p.code == *code && p.file == name)
                        {
                            problem.count += *count;
                        }
                    }
                    continue;
                }
                problem => {
                    // A problem is moved out, leaving an outcome that counts nothing.
                    match std::mem::replace(problem, Outcome::Unreadable(Code::MalformedRecord, 0)) {
                        Outcome::FileError(problem) => self.collector.file_errors.push(problem),
                        Outcome::Invalid(problem) => {
                            self.records += 1;
                            self.collector.invalid(problem);
                        }
                        Outcome::Valid(_) | Outcome::Unreadable(..) | Outcome::Skipped(_) => {}
                    }
                    continue;
                }
            };
            self.records += 1;
            // The record's text is looked at only when a problem or a first sighting needs it.
            let range = valid.text.clone();
            let text = || std::str::from_utf8(&chunk.data[range.clone()]).unwrap_or_default();
            let (time, line) = (valid.observation.time, valid.observation.origin.line);
            if self.previous.is_some_and(|p| time < p) {
                self.sorted = false;
                self.collector.out_of_order(name, line, &text);
            }
            self.previous = Some(time);
            if self.as_of.is_some_and(|h| time > h) {
                self.collector.after(name, line, text());
                continue;
            }
            if let Some(horizon) = self.as_of {
                valid.observation.cut_at(horizon);
            }
            self.observations += 1;
            // The latest instant any observation could have (a range's end).
            // (Compared field by field: `Option::max` on the stack stalled
            // a store-to-load forward on every record.)
            let until = valid.observation.until();
            if self.latest.is_none_or(|l| until > l) {
                self.latest = Some(until);
            }
            if self.earliest.is_none_or(|e| time < e) {
                self.earliest = Some(time);
            }
            let declared = valid.extra.as_ref().is_none_or(|e| e.undeclared.is_none());
            let kind = valid.observation.kind;
            match valid.extra.as_deref_mut() {
                None => self.collector.valid_plain(name, line, kind, &text),
                Some(extra) => {
                    let kind = match extra.undeclared.as_deref() {
                        Some(undeclared) => Err(undeclared),
                        None => Ok(kind),
                    };
                    self.collector
                        .valid(name, line, kind, extra.id.as_deref(), &text, &mut extra.remarks);
                }
            }
            if declared {
                valid.observation.origin.file = file;
                sink.observation(&mut valid.observation, &valid.routes, at);
            }
        }
        sink.end_of_chunk(outcomes);
    }

    /// Notes what a file read through `source` had skipped by its maps, and
    /// warns of a map that skipped every record and of columns empty in every
    /// record (`empty`, from the source compiled for the file).
    fn finish_source(
        &mut self,
        input: &LogInput,
        source: &check::model::Source,
        records: u64,
        empty: Option<Vec<LogProblem>>,
    ) {
        for (index, &count) in self.skipped.iter().enumerate() {
            if count == 0 {
                continue;
            }
            let target = &source.targets[index];
            let column = target.value.map_column().unwrap_or_default().to_string();
            if count == records {
                self.source_warnings.push(
                    LogProblem::about(
                        Code::MapSkipsEverything,
                        &input.name,
                        format!(
                            "the map of `{}` (column `{column}`) of the source `{}` skipped every one of the {records} records",
                            target.name, source.name
                        ),
                    )
                    .with_help("check the map's keys against the column's values (spelling, spaces), and that the source fits this file"),
                );
            }
            self.skipped_by_map.push(MapSkips {
                log: input.name.clone(),
                source: source.name.clone(),
                target: target.name.clone(),
                column,
                records: count,
            });
        }
        if records > 0 {
            self.source_warnings.extend(empty.unwrap_or_default());
        }
    }

    fn finish(self, model: &Model, logs: &LogSet, options: &ReadOptions) -> ReadLog {
        let collector = self.collector;
        let used = kinds_used(model);
        let as_of = options.as_of.map(crate::time::format_timestamp);
        let mut warnings = collector.warnings(model, &used, as_of.as_deref());
        warnings.extend(self.source_warnings);
        if self.observations == 0 && collector.invalid_count() == 0 && collector.file_errors.is_empty() {
            let names: Vec<&str> = logs.inputs.iter().map(|i| i.name.as_str()).collect();
            warnings.push(
                LogProblem::about(
                    Code::EmptyLog,
                    &names.join(", "),
                    "the logs hold no observations to judge",
                )
                .with_help("check that the right file was given; every rule will be vacuous or pending"),
            );
        }
        let mut invalid = collector.file_errors.clone();
        invalid.extend(collector.invalid.iter().cloned());
        ReadLog {
            records: self.records,
            observations: self.observations,
            earliest: self.earliest,
            latest: self.latest,
            sorted: self.sorted,
            invalid_by_code: collector.invalid_by_code.clone(),
            invalid,
            after_as_of: collector.after_as_of,
            warnings,
            skipped_by_map: self.skipped_by_map,
        }
    }
}

/// Reads one log, handing each chunk's outcomes to `take` in order; for a
/// log read through a source, the warnings about columns it found empty.
fn read_input(
    model: &Model,
    logs: &LogSet,
    input: &LogInput,
    source: Option<&check::model::Source>,
    (size, max_record): (usize, usize),
    route: Option<&dyn Route>,
    take: &mut dyn FnMut(&Chunk, &mut Vec<Outcome>),
) -> std::io::Result<Option<Vec<LogProblem>>> {
    let format = input.format.reader();
    let mut chunker = Chunker::new(logs.read(input)?, format.boundaries()).with_max_record(max_record);
    let Some(first) = chunker.next_chunk(size)? else {
        return Ok(None);
    };
    let how = format::How {
        source,
        provenance: model.has_evidence_standards(),
    };
    match format.start(first, &mut chunker, size, &input.name, how)? {
        Start::Empty => Ok(None),
        Start::Unreadable { problem, first } => unreadable(format, problem, first, chunker, size, take).map(|()| None),
        Start::Records { parser, first, from } => {
            let typer = Typer::new(model).with_calendar(parser.calendar());
            let mut outcomes = Vec::new();
            pipeline::parse(parser.as_ref(), &first, from, &input.name, &typer, &mut outcomes, route);
            take(&first, &mut outcomes);
            pipeline::run(model, parser.as_ref(), &input.name, chunker, size, route, take)?;
            Ok(parser.source().map(|s| s.empty_columns(&input.name)))
        }
    }
}

/// The parsing stage of reading on its own, for the benchmark of stages
/// (`benches/verify.rs`; not part of the library's interface): every
/// record of every log parsed on this thread as a plain log (no source),
/// into raw values (`typed` false) or typed into observations (`typed`
/// true), nothing judged. The number of records, so that no work is
/// optimised away.
#[doc(hidden)]
pub fn parse_stage(model: &Model, logs: &LogSet, typed: bool) -> std::io::Result<u64> {
    let size = chunk::CHUNK_BYTES;
    let mut records = 0;
    for input in &logs.inputs {
        let format = input.format.reader();
        let mut chunker = Chunker::new(logs.read(input)?, format.boundaries());
        let Some(first) = chunker.next_chunk(size)? else {
            continue;
        };
        let how = format::How {
            source: None,
            provenance: model.has_evidence_standards(),
        };
        let Start::Records {
            parser,
            first,
            mut from,
        } = format.start(first, &mut chunker, size, &input.name, how)?
        else {
            continue;
        };
        let typer = Typer::new(model).with_calendar(parser.calendar());
        let mut outcomes = Vec::new();
        let mut next = Some(first);
        while let Some(chunk) = next {
            if typed {
                pipeline::parse(parser.as_ref(), &chunk, from, &input.name, &typer, &mut outcomes, None);
            } else {
                outcomes.clear();
                parser.scan(&chunk, from, &mut outcomes);
            }
            records += outcomes.len() as u64;
            from = 0;
            next = chunker.next_chunk(size)?;
        }
    }
    Ok(records)
}

/// A log whose start makes its records unreadable (a CSV header without
/// `time`): the problem, and every record counted as invalid.
fn unreadable(
    format: &dyn Format,
    problem: LogProblem,
    first: Chunk,
    mut chunker: Chunker,
    size: usize,
    take: &mut dyn FnMut(&Chunk, &mut Vec<Outcome>),
) -> std::io::Result<()> {
    let code = problem.code;
    let rows = if first.skipped.is_some() {
        0
    } else {
        format.count(&first).saturating_sub(1)
    };
    take(
        &first,
        &mut vec![
            Outcome::FileError(problem.with_count(0)),
            Outcome::Unreadable(code, rows),
        ],
    );
    while let Some(chunk) = chunker.next_chunk(size)? {
        let rows = if chunk.skipped.is_some() {
            1
        } else {
            format.count(&chunk)
        };
        take(&chunk, &mut vec![Outcome::Unreadable(code, rows)]);
    }
    Ok(())
}

/// The event kinds some rule's patterns name (directly, in anchors, or
/// through the phases it uses).
pub fn kinds_used(model: &Model) -> BTreeSet<KindId> {
    let mut used = BTreeSet::new();
    used.extend(model.patterns().into_iter().map(|p| p.kind));
    for rule in &model.rules {
        for header in &rule.for_each {
            if let crate::check::model::Domain::Values(kind, _) = header.domain {
                used.insert(kind);
            }
        }
    }
    used
}
