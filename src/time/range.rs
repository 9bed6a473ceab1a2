//! When a log says something happened: an instant, or a range of instants
//! `[start, end)` — a whole day, days, a month, or two instants
//! (LANGUAGE-v2 §9.1). Days, months and times without an offset are read
//! in a calendar (LANGUAGE-v2 §10): the log's, if one applies; without
//! one, days are UTC days and a time needs its offset, as in v1.

use super::calendar::{Calendar, LocalTimeError};
use super::timestamp::{TimestampError, format_date, format_month, format_timestamp, parse_local, parse_timestamp};
use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};

/// A time read from a log: an instant, or the range `[start, end)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LogTime {
    /// The instant, or the first instant of the range.
    pub start: DateTime<Utc>,
    /// The end of the range (excluded); `None` for an instant.
    pub end: Option<DateTime<Utc>>,
}

/// Why a log time could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LogTimeError {
    /// One side is not a time, a date or a month.
    #[error("{0}")]
    Invalid(TimestampError),
    /// A local time a summer-time change skipped or repeated.
    #[error("the local time {0}")]
    Local(LocalTimeError),
    /// A range whose end is not after its start.
    #[error("the range ends at {end}, which is not after its start {start}")]
    Backwards {
        /// Where it starts, in UTC.
        start: String,
        /// Where it ends, in UTC.
        end: String,
    },
}

impl From<TimestampError> for LogTimeError {
    fn from(e: TimestampError) -> Self {
        LogTimeError::Invalid(e)
    }
}

/// One side of a range: an instant, or a day or month from its first
/// instant to the first instant after it.
enum Point {
    Instant(DateTime<Utc>),
    Period(DateTime<Utc>, DateTime<Utc>),
}

impl Point {
    fn start(&self) -> DateTime<Utc> {
        match self {
            Point::Instant(t) | Point::Period(t, _) => *t,
        }
    }

    fn end(&self) -> DateTime<Utc> {
        match self {
            Point::Instant(t) | Point::Period(_, t) => *t,
        }
    }
}

/// Reads a log's time: `2025-01-25T12:00:00Z` (the instant), `2025-01-25`
/// (the whole day), `2025-01` (the whole month), `A/B` (from the start of
/// `A` to the end of `B`, each side any of these forms). Days and months
/// are counted in `calendar` (UTC if `None`), and a time without an offset
/// is a local time of the calendar (an error without one).
pub fn parse_log_time(text: &str, calendar: Option<Calendar>) -> Result<LogTime, LogTimeError> {
    // The shape logs use most, `2025-01-19T08:30:00Z`, straight to the instant.
    if let Some(t) = super::timestamp::utc_seconds(text) {
        return Ok(LogTime {
            start: t.to_utc(),
            end: None,
        });
    }
    // A plain date, `2025-01-19`: the whole day, without looking for a `/`.
    if let Some((start, end)) = whole_day(text.as_bytes(), calendar) {
        return Ok(LogTime { start, end: Some(end) });
    }
    let Some((a, b)) = text.split_once('/') else {
        return Ok(match point(text, calendar)? {
            Point::Instant(t) => LogTime { start: t, end: None },
            Point::Period(start, end) => LogTime { start, end: Some(end) },
        });
    };
    let (start, end) = (point(a, calendar)?.start(), point(b, calendar)?.end());
    if end <= start {
        return Err(LogTimeError::Backwards {
            start: format_timestamp(start),
            end: format_timestamp(end),
        });
    }
    Ok(LogTime { start, end: Some(end) })
}

/// [`parse_log_time`], reading the date of the common shape
/// (`2025-01-19T08:30:00Z`) through `last`, the date of the record before.
#[inline]
pub(crate) fn parse_log_time_after(
    text: &str,
    calendar: Option<Calendar>,
    last: &super::timestamp::LastDay,
) -> Result<LogTime, LogTimeError> {
    match super::timestamp::utc_seconds_with(text, |b| last.date(b)) {
        Some(t) => Ok(LogTime {
            start: t.to_utc(),
            end: None,
        }),
        None => parse_log_time(text, calendar),
    }
}

/// A time read from two cells (a source's `A .. B`, LANGUAGE-v2 §11): from
/// the start of `a` to the end of `b`, each an instant, a date or a month;
/// an empty `b` means `a` alone, and so does a `b` equal to an instant `a`.
pub fn parse_log_span(a: &str, b: &str, calendar: Option<Calendar>) -> Result<LogTime, LogTimeError> {
    if b.trim().is_empty() {
        return parse_log_time(a, calendar);
    }
    let (a, b) = (point(a, calendar)?, point(b, calendar)?);
    let (start, end) = (a.start(), b.end());
    if let (Point::Instant(x), Point::Instant(y)) = (&a, &b)
        && x == y
    {
        return Ok(LogTime { start, end: None });
    }
    if end <= start {
        return Err(LogTimeError::Backwards {
            start: format_timestamp(start),
            end: format_timestamp(end),
        });
    }
    Ok(LogTime { start, end: Some(end) })
}

fn point(text: &str, calendar: Option<Calendar>) -> Result<Point, LogTimeError> {
    // The usual instant, `2025-01-19T08:30:00Z` (one end of a range).
    if let Some(t) = super::timestamp::utc_seconds(text) {
        return Ok(Point::Instant(t.to_utc()));
    }
    let day = calendar.unwrap_or_default();
    let text = text.trim();
    let b = text.as_bytes();
    // `YYYY-MM`: a month.
    if b.len() == 7 && b[4] == b'-' && b.iter().enumerate().all(|(i, c)| i == 4 || c.is_ascii_digit()) {
        let (year, month) = (text[..4].parse::<i32>(), text[5..].parse::<u32>());
        let (Ok(year), Ok(month)) = (year, month) else {
            return Err(TimestampError::Malformed.into());
        };
        if year == 0 {
            return Err(TimestampError::YearOutOfRange(0).into());
        }
        let first = NaiveDate::from_ymd_opt(year, month, 1).ok_or(TimestampError::NoSuchDate)?;
        let next = first
            .checked_add_months(Months::new(1))
            .ok_or(TimestampError::NoSuchDate)?;
        return Ok(Point::Period(day.midnight(first), day.midnight(next)));
    }
    if text.contains(['T', 't']) {
        // The usual shape, `2025-01-19T08:30:00Z`, straight to the instant.
        if let Some(t) = super::timestamp::utc_seconds(text) {
            return Ok(Point::Instant(t.to_utc()));
        }
        return match (parse_timestamp(text), calendar) {
            (Ok(t), _) => Ok(Point::Instant(t.to_utc())),
            (Err(TimestampError::NoOffset), Some(calendar)) => {
                let local = parse_local(text)?;
                calendar.resolve(local).map(Point::Instant).map_err(LogTimeError::Local)
            }
            (Err(e), _) => Err(e.into()),
        };
    }
    // A date alone: the whole day. The usual shape, `2025-01-19`, read
    // without the general machinery (which also says what is wrong).
    if let Some((start, end)) = whole_day(b, calendar) {
        return Ok(Point::Period(start, end));
    }
    let date = parse_timestamp(text)?.date_naive();
    let next = date.succ_opt().ok_or(TimestampError::NoSuchDate)?;
    Ok(Point::Period(day.midnight(date), day.midnight(next)))
}

/// `YYYY-MM-DD` exactly: the whole day in the calendar, from its first
/// instant to the next day's; `None` for anything else.
fn whole_day(b: &[u8], calendar: Option<Calendar>) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    if b.len() != 10 {
        return None;
    }
    let date = super::timestamp::plain_date(b)?;
    let next = date.succ_opt()?;
    let day = calendar.unwrap_or_default();
    Some((day.midnight(date), day.midnight(next)))
}

/// A log time as a log would write it: the instant in UTC; a whole day,
/// run of days or month of the calendar as a date, dates or month; any
/// other range as two instants in UTC.
pub fn format_log_time(time: LogTime, calendar: Calendar) -> String {
    let Some(end) = time.end else {
        return format_timestamp(time.start);
    };
    let date_of = |t: DateTime<Utc>| {
        // The calendar day starting exactly at `t`, if any (a calendar's
        // offset is under a day, so it is `t`'s UTC date or a neighbour).
        let d = t.date_naive();
        [d.pred_opt(), Some(d), d.succ_opt()]
            .into_iter()
            .flatten()
            .find(|d| calendar.midnight(*d) == t)
    };
    if let (Some(first), Some(next)) = (date_of(time.start), date_of(end)) {
        if first.day() == 1 && next == first + Months::new(1) {
            return format_month(first);
        }
        let last = next.pred_opt().unwrap_or(next);
        if last == first {
            return format_date(first);
        }
        if last > first {
            return format!("{}/{}", format_date(first), format_date(last));
        }
    }
    format!("{}/{}", format_timestamp(time.start), format_timestamp(end))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The shortcut for `YYYY-MM-DD` reads a date as the general reader
        /// does, and leaves what it cannot read to it (with its errors).
        #[test]
        fn a_plain_date_is_read_as_the_general_reader_reads_it(
            year in prop_oneof![0u32..3, 1u32..10_000],
            month in 0u32..14,
            day in 0u32..33,
            calendar in prop_oneof![Just(None), Just(Some(Calendar::Utc)), Just(Calendar::named("Europe/Kyiv"))],
        ) {
            let text = format!("{year:04}-{month:02}-{day:02}");
            let general = parse_timestamp(&text).map_err(LogTimeError::from).and_then(|t| {
                let date = t.date_naive();
                let next = date.succ_opt().ok_or(LogTimeError::from(TimestampError::NoSuchDate))?;
                let day = calendar.unwrap_or_default();
                Ok(LogTime { start: day.midnight(date), end: Some(day.midnight(next)) })
            });
            prop_assert_eq!(parse_log_time(&text, calendar), general);
        }
    }

    fn t(text: &str) -> DateTime<Utc> {
        parse_timestamp(text).unwrap().to_utc()
    }

    fn read(text: &str) -> Result<LogTime, LogTimeError> {
        parse_log_time(text, None)
    }

    #[test]
    fn every_form_of_the_table() {
        assert_eq!(
            read("2025-01-25T12:00:00Z"),
            Ok(LogTime {
                start: t("2025-01-25T12:00:00Z"),
                end: None
            })
        );
        let day = read("2025-01-25").unwrap();
        assert_eq!(
            (day.start, day.end),
            (t("2025-01-25T00:00Z"), Some(t("2025-01-26T00:00Z")))
        );
        let days = read("2025-01-25/2025-01-27").unwrap();
        assert_eq!(
            (days.start, days.end),
            (t("2025-01-25T00:00Z"), Some(t("2025-01-28T00:00Z")))
        );
        let instants = read("2025-01-25T06:00Z/2025-01-25T18:00Z").unwrap();
        assert_eq!(
            (instants.start, instants.end),
            (t("2025-01-25T06:00Z"), Some(t("2025-01-25T18:00Z")))
        );
        let month = read("2025-02").unwrap();
        assert_eq!(
            (month.start, month.end),
            (t("2025-02-01T00:00Z"), Some(t("2025-03-01T00:00Z")))
        );
        let december = read("9999-12").unwrap();
        assert_eq!(december.end, Some(t("9999-12-01T00:00Z") + chrono::TimeDelta::days(31)));
        // Mixed sides: from the start of one to the end of the other.
        let mixed = read("2025-01-25/2025-01-26T06:00Z").unwrap();
        assert_eq!(
            (mixed.start, mixed.end),
            (t("2025-01-25T00:00Z"), Some(t("2025-01-26T06:00Z")))
        );
    }

    #[test]
    fn spans_of_two_cells() {
        let span = |a: &str, b: &str| parse_log_span(a, b, None);
        assert_eq!(span("2015-02-15", "").unwrap(), read("2015-02-15").unwrap());
        assert_eq!(span("2015-02-15", "2015-02-15").unwrap(), read("2015-02-15").unwrap());
        assert_eq!(
            span("2015-02-13", "2015-02-15").unwrap(),
            read("2015-02-13/2015-02-15").unwrap()
        );
        assert_eq!(
            span("2015-02", "2015-03-02").unwrap().end,
            Some(t("2015-03-03T00:00:00Z"))
        );
        let instant = span("2015-02-15T10:00Z", "2015-02-15T10:00Z").unwrap();
        assert_eq!((instant.start, instant.end), (t("2015-02-15T10:00:00Z"), None));
        assert!(matches!(
            span("2015-02-16", "2015-02-15"),
            Err(LogTimeError::Backwards { .. })
        ));
        assert!(matches!(span("x", "2015-02-15"), Err(LogTimeError::Invalid(_))));
    }

    #[test]
    fn ranges_must_end_after_they_start() {
        assert!(matches!(
            read("2025-01-27/2025-01-25"),
            Err(LogTimeError::Backwards { .. })
        ));
        assert!(matches!(
            read("2025-01-25T06:00Z/2025-01-25T06:00Z"),
            Err(LogTimeError::Backwards { .. })
        ));
        // A single day written as a range of one day is fine.
        assert!(read("2025-01-25/2025-01-25").is_ok());
        assert_eq!(read("2025-13"), Err(LogTimeError::Invalid(TimestampError::NoSuchDate)));
        assert_eq!(
            read("2025-01-25T06:00"),
            Err(LogTimeError::Invalid(TimestampError::NoOffset))
        );
        assert_eq!(
            read("2025-01-25/"),
            Err(LogTimeError::Invalid(TimestampError::Malformed))
        );
        assert_eq!(
            read("0000-01"),
            Err(LogTimeError::Invalid(TimestampError::YearOutOfRange(0)))
        );
    }

    #[test]
    fn written_back_in_the_shortest_form() {
        for text in [
            "2025-01-25T12:00:00Z",
            "2025-01-25",
            "2025-01-25/2025-01-27",
            "2025-02",
            "2025-01-25T06:00:00Z/2025-01-25T18:00:00Z",
        ] {
            assert_eq!(format_log_time(read(text).unwrap(), Calendar::Utc), text);
        }
        assert_eq!(
            format_log_time(read("2025-01-01/2025-01-31").unwrap(), Calendar::Utc),
            "2025-01"
        );
    }
}
