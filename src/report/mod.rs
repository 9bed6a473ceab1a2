//! Rendering only, in three families: [`check`] (diagnostics), [`verify`]
//! (verdicts with their evidence) and [`test`] (the results of `test`
//! blocks). [`human`] renders diagnostics and snippets for a terminal, for
//! all three. Nothing here decides anything, and nothing here reads a file:
//! what a report shows is handed to it.

pub mod check;
#[cfg(feature = "cli")]
pub mod human;
pub mod markup;
pub mod test;
pub mod verify;

use crate::diagnostic::Diagnostic;
use crate::source::{LineCol, SourceMap, Span};

/// Where a span lies, in the terms people and tools use: file name, and
/// 1-based lines and columns. `end` is the position just after the span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// The file as shown to users.
    pub file: String,
    /// The first character.
    pub start: LineCol,
    /// Just after the last character.
    pub end: LineCol,
}

/// The location of a span.
pub fn locate(sources: &SourceMap, span: Span) -> Location {
    let file = sources.file(span.file);
    Location {
        file: file.name.clone(),
        start: file.line_col(span.start as usize),
        end: file.line_col(span.end as usize),
    }
}

/// Counts of errors and warnings, for summaries.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Errors.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
}

impl Tally {
    /// Counts the diagnostics by severity.
    pub fn of(diagnostics: &[Diagnostic]) -> Self {
        let errors = diagnostics.iter().filter(|d| d.is_error()).count();
        Tally {
            errors,
            warnings: diagnostics.len() - errors,
        }
    }
}

/// "1 error", "2 warnings".
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// `text` cut to `max` characters, marked with `…` if cut: reports meant
/// for reading show the beginning of a very long value, not all of it.
pub fn cut(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]).into(),
        None => text.into(),
    }
}
