//! Text → syntax tree: the pest grammar, the AST builder, spans and the source map.

pub mod ast;
mod build;
mod display;
mod expected;
mod parser;
mod source;
mod span;
#[cfg(test)]
mod tests;

pub use display::{escape, format_decimal, format_instant, format_time};
pub use expected::KEYWORDS;
pub use parser::{MAX_NESTING, parse};
pub use source::{LineCol, SourceFile, SourceMap};
pub use span::{FileId, Node, Span};
