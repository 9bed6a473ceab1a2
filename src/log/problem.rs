//! Problems found in observation logs: invalid records (errors) and things
//! worth knowing (warnings). They point into log files, which may be far
//! too large to load whole, so each carries the text of its record.

use crate::diagnostic::{Code, Severity};

/// A problem in a log.
#[derive(Clone, Debug, PartialEq)]
pub struct LogProblem {
    /// The stable code.
    pub code: Code,
    /// What is wrong, in lower case, log text in backticks.
    pub message: String,
    /// The log file as named on the command line (`-` for standard input).
    pub file: String,
    /// Where in the file, if the problem is about one record.
    pub place: Option<Place>,
    /// How to fix it, where known.
    pub help: Option<String>,
    /// How many records the problem covers (1 unless it is a tally).
    pub count: u64,
}

/// A record's place and text.
#[derive(Clone, Debug, PartialEq)]
pub struct Place {
    /// 1-based line of the record.
    pub line: u64,
    /// 1-based column (in characters) of the offending text within the line.
    pub column: u64,
    /// The record's first line, cut to a readable length.
    pub text: String,
    /// Byte range of the offending text within `text`.
    pub highlight: std::ops::Range<usize>,
}

/// Records longer than this are shown cut short.
const SHOWN: usize = 240;

impl LogProblem {
    /// A problem with a record.
    pub fn at(
        code: Code,
        file: &str,
        line: u64,
        record: &str,
        at: std::ops::Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        LogProblem {
            code,
            message: message.into(),
            file: file.to_string(),
            place: Some(Place::new(line, record, at)),
            help: None,
            count: 1,
        }
    }

    /// A problem with a whole file, or a tally over many records.
    pub fn about(code: Code, file: &str, message: impl Into<String>) -> Self {
        LogProblem {
            code,
            message: message.into(),
            file: file.to_string(),
            place: None,
            help: None,
            count: 1,
        }
    }

    /// Sets the help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Sets how many records the problem covers.
    pub fn with_count(mut self, count: u64) -> Self {
        self.count = count;
        self
    }

    /// Error or warning.
    pub fn severity(&self) -> Severity {
        self.code.severity()
    }
}

impl Place {
    /// The place of the bytes `at` within a record's text.
    pub fn new(line: u64, record: &str, at: std::ops::Range<usize>) -> Self {
        let first_line = record.split('\n').next().unwrap_or("").trim_end_matches('\r');
        let mut end = first_line.len().min(SHOWN);
        while !first_line.is_char_boundary(end) {
            end -= 1;
        }
        let mut text = first_line[..end].to_string();
        if end < first_line.len() {
            text.push('…');
        }
        let clamp = |n: usize| {
            let mut n = n.min(end);
            while !first_line.is_char_boundary(n) {
                n -= 1;
            }
            n
        };
        let (start, stop) = (clamp(at.start), clamp(at.end.max(at.start)));
        // The column is that of the offending text even when the text
        // shown is cut before it.
        let mut real = at.start.min(first_line.len());
        while !first_line.is_char_boundary(real) {
            real -= 1;
        }
        let column = first_line[..real].chars().count() as u64 + 1;
        Place {
            line,
            column,
            text,
            highlight: start..stop,
        }
    }
}
