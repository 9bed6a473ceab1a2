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

/// A field value as read from a log.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldValue {
    /// A whole number.
    Int(i64),
    /// A decimal number, exact (also a whole number read for a `number` field).
    Number(crate::number::Decimal),
    /// Text (shared: the same text read twice is stored once).
    Text(Arc<str>),
    /// A boolean.
    Bool(bool),
    /// A declared zone.
    Zone(ZoneId),
    /// A value of a `zone` field that names no declared zone (reported as a warning).
    UnknownZone(Arc<str>),
    /// A timestamp.
    Time(DateTime<Utc>),
}

/// The declared fields of an observation.
pub type Fields = smallvec::SmallVec<[Option<FieldValue>; 4]>;

/// One observation of a declared kind. Fields the declaration does not name
/// are not kept: no rule can refer to them, and reports show the record as
/// it stands in the log.
#[derive(Clone, Debug, PartialEq)]
pub struct Observation {
    /// When it happened, in UTC.
    pub time: DateTime<Utc>,
    /// The declared kind.
    pub kind: KindId,
    /// Values of the kind's declared fields, indexed by field id (`None`:
    /// absent); up to four are kept inline, without an allocation.
    pub declared: Fields,
    /// Where the record is.
    pub origin: Origin,
}

impl Observation {
    /// A blank observation, to be filled in.
    pub fn blank() -> Self {
        Observation {
            time: DateTime::UNIX_EPOCH,
            kind: KindId(0),
            declared: Fields::new(),
            origin: Origin {
                file: 0,
                line: 0,
                offset: 0,
            },
        }
    }

    /// The value of a declared field, if present.
    pub fn field(&self, field: FieldId) -> Option<&FieldValue> {
        self.declared.get(field.0 as usize).and_then(Option::as_ref)
    }

    /// The order in which observations are judged: time, then file, then record.
    pub fn order(&self) -> (DateTime<Utc>, u32, u64) {
        (self.time, self.origin.file, self.origin.line)
    }
}
