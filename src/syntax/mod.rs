//! Text → syntax tree: the pest grammar, the builder that lowers pest pairs
//! to the typed AST, and syntax errors in words.

pub mod ast;
mod display;
mod expected;
mod grammar;
mod keywords;
mod lower;
mod nesting;
mod parser;
#[cfg(test)]
mod tests;

pub use display::{escape, format_column, format_decimal, format_instant, format_time};
pub use keywords::{BODY_FORMS, BodyForm, DECLARATION_WORDS, KEYWORDS, WINDOWS, WindowForm};
pub use nesting::MAX_NESTING;
pub use parser::parse;
