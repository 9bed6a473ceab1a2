//! Reading records again by their place, to show evidence as it stands in
//! the log. Logs may be large, so only these records are kept.

use super::format::Format;
use super::input::LogSet;
use super::observation::{Origin, SourceRecord};
use crate::check::Model;
use std::collections::{BTreeSet, HashMap};
use std::io::BufRead;

impl LogSet {
    /// The text of the records at these places (each file read once, in order).
    pub fn record_texts(&self, origins: &[Origin]) -> HashMap<Origin, String> {
        let mut wanted: HashMap<u32, BTreeSet<u64>> = HashMap::new();
        for o in origins {
            wanted.entry(o.file).or_default().insert(o.offset);
        }
        let mut texts = HashMap::new();
        for (file, offsets) in wanted {
            let Some(input) = self.inputs.get(file as usize) else {
                continue;
            };
            let Ok(mut reader) = self.open(input) else { continue };
            let found = scan(&mut reader, input.format.reader(), &offsets, KEPT_BYTES);
            for o in origins.iter().filter(|o| o.file == file) {
                if let Some(text) = found.get(&o.offset) {
                    texts.insert(*o, text.clone());
                }
            }
        }
        texts
    }
}

impl LogSet {
    /// The records at these places of logs read through a source, as
    /// evidence shows them: the id and the cells of the source's columns
    /// (each file read once, in order). Places in other logs are left out.
    pub fn source_records(&self, model: &Model, origins: &[Origin]) -> HashMap<Origin, SourceRecord> {
        let mut out = HashMap::new();
        for (file, input) in self.inputs.iter().enumerate() {
            let Some(source) = input
                .source
                .as_deref()
                .and_then(|name| model.sources.iter().find(|s| s.name == name))
            else {
                continue;
            };
            let mut offsets: BTreeSet<u64> = origins
                .iter()
                .filter(|o| o.file == file as u32)
                .map(|o| o.offset)
                .collect();
            if offsets.is_empty() {
                continue;
            }
            let csv = input.format == super::LogFormat::Csv;
            if csv {
                offsets.insert(0);
            }
            let Ok(mut reader) = self.open(input) else { continue };
            let found = scan(&mut reader, input.format.reader(), &offsets, SOURCE_RECORD_BYTES);
            let id = source.target("id").and_then(|t| t.value.columns().first().copied());
            // The id's column first: it names the record in the dataset.
            let mut columns = source.columns();
            columns.sort_by_key(|c| Some(*c) != id);
            let mut cutter = CsvCells::new();
            let header: Option<Vec<String>> = csv.then(|| {
                found
                    .get(&0)
                    .and_then(|h| cutter.cells(h))
                    .map(|cells| {
                        cells
                            .into_iter()
                            .map(|c| c.trim().trim_start_matches('\u{feff}').to_string())
                            .collect()
                    })
                    .unwrap_or_default()
            });
            for origin in origins.iter().filter(|o| o.file == file as u32) {
                let Some(text) = found.get(&origin.offset) else {
                    continue;
                };
                // A column the file lacks is no cell (a quoted literal such
                // as a kind's name is read as a column only where the file
                // has one of that name).
                let cell_of: Box<CellOf<'_>> = match &header {
                    Some(header) => {
                        let cells = cutter.cells(text).unwrap_or_default();
                        Box::new(move |column: &str| {
                            header
                                .iter()
                                .position(|h| h == column)
                                .map(|i| cells.get(i).cloned().unwrap_or_default())
                        })
                    }
                    None => {
                        let object: serde_json::Map<String, serde_json::Value> =
                            serde_json::from_str(text).unwrap_or_default();
                        Box::new(move |column: &str| {
                            object.get(column).map(|value| match value {
                                serde_json::Value::Null => String::new(),
                                serde_json::Value::String(s) => s.clone(),
                                other => other.to_string(),
                            })
                        })
                    }
                };
                let record = SourceRecord {
                    id: id.and_then(&cell_of).filter(|i| !i.is_empty()),
                    cells: columns
                        .iter()
                        .filter_map(|c| cell_of(c).map(|cell| (c.to_string(), cell)))
                        .collect(),
                };
                out.insert(*origin, record);
            }
        }
        out
    }
}

/// A record's cell by its column's name, if the file has that column.
type CellOf<'a> = dyn Fn(&str) -> Option<String> + 'a;

/// Cuts CSV records into cells with one reader of the csv crate, reused
/// from record to record (building a reader for each cost more than
/// reading the record).
struct CsvCells(csv::Reader<std::io::Cursor<Vec<u8>>>);

impl CsvCells {
    fn new() -> Self {
        CsvCells(
            csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(std::io::Cursor::new(Vec::new())),
        )
    }

    /// The cells of one record, quotes taken off.
    fn cells(&mut self, text: &str) -> Option<Vec<String>> {
        *self.0.get_mut() = std::io::Cursor::new(text.as_bytes().to_vec());
        self.0
            .seek_raw(std::io::SeekFrom::Start(0), csv::Position::new())
            .ok()?;
        let mut row = csv::StringRecord::new();
        self.0
            .read_record(&mut row)
            .ok()?
            .then(|| row.iter().map(str::to_string).collect())
    }
}

/// At most this much of a record read through a source is kept to show its
/// cells (a UCDP record with its quoted sources runs to a few kilobytes).
const SOURCE_RECORD_BYTES: usize = 1 << 20;

/// At most this much of a record is kept for showing: a record can be
/// megabytes long, and reports show only its beginning.
pub const KEPT_BYTES: usize = 4096;

/// Reads the records of a log that start at `offsets`, keeping (the
/// beginning of) each. The bytes between them are skipped without being
/// looked at: a record's end is found from its start, where the format's
/// boundaries say (in CSV, a line break outside a quoted cell). Records are
/// never held whole, however long.
fn scan(reader: &mut dyn BufRead, format: &dyn Format, offsets: &BTreeSet<u64>, keep: usize) -> HashMap<u64, String> {
    let mut found = HashMap::new();
    let mut boundaries = format.boundaries();
    // How many bytes have been taken from the reader.
    let mut position = 0u64;
    'each: for &offset in offsets {
        if offset < position {
            // Inside the record before: no record starts there.
            continue;
        }
        while position < offset {
            let buffer = match reader.fill_buf() {
                Ok(buffer) if !buffer.is_empty() => buffer,
                _ => break 'each,
            };
            let n = buffer.len().min((offset - position) as usize);
            reader.consume(n);
            position += n as u64;
        }
        boundaries.reset();
        let (mut kept, mut length) = (Vec::new(), 0usize);
        loop {
            let buffer = match reader.fill_buf() {
                Ok(buffer) if !buffer.is_empty() => buffer,
                _ => {
                    // The last record, without a line break after it.
                    found.insert(offset, shown(&kept, length));
                    break 'each;
                }
            };
            let end = boundaries.first_end(buffer);
            let take = end.unwrap_or(buffer.len());
            let room = keep.saturating_sub(kept.len());
            kept.extend_from_slice(&buffer[..take.min(room)]);
            length += take;
            reader.consume(take);
            position += take as u64;
            if end.is_some() {
                found.insert(offset, shown(&kept, length));
                break;
            }
        }
    }
    found
}

/// The text kept of a record `length` bytes long, marked `…` if cut.
fn shown(kept: &[u8], length: usize) -> String {
    let text = String::from_utf8_lossy(kept);
    let mut text = text.trim_end_matches(['\n', '\r']).to_string();
    if length > kept.len() {
        // The cut may split a character; the lossy decoding then ends in U+FFFD.
        text.push('…');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(format: &dyn Format, text: &str, offsets: &[u64]) -> Vec<(u64, String)> {
        let mut reader = std::io::BufReader::with_capacity(3, text.as_bytes());
        let found = scan(&mut reader, format, &offsets.iter().copied().collect(), KEPT_BYTES);
        let mut found: Vec<(u64, String)> = found.into_iter().collect();
        found.sort();
        found
    }

    #[test]
    fn records_are_found_at_their_offsets() {
        let log = "{\"a\":1}\n{\"b\":2}\r\n{\"c\":3}";
        assert_eq!(
            texts(&crate::log::format::jsonl::Jsonl, log, &[0, 17]),
            [(0, "{\"a\":1}".to_string()), (17, "{\"c\":3}".to_string())]
        );
        // In CSV a quoted cell may hold line breaks; a quote inside an
        // unquoted cell is a character.
        let csv = "t,k,n\n1,a,5\" gun\n2,b,\"x\ny \"\"q\"\"\"\n3,c,\n";
        assert_eq!(
            texts(&crate::log::format::csv::Csv, csv, &[6, 17, 33]),
            [
                (6, "1,a,5\" gun".to_string()),
                (17, "2,b,\"x\ny \"\"q\"\"\"".to_string()),
                (33, "3,c,".to_string())
            ]
        );
    }

    #[test]
    fn csv_records_are_cut_into_cells() {
        let mut cutter = CsvCells::new();
        let cells = cutter.cells("1,\"a, b\",,\"say \"\"hi\"\"\",5\" gun").expect("cells");
        assert_eq!(cells, ["1", "a, b", "", "say \"hi\"", "5\" gun"]);
        // The same reader reads the next record from its start.
        let cells = cutter.cells("x,\"y\nz\"").expect("cells");
        assert_eq!(cells, ["x", "y\nz"]);
    }

    #[test]
    fn a_long_record_is_kept_cut() {
        let log = format!("{}\n{{\"b\":2}}\n", "x".repeat(KEPT_BYTES * 3));
        let found = texts(&crate::log::format::jsonl::Jsonl, &log, &[0, KEPT_BYTES as u64 * 3 + 1]);
        assert_eq!(found[0].1.chars().count(), KEPT_BYTES + 1);
        assert!(found[0].1.ends_with("x…"));
        assert_eq!(found[1].1, "{\"b\":2}");
    }
}
