//! GitHub Actions workflow commands: `::error file=…,line=…::message`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::report::locate;
use crate::report::markup::{workflow_data as data, workflow_property as property};
use crate::source::SourceMap;
use std::fmt::Write;

/// One annotation line per diagnostic.
pub fn annotations(sources: &SourceMap, diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut properties = Vec::new();
        if let Some(span) = d.span() {
            let at = locate(sources, span);
            properties.push(format!("file={}", property(&at.file)));
            properties.push(format!("line={}", at.start.line));
            properties.push(format!("col={}", at.start.column));
            properties.push(format!("endLine={}", at.end.line));
            properties.push(format!("endColumn={}", at.end.column));
        }
        properties.push(format!("title={}", property(d.code.as_str())));
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        let _ = writeln!(out, "::{command} {}::{}", properties.join(","), data(&message));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_the_runner_would_misread() {
        assert_eq!(data("50% done\nnext"), "50%25 done%0Anext");
        assert_eq!(property("a:b,c"), "a%3Ab%2Cc");
    }
}
