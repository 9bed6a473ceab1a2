//! Observation logs (LOG.md): JSON Lines and CSV readers, optionally
//! gzip-compressed, typed by the event declarations; invalid records and
//! warnings as [`LogProblem`]s.

mod collect;
mod csv;
mod fetch;
mod input;
mod jsonl;
mod observation;
mod problem;
mod record;
mod spool;

pub use input::{LogFormat, LogInput, LogSet};
pub use observation::{FieldValue, Observation, Origin};
pub use problem::{LogProblem, Place};
pub use spool::{Replay, Spool};

use crate::check::Model;
use crate::check::model::KindId;
use crate::diagnostic::Code;
use chrono::{DateTime, Utc};
use collect::Collector;
use record::{RawRecord, Typer};

use std::collections::BTreeSet;

/// How to read logs.
#[derive(Clone, Debug)]
pub struct ReadOptions {
    /// Observations after this time are not judged (but counted).
    pub as_of: Option<DateTime<Utc>>,
    /// At most this many problems of each sort are listed; the rest are counted.
    pub max_problems: usize,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            as_of: None,
            max_problems: 50,
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
}

impl ReadLog {
    /// How many records were invalid.
    pub fn invalid_count(&self) -> u64 {
        self.invalid_by_code.values().sum()
    }
}

/// What a reader hands over for each record.
pub(crate) enum Event<'a> {
    /// A well-formed record, with a way to find a key's value in its text.
    Record {
        line: u64,
        offset: u64,
        text: &'a str,
        raw: RawRecord<'a>,
        locate: &'a dyn Fn(&str) -> std::ops::Range<usize>,
    },
    /// A record that cannot be read.
    Invalid(LogProblem),
    /// A problem with the whole file (its records are then counted with `Unreadable`).
    FileError(LogProblem),
    /// This many records could not be read because of a file error.
    Unreadable(u64),
}

/// Reads every log of the set, typed by the model's declarations, and
/// returns the observations of declared kinds in the order they are judged:
/// time, then file, then record.
pub fn read(model: &Model, logs: &LogSet, options: &ReadOptions) -> (ReadLog, Vec<Observation>) {
    let mut observations = Vec::new();
    let read = read_into(model, logs, options, &mut |o| observations.push(o.clone()));
    observations.sort_by_key(Observation::order);
    (read, observations)
}

/// Reads every log of the set, handing each valid observation of a declared
/// kind (up to `--as-of`) to `sink`, in file order then record order.
pub fn read_into(model: &Model, logs: &LogSet, options: &ReadOptions, sink: &mut dyn FnMut(&Observation)) -> ReadLog {
    let typer = Typer::new(model);
    let mut collector = Collector::new(options.max_problems);
    let (mut records, mut observations, mut latest, mut sorted) = (0u64, 0u64, None, true);
    let mut buffer = Observation {
        time: DateTime::UNIX_EPOCH,
        kind: KindId(0),
        declared: Vec::new(),
        origin: Origin {
            file: 0,
            line: 0,
            offset: 0,
        },
    };
    let mut remarks = Vec::new();
    for (index, input) in logs.inputs.iter().enumerate() {
        let mut previous: Option<DateTime<Utc>> = None;
        let mut each = |event: Event| match event {
            Event::Record {
                line,
                offset,
                text,
                raw,
                locate,
            } => {
                records += 1;
                let id = raw.fields.iter().find(|(k, _)| k == "id").and_then(|(_, v)| match v {
                    record::Raw::Text(t) => Some(t.to_string()),
                    record::Raw::Int(n) => Some(n.to_string()),
                    _ => None,
                });
                let origin = Origin {
                    file: index as u32,
                    line,
                    offset,
                };
                match typer.observation(raw, origin, &mut buffer, &mut remarks) {
                    Ok(kind) => {
                        let time = buffer.time;
                        if previous.is_some_and(|p| time < p) {
                            sorted = false;
                            collector.out_of_order(&input.name, line, text);
                        }
                        previous = Some(time);
                        if options.as_of.is_some_and(|h| time > h) {
                            remarks.clear();
                            collector.after(&input.name, line, text);
                            return;
                        }
                        observations += 1;
                        latest = latest.max(Some(time));
                        match kind {
                            record::Kind::Declared => {
                                collector.valid(&input.name, line, Ok(buffer.kind), id.as_deref(), text, &mut remarks);
                                sink(&buffer);
                            }
                            record::Kind::Undeclared(name) => {
                                collector.valid(&input.name, line, Err(&name), id.as_deref(), text, &mut remarks);
                            }
                        }
                    }
                    Err(error) => {
                        remarks.clear();
                        let at = error.key.as_deref().map_or(0..text.len(), locate);
                        let mut problem = LogProblem::at(error.code, &input.name, line, text, at, error.message);
                        problem.help = error.help;
                        collector.invalid(problem);
                    }
                }
            }
            Event::Invalid(problem) => {
                records += 1;
                collector.invalid(problem);
            }
            Event::FileError(problem) => collector.file_errors.push(problem),
            Event::Unreadable(n) => {
                records += n;
                *collector.invalid_by_code.entry(Code::MissingColumn).or_default() += n;
            }
        };
        let result = logs.open(input).and_then(|mut reader| match input.format {
            LogFormat::Jsonl => jsonl::read(&mut reader, &input.name, &mut each),
            LogFormat::Csv => csv::read(&mut reader, &input.name, &mut each),
        });
        if let Err(e) = result {
            collector.file_errors.push(
                LogProblem::about(
                    Code::UnreadableLog,
                    &input.name,
                    format!("cannot read `{}`: {e}", input.name),
                )
                .with_help("check that the file is readable and, if it ends in `.gz`, that it is gzip-compressed"),
            );
        }
    }
    let used = kinds_used(model);
    let as_of = options.as_of.map(crate::time::format_timestamp);
    let mut warnings = collector.warnings(model, &used, as_of.as_deref());
    if observations == 0 && collector.invalid_count() == 0 && collector.file_errors.is_empty() {
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
        records,
        observations,
        latest,
        sorted,
        invalid_by_code: collector.invalid_by_code.clone(),
        invalid,
        after_as_of: collector.after_as_of,
        warnings,
    }
}

/// The event kinds some rule's patterns name (directly, in anchors, or
/// through the phases it uses).
pub fn kinds_used(model: &Model) -> BTreeSet<KindId> {
    let mut used = BTreeSet::new();
    model.visit_patterns(&mut |p| {
        used.insert(p.kind);
    });
    for rule in &model.rules {
        for header in &rule.for_each {
            if let crate::check::model::Domain::Values(kind, _) = header.domain {
                used.insert(kind);
            }
        }
    }
    used
}
