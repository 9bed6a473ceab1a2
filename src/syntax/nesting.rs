//! The nesting guard: parentheses, `not`s and operators nested too deeply
//! are a diagnostic before any recursive stage sees them, never an
//! exhausted stack.

use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, Span};

/// How deeply parentheses may nest. Real rules use two or three levels; the
/// limit keeps every recursive stage far from the end of the stack.
pub const MAX_NESTING: usize = 64;

/// Finds parentheses nested deeper than [`MAX_NESTING`] (outside strings and
/// comments) before pest sees them, so that deep input gets a clear
/// diagnostic rather than an exhausted stack.
pub(crate) fn check_nesting(file: FileId, text: &str) -> Option<Diagnostic> {
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
