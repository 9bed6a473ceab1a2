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
/// Returns the syntax tree and every diagnostic found. After a syntax error
/// the parser resumes at the next line that starts a declaration, so that
/// one run reports one error per broken item; the tree holds every item
/// that parses (the broken ones are left out, their names noted in
/// [`ast::File::broken`]).
pub fn parse(file: FileId, text: &str) -> (ast::File, Vec<Diagnostic>) {
    if let Some(diagnostic) = check_nesting(file, text) {
        return (ast::File::default(), vec![diagnostic]);
    }
    let mut diagnostics = Vec::new();
    let mut broken: Vec<(usize, usize)> = Vec::new();
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
                // The item the error is in: the one that starts at or before
                // it, or, for an error right at the start of an item (an
                // earlier item left open), the item before.
                let at_item_start = item_starts(text).any(|start| start == at);
                let (start, resume) = if at_item_start && at > base {
                    let start = item_starts(text)
                        .filter(|&s| s < at && s >= base)
                        .last()
                        .unwrap_or(base);
                    (start, Some(at))
                } else {
                    let start = item_starts(text)
                        .filter(|&s| s <= at && s >= base)
                        .last()
                        .unwrap_or(base);
                    (start, resume_point(text, at))
                };
                let end = resume.unwrap_or(text.len());
                diagnostics.push(unclosed_or(file, text, (start, end), diagnostic));
                broken.push((start, end));
                if diagnostics.len() >= MAX_SYNTAX_ERRORS {
                    break;
                }
                match resume {
                    Some(next) if next > base => base = next,
                    _ => break,
                }
            }
        }
    }
    let (tree, lowering) = recovered(file, text, &broken);
    diagnostics.extend(lowering);
    (tree, diagnostics)
}

/// The tree of the items that parse: the text with the broken items
/// blanked (every byte of them but line ends made a space, so that places
/// stay where they are), parsed again. Empty if even that fails.
fn recovered(file: FileId, text: &str, broken: &[(usize, usize)]) -> (ast::File, Vec<Diagnostic>) {
    let mut blanked = text.as_bytes().to_vec();
    let mut names = Vec::new();
    for &(start, end) in broken {
        names.extend(declared_name(&text[start..end]));
        for byte in &mut blanked[start..end] {
            if *byte != b'\n' {
                *byte = b' ';
            }
        }
    }
    let Ok(blanked) = String::from_utf8(blanked) else {
        return (ast::File::default(), Vec::new());
    };
    match CfrParser::parse(Rule::file, &blanked) {
        Ok(mut pairs) => {
            // The lowering's own errors (a bad timestamp, say) are of items
            // that parsed: they are reported too.
            let mut builder = Builder::new(file);
            let mut tree = pairs.next().map(|p| builder.file(p)).unwrap_or_default();
            tree.broken = names;
            (tree, builder.finish())
        }
        Err(_) => (ast::File::default(), Vec::new()),
    }
}

/// The name a broken item would declare: the word after its keyword
/// (`rule a {`, `zone north "North"`, `event strike {`).
fn declared_name(item: &str) -> Option<String> {
    let mut words = item.split(|c: char| c.is_whitespace() || c == '{' || c == '"');
    let keyword = words.next()?;
    if !DECLARATION_WORDS.contains(&keyword) {
        return None;
    }
    let name = words.find(|w| !w.is_empty())?;
    name.chars()
        .all(|c| c.is_alphanumeric() || c == '_')
        .then(|| name.to_string())
}

/// The starts of the lines that begin a declaration, in order.
fn item_starts(text: &str) -> impl Iterator<Item = usize> + '_ {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .filter(move |&offset| {
            let line = &text[offset.min(text.len())..];
            DECLARATION_WORDS.iter().any(|kw| {
                line.strip_prefix(kw)
                    .is_some_and(|rest| rest.starts_with([' ', '\t', '\r', '\n', '{', '"']))
            })
        })
}

/// An item whose `{` is never closed before the next item starts is
/// reported at its brace, naming it, with the next item as a second place
/// (the parser's own error is at the next item, listing tokens that could
/// continue the last line). Other errors pass through.
fn unclosed_or(file: FileId, text: &str, (start, end): (usize, usize), error: Diagnostic) -> Diagnostic {
    let item = &text[start..end];
    let Some(open) = item.find('{') else { return error };
    // Braces outside strings and comments.
    let mut depth = 0i32;
    let mut in_string = false;
    let mut in_comment = false;
    for c in item[open..].chars() {
        match c {
            '\n' => {
                in_comment = false;
                in_string = false;
            }
            _ if in_comment => {}
            '"' => in_string = !in_string,
            '#' if !in_string => in_comment = true,
            '{' if !in_string => depth += 1,
            '}' if !in_string => depth -= 1,
            _ => {}
        }
    }
    let error_at = error.span().map_or(0, |s| s.start as usize);
    if depth <= 0 || error_at != end {
        return error;
    }
    let keyword = item.split_whitespace().next().unwrap_or("item");
    let named = declared_name(item).map(|n| format!(" `{n}`")).unwrap_or_default();
    let brace = crate::source::Span::new(file, start + open, start + open + 1);
    if end >= text.len() {
        return Diagnostic::new(
            crate::diagnostic::Code::UnclosedBrace,
            brace,
            format!("{keyword}{named} is not closed: the file ends before the `}}` of its `{{`"),
        )
        .with_label("opened here")
        .with_help("add `}` at the end of its body");
    }
    let next = crate::source::Span::new(file, end, end + item_start_len(&text[end..]));
    Diagnostic::new(
        crate::diagnostic::Code::UnclosedBrace,
        brace,
        format!("{keyword}{named} is not closed: its `{{` has no matching `}}` before the next declaration"),
    )
    .with_label("opened here")
    .with_secondary(next, "the next declaration starts here")
    .with_help("add `}` at the end of its body")
}

/// The length of the keyword that starts a line.
fn item_start_len(line: &str) -> usize {
    line.find(|c: char| !c.is_alphanumeric() && c != '_')
        .unwrap_or(line.len())
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
