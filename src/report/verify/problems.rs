//! Log problems as text or JSON.

use crate::log::LogProblem;
use serde_json::{Value, json};

/// One log problem as JSON.
pub fn problem(p: &LogProblem) -> Value {
    json!({
        "code": p.code.as_str(),
        "severity": p.severity().as_str(),
        "message": p.message,
        "file": p.file,
        "line": p.place.as_ref().map(|pl| pl.line),
        "column": p.place.as_ref().map(|pl| pl.column),
        "text": p.place.as_ref().map(|pl| pl.text.clone()),
        "count": p.count,
        "help": p.help,
    })
}

/// One log problem drawn with its record.
#[cfg(feature = "cli")]
pub fn render(p: &LogProblem, style: crate::report::human::Style) -> String {
    use crate::report::human::{Snippet, Source};
    let severity = match p.severity() {
        crate::diagnostic::Severity::Error => miette::Severity::Error,
        crate::diagnostic::Severity::Warning => miette::Severity::Warning,
    };
    let message = match &p.place {
        None if !p.file.is_empty() => format!("{}: {}", p.file, p.message),
        _ => p.message.clone(),
    };
    let mut snippet = Snippet::new(severity, message).with_code(p.code);
    if let Some(help) = &p.help {
        snippet = snippet.with_help(help);
    }
    if let Some(place) = &p.place {
        let range = if place.highlight.is_empty() {
            0..place.text.len()
        } else {
            place.highlight.clone()
        };
        snippet = snippet.at(Source::excerpt(&p.file, &place.text, place.line), range, None);
    }
    snippet.render(style)
}
