//! `ceasefire fmt`: rule files in one canonical layout, every comment kept.
//!
//! The text is parsed, laid out item by item (see [`layout`]), and the
//! comments are put back next to the lines they belong with. Before the
//! result is returned it is parsed again: if it does not read back as the
//! same syntax tree with the same comments, formatting is refused.

mod comments;
mod layout;
mod render;

use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, Span};
use crate::syntax::parse;

/// Why a rule file could not be formatted.
#[derive(Debug)]
pub enum FormatError {
    /// The file has syntax errors; these are its diagnostics.
    Syntax(Vec<Diagnostic>),
    /// The layout would change the file's meaning or lose a comment: a bug
    /// in the formatter, reported instead of writing.
    Changed(Diagnostic),
}

/// The canonical layout of a rule file's text (`file` names it in diagnostics).
pub fn format_text(file: FileId, text: &str) -> Result<String, FormatError> {
    let (tree, diagnostics) = parse(file, text);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(FormatError::Syntax(diagnostics));
    }
    let found = comments::comments(text);
    let blocks = layout::blocks(&tree, text, &found);
    let formatted = render::render(&blocks, &found, text);
    verified(file, &tree, found, formatted)
}

/// `formatted`, if it reads back as `tree` with the same comments.
fn verified(
    file: FileId,
    tree: &crate::syntax::ast::File,
    found: Vec<comments::Comment>,
    formatted: String,
) -> Result<String, FormatError> {
    let (again, problems) = parse(file, &formatted);
    if problems.iter().any(Diagnostic::is_error) || again != *tree {
        return Err(FormatError::Changed(changed(file, "the rules would read differently")));
    }
    let texts = |list: Vec<comments::Comment>| {
        let mut texts: Vec<String> = list.into_iter().map(|c| c.text).collect();
        texts.sort();
        texts
    };
    if texts(found) != texts(comments::comments(&formatted)) {
        return Err(FormatError::Changed(changed(file, "a comment would be lost")));
    }
    Ok(formatted)
}

fn changed(file: FileId, what: &str) -> Diagnostic {
    Diagnostic::new(
        Code::FormatChangedMeaning,
        Span::new(file, 0, 0),
        format!("internal error: formatting refused, {what}; the file is left as it is"),
    )
    .with_label("this file")
    .with_help(format!(
        "this is a bug in ceasefire {}; please report it with the file attached",
        env!("CARGO_PKG_VERSION")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(text: &str, formatted: &str) -> String {
        let (tree, _) = parse(FileId(0), text);
        match verified(FileId(0), &tree, comments::comments(text), formatted.to_string()) {
            Err(FormatError::Changed(d)) => {
                assert_eq!(d.code, Code::FormatChangedMeaning);
                d.message
            }
            other => panic!("not refused: {other:?}"),
        }
    }

    #[test]
    fn output_that_reads_differently_or_loses_a_comment_is_refused() {
        let text = "zone north  # the north\nevent truce\n";
        assert!(refusal(text, "zone south  # the north\nevent truce\n").contains("read differently"));
        assert!(refusal(text, "zone north\nevent truce\n").contains("comment would be lost"));
        assert!(refusal(text, "zone north  # the north\nevent truce {\n").contains("read differently"));
        let (tree, _) = parse(FileId(0), text);
        assert!(verified(FileId(0), &tree, comments::comments(text), text.to_string()).is_ok());
    }
}
