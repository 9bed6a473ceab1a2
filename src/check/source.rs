//! Source declarations (LANGUAGE-v2 §11): targets, columns, maps and their
//! values, checked against the unit's kinds, fields and zones.

use super::checker::{Checker, duplicate, suggest_zone};
use super::model::{MapOut, Mapping, Radius, Source, SourceTarget, Type};
use super::reference::Target;
use super::suggest::help_for;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{Node, Span};
use crate::syntax::ast::{self, Item, SourceValue, Value};
use crate::time::Calendar;
use std::collections::HashMap;

/// The targets every source may set besides declared fields.
const BUILT_IN_TARGETS: [&str; 5] = ["kind", "time", "id", "source", "status"];

/// What a target's values must be.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Expect {
    /// A declared kind's name.
    Kind,
    /// A time as a log writes it.
    Time,
    /// Anything (`id`, `source`, `status`: text).
    Text,
    /// A declared field, of these types across the kinds that declare it.
    Field,
}

impl<'a> Checker<'a> {
    /// Checks every source of the unit, once every kind, field and zone is declared.
    pub(super) fn sources(&mut self, trees: &[&'a ast::File]) {
        let mut names: HashMap<&'a str, Span> = HashMap::new();
        for item in trees.iter().flat_map(|tree| &tree.items) {
            let Item::Source(source) = &item.node else {
                continue;
            };
            self.refer(source.name.span, Target::Source(source.name.node.clone()));
            if let Some(&first) = names.get(source.name.node.as_str()) {
                self.error(duplicate("source", &source.name, first));
                continue;
            }
            names.insert(&source.name.node, source.name.span);
            if let Some(checked) = self.source(source) {
                self.model.sources.push(checked);
            }
        }
    }

    fn source(&mut self, source: &ast::SourceDecl) -> Option<Source> {
        let errors = self.error_count();
        let calendar = self.source_calendar(&source.calendars);
        let mut targets: Vec<SourceTarget> = Vec::new();
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for line in &source.lines {
            let name = &line.target;
            if let Some(&first) = seen.get(name.node.as_str()) {
                self.error(
                    Diagnostic::new(
                        Code::DuplicateSourceTarget,
                        name.span,
                        format!("the source sets `{}` twice", name.node),
                    )
                    .with_label("set again here")
                    .with_secondary(first, "first set here")
                    .with_help("give each target one value; a map can choose between cells"),
                );
                continue;
            }
            seen.insert(&name.node, name.span);
            let Some(expect) = self.target(name) else { continue };
            if let Some(value) = self.mapping(name, expect, &line.value) {
                targets.push(SourceTarget {
                    name: name.node.clone(),
                    value,
                    span: name.span.to(line.value.span),
                });
            }
        }
        for required in ["kind", "time"] {
            if !seen.contains_key(required) {
                let example = if required == "kind" {
                    "`kind = event_type map { \"Battles\": battle }`, or `kind = \"battle\"` for one kind"
                } else {
                    "`time = event_date`, or `time = date_start .. date_end` for a range of days"
                };
                self.error(
                    Diagnostic::new(
                        Code::MissingSourceTarget,
                        source.name.span,
                        format!(
                            "the source `{}` does not say where `{required}` comes from",
                            source.name.node
                        ),
                    )
                    .with_label(format!("no `{required}`"))
                    .with_help(format!(
                        "every source needs `kind` and `time`; add, for example, {example}"
                    )),
                );
            }
        }
        (self.error_count() == errors).then(|| Source {
            name: source.name.node.clone(),
            display: source.display.as_ref().map(|d| d.node.clone()),
            calendar,
            targets,
            span: source.name.span,
        })
    }

    /// A source's own `calendar`: at most one, an IANA zone.
    fn source_calendar(&mut self, calendars: &[Node<String>]) -> Option<Calendar> {
        let first = calendars.first()?;
        for again in &calendars[1..] {
            self.error(
                Diagnostic::new(Code::DuplicateCalendar, again.span, "a source may set one calendar")
                    .with_label("second `calendar`")
                    .with_secondary(first.span, "first `calendar` here")
                    .with_help("keep one `calendar` line: the dataset's dates are local to one zone"),
            );
        }
        match Calendar::named(&first.node) {
            Some(calendar) => Some(calendar),
            None => {
                let diagnostic = Diagnostic::new(
                    Code::UnknownCalendar,
                    first.span,
                    format!("`{}` is not a time zone of the IANA database", first.node),
                )
                .with_label("unknown time zone");
                self.error(match suggest_zone(&first.node) {
                    Some(zone) => diagnostic.with_help(format!("did you mean `{zone}`?")),
                    None => diagnostic
                        .with_help("write a zone as `Area/City`, for example `Europe/Kyiv`, `Asia/Gaza` or `UTC`"),
                });
                None
            }
        }
    }

    /// What a target expects, or an error for a target that is neither
    /// built in nor a declared field.
    fn target(&mut self, name: &Node<String>) -> Option<Expect> {
        match name.node.as_str() {
            "kind" => return Some(Expect::Kind),
            "time" => return Some(Expect::Time),
            "id" | "source" | "status" => return Some(Expect::Text),
            _ => {}
        }
        let owners: Vec<&str> = self
            .model
            .kinds
            .iter()
            .filter(|k| k.field(&name.node).is_some())
            .map(|k| k.name.as_str())
            .collect();
        if let Some(owner) = owners.first() {
            let target = Target::Field {
                kind: owner.to_string(),
                field: name.node.clone(),
            };
            self.refer(name.span, target);
            return Some(Expect::Field);
        }
        let fields: Vec<&str> = self
            .model
            .kinds
            .iter()
            .flat_map(|k| k.fields.iter().map(|f| f.name.as_str()))
            .collect();
        let help = help_for(&name.node, BUILT_IN_TARGETS.into_iter().chain(fields.iter().copied()))
            .unwrap_or_else(|| {
                format!(
                    "a source sets `kind`, `time`, `id`, `source`, `status` or a field some event declares; declare it, as in `event battle {{ {}: int }}`",
                    name.node
                )
            });
        self.error(
            Diagnostic::new(
                Code::UnknownSourceTarget,
                name.span,
                format!("`{}` is not something a source can set", name.node),
            )
            .with_label("no such target")
            .with_help(help),
        );
        None
    }

    /// The checked value of one target.
    fn mapping(&mut self, target: &Node<String>, expect: Expect, value: &Node<SourceValue>) -> Option<Mapping> {
        let not_allowed = |this: &mut Self, form: &str, only: &str| {
            this.error(
                Diagnostic::new(
                    Code::SourceValueNotAllowed,
                    value.span,
                    format!("`{}` cannot take {form}", target.node),
                )
                .with_label("not allowed here")
                .with_help(only.to_string()),
            );
            None
        };
        match &value.node {
            SourceValue::Cell(cell) => match &cell.node {
                Value::Name(column) => Some(Mapping::Column(column.clone())),
                Value::Text(text) => Some(Mapping::ColumnOrText(text.clone())),
                other => {
                    let text = literal_text(other);
                    self.fits(target, expect, &text, cell.span)
                        .then_some(Mapping::Literal(text))
                }
            },
            SourceValue::Range(a, b) if expect == Expect::Time => Some(Mapping::Range(a.node.clone(), b.node.clone())),
            SourceValue::Range(..) => not_allowed(
                self,
                "a range `A .. B`",
                "only `time` is read from two columns (`time = date_start .. date_end`)",
            ),
            SourceValue::Split(column, separator) if target.node == "source" => {
                if separator.node.is_empty() {
                    self.error(
                        Diagnostic::new(Code::SourceValueNotAllowed, separator.span, "the separator is empty")
                            .with_label("empty")
                            .with_help("give the text between the parts, as in `split \";\"`"),
                    );
                    return None;
                }
                Some(Mapping::Split(column.node.clone(), separator.node.clone()))
            }
            SourceValue::Position { lat, lon, radius } => {
                if !self.is_position_field(&target.node) {
                    return not_allowed(
                        self,
                        "a position `(LAT, LON)`",
                        "only a field declared `position` is read from a latitude and a longitude",
                    );
                }
                let radius = match radius.as_deref() {
                    None => Radius::Exact,
                    Some(radius) => self.radius(radius)?,
                };
                Some(Mapping::Position {
                    lat: lat.node.clone(),
                    lon: lon.node.clone(),
                    radius,
                })
            }
            SourceValue::Distance(d) => {
                self.error(
                    Diagnostic::new(
                        Code::SourceValueNotAllowed,
                        d.span,
                        format!("`{}` cannot take a distance", target.node),
                    )
                    .with_label("not allowed here")
                    .with_help("a distance is the radius of a position: `position = (lat, lon) ± 25km`"),
                );
                None
            }
            SourceValue::Split(..) => not_allowed(
                self,
                "`split`",
                "only `source` is split into several values (`source = source_office split \";\"`)",
            ),
            SourceValue::Map {
                column,
                entries,
                otherwise,
            } => {
                let errors = self.error_count();
                let checked = self.map_entries(entries, &mut |this, out| Some(this.map_out(target, expect, out)));
                for again in otherwise.iter().skip(1) {
                    self.error(
                        Diagnostic::new(Code::DuplicateMapKey, again.span, "the map has two `else` entries")
                            .with_label("second `else`")
                            .with_secondary(otherwise[0].span, "first `else` here")
                            .with_help("keep one `else`: it says what every other cell becomes"),
                    );
                }
                let otherwise = match otherwise.first() {
                    Some(out) => self.map_out(target, expect, out),
                    None => MapOut::Keep,
                };
                (self.error_count() == errors).then(|| Mapping::Map {
                    column: column.node.clone(),
                    entries: checked,
                    otherwise,
                })
            }
        }
    }

    /// A map's entries with their keys as text, each checked by `out` (which
    /// reports its own errors and gives `None` for them); a key given twice
    /// is an error (CF0223).
    fn map_entries<T>(
        &mut self,
        entries: &[ast::MapEntry],
        out: &mut dyn FnMut(&mut Self, &Node<ast::MapOut>) -> Option<T>,
    ) -> Vec<(String, T)> {
        let mut keys: HashMap<String, Span> = HashMap::new();
        let mut checked = Vec::new();
        for entry in entries {
            let key = literal_text(&entry.key.node);
            if let Some(&first) = keys.get(&key) {
                self.error(
                    Diagnostic::new(
                        Code::DuplicateMapKey,
                        entry.key.span,
                        format!("the map gives `{}` twice", entry.key.node),
                    )
                    .with_label("given again here")
                    .with_secondary(first, "first given here")
                    .with_help("keep one entry for each cell value"),
                );
                continue;
            }
            keys.insert(key.clone(), entry.key.span);
            if let Some(value) = out(self, &entry.out) {
                checked.push((key, value));
            }
        }
        checked
    }

    /// Whether every kind that declares `field` declares it a position.
    fn is_position_field(&self, field: &str) -> bool {
        let mut types = self
            .model
            .kinds
            .iter()
            .filter_map(|k| k.field(field).map(|f| k.fields[f.0 as usize].ty))
            .peekable();
        types.peek().is_some() && types.all(|t| t == Type::Position)
    }

    /// A position's radius: a distance, or a map of a column to distances
    /// (or `skip`).
    fn radius(&mut self, radius: &Node<SourceValue>) -> Option<Radius> {
        let distance = |this: &mut Self, out: &Node<ast::MapOut>| -> Result<Option<f64>, ()> {
            match &out.node {
                ast::MapOut::Distance(d) => crate::places::parse_distance(d).map(Some).ok_or(()),
                ast::MapOut::Skip => Ok(None),
                _ => {
                    this.error(
                        Diagnostic::new(
                            Code::TypeMismatch,
                            out.span,
                            format!("`{}` is not a distance", out.node),
                        )
                        .with_label("not a distance")
                        .with_help("a radius map gives distances (`25km`, `500m`) or `skip`"),
                    );
                    Err(())
                }
            }
        };
        match &radius.node {
            SourceValue::Distance(d) => crate::places::parse_distance(&d.node).map(Radius::Fixed),
            SourceValue::Map {
                column,
                entries,
                otherwise,
            } => {
                let errors = self.error_count();
                let checked = self.map_entries(entries, &mut |this, out| distance(this, out).ok());
                let fallback = match otherwise.first() {
                    Some(out) => distance(self, out).unwrap_or(None),
                    None => {
                        self.error(
                            Diagnostic::new(Code::SourceValueNotAllowed, radius.span, "a radius map needs `else`")
                                .with_label("no `else`")
                                .with_help("say what a cell no key matches gives: `else: 100km` or `else: skip`"),
                        );
                        None
                    }
                };
                (self.error_count() == errors).then(|| Radius::Map {
                    column: column.node.clone(),
                    entries: checked,
                    otherwise: fallback,
                })
            }
            _ => None,
        }
    }

    /// A map's output, checked against what the target expects.
    fn map_out(&mut self, target: &Node<String>, expect: Expect, out: &Node<ast::MapOut>) -> MapOut {
        match &out.node {
            ast::MapOut::Skip => MapOut::Skip,
            ast::MapOut::Keep => MapOut::Keep,
            ast::MapOut::Distance(d) => {
                self.error(
                    Diagnostic::new(Code::TypeMismatch, out.span, format!("`{d}` is a distance, not a value of `{}`", target.node))
                        .with_label("a distance")
                        .with_help("distances are the radius of a position: `position = (lat, lon) ± where_prec map { 1: 0km, else: 25km }`"),
                );
                MapOut::Skip
            }
            ast::MapOut::Value(value) => {
                let text = literal_text(value);
                self.fits(target, expect, &text, out.span);
                MapOut::Value(text)
            }
        }
    }

    /// Whether a literal value fits its target: a declared kind for
    /// `kind`, a log time for `time`, a value of the field's type (a
    /// declared zone for a zone field) for a field. Reports it if not.
    fn fits(&mut self, target: &Node<String>, expect: Expect, text: &str, span: Span) -> bool {
        match expect {
            Expect::Text => true,
            Expect::Kind => {
                if let Some(&i) = self.kinds.get(text) {
                    self.refer(span, Target::Kind(self.model.kinds[i].name.clone()));
                    return true;
                }
                let help = help_for(text, self.model.kinds.iter().map(|k| k.name.as_str())).unwrap_or_else(|| {
                    format!("declare it: `event {text} {{ ... }}`, or map the cell to a declared kind")
                });
                self.error(
                    Diagnostic::new(
                        Code::UndeclaredKind,
                        span,
                        format!("event kind `{text}` is not declared"),
                    )
                    .with_label("not declared")
                    .with_help(help),
                );
                false
            }
            Expect::Time => {
                if crate::time::parse_log_time(text, Some(Calendar::Utc)).is_ok() {
                    return true;
                }
                self.error(
                    Diagnostic::new(
                        Code::TypeMismatch,
                        span,
                        format!("`{text}` is not a time a log can hold"),
                    )
                    .with_label("not a time")
                    .with_help("write a date (`2025-01-25`), a month (`2025-01`) or a time (`2025-01-25T12:00Z`)"),
                );
                false
            }
            Expect::Field => {
                let types: Vec<(String, Type)> = self
                    .model
                    .kinds
                    .iter()
                    .filter_map(|k| {
                        k.field(&target.node)
                            .map(|f| (k.name.clone(), k.fields[f.0 as usize].ty))
                    })
                    .collect();
                for (kind, ty) in types {
                    if !self.literal_fits(ty, text, span, &target.node, &kind) {
                        return false;
                    }
                }
                true
            }
        }
    }

    /// Whether `text` is a value of type `ty` (a declared zone for a zone).
    fn literal_fits(&mut self, ty: Type, text: &str, span: Span, field: &str, kind: &str) -> bool {
        let fits = match ty {
            Type::Int => text.parse::<i64>().is_ok(),
            Type::Number => crate::number::parse(text).is_some(),
            Type::Text => true,
            Type::Bool => matches!(text, "true" | "false"),
            Type::Time => crate::time::parse_timestamp(text).is_ok(),
            // A position is read from two columns: `position = (lat, lon)`.
            Type::Position => false,
            Type::Zone => {
                if self.zones.contains_key(text) {
                    self.refer(span, Target::Zone(text.to_string()));
                    return true;
                }
                let help = help_for(text, self.model.zones.iter().map(|z| z.name.as_str()))
                    .unwrap_or_else(|| format!("declare it: `zone {text}`, or map the cell to a declared zone"));
                self.error(
                    Diagnostic::new(Code::UndeclaredZone, span, format!("zone `{text}` is not declared"))
                        .with_label("not declared")
                        .with_help(help),
                );
                return false;
            }
        };
        if !fits {
            self.error(
                Diagnostic::new(
                    Code::TypeMismatch,
                    span,
                    format!(
                        "`{field}` of `{kind}` is declared `{}`, but `{text}` is not one",
                        ty.as_str()
                    ),
                )
                .with_label(format!("not {}", article(ty)))
                .with_help(format!("give {} for `{field}`", article(ty))),
            );
        }
        fits
    }
}

/// A literal as the text a log cell would hold: `1`, `2.5`, `true`, the
/// text of a string, a name, a time as written.
fn literal_text(value: &Value) -> String {
    match value {
        Value::Text(text) => text.clone(),
        Value::Name(name) => name.clone(),
        Value::Time(stamp) => stamp.text(),
        other => other.to_string(),
    }
}

fn article(ty: Type) -> &'static str {
    match ty {
        Type::Int => "a whole number",
        Type::Number => "a number",
        Type::Text => "text",
        Type::Bool => "`true` or `false`",
        Type::Time => "a time with an offset",
        Type::Zone => "a declared zone",
        Type::Position => "a position, `(LAT, LON)`",
    }
}
