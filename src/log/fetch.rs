//! Reading records again by their place, to show evidence as it stands in
//! the log. Logs may be large, so only these records are kept.

use super::input::{LogFormat, LogSet};
use super::observation::Origin;
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
            let found = scan(&mut reader, input.format, &offsets);
            for o in origins.iter().filter(|o| o.file == file) {
                if let Some(text) = found.get(&o.offset) {
                    texts.insert(*o, text.clone());
                }
            }
        }
        texts
    }
}

/// At most this much of a record is kept for showing: a record can be
/// megabytes long, and reports show only its beginning.
pub const KEPT_BYTES: usize = 4096;

/// Walks the records of a log, keeping those that start at `offsets`. A CSV
/// record ends at a line break outside quotes.
fn scan(reader: &mut dyn BufRead, format: LogFormat, offsets: &BTreeSet<u64>) -> HashMap<u64, String> {
    let mut found = HashMap::new();
    let Some(&last) = offsets.last() else { return found };
    let mut line = Vec::new();
    let (mut offset, mut start) = (0u64, 0u64);
    let mut record = Vec::new();
    let mut quotes = 0usize;
    while offset <= last {
        line.clear();
        let n = match reader.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if record.is_empty() {
            start = offset;
        }
        offset += n as u64;
        record.extend_from_slice(&line);
        quotes += line.iter().filter(|&&b| b == b'"').count();
        if format == LogFormat::Csv && quotes % 2 == 1 {
            continue;
        }
        if offsets.contains(&start) {
            let text = String::from_utf8_lossy(&record[..record.len().min(KEPT_BYTES)]);
            let mut text = text.trim_end_matches(['\n', '\r']).to_string();
            if record.len() > KEPT_BYTES {
                // The cut may split a character; the lossy decoding then ends in U+FFFD.
                text.push('…');
            }
            found.insert(start, text);
        }
        record.clear();
        quotes = 0;
    }
    found
}
