//! The checker of one unit: a root file and everything it includes.

use super::model::{Anchor, AnchorBase, Field, Kind, Model, Phase, PhaseEnd, Standard, Type, Zone};
use super::reference::{Reference, Target};
use super::suggest::help_for;
use super::uses::{Uses, unused};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{Node, Span};
use crate::syntax::ast::{self, Item};
use crate::time::{Calendar, LocalTimeError, Stamp};
use chrono::{DateTime, Datelike, Utc};
use std::collections::HashMap;

/// What checking one unit produced.
#[derive(Debug, Default)]
pub(crate) struct UnitCheck {
    pub model: Model,
    pub diagnostics: Vec<Diagnostic>,
    /// Declarations with the warning to give if no unit uses them.
    pub declared: Vec<super::uses::Unused>,
    /// Spans of the declarations some rule uses.
    pub used: Vec<Span>,
    /// Every name resolved, with what it means.
    pub references: Vec<Reference>,
}

/// Names in scope while checking a unit.
pub(crate) struct Checker<'a> {
    pub model: Model,
    pub diagnostics: Vec<Diagnostic>,
    /// How many of `diagnostics` are errors.
    pub errors: usize,
    pub zones: HashMap<&'a str, usize>,
    pub kinds: HashMap<&'a str, usize>,
    pub phases: HashMap<&'a str, usize>,
    pub rules: HashMap<&'a str, usize>,
    /// The syntax of each phase, by phase index.
    pub phase_syntax: Vec<&'a ast::PhaseDecl>,
    /// What is being used right now (a phase's anchors, or the rules).
    pub uses: Uses,
    /// `for each` variables in scope, how often each is used, and whether
    /// its type is unknown because its header had an error.
    pub vars: Vec<super::model::Var>,
    pub var_uses: Vec<usize>,
    pub var_poisoned: Vec<bool>,
    /// Every name resolved so far, with what it means.
    pub references: Vec<Reference>,
    /// Areas and lines by name, in `Model::places`.
    pub places: HashMap<&'a str, usize>,
    /// The shapes the unit's GeoJSON files gave, by the span of each path.
    pub loaded: &'a super::load::Places,
    /// Places and zones whose GeoJSON file gave no shape (already reported:
    /// their uses are not reported again).
    pub broken_places: std::collections::HashSet<String>,
}

/// Checks one unit: `trees` holds each of its files in order, root first.
pub(crate) fn check_unit<'a>(trees: &[&'a ast::File], loaded: &'a super::load::Places) -> UnitCheck {
    let mut checker = Checker {
        model: Model::default(),
        diagnostics: Vec::new(),
        errors: 0,
        zones: HashMap::new(),
        kinds: HashMap::new(),
        phases: HashMap::new(),
        rules: HashMap::new(),
        phase_syntax: Vec::new(),
        uses: Uses::default(),
        vars: Vec::new(),
        var_uses: Vec::new(),
        var_poisoned: Vec::new(),
        references: Vec::new(),
        places: HashMap::new(),
        loaded,
        broken_places: std::collections::HashSet::new(),
    };
    let mut rules = Vec::new();
    let mut tests = Vec::new();
    // The calendar first: every time written in the unit is read in it.
    checker.calendar(trees);
    for (index, tree) in trees.iter().enumerate() {
        checker.declare(tree, index == 0, &mut rules, &mut tests);
    }
    checker.sources(trees);
    let phase_uses = checker.resolve_phases();
    for (rule, span, standard) in rules {
        if let Some(rule) = checker.rule(rule, span, &standard) {
            checker.model.rules.push(rule);
        }
    }
    let rule_uses = std::mem::take(&mut checker.uses);
    for (test, span) in tests {
        if let Some(test) = checker.test(test, span) {
            checker.model.tests.push(test);
        }
    }
    let (declared, used) = unused(&checker.model, rule_uses, &phase_uses);
    UnitCheck {
        model: checker.model,
        diagnostics: checker.diagnostics,
        declared,
        used,
        references: checker.references,
    }
}

impl<'a> Checker<'a> {
    /// Reports a diagnostic (an error or, by its code, a warning).
    pub fn error(&mut self, diagnostic: Diagnostic) {
        self.errors += usize::from(diagnostic.is_error());
        self.diagnostics.push(diagnostic);
    }

    /// Notes that the name at `span` means `target`.
    pub fn refer(&mut self, span: Span, target: Target) {
        self.references.push(Reference { span, target });
    }

    /// How many errors (not warnings) have been reported so far.
    pub fn error_count(&self) -> usize {
        self.errors
    }

    /// The instant a time of the rule file names in the unit's calendar
    /// (LANGUAGE-v2 §10); an error for a local time without a calendar, or
    /// one the clocks skipped or showed twice.
    pub fn instant(&mut self, stamp: Stamp, span: Span) -> Option<DateTime<Utc>> {
        if let Stamp::Local(_) = stamp
            && self.model.calendar.is_none()
        {
            let text = stamp.text();
            self.error(
                Diagnostic::new(Code::TimeWithoutOffset, span, format!("the time `{text}` has no UTC offset"))
                    .with_label("no offset")
                    .with_help(format!(
                        "add `Z` for UTC or the local offset, as in `{text}Z` or `{text}+02:00`, or set the agreement's `calendar` (such as `calendar \"Europe/Kyiv\"`) to read it as local time"
                    )),
            );
            return None;
        }
        match stamp.resolve(self.model.days()) {
            Ok(t) if (1..=9999).contains(&t.year()) => Some(t),
            Ok(t) => {
                self.error(
                    Diagnostic::new(
                        Code::InvalidTimestamp,
                        span,
                        format!(
                            "`{}` falls in the year {} in UTC, out of range (1 to 9999)",
                            stamp.text(),
                            t.year()
                        ),
                    )
                    .with_label("out of range"),
                );
                None
            }
            Err(error) => {
                self.error(local_time_error(stamp, error, span));
                None
            }
        }
    }

    /// The unit's `calendar`, if a file of it sets one: at most one in a
    /// root file and its includes, an IANA zone name.
    fn calendar(&mut self, trees: &[&'a ast::File]) {
        let mut first: Option<Span> = None;
        for item in trees.iter().flat_map(|tree| &tree.items) {
            let Item::Calendar(name) = &item.node else {
                continue;
            };
            if let Some(first) = first {
                self.error(
                    Diagnostic::new(
                        Code::DuplicateCalendar,
                        item.span,
                        "a root file and its includes may set one calendar",
                    )
                    .with_label("second `calendar`")
                    .with_secondary(first, "first `calendar` here")
                    .with_help("keep one `calendar` line for the agreement; its days are counted in one zone"),
                );
                continue;
            }
            first = Some(item.span);
            match Calendar::named(&name.node) {
                Some(calendar) => self.model.calendar = Some(calendar),
                None => {
                    // Read local times as UTC meanwhile: one error, not one per time.
                    self.model.calendar = Some(Calendar::Utc);
                    let mut diagnostic = Diagnostic::new(
                        Code::UnknownCalendar,
                        name.span,
                        format!("`{}` is not a time zone of the IANA database", name.node),
                    )
                    .with_label("unknown time zone");
                    diagnostic = match suggest_zone(&name.node) {
                        Some(zone) => diagnostic.with_help(format!("did you mean `{zone}`?")),
                        None => diagnostic
                            .with_help("write a zone as `Area/City`, for example `Europe/Kyiv`, `Asia/Gaza` or `UTC`"),
                    };
                    self.error(diagnostic);
                }
            }
        }
    }

    /// Records the declarations of one file and collects its rules and tests.
    fn declare(
        &mut self,
        tree: &'a ast::File,
        is_root: bool,
        rules: &mut Vec<(&'a ast::Rule, Span, FileStandard)>,
        tests: &mut Vec<(&'a ast::Test, Span)>,
    ) {
        let mut agreement: Option<Span> = None;
        // The file's evidence standard reaches its rules wherever it stands
        // in the file; at most one.
        let mut standard: Option<(&'a Node<ast::Condition>, Span)> = None;
        for item in &tree.items {
            let Item::Evidence(condition) = &item.node else {
                continue;
            };
            match standard {
                Some((_, first)) => self.error(
                    Diagnostic::new(
                        Code::DuplicateEvidence,
                        item.span,
                        "a file may set its evidence standard only once",
                    )
                    .with_label("second `evidence`")
                    .with_secondary(first, "first `evidence` here")
                    .with_help("join the two with `and` or `or`, or give a rule its own `evidence` line"),
                ),
                None => standard = Some((condition, item.span)),
            }
        }
        // Checked once for the file; a standard with errors leaves its
        // rules unjudged (the errors are reported here, once).
        let standard: FileStandard = standard.map(|(condition, _)| self.standard(condition).ok_or(()));
        for item in &tree.items {
            match &item.node {
                Item::Agreement(title) => {
                    if let Some(first) = agreement {
                        self.error(
                            Diagnostic::new(
                                Code::DuplicateAgreement,
                                item.span,
                                "a file may name its agreement only once",
                            )
                            .with_label("second `agreement`")
                            .with_secondary(first, "first `agreement` here")
                            .with_help("keep one `agreement` line; put other agreements in their own files"),
                        );
                    } else {
                        agreement = Some(item.span);
                        if is_root {
                            self.model.agreement = Some(title.node.clone());
                        }
                    }
                }
                Item::Include(_) | Item::Evidence(_) | Item::Calendar(_) | Item::Source(_) | Item::Allow(..) => {}
                Item::Area(place) | Item::Line(place) => self.declare_place(place),
                Item::Zone(zone) => {
                    let first = self
                        .zones
                        .get(zone.name.node.as_str())
                        .map(|&i| self.model.zones[i].span);
                    self.refer(zone.name.span, Target::Zone(zone.name.node.clone()));
                    if self.unique("zone", &zone.name, first) {
                        self.zones.insert(&zone.name.node, self.model.zones.len());
                        let area = zone.area.as_ref().and_then(|path| self.shape_at(path));
                        if zone.area.is_some() && area.is_none() {
                            self.broken_places.insert(zone.name.node.clone());
                        }
                        self.model.zones.push(Zone {
                            name: zone.name.node.clone(),
                            display: zone.display.as_ref().map(|d| d.node.clone()),
                            span: zone.name.span,
                            area,
                        });
                    }
                }
                Item::Event(event) => {
                    let first = self
                        .kinds
                        .get(event.name.node.as_str())
                        .map(|&i| self.model.kinds[i].span);
                    self.refer(event.name.span, Target::Kind(event.name.node.clone()));
                    for field in &event.fields {
                        let target = Target::Field {
                            kind: event.name.node.clone(),
                            field: field.name.node.clone(),
                        };
                        self.refer(field.name.span, target);
                    }
                    if self.unique("event", &event.name, first) {
                        let kind = self.kind(event);
                        self.kinds.insert(&event.name.node, self.model.kinds.len());
                        self.model.kinds.push(kind);
                    }
                }
                Item::Phase(phase) => {
                    let first = self
                        .phases
                        .get(phase.name.node.as_str())
                        .map(|&i| self.model.phases[i].span);
                    self.refer(phase.name.span, Target::Phase(phase.name.node.clone()));
                    if self.unique("phase", &phase.name, first) {
                        self.phases.insert(&phase.name.node, self.model.phases.len());
                        self.phase_syntax.push(phase);
                        self.model.phases.push(Phase {
                            name: phase.name.node.clone(),
                            start: unresolved(phase.name.span),
                            end: PhaseEnd::For(crate::time::Duration::from_delta(chrono::TimeDelta::zero())),
                            span: phase.name.span,
                        });
                    }
                }
                Item::Rule(rule) => {
                    let first = self.rules.get(rule.id.node.as_str()).map(|&i| rules[i].0.id.span);
                    self.refer(rule.id.span, Target::Rule(rule.id.node.clone()));
                    match first {
                        Some(first) => self.error(duplicate("rule", &rule.id, first)),
                        None => {
                            self.rules.insert(&rule.id.node, rules.len());
                            rules.push((rule, item.span, standard.clone()));
                        }
                    }
                }
                Item::Test(test) => tests.push((test, item.span)),
            }
        }
    }

    /// Whether `name` is new in `index`; reports the duplicate if not.
    fn unique(&mut self, what: &str, name: &Node<String>, first: Option<Span>) -> bool {
        match first {
            Some(first) => {
                self.error(duplicate(what, name, first));
                false
            }
            None => true,
        }
    }

    /// An event declaration's fields, checked.
    fn kind(&mut self, event: &ast::EventDecl) -> Kind {
        let mut fields: Vec<Field> = Vec::new();
        for field in &event.fields {
            if let Some(first) = fields.iter().find(|f| f.name == field.name.node) {
                self.error(
                    Diagnostic::new(
                        Code::DuplicateField,
                        field.name.span,
                        format!(
                            "event `{}` declares the field `{}` twice",
                            event.name.node, field.name.node
                        ),
                    )
                    .with_label("declared again")
                    .with_secondary(first.span, "first declared here")
                    .with_help("remove one of the two"),
                );
                continue;
            }
            if matches!(field.name.node.as_str(), "time" | "kind") {
                self.error(
                    Diagnostic::new(
                        Code::ReservedField,
                        field.name.span,
                        format!("`{}` cannot be a field name", field.name.node),
                    )
                    .with_label("reserved")
                    .with_help(format!(
                        "every observation already has its `{}`; choose another name, such as `reported_{}`",
                        field.name.node, field.name.node
                    )),
                );
                continue;
            }
            let Some(ty) = self.field_type(&field.ty) else { continue };
            fields.push(Field {
                name: field.name.node.clone(),
                ty,
                span: field.name.span,
            });
        }
        Kind {
            name: event.name.node.clone(),
            fields,
            span: event.name.span,
        }
    }

    fn field_type(&mut self, ty: &Node<String>) -> Option<Type> {
        if let Some(t) = Type::ALL.into_iter().find(|t| t.as_str() == ty.node) {
            return Some(t);
        }
        let alias = match ty.node.to_lowercase().as_str() {
            "integer" | "i64" | "long" | "whole" => Some("int"),
            "float" | "decimal" | "double" | "real" | "f64" => Some("number"),
            "string" | "str" => Some("text"),
            "boolean" => Some("bool"),
            "timestamp" | "datetime" | "date" | "instant" => Some("time"),
            "region" | "area" | "location" => Some("zone"),
            _ => None,
        };
        let help = alias
            .map(|a| format!("did you mean `{a}`?"))
            .or_else(|| help_for(&ty.node, Type::ALL.iter().map(|t| t.as_str())))
            .unwrap_or_else(|| "the types are `int`, `number`, `text`, `bool`, `zone` and `time`".to_string());
        self.error(
            Diagnostic::new(Code::UnknownType, ty.span, format!("unknown type `{}`", ty.node))
                .with_label("not a type")
                .with_help(help),
        );
        None
    }
}

/// A duplicate declaration, labelling both places.
pub(crate) fn duplicate(what: &str, name: &Node<String>, first: Span) -> Diagnostic {
    Diagnostic::new(
        Code::DuplicateName,
        name.span,
        format!("{what} `{}` is declared twice", name.node),
    )
    .with_label("declared again here")
    .with_secondary(first, "first declared here")
    .with_help(format!("rename one of them or remove the second {what}"))
}

/// A stand-in for a phase start that is resolved later.
fn unresolved(span: Span) -> Anchor {
    Anchor {
        base: AnchorBase::Time(chrono::DateTime::UNIX_EPOCH),
        offset: chrono::TimeDelta::zero(),
        offset_days: 0,
        text: String::new(),
        span,
    }
}

/// A file's evidence standard, as its rules inherit it: none, the checked
/// standard, or `Err` when it has errors (already reported).
pub(crate) type FileStandard = Option<Result<Standard, ()>>;

/// The zone meant by a name that is not one: the same name in other case,
/// a zone whose city is the name (`Kyiv`), or the closest name.
pub(super) fn suggest_zone(name: &str) -> Option<&'static str> {
    let wanted = name.trim().replace(' ', "_").to_lowercase();
    let city = |zone: &str| zone.rsplit('/').next().unwrap_or(zone).to_lowercase();
    Calendar::names()
        .find(|zone| zone.to_lowercase() == wanted)
        .or_else(|| Calendar::names().find(|zone| zone.contains('/') && city(zone) == wanted))
        .or_else(|| super::suggest::did_you_mean(name, Calendar::names()))
        .or_else(|| {
            let cities: Vec<(String, &'static str)> = Calendar::names().map(|z| (city(z), z)).collect();
            super::suggest::did_you_mean(&wanted, cities.iter().map(|(c, _)| c.as_str()))
                .and_then(|c| cities.iter().find(|(city, _)| city == c).map(|(_, z)| *z))
        })
}

/// A local time the clocks skipped or showed twice, with both readings.
fn local_time_error(stamp: Stamp, error: LocalTimeError, span: Span) -> Diagnostic {
    let text = stamp.text();
    let with_offset = |t: DateTime<Utc>, calendar: Calendar| {
        let offset = calendar.offset_seconds(t);
        let sign = if offset < 0 { '-' } else { '+' };
        let offset = offset.unsigned_abs();
        format!("{text}{sign}{:02}:{:02}", offset / 3600, offset % 3600 / 60)
    };
    match error {
        LocalTimeError::Skipped { zone, before, after } => {
            let calendar = Calendar::named(zone).unwrap_or_default();
            Diagnostic::new(Code::LocalTimeNotOne, span, format!("`{text}` {error}"))
                .with_label("skipped by a summer-time change")
                .with_help(format!(
                    "write the offset meant: `{}` (the offset before the change: {}) or `{}` (the offset after it: {})",
                    with_offset(after, calendar),
                    crate::time::format_timestamp(before),
                    with_offset(before, calendar),
                    crate::time::format_timestamp(after),
                ))
        }
        LocalTimeError::Twice { zone, first, second } => {
            let calendar = Calendar::named(zone).unwrap_or_default();
            Diagnostic::new(Code::LocalTimeNotOne, span, format!("`{text}` {error}"))
                .with_label("shown twice by a summer-time change")
                .with_help(format!(
                    "write the offset meant: `{}` (the first time: {}) or `{}` (the second: {})",
                    with_offset(first, calendar),
                    crate::time::format_timestamp(first),
                    with_offset(second, calendar),
                    crate::time::format_timestamp(second),
                ))
        }
    }
}
