//! Calendars (LANGUAGE-v2 §10): the time zone a rule unit counts its days
//! in, from the IANA database (`chrono-tz`). UTC unless a unit says
//! `calendar "Europe/Kyiv"`; in UTC every day has 24 hours and everything
//! means what it did in v1.
//!
//! Instants stay in UTC everywhere; a calendar only says how local clock
//! times, calendar days and local midnights map onto them.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeDelta, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use std::fmt;

/// A time zone of the IANA database, or UTC.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Calendar {
    /// v1's meaning: days of 24 hours, midnight UTC.
    #[default]
    Utc,
    /// A named zone.
    Zone(Tz),
}

/// Why a local clock time does not name one instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LocalTimeError {
    /// Skipped by a summer-time change: the clocks jumped over it.
    #[error("does not exist in {zone}: the clocks were put forward")]
    Skipped {
        /// The zone's name.
        zone: &'static str,
        /// Read with the offset before the change (later than meant).
        before: DateTime<Utc>,
        /// Read with the offset after the change (earlier than meant).
        after: DateTime<Utc>,
    },
    /// Repeated by a change back: the clocks showed it twice.
    #[error("happens twice in {zone}: the clocks were put back")]
    Twice {
        /// The zone's name.
        zone: &'static str,
        /// The first time the clocks showed it.
        first: DateTime<Utc>,
        /// The second time.
        second: DateTime<Utc>,
    },
}

impl Calendar {
    /// The calendar of an IANA name (links such as `Europe/Kiev` included);
    /// `None` if there is no such zone.
    pub fn named(name: &str) -> Option<Calendar> {
        match name.parse::<Tz>() {
            Ok(Tz::UTC | Tz::Etc__UTC) => Some(Calendar::Utc),
            Ok(tz) => Some(Calendar::Zone(tz)),
            Err(_) => None,
        }
    }

    /// Every zone name the database knows, for suggestions.
    pub fn names() -> impl Iterator<Item = &'static str> {
        chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name())
    }

    /// `UTC`, or the zone's name.
    pub fn name(self) -> &'static str {
        match self {
            Calendar::Utc => "UTC",
            Calendar::Zone(tz) => tz.name(),
        }
    }

    /// Whether days are UTC days (no calendar set).
    pub fn is_utc(self) -> bool {
        self == Calendar::Utc
    }

    /// The local clock time of an instant.
    pub fn local(self, t: DateTime<Utc>) -> NaiveDateTime {
        match self {
            Calendar::Utc => t.naive_utc(),
            Calendar::Zone(tz) => t.with_timezone(&tz).naive_local(),
        }
    }

    /// The offset from UTC in force at an instant, in seconds.
    pub fn offset_seconds(self, t: DateTime<Utc>) -> i32 {
        match self {
            Calendar::Utc => 0,
            Calendar::Zone(tz) => tz.offset_from_utc_datetime(&t.naive_utc()).fix().local_minus_utc(),
        }
    }

    /// The instant a local clock time names, or why it names none or two.
    pub fn resolve(self, local: NaiveDateTime) -> Result<DateTime<Utc>, LocalTimeError> {
        let Calendar::Zone(tz) = self else {
            return Ok(local.and_utc());
        };
        match tz.from_local_datetime(&local) {
            chrono::LocalResult::Single(t) => Ok(t.to_utc()),
            chrono::LocalResult::Ambiguous(a, b) => {
                let (first, second) = if a <= b { (a, b) } else { (b, a) };
                Err(LocalTimeError::Twice {
                    zone: tz.name(),
                    first: first.to_utc(),
                    second: second.to_utc(),
                })
            }
            chrono::LocalResult::None => {
                let (before, after) = self.around_gap(tz, local);
                Err(LocalTimeError::Skipped {
                    zone: tz.name(),
                    before: (local - before).and_utc(),
                    after: (local - after).and_utc(),
                })
            }
        }
    }

    /// The instant a local clock time names, the way calendar arithmetic
    /// reads it (LANGUAGE-v2 §10): a time the clocks skipped moves forward
    /// by the gap; a time they showed twice is its first occurrence.
    pub fn resolve_forward(self, local: NaiveDateTime) -> DateTime<Utc> {
        match self.resolve(local) {
            Ok(t) => t,
            Err(LocalTimeError::Skipped { before, .. }) => before,
            Err(LocalTimeError::Twice { first, .. }) => first,
        }
    }

    /// The offsets in force a day before and a day after a skipped local
    /// time: the offsets either side of the change.
    fn around_gap(self, tz: Tz, local: NaiveDateTime) -> (TimeDelta, TimeDelta) {
        let offset_at = |l: NaiveDateTime| {
            let seconds = tz
                .from_local_datetime(&l)
                .earliest()
                .map_or(0, |t| t.offset().fix().local_minus_utc());
            TimeDelta::seconds(i64::from(seconds))
        };
        let day = TimeDelta::days(1);
        (
            offset_at(local.checked_sub_signed(day).unwrap_or(local)),
            offset_at(local.checked_add_signed(day).unwrap_or(local)),
        )
    }

    /// `t` moved by whole calendar days (the same local clock time `days`
    /// days later, or earlier if negative), then by an exact length.
    /// `None` past the years 1 to 9999.
    pub fn shift(self, t: DateTime<Utc>, days: i64, exact: TimeDelta) -> Option<DateTime<Utc>> {
        let moved = match self {
            _ if days == 0 => t,
            Calendar::Utc => t.checked_add_signed(TimeDelta::try_days(days)?)?,
            Calendar::Zone(_) => {
                let local = self.local(t).checked_add_signed(TimeDelta::try_days(days)?)?;
                self.resolve_forward(local)
            }
        };
        moved.checked_add_signed(exact)
    }

    /// The local midnight at or before `t`.
    pub fn start_of_day(self, t: DateTime<Utc>) -> DateTime<Utc> {
        self.midnight(self.local(t).date())
    }

    /// The first instant of a local day: its midnight, or where the day
    /// begins if the clocks skipped midnight.
    pub fn midnight(self, date: NaiveDate) -> DateTime<Utc> {
        match self {
            // No clock change in UTC: its midnight as it stands.
            Calendar::Utc => date.and_time(NaiveTime::MIN).and_utc(),
            Calendar::Zone(_) => self.resolve_forward(date.and_time(NaiveTime::MIN)),
        }
    }

    /// The local date of an instant.
    pub fn date(self, t: DateTime<Utc>) -> NaiveDate {
        self.local(t).date()
    }

    /// The Monday of the local week holding `date`.
    pub fn monday(date: NaiveDate) -> NaiveDate {
        date - chrono::Days::new(u64::from(date.weekday().num_days_from_monday()))
    }

    /// The first of the month of `date`.
    pub fn first_of_month(date: NaiveDate) -> NaiveDate {
        date.with_day(1).unwrap_or(date)
    }

    /// `00:00 Europe/Kyiv`: how reports write the local time beside UTC
    /// (`None` in UTC).
    pub fn beside(self, t: DateTime<Utc>) -> Option<String> {
        let Calendar::Zone(tz) = self else { return None };
        let local = self.local(t);
        let time = if local.time().nanosecond() != 0 {
            local.format("%H:%M:%S%.f").to_string()
        } else if local.time().second() != 0 {
            local.format("%H:%M:%S").to_string()
        } else {
            local.format("%H:%M").to_string()
        };
        // As LANGUAGE-v2 §10 writes it: the clock time alone, beside the
        // full UTC timestamp (`2015-02-14T22:00:00Z (00:00 Europe/Kyiv)`).
        Some(format!("{time} {}", tz.name()))
    }

    /// `text` with the local time after every UTC timestamp in it
    /// (`2015-02-14T22:00:00Z` becomes `2015-02-14T22:00:00Z (00:00
    /// Europe/Kyiv)`): how reports say times where a calendar is set. A
    /// timestamp already followed by its local time is left as it is.
    pub fn annotate(self, text: &str) -> String {
        if self.is_utc() {
            return text.to_string();
        }
        let bytes = text.as_bytes();
        let mut out = String::with_capacity(text.len());
        let mut i = 0;
        let mut copied = 0;
        while i + 20 <= bytes.len() {
            let Some(len) = utc_stamp_at(bytes, i) else {
                i += 1;
                continue;
            };
            let end = i + len;
            let stamp = &text[i..end];
            let already = text[end..].starts_with(" (") && text[end + 2..].starts_with(|c: char| c.is_ascii_digit());
            if let (false, Ok(t)) = (already, DateTime::parse_from_rfc3339(stamp)) {
                out.push_str(&text[copied..end]);
                if let Some(local) = self.beside(t.to_utc()) {
                    out.push_str(" (");
                    out.push_str(&local);
                    out.push(')');
                }
                copied = end;
            }
            i = end;
        }
        out.push_str(&text[copied..]);
        out
    }

    /// The local time as an RFC 3339 timestamp with its offset
    /// (`2015-02-15T00:00:00+02:00`), for the JSON report.
    pub fn local_timestamp(self, t: DateTime<Utc>) -> String {
        match self {
            Calendar::Utc => t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
            Calendar::Zone(tz) => t
                .with_timezone(&tz)
                .fixed_offset()
                .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false),
        }
    }
}

/// `daily HH:MM to HH:MM` (LANGUAGE-v2 §10): the same hours of every local
/// day; `to` at or before `from` runs across midnight into the next day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DailyHours {
    /// Where each day's piece starts.
    pub from: NaiveTime,
    /// Where it ends (excluded), on the next day if not after `from`.
    pub to: NaiveTime,
}

impl DailyHours {
    /// `HH:MM` of a clock.
    pub fn clock(t: NaiveTime) -> String {
        t.format("%H:%M").to_string()
    }

    /// The piece that starts on local day `date`.
    fn piece(self, calendar: Calendar, date: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
        let end_date = if self.to > self.from {
            date
        } else {
            date.succ_opt().unwrap_or(date)
        };
        (
            calendar.resolve_forward(date.and_time(self.from)),
            calendar.resolve_forward(end_date.and_time(self.to)),
        )
    }

    /// Whether every instant from `first` to `last` (both included) lies in
    /// one piece (yes), none does (no), or some may (unknown: `None`).
    pub fn contains(self, calendar: Calendar, first: DateTime<Utc>, last: DateTime<Utc>) -> Option<bool> {
        let (start, end) = (calendar.date(first), calendar.date(last));
        // Every day has a piece: a range over more than a year and a day
        // overlaps some, and lies in none.
        if (end - start).num_days() > 400 {
            return None;
        }
        let mut overlap = false;
        let mut day = start.pred_opt().unwrap_or(start);
        while day <= end {
            let (s, e) = self.piece(calendar, day);
            if s <= first && last < e {
                return Some(true);
            }
            overlap |= s <= last && first < e;
            day = match day.succ_opt() {
                Some(next) => next,
                None => break,
            };
        }
        if overlap { None } else { Some(false) }
    }

    /// Where a window ending at `end` closes when restricted to these
    /// hours: `end` if it falls in a piece, else the end of the last piece
    /// before it.
    pub fn close(self, calendar: Calendar, end: DateTime<Utc>) -> DateTime<Utc> {
        let date = calendar.date(end);
        let mut best: Option<DateTime<Utc>> = None;
        let mut day = date.checked_sub_days(chrono::Days::new(2)).unwrap_or(date);
        while day <= date {
            let (s, e) = self.piece(calendar, day);
            if s < end && end <= e {
                return end;
            }
            if e <= end {
                best = Some(best.map_or(e, |b| b.max(e)));
            }
            day = match day.succ_opt() {
                Some(next) => next,
                None => break,
            };
        }
        best.unwrap_or(end)
    }
}

/// The length of a UTC timestamp as reports write it starting at `i`
/// (`2015-02-14T22:00:00Z`, with optional fractions), if there is one.
fn utc_stamp_at(b: &[u8], i: usize) -> Option<usize> {
    let digit = |k: usize| b.get(i + k).is_some_and(u8::is_ascii_digit);
    let at = |k: usize, c: u8| b.get(i + k) == Some(&c);
    let shape = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18].into_iter().all(digit)
        && at(4, b'-')
        && at(7, b'-')
        && at(10, b'T')
        && at(13, b':')
        && at(16, b':');
    if !shape || (i > 0 && b[i - 1].is_ascii_alphanumeric()) {
        return None;
    }
    let mut k = 19;
    if at(k, b'.') {
        k += 1;
        while digit(k) {
            k += 1;
        }
    }
    at(k, b'Z').then_some(k + 1)
}

impl fmt::Display for Calendar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).expect("a timestamp").to_utc()
    }

    fn local(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M").expect("a local time")
    }

    #[test]
    fn names_and_links() {
        assert_eq!(Calendar::named("Europe/Kyiv").map(Calendar::name), Some("Europe/Kyiv"));
        assert_eq!(Calendar::named("Europe/Kiev").map(Calendar::name), Some("Europe/Kiev"));
        assert_eq!(Calendar::named("UTC"), Some(Calendar::Utc));
        assert_eq!(Calendar::named("Europe/Kyyiv"), None);
        assert!(Calendar::names().any(|n| n == "Asia/Gaza"));
    }

    #[test]
    fn skipped_and_repeated_clock_times() {
        let kyiv = Calendar::named("Europe/Kyiv").expect("zone");
        // 2025-03-30: 03:00 EET became 04:00 EEST.
        let Err(LocalTimeError::Skipped { before, after, .. }) = kyiv.resolve(local("2025-03-30T03:30")) else {
            panic!("skipped");
        };
        assert_eq!(before, utc("2025-03-30T01:30:00Z"));
        assert_eq!(after, utc("2025-03-30T00:30:00Z"));
        assert_eq!(
            kyiv.resolve_forward(local("2025-03-30T03:30")),
            utc("2025-03-30T01:30:00Z")
        );
        // 2025-10-26: 04:00 EEST became 03:00 EET.
        let Err(LocalTimeError::Twice { first, second, .. }) = kyiv.resolve(local("2025-10-26T03:30")) else {
            panic!("twice");
        };
        assert_eq!(first, utc("2025-10-26T00:30:00Z"));
        assert_eq!(second, utc("2025-10-26T01:30:00Z"));
        assert_eq!(kyiv.resolve_forward(local("2025-10-26T03:30")), first);
    }

    #[test]
    fn calendar_days_keep_the_clock_time() {
        let kyiv = Calendar::named("Europe/Kyiv").expect("zone");
        let start = utc("2025-03-29T10:00:00Z"); // 12:00 EET
        let next = kyiv.shift(start, 1, TimeDelta::zero()).expect("in range");
        assert_eq!(next, utc("2025-03-30T09:00:00Z")); // 12:00 EEST: a 23-hour day
        assert_eq!(kyiv.shift(next, -1, TimeDelta::zero()), Some(start));
        // 02:30 + 1d onto a change day: 03:30 local is skipped, moves on an hour.
        let early = utc("2025-03-29T00:30:00Z"); // 02:30 EET
        assert_eq!(
            kyiv.shift(early, 1, TimeDelta::zero()),
            Some(utc("2025-03-30T00:30:00Z"))
        );
        let skipped = utc("2025-03-29T01:30:00Z"); // 03:30 EET
        assert_eq!(
            kyiv.shift(skipped, 1, TimeDelta::zero()),
            Some(utc("2025-03-30T01:30:00Z"))
        );
        // UTC days are 24 hours.
        assert_eq!(
            Calendar::Utc.shift(start, 1, TimeDelta::hours(1)),
            Some(utc("2025-03-30T11:00:00Z"))
        );
    }

    #[test]
    fn midnights_in_both_hemispheres() {
        let santiago = Calendar::named("America/Santiago").expect("zone");
        // Chile put its clocks forward at midnight on 2024-09-08: the day
        // begins at 01:00.
        assert_eq!(
            santiago.midnight(NaiveDate::from_ymd_opt(2024, 9, 8).expect("date")),
            utc("2024-09-08T04:00:00Z")
        );
        assert_eq!(
            santiago.start_of_day(utc("2024-09-08T12:00:00Z")),
            utc("2024-09-08T04:00:00Z")
        );
        let gaza = Calendar::named("Asia/Gaza").expect("zone");
        assert_eq!(
            gaza.beside(utc("2023-11-24T05:00:00Z")).as_deref(),
            Some("07:00 Asia/Gaza")
        );
        assert_eq!(
            gaza.beside(utc("2023-11-23T22:30:00Z")).as_deref(),
            Some("00:30 Asia/Gaza")
        );
        assert_eq!(
            gaza.local_timestamp(utc("2023-11-24T05:00:00Z")),
            "2023-11-24T07:00:00+02:00"
        );
        assert_eq!(
            Calendar::monday(NaiveDate::from_ymd_opt(2025, 1, 1).expect("date")).to_string(),
            "2024-12-30"
        );
    }
}
