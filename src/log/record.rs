//! Turning a record's raw values into an observation typed by the event
//! declarations. Both log formats hand their records to this module.

use super::observation::{
    EcoString, Extent, FieldValue, Observation, Origin, Position, Provenance, SHARED_TEXTS, shared_text, text_value,
};
use super::problem::LogProblem;
use crate::check::Model;
use crate::check::model::{FieldId, KindId, Type, ZoneId};
use crate::diagnostic::Code;
use crate::number::whole;
use crate::time::{
    LastDay, LocalTimeError, LogTime, LogTimeError, TimestampError, format_timestamp, parse_log_time_after,
    parse_timestamp,
};
use chrono::{DateTime, Utc};
use rustc_hash::{FxHashMap, FxHashSet};
use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::Arc;

/// Where a source reads each target (LANGUAGE-v2 §11), so that a problem
/// with a value names its column.
pub(crate) trait Columns {
    /// The source's name.
    fn source_name(&self) -> &str;
    /// The column a target reads, if it reads one.
    fn column_of(&self, target: &str) -> Option<&str>;
}

/// A value as the log wrote it, before typing.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Raw<'a> {
    /// JSON `null` or an empty CSV cell: the field is absent.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A JSON whole number.
    Int(i64),
    /// A JSON number with a fraction or exponent, or beyond 64 bits: its
    /// literal as written, typed exactly when its field's type is known.
    Decimal(&'a str),
    /// A JSON string or a CSV cell.
    Text(Cow<'a, str>),
    /// A JSON array of strings (only `source` may be one); boxed so that
    /// the common values stay small.
    Texts(Box<[Cow<'a, str>]>),
    /// A JSON object, or an array of anything but strings, as written
    /// (a `position` field reads it; any other field ignores it).
    Nested(&'a str),
    /// A position a source read from its latitude and longitude columns
    /// (`(LAT, LON) ± RADIUS`), not yet checked to be in range.
    Point(Position),
}

/// Why a record is invalid, and which key is at fault.
#[derive(Debug)]
pub(crate) struct RecordError {
    pub code: Code,
    pub message: String,
    pub help: Option<String>,
    /// The key whose value is wrong (`None`: the record as a whole).
    pub key: Option<String>,
}

/// Something worth a warning in an otherwise valid record.
#[derive(Debug, PartialEq)]
pub(crate) enum Remark {
    /// A `zone` field naming no declared zone.
    UnknownZone { field: String, value: String },
    /// An object or array, ignored.
    Nested { field: String },
}

/// One field's key and value.
type Entry<'a> = (Cow<'a, str>, Raw<'a>);

/// A record with its raw values, as a reader found it.
#[derive(Debug, Default)]
pub(crate) struct RawRecord<'a> {
    pub time: Option<Raw<'a>>,
    /// The end of a source's `A .. B` time (LANGUAGE-v2 §11): `time` is `A`.
    pub time_end: Option<Raw<'a>>,
    pub kind: Option<Raw<'a>>,
    /// The other keys and their values, in the order given. Nearly every
    /// record only borrows from its line, so the entries are not dropped one
    /// by one when the record is emptied: only if `owned` says some entry
    /// owns text, which is then dropped (emptying a record was 4 % of the
    /// time on an exact CSV log). A `Vec`, not a `SmallVec`: the storage is
    /// reused from record to record anyway, and `SmallVec::push` was not
    /// inlined, so every entry went through the stack to it and its load
    /// stalled on a store-to-load forward (4 % of a JSON Lines run).
    fields: Vec<std::mem::ManuallyDrop<Entry<'a>>>,
    /// Whether some entry of `fields` owns its key or text.
    owned: bool,
    /// `time` or `kind` given twice: the record is invalid, not read with
    /// one of the two values.
    pub duplicate: Option<&'static str>,
}

impl Drop for RawRecord<'_> {
    fn drop(&mut self) {
        self.clear_fields();
    }
}

impl<'a> Raw<'a> {
    /// Whether the value owns text (dropping it frees memory).
    fn owns(&self) -> bool {
        matches!(self, Raw::Text(Cow::Owned(_)) | Raw::Texts(_))
    }
}

impl<'a> RawRecord<'a> {
    /// Empties the record for the next one, keeping its storage.
    pub fn clear(&mut self) {
        self.time = None;
        self.time_end = None;
        self.kind = None;
        self.clear_fields();
        self.duplicate = None;
    }

    fn clear_fields(&mut self) {
        if self.owned {
            for entry in self.fields.drain(..) {
                drop(std::mem::ManuallyDrop::into_inner(entry));
            }
            self.owned = false;
        } else {
            // Nothing to drop: borrowed keys and values, numbers.
            self.fields.clear();
        }
    }

    /// How many values it holds: `time`, `kind` and the fields given.
    pub fn values(&self) -> usize {
        self.fields.len() + usize::from(self.time.is_some()) + usize::from(self.kind.is_some())
    }

    /// The fields other than `time` and `kind`, in the order given.
    #[inline]
    pub fn fields(&self) -> impl Iterator<Item = (&Cow<'a, str>, &Raw<'a>)> + Clone {
        self.fields.iter().map(|e| (&e.0, &e.1))
    }

    /// Adds a field other than `time` and `kind`.
    #[inline]
    pub fn push(&mut self, key: Cow<'a, str>, value: Raw<'a>) {
        self.owned |= matches!(key, Cow::Owned(_)) || value.owns();
        self.fields.push(std::mem::ManuallyDrop::new((key, value)));
    }

    /// Adds a field other than `time` and `kind` with a borrowed key, its
    /// value `Raw::Null` until the caller writes the value read into the
    /// place returned (which must own no text: `owned` is not updated).
    /// Inlined, and given the key as a plain `&str`: a key passed to a call
    /// went through the stack and stalled on a store-to-load forward.
    #[inline(always)]
    pub fn push_slot(&mut self, key: &'a str) -> &mut Raw<'a> {
        self.fields
            .push(std::mem::ManuallyDrop::new((Cow::Borrowed(key), Raw::Null)));
        let last = self.fields.len() - 1;
        &mut self.fields[last].1
    }

    /// Sets a key's value: `time`, `kind` or a field.
    #[inline]
    pub fn set(&mut self, key: Cow<'a, str>, value: Raw<'a>) {
        let slot = match key.as_ref() {
            "time" => (&mut self.time, "time"),
            "kind" => (&mut self.kind, "kind"),
            _ => {
                self.push(key, value);
                return;
            }
        };
        if slot.0.is_some() {
            self.duplicate.get_or_insert(slot.1);
        }
        *slot.0 = Some(value);
    }
}

/// What parsing and typing one record gave.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// A record that can be judged (or counted, if its kind is not declared).
    Valid(Valid),
    /// A record that cannot be read.
    Invalid(LogProblem),
    /// A problem with the whole file, which is not a record.
    FileError(LogProblem),
    /// Records that cannot be read because of a file error: how many, counted under this code.
    Unreadable(Code, u64),
    /// A record a source's map sent to `skip`: the index of the target in the source.
    Skipped(usize),
}

/// A valid record. Outcomes are moved from thread to thread a million
/// times over, so the rare parts are boxed and the common case stays small.
#[derive(Debug)]
pub(crate) struct Valid {
    /// The typed observation: its time and origin always; its kind and
    /// fields only for a declared kind.
    pub observation: Observation,
    /// The record's bytes within its chunk.
    pub text: std::ops::Range<usize>,
    /// An undeclared kind, an `id`, remarks: rare, so kept apart.
    pub extra: Option<Box<Extra>>,
    /// Which parts of which rules the observation concerns, worked out on
    /// the worker that typed it when the reader is given a [`Route`].
    pub routes: Routes,
}

impl Valid {
    /// Makes this outcome blank again for a record at `text`, in place:
    /// what it held is dropped as it is overwritten.
    #[inline(always)]
    fn reset(&mut self, text: std::ops::Range<usize>) {
        let o = &mut self.observation;
        o.time = DateTime::UNIX_EPOCH;
        o.extent = None;
        o.kind = KindId(0);
        o.declared.clear();
        o.origin = Origin {
            file: 0,
            line: 0,
            offset: 0,
        };
        self.text = text;
        self.extra = None;
        self.routes = Routes::NONE;
    }
}

/// A chunk's list of outcomes as a parser fills it. The list comes back
/// from the thread that took its outcomes still holding them: each is
/// overwritten in place as the next outcome is pushed (a valid record's
/// made blank field by field, its old values dropped as they are
/// overwritten), so the list is walked once per chunk, not once to
/// clear it and again to fill it, and no blank outcome is built apart
/// and copied in. Outcomes not overwritten are dropped when the fill is.
///
/// With a [`Route`], each valid outcome of a declared kind is routed as
/// soon as the next is pushed (or the fill ends), while it is still in
/// the cache: routing the list in a pass of its own, once the chunk was
/// parsed, read each outcome back from memory.
pub(crate) struct Fill<'a> {
    list: &'a mut Vec<Outcome>,
    /// How many outcomes have been pushed: `list[..len]`.
    len: usize,
    route: Option<&'a dyn Route>,
    /// How many of the outcomes pushed have been routed.
    routed: usize,
}

impl<'a> Fill<'a> {
    /// Fills `list` from its start.
    pub fn over(list: &'a mut Vec<Outcome>) -> Self {
        Fill::routing(list, None)
    }

    /// Fills `list` from its start, routing its outcomes by `route`.
    pub fn routing(list: &'a mut Vec<Outcome>, route: Option<&'a dyn Route>) -> Self {
        Fill {
            list,
            len: 0,
            route,
            routed: 0,
        }
    }

    /// Routes the outcomes pushed since the last call: they are final.
    #[inline(always)]
    fn route_pushed(&mut self) {
        let Some(route) = self.route else { return };
        while self.routed < self.len {
            if let Some(Outcome::Valid(valid)) = self.list.get_mut(self.routed)
                && valid.extra.as_ref().is_none_or(|e| e.undeclared.is_none())
            {
                valid.routes = route.route(&valid.observation);
            }
            self.routed += 1;
        }
    }

    /// The outcomes pushed.
    pub fn pushed(&self) -> &[Outcome] {
        self.list.get(..self.len).unwrap_or_default()
    }

    /// Pushes an outcome.
    pub fn push(&mut self, outcome: Outcome) {
        self.route_pushed();
        match self.list.get_mut(self.len) {
            Some(slot) => *slot = outcome,
            None => self.list.push(outcome),
        }
        self.len += 1;
    }

    /// Pushes the outcome of a blank observation, to be typed in place,
    /// and gives it back (an outcome built apart and moved in was copied
    /// with wide loads right after the narrow stores that built it, which
    /// stall on a store-to-load forward).
    #[inline(always)]
    pub fn push_blank(&mut self, text: std::ops::Range<usize>) -> Option<&mut Valid> {
        self.route_pushed();
        match self.list.get_mut(self.len) {
            Some(Outcome::Valid(valid)) => valid.reset(text),
            _ => self.push_new_blank(text),
        }
        self.len += 1;
        match self.list.get_mut(self.len - 1) {
            Some(Outcome::Valid(valid)) => Some(valid),
            _ => None,
        }
    }

    /// Puts a new blank outcome at `len` (not yet counted).
    #[inline(never)]
    fn push_new_blank(&mut self, text: std::ops::Range<usize>) {
        let blank = Outcome::Valid(Valid {
            observation: Observation::blank(),
            text,
            extra: None,
            routes: Routes::NONE,
        });
        match self.list.get_mut(self.len) {
            Some(slot) => *slot = blank,
            None => self.list.push(blank),
        }
    }

    /// Takes back the last outcome pushed.
    pub fn pop(&mut self) -> Option<Outcome> {
        let last = self.len.checked_sub(1)?;
        self.len = last;
        self.routed = self.routed.min(last);
        // What was left from the list's last use stands in for it.
        Some(self.list.swap_remove(last))
    }

    /// The last outcome pushed.
    pub fn last(&self) -> Option<&Outcome> {
        self.pushed().last()
    }

    /// The last outcome pushed, to change.
    pub fn last_mut(&mut self) -> Option<&mut Outcome> {
        let len = self.len;
        self.list.get_mut(..len).and_then(|l| l.last_mut())
    }
}

impl Drop for Fill<'_> {
    /// Routes the last outcomes pushed, and drops those left from the
    /// list's last use.
    fn drop(&mut self) {
        self.route_pushed();
        self.list.truncate(self.len);
    }
}

/// The parts of the rules an observation concerns, as a [`Route`] numbers
/// them: up to three, each in 32 bits, or none worked out (the judge then
/// works them out itself).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Routes {
    hits: [u32; 3],
    /// How many of `hits` are used; [`Routes::NONE`] when not worked out.
    len: u8,
}

impl Default for Routes {
    fn default() -> Self {
        Routes::NONE
    }
}

impl Routes {
    /// Not worked out.
    pub const NONE: Routes = Routes {
        hits: [0; 3],
        len: u8::MAX,
    };

    /// Worked out, and none yet.
    pub const EMPTY: Routes = Routes { hits: [0; 3], len: 0 };

    /// Adds one; `false` (and no longer worked out) if there is no room.
    #[inline]
    pub fn push(&mut self, hit: u32) -> bool {
        match self.hits.get_mut(usize::from(self.len)) {
            Some(slot) => {
                *slot = hit;
                self.len += 1;
                true
            }
            None => {
                *self = Routes::NONE;
                false
            }
        }
    }

    /// Puts the routes in ascending order.
    pub fn sort(&mut self) {
        if let Some(hits) = self.hits.get_mut(..usize::from(self.len)) {
            hits.sort_unstable();
        }
    }

    /// The routes, if they were worked out.
    #[inline]
    pub fn get(&self) -> Option<&[u32]> {
        self.hits.get(..usize::from(self.len))
    }
}

/// Work done for the sink on each valid observation of a declared kind,
/// on the worker that typed it: which parts of which rules it concerns
/// (the judge's dispatch, which so runs beside the parsing rather than on
/// the thread that judges).
pub(crate) trait Route: Sync {
    /// The routes of `o`, or [`Routes::NONE`] to leave them to the sink.
    fn route(&self, o: &Observation) -> Routes;
}

/// The outcome of a valid record of a declared kind, for tests.
#[cfg(test)]
pub(crate) fn valid_outcome(observation: Observation) -> Outcome {
    Outcome::Valid(Valid {
        observation,
        text: 0..0,
        extra: None,
        routes: Routes::NONE,
    })
}

/// The rarer facts of a valid record.
#[derive(Debug, Default)]
pub(crate) struct Extra {
    /// The kind's name, if no declaration names it.
    pub undeclared: Option<String>,
    /// The record's `id`, if it has one.
    pub id: Option<String>,
    pub remarks: Vec<Remark>,
}

/// Looks up kinds, fields and zones of a model for typing records.
pub(crate) struct Typer<'m> {
    model: &'m Model,
    kinds: FxHashMap<&'m str, KindId>,
    zones: FxHashMap<&'m str, ZoneId>,
    /// Text values seen, so that repeated text is stored once.
    texts: RefCell<FxHashSet<EcoString>>,
    /// Sources, status and unknown zones' names seen, stored once.
    names: RefCell<FxHashSet<Arc<str>>>,
    /// Whether sources and status are read: only some rule's evidence
    /// standard looks at them.
    provenance: bool,
    /// Sources and status seen, stored once.
    provenances: RefCell<FxHashSet<Arc<Provenance>>>,
    /// The extent of the latest record typed with a range or sources, for
    /// the next to share (see [`Observation::set_extent_shared`]).
    extent: RefCell<Option<Arc<Extent>>>,
    /// The calendar local dates and times are read in: the source's, else
    /// the unit's (LANGUAGE-v2 §10, §11).
    calendar: Option<crate::time::Calendar>,
    /// The date of the latest time read.
    last_day: LastDay,
}

/// Which declared field each column of a CSV header fills, kind by kind,
/// worked out once per file so that a record's cells are typed without
/// looking up their names (see [`Typer::by_columns`]).
#[derive(Debug)]
pub(crate) struct ColumnPlan {
    /// Per kind: the field each column fills, or `None` for a kind whose
    /// records are typed the general way (two columns fill one field).
    kinds: Vec<Option<Box<[Option<FieldId>]>>>,
    /// Whether any record is typed by column: not when the header has an
    /// `id` column (an observation's `id` is kept apart) or some rule reads
    /// sources and status.
    any: bool,
    /// The columns of `time` and `kind`.
    time: usize,
    kind: usize,
}

impl ColumnPlan {
    /// A plan that types no record by column, for tests comparing the two ways.
    #[cfg(test)]
    pub fn none() -> Self {
        ColumnPlan {
            kinds: Vec::new(),
            any: false,
            time: 0,
            kind: 0,
        }
    }

    /// The plan of a header's `names`, with `time` and `kind` at those columns.
    pub fn new(model: &Model, names: &[String], time: usize, kind: usize) -> Self {
        let kinds = model
            .kinds
            .iter()
            .map(|declaration| {
                let fields: Box<[Option<FieldId>]> = names
                    .iter()
                    .enumerate()
                    .map(|(i, name)| {
                        if i == time || i == kind {
                            None
                        } else {
                            declaration.field(name)
                        }
                    })
                    .collect();
                let mut filled = FxHashSet::default();
                fields.iter().flatten().all(|f| filled.insert(f.0)).then_some(fields)
            })
            .collect();
        ColumnPlan {
            kinds,
            any: !model.has_evidence_standards() && !names.iter().any(|n| n == "id"),
            time,
            kind,
        }
    }
}

/// What typing a record found its kind to be.
#[derive(Debug, PartialEq)]
pub(crate) enum Kind<'a> {
    /// A declared kind: the observation is filled in.
    Declared,
    /// A kind no declaration names.
    Undeclared(Cow<'a, str>),
}

impl<'m> Typer<'m> {
    /// A typer for the model's declarations.
    pub fn new(model: &'m Model) -> Self {
        let kinds = model
            .kinds
            .iter()
            .enumerate()
            .map(|(i, k)| (k.name.as_str(), KindId(i as u32)))
            .collect();
        let zones = model
            .zones
            .iter()
            .enumerate()
            .map(|(i, z)| (z.name.as_str(), ZoneId(i as u32)))
            .collect();
        Typer {
            model,
            kinds,
            zones,
            texts: RefCell::new(FxHashSet::default()),
            names: RefCell::new(FxHashSet::default()),
            provenance: model.has_evidence_standards(),
            provenances: RefCell::new(FxHashSet::default()),
            extent: RefCell::new(None),
            calendar: model.calendar,
            last_day: LastDay::default(),
        }
    }

    /// The [`ColumnPlan`] of a CSV header for this typer's declarations.
    pub fn column_plan(&self, names: &[String], time: usize, kind: usize) -> ColumnPlan {
        ColumnPlan::new(self.model, names, time, kind)
    }

    /// A typer that reads local dates and times in `calendar` (a source's own).
    pub fn with_calendar(mut self, calendar: Option<crate::time::Calendar>) -> Self {
        if calendar.is_some() {
            self.calendar = calendar;
        }
        self
    }

    /// The outcome of a record whose raw values were read: `text` gives the
    /// record (at `range` in its chunk), needed only for a problem, and
    /// `locate` finds a key's value in it. For a record read through a
    /// `source`, a problem names the column its value came from.
    #[allow(clippy::too_many_arguments)]
    pub fn outcome<'t>(
        &self,
        raw: &RawRecord,
        origin: Origin,
        range: std::ops::Range<usize>,
        text: &dyn Fn() -> Cow<'t, str>,
        file: &str,
        locate: &dyn Fn(&str) -> std::ops::Range<usize>,
        source: Option<&dyn Columns>,
    ) -> Outcome {
        let mut observation = Observation::blank();
        observation.origin = origin;
        match self.typed_record(raw, origin, &mut observation) {
            Ok(extra) => Outcome::Valid(Valid {
                observation,
                text: range,
                extra,
                routes: Routes::NONE,
            }),
            Err(error) => Outcome::Invalid(problem(error, origin, (text, file, locate), source)),
        }
    }

    /// [`Typer::outcome`] for a record read without a source, pushed onto
    /// `out` with its observation typed in place: an outcome built apart
    /// and moved in was copied with wide loads right after the narrow
    /// stores that built it, which stall on a store-to-load forward.
    pub fn outcome_into<'t>(
        &self,
        raw: &RawRecord,
        (origin, range): (Origin, std::ops::Range<usize>),
        text: &dyn Fn() -> Cow<'t, str>,
        file: &str,
        locate: &dyn Fn(&str) -> std::ops::Range<usize>,
        out: &mut Fill<'_>,
    ) {
        let Some(valid) = out.push_blank(range) else {
            return;
        };
        valid.observation.origin = origin;
        match self.typed_record(raw, origin, &mut valid.observation) {
            Ok(extra) => valid.extra = extra,
            Err(error) => {
                let problem = problem(error, origin, (text, file, locate), None);
                if let Some(last) = out.last_mut() {
                    *last = Outcome::Invalid(problem);
                }
            }
        }
    }

    /// Types a record's raw values into `observation`, with what a valid
    /// record has beside them (an undeclared kind, an id, remarks).
    #[inline(always)]
    fn typed_record(
        &self,
        raw: &RawRecord,
        origin: Origin,
        observation: &mut Observation,
    ) -> Result<Option<Box<Extra>>, RecordError> {
        let id = raw.fields().find(|(k, _)| *k == "id").and_then(|(_, v)| match v {
            Raw::Text(t) => Some(t.to_string()),
            Raw::Int(n) => Some(n.to_string()),
            _ => None,
        });
        let mut remarks = Vec::new();
        let kind = self.observation(raw, origin, observation, &mut remarks)?;
        let undeclared = match kind {
            Kind::Declared => None,
            Kind::Undeclared(name) => Some(name.into_owned()),
        };
        Ok((undeclared.is_some() || id.is_some() || !remarks.is_empty()).then(|| {
            Box::new(Extra {
                undeclared,
                id,
                remarks,
            })
        }))
    }

    /// Pushes the outcome of a CSV row of `cells` onto `out` when it is a
    /// valid record of a declared kind at an instant, typed column by column
    /// as `plan` says (no name looked up, no record of raw values built) and
    /// in place (an outcome built apart and moved in stalled the processor,
    /// see [`Typer::outcome_into`]); `false`, pushing nothing, for anything
    /// else (a range, an undeclared kind, a value that does not fit...),
    /// which [`Typer::outcome`] then types and says what is wrong with. The
    /// outcome is the one `outcome` makes of the same row, as a property
    /// test checks.
    #[inline]
    pub fn by_columns(
        &self,
        plan: &ColumnPlan,
        cells: &[&str],
        origin: Origin,
        range: std::ops::Range<usize>,
        out: &mut Fill<'_>,
    ) -> bool {
        if !plan.any {
            return false;
        }
        let Some(time) = cells.get(plan.time).and_then(|t| self.instant(t)) else {
            return false;
        };
        let Some(kind) = cells.get(plan.kind).and_then(|k| self.kind_id(k)) else {
            return false;
        };
        let Some(fields) = plan.kinds[kind.0 as usize].as_deref() else {
            return false;
        };
        let Some(valid) = out.push_blank(range) else {
            return false;
        };
        let observation = &mut valid.observation;
        observation.set_time(time, None);
        observation.kind = kind;
        observation.origin = origin;
        let declaration = &self.model.kinds[kind.0 as usize];
        observation.declared = crate::log::observation::no_fields(declaration.fields.len());
        let mut remarks = Vec::new();
        for (cell, field) in cells.iter().zip(fields) {
            if let Some(field) = field
                && !cell.is_empty()
            {
                // The column's name is the field's.
                let declared = &declaration.fields[field.0 as usize];
                let slot = &mut observation.declared[field.0 as usize];
                // The common cells typed at once, as `typed` types them.
                match declared.ty {
                    Type::Int if let Some(n) = plain_int(cell) => *slot = Some(FieldValue::Int(n)),
                    Type::Text => *slot = Some(FieldValue::Text(self.text(cell))),
                    ty => {
                        let value = Raw::Text(Cow::Borrowed(cell));
                        if self
                            .typed(ty, (&declared.name, &value), &declaration.name, &mut remarks, slot)
                            .is_err()
                        {
                            out.pop();
                            return false;
                        }
                    }
                }
            }
        }
        if !remarks.is_empty() {
            valid.extra = Some(Box::new(Extra {
                remarks,
                ..Extra::default()
            }));
        }
        true
    }

    /// Types a record into `out` (reusing its storage), noting remarks for warnings.
    pub fn observation<'a>(
        &self,
        raw: &RawRecord<'a>,
        origin: Origin,
        out: &mut Observation,
        remarks: &mut Vec<Remark>,
    ) -> Result<Kind<'a>, RecordError> {
        if let Some(key) = raw.duplicate {
            return Err(twice(key));
        }
        let time = match &raw.time {
            None | Some(Raw::Null) => {
                return Err(error(Code::MissingTime, "the record has no `time`", None)
                    .help("every record needs a `time` such as `\"2025-01-25T12:00:00Z\"`"));
            }
            Some(Raw::Text(text)) => match match &raw.time_end {
                Some(Raw::Text(end)) => crate::time::parse_log_span(text, end, self.calendar),
                _ => parse_log_time_after(text, self.calendar, &self.last_day),
            } {
                Ok(t) => t,
                Err(LogTimeError::Backwards { start, end }) => {
                    return Err(error(
                        Code::BackwardsTimeRange,
                        match &raw.time_end {
                            Some(Raw::Text(until)) => format!("the time range from `{text}` to `{until}` ends at {end}, which is not after its start {start}"),
                            _ => format!("the time range `{text}` ends at {end}, which is not after its start {start}"),
                        },
                        Some("time"),
                    )
                    .help("write the earlier end first, as in `2025-01-25/2025-01-27`; a range must last some time"));
                }
                Err(LogTimeError::Invalid(TimestampError::NoOffset)) => {
                    return Err(error(
                        Code::LogTimeWithoutOffset,
                        format!("the time `{text}` has no UTC offset"),
                        Some("time"),
                    )
                    .help(format!(
                        "add `Z` for UTC or the local offset, as in `{text}Z` or `{text}+02:00`, or set a `calendar` in the rules to read it as local time"
                    )));
                }
                Err(LogTimeError::Local(local)) => {
                    let (message, readings) = match local {
                        LocalTimeError::Skipped { before, after, .. } => ("never showed", (after, before)),
                        LocalTimeError::Twice { first, second, .. } => ("showed twice", (first, second)),
                    };
                    return Err(error(
                        Code::LogLocalTimeNotOne,
                        format!(
                            "the local time in `{text}` {message} in {}: {local}",
                            self.calendar.unwrap_or_default()
                        ),
                        Some("time"),
                    )
                    .help(format!(
                        "write the time with its offset; it may mean {} or {}",
                        format_timestamp(readings.0),
                        format_timestamp(readings.1)
                    )));
                }
                Err(LogTimeError::Invalid(e)) => {
                    let written = match &raw.time_end {
                        Some(Raw::Text(end)) => format!("`{text}` .. `{end}`"),
                        _ => format!("`{text}`"),
                    };
                    return Err(error(Code::InvalidTime, format!("{written} is not a valid time: {e}"), Some("time"))
                        .help("write RFC 3339 with an offset (`2025-01-25T12:00:00Z`), a date (`2025-01-25`, the whole day), a month (`2025-01`) or a range (`2025-01-25/2025-01-27`)"));
                }
            },
            Some(other) => {
                return Err(error(
                    Code::InvalidTime,
                    format!("`time` must be text, not {}", describe(other)),
                    Some("time"),
                )
                .help("write the time as a string, as in `\"2025-01-25T12:00:00Z\"`"));
            }
        };
        // The declared kind, or the name of an undeclared one.
        let kind = match &raw.kind {
            None | Some(Raw::Null) => {
                return Err(error(Code::MissingKind, "the record has no `kind`", None)
                    .help("every record needs a `kind` naming the event, such as `\"release\"`"));
            }
            Some(Raw::Text(text)) => match self.kinds.get(text.as_ref()) {
                Some(&kind) => Ok(kind),
                None if is_name(text) => Err(text.clone()),
                None => {
                    return Err(error(Code::InvalidKind, format!("the kind `{text}` is not a name"), Some("kind"))
                        .help("kinds are names such as `release` or `aid_convoy`: letters, digits and `_`, not starting with a digit"));
                }
            },
            Some(other) => {
                return Err(error(
                    Code::InvalidKind,
                    format!("`kind` must be text, not {}", describe(other)),
                    Some("kind"),
                )
                .help("write the kind as a string, as in `\"release\"`"));
            }
        };
        // A nested value is no value of a declared field (a warning);
        // `source` may be a list of texts.
        let nested = |key: &str, value: &Raw| match value {
            Raw::Nested(_) => true,
            Raw::Texts(_) => key != "source",
            _ => false,
        };
        if kind.is_err() {
            for (key, value) in raw.fields() {
                if nested(key, value) {
                    remarks.push(Remark::Nested { field: key.to_string() });
                }
            }
        }
        let provenance = if self.provenance { self.provenance(raw) } else { None };
        match (time.end, provenance) {
            // An instant without sources: what an exact log's records are.
            (None, None) => {
                out.set_time(time.start, None);
                out.set_provenance(None);
            }
            (end, provenance) => out.set_extent_shared(time.start, end, provenance, &mut self.extent.borrow_mut()),
        }
        let kind = match kind {
            Ok(kind) => kind,
            Err(name) => return Ok(Kind::Undeclared(name)),
        };
        let declaration = &self.model.kinds[kind.0 as usize];
        out.kind = kind;
        out.origin = origin;
        out.declared = crate::log::observation::no_fields(declaration.fields.len());
        for (key, value) in raw.fields() {
            if matches!(value, Raw::Null | Raw::Nested(_) | Raw::Texts(_)) {
                let position = || {
                    declaration
                        .field(key)
                        .is_some_and(|f| declaration.fields[f.0 as usize].ty == Type::Position)
                };
                if matches!(value, Raw::Nested(_)) && position() {
                    let field = declaration.field(key).expect("a position field");
                    let slot = &mut out.declared[field.0 as usize];
                    if slot.is_some() {
                        return Err(twice(key));
                    }
                    self.typed(Type::Position, (key, value), &declaration.name, remarks, slot)?;
                    continue;
                }
                if nested(key, value) {
                    remarks.push(Remark::Nested { field: key.to_string() });
                }
                if !matches!(value, Raw::Texts(_)) || key == "source" {
                    continue;
                }
            }
            if let Some(field) = declaration.field(key) {
                let ty = declaration.fields[field.0 as usize].ty;
                let slot = &mut out.declared[field.0 as usize];
                if slot.is_some() {
                    return Err(twice(key));
                }
                self.typed(ty, (key, value), &declaration.name, remarks, slot)?;
            }
        }
        Ok(Kind::Declared)
    }

    /// The record's sources and status (LANGUAGE-v2 §9.2), shared with
    /// earlier records that gave the same while there is room.
    fn provenance(&self, raw: &RawRecord) -> Option<Arc<Provenance>> {
        let mut found = Provenance::default();
        let mut add = |text: &str| {
            let text = text.trim();
            if !text.is_empty() && !found.sources.iter().any(|s| s.as_ref() == text) {
                found.sources.push(self.shared(text));
            }
        };
        for (key, value) in raw.fields() {
            match (key.as_ref(), value) {
                ("source", Raw::Text(t)) => add(t),
                ("source", Raw::Texts(list)) => list.iter().for_each(|t| add(t)),
                ("status", Raw::Text(t)) => found.status = Some(self.shared(t)),
                ("status", Raw::Int(n)) => found.status = Some(self.shared(&n.to_string())),
                ("status", Raw::Decimal(t)) => found.status = Some(self.shared(t)),
                ("status", Raw::Bool(b)) => found.status = Some(self.shared(&b.to_string())),
                _ => {}
            }
        }
        if found.sources.is_empty() && found.status.is_none() {
            return None;
        }
        let mut shared = self.provenances.borrow_mut();
        if let Some(p) = shared.get(&found) {
            return Some(p.clone());
        }
        let new = Arc::new(found);
        if shared.len() < SHARED_TEXTS {
            shared.insert(new.clone());
        }
        Some(new)
    }

    /// Whether records may be typed by their shape (see
    /// `format::jsonl::shape`): not when some rule reads sources and status.
    pub fn types_by_shape(&self) -> bool {
        !self.provenance
    }

    /// The declared kind of this name.
    #[inline]
    pub fn kind_id(&self, name: &str) -> Option<KindId> {
        self.kinds.get(name).copied()
    }

    /// The model whose declarations this typer reads.
    pub fn model(&self) -> &'m Model {
        self.model
    }

    /// The instant a record's `time` of this text gives (as
    /// [`Typer::observation`] reads it); `None` for a range or anything it
    /// would not read.
    #[inline]
    pub fn instant(&self, text: &str) -> Option<DateTime<Utc>> {
        match parse_log_time_after(text, self.calendar, &self.last_day) {
            Ok(LogTime { start, end: None }) => Some(start),
            _ => None,
        }
    }

    /// Text of a `text` field, as [`Typer::observation`] keeps it.
    #[inline]
    pub fn text_value(&self, text: &str) -> FieldValue {
        FieldValue::Text(self.text(text))
    }

    /// Types the value of a declared field of `kind` into `slot`, as
    /// [`Typer::observation`] does; `None` if the value does not fit the
    /// field or is worth a warning (the record is then typed the general
    /// way, which says so).
    #[inline]
    pub fn field_value(&self, kind: KindId, field: FieldId, value: &Raw, slot: &mut Option<FieldValue>) -> Option<()> {
        let declaration = &self.model.kinds[kind.0 as usize];
        let declared = &declaration.fields[field.0 as usize];
        let mut remarks = Vec::new();
        self.typed(
            declared.ty,
            (&declared.name, value),
            &declaration.name,
            &mut remarks,
            slot,
        )
        .ok()?;
        remarks.is_empty().then_some(())
    }

    /// A text value (see [`text_value`]).
    fn text(&self, text: &str) -> EcoString {
        text_value(&mut self.texts.borrow_mut(), text)
    }

    /// Text kept as `Arc<str>` (sources, status, names of unknown zones),
    /// shared with earlier equal text while there is room.
    fn shared(&self, text: &str) -> Arc<str> {
        shared_text(&mut self.names.borrow_mut(), text)
    }

    /// A value for a declared field of type `ty`, written into `out` (a
    /// value returned from a call came back through the stack, and its
    /// load stalled on a store-to-load forward on every field).
    fn typed(
        &self,
        ty: Type,
        (key, value): (&str, &Raw),
        kind: &str,
        remarks: &mut Vec<Remark>,
        out: &mut Option<FieldValue>,
    ) -> Result<(), RecordError> {
        let text = match value {
            Raw::Text(t) => Some(trim(t)),
            _ => None,
        };
        let typed = match (ty, value) {
            (Type::Int, Raw::Int(n)) => Some(FieldValue::Int(*n)),
            (Type::Int, Raw::Text(_)) => text.and_then(|t| t.parse().ok()).map(FieldValue::Int),
            (Type::Number, Raw::Int(n)) => Some(FieldValue::Number(whole(*n))),
            (Type::Number, Raw::Decimal(literal)) => crate::number::parse(literal).map(FieldValue::Number),
            (Type::Number, Raw::Text(_)) => text.and_then(crate::number::parse).map(FieldValue::Number),
            (Type::Text, Raw::Text(t)) => Some(FieldValue::Text(self.text(t))),
            (Type::Text, Raw::Int(n)) => Some(FieldValue::Text(self.text(&n.to_string()))),
            (Type::Text, Raw::Decimal(literal)) => Some(FieldValue::Text(self.text(literal))),
            (Type::Text, Raw::Bool(b)) => Some(FieldValue::Text(self.text(&b.to_string()))),
            (Type::Bool, Raw::Bool(b)) => Some(FieldValue::Bool(*b)),
            (Type::Bool, Raw::Text(_)) => match text {
                Some("true") => Some(FieldValue::Bool(true)),
                Some("false") => Some(FieldValue::Bool(false)),
                _ => None,
            },
            (Type::Position, Raw::Nested(json)) => position(json).map(|p| FieldValue::Position(Box::new(p))),
            (Type::Position, Raw::Point(p)) => {
                Position::new(p.lat, p.lon, p.radius_m).map(|p| FieldValue::Position(Box::new(p)))
            }
            (Type::Position, Raw::Text(_)) => text.and_then(position).map(|p| FieldValue::Position(Box::new(p))),
            (Type::Time, Raw::Text(_)) => text
                .and_then(|t| parse_timestamp(t).ok())
                .map(|t| FieldValue::Time(t.to_utc())),
            (Type::Zone, Raw::Text(_)) => {
                let name = text.unwrap_or_default();
                Some(match self.zones.get(name) {
                    Some(&z) => FieldValue::Zone(z),
                    None => {
                        remarks.push(Remark::UnknownZone {
                            field: key.to_string(),
                            value: name.to_string(),
                        });
                        FieldValue::UnknownZone(self.shared(name))
                    }
                })
            }
            _ => None,
        };
        match typed {
            Some(typed) => {
                *out = Some(typed);
                Ok(())
            }
            None => Err(mismatch(ty, key, value, kind)),
        }
    }
}

/// What places a record's problem: the record's text (made only when
/// needed), its file, and where a key's value is in the text.
type Placing<'a, 't> = (
    &'a dyn Fn() -> Cow<'t, str>,
    &'a str,
    &'a dyn Fn(&str) -> std::ops::Range<usize>,
);

/// The problem of a record that is not valid, placed in its text.
#[cold]
fn problem(
    mut error: RecordError,
    origin: Origin,
    (text, file, locate): Placing<'_, '_>,
    source: Option<&dyn Columns>,
) -> LogProblem {
    if let Some(source) = source {
        error.name_column(source);
    }
    let text = text();
    let at = error.key.as_deref().map_or(0..text.len(), locate);
    let mut problem = LogProblem::at(error.code, file, origin.line, &text, at, error.message);
    problem.help = error.help;
    problem
}

/// A value that does not fit its field's declared type.
#[cold]
fn mismatch(ty: Type, key: &str, value: &Raw, kind: &str) -> RecordError {
    let help = match ty {
        Type::Int => "write a whole number, such as `2`",
        Type::Number => "write a number, such as `2.5`",
        Type::Text => "write text",
        Type::Bool => "write `true` or `false`",
        Type::Time => "write a time with an offset, such as `2025-01-25T12:00:00Z`",
        Type::Position => {
            "write `{\"lat\": 48.0, \"lon\": 37.8}` (with `\"radius_km\"` if it is known only to within a distance) or `[37.8, 48.0]` (longitude first, as GeoJSON); in CSV, read it through a source: `position = (latitude, longitude)`"
        }
        Type::Zone => "write a zone name as text, such as `\"north\"`",
    };
    error(
        Code::ValueDoesNotFit,
        format!(
            "`{key}` of `{kind}` is declared `{}`, but the record has {}",
            ty.as_str(),
            match (ty, value) {
                (Type::Position, Raw::Nested(json)) => format!(
                    "`{}`, which is no position (latitude -90 to 90, longitude -180 to 180, a radius of 0 or more)",
                    json.chars().take(80).collect::<String>()
                ),
                _ => describe(value),
            }
        ),
        Some(key),
    )
    .help(help)
}

fn describe(value: &Raw) -> String {
    match value {
        Raw::Null => "nothing".to_string(),
        Raw::Bool(b) => format!("the boolean `{b}`"),
        Raw::Int(n) => format!("the number `{n}`"),
        Raw::Decimal(literal) => format!("the number `{literal}`"),
        Raw::Text(t) => format!("the text `{t}`"),
        Raw::Texts(_) => "a list of texts".to_string(),
        Raw::Nested(_) => "an object or array".to_string(),
        Raw::Point(p) => format!("the position `{}`, out of range", p.text()),
    }
}

/// A position as JSON (LANGUAGE-v2 §12): `{"lat": 48.0, "lon": 37.8}`,
/// optionally with `"radius_km"`, or `[37.8, 48.0]` in GeoJSON's order
/// (longitude first; a third number, an altitude, is ignored). `None` for
/// anything else, or numbers out of range.
pub(crate) fn position(json: &str) -> Option<Position> {
    // Read straight into numbers: no tree is built for each record.
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Object {
        lat: f64,
        lon: f64,
        radius_km: Option<f64>,
    }
    let json = json.trim();
    if json.starts_with('{') {
        let o: Object = serde_json::from_str(json).ok()?;
        return Position::new(o.lat, o.lon, o.radius_km.unwrap_or(0.0) * 1000.0);
    }
    if let Ok((lon, lat)) = serde_json::from_str::<(f64, f64)>(json) {
        return Position::new(lat, lon, 0.0);
    }
    let (lon, lat, _altitude) = serde_json::from_str::<(f64, f64, f64)>(json).ok()?;
    Position::new(lat, lon, 0.0)
}

/// A cell of 1 to 18 ASCII digits, perhaps after a `-`: the whole number
/// `str::parse` reads from it (within 64 bits); `None` for anything else.
#[inline(always)]
fn plain_int(cell: &str) -> Option<i64> {
    let b = cell.as_bytes();
    let (negative, digits) = match b {
        [b'-', rest @ ..] => (true, rest),
        _ => (false, b),
    };
    if digits.is_empty() || digits.len() > 18 {
        return None;
    }
    let mut n: i64 = 0;
    for &c in digits {
        if !c.is_ascii_digit() {
            return None;
        }
        n = n * 10 + i64::from(c - b'0');
    }
    Some(if negative { -n } else { n })
}

/// `text` without white space at either end; most values have none, and
/// an ASCII letter, digit or mark at both ends shows it without decoding.
#[inline]
fn trim(text: &str) -> &str {
    let bytes = text.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(a), Some(b)) if a.is_ascii_graphic() && b.is_ascii_graphic() => text,
        _ => text.trim(),
    }
}

/// `[A-Za-z_][A-Za-z0-9_]*`
pub(crate) fn is_name(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A key given twice in one record.
fn twice(key: &str) -> RecordError {
    error(Code::DuplicateKey, format!("the record gives `{key}` twice"), Some(key))
        .help("give each key once: which of the two values was meant cannot be known")
}

fn error(code: Code, message: impl Into<String>, key: Option<&str>) -> RecordError {
    RecordError {
        code,
        message: message.into(),
        help: None,
        key: key.map(str::to_string),
    }
}

impl RecordError {
    fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Says which column of a source the faulty value came from.
    fn name_column(&mut self, source: &dyn Columns) {
        let target = match (self.code, self.key.as_deref()) {
            (Code::MissingTime, _) => "time",
            (Code::MissingKind, _) => "kind",
            (_, Some(key)) => key,
            (_, None) => return,
        };
        let Some(column) = source.column_of(target).map(str::to_string) else {
            return;
        };
        if matches!(self.code, Code::MissingTime | Code::MissingKind) {
            self.message = format!(
                "the record has no `{target}`: the column `{column}` that the source `{}` reads it from is empty",
                source.source_name()
            );
            self.help = Some(format!(
                "every observation needs a `{target}`; fill the cell, or map it in the source (`{target} = {column} map {{ \"\": ..., else: keep }}`)"
            ));
        } else if column != target {
            self.message.push_str(&format!(" (column `{column}`)"));
        }
        self.key = Some(target.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Routes an observation by its line.
    struct ByLine;

    impl Route for ByLine {
        fn route(&self, o: &Observation) -> Routes {
            let mut routes = Routes::EMPTY;
            routes.push(o.origin.line as u32);
            routes
        }
    }

    fn push(fill: &mut Fill, line: u64) {
        if let Some(valid) = fill.push_blank(0..0) {
            valid.observation.origin.line = line;
        }
    }

    #[test]
    fn outcomes_taken_back_are_routed_again_once_pushed_anew() {
        let mut list = Vec::new();
        {
            let mut fill = Fill::routing(&mut list, Some(&ByLine));
            for line in 1..=3 {
                push(&mut fill, line);
            }
            // Two taken back, the first of them already routed.
            assert!(fill.pop().is_some() && fill.pop().is_some());
            push(&mut fill, 7);
        }
        let routes: Vec<_> = list
            .iter()
            .map(|o| match o {
                Outcome::Valid(v) => v.routes.get().map(<[u32]>::to_vec),
                _ => None,
            })
            .collect();
        assert_eq!(routes, [Some(vec![1]), Some(vec![7])]);
    }
}
