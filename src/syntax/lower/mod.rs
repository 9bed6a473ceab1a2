//! Builds the [`ast`](super::ast) from pest pairs: one small function per
//! grammar rule. Lexical mistakes the grammar lets through (bad durations,
//! timestamps without an offset, unknown escapes, nesting too deep) become
//! diagnostics here; the tree then holds a placeholder and is not checked.

mod decl;
mod expr;
mod literal;
mod pattern;
mod rule;
mod source;
mod test;

use super::ast;
use super::grammar::Rule;
use super::nesting::{MAX_NESTING, too_deep};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, Node, Span};

pub(crate) type Pair<'i> = pest::iterators::Pair<'i, Rule>;

/// Builds one file's tree and collects its lexical diagnostics.
pub(crate) struct Builder {
    file: FileId,
    diagnostics: Vec<Diagnostic>,
    /// Current nesting of parentheses and `not`s.
    depth: usize,
}

impl Builder {
    /// A builder for the file with this id.
    pub(crate) fn new(file: FileId) -> Self {
        Builder {
            file,
            diagnostics: Vec::new(),
            depth: 0,
        }
    }

    /// The diagnostics found while building.
    pub(crate) fn finish(self) -> Vec<Diagnostic> {
        self.diagnostics
    }

    /// `file = { SOI ~ item* ~ EOI }`
    ///
    /// An item is left out of the tree only with a diagnostic that says
    /// why: a lexical mistake reported on the way, or, when the builder met
    /// a parse tree it does not know (the grammar and the builder disagree:
    /// a bug), an internal error at the item rather than a silent drop.
    pub(crate) fn file(&mut self, pair: Pair) -> ast::File {
        let mut items = Vec::new();
        for part in pair.into_inner().filter(|p| p.as_rule() != Rule::EOI) {
            let reported = self.diagnostics.len();
            let span = self.span(&part);
            let rule = part.as_rule();
            match self.item(part) {
                Some(item) => items.push(item),
                None if self.diagnostics.len() > reported => {}
                None => self.error(unexpected(span, rule)),
            }
        }
        ast::File {
            items,
            broken: Vec::new(),
        }
    }

    fn item(&mut self, pair: Pair) -> Option<Node<ast::Item>> {
        let span = self.span(&pair);
        let item = match pair.as_rule() {
            Rule::agreement => ast::Item::Agreement(self.string(last(pair)?)),
            Rule::include => ast::Item::Include(self.string(last(pair)?)),
            Rule::calendar_decl => ast::Item::Calendar(self.string(last(pair)?)),
            Rule::allow_decl => ast::Item::Allow(
                pair.as_str().starts_with("deny"),
                pair.into_inner()
                    .filter(|p| p.as_rule() == Rule::diagnostic_code)
                    .map(|p| {
                        let mut code = self.name(&p);
                        code.node = code.node.to_uppercase();
                        code
                    })
                    .collect(),
            ),
            Rule::evidence_decl => ast::Item::Evidence(self.condition(last(pair)?)?),
            Rule::zone_decl => ast::Item::Zone(self.zone_decl(pair)?),
            Rule::area_decl => ast::Item::Area(self.place_decl(pair)?),
            Rule::line_decl => ast::Item::Line(self.place_decl(pair)?),
            Rule::event_decl => ast::Item::Event(self.event_decl(pair)?),
            Rule::source_decl => ast::Item::Source(self.source_decl(pair)?),
            Rule::phase_decl => ast::Item::Phase(self.phase_decl(pair)?),
            Rule::rule_decl => ast::Item::Rule(self.rule(pair)?),
            Rule::test => ast::Item::Test(self.test(pair)?),
            _ => return None,
        };
        Some(Node::new(item, span))
    }

    /// The span of a pair without the whitespace and comments pest counts
    /// into a rule that ends with an optional part (`anchor_atom ~ offset*`).
    fn span(&self, pair: &Pair) -> Span {
        Span::new(self.file, pair.as_span().start(), tight_end(pair))
    }

    /// A name from an `ident`, `word` or `rule_id` pair.
    fn name(&self, pair: &Pair) -> ast::Name {
        Node::new(pair.as_str().to_string(), self.span(pair))
    }

    fn error(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Enters one level of nesting; reports and returns `false` past the limit.
    fn enter(&mut self, span: Span, what: &str) -> bool {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            self.error(too_deep(span, what));
            return false;
        }
        true
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }
}

/// The diagnostic for a parse tree the builder does not know: the grammar
/// accepted something the builder has no case for.
fn unexpected(span: Span, rule: Rule) -> Diagnostic {
    Diagnostic::new(
        Code::UnexpectedParseTree,
        span,
        format!("internal error: the syntax tree builder does not know this `{rule:?}`; the item is left out"),
    )
    .with_label("not understood")
    .with_help(
        "this is a bug in ceasefire, not in the rule file; please report it with the file attached. \
         Meanwhile the item is neither checked nor judged",
    )
}

/// Where the last token of a pair ends.
fn tight_end(pair: &Pair) -> usize {
    let mut pair = pair.clone();
    // Strings end with their closing quote, which is not a pair of its own.
    while pair.as_rule() != Rule::string {
        match pair.clone().into_inner().last() {
            Some(last) => pair = last,
            None => break,
        }
    }
    pair.as_span().end()
}

/// The inner pairs that carry meaning: punctuation dropped, keywords kept.
fn parts(pair: Pair) -> Vec<Pair> {
    pair.into_inner()
        .filter(|p| {
            !matches!(
                p.as_rule(),
                Rule::lbrace
                    | Rule::rbrace
                    | Rule::lparen
                    | Rule::rparen
                    | Rule::lbracket
                    | Rule::rbracket
                    | Rule::colon
                    | Rule::comma
                    | Rule::equals
                    | Rule::dotdot
                    | Rule::dot
            )
        })
        .collect()
}

/// The last inner pair (the string of `agreement`, say).
fn last(pair: Pair) -> Option<Pair> {
    pair.into_inner().last()
}

/// The first inner pair with this rule.
fn find<'i>(parts: &[Pair<'i>], rule: Rule) -> Option<Pair<'i>> {
    parts.iter().find(|p| p.as_rule() == rule).cloned()
}

/// Whether a keyword was written.
fn has(parts: &[Pair], rule: Rule) -> bool {
    parts.iter().any(|p| p.as_rule() == rule)
}
