//! The ground floor: places in rule files. Spans, file ids, the source map
//! that turns byte offsets into lines and columns, and values tagged with
//! the place they were written. Every stage stands on this; it stands on
//! nothing of the crate.

mod map;
mod span;

pub use map::{LineCol, SourceFile, SourceMap};
pub use span::{FileId, Node, Span};
