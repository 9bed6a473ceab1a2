//! CSV: a header row naming the columns, then one record per row. Cells
//! are typed by the event declarations; an empty cell is an absent field.

use super::chunk::Chunk;
use super::observation::Origin;
use super::problem::LogProblem;
use super::record::{Outcome, Raw, RawRecord, Typer};
use crate::diagnostic::Code;
use std::borrow::Cow;
use std::ops::Range;

/// The columns of a CSV log.
#[derive(Clone, Debug)]
pub(crate) struct Header {
    pub names: Vec<String>,
    time: usize,
    kind: usize,
}

/// What the first row of a CSV log says.
pub(crate) enum Start {
    /// The header, and where the records begin in the chunk.
    Header(Header, usize),
    /// A header without `time` or `kind`.
    Missing(LogProblem),
    /// Nothing at all.
    Empty,
}

/// Reads the header from the first chunk.
pub(crate) fn header(chunk: &Chunk, file: &str) -> Start {
    let mut reader = reader(&chunk.data);
    let mut row = csv::ByteRecord::new();
    if !reader.read_byte_record(&mut row).unwrap_or(false) {
        return Start::Empty;
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
    let (time, kind) = (
        names.iter().position(|h| h == "time"),
        names.iter().position(|h| h == "kind"),
    );
    match (time, kind) {
        (Some(time), Some(kind)) => Start::Header(Header { names, time, kind }, end),
        _ => {
            let text = String::from_utf8_lossy(&chunk.data[..end]);
            let text = text.trim_end();
            let missing = if time.is_none() { "time" } else { "kind" };
            Start::Missing(
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
pub(crate) fn count(chunk: &Chunk) -> u64 {
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

/// Parses and types the records of a chunk of whole rows, starting at byte `from`.
pub(crate) fn parse(chunk: &Chunk, from: usize, header: &Header, file: &str, typer: &Typer, out: &mut Vec<Outcome>) {
    let data = &chunk.data[from..];
    let lines_before = super::chunk::count_lines(&chunk.data[..from]);
    let mut reader = reader(data);
    let mut row = csv::ByteRecord::new();
    loop {
        let start = reader.position().clone();
        match reader.read_byte_record(&mut row) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                // The csv crate reports only input errors here; keep the record count honest.
                let line = chunk.first_line + lines_before + start.line() - 1;
                out.push(Outcome::Invalid(LogProblem::at(
                    Code::MalformedRecord,
                    file,
                    line,
                    "",
                    0..0,
                    format!("malformed CSV: {e}"),
                )));
                break;
            }
        }
        let end = reader.position().byte() as usize;
        let at = from + start.byte() as usize;
        let mut raw = &chunk.data[at..from + end];
        while let [rest @ .., b'\n' | b'\r'] = raw {
            raw = rest;
        }
        let line = chunk.first_line + lines_before + start.line() - 1;
        let origin = Origin {
            file: 0,
            line,
            offset: chunk.first_offset + at as u64,
        };
        out.push(record(&row, header, raw, at..at + raw.len(), origin, file, typer));
    }
}

fn record(
    row: &csv::ByteRecord,
    header: &Header,
    raw: &[u8],
    range: Range<usize>,
    origin: Origin,
    file: &str,
    typer: &Typer,
) -> Outcome {
    // The record's text, and its cells' places, are worked out only for a problem.
    let text = || String::from_utf8_lossy(raw);
    let cell = |index: usize| {
        let text = text();
        cell_ranges(&text).get(index).cloned().unwrap_or(0..text.len())
    };
    if row.len() != header.names.len() {
        return Outcome::Invalid(
            LogProblem::at(
                Code::RaggedRow,
                file,
                origin.line,
                &text(),
                0..text().len(),
                format!(
                    "the row has {} cells but the header has {}",
                    row.len(),
                    header.names.len()
                ),
            )
            .with_help("every row needs one cell per column; leave a cell empty for an absent field"),
        );
    }
    let mut record = RawRecord::default();
    for (i, cell_bytes) in row.iter().enumerate() {
        let Ok(value) = std::str::from_utf8(cell_bytes) else {
            return Outcome::Invalid(
                LogProblem::at(
                    Code::LogInvalidUtf8,
                    file,
                    origin.line,
                    &text(),
                    cell(i),
                    "the record is not valid UTF-8",
                )
                .with_help("save the log as UTF-8"),
            );
        };
        let value = if value.is_empty() {
            Raw::Null
        } else {
            Raw::Text(Cow::Borrowed(value))
        };
        if i == header.time {
            record.time = Some(value);
        } else if i == header.kind {
            record.kind = Some(value);
        } else {
            record.fields.push((Cow::Borrowed(header.names[i].as_str()), value));
        }
    }
    let locate = |key: &str| match header.names.iter().position(|c| c == key) {
        Some(index) => cell(index),
        None => 0..raw.len(),
    };
    typer.outcome(&record, origin, range, &text, file, &locate)
}

/// Where each cell of a CSV record lies in its text (quotes included).
fn cell_ranges(text: &str) -> Vec<Range<usize>> {
    let mut cells = Vec::new();
    let (mut start, mut quoted) = (0, false);
    for (i, b) in text.bytes().enumerate() {
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

    #[test]
    fn cells_are_found_in_the_record_text() {
        let text = "a,\"b, c\",,\"d \"\"e\"\"\"";
        let cells: Vec<&str> = cell_ranges(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(cells, ["a", "\"b, c\"", "", "\"d \"\"e\"\"\""]);
    }
}
