//! Text → pest parse tree → [`ast::File`], with syntax errors as diagnostics.

use super::ast;
use super::build::Builder;
use super::expected::syntax_error;
use super::span::{FileId, Span};
use crate::diagnostic::{Code, Diagnostic};
use pest::Parser as _;

/// The pest parser generated from `grammar/ceasefire.pest`.
#[derive(pest_derive::Parser)]
#[grammar = "../grammar/ceasefire.pest"]
pub(crate) struct CfrParser;

/// How deeply parentheses may nest. Real rules use two or three levels; the
/// limit keeps every recursive stage far from the end of the stack.
pub const MAX_NESTING: usize = 64;

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
    const STARTERS: [&str; 7] = ["agreement", "include", "zone", "event", "phase", "rule", "test"];
    let mut offset = text[at.min(text.len())..].find('\n')? + at + 1;
    while offset < text.len() {
        let line = &text[offset..];
        let starts_item = STARTERS.iter().any(|kw| {
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

/// Finds parentheses nested deeper than [`MAX_NESTING`] (outside strings and
/// comments) before pest sees them, so that deep input gets a clear
/// diagnostic rather than an exhausted stack.
fn check_nesting(file: FileId, text: &str) -> Option<Diagnostic> {
    let bytes = text.as_bytes();
    let (mut depth, mut i) = (0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'(' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(too_deep(Span::new(file, i, i + 1), "parentheses"));
                }
            }
            b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

/// The diagnostic for nesting beyond [`MAX_NESTING`].
pub(crate) fn too_deep(span: Span, what: &str) -> Diagnostic {
    Diagnostic::new(
        Code::TooDeep,
        span,
        format!("{what} are nested more than {MAX_NESTING} levels deep"),
    )
    .with_label("too deep")
    .with_help("split the condition or expression into simpler parts")
}
