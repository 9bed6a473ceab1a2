//! The JSON output of `check` (CLI.md): one object per diagnostic with its
//! code, severity, message, place and help.

use crate::diagnostic::Diagnostic;
use crate::report::{Tally, locate};
use crate::source::SourceMap;
use serde_json::{Value, json};

/// The version of this JSON layout; it changes only when keys are removed or change meaning.
pub const CHECK_JSON_VERSION: u32 = 1;

/// The whole `check --format json` document.
pub fn check_report(sources: &SourceMap, files: usize, diagnostics: &[Diagnostic]) -> Value {
    let tally = Tally::of(diagnostics);
    json!({
        "version": CHECK_JSON_VERSION,
        "files": files,
        "summary": { "errors": tally.errors, "warnings": tally.warnings, "omitted": 0 },
        "diagnostics": diagnostics.iter().map(|d| diagnostic(sources, d)).collect::<Vec<_>>(),
    })
}

/// One diagnostic as JSON.
pub fn diagnostic(sources: &SourceMap, d: &Diagnostic) -> Value {
    let place = d.span().map(|s| locate(sources, s));
    let labels: Vec<Value> = d
        .primary
        .iter()
        .map(|l| (l, true))
        .chain(d.secondary.iter().map(|l| (l, false)))
        .map(|(label, primary)| {
            let at = locate(sources, label.span);
            json!({
                "primary": primary,
                "message": label.message,
                "file": at.file,
                "line": at.start.line,
                "column": at.start.column,
                "end_line": at.end.line,
                "end_column": at.end.column,
            })
        })
        .collect();
    json!({
        "code": d.code.as_str(),
        "severity": d.severity.as_str(),
        "message": d.message,
        "file": place.as_ref().map(|p| p.file.clone()),
        "line": place.as_ref().map(|p| p.start.line),
        "column": place.as_ref().map(|p| p.start.column),
        "end_line": place.as_ref().map(|p| p.end.line),
        "end_column": place.as_ref().map(|p| p.end.column),
        "help": d.help,
        "labels": labels,
    })
}
