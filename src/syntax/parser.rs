//! Text → pest parse tree → [`ast::File`], with syntax errors as diagnostics.

use super::ast;
use super::expected::syntax_error;
use super::grammar::{CfrParser, Rule};
use super::keywords::DECLARATION_WORDS;
use super::lower::Builder;
use super::nesting::check_nesting;
use crate::diagnostic::Diagnostic;
use crate::source::FileId;
use pest::Parser as _;

/// How many syntax errors one file may report before the rest is skipped.
const MAX_SYNTAX_ERRORS: usize = 20;

/// Parses one rule file.
///
/// Returns the syntax tree and every diagnostic found. When the text has
/// syntax errors the tree is empty and the diagnostics list each error
/// (parsing resumes at the next line that starts a declaration).
pub fn parse(file: FileId, text: &str) -> (ast::File, Vec<Diagnostic>) {
    if let Some(diagnostic) = check_nesting(file, text) {
        return (ast::File::default(), vec![diagnostic]);
    }
    let mut diagnostics = Vec::new();
    let mut base = 0;
    loop {
        match CfrParser::parse(Rule::file, &text[base..]) {
            Ok(mut pairs) if base == 0 => {
                let mut builder = Builder::new(file);
                let tree = pairs.next().map(|p| builder.file(p)).unwrap_or_default();
                return (tree, builder.finish());
            }
            Ok(_) => break,
            Err(error) => {
                let diagnostic = syntax_error(file, text, base, &error);
                let at = diagnostic.span().map_or(text.len(), |s| s.start as usize);
                diagnostics.push(diagnostic);
                if diagnostics.len() >= MAX_SYNTAX_ERRORS {
                    break;
                }
                match resume_point(text, at) {
                    Some(next) => base = next,
                    None => break,
                }
            }
        }
    }
    (ast::File::default(), diagnostics)
}

/// The start of the first line after `at` that begins with a declaration
/// keyword in the first column: a safe place to resume after a syntax error.
fn resume_point(text: &str, at: usize) -> Option<usize> {
    let mut offset = text[at.min(text.len())..].find('\n')? + at + 1;
    while offset < text.len() {
        let line = &text[offset..];
        let starts_item = DECLARATION_WORDS.iter().any(|kw| {
            line.strip_prefix(kw)
                .is_some_and(|rest| rest.starts_with([' ', '\t', '\r', '\n', '{', '"']))
        });
        if starts_item {
            return Some(offset);
        }
        offset += line.find('\n')? + 1;
    }
    None
}
