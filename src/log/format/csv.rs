//! CSV: a header row naming the columns, then one record per row. Cells
//! are typed by the event declarations; an empty cell is an absent field.

use super::{Format, How, Records, Start};
use crate::diagnostic::Code;
use crate::log::chunk::{Boundaries, Chunk, Chunker};
use crate::log::mapping::{Compiled, missing_columns};
use crate::log::observation::Origin;
use crate::log::problem::LogProblem;
use crate::log::record::{ColumnPlan, Fill, Outcome, Raw, RawRecord, Typer};
use std::borrow::Cow;
use std::ops::Range;

/// The columns of a CSV log.
#[derive(Debug)]
pub(crate) struct Header {
    pub names: Vec<String>,
    time: usize,
    kind: usize,
    /// The source the log is read through, and the header column of each
    /// of its slots.
    source: Option<(Compiled, Vec<usize>)>,
    /// The field each column fills, kind by kind, worked out at the first
    /// row typed (a plain log's only: a source maps its columns itself).
    plan: std::sync::OnceLock<ColumnPlan>,
}

/// CSV: a record ends at a line break outside a quoted cell, where (as in
/// the csv crate) a quote opens a quoted cell only at the start of a cell.
pub(crate) struct Csv;

impl Format for Csv {
    fn extensions(&self) -> &'static [&'static str] {
        &[".csv"]
    }

    fn looks_like(&self, _: &[u8]) -> bool {
        // Whatever is not another format is read as CSV, which says what
        // is wrong with its header.
        true
    }

    fn boundaries(&self) -> Box<dyn Boundaries> {
        Box::new(Rows::default())
    }

    fn start(
        &self,
        mut first: Chunk,
        chunker: &mut Chunker,
        size: usize,
        file: &str,
        how: How,
    ) -> std::io::Result<Start> {
        if let Some(problem) = super::wrong_encoding(&first, chunker, file) {
            return Ok(Start::Unreadable { problem, first });
        }
        // A header may come after blank lines that fill whole chunks: a
        // chunk of nothing but blank lines holds no record, and the header
        // is looked for in the next.
        while matches!(header(&first, file, how), Head::Empty) {
            match chunker.next_chunk(size)? {
                Some(more) => first = more,
                None => break,
            }
        }
        if let Some(length) = first.skipped {
            let limit = crate::log::chunk::MAX_RECORD_BYTES;
            let message = format!("the header is {length} bytes long, over the limit of {limit} bytes");
            let problem = crate::log::chunk::too_long(&first, file, Code::MissingColumn, message);
            return Ok(Start::Unreadable { problem, first });
        }
        Ok(match header(&first, file, how) {
            Head::Header(header, from) => Start::Records {
                parser: Box::new(header),
                first,
                from,
            },
            Head::Empty => Start::Empty,
            Head::Missing(problem) => Start::Unreadable { problem, first },
        })
    }

    fn count(&self, chunk: &Chunk) -> u64 {
        count(chunk)
    }
}

impl Records for Header {
    fn parse(&self, chunk: &Chunk, from: usize, file: &str, typer: &Typer, out: &mut Fill) {
        parse(chunk, from, self, file, Some(typer), out);
    }

    fn scan(&self, chunk: &Chunk, from: usize, out: &mut Vec<Outcome>) {
        parse(chunk, from, self, "", None, &mut Fill::over(out));
    }

    fn calendar(&self) -> Option<crate::time::Calendar> {
        self.source.as_ref().and_then(|(s, _)| s.calendar)
    }

    fn source(&self) -> Option<&Compiled> {
        self.source.as_ref().map(|(s, _)| s)
    }
}

/// Line breaks outside quoted cells end records.
struct Rows {
    /// Whether the bytes fed so far end inside a quoted cell.
    quoted: bool,
    /// The last byte fed (a line break before the first).
    previous: u8,
    /// Whether that byte was a quote that closed a quoted cell.
    previous_closed: bool,
}

impl Default for Rows {
    fn default() -> Self {
        Rows {
            quoted: false,
            previous: b'\n',
            previous_closed: false,
        }
    }
}

impl Boundaries for Rows {
    fn feed(&mut self, new: &[u8]) -> (Option<usize>, Option<usize>) {
        let (mut first, mut last) = (None, None);
        self.scan(new, |end| {
            first.get_or_insert(end);
            last = Some(end);
            false
        });
        (first, last)
    }

    fn first_end(&mut self, new: &[u8]) -> Option<usize> {
        let mut first = None;
        self.scan(new, |end| {
            first = Some(end);
            true
        });
        first
    }

    fn reset(&mut self) {
        *self = Rows::default();
    }
}

impl Rows {
    /// Calls `end` just after each record end in `new`, until it returns
    /// `true` (a loop the compiler specialises for each caller: chunking
    /// looks at every byte).
    fn scan(&mut self, new: &[u8], mut end: impl FnMut(usize) -> bool) {
        let mut closed: Option<usize> = None;
        for i in memchr::memchr2_iter(b'"', b'\n', new) {
            let before = if i == 0 { self.previous } else { new[i - 1] };
            let closed_before = if i == 0 {
                self.previous_closed
            } else {
                closed == Some(i - 1)
            };
            match new[i] {
                // A quote inside a quoted cell closes it; `""` is a quote
                // (it closes, then opens again at once).
                b'"' if self.quoted => {
                    self.quoted = false;
                    closed = Some(i);
                }
                b'"' if matches!(before, b',' | b'\n' | b'\r') || closed_before => self.quoted = true,
                // Inside an unquoted cell a quote is a character.
                b'"' => {}
                // A record ends; stop if the caller has what it wanted.
                _ if !self.quoted && end(i + 1) => return,
                _ => {}
            }
        }
        if let Some(&b) = new.last() {
            self.previous_closed = closed == Some(new.len() - 1);
            self.previous = b;
        }
    }
}

/// What the first row of a CSV log says.
enum Head {
    /// The header, and where the records begin in the chunk.
    Header(Header, usize),
    /// A header without `time` or `kind`.
    Missing(LogProblem),
    /// Nothing at all.
    Empty,
}

/// Reads the header from the first chunk.
fn header(chunk: &Chunk, file: &str, how: How) -> Head {
    let mut reader = reader(&chunk.data);
    let mut row = csv::ByteRecord::new();
    if !reader.read_byte_record(&mut row).unwrap_or(false) {
        return Head::Empty;
    }
    let end = reader.position().byte() as usize;
    let names: Vec<String> = row
        .iter()
        .enumerate()
        .map(|(i, cell)| {
            let name = String::from_utf8_lossy(cell).trim().to_string();
            if i == 0 {
                name.trim_start_matches('\u{feff}').to_string()
            } else {
                name
            }
        })
        .collect();
    let twice = names
        .iter()
        .enumerate()
        .find(|(i, name)| !name.is_empty() && names[..*i].contains(name));
    if let Some((_, name)) = twice {
        let text = String::from_utf8_lossy(&chunk.data[..end]);
        let text = text.trim_end();
        let at = text.rfind(name.as_str()).unwrap_or(0);
        return Head::Missing(
            LogProblem::at(
                Code::DuplicateColumn,
                file,
                chunk.first_line,
                text,
                at..at + name.len(),
                format!("the header names `{name}` twice"),
            )
            .with_help("give each column its own name: which of the two was meant cannot be known"),
        );
    }
    if let Some(source) = how.source {
        let missing = Compiled::missing(source, &names);
        if !missing.is_empty() {
            let text = String::from_utf8_lossy(&chunk.data[..end]);
            let text = text.trim_end();
            let (message, help) = missing_columns(&source.name, &missing, &names);
            return Head::Missing(
                LogProblem::at(
                    Code::MissingSourceColumn,
                    file,
                    chunk.first_line,
                    text,
                    0..text.len(),
                    message,
                )
                .with_help(help),
            );
        }
        let compiled = Compiled::new(source, Some(&names), how.provenance);
        let slots = compiled
            .columns
            .iter()
            .map(|c| names.iter().position(|n| n == c).unwrap_or(usize::MAX))
            .collect();
        return Head::Header(
            Header {
                names,
                time: usize::MAX,
                kind: usize::MAX,
                source: Some((compiled, slots)),
                plan: std::sync::OnceLock::new(),
            },
            end,
        );
    }
    let (time, kind) = (
        names.iter().position(|h| h == "time"),
        names.iter().position(|h| h == "kind"),
    );
    match (time, kind) {
        (Some(time), Some(kind)) => Head::Header(
            Header {
                names,
                time,
                kind,
                source: None,
                plan: std::sync::OnceLock::new(),
            },
            end,
        ),
        _ => {
            let text = String::from_utf8_lossy(&chunk.data[..end]);
            let text = text.trim_end();
            let missing = if time.is_none() { "time" } else { "kind" };
            Head::Missing(
                LogProblem::at(
                    Code::MissingColumn,
                    file,
                    chunk.first_line,
                    text,
                    0..text.len(),
                    format!("the header has no `{missing}` column"),
                )
                .with_help("the first row of a CSV log names the columns; `time` and `kind` are required"),
            )
        }
    }
}

/// How many records a chunk holds (for files whose header is unusable).
fn count(chunk: &Chunk) -> u64 {
    let mut reader = reader(&chunk.data);
    let mut row = csv::ByteRecord::new();
    let mut n = 0;
    while reader.read_byte_record(&mut row).unwrap_or(false) {
        n += 1;
    }
    n
}

fn reader(data: &[u8]) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(data)
}

/// Parses and types the records of a chunk of whole rows, starting at byte
/// `from` (without a typer: parses them only, see `Records::scan`).
///
/// Rows without quotes, the common case, are split at their commas
/// directly; a row with quotes (which may hold commas and line breaks) is
/// read by the csv crate.
fn parse(chunk: &Chunk, from: usize, header: &Header, file: &str, typer: Option<&Typer>, out: &mut Fill) {
    let data = &chunk.data;
    let mut line = chunk.first_line + crate::log::chunk::count_lines(&data[..from]);
    // The csv crate's reader for rows with quotes, built at the first such
    // row: building one costs as much as reading thousands of plain rows.
    let mut quoted = None;
    let mut row = csv::ByteRecord::new();
    let mut cells: Vec<&str> = Vec::with_capacity(header.names.len());
    // One record's raw values at a time, in storage reused from row to row.
    let mut fields = RawRecord::default();
    let mut at = from;
    let chunk_text = std::str::from_utf8(data).ok();
    while at < data.len() {
        let origin = Origin {
            file: 0,
            line,
            offset: chunk.first_offset + at as u64,
        };
        // The first line break or quote: a line break first means a plain row.
        let stop = memchr::memchr2(b'\n', b'"', &data[at..]).map(|i| at + i);
        let (end, outcome) = if stop.is_none_or(|i| data[i] == b'\n') {
            let line_end = stop.map_or(data.len(), |i| i + 1);
            line += 1;
            (
                line_end,
                plain(
                    &data[at..line_end],
                    chunk_text,
                    at,
                    &mut cells,
                    &mut fields,
                    header,
                    origin,
                    file,
                    typer,
                    out,
                ),
            )
        } else {
            let quoted = quoted.get_or_insert_with(|| {
                csv::ReaderBuilder::new()
                    .has_headers(false)
                    .flexible(true)
                    .from_reader(std::io::Cursor::new(&data[..]))
            });
            let (end, outcome) = with_quotes(quoted, &mut row, data, at, header, origin, file, typer, out);
            line += crate::log::chunk::count_lines(&data[at..end]);
            (end, outcome)
        };
        at = end;
        if let Some(outcome) = outcome {
            out.push(outcome);
        }
    }
}

/// A row without quotes: its cells lie between its commas. `None` for an
/// empty line, or a row whose outcome is already pushed onto `out`.
#[allow(clippy::too_many_arguments)]
fn plain<'a>(
    bytes: &'a [u8],
    chunk_text: Option<&'a str>,
    at: usize,
    cells: &mut Vec<&'a str>,
    record: &mut RawRecord<'a>,
    header: &'a Header,
    origin: Origin,
    file: &str,
    typer: Option<&Typer>,
    out: &mut Fill,
) -> Option<Outcome> {
    let mut raw = bytes;
    while let [rest @ .., b'\n' | b'\r'] = raw {
        raw = rest;
    }
    if raw.is_empty() {
        return None;
    }
    // Rows of a chunk that is valid UTF-8 as a whole need no check of their own.
    let checked = match chunk_text {
        Some(all) => Ok(&all[at..at + raw.len()]),
        None => std::str::from_utf8(raw),
    };
    let Ok(text) = checked else {
        let text = String::from_utf8_lossy(raw);
        // Commas survive the lossy conversion, so the bad cell has the same index in both.
        let index = cell_ranges(raw)
            .into_iter()
            .position(|r| std::str::from_utf8(&raw[r]).is_err());
        let bad = index.and_then(|i| cell_ranges(text.as_bytes()).get(i).cloned());
        return Some(Outcome::Invalid(
            LogProblem::at(
                Code::LogInvalidUtf8,
                file,
                origin.line,
                &text,
                bad.unwrap_or(0..text.len()),
                "the record is not valid UTF-8",
            )
            .with_help("save the log as UTF-8"),
        ));
    };
    cells.clear();
    // Cells are short: a plain loop beats searching for each comma.
    let mut start = 0;
    for (i, &b) in raw.iter().enumerate() {
        if b == b',' {
            cells.push(&text[start..i]);
            start = i + 1;
        }
    }
    cells.push(&text[start..]);
    self::record(cells, header, record, raw, at..at + raw.len(), origin, file, typer, out)
}

/// A row with quotes, read by the csv crate from `at`; where it ends.
#[allow(clippy::too_many_arguments)]
fn with_quotes(
    reader: &mut csv::Reader<std::io::Cursor<&[u8]>>,
    row: &mut csv::ByteRecord,
    data: &[u8],
    at: usize,
    header: &Header,
    origin: Origin,
    file: &str,
    typer: Option<&Typer>,
    out: &mut Fill,
) -> (usize, Option<Outcome>) {
    let mut position = csv::Position::new();
    position.set_byte(at as u64);
    if reader.seek_raw(std::io::SeekFrom::Start(at as u64), position).is_err() {
        return (data.len(), None);
    }
    match reader.read_byte_record(row) {
        Ok(true) => {}
        Ok(false) => return (data.len(), None),
        Err(e) => {
            let problem = LogProblem::at(
                Code::MalformedRecord,
                file,
                origin.line,
                "",
                0..0,
                format!("malformed CSV: {e}"),
            );
            return (data.len(), Some(Outcome::Invalid(problem)));
        }
    }
    let end = (reader.position().byte() as usize).clamp(at + 1, data.len());
    let mut raw = &data[at..end];
    while let [rest @ .., b'\n' | b'\r'] = raw {
        raw = rest;
    }
    if let Some(open) = unclosed_quote(raw) {
        // The csv crate ends such a cell at the end of the file; the rows
        // after it would silently become its text.
        let text = String::from_utf8_lossy(raw);
        let lines = raw.iter().filter(|&&b| b == b'\n').count();
        let problem = LogProblem::at(
            Code::MalformedRecord,
            file,
            origin.line,
            &text,
            open..open + 1,
            format!(
                "malformed CSV: the quoted cell opened here is never closed; it runs to the end of the file{}",
                match lines {
                    0 => String::new(),
                    1 => ", taking in the line after it".to_string(),
                    n => format!(", taking in the {n} lines after it"),
                }
            ),
        )
        .with_help("close the cell with `\"`; a quote inside a quoted cell is written `\"\"`");
        return (end, Some(Outcome::Invalid(problem)));
    }
    // One UTF-8 check for the whole row; the cells are then text.
    let outcome = match csv::StringRecord::from_byte_record(std::mem::take(row)) {
        Ok(strings) => {
            // The cells borrow `strings`, which goes back into `row` after.
            let outcome = {
                let cells: Vec<&str> = strings.iter().collect();
                let mut fields = RawRecord::default();
                record(
                    &cells,
                    header,
                    &mut fields,
                    raw,
                    at..at + raw.len(),
                    origin,
                    file,
                    typer,
                    out,
                )
            };
            *row = strings.into_byte_record();
            outcome
        }
        Err(e) => {
            let text = String::from_utf8_lossy(raw);
            let field = e.utf8_error().field();
            let bad = cell_ranges(text.as_bytes())
                .get(field)
                .cloned()
                .unwrap_or(0..text.len());
            *row = e.into_byte_record();
            Some(Outcome::Invalid(
                LogProblem::at(
                    Code::LogInvalidUtf8,
                    file,
                    origin.line,
                    &text,
                    bad,
                    "the record is not valid UTF-8",
                )
                .with_help("save the log as UTF-8"),
            ))
        }
    };
    (end, outcome)
}

#[allow(clippy::too_many_arguments)]
fn record<'a>(
    cells: &[&'a str],
    header: &'a Header,
    record: &mut RawRecord<'a>,
    raw: &[u8],
    range: Range<usize>,
    origin: Origin,
    file: &str,
    typer: Option<&Typer>,
    out: &mut Fill,
) -> Option<Outcome> {
    // The record's text, and its cells' places, are worked out only for a problem.
    let text = || String::from_utf8_lossy(raw);
    let cell_range = |index: usize| {
        let text = text();
        cell_ranges(text.as_bytes())
            .get(index)
            .cloned()
            .unwrap_or(0..text.len())
    };
    if cells.len() != header.names.len() {
        return Some(Outcome::Invalid(
            LogProblem::at(
                Code::RaggedRow,
                file,
                origin.line,
                &text(),
                0..text().len(),
                format!(
                    "the row has {} cells but the header has {}",
                    cells.len(),
                    header.names.len()
                ),
            )
            .with_help("every row needs one cell per column; leave a cell empty for an absent field"),
        ));
    }
    // A valid row of a plain log, typed by column.
    if header.source.is_none()
        && let Some(typer) = typer
    {
        let plan = header
            .plan
            .get_or_init(|| typer.column_plan(&header.names, header.time, header.kind));
        if typer.by_columns(plan, cells, origin, range.clone(), out) {
            return None;
        }
    }
    record.clear();
    let raw_of = |cell: &'a str| {
        if cell.is_empty() {
            Raw::Null
        } else {
            Raw::Text(Cow::Borrowed(cell))
        }
    };
    if let Some((source, slots)) = &header.source {
        let cell = |slot: usize| cells.get(slots[slot]).map_or(Raw::Null, |c| raw_of(c));
        let mut key = String::new();
        if let Err(skipped) = source.apply(&cell, record, &mut key) {
            return Some(Outcome::Skipped(skipped.0));
        }
        let Some(typer) = typer else {
            return Some(Outcome::Skipped(record.values()));
        };
        let locate = |key: &str| match source
            .column_of(key)
            .and_then(|c| header.names.iter().position(|n| n == c))
        {
            Some(index) => cell_range(index),
            None => 0..raw.len(),
        };
        return Some(typer.outcome(record, origin, range, &text, file, &locate, Some(source)));
    }
    for (i, &cell) in cells.iter().enumerate() {
        if i == header.time {
            record.time = Some(raw_of(cell));
        } else if i == header.kind {
            record.kind = Some(raw_of(cell));
        } else if !cell.is_empty() {
            // An empty cell is an absent field.
            record.push(Cow::Borrowed(header.names[i].as_str()), Raw::Text(Cow::Borrowed(cell)));
        }
    }
    let Some(typer) = typer else {
        return Some(Outcome::Skipped(record.values()));
    };
    let locate = |key: &str| match header.names.iter().position(|c| c == key) {
        Some(index) => cell_range(index),
        None => 0..raw.len(),
    };
    Some(typer.outcome(record, origin, range, &text, file, &locate, None))
}

/// Where a quoted cell of a record opens, if it is never closed. As in the
/// csv crate, a quote opens a quoted cell only at the start of the cell,
/// and `""` inside one is a quote.
fn unclosed_quote(raw: &[u8]) -> Option<usize> {
    let (mut i, mut cell_start, mut open) = (0, true, None);
    while i < raw.len() {
        match (open, raw[i]) {
            (None, b'"') if cell_start => open = Some(i),
            (None, b',') => {
                cell_start = true;
                i += 1;
                continue;
            }
            (Some(_), b'"') if raw.get(i + 1) == Some(&b'"') => i += 1,
            (Some(_), b'"') => open = None,
            _ => {}
        }
        cell_start = false;
        i += 1;
    }
    open
}

/// Where each cell of a CSV record lies in its text (quotes included).
fn cell_ranges(text: &[u8]) -> Vec<Range<usize>> {
    let mut cells = Vec::new();
    let (mut start, mut quoted) = (0, false);
    for (i, &b) in text.iter().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => {
                cells.push(start..i);
                start = i + 1;
            }
            _ => {}
        }
    }
    cells.push(start..text.len());
    cells
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const RULES: &str = "zone north\nzone south\n\
        event strike { zone: zone, actor: text, n: int }\n\
        event vote { yes: bool, share: number, at: time }\n\
        event both { n: int, x: number }\n";

    /// The outcomes of a CSV log's rows, typed by column when `by_columns`, else the general way.
    fn outcomes(log: &str, by_columns: bool) -> Vec<String> {
        let rules = crate::Rules::from_text("rules.cfr", RULES).expect("the rules check");
        let typer = Typer::new(&rules.model);
        let chunk = Chunk {
            data: log.as_bytes().to_vec(),
            first_line: 1,
            first_offset: 0,
            skipped: None,
        };
        let how = How {
            source: None,
            provenance: false,
        };
        let Head::Header(header, from) = header(&chunk, "log.csv", how) else {
            return vec!["no header".to_string()];
        };
        if !by_columns {
            header.plan.set(ColumnPlan::none()).expect("not set yet");
        }
        let mut out = Vec::new();
        parse(
            &chunk,
            from,
            &header,
            "log.csv",
            Some(&typer),
            &mut Fill::over(&mut out),
        );
        out.iter().map(|o| format!("{o:?}")).collect()
    }

    proptest! {
        #[test]
        fn rows_typed_by_column_are_typed_as_the_general_way_types_them(
            columns in prop::collection::vec(
                prop::sample::select(vec!["zone", "actor", "n", "yes", "share", "at", "x", "other", "id", "n"]),
                0..6,
            ),
            time_first in any::<bool>(),
            rows in prop::collection::vec((
                prop::sample::select(vec![
                    "2025-01-19T08:30:00Z", "2025-01-19T08:30:00Z", "2025-01-20T08:30:59Z", "2025-01-19T08:30:00+02:00",
                    "2025-01-19", "2025-02-30T00:00:00Z", "", "x",
                ]),
                prop::sample::select(vec!["strike", "strike", "vote", "both", "parade", "9x", ""]),
                prop::collection::vec(
                    prop::sample::select(vec![
                        "", "", "north", "east", " south ", "army", "3", "-4", "2.5", "true", "false", "1e3", "x y",
                        "2025-01-19T08:30:00Z", "2025-01-19", "007", "-0", "+5", " 3", "-", "--1",
                        "123456789012345678", "-123456789012345678", "1234567890123456789", "99999999999999999999",
                    ]),
                    6,
                ),
                0..8usize,
            ), 1..10),
        ) {
            let mut header: Vec<&str> = if time_first { vec!["time", "kind"] } else { vec!["kind"] };
            header.extend(&columns);
            if !time_first {
                header.push("time");
            }
            let mut log = header.join(",");
            for (time, kind, values, ragged) in &rows {
                let mut values = values.iter();
                let mut row: Vec<&str> = header
                    .iter()
                    .map(|&c| match c {
                        "time" => *time,
                        "kind" => *kind,
                        _ => values.next().copied().unwrap_or(""),
                    })
                    .collect();
                // Now and then a row with a cell too many or too few.
                match ragged {
                    0 => row.push("3"),
                    1 => {
                        row.pop();
                    }
                    _ => {}
                }
                log.push('\n');
                log.push_str(&row.join(","));
            }
            log.push('\n');
            prop_assert_eq!(outcomes(&log, true), outcomes(&log, false), "{}", log);
        }
    }

    #[test]
    fn common_rows_are_typed_by_column() {
        // The test above compares the two ways; here, the first is taken.
        let rules = crate::Rules::from_text("rules.cfr", RULES).expect("the rules check");
        let plan = ColumnPlan::new(
            &rules.model,
            &["time".into(), "kind".into(), "n".into(), "zone".into()],
            0,
            1,
        );
        let typer = Typer::new(&rules.model);
        let origin = Origin {
            file: 0,
            line: 2,
            offset: 0,
        };
        let cells = ["2025-01-19T08:30:00Z", "strike", "3", "east"];
        let mut out = Vec::new();
        assert!(typer.by_columns(&plan, &cells, origin, 0..10, &mut Fill::over(&mut out)));
        let Some(Outcome::Valid(valid)) = out.pop() else {
            panic!("typed by column");
        };
        assert_eq!(valid.observation.declared.iter().flatten().count(), 2);
        assert!(
            valid.extra.is_some_and(|e| e.remarks.len() == 1),
            "an unknown zone is remarked"
        );
        let parade = ["2025-01-19T08:30:00Z", "parade", "3", ""];
        assert!(!typer.by_columns(&plan, &parade, origin, 0..10, &mut Fill::over(&mut out)));
        // A value that does not fit takes back the outcome pushed.
        let wrong = ["2025-01-19T08:30:00Z", "strike", "three", "north"];
        assert!(!typer.by_columns(&plan, &wrong, origin, 0..10, &mut Fill::over(&mut out)));
        assert!(out.is_empty());
    }

    #[test]
    fn short_text_is_held_inline_and_long_text_shared() {
        let rules = crate::Rules::from_text("rules.cfr", RULES).expect("the rules check");
        let plan = ColumnPlan::new(&rules.model, &["time".into(), "kind".into(), "actor".into()], 0, 1);
        let typer = Typer::new(&rules.model);
        let origin = Origin {
            file: 0,
            line: 2,
            offset: 0,
        };
        let actor = |cell: &str| {
            let mut out = Vec::new();
            assert!(typer.by_columns(
                &plan,
                &["2025-01-19T08:30:00Z", "strike", cell],
                origin,
                0..10,
                &mut Fill::over(&mut out)
            ));
            match out.pop() {
                Some(Outcome::Valid(valid)) => match valid.observation.declared.get(1) {
                    Some(Some(crate::log::FieldValue::Text(t))) => t.clone(),
                    other => panic!("a text field, not {other:?}"),
                },
                _ => panic!("typed by column"),
            }
        };
        let long = "Government of Israel";
        let (a, b) = (actor(long), actor(long));
        assert_eq!(a, long);
        assert_eq!(a.as_ptr(), b.as_ptr(), "long text read twice is stored once");
        let short = actor("Hamas");
        assert_eq!(short, "Hamas");
        assert!(short.len() <= crate::log::EcoString::INLINE_LIMIT);
    }

    #[test]
    fn unclosed_quotes_are_found() {
        assert_eq!(unclosed_quote(b"a,\"b\",c"), None);
        assert_eq!(unclosed_quote(b"a,\"b \"\"x\"\" c\",d"), None);
        assert_eq!(unclosed_quote(b"a,5\" gun,c"), None);
        assert_eq!(unclosed_quote(b"a,\"never closed\nb,c"), Some(2));
        assert_eq!(unclosed_quote(b"\"x\"\""), Some(0));
    }

    #[test]
    fn cells_are_found_in_the_record_text() {
        let text = "a,\"b, c\",,\"d \"\"e\"\"\"";
        let cells: Vec<&str> = cell_ranges(text.as_bytes()).into_iter().map(|r| &text[r]).collect();
        assert_eq!(cells, ["a", "\"b, c\"", "", "\"d \"\"e\"\"\""]);
    }
}
