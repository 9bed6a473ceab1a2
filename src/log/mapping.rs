//! A source (LANGUAGE-v2 §11) made ready for one log: its columns found
//! in the header (CSV) or the first record (JSON Lines), its maps as hash
//! tables; and turning a record's cells into the raw record the typer reads.

use super::problem::LogProblem;
use super::record::{Columns, Raw, RawRecord};
use crate::check::model::{self, MapOut, Mapping, Source};
use crate::diagnostic::Code;
use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, Ordering};

/// A source compiled for one log.
#[derive(Debug)]
pub(crate) struct Compiled {
    /// The source's name.
    pub source: String,
    /// The columns it reads, each once; a slot is an index into this.
    pub columns: Vec<String>,
    targets: Vec<Compiled1>,
    /// Whether some record had a value in each column.
    seen: Vec<AtomicBool>,
    /// The calendar the source reads local dates in, if it sets one.
    pub calendar: Option<crate::time::Calendar>,
}

/// One target compiled.
#[derive(Debug)]
struct Compiled1 {
    /// Where the value goes: `time`, `kind` or a field key.
    key: String,
    /// The target's index in the source (for counting skips).
    index: usize,
    value: Value,
}

#[derive(Debug)]
enum Value {
    Cell(usize),
    Literal(String),
    Range(usize, usize),
    Map {
        slot: usize,
        entries: FxHashMap<String, MapOut>,
        otherwise: MapOut,
    },
    Split(usize, String),
    Position {
        lat: usize,
        lon: usize,
        radius: Radius,
    },
}

/// A position's radius compiled: metres, or a map of a slot's cells to
/// metres (`None`: skip).
#[derive(Debug)]
enum Radius {
    Fixed(f64),
    Map {
        slot: usize,
        entries: FxHashMap<String, Option<f64>>,
        otherwise: Option<f64>,
    },
}

/// A record a map sent to `skip`: the index of its target in the source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Skipped(pub usize);

impl Compiled {
    /// Compiles `source` for a log whose columns are `present` (`None`: not
    /// known ahead, as in JSON Lines; every column may be there). Quoted
    /// text names a column if the log has it, else it is the text itself.
    /// `provenance`: whether `source` and `status` are read at all.
    pub fn new(source: &Source, present: Option<&[String]>, provenance: bool) -> Compiled {
        let mut columns: Vec<String> = Vec::new();
        let mut slot = |name: &str| match columns.iter().position(|c| c == name) {
            Some(i) => i,
            None => {
                columns.push(name.to_string());
                columns.len() - 1
            }
        };
        let mut targets = Vec::new();
        for (index, target) in source.targets.iter().enumerate() {
            if !provenance && matches!(target.name.as_str(), "source" | "status") {
                continue;
            }
            let value = match &target.value {
                Mapping::Column(c) => Value::Cell(slot(c)),
                Mapping::ColumnOrText(c) => match present {
                    Some(header) if !header.contains(c) => Value::Literal(c.clone()),
                    _ => Value::Cell(slot(c)),
                },
                Mapping::Literal(text) => Value::Literal(text.clone()),
                Mapping::Range(a, b) => Value::Range(slot(a), slot(b)),
                Mapping::Split(c, separator) => Value::Split(slot(c), separator.clone()),
                Mapping::Position { lat, lon, radius } => Value::Position {
                    lat: slot(lat),
                    lon: slot(lon),
                    radius: match radius {
                        model::Radius::Exact => Radius::Fixed(0.0),
                        model::Radius::Fixed(m) => Radius::Fixed(*m),
                        model::Radius::Map {
                            column,
                            entries,
                            otherwise,
                        } => Radius::Map {
                            slot: slot(column),
                            entries: entries.iter().cloned().collect(),
                            otherwise: *otherwise,
                        },
                    },
                },
                Mapping::Map {
                    column,
                    entries,
                    otherwise,
                } => Value::Map {
                    slot: slot(column),
                    entries: entries.iter().cloned().collect(),
                    otherwise: otherwise.clone(),
                },
            };
            targets.push(Compiled1 {
                key: target.name.clone(),
                index,
                value,
            });
        }
        let seen = columns.iter().map(|_| AtomicBool::new(false)).collect();
        Compiled {
            source: source.name.clone(),
            columns,
            targets,
            seen,
            calendar: source.calendar,
        }
    }

    /// The columns of `source` that a header lacks (quoted text that is no
    /// column is a literal, never missing).
    pub fn missing(source: &Source, header: &[String]) -> Vec<String> {
        let mut missing = Vec::new();
        for target in &source.targets {
            if matches!(target.value, Mapping::ColumnOrText(_)) {
                continue;
            }
            for column in target.value.columns() {
                if !header.iter().any(|h| h == column) && !missing.iter().any(|m| m == column) {
                    missing.push(column.to_string());
                }
            }
        }
        missing
    }

    /// The column a target reads (its first, for `A .. B`).
    pub fn column_of(&self, key: &str) -> Option<&str> {
        let target = self.targets.iter().find(|t| t.key == key)?;
        let slot = match &target.value {
            Value::Cell(s) | Value::Range(s, _) | Value::Split(s, _) => *s,
            Value::Position { lat, .. } => *lat,
            Value::Map { slot, .. } => *slot,
            Value::Literal(_) => return None,
        };
        Some(&self.columns[slot])
    }

    /// Fills `out` from a record's cells (`cell` gives the value of a slot),
    /// or says which target's map skipped it.
    #[inline]
    pub fn apply<'a>(
        &'a self,
        cell: &dyn Fn(usize) -> Raw<'a>,
        out: &mut RawRecord<'a>,
        key_text: &mut String,
    ) -> Result<(), Skipped> {
        for (slot, seen) in self.seen.iter().enumerate() {
            if !seen.load(Ordering::Relaxed) && !matches!(cell(slot), Raw::Null) {
                seen.store(true, Ordering::Relaxed);
            }
        }
        for target in &self.targets {
            let value = match &target.value {
                Value::Cell(slot) => cell(*slot),
                Value::Literal(text) => Raw::Text(Cow::Borrowed(text)),
                Value::Range(a, b) => {
                    out.time = Some(cell(*a));
                    out.time_end = Some(cell(*b));
                    continue;
                }
                Value::Split(slot, separator) => match cell(*slot) {
                    Raw::Text(text) => {
                        let mut parts: Vec<Cow<'a, str>> = Vec::new();
                        for part in split(&text, separator) {
                            if !parts.iter().any(|p| p == part) {
                                parts.push(Cow::Owned(part.to_string()));
                            }
                        }
                        Raw::Texts(parts.into_boxed_slice())
                    }
                    other => other,
                },
                Value::Position { lat, lon, radius } => {
                    let radius = match radius {
                        Radius::Fixed(m) => *m,
                        Radius::Map {
                            slot,
                            entries,
                            otherwise,
                        } => {
                            let raw = cell(*slot);
                            let key = key_of(&raw, key_text);
                            match entries.get(key).copied().unwrap_or(*otherwise) {
                                Some(m) => m,
                                None => return Err(Skipped(target.index)),
                            }
                        }
                    };
                    position(cell(*lat), cell(*lon), radius)
                }
                Value::Map {
                    slot,
                    entries,
                    otherwise,
                } => {
                    let raw = cell(*slot);
                    let key = key_of(&raw, key_text);
                    match entries.get(key).unwrap_or(otherwise) {
                        MapOut::Value(text) => Raw::Text(Cow::Borrowed(text)),
                        MapOut::Skip => return Err(Skipped(target.index)),
                        MapOut::Keep => raw,
                    }
                }
            };
            match target.key.as_str() {
                "time" => out.time = Some(value),
                "kind" => out.kind = Some(value),
                key => out.push(Cow::Borrowed(key), value),
            }
        }
        Ok(())
    }

    /// Warnings for the columns no record of `file` had a value in.
    pub fn empty_columns(&self, file: &str) -> Vec<LogProblem> {
        self.columns
            .iter()
            .zip(&self.seen)
            .filter(|(_, seen)| !seen.load(Ordering::Relaxed))
            .map(|(column, _)| {
                LogProblem::about(
                    Code::EmptyColumn,
                    file,
                    format!(
                        "the column `{column}` that the source `{}` reads is empty in every record",
                        self.source
                    ),
                )
                .with_help("check that the source names the right column; the values it feeds are absent throughout")
            })
            .collect()
    }
}

impl Columns for Compiled {
    fn source_name(&self) -> &str {
        &self.source
    }

    fn column_of(&self, target: &str) -> Option<&str> {
        Compiled::column_of(self, target)
    }
}

/// A cell's text as a map key: CSV cells as they are, spaces trimmed; JSON
/// numbers as written (`key_text` holds a whole number's digits).
fn key_of<'k>(raw: &'k Raw, key_text: &'k mut String) -> &'k str {
    match raw {
        Raw::Text(t) => t.trim(),
        Raw::Decimal(d) => d,
        Raw::Bool(true) => "true",
        Raw::Bool(false) => "false",
        Raw::Int(n) => {
            key_text.clear();
            key_text.push_str(&n.to_string());
            key_text.as_str()
        }
        Raw::Null | Raw::Texts(_) | Raw::Nested(_) | Raw::Point(_) => "",
    }
}

/// A position from a latitude and a longitude cell; absent if both are
/// empty. Cells that are not numbers give text the field refuses.
fn position<'a>(lat: Raw<'a>, lon: Raw<'a>, radius_m: f64) -> Raw<'a> {
    let number = |raw: &Raw| match raw {
        Raw::Text(t) => t.trim().parse::<f64>().ok().filter(|x| x.is_finite()),
        Raw::Int(n) => Some(*n as f64),
        Raw::Decimal(d) => d.parse::<f64>().ok(),
        _ => None,
    };
    match (&lat, &lon) {
        (Raw::Null, Raw::Null) => Raw::Null,
        _ => match (number(&lat), number(&lon)) {
            (Some(lat), Some(lon)) => Raw::Point(super::observation::Position { lat, lon, radius_m }),
            _ => Raw::Text(Cow::Owned("(latitude and longitude are not both numbers)".to_string())),
        },
    }
}

/// The non-empty parts of `text` between separators, spaces trimmed.
fn split<'t>(text: &'t str, separator: &'t str) -> impl Iterator<Item = &'t str> {
    text.split(separator).map(str::trim).filter(|p| !p.is_empty())
}

/// The error for a log that lacks columns its source reads: what the
/// header has, and the closest to each missing one.
pub(crate) fn missing_columns(source: &str, missing: &[String], header: &[String]) -> (String, String) {
    let listed: Vec<String> = missing.iter().map(|m| format!("`{m}`")).collect();
    let message = format!(
        "the header has no column {} that the source `{source}` reads",
        listed.join(", ")
    );
    let suggestions: Vec<String> = missing
        .iter()
        .filter_map(|m| {
            crate::check::did_you_mean(m, header.iter().map(String::as_str)).map(|c| format!("`{c}` for `{m}`"))
        })
        .collect();
    let shown: Vec<&str> = header.iter().take(60).map(String::as_str).collect();
    let mut help = if suggestions.is_empty() {
        String::new()
    } else {
        format!("did you mean {}? ", suggestions.join(", "))
    };
    help.push_str(&format!(
        "the header has {}{}",
        shown.join(", "),
        if header.len() > shown.len() {
            format!(" and {} more", header.len() - shown.len())
        } else {
            String::new()
        }
    ));
    (message, help)
}
