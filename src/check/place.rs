//! Places (LANGUAGE-v2 §12): `area` and `line` declarations, zones with
//! areas, `F inside AREA` and `distance(F, PLACE) OP D`.

use super::checker::{Checker, duplicate};
use super::model::{Condition, FieldId, KindId, Place, Type, VarId};
use super::reference::Target;
use super::suggest::help_for;
use crate::diagnostic::{Code, Diagnostic};
use crate::places::{Shape, Sort};
use crate::source::{Node, Span};
use crate::syntax::ast::{self, CmpOp};
use std::sync::Arc;

impl<'a> Checker<'a> {
    /// The shape a GeoJSON path gave, or its error reported.
    pub fn shape_at(&mut self, path: &Node<String>) -> Option<Arc<Shape>> {
        match self.loaded.get(&path.span) {
            Some(Ok(shape)) => Some(shape.clone()),
            Some(Err(diagnostic)) => {
                self.error(diagnostic.clone());
                None
            }
            None => None,
        }
    }

    /// `area NAME … from "FILE"` or `line NAME … from "FILE"`: a name of its
    /// own (no zone, area or line shares it) and its shape.
    pub(super) fn declare_place(&mut self, place: &'a ast::PlaceDecl) {
        let name = &place.name;
        self.refer(name.span, Target::Place(name.node.clone()));
        let first = self
            .places
            .get(name.node.as_str())
            .map(|&i| self.model.places[i].span)
            .or_else(|| self.zones.get(name.node.as_str()).map(|&i| self.model.zones[i].span));
        if let Some(first) = first {
            self.error(duplicate("place", name, first));
            return;
        }
        let Some(shape) = self.shape_at(&place.path) else {
            self.broken_places.insert(name.node.clone());
            return;
        };
        self.places.insert(&name.node, self.model.places.len());
        self.model.places.push(Place {
            name: name.node.clone(),
            display: place.display.as_ref().map(|d| d.node.clone()),
            shape,
            path: place.path.node.clone(),
            span: name.span,
        });
    }

    /// An area or line by name: a declared `area` or `line`, or a zone with
    /// an area. `areas_only`: for `inside`, which a line cannot answer.
    fn place(&mut self, name: &ast::Name, areas_only: bool) -> Option<Arc<Shape>> {
        if self.broken_places.contains(&name.node) {
            return None;
        }
        if let Some(&i) = self.places.get(name.node.as_str()) {
            let (shape, declared) = (self.model.places[i].shape.clone(), self.model.places[i].span);
            self.refer(name.span, Target::Place(name.node.clone()));
            if areas_only && shape.sort == Sort::Line {
                self.error(
                    Diagnostic::new(
                        Code::TypeMismatch,
                        name.span,
                        format!("`{}` is a line, which has no inside", name.node),
                    )
                    .with_label("a line")
                    .with_secondary(declared, "declared a line here")
                    .with_help(format!("ask how far from it: `distance(FIELD, {}) <= 15km`", name.node)),
                );
                return None;
            }
            return Some(shape);
        }
        if let Some(&i) = self.zones.get(name.node.as_str()) {
            let zone = &self.model.zones[i];
            let (area, span) = (zone.area.clone(), zone.span);
            self.refer(name.span, Target::Zone(name.node.clone()));
            if area.is_none() {
                self.error(
                    Diagnostic::new(
                        Code::TypeMismatch,
                        name.span,
                        format!("zone `{}` has no area", name.node),
                    )
                    .with_label("no area")
                    .with_secondary(span, "declared without an area here")
                    .with_help(format!(
                        "give the zone an area: `zone {} area \"{}.geojson\"`",
                        name.node, name.node
                    )),
                );
            }
            return area;
        }
        let candidates: Vec<&str> = self
            .model
            .places
            .iter()
            .map(|p| p.name.as_str())
            .chain(
                self.model
                    .zones
                    .iter()
                    .filter(|z| z.area.is_some())
                    .map(|z| z.name.as_str()),
            )
            .collect();
        let help = help_for(&name.node, candidates).unwrap_or_else(|| {
            format!(
                "declare it: `area {} from \"{}.geojson\"` (or `line …`)",
                name.node, name.node
            )
        });
        self.error(
            Diagnostic::new(
                Code::UndeclaredPlace,
                name.span,
                format!("no area or line is called `{}`", name.node),
            )
            .with_label("not declared")
            .with_help(help),
        );
        None
    }

    /// A position field of a kind, or an error saying it is not one.
    fn position_field(&mut self, kind: KindId, field: &ast::Name) -> Option<FieldId> {
        let (id, ty) = self.lookup_field(kind, field)?;
        if ty == Type::Position {
            return Some(id);
        }
        self.error(
            Diagnostic::new(
                Code::TypeMismatch,
                field.span,
                format!(
                    "`{}` holds {}, not a position",
                    field.node,
                    super::value::describe_type(ty)
                ),
            )
            .with_label("not a position")
            .with_help("places are asked of a field declared `position`"),
        );
        None
    }

    /// `FIELD inside AREA`
    pub(super) fn inside(&mut self, kind: KindId, field: &ast::Name, place: &ast::Name) -> Option<Condition> {
        let field = self.position_field(kind, field);
        let shape = self.place(place, true);
        Some(Condition::Inside(field?, shape?))
    }

    /// `distance(FIELD, PLACE) OP DISTANCE`
    pub(super) fn distance_condition(
        &mut self,
        kind: KindId,
        field: &ast::Name,
        place: &ast::Name,
        op: CmpOp,
        distance: &Node<String>,
        span: Span,
    ) -> Option<Condition> {
        let field_node = field.node.clone();
        let field = self.position_field(kind, field);
        let shape = self.place(place, false);
        if matches!(op, CmpOp::Eq | CmpOp::Ne) {
            self.error(
                Diagnostic::new(
                    Code::InvalidComparison,
                    span,
                    format!(
                        "a distance is compared with `<`, `<=`, `>` or `>=`, not `{}`",
                        op.as_str()
                    ),
                )
                .with_label("not an order")
                .with_help(format!(
                    "write, for example, `distance({}, {}) <= {}`",
                    field_node, place.node, distance.node
                )),
            );
            return None;
        }
        let metres = crate::places::parse_distance(&distance.node)?;
        Some(Condition::Distance(field?, shape?, place.node.clone(), op, metres))
    }

    /// `in zone Z` for a kind with a position field, where Z (or, for a
    /// `for each zone` variable, some zone) has an area: the condition that
    /// the position lies in it. `None` where no zone has an area or the
    /// kind has no position field.
    pub(super) fn zone_by_position(&mut self, kind: KindId, value: &Node<ast::Value>) -> Option<Condition> {
        let declared = &self.model.kinds[kind.0 as usize];
        let positions: Vec<FieldId> = declared
            .fields
            .iter()
            .enumerate()
            .filter(|(_, f)| f.ty == Type::Position)
            .map(|(i, _)| FieldId(i as u32))
            .collect();
        // The field named `position`, else the only position field.
        let field = positions
            .iter()
            .copied()
            .find(|f| declared.fields[f.0 as usize].name == "position")
            .or_else(|| (positions.len() == 1).then(|| positions[0]))?;
        let ast::Value::Name(name) = &value.node else {
            return None;
        };
        if let Some(index) = self.vars.iter().rposition(|v| &v.name == name) {
            if self.vars[index].ty != Type::Zone || self.model.zones.iter().all(|z| z.area.is_none()) {
                return None;
            }
            self.var_uses[index] += 1;
            let areas = Arc::new(self.model.zones.iter().map(|z| z.area.clone()).collect());
            return Some(Condition::InZoneArea(field, VarId(index as u32), areas));
        }
        let &zone = self.zones.get(name.as_str())?;
        let area = self.model.zones[zone].area.clone()?;
        // Noted as used, and referred to, as a field test would be.
        self.lookup_zone(&Node::new(name.clone(), value.span));
        Some(Condition::Inside(field, area))
    }
}
