//! Observations: one record of a log, typed by the event declarations.

use crate::check::model::{FieldId, KindId, ZoneId};
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// Where a record stands in its log file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Origin {
    /// Index of the log file in the order given.
    pub file: u32,
    /// 1-based line where the record starts.
    pub line: u64,
    /// Byte offset of the record in the (decompressed) file.
    pub offset: u64,
}

/// A record read through a source (LANGUAGE-v2 §11), as evidence shows it:
/// its id and the cells of the columns the source reads, as the file has them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceRecord {
    /// The cell of the column the source reads `id` from, if any.
    pub id: Option<String>,
    /// Each column the source reads, with the record's cell (empty if absent).
    pub cells: Vec<(String, String)>,
}

impl SourceRecord {
    /// `id 203403 · date_start 2015-02-15 · adm_1 Donetsk oblast`: each
    /// non-empty cell, long ones cut.
    pub fn text(&self) -> String {
        let mut parts = Vec::new();
        for (column, cell) in &self.cells {
            if !cell.is_empty() {
                let cell: String = match cell.char_indices().nth(80) {
                    Some((at, _)) => format!("{}…", &cell[..at]),
                    None => cell.clone(),
                };
                parts.push(format!("{column} {}", cell.replace(['\n', '\r'], " ")));
            }
        }
        parts.join(" · ")
    }
}

/// A field value as read from a log.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldValue {
    /// A whole number.
    Int(i64),
    /// A decimal number, exact (also a whole number read for a `number` field).
    Number(crate::number::Decimal),
    /// Text: up to 15 bytes held inline (copied and dropped without
    /// touching memory shared between threads), longer text shared (the
    /// same text read twice is stored once).
    Text(EcoString),
    /// A boolean.
    Bool(bool),
    /// A declared zone.
    Zone(ZoneId),
    /// A value of a `zone` field that names no declared zone (reported as a warning).
    UnknownZone(Arc<str>),
    /// A timestamp.
    Time(DateTime<Utc>),
    /// A place (boxed: the other values stay small).
    Position(Box<Position>),
}

pub use crate::places::Position;
pub use ecow::EcoString;

/// Texts remembered for sharing; past this, each is stored on its own.
pub(crate) const SHARED_TEXTS: usize = 1 << 16;

/// `text` as the member of `set` equal to it, or new (and remembered while
/// `set` holds fewer than [`SHARED_TEXTS`]): repeated text stored once.
pub(crate) fn shared_text<T>(set: &mut rustc_hash::FxHashSet<T>, text: &str) -> T
where
    T: for<'t> From<&'t str> + std::borrow::Borrow<str> + std::hash::Hash + Eq + Clone,
{
    if let Some(shared) = set.get(text) {
        return shared.clone();
    }
    let new = T::from(text);
    if set.len() < SHARED_TEXTS {
        set.insert(new.clone());
    }
    new
}

/// A text field's value: up to [`EcoString::INLINE_LIMIT`] bytes inline
/// (no lookup, and nothing shared between threads to count references
/// on), longer text shared through `set` (see [`shared_text`]).
pub(crate) fn text_value(set: &mut rustc_hash::FxHashSet<EcoString>, text: &str) -> EcoString {
    if text.len() <= EcoString::INLINE_LIMIT {
        return EcoString::from(text);
    }
    shared_text(set, text)
}

/// The declared fields of an observation.
pub type Fields = smallvec::SmallVec<[Option<FieldValue>; 4]>;

/// `n` fields not given: filled in place when they fit inline, without
/// cloning `None` one slot at a time.
#[inline]
pub(crate) fn no_fields(n: usize) -> Fields {
    const NONE: Option<FieldValue> = None;
    if n <= 4 {
        Fields::from_buf_and_len([NONE; 4], n)
    } else {
        Fields::from_elem(None, n)
    }
}

/// Who reported an observation and how firmly (LANGUAGE-v2 §9.2): the
/// distinct non-empty `source` texts, trimmed, in the order written, and
/// the `status` as written.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct Provenance {
    /// The distinct sources.
    pub sources: Vec<Arc<str>>,
    /// The status, if given.
    pub status: Option<Arc<str>>,
}

/// What an observation has beyond an instant.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Extent {
    /// The end of its range (excluded) and the last instant before it
    /// (worked out once: monitors ask for it on every look); `None` for an
    /// instant.
    range: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// A range cut at the horizon (`--as-of`): it may have happened after
    /// it, so it only possibly exists (LANGUAGE-v2 §9.4).
    pub cut: bool,
    /// Sources and status, read only when some rule sets an evidence
    /// standard (`None` otherwise, or when the record gives neither).
    pub provenance: Option<Arc<Provenance>>,
}

impl Extent {
    /// A range ending at `until` (excluded), for tests that build
    /// extents by hand (observations set theirs with `set_time`).
    #[cfg(test)]
    pub(crate) fn until(until: DateTime<Utc>) -> Self {
        let mut extent = Extent::default();
        extent.set_until(Some(until));
        extent
    }

    /// The end of its range (excluded); `None` for an instant.
    #[inline]
    pub fn end(&self) -> Option<DateTime<Utc>> {
        self.range.map(|(until, _)| until)
    }

    fn set_until(&mut self, until: Option<DateTime<Utc>>) {
        self.range = until.map(|u| (u, just_before(u)));
    }
}

/// The instant one nanosecond before `u`, worked out on its date and time
/// of day (a range's end is most often a midnight or a whole second, and
/// chrono's general subtraction was most of the cost of reading a range).
fn just_before(u: DateTime<Utc>) -> DateTime<Utc> {
    use chrono::{NaiveTime, Timelike};
    let general = || u - chrono::TimeDelta::nanoseconds(1);
    let (date, seconds, nanos) = (u.date_naive(), u.num_seconds_from_midnight(), u.nanosecond());
    let (date, seconds, nanos) = match (seconds, nanos) {
        // A leap second: left to chrono.
        (_, 1_000_000_000..) => return general(),
        (_, 1..) => (date, seconds, nanos - 1),
        (1.., 0) => (date, seconds - 1, 999_999_999),
        (0, 0) => match date.pred_opt() {
            Some(day) => (day, 86_399, 999_999_999),
            None => return general(),
        },
    };
    match NaiveTime::from_num_seconds_from_midnight_opt(seconds, nanos) {
        Some(time) => date.and_time(time).and_utc(),
        None => general(),
    }
}

/// One observation of a declared kind. Fields the declaration does not name
/// are not kept: no rule can refer to them, and reports show the record as
/// it stands in the log.
#[derive(Debug, PartialEq)]
pub struct Observation {
    /// When it happened, in UTC: the instant, or the first instant of the
    /// range it is known to.
    pub time: DateTime<Utc>,
    /// Its range's end, sources and status, if it has any: rare in the
    /// logs of most monitors, so kept apart (an exact observation stays
    /// as small as in v1), and shared: the copies monitors keep of a
    /// ranged observation point to one extent instead of allocating each.
    pub extent: Option<Arc<Extent>>,
    /// The declared kind.
    pub kind: KindId,
    /// Values of the kind's declared fields, indexed by field id (`None`:
    /// absent); up to four are kept inline, without an allocation.
    pub declared: Fields,
    /// Where the record is.
    pub origin: Origin,
}

impl Clone for Observation {
    fn clone(&self) -> Self {
        Observation {
            time: self.time,
            extent: self.extent.clone(),
            kind: self.kind,
            declared: self.declared.clone(),
            origin: self.origin,
        }
    }

    /// Reuses the storage of the fields (a monitor keeps its latest Q so).
    fn clone_from(&mut self, source: &Self) {
        self.time = source.time;
        self.extent.clone_from(&source.extent);
        self.kind = source.kind;
        self.declared.clone_from(&source.declared);
        self.origin = source.origin;
    }
}

impl Observation {
    /// A blank observation, to be filled in.
    pub fn blank() -> Self {
        Observation {
            time: DateTime::UNIX_EPOCH,
            extent: None,
            kind: KindId(0),
            declared: Fields::new(),
            origin: Origin {
                file: 0,
                line: 0,
                offset: 0,
            },
        }
    }

    /// The observation without its fields: its time, extent, kind and place
    /// in the log, what a verdict needs when no finding will show it as
    /// evidence (its extent is a pointer, absent in an exact log).
    pub fn thin(&self) -> Self {
        Observation {
            time: self.time,
            extent: self.extent.clone(),
            kind: self.kind,
            declared: Fields::new(),
            origin: self.origin,
        }
    }

    /// The value of a declared field, if present.
    pub fn field(&self, field: FieldId) -> Option<&FieldValue> {
        self.declared.get(field.0 as usize).and_then(Option::as_ref)
    }

    /// The end of its range (excluded); `time` for an instant.
    #[inline]
    pub fn until(&self) -> DateTime<Utc> {
        self.extent.as_ref().and_then(|e| e.end()).unwrap_or(self.time)
    }

    /// Whether its range was cut at the horizon.
    #[inline]
    pub fn cut(&self) -> bool {
        self.extent.as_ref().is_some_and(|e| e.cut)
    }

    /// Its sources and status, if read.
    #[inline]
    pub fn provenance(&self) -> Option<&Arc<Provenance>> {
        self.extent.as_ref().and_then(|e| e.provenance.as_ref())
    }

    /// Sets when it happened: an instant, or `[time, until)`.
    #[inline]
    pub fn set_time(&mut self, time: DateTime<Utc>, until: Option<DateTime<Utc>>) {
        self.time = time;
        // An instant of an exact log: nothing more to do.
        if until.is_some() || self.extent.is_some() {
            self.set_until(time, until);
        }
    }

    /// The part of [`Observation::set_time`] for a range or an extent.
    fn set_until(&mut self, time: DateTime<Utc>, until: Option<DateTime<Utc>>) {
        let until = until.filter(|u| *u > time);
        match (&mut self.extent, until) {
            (Some(e), until) => {
                let e = Arc::make_mut(e);
                e.set_until(until);
                e.cut = false;
            }
            (None, None) => {}
            (None, until) => {
                let mut extent = Extent::default();
                extent.set_until(until);
                self.extent = Some(Arc::new(extent));
            }
        }
        self.tidy();
    }

    /// Sets when it happened and its sources and status at once, as
    /// [`Observation::set_time`] then [`Observation::set_provenance`] do,
    /// sharing the extent with the record typed just before when the two
    /// have the same range and provenance (the records of a day known
    /// only to that day, one after another): one allocation for the run,
    /// not one per record. `last` is the typer's latest extent.
    #[inline]
    pub(crate) fn set_extent_shared(
        &mut self,
        time: DateTime<Utc>,
        until: Option<DateTime<Utc>>,
        provenance: Option<Arc<Provenance>>,
        last: &mut Option<Arc<Extent>>,
    ) {
        self.time = time;
        let until = until.filter(|u| *u > time);
        if until.is_none() && provenance.is_none() {
            self.extent = None;
            return;
        }
        if let Some(e) = last.as_ref()
            && e.end() == until
            && !e.cut
            && e.provenance == provenance
        {
            self.extent = Some(e.clone());
            return;
        }
        let mut extent = Extent {
            provenance,
            ..Extent::default()
        };
        extent.set_until(until);
        let extent = Arc::new(extent);
        *last = Some(extent.clone());
        self.extent = Some(extent);
    }

    /// Sets its sources and status.
    #[inline]
    pub fn set_provenance(&mut self, provenance: Option<Arc<Provenance>>) {
        // Nothing to do when there is none to set and none to take away.
        if provenance.is_some() || self.extent.as_ref().is_some_and(|e| e.provenance.is_some()) {
            self.put_provenance(provenance);
        }
    }

    /// The part of [`Observation::set_provenance`] for sources or an extent.
    fn put_provenance(&mut self, provenance: Option<Arc<Provenance>>) {
        match (&mut self.extent, provenance) {
            (Some(e), provenance) => Arc::make_mut(e).provenance = provenance,
            (None, None) => {}
            (None, provenance) => {
                self.extent = Some(Arc::new(Extent {
                    provenance,
                    ..Extent::default()
                }))
            }
        }
        self.tidy();
    }

    /// An extent with nothing in it is none: equal observations compare equal.
    fn tidy(&mut self) {
        if self.extent.as_deref().is_some_and(|e| *e == Extent::default()) {
            self.extent = None;
        }
    }

    /// Whether its time is a range rather than an instant.
    #[inline]
    pub fn is_range(&self) -> bool {
        self.extent.as_ref().is_some_and(|e| e.range.is_some())
    }

    /// The last instant it may have happened at: `time` for an instant,
    /// the instant before its end for a range.
    #[inline]
    pub fn last(&self) -> DateTime<Utc> {
        match self.extent.as_ref().and_then(|e| e.range) {
            Some((_, last)) => last,
            None => self.time,
        }
    }

    /// Cuts a range that reaches past the horizon to end at it (included):
    /// the observation may have happened after the horizon, so it only
    /// possibly exists (LANGUAGE-v2 §9.4). One that starts after the
    /// horizon is not judged at all (the caller leaves it out).
    pub fn cut_at(&mut self, horizon: DateTime<Utc>) {
        if self.last() > horizon {
            let extent = Arc::make_mut(self.extent.get_or_insert_with(Arc::default));
            extent.set_until(Some(horizon + chrono::TimeDelta::nanoseconds(1)));
            extent.cut = true;
        }
    }

    /// The order in which observations are judged: time (a range's first
    /// instant), then file, then record.
    pub fn order(&self) -> (DateTime<Utc>, u32, u64) {
        (self.time, self.origin.file, self.origin.line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// One nanosecond before any instant from year 1 to 9999, as
        /// chrono's subtraction gives it: midnights, whole seconds and
        /// fractions alike.
        #[test]
        fn just_before_is_one_nanosecond_earlier(
            day in -719_162i64..2_932_896,
            second in prop_oneof![Just(0u32), Just(86_399u32), 0u32..86_400],
            nanos in prop_oneof![Just(0u32), Just(1u32), 0u32..1_000_000_000],
        ) {
            let u = DateTime::from_timestamp(day * 86_400 + i64::from(second), nanos).expect("in range");
            prop_assert_eq!(just_before(u), u - chrono::TimeDelta::nanoseconds(1));
        }
    }
}
