//! Log inputs: files or standard input, plain or gzip, JSON Lines or CSV.

use super::format::{Format, csv, jsonl};
use crate::diagnostic::{Code, Diagnostic};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// The format of a log: the registry of formats. Each is read by one type
/// of `log/format/` behind the `Format` trait.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum LogFormat {
    /// One JSON object per line (`.jsonl`, `.ndjson`).
    Jsonl,
    /// A header row, then one record per row (`.csv`).
    Csv,
}

impl LogFormat {
    /// Every format, in the order names and contents are tried.
    pub const ALL: [LogFormat; 2] = [LogFormat::Jsonl, LogFormat::Csv];

    /// How the format is read.
    pub(crate) fn reader(self) -> &'static dyn Format {
        match self {
            LogFormat::Jsonl => &jsonl::Jsonl,
            LogFormat::Csv => &csv::Csv,
        }
    }
}

/// One log to read.
#[derive(Clone, Debug)]
pub struct LogInput {
    /// The name shown in reports: the path as given, or `-`.
    pub name: String,
    /// The file, or `None` for standard input (or a log given in memory).
    pub path: Option<PathBuf>,
    /// How records are written.
    pub format: LogFormat,
    /// Whether the bytes are gzip-compressed.
    pub gzip: bool,
    /// The source its records are read through (`--log NAME=PATH`,
    /// LANGUAGE-v2 §11), if any.
    pub source: Option<String>,
}

/// Every log of a run, with standard input kept so that it can be read twice.
#[derive(Debug, Default)]
pub struct LogSet {
    /// The logs in the order given.
    pub inputs: Vec<LogInput>,
    stdin: Option<Vec<u8>>,
}

impl LogSet {
    /// Works out each log's format from its name (or `forced`) and checks that it exists.
    /// `stdin` is what standard input holds, read by the caller if `-` is among the paths.
    pub fn new(paths: &[PathBuf], forced: Option<LogFormat>, stdin: Option<Vec<u8>>) -> Result<Self, Vec<Diagnostic>> {
        let mut inputs = Vec::new();
        let mut errors = Vec::new();
        for path in paths {
            let name = path.to_string_lossy().into_owned();
            if name == "-" {
                let bytes = stdin.as_deref().unwrap_or_default();
                let gzip = bytes.starts_with(&[0x1f, 0x8b]);
                let format = forced.unwrap_or_else(|| sniff(bytes));
                inputs.push(LogInput {
                    name,
                    path: None,
                    format,
                    gzip,
                    source: None,
                });
                continue;
            }
            if !path.exists() {
                errors.push(
                    Diagnostic::without_span(Code::PathNotFound, format!("the log `{name}` does not exist"))
                        .with_help("give the path of a `.jsonl` or `.csv` log, or `-` for standard input"),
                );
                continue;
            }
            if !path.is_file() {
                errors.push(
                    Diagnostic::without_span(Code::CannotRead, format!("the log `{name}` is not a file"))
                        .with_help("name each log file; folders are not searched for logs"),
                );
                continue;
            }
            let (format, gzip) = format_of(path);
            match forced.or(format) {
                Some(format) => inputs.push(LogInput { name, path: Some(path.clone()), format, gzip, source: None }),
                None => errors.push(
                    Diagnostic::without_span(Code::UnknownLogFormat, format!("cannot tell the format of `{name}` from its name"))
                        .with_help("name logs `.jsonl`, `.ndjson` or `.csv` (optionally followed by `.gz`), or give `--log-format jsonl|csv`"),
                ),
            }
        }
        if errors.is_empty() {
            Ok(LogSet { inputs, stdin })
        } else {
            Err(errors)
        }
    }

    /// One log held in memory, called `name` in reports (gzip-compressed
    /// bytes are read as such).
    pub fn from_bytes(name: &str, format: LogFormat, bytes: Vec<u8>) -> Self {
        let gzip = bytes.starts_with(&[0x1f, 0x8b]);
        LogSet {
            inputs: vec![LogInput {
                name: name.to_string(),
                path: None,
                format,
                gzip,
                source: None,
            }],
            stdin: Some(bytes),
        }
    }

    /// Reads the log at `index` through the source `name` (LANGUAGE-v2 §11).
    pub fn read_through(mut self, index: usize, name: &str) -> Self {
        if let Some(input) = self.inputs.get_mut(index) {
            input.source = Some(name.to_string());
        }
        self
    }

    /// A fresh reader over the (decompressed) bytes of a log, buffered.
    pub fn open(&self, input: &LogInput) -> std::io::Result<Box<dyn BufRead + Send + '_>> {
        Ok(Box::new(BufReader::with_capacity(1 << 18, self.read(input)?)))
    }

    /// A fresh reader over the (decompressed) bytes of a log, without a
    /// buffer of its own: for the chunker, whose reads are large.
    pub fn read(&self, input: &LogInput) -> std::io::Result<Box<dyn Read + Send + '_>> {
        let raw: Box<dyn Read + Send + '_> = match &input.path {
            Some(path) => Box::new(std::fs::File::open(path)?),
            None => Box::new(self.stdin.as_deref().unwrap_or_default()),
        };
        Ok(if input.gzip {
            Box::new(flate2::read::MultiGzDecoder::new(raw))
        } else {
            raw
        })
    }
}

/// The format and compression a file name says.
fn format_of(path: &Path) -> (Option<LogFormat>, bool) {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let (stem, gzip) = match name.strip_suffix(".gz") {
        Some(stem) => (stem.to_string(), true),
        None => (name, false),
    };
    let format = LogFormat::ALL
        .into_iter()
        .find(|f| f.reader().extensions().iter().any(|e| stem.ends_with(e)));
    (format, gzip)
}

/// Standard input without `--log-format`: the first format its first
/// non-blank bytes look like (JSON Lines if it is `{`, else CSV).
fn sniff(bytes: &[u8]) -> LogFormat {
    let bytes = if bytes.starts_with(&[0x1f, 0x8b]) {
        // Compressed: look at the first decompressed bytes.
        let mut head = vec![0; 4096];
        let n = flate2::read::MultiGzDecoder::new(bytes).read(&mut head).unwrap_or(0);
        head.truncate(n);
        return sniff(&head);
    } else {
        bytes
    };
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    LogFormat::ALL
        .into_iter()
        .find(|f| f.reader().looks_like(&bytes[start..]))
        .unwrap_or(LogFormat::Csv)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_come_from_names() {
        assert_eq!(format_of(Path::new("a/obs.jsonl")), (Some(LogFormat::Jsonl), false));
        assert_eq!(format_of(Path::new("obs.NDJSON.gz")), (Some(LogFormat::Jsonl), true));
        assert_eq!(format_of(Path::new("obs.csv.gz")), (Some(LogFormat::Csv), true));
        assert_eq!(format_of(Path::new("obs.txt")), (None, false));
        assert_eq!(sniff(b"  {\"time\": 1}"), LogFormat::Jsonl);
        assert_eq!(sniff(b"time,kind\n"), LogFormat::Csv);
    }
}
