//! Observations: one record of a log, typed by the event declarations.

use crate::check::model::{KindId, ZoneId};
use chrono::{DateTime, Utc};

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
    /// A decimal number (also a whole number read for a `number` field).
    Number(f64),
    /// Text.
    Text(Box<str>),
    /// A boolean.
    Bool(bool),
    /// A declared zone.
    Zone(ZoneId),
    /// A value of a `zone` field that names no declared zone (reported as a warning).
    UnknownZone(Box<str>),
    /// A timestamp.
    Time(DateTime<Utc>),
}

/// One observation.
#[derive(Clone, Debug)]
pub struct Observation {
    /// When it happened, in UTC.
    pub time: DateTime<Utc>,
    /// The declared kind, or `None` for a kind no declaration names.
    pub kind: Option<KindId>,
    /// The kind as written.
    pub kind_name: Box<str>,
    /// Values of the kind's declared fields, indexed by field id (`None`: absent).
    pub declared: Vec<Option<FieldValue>>,
    /// Fields the declarations do not name, in record order.
    pub others: Vec<(Box<str>, FieldValue)>,
    /// Where the record is.
    pub origin: Origin,
}

impl Observation {
    /// The value of a declared field, if present.
    pub fn field(&self, field: crate::check::model::FieldId) -> Option<&FieldValue> {
        self.declared.get(field.0 as usize).and_then(Option::as_ref)
    }
}
