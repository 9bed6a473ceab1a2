//! CSV: a header row naming the columns, then one record per row. Cells
//! are typed by the event declarations; an empty cell is an absent field.

use super::Event;
use super::problem::LogProblem;
use super::record::{Raw, RawRecord};
use crate::diagnostic::Code;
use std::borrow::Cow;
use std::io::BufRead;

/// Reads every row, handing each record (or problem) to `each`.
pub(crate) fn read(reader: &mut dyn BufRead, file: &str, each: &mut dyn FnMut(Event)) -> std::io::Result<()> {
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(reader);
    let mut row = csv::ByteRecord::new();
    if !read_row(&mut csv, &mut row)? {
        return Ok(());
    }
    let header: Vec<String> = row
        .iter()
        .map(|cell| String::from_utf8_lossy(cell).trim().to_string())
        .collect();
    let header: Vec<String> = header
        .into_iter()
        .enumerate()
        .map(|(i, h)| {
            if i == 0 {
                h.trim_start_matches('\u{feff}').to_string()
            } else {
                h
            }
        })
        .collect();
    let time = header.iter().position(|h| h == "time");
    let kind = header.iter().position(|h| h == "kind");
    let header_text = join(header.iter().map(String::as_str));
    if time.is_none() || kind.is_none() {
        let missing = if time.is_none() { "time" } else { "kind" };
        let end = header_text.len();
        each(Event::FileError(
            LogProblem::at(
                Code::MissingColumn,
                file,
                1,
                &header_text,
                0..end,
                format!("the header has no `{missing}` column"),
            )
            .with_help("the first row of a CSV log names the columns; `time` and `kind` are required"),
        ));
        // Every row of the file is then unreadable: count them so that none is lost silently.
        let mut rows = 0;
        while read_row(&mut csv, &mut row)? {
            rows += 1;
        }
        each(Event::Unreadable(rows));
        return Ok(());
    }
    while read_row(&mut csv, &mut row)? {
        let (line, offset) = row.position().map_or((0, 0), |p| (p.line(), p.byte()));
        let cells: Vec<Cow<str>> = row.iter().map(String::from_utf8_lossy).collect();
        let text = join(cells.iter().map(AsRef::as_ref));
        if let Some(bad) = row.iter().position(|cell| std::str::from_utf8(cell).is_err()) {
            let at = cell_range(&cells, bad);
            each(Event::Invalid(
                LogProblem::at(
                    Code::LogInvalidUtf8,
                    file,
                    line,
                    &text,
                    at,
                    "the record is not valid UTF-8",
                )
                .with_help("save the log as UTF-8"),
            ));
            continue;
        }
        if cells.len() != header.len() {
            let end = text.len();
            each(Event::Invalid(
                LogProblem::at(
                    Code::RaggedRow,
                    file,
                    line,
                    &text,
                    0..end,
                    format!("the row has {} cells but the header has {}", cells.len(), header.len()),
                )
                .with_help("every row needs one cell per column; leave a cell empty for an absent field"),
            ));
            continue;
        }
        let mut raw = RawRecord::default();
        for (i, cell) in cells.iter().enumerate() {
            let value = if cell.is_empty() {
                Raw::Null
            } else {
                Raw::Text(Cow::Borrowed(cell.as_ref()))
            };
            if Some(i) == time {
                raw.time = Some(value);
            } else if Some(i) == kind {
                raw.kind = Some(value);
            } else {
                raw.fields.push((Cow::Borrowed(header[i].as_str()), value));
            }
        }
        let locate = |key: &str| match header.iter().position(|c| c == key) {
            Some(index) => cell_range(&cells, index),
            None => 0..text.len(),
        };
        each(Event::Record {
            line,
            offset,
            text: &text,
            raw,
            locate: &locate,
        });
    }
    Ok(())
}

/// Reads the next row; `false` at the end.
fn read_row<R: std::io::Read>(csv: &mut csv::Reader<R>, row: &mut csv::ByteRecord) -> std::io::Result<bool> {
    csv.read_byte_record(row).map_err(|e| match e.into_kind() {
        csv::ErrorKind::Io(io) => io,
        other => std::io::Error::other(format!("{other:?}")),
    })
}

/// The cells written back as one CSV line, for showing a record.
fn join<'a>(cells: impl Iterator<Item = &'a str>) -> String {
    cells.map(quote).collect::<Vec<_>>().join(",")
}

fn quote(cell: &str) -> Cow<'_, str> {
    if cell.contains([',', '"', '\n', '\r']) {
        Cow::Owned(format!("\"{}\"", cell.replace('"', "\"\"")))
    } else {
        Cow::Borrowed(cell)
    }
}

/// Where cell `index` lies in the joined line.
fn cell_range(cells: &[Cow<str>], index: usize) -> std::ops::Range<usize> {
    let start: usize = cells[..index].iter().map(|c| quote(c).len() + 1).sum();
    start..start + quote(&cells[index]).len()
}
