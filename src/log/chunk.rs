//! Cutting a log into chunks of whole records, so that chunks can be parsed
//! on several cores and their records still be taken in order.

use super::problem::LogProblem;
use crate::diagnostic::Code;
use std::io::{self, Read};

/// About this many bytes per chunk (a chunk always ends with a whole
/// record). A chunk's typed records take several times its bytes, and a
/// dozen chunks are in flight at once: 256 KiB keeps that to about 30 MiB
/// (1 MiB took 60–100 MiB) at the same speed.
pub(crate) const CHUNK_BYTES: usize = 1 << 18;

/// A record longer than this is not kept: it is skipped and reported, so
/// that memory stays bounded whatever the log holds (a line break missing
/// from a multi-gigabyte file, or a compressed file that inflates to one).
pub const MAX_RECORD_BYTES: usize = 256 << 20;

/// How much of a skipped record is kept, to show where it starts.
const SKIPPED_HEAD_BYTES: usize = 4096;

/// Finds where records end in bytes as they arrive. It keeps what it needs
/// from one call to the next (a CSV quoted cell may hold line breaks), so
/// a stretch can be fed in pieces.
pub(crate) trait Boundaries: Send {
    /// Looks through `new`, the bytes after those fed so far; returns the
    /// offsets in `new` just after the first and the last record end in it.
    fn feed(&mut self, new: &[u8]) -> (Option<usize>, Option<usize>);

    /// Looks through `new` like `feed` as far as the first record end, and
    /// returns the offset just after it. What was fed is then forgotten
    /// only in part: call `reset` before the bytes of the next record.
    fn first_end(&mut self, new: &[u8]) -> Option<usize>;

    /// Forgets what was fed: the next bytes start a record.
    fn reset(&mut self);
}

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
    reader: Box<dyn Read + Send + 'a>,
    /// Where the format's records end.
    boundaries: Box<dyn Boundaries>,
    /// Bytes read past the end of the last chunk.
    carry: Vec<u8>,
    line: u64,
    offset: u64,
    /// Whether the reader is exhausted.
    done: bool,
    /// Records longer than this are skipped.
    max_record: usize,
    /// A read that failed: the records before it are handed out first, then
    /// the error (what the reader held past the last whole record is lost
    /// with the rest).
    failed: Option<io::Error>,
}

impl<'a> Chunker<'a> {
    /// A chunker over a log's bytes.
    pub fn new(reader: Box<dyn Read + Send + 'a>, boundaries: Box<dyn Boundaries>) -> Self {
        Chunker {
            reader,
            boundaries,
            carry: Vec::new(),
            line: 1,
            offset: 0,
            done: false,
            max_record: MAX_RECORD_BYTES,
            failed: None,
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
        if data.is_empty()
            && let Some(error) = self.failed.take()
        {
            return Err(error);
        }
        while !self.done && data.len() < size {
            let want = size - data.len();
            if self.fill(&mut data, want)? == 0 {
                self.done = true;
            }
        }
        if data.is_empty() {
            return match self.failed.take() {
                Some(error) => Err(error),
                None => Ok(None),
            };
        }
        // Extend to the end of the record under way, then cut after it. The
        // scan goes on from where it stopped, so a huge record costs one pass.
        self.boundaries.reset();
        let mut scan = Scan::default();
        let cut = loop {
            scan.feed(self.boundaries.as_mut(), &data);
            if let Some(cut) = scan.last {
                break cut;
            }
            if self.done && self.failed.is_some() {
                // A record cut short by the failed read is not a record.
                if let Some(error) = self.failed.take() {
                    return Err(error);
                }
            }
            if self.done {
                break data.len();
            }
            if data.len() > self.max_record {
                return self.skip_record(data).map(Some);
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

    /// Up to `n` of the bytes after the last chunk, without taking them:
    /// fewer only at the end of the log.
    pub fn peek(&mut self, n: usize) -> &[u8] {
        while !self.done && self.carry.len() < n {
            let mut carry = std::mem::take(&mut self.carry);
            let want = n - carry.len();
            // A failed read is kept for the next chunk to report.
            if self.fill(&mut carry, want).unwrap_or(0) == 0 {
                self.done = true;
            }
            self.carry = carry;
        }
        &self.carry[..self.carry.len().min(n)]
    }

    /// Reads past the rest of a record that has grown beyond the limit
    /// without keeping it; `data` is its beginning, which the boundary scanner
    /// has looked through. The chunk holds the record's first bytes.
    fn skip_record(&mut self, mut data: Vec<u8>) -> io::Result<Chunk> {
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
            let (first, _) = self.boundaries.feed(&block);
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

    /// Appends up to `want` bytes; how many were read (0 at the end, or
    /// after a failed read, whose bytes before the failure are kept).
    fn fill(&mut self, data: &mut Vec<u8>, want: usize) -> io::Result<usize> {
        // `read_to_end` on a bounded reader fills the vector without zeroing
        // it first; the reader has no buffer of its own, so the bytes are
        // copied once, into the chunk.
        data.reserve(want);
        let before = data.len();
        match (&mut self.reader).take(want as u64).read_to_end(data) {
            Ok(n) => Ok(n),
            Err(e) => {
                self.failed = Some(e);
                self.done = true;
                Ok(data.len() - before)
            }
        }
    }
}

/// Finds the end of the last whole record, reading bytes as they arrive.
#[derive(Default)]
struct Scan {
    /// How many bytes have been looked at.
    seen: usize,
    /// Just after the last record end.
    last: Option<usize>,
}

impl Scan {
    /// Looks at the bytes of `data` not seen yet.
    fn feed(&mut self, boundaries: &mut dyn Boundaries, data: &[u8]) {
        let (_, last) = boundaries.feed(&data[self.seen..]);
        if let Some(last) = last {
            self.last = Some(self.seen + last);
        }
        self.seen = data.len();
    }
}

/// The problem of a record too long to keep.
pub(crate) fn skipped_record(chunk: &Chunk, length: u64, file: &str) -> LogProblem {
    too_long(
        chunk,
        file,
        Code::MalformedRecord,
        format!("the record is {length} bytes long, over the limit of {MAX_RECORD_BYTES} bytes; it is skipped unread"),
    )
}

/// A problem with a record (or a header) too long to keep, at the chunk
/// that holds its beginning.
pub(crate) fn too_long(chunk: &Chunk, file: &str, code: Code, message: String) -> LogProblem {
    let head = String::from_utf8_lossy(&chunk.data);
    LogProblem::at(code, file, chunk.first_line, &head, 0..0, message).with_help(
        "a record this long is not an observation: look for a missing line break or a file that is not a log; \
         records up to the limit are read whatever their length",
    )
}

/// How many line breaks the bytes hold.
pub(crate) fn count_lines(data: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', data).count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(text: &str, format: &'static dyn crate::log::format::Format, size: usize) -> Vec<(String, u64, u64)> {
        // A small buffer, so that records arrive in pieces.
        let reader = std::io::BufReader::with_capacity(4, text.as_bytes());
        let mut chunker = Chunker::new(Box::new(reader), format.boundaries());
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

    /// A reader that fails after handing out `left` bytes.
    struct Failing<'a> {
        bytes: &'a [u8],
        left: usize,
    }

    impl std::io::Read for Failing<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.left == 0 {
                return Err(std::io::Error::other("damaged"));
            }
            let n = buf.len().min(self.left).min(self.bytes.len());
            buf[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            self.left -= n;
            Ok(n)
        }
    }

    #[test]
    fn a_failed_read_hands_out_the_whole_records_before_it_then_the_error() {
        use crate::log::format::Format;
        let text = b"ab\ncd\nef\ngh\n";
        // The read fails in the middle of `ef`: `ab` and `cd` are records,
        // `e` is not.
        let reader = std::io::BufReader::with_capacity(4, Failing { bytes: text, left: 7 });
        let mut chunker = Chunker::new(Box::new(reader), crate::log::format::jsonl::Jsonl.boundaries());
        let first = chunker.next_chunk(100).expect("the records before the failure");
        assert_eq!(first.map(|c| c.data), Some(b"ab\ncd\n".to_vec()));
        let error = chunker.next_chunk(100).map(|c| c.map(|c| c.data));
        assert_eq!(error.map_err(|e| e.to_string()), Err("damaged".to_string()));
        // A failure before any whole record is the error at once.
        let reader = std::io::BufReader::new(Failing { bytes: text, left: 1 });
        let mut chunker = Chunker::new(Box::new(reader), crate::log::format::jsonl::Jsonl.boundaries());
        assert!(chunker.next_chunk(100).is_err());
    }
}
