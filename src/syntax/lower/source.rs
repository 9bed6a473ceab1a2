//! Source declarations (LANGUAGE-v2 §11).

use super::{Builder, Pair, find, parts};
use crate::source::Node;
use crate::syntax::ast::{Column, MapEntry, MapOut, SourceDecl, SourceLine, SourceValue};
use crate::syntax::grammar::Rule;

impl Builder {
    /// `source_decl = { kw_source ~ ident ~ string? ~ lbrace ~ source_item* ~ rbrace }`
    pub(super) fn source_decl(&mut self, pair: Pair) -> Option<SourceDecl> {
        let parts = parts(pair);
        let name = self.name(&find(&parts, Rule::ident)?);
        let display = find(&parts, Rule::string).map(|s| self.string(s));
        let mut calendars = Vec::new();
        let mut lines = Vec::new();
        for part in parts {
            match part.as_rule() {
                Rule::calendar_decl => calendars.push(self.string(part.into_inner().last()?)),
                Rule::source_line => lines.push(self.source_line(part)?),
                _ => {}
            }
        }
        Some(SourceDecl {
            name,
            display,
            calendars,
            lines,
        })
    }

    /// `source_line = { word ~ equals ~ source_value }`
    fn source_line(&mut self, pair: Pair) -> Option<SourceLine> {
        let mut parts = parts(pair).into_iter();
        let target = self.name(&parts.next()?);
        let value = parts.next()?;
        let span = self.span(&value);
        let inner = parts_of(value.clone());
        let value = match value.as_rule() {
            Rule::source_cell => SourceValue::Cell(self.value(value)),
            Rule::source_range => SourceValue::Range(self.column(inner.first()?)?, self.column(inner.get(1)?)?),
            Rule::source_split => SourceValue::Split(self.column(inner.first()?)?, self.string(inner.last()?.clone())),
            Rule::source_position => {
                let lat = self.column(inner.first()?)?;
                let lon = self.column(inner.get(1)?)?;
                let radius = match inner.get(3) {
                    Some(r) if r.as_rule() == Rule::distance_lit => {
                        let span = self.span(r);
                        Some(Box::new(Node::new(SourceValue::Distance(self.name(r)), span)))
                    }
                    Some(r) => {
                        let span = self.span(r);
                        Some(Box::new(Node::new(self.source_map(r.clone())?, span)))
                    }
                    None => None,
                };
                SourceValue::Position { lat, lon, radius }
            }
            Rule::source_map => self.source_map(value)?,
            _ => return None,
        };
        Some(SourceLine {
            target,
            value: Node::new(value, span),
        })
    }

    /// `source_map = { column ~ kw_map ~ lbrace ~ map_entry* ~ rbrace }`
    fn source_map(&mut self, pair: Pair) -> Option<SourceValue> {
        let inner = parts_of(pair);
        let column = self.column(inner.first()?)?;
        let mut entries = Vec::new();
        let mut otherwise = Vec::new();
        for entry in inner.iter().filter(|p| p.as_rule() == Rule::map_entry) {
            let sides = parts_of(entry.clone());
            let (key, out) = (sides.first()?, sides.last()?);
            let out = self.map_out(out.clone())?;
            if key.as_rule() == Rule::kw_else {
                // A second `else` is reported by the checker.
                otherwise.push(out);
            } else {
                entries.push(MapEntry {
                    key: self.value(key.clone()),
                    out,
                });
            }
        }
        Some(SourceValue::Map {
            column,
            entries,
            otherwise,
        })
    }

    /// `column = { string | word }`
    fn column(&mut self, pair: &Pair) -> Option<Column> {
        let inner = pair.clone().into_inner().next()?;
        Some(match inner.as_rule() {
            Rule::string => self.string(inner),
            _ => self.name(&inner),
        })
    }

    /// `map_out = { kw_skip | timestamp | ... | word }`; `keep` is a word
    /// that means the cell as it is.
    fn map_out(&mut self, pair: Pair) -> Option<Node<MapOut>> {
        let span = self.span(&pair);
        let inner = pair.clone().into_inner().next()?;
        let out = match inner.as_rule() {
            Rule::kw_skip => MapOut::Skip,
            Rule::distance_lit => MapOut::Distance(inner.as_str().to_string()),
            Rule::word if inner.as_str() == "keep" => MapOut::Keep,
            _ => MapOut::Value(self.value(pair).node),
        };
        Some(Node::new(out, span))
    }
}

/// The inner pairs of a pair, punctuation dropped.
fn parts_of(pair: Pair) -> Vec<Pair> {
    parts(pair)
}
