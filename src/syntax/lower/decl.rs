//! Declarations and anchors.

use super::{Builder, Pair, find, has, parts};
use crate::source::Node;
use crate::syntax::ast::{
    Anchor, AnchorBase, EventDecl, FieldDecl, Occurrence, Offset, PhaseDecl, PhaseEnd, PlaceDecl, ZoneDecl,
};
use crate::syntax::grammar::Rule;

impl Builder {
    /// `zone_decl = { kw_zone ~ ident ~ string? }`
    pub(super) fn zone_decl(&mut self, pair: Pair) -> Option<ZoneDecl> {
        let parts = parts(pair);
        let name = self.name(&find(&parts, Rule::ident)?);
        // `zone NAME ["Display"] [area "FILE"]`: the string after `area` is the file.
        let mut display = None;
        let mut area = None;
        let mut after_area = false;
        for part in parts {
            match part.as_rule() {
                Rule::kw_area => after_area = true,
                Rule::string if after_area => area = Some(self.string(part)),
                Rule::string => display = Some(self.string(part)),
                _ => {}
            }
        }
        Some(ZoneDecl { name, display, area })
    }

    /// `area_decl` / `line_decl = { kw ~ ident ~ string? ~ kw_from ~ string }`
    pub(super) fn place_decl(&mut self, pair: Pair) -> Option<PlaceDecl> {
        let parts = parts(pair);
        let name = self.name(&find(&parts, Rule::ident)?);
        let strings: Vec<Pair> = parts.iter().filter(|p| p.as_rule() == Rule::string).cloned().collect();
        let path = self.string(strings.last()?.clone());
        let display = (strings.len() == 2).then(|| self.string(strings[0].clone()));
        Some(PlaceDecl { name, display, path })
    }

    /// `event_decl = { kw_event ~ ident ~ field_list? }`
    pub(super) fn event_decl(&mut self, pair: Pair) -> Option<EventDecl> {
        let parts = parts(pair);
        let name = self.name(&find(&parts, Rule::ident)?);
        let fields = match find(&parts, Rule::field_list) {
            Some(list) => parts_of(list, Rule::field_decl)
                .iter()
                .filter_map(|f| self.field_decl(f.clone()))
                .collect(),
            None => Vec::new(),
        };
        Some(EventDecl { name, fields })
    }

    /// `field_decl = { word ~ colon ~ type_name }`
    fn field_decl(&mut self, pair: Pair) -> Option<FieldDecl> {
        let parts = parts(pair);
        Some(FieldDecl {
            name: self.name(&find(&parts, Rule::word)?),
            ty: self.name(&find(&parts, Rule::type_name)?),
        })
    }

    /// `phase_decl = { kw_phase ~ ident ~ equals ~ kw_from ~ anchor ~ (phase_for | phase_until) }`
    pub(super) fn phase_decl(&mut self, pair: Pair) -> Option<PhaseDecl> {
        let parts = parts(pair);
        let name = self.name(&find(&parts, Rule::ident)?);
        let start = self.anchor(find(&parts, Rule::anchor)?)?;
        let end = if let Some(p) = find(&parts, Rule::phase_for) {
            PhaseEnd::For(self.duration(&find(&super::parts(p), Rule::duration)?))
        } else {
            let p = find(&parts, Rule::phase_until)?;
            PhaseEnd::Until(self.anchor(find(&super::parts(p), Rule::anchor)?)?)
        };
        Some(PhaseDecl { name, start, end })
    }

    /// `anchor = { anchor_atom ~ anchor_offset* }`
    pub(super) fn anchor(&mut self, pair: Pair) -> Option<Node<Anchor>> {
        let span = self.span(&pair);
        let mut parts = parts(pair).into_iter();
        let base = self.anchor_base(parts.next()?)?;
        let offsets = parts.filter_map(|p| self.anchor_offset(p)).collect();
        Some(Node::new(Anchor { base, offsets }, span))
    }

    /// `timestamp | phase_bound | anchor_event`
    fn anchor_base(&mut self, pair: Pair) -> Option<Node<AnchorBase>> {
        let span = self.span(&pair);
        let base = match pair.as_rule() {
            Rule::timestamp => AnchorBase::Time(self.timestamp(&pair).node),
            Rule::day_bound => {
                let parts = parts(pair);
                let start = has(&parts, Rule::kw_start);
                let inner = parts.into_iter().rev().find(|p| !matches!(p.as_rule(), Rule::rparen))?;
                let inner = match inner.as_rule() {
                    Rule::anchor => self.anchor(inner)?,
                    _ => {
                        let span = self.span(&inner);
                        let base = self.anchor_base(inner)?;
                        Node::new(
                            Anchor {
                                base,
                                offsets: Vec::new(),
                            },
                            span,
                        )
                    }
                };
                if start {
                    AnchorBase::DayStart(Box::new(inner))
                } else {
                    AnchorBase::DayEnd(Box::new(inner))
                }
            }
            Rule::anchor_group => AnchorBase::Group(Box::new(self.anchor(find(&parts(pair), Rule::anchor)?)?)),
            Rule::phase_bound => {
                let parts = parts(pair);
                let phase = self.name(&find(&parts, Rule::ident)?);
                if has(&parts, Rule::kw_start) {
                    AnchorBase::PhaseStart(phase)
                } else {
                    AnchorBase::PhaseEnd(phase)
                }
            }
            Rule::anchor_event => {
                let parts = parts(pair);
                let which = if has(&parts, Rule::kw_last) {
                    Occurrence::Last
                } else {
                    Occurrence::First
                };
                AnchorBase::Event(which, self.pattern(find(&parts, Rule::pattern)?)?)
            }
            _ => return None,
        };
        Some(Node::new(base, span))
    }

    /// `anchor_offset = { (plus | minus) ~ duration }`: a signed duration.
    fn anchor_offset(&mut self, pair: Pair) -> Option<Node<Offset>> {
        let span = self.span(&pair);
        let parts = parts(pair);
        let duration = self.duration(&find(&parts, Rule::duration)?).node;
        Some(Node::new(
            Offset {
                negative: has(&parts, Rule::minus),
                duration,
            },
            span,
        ))
    }
}

/// The inner pairs of `pair` with the given rule.
pub(super) fn parts_of(pair: Pair, rule: Rule) -> Vec<Pair> {
    parts(pair).into_iter().filter(|p| p.as_rule() == rule).collect()
}
