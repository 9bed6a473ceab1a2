//! The names a rule file mentions, each with the declaration it means, as
//! the checker resolved them. The language server answers hovers,
//! definitions and references from these; it never resolves a name again.

use crate::source::Span;

/// What a name refers to, by the declared name.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// An event kind.
    Kind(String),
    /// A zone.
    Zone(String),
    /// A phase.
    Phase(String),
    /// A rule, by its id.
    Rule(String),
    /// A source.
    Source(String),
    /// An area or a line.
    Place(String),
    /// A field of a kind.
    Field {
        /// The kind that declares it.
        kind: String,
        /// The field's name.
        field: String,
    },
}

/// A name in a rule file and what it means: a declaration's own name, or a
/// use of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// Where the name is written.
    pub span: Span,
    /// What it refers to.
    pub target: Target,
}
