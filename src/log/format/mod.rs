//! Log formats, each one type behind one trait: where its records end, what
//! comes before the first record (a header), how a chunk of records is
//! parsed. Re-reading a record by its offset uses the same boundaries.
//!
//! Adding a format is a new file here and one registration: a variant of
//! [`LogFormat`](super::LogFormat) and its arm in `LogFormat::reader`.

pub(crate) mod csv;
pub(crate) mod jsonl;

use super::chunk::{Boundaries, Chunk, Chunker};
use super::problem::LogProblem;
use super::record::{Fill, Outcome, Typer};

/// How one log format is read.
pub(crate) trait Format: Sync {
    /// The file name endings of the format (without `.gz`), lower case.
    fn extensions(&self) -> &'static [&'static str];

    /// Whether a log that starts with these bytes (after blank space) looks
    /// like this format, for standard input without `--log-format`.
    fn looks_like(&self, first: &[u8]) -> bool;

    /// A scanner of record boundaries, for a stretch of the log that starts
    /// at the start of a record.
    fn boundaries(&self) -> Box<dyn Boundaries>;

    /// What comes before the records: `first` is the log's first chunk,
    /// and more chunks may be taken from `chunker` (a header may come after
    /// chunks of blank lines).
    fn start(&self, first: Chunk, chunker: &mut Chunker, size: usize, file: &str, how: How) -> std::io::Result<Start>;

    /// How many records a chunk holds, for a log that cannot be read as
    /// records (every one is counted as invalid).
    fn count(&self, chunk: &Chunk) -> u64;
}

/// The encoding a log's first bytes show, when it is not UTF-8: a byte-order
/// mark of UTF-16 or UTF-32, or the NUL bytes of UTF-16 or UTF-32 text.
fn foreign_encoding(first: &[u8]) -> Option<&'static str> {
    Some(match first {
        [0xff, 0xfe, 0, 0, ..] => "UTF-32 (little-endian)",
        [0, 0, 0xfe, 0xff, ..] => "UTF-32 (big-endian)",
        [0xff, 0xfe, ..] => "UTF-16 (little-endian)",
        [0xfe, 0xff, ..] => "UTF-16 (big-endian)",
        [a, 0, 0, 0, ..] if a.is_ascii() && *a != 0 => "UTF-32 (little-endian)",
        [0, 0, 0, a, ..] if a.is_ascii() && *a != 0 => "UTF-32 (big-endian)",
        [a, 0, b, 0, ..] if a.is_ascii() && b.is_ascii() && *a != 0 && *b != 0 => "UTF-16 (little-endian)",
        [0, a, 0, b, ..] if a.is_ascii() && b.is_ascii() && *a != 0 && *b != 0 => "UTF-16 (big-endian)",
        _ => return None,
    })
}

/// A log whose first bytes show another encoding than UTF-8: one problem
/// for the file (every record is unreadable), naming the encoding. The
/// first four bytes are looked at however short the first chunk is (a
/// first line of 3 bytes), so that the size of chunks changes nothing.
pub(crate) fn wrong_encoding(first: &Chunk, chunker: &mut Chunker, file: &str) -> Option<LogProblem> {
    if first.first_offset != 0 {
        return None;
    }
    let mut head = first.data[..first.data.len().min(4)].to_vec();
    if head.len() < 4 && first.skipped.is_none() {
        head.extend_from_slice(chunker.peek(4 - head.len()));
    }
    let encoding = foreign_encoding(&head)?;
    Some(
        LogProblem::about(
            crate::diagnostic::Code::LogNotUtf8,
            file,
            format!("the log is {encoding}, not UTF-8"),
        )
        .with_help(format!(
            "save it as UTF-8, for example `iconv -f {} -t UTF-8 log > log.utf8`",
            encoding.split(' ').next().unwrap_or("UTF-16")
        )),
    )
}

/// What a log starts with.
pub(crate) enum Start {
    /// Records, read by `parser`, from byte `from` of `first`.
    Records {
        /// Parses chunks of whole records.
        parser: Box<dyn Records>,
        /// The chunk the records start in.
        first: Chunk,
        /// Where they start in it.
        from: usize,
    },
    /// Nothing at all.
    Empty,
    /// A start that makes the records unreadable (a CSV header without
    /// `time`); `first` is the chunk it was found in.
    Unreadable {
        /// What is wrong, at its place.
        problem: LogProblem,
        /// The chunk it was found in.
        first: Chunk,
    },
}

/// How a log's records are read: as LOG.md says, or through a source.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct How<'m> {
    /// The source the log is read through (LANGUAGE-v2 §11), if any.
    pub source: Option<&'m crate::check::model::Source>,
    /// Whether records' sources and status are read.
    pub provenance: bool,
}

/// Parses chunks of whole records into outcomes.
pub(crate) trait Records: Sync {
    /// Parses and types the records of `chunk` from byte `from`.
    fn parse(&self, chunk: &Chunk, from: usize, file: &str, typer: &Typer, out: &mut Fill);

    /// Parses the records of `chunk` from byte `from` into their raw
    /// values as [`parse`](Records::parse) does, without typing them: the
    /// parsing stage alone, for the benchmark of stages. One outcome a
    /// record (`Skipped` with the number of values read, for a record that
    /// parses).
    fn scan(&self, chunk: &Chunk, from: usize, out: &mut Vec<Outcome>);

    /// The calendar records are read in, when it is not the unit's (a source's own).
    fn calendar(&self) -> Option<crate::time::Calendar> {
        None
    }

    /// The source the records are read through, once compiled for the log.
    fn source(&self) -> Option<&super::mapping::Compiled> {
        None
    }
}
