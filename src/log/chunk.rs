//! Cutting a log into chunks of whole records, so that chunks can be parsed
//! on several cores and their records still be taken in order.

use super::format::{Boundaries, Format};
use std::io::{self, BufRead, Read};

/// About this many bytes per chunk (a chunk always ends with a whole record).
pub(crate) const CHUNK_BYTES: usize = 1 << 20;

/// A record longer than this is not kept: it is skipped and reported, so
/// that memory stays bounded whatever the log holds (a line break missing
/// from a multi-gigabyte file, or a compressed file that inflates to one).
pub const MAX_RECORD_BYTES: usize = 256 << 20;

/// How much of a skipped record is kept, to show where it starts.
const SKIPPED_HEAD_BYTES: usize = 4096;

/// Whole records of a log, with where they start.
pub(crate) struct Chunk {
    /// The records' bytes.
    pub data: Vec<u8>,
    /// The line of the first byte (1-based).
    pub first_line: u64,
    /// The offset of the first byte in the (decompressed) file.
    pub first_offset: u64,
    /// For a record longer than the limit: its length. `data` then holds
    /// only its beginning.
    pub skipped: Option<u64>,
}

/// Reads a log chunk by chunk.
pub(crate) struct Chunker<'a> {
    reader: Box<dyn BufRead + Send + 'a>,
    format: &'static dyn Format,
    /// Bytes read past the end of the last chunk.
    carry: Vec<u8>,
    line: u64,
    offset: u64,
    /// Whether the reader is exhausted.
    done: bool,
    /// Records longer than this are skipped.
    max_record: usize,
}

impl<'a> Chunker<'a> {
    /// A chunker over a log's bytes.
    pub fn new(reader: Box<dyn BufRead + Send + 'a>, format: &'static dyn Format) -> Self {
        Chunker {
            reader,
            format,
            carry: Vec::new(),
            line: 1,
            offset: 0,
            done: false,
            max_record: MAX_RECORD_BYTES,
        }
    }

    /// The same, skipping records longer than `max_record` bytes.
    pub fn with_max_record(mut self, max_record: usize) -> Self {
        self.max_record = max_record.max(1);
        self
    }

    /// The next chunk, or `None` at the end.
    pub fn next_chunk(&mut self, size: usize) -> io::Result<Option<Chunk>> {
        let mut data = std::mem::take(&mut self.carry);
        // Read straight into the chunk (a read this large bypasses the reader's buffer).
        while !self.done && data.len() < size {
            let want = size - data.len();
            if self.fill(&mut data, want)? == 0 {
                self.done = true;
            }
        }
        if data.is_empty() {
            return Ok(None);
        }
        // Extend to the end of the record under way, then cut after it. The
        // scan goes on from where it stopped, so a huge record costs one pass.
        let mut scan = Scan::new(self.format.boundaries());
        let cut = loop {
            scan.feed(&data);
            if let Some(cut) = scan.last {
                break cut;
            }
            if self.done {
                break data.len();
            }
            if data.len() > self.max_record {
                return self.skip_record(data, scan).map(Some);
            }
            if self.fill(&mut data, size.max(1))? == 0 {
                self.done = true;
            }
        };
        self.carry = data.split_off(cut);
        let chunk = Chunk {
            first_line: self.line,
            first_offset: self.offset,
            data,
            skipped: None,
        };
        self.line += count_lines(&chunk.data);
        self.offset += chunk.data.len() as u64;
        Ok(Some(chunk))
    }

    /// Reads past the rest of a record that has grown beyond the limit
    /// without keeping it; `data` is its beginning and `scan` has looked
    /// through all of it. The chunk holds the record's first bytes.
    fn skip_record(&mut self, mut data: Vec<u8>, mut scan: Scan) -> io::Result<Chunk> {
        let mut length = data.len() as u64;
        let mut lines = count_lines(&data);
        data.truncate(SKIPPED_HEAD_BYTES);
        let mut block = Vec::new();
        loop {
            block.clear();
            if self.fill(&mut block, CHUNK_BYTES)? == 0 {
                self.done = true;
                break;
            }
            // The scan goes on through each block (it knows whether it is
            // inside a quoted cell); the first record end in it ends the record.
            let (first, _) = scan.boundaries.feed(&block);
            if let Some(end) = first {
                length += end as u64;
                lines += count_lines(&block[..end]);
                self.carry = block.split_off(end);
                break;
            }
            length += block.len() as u64;
            lines += count_lines(&block);
        }
        let chunk = Chunk {
            first_line: self.line,
            first_offset: self.offset,
            data,
            skipped: Some(length),
        };
        self.line += lines;
        self.offset += length;
        Ok(chunk)
    }

    /// Appends up to `want` bytes; how many were read (0 at the end).
    fn fill(&mut self, data: &mut Vec<u8>, want: usize) -> io::Result<usize> {
        // `read_to_end` on a bounded reader fills the vector without zeroing it first.
        data.reserve(want);
        (&mut self.reader).take(want as u64).read_to_end(data)
    }
}

/// Finds the end of the last whole record, reading bytes as they arrive.
struct Scan {
    boundaries: Box<dyn Boundaries>,
    /// How many bytes have been looked at.
    seen: usize,
    /// Just after the last record end.
    last: Option<usize>,
}

impl Scan {
    fn new(boundaries: Box<dyn Boundaries>) -> Self {
        Scan {
            boundaries,
            seen: 0,
            last: None,
        }
    }

    /// Looks at the bytes of `data` not seen yet.
    fn feed(&mut self, data: &[u8]) {
        let (_, last) = self.boundaries.feed(&data[self.seen..]);
        if let Some(last) = last {
            self.last = Some(self.seen + last);
        }
        self.seen = data.len();
    }
}

/// How many line breaks the bytes hold.
pub(crate) fn count_lines(data: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', data).count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(text: &str, format: &'static dyn Format, size: usize) -> Vec<(String, u64, u64)> {
        // A small buffer, so that records arrive in pieces.
        let reader = std::io::BufReader::with_capacity(4, text.as_bytes());
        let mut chunker = Chunker::new(Box::new(reader), format);
        let mut out = Vec::new();
        while let Some(c) = chunker.next_chunk(size).unwrap() {
            out.push((String::from_utf8(c.data).unwrap(), c.first_line, c.first_offset));
        }
        out
    }

    #[test]
    fn chunks_end_with_whole_lines() {
        let got = chunks("ab\ncd\nef", &crate::log::format::jsonl::Jsonl, 4);
        assert_eq!(got, [("ab\n".into(), 1, 0), ("cd\n".into(), 2, 3), ("ef".into(), 3, 6)]);
        // Whatever the sizes, chunks are whole lines that put the text back together.
        let text = "abcdefgh\nij\nk\n\nlmnopqrstu\nv";
        for size in 1..12 {
            let got = chunks(text, &crate::log::format::jsonl::Jsonl, size);
            assert_eq!(got.iter().map(|c| c.0.as_str()).collect::<String>(), text);
            let mut line = 1;
            for (i, (data, first_line, first_offset)) in got.iter().enumerate() {
                assert!(data.ends_with('\n') || i == got.len() - 1, "{got:?}");
                assert_eq!(*first_line, line);
                assert_eq!(
                    *first_offset as usize,
                    got[..i].iter().map(|c| c.0.len()).sum::<usize>()
                );
                line += data.matches('\n').count() as u64;
            }
        }
    }

    #[test]
    fn csv_chunks_keep_quoted_line_breaks_inside() {
        let text = "a,\"x\ny\",b\nc,\"\"\"q\"\"\",d\n";
        let got = chunks(text, &crate::log::format::csv::Csv, 3);
        assert_eq!(
            got,
            [("a,\"x\ny\",b\n".into(), 1, 0), ("c,\"\"\"q\"\"\",d\n".into(), 3, 10)]
        );
        // A quote inside an unquoted cell is a character, as the csv crate
        // reads it: it opens nothing, and the next quoted cell's line break
        // stays inside it.
        let text = "a,5\" gun\nb,\"x\ny\"\nc\n";
        let got = chunks(text, &crate::log::format::csv::Csv, 1);
        assert_eq!(
            got,
            [
                ("a,5\" gun\n".into(), 1, 0),
                ("b,\"x\ny\"\n".into(), 2, 9),
                ("c\n".into(), 4, 17)
            ]
        );
    }
}
