//! RFC 3339 timestamps with an offset; a bare date means midnight UTC.

use super::calendar::{Calendar, LocalTimeError};
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, SecondsFormat, Timelike, Utc};

/// Why a timestamp could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TimestampError {
    /// A time of day with no `Z` or `+hh:mm`.
    #[error("the time has no UTC offset")]
    NoOffset,
    /// Not of the shape `YYYY-MM-DD[Thh:mm[:ss[.f]](Z|±hh:mm)]`.
    #[error("not a timestamp")]
    Malformed,
    /// A year outside 1..=9999.
    #[error("the year {0} is out of range (1 to 9999)")]
    YearOutOfRange(i64),
    /// A month or day that does not exist.
    #[error("there is no such date")]
    NoSuchDate,
    /// An hour, minute or second that does not exist.
    #[error("there is no such time of day")]
    NoSuchTime,
    /// An offset beyond ±23:59.
    #[error("the UTC offset is out of range")]
    BadOffset,
    /// A time whose offset takes it out of the years 1 to 9999 in UTC.
    #[error("in UTC it falls in the year {0}, out of range (1 to 9999)")]
    UtcYearOutOfRange(i32),
}

/// Reads `2025-01-19`, `2025-01-19T08:30Z`, `2025-01-19T08:30:00.25+02:00`.
///
/// `T` and `Z` may be lower case. The date alone means midnight UTC.
pub fn parse_timestamp(text: &str) -> Result<DateTime<FixedOffset>, TimestampError> {
    if let Some(t) = utc_seconds(text) {
        return Ok(t);
    }
    let (date, rest) = match text.find(['T', 't']) {
        Some(i) => (&text[..i], Some(&text[i + 1..])),
        None => (text, None),
    };
    let date = parse_date(date)?;
    let Some(rest) = rest else {
        return Ok(date.and_time(NaiveTime::MIN).and_utc().fixed_offset());
    };
    let (time, offset) = split_offset(rest)?;
    let time = parse_time(time)?;
    let offset = offset.ok_or(TimestampError::NoOffset)?;
    let instant = date
        .and_time(time)
        .and_local_timezone(offset)
        .single()
        .ok_or(TimestampError::NoSuchTime)?;
    // Every time is handled in UTC, and written in UTC in reports.
    let year = chrono::Datelike::year(&instant.to_utc());
    if !(1..=9999).contains(&year) {
        return Err(TimestampError::UtcYearOutOfRange(year));
    }
    Ok(instant)
}

/// The shape logs use most, `2025-01-19T08:30:00Z`, read without the
/// general machinery; `None` sends anything else to the general reader.
#[inline]
pub(super) fn utc_seconds(text: &str) -> Option<DateTime<FixedOffset>> {
    utc_seconds_with(text, plain_date)
}

/// [`utc_seconds`], its date read by `date` from the first ten bytes.
/// Inlined: returned from a call, the time came back through the stack and
/// its load stalled on a store-to-load forward on every record.
#[inline(always)]
pub(super) fn utc_seconds_with(
    text: &str,
    date: impl FnOnce(&[u8]) -> Option<NaiveDate>,
) -> Option<DateTime<FixedOffset>> {
    let b = text.as_bytes();
    if b.len() != 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' || b[19] != b'Z'
    {
        return None;
    }
    let n = |range: std::ops::Range<usize>| number_at(b, range);
    let date = date(&b[..10])?;
    let (h, m, s) = (n(11..13)?, n(14..16)?, n(17..19)?);
    if s > 59 {
        return None;
    }
    Some(date.and_hms_opt(h, m, s)?.and_utc().fixed_offset())
}

/// The date of `YYYY-MM-DD` (the first ten bytes of `b`) with a year from
/// 1 to 9999 and a date that exists; `None` for anything else, which the
/// general reader then reads (and says what is wrong with).
pub(super) fn plain_date(b: &[u8]) -> Option<NaiveDate> {
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let n = |range: std::ops::Range<usize>| number_at(b, range);
    let (year, month, day) = (n(0..4)?, n(5..7)?, n(8..10)?);
    if year == 0 {
        return None;
    }
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
}

/// The date of the latest `YYYY-MM-DD` read, kept to be read again without
/// being worked out: a log's records mostly share their day with the
/// record before (working out the date was two fifths of reading a time).
#[derive(Debug, Default)]
pub(crate) struct LastDay(std::cell::Cell<Option<([u8; 10], NaiveDate)>>);

impl LastDay {
    /// [`plain_date`], from the last date read when `b` starts with the same ten bytes.
    #[inline]
    pub(super) fn date(&self, b: &[u8]) -> Option<NaiveDate> {
        let key: [u8; 10] = b.get(..10)?.try_into().ok()?;
        if let Some((last, date)) = self.0.get()
            && last == key
        {
            return Some(date);
        }
        let date = plain_date(&key)?;
        self.0.set(Some((key, date)));
        Some(date)
    }
}

/// The whole number written in `b[range]`, digits only.
#[inline]
fn number_at(b: &[u8], range: std::ops::Range<usize>) -> Option<u32> {
    b[range].iter().try_fold(0u32, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
    })
}

/// A time as a rule file writes it (LANGUAGE-v2 §10): an instant with its
/// offset, or a local clock time or a date, read in the unit's calendar
/// (a date is its local midnight).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stamp {
    /// `2025-01-19T08:30Z`, `2015-02-15T00:00+02:00`.
    Instant(DateTime<FixedOffset>),
    /// `2015-02-15T00:00`: a clock time of the calendar.
    Local(NaiveDateTime),
    /// `2015-02-15`: the calendar's midnight that day.
    Date(NaiveDate),
}

/// Reads a rule file's time: any form of [`parse_timestamp`], and a time of
/// day without an offset, which is local.
pub fn parse_stamp(text: &str) -> Result<Stamp, TimestampError> {
    match parse_timestamp(text) {
        Ok(_) if !text.contains(['T', 't']) => parse_date(text).map(Stamp::Date),
        Ok(t) => Ok(Stamp::Instant(t)),
        Err(TimestampError::NoOffset) => parse_local(text).map(Stamp::Local),
        Err(e) => Err(e),
    }
}

/// Reads `2025-01-19T08:30[:00[.f]]`, a clock time without an offset.
pub fn parse_local(text: &str) -> Result<NaiveDateTime, TimestampError> {
    let (date, time) = text.split_once(['T', 't']).ok_or(TimestampError::Malformed)?;
    let (time, offset) = split_offset(time)?;
    if offset.is_some() {
        return Err(TimestampError::Malformed);
    }
    Ok(parse_date(date)?.and_time(parse_time(time)?))
}

impl Stamp {
    /// As written back: an instant with its offset (`Z` for UTC), a local
    /// time without one, a date alone.
    pub fn text(&self) -> String {
        let clock = |t: &NaiveDateTime| {
            let mut text = t.format("%Y-%m-%dT%H:%M").to_string();
            if t.second() != 0 || t.nanosecond() != 0 {
                text.push_str(&t.format(":%S%.f").to_string());
            }
            text
        };
        match self {
            Stamp::Instant(t) => {
                let mut text = clock(&t.naive_local());
                if t.offset().local_minus_utc() == 0 {
                    text.push('Z');
                } else {
                    text.push_str(&t.format("%:z").to_string());
                }
                text
            }
            Stamp::Local(t) => clock(t),
            Stamp::Date(d) => d.format("%Y-%m-%d").to_string(),
        }
    }

    /// The instant it names in `calendar`; a local time the clocks skipped
    /// or showed twice is an error that gives both readings.
    pub fn resolve(self, calendar: Calendar) -> Result<DateTime<Utc>, LocalTimeError> {
        match self {
            Stamp::Instant(t) => Ok(t.to_utc()),
            Stamp::Local(t) => calendar.resolve(t),
            Stamp::Date(d) => Ok(calendar.midnight(d)),
        }
    }
}

/// Writes a time in UTC the way reports show it: `2025-01-28T12:00:00Z`,
/// with fractional seconds only when there are any.
pub fn format_timestamp(time: DateTime<Utc>) -> String {
    let naive = time.naive_utc();
    let (date, clock) = (naive.date(), naive.time());
    let nanos = clock.nanosecond();
    // Years of four digits and no leap second: written here, digit by
    // digit (reports write thousands; chrono's general formatter costs ten
    // times as much). Anything else as chrono writes it.
    if !(0..=9999).contains(&date.year()) || nanos >= 1_000_000_000 {
        return time.to_rfc3339_opts(SecondsFormat::AutoSi, true);
    }
    let mut text = String::with_capacity(30);
    push_date(&mut text, date);
    text.push('T');
    let seconds = clock.num_seconds_from_midnight();
    push_digits(&mut text, seconds / 3600, 2);
    text.push(':');
    push_digits(&mut text, seconds / 60 % 60, 2);
    text.push(':');
    push_digits(&mut text, seconds % 60, 2);
    // As chrono's `AutoSi`: milli-, micro- or nanoseconds, as few as exact.
    if nanos != 0 {
        text.push('.');
        match (nanos % 1_000_000, nanos % 1000) {
            (0, _) => push_digits(&mut text, nanos / 1_000_000, 3),
            (_, 0) => push_digits(&mut text, nanos / 1000, 6),
            _ => push_digits(&mut text, nanos, 9),
        }
    }
    text.push('Z');
    text
}

/// `2025-01-28`: a date as logs and reports write it.
pub fn format_date(date: NaiveDate) -> String {
    if !(0..=9999).contains(&date.year()) {
        return date.format("%Y-%m-%d").to_string();
    }
    let mut text = String::with_capacity(10);
    push_date(&mut text, date);
    text
}

/// `2025-01`: the month of a date as logs and reports write it.
pub fn format_month(date: NaiveDate) -> String {
    if !(0..=9999).contains(&date.year()) {
        return date.format("%Y-%m").to_string();
    }
    let mut text = String::with_capacity(7);
    push_digits(&mut text, date.year().unsigned_abs(), 4);
    text.push('-');
    push_digits(&mut text, date.month(), 2);
    text
}

/// `YYYY-MM-DD` of a year from 0 to 9999.
fn push_date(text: &mut String, date: NaiveDate) {
    push_digits(text, date.year().unsigned_abs(), 4);
    text.push('-');
    push_digits(text, date.month(), 2);
    text.push('-');
    push_digits(text, date.day(), 2);
}

/// `n` in `width` decimal digits, zeros first (`n` has no more digits).
fn push_digits(text: &mut String, n: u32, width: u32) {
    for place in (0..width).rev() {
        let digit = n / 10u32.pow(place) % 10;
        text.push(char::from(b'0' + digit as u8));
    }
}

fn parse_date(text: &str) -> Result<NaiveDate, TimestampError> {
    let mut parts = text.splitn(3, '-');
    let (Some(y), Some(m), Some(d)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(TimestampError::Malformed);
    };
    if y.len() < 4 || m.len() != 2 || d.len() != 2 {
        return Err(TimestampError::Malformed);
    }
    let year: i64 = digits(y).ok_or(TimestampError::Malformed).or_else(|e| {
        // A year too long for i64 is still a year out of range.
        if y.bytes().all(|b| b.is_ascii_digit()) {
            Ok(i64::MAX)
        } else {
            Err(e)
        }
    })?;
    if !(1..=9999).contains(&year) {
        return Err(TimestampError::YearOutOfRange(year));
    }
    let month = digits(m).ok_or(TimestampError::Malformed)?;
    let day = digits(d).ok_or(TimestampError::Malformed)?;
    NaiveDate::from_ymd_opt(year as i32, month as u32, day as u32).ok_or(TimestampError::NoSuchDate)
}

/// Splits `08:30:00+02:00` into the time and its offset (if any).
fn split_offset(text: &str) -> Result<(&str, Option<FixedOffset>), TimestampError> {
    if let Some(time) = text.strip_suffix(['Z', 'z']) {
        return Ok((time, Some(FixedOffset::east_opt(0).ok_or(TimestampError::BadOffset)?)));
    }
    let Some(i) = text.rfind(['+', '-']) else {
        return Ok((text, None));
    };
    let (time, offset) = (&text[..i], &text[i..]);
    let sign = if offset.starts_with('-') { -1 } else { 1 };
    let (h, m) = offset[1..].split_once(':').ok_or(TimestampError::Malformed)?;
    if h.len() != 2 || m.len() != 2 {
        return Err(TimestampError::Malformed);
    }
    let (h, m) = (
        digits(h).ok_or(TimestampError::Malformed)?,
        digits(m).ok_or(TimestampError::Malformed)?,
    );
    if h > 23 || m > 59 {
        return Err(TimestampError::BadOffset);
    }
    let seconds = sign * (h * 3600 + m * 60) as i32;
    Ok((
        time,
        Some(FixedOffset::east_opt(seconds).ok_or(TimestampError::BadOffset)?),
    ))
}

fn parse_time(text: &str) -> Result<NaiveTime, TimestampError> {
    let (clock, fraction) = match text.split_once('.') {
        Some((clock, fraction)) => (clock, Some(fraction)),
        None => (text, None),
    };
    let mut parts = clock.split(':');
    let h = parts.next().ok_or(TimestampError::Malformed)?;
    let m = parts.next().ok_or(TimestampError::Malformed)?;
    let s = parts.next();
    if parts.next().is_some() || h.len() != 2 || m.len() != 2 || s.is_some_and(|s| s.len() != 2) {
        return Err(TimestampError::Malformed);
    }
    if fraction.is_some() && s.is_none() {
        return Err(TimestampError::Malformed);
    }
    let nanos = match fraction {
        None => 0,
        Some(f) if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) => {
            return Err(TimestampError::Malformed);
        }
        // Digits beyond nanoseconds are dropped.
        Some(f) => {
            let f = &f[..f.len().min(9)];
            digits(f).ok_or(TimestampError::Malformed)? as u32 * 10u32.pow(9 - f.len() as u32)
        }
    };
    let h = digits(h).ok_or(TimestampError::Malformed)?;
    let m = digits(m).ok_or(TimestampError::Malformed)?;
    let s = s.map_or(Some(0), digits).ok_or(TimestampError::Malformed)?;
    // Leap seconds (`:60`) are not accepted: observation logs do not use them.
    if s > 59 {
        return Err(TimestampError::NoSuchTime);
    }
    NaiveTime::from_hms_nano_opt(h as u32, m as u32, s as u32, nanos).ok_or(TimestampError::NoSuchTime)
}

/// Parses ASCII digits only (no sign, no spaces).
fn digits(text: &str) -> Option<i64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn the_last_day_reads_every_time_as_if_read_alone(
            times in prop::collection::vec(
                prop::sample::select(vec![
                    "2024-02-28T23:59:59Z", "2024-02-29T00:00:00Z", "2023-02-29T00:00:00Z",
                    "2023-02-29T12:00:00Z", "2024-02-29T12:00:00Z", "0000-01-01T00:00:00Z",
                    "2024-13-01T00:00:00Z", "2024-02-29T24:00:00Z", "2024-02-2xT00:00:00Z",
                ]),
                0..12,
            )
        ) {
            let last = LastDay::default();
            for t in times {
                prop_assert_eq!(utc_seconds_with(t, |b| last.date(b)), utc_seconds(t), "{}", t);
            }
        }

        /// Times, dates and months are written exactly as chrono writes
        /// them, from year 1 to 9999 and beyond, with or without
        /// fractions of a second.
        #[test]
        fn times_are_written_as_chrono_writes_them(
            seconds in prop_oneof![-62_135_596_800i64..253_402_300_800, -100_000_000_000i64..300_000_000_000],
            nanos in prop_oneof![Just(0u32), (0u32..1000).prop_map(|n| n * 1_000_000), (0u32..1_000_000).prop_map(|n| n * 1000), 0u32..1_000_000_000],
        ) {
            let Some(t) = DateTime::from_timestamp(seconds, nanos) else { return Ok(()) };
            prop_assert_eq!(format_timestamp(t), t.to_rfc3339_opts(SecondsFormat::AutoSi, true));
            let date = t.date_naive();
            prop_assert_eq!(format_date(date), date.format("%Y-%m-%d").to_string());
            prop_assert_eq!(format_month(date), date.format("%Y-%m").to_string());
        }
    }

    #[test]
    fn a_leap_second_is_written_as_chrono_writes_it() {
        let leap = NaiveDate::from_ymd_opt(2016, 12, 31)
            .and_then(|d| d.and_hms_nano_opt(23, 59, 59, 1_500_000_000))
            .map(|t| t.and_utc())
            .expect("a leap second");
        assert_eq!(
            format_timestamp(leap),
            leap.to_rfc3339_opts(SecondsFormat::AutoSi, true)
        );
    }

    fn utc(text: &str) -> String {
        format_timestamp(parse_timestamp(text).unwrap().to_utc())
    }

    #[test]
    fn accepts_the_forms_of_the_spec() {
        assert_eq!(utc("2025-01-19T08:30:00Z"), "2025-01-19T08:30:00Z");
        assert_eq!(utc("2025-01-19T08:30Z"), "2025-01-19T08:30:00Z");
        assert_eq!(utc("2025-01-19T11:15:00+02:00"), "2025-01-19T09:15:00Z");
        assert_eq!(utc("2025-01-19"), "2025-01-19T00:00:00Z");
        assert_eq!(utc("2025-01-19t08:30z"), "2025-01-19T08:30:00Z");
        assert_eq!(utc("2025-01-19T08:30:00.250-01:30"), "2025-01-19T10:00:00.250Z");
    }

    #[test]
    fn rule_file_times_as_written() {
        let stamp = |t: &str| parse_stamp(t).unwrap();
        assert!(matches!(stamp("2015-02-15"), Stamp::Date(_)));
        assert!(matches!(stamp("2015-02-15T00:00"), Stamp::Local(_)));
        assert!(matches!(stamp("2015-02-15T00:00Z"), Stamp::Instant(_)));
        for text in [
            "2015-02-15",
            "2015-02-15T00:00",
            "2015-02-15T00:00Z",
            "2015-02-15T07:30:15.500+02:00",
        ] {
            assert_eq!(stamp(text).text(), text);
        }
        assert_eq!(parse_stamp("2015-02-30T00:00"), Err(TimestampError::NoSuchDate));
        assert_eq!(parse_stamp("2015-02-15T25:00"), Err(TimestampError::NoSuchTime));
        let kyiv = Calendar::named("Europe/Kyiv").unwrap();
        let midnight = stamp("2015-02-15").resolve(kyiv).unwrap();
        assert_eq!(format_timestamp(midnight), "2015-02-14T22:00:00Z");
        assert_eq!(stamp("2015-02-15T00:00").resolve(kyiv), Ok(midnight));
        assert!(stamp("2025-03-30T03:30").resolve(kyiv).is_err());
    }

    #[test]
    fn rejects_what_is_not_an_instant() {
        use TimestampError::*;
        let err = |t: &str| parse_timestamp(t).unwrap_err();
        assert_eq!(err("2025-01-19T08:30"), NoOffset);
        assert_eq!(err("2025-01-19T08:30:00"), NoOffset);
        assert_eq!(err("0000-01-01"), YearOutOfRange(0));
        assert_eq!(err("99999-01-01"), YearOutOfRange(99999));
        assert_eq!(err("99999999999999999999999-01-01"), YearOutOfRange(i64::MAX));
        assert_eq!(err("2025-02-30"), NoSuchDate);
        assert_eq!(err("2025-01-19T24:00Z"), NoSuchTime);
        assert_eq!(err("2025-01-19T08:30+24:00"), BadOffset);
        assert_eq!(err("9999-12-31T23:59:59.9-23:59"), UtcYearOutOfRange(10000));
        assert_eq!(err("0001-01-01T00:00:00+00:01"), UtcYearOutOfRange(0));
        assert_eq!(utc("9999-12-31T23:59:59.9Z"), "9999-12-31T23:59:59.900Z");
        assert_eq!(utc("0001-01-01T00:01:00+00:01"), "0001-01-01T00:00:00Z");
        assert_eq!(err("2025-1-19"), Malformed);
        assert_eq!(err("yesterday"), Malformed);
        assert_eq!(err(""), Malformed);
        assert_eq!(err("2025-01-19T08:30:00.Z"), Malformed);
    }
}
