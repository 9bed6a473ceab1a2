//! Every comparison of times and every piece of window arithmetic the
//! evaluator makes goes through this module, so that observations whose
//! time is a range (a date without an hour) can be added in one place.

use super::truth::Truth;
use crate::time::{Calendar, CalendarUnit, Duration};
use chrono::{DateTime, Datelike, Months, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Timelike, Utc};

/// An instant.
pub type Time = DateTime<Utc>;

/// The horizon: the log is complete up to and including it. `None` when
/// there is nothing to judge by (no observations and no `--as-of`): then
/// nothing has closed and nothing is due.
pub type Horizon = Option<Time>;

/// `t + d`, saturating at the ends of representable time.
#[inline]
pub fn shift(t: Time, d: TimeDelta) -> Time {
    // A window of whole seconds (most of them): the time of day moves and
    // the date moves by whole days, without chrono's general carry through
    // a time delta (a third of a judge's time went there); a window of
    // minutes or hours that stays within the day keeps the date as it is.
    let naive = t.naive_utc();
    let (secs, nanos) = (naive.time().num_seconds_from_midnight(), naive.time().nanosecond());
    if d.subsec_nanos() == 0 && nanos < 1_000_000_000 {
        let moved = i64::from(secs).saturating_add(d.num_seconds());
        let (days, second) = (moved.div_euclid(86_400), moved.rem_euclid(86_400));
        let date = match days {
            0 => Some(naive.date()),
            1.. => naive.date().checked_add_days(chrono::Days::new(days.unsigned_abs())),
            _ => naive.date().checked_sub_days(chrono::Days::new(days.unsigned_abs())),
        };
        if let Some(date) = date
            && let Some(time) = NaiveTime::from_num_seconds_from_midnight_opt(second as u32, nanos)
        {
            return NaiveDateTime::new(date, time).and_utc();
        }
    }
    t.checked_add_signed(d).unwrap_or(if d < TimeDelta::zero() {
        DateTime::<Utc>::MIN_UTC
    } else {
        DateTime::<Utc>::MAX_UTC
    })
}

/// Whether the horizon has reached `t` (`H ≥ t`): a deadline at `t` has passed
/// or is now.
pub fn reached(horizon: Horizon, t: Time) -> bool {
    horizon.is_some_and(|h| h >= t)
}

/// Whether `t` is at or before the deadline (deadlines include their end).
pub fn by_deadline(t: Time, deadline: Time) -> bool {
    t <= deadline
}

/// Whether `a` is strictly earlier than `b`.
#[inline]
pub fn before(a: Time, b: Time) -> bool {
    a < b
}

/// Whether two things happened at the same instant.
pub fn same_instant(a: Time, b: Time) -> bool {
    a == b
}

/// `later - earlier`.
pub fn elapsed(earlier: Time, later: Time) -> TimeDelta {
    later.signed_duration_since(earlier)
}

/// When something may have happened: one instant from `first` to `last`,
/// both included (an instant has `first == last`). Ranges from logs,
/// `[lo, hi)`, end at the instant before `hi`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct When {
    /// The earliest instant.
    pub first: Time,
    /// The latest instant.
    pub last: Time,
}

impl When {
    /// A single instant.
    pub fn at(t: Time) -> Self {
        When { first: t, last: t }
    }

    /// An observation's time.
    #[inline]
    pub fn of(o: &crate::log::Observation) -> Self {
        When {
            first: o.time,
            last: o.last(),
        }
    }

    /// Whether it is a single instant.
    pub fn is_instant(&self) -> bool {
        self.first == self.last
    }

    /// Both ends moved by a calendar step.
    #[inline]
    pub fn step(self, step: Step) -> Self {
        let first = step.apply(self.first);
        let last = if self.last == self.first {
            first
        } else {
            step.apply(self.last)
        };
        When { first, last }
    }

    /// Both ends moved by `d`.
    #[inline]
    pub fn shift(self, d: TimeDelta) -> Self {
        let first = shift(self.first, d);
        let last = if self.last == self.first {
            first
        } else {
            shift(self.last, d)
        };
        When { first, last }
    }
}

/// `a ≤ b` for every pair of instants (yes), for none (no), or some.
#[inline]
pub(crate) fn at_or_before(a: When, b: When) -> Truth {
    if a.last <= b.first {
        Truth::Yes
    } else if a.first > b.last {
        Truth::No
    } else {
        Truth::Unknown
    }
}

/// `a < b` for every pair, for none, or some.
#[inline]
pub(crate) fn earlier(a: When, b: When) -> Truth {
    if a.last < b.first {
        Truth::Yes
    } else if a.first >= b.last {
        Truth::No
    } else {
        Truth::Unknown
    }
}

/// `H ≥ t`: whether the horizon has reached every instant `t` may be.
pub(crate) fn reached_when(horizon: Horizon, t: When) -> Truth {
    match horizon {
        None => Truth::No,
        Some(h) if h >= t.last => Truth::Yes,
        Some(h) if h < t.first => Truth::No,
        Some(_) => Truth::Unknown,
    }
}

/// A time worked out from anchors: when it may be, and whether it is
/// known at all (an anchor whose candidates only possibly exist may not
/// exist: LANGUAGE-v2 §9.4). An anchor that certainly does not exist is
/// not a `Moment` (`None`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Moment {
    /// When it may be.
    pub when: When,
    /// Yes, or unknown when it may not exist.
    pub(crate) known: Truth,
}

impl Moment {
    /// A known instant.
    pub fn at(t: Time) -> Self {
        Moment {
            when: When::at(t),
            known: Truth::Yes,
        }
    }

    /// Moved by `d`.
    pub fn shift(self, d: TimeDelta) -> Self {
        Moment {
            when: self.when.shift(d),
            known: self.known,
        }
    }

    /// Moved by a calendar step.
    pub fn step(self, step: Step) -> Self {
        Moment {
            when: self.when.step(step),
            known: self.known,
        }
    }

    /// Whether it is a known single instant (as every anchor of an exact log is).
    pub fn exact(&self) -> Option<Time> {
        (self.known == Truth::Yes && self.when.is_instant()).then_some(self.when.first)
    }
}

/// Where a window starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Start {
    /// `before A`: from the beginning of time.
    Unbounded,
    /// At this time, included.
    At(Moment),
}

/// Where a window ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    /// Just before this time (`[s, e)`).
    Before(Moment),
    /// At this time, included (`within D after A`: `[A, A + D]`).
    Through(Moment),
    /// Not known yet (an anchor not observed): open up to the horizon.
    Open,
    /// `after A`: never.
    Never,
}

/// A window of time, whose start may be uncertain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Interval {
    /// The start.
    pub start: Start,
    /// The end.
    pub end: End,
}

impl Interval {
    /// Whether something at `t` lies in the window, asked where the window
    /// has started (its start anchor exists); an end anchor that may not
    /// exist leaves the window open in that branch.
    pub(crate) fn contains(&self, t: When) -> Truth {
        let after_start = match self.start {
            Start::Unbounded => Truth::Yes,
            Start::At(s) => at_or_before(s.when, t),
        };
        if after_start == Truth::No {
            return Truth::No;
        }
        let before_end = match self.end {
            End::Before(e) => earlier(t, e.when).or(e.known.not()),
            End::Through(e) => at_or_before(t, e.when).or(e.known.not()),
            End::Open | End::Never => Truth::Yes,
        };
        after_start.and(before_end)
    }

    /// Whether the window has started by the horizon (its start anchor
    /// exists and the horizon has reached it).
    pub(crate) fn started(&self, horizon: Horizon) -> Truth {
        match self.start {
            Start::Unbounded => Truth::Yes,
            Start::At(s) => s.known.and(reached_when(horizon, s.when)),
        }
    }

    /// Whether the window has closed by the horizon: nothing later can fall in it.
    pub(crate) fn closed(&self, horizon: Horizon) -> Truth {
        match self.end {
            End::Before(e) | End::Through(e) => e.known.and(reached_when(horizon, e.when)),
            End::Open | End::Never => Truth::No,
        }
    }

    /// The earliest start instant, if bounded.
    pub fn start_time(&self) -> Option<Time> {
        match self.start {
            Start::At(s) => Some(s.when.first),
            Start::Unbounded => None,
        }
    }

    /// The start, if bounded.
    pub fn start_moment(&self) -> Option<Moment> {
        match self.start {
            Start::At(s) => Some(s),
            Start::Unbounded => None,
        }
    }

    /// The end, if there is an anchor for it.
    pub fn end_moment(&self) -> Option<Moment> {
        match self.end {
            End::Before(e) | End::Through(e) => Some(e),
            End::Open | End::Never => None,
        }
    }

    /// The latest end instant, if known (an exact log's only end instant).
    pub fn end_time(&self) -> Option<Time> {
        self.end_moment().map(|e| e.when.last)
    }

    /// Whether every bound is a known instant.
    pub fn exact(&self) -> bool {
        self.start_moment().is_none_or(|s| s.exact().is_some()) && self.end_moment().is_none_or(|e| e.exact().is_some())
    }
}

/// A duration as a step through a calendar (LANGUAGE-v2 §10): its weeks
/// and days are calendar days (the same local clock time so many days
/// on), its hours, minutes and seconds exact. In UTC a step is a plain
/// length of time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    calendar: Calendar,
    days: i64,
    exact: TimeDelta,
    /// The whole length, days counted as 24 hours (exact in UTC).
    total: TimeDelta,
}

impl Step {
    /// `d` in `calendar`.
    pub fn of(calendar: Calendar, d: &Duration) -> Self {
        Step {
            calendar,
            days: d.days(),
            exact: d.exact(),
            total: d.delta(),
        }
    }

    /// `days` calendar days and `exact`, as an anchor's offsets add up.
    pub fn offset(calendar: Calendar, days: i64, total: TimeDelta) -> Self {
        Step {
            calendar,
            days,
            exact: total - TimeDelta::try_days(days).unwrap_or(TimeDelta::zero()),
            total,
        }
    }

    /// Nothing.
    pub fn zero() -> Self {
        Step {
            calendar: Calendar::Utc,
            days: 0,
            exact: TimeDelta::zero(),
            total: TimeDelta::zero(),
        }
    }

    /// The same step backwards.
    pub fn back(self) -> Self {
        Step {
            days: -self.days,
            exact: -self.exact,
            total: -self.total,
            ..self
        }
    }

    /// `k` steps in one.
    pub fn times(self, k: i64) -> Self {
        Step {
            days: self.days.saturating_mul(k),
            exact: self
                .exact
                .checked_mul(k.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32)
                .unwrap_or(TimeDelta::MAX),
            total: self
                .total
                .checked_mul(k.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32)
                .unwrap_or(TimeDelta::MAX),
            ..self
        }
    }

    /// Whether it counts calendar days that are not always 24 hours long.
    fn local(&self) -> bool {
        self.days != 0 && !self.calendar.is_utc()
    }

    /// `t` moved by the step, saturating at the ends of representable time.
    #[inline]
    pub fn apply(self, t: Time) -> Time {
        if !self.local() {
            return shift(t, self.total);
        }
        self.calendar
            .shift(t, self.days, self.exact)
            .unwrap_or(if self.total < TimeDelta::zero() {
                DateTime::<Utc>::MIN_UTC
            } else {
                DateTime::<Utc>::MAX_UTC
            })
    }

    /// Its length counting a day as 24 hours (for ordering and words).
    pub fn nominal(self) -> TimeDelta {
        self.total
    }
}

/// Tumbling slices `[s + kD, s + (k+1)D)` of a window starting at `s`,
/// `D` stepped through the unit's calendar.
#[derive(Clone, Copy, Debug)]
pub struct Slices {
    start: Time,
    length: TimeDelta,
    step: Step,
    /// `per day`, `per week`, `per month`: the calendar, the unit and the
    /// local date of the first slice.
    aligned: Option<(Calendar, CalendarUnit, NaiveDate)>,
}

impl Slices {
    /// Slices of `step` from `start`.
    pub fn new(start: Time, step: Step) -> Self {
        Slices {
            start,
            length: step.nominal(),
            step,
            aligned: None,
        }
    }

    /// Days, weeks (from Monday) or months of `calendar`, the first being
    /// the one that holds `start` (which may begin before it).
    pub fn aligned(start: Time, calendar: Calendar, unit: CalendarUnit) -> Self {
        let date = calendar.date(start);
        let first = match unit {
            CalendarUnit::Day => date,
            CalendarUnit::Week => Calendar::monday(date),
            CalendarUnit::Month => Calendar::first_of_month(date),
        };
        let days = match unit {
            CalendarUnit::Day => 1,
            CalendarUnit::Week => 7,
            CalendarUnit::Month => 28,
        };
        Slices {
            start: calendar.midnight(first),
            length: TimeDelta::days(days),
            step: Step::zero(),
            aligned: Some((calendar, unit, first)),
        }
    }

    /// Whether the slices are days, weeks or months of a calendar.
    pub fn is_aligned(&self) -> bool {
        self.aligned.is_some()
    }

    /// The index of the slice holding `t` (`t` at or after the start).
    pub fn index(&self, t: Time) -> i64 {
        if let Some((calendar, unit, first)) = self.aligned {
            let date = calendar.date(t);
            let mut k = match unit {
                CalendarUnit::Day => (date - first).num_days(),
                CalendarUnit::Week => (date - first).num_days().div_euclid(7),
                CalendarUnit::Month => {
                    i64::from(date.year() - first.year()) * 12 + i64::from(date.month()) - i64::from(first.month())
                }
            };
            while k > 0 && self.start_of(k) > t {
                k -= 1;
            }
            return k;
        }
        let since = elapsed(self.start, t);
        let k = match (since.num_nanoseconds(), self.length.num_nanoseconds()) {
            // Within 292 years of the start: 64-bit arithmetic, which
            // costs a fraction of 128-bit division on every observation.
            (Some(since), Some(length)) => since.div_euclid(length.max(1)),
            _ => i64::try_from(nanos(since).div_euclid(nanos(self.length).max(1))).unwrap_or(i64::MAX),
        };
        if !self.step.local() {
            return k;
        }
        // Calendar days of 23 or 25 hours: the nominal guess is at most a
        // slice or so off; step to the slice that holds `t`.
        let mut k = k;
        while k > 0 && self.start_of(k) > t {
            k -= 1;
        }
        while self.start_of(k.saturating_add(1)) <= t && k < i64::MAX {
            k += 1;
        }
        k
    }

    /// Where slice `k` starts.
    pub fn start_of(&self, k: i64) -> Time {
        if let Some((calendar, unit, first)) = self.aligned {
            let date = match unit {
                CalendarUnit::Day => first.checked_add_signed(TimeDelta::try_days(k).unwrap_or(TimeDelta::MAX)),
                CalendarUnit::Week => {
                    first.checked_add_signed(TimeDelta::try_days(k.saturating_mul(7)).unwrap_or(TimeDelta::MAX))
                }
                CalendarUnit::Month if k >= 0 => {
                    first.checked_add_months(Months::new(u32::try_from(k).unwrap_or(u32::MAX)))
                }
                CalendarUnit::Month => first.checked_sub_months(Months::new(u32::try_from(-k).unwrap_or(u32::MAX))),
            };
            return date.map_or(
                if k < 0 {
                    DateTime::<Utc>::MIN_UTC
                } else {
                    DateTime::<Utc>::MAX_UTC
                },
                |d| calendar.midnight(d),
            );
        }
        if self.step.local() {
            return self.step.times(k).apply(self.start);
        }
        let offset = i128::from(k) * nanos(self.length);
        shift(self.start, delta_from_nanos(offset))
    }

    /// Where slice `k` ends (excluded).
    pub fn end_of(&self, k: i64) -> Time {
        self.start_of(k.saturating_add(1))
    }

    /// The index of the slice holding `t`, as [`Slices::index`] gives it,
    /// answered from `cursor` while `t` lies in the slice found last: an
    /// observation in the same slice as the one before (most of them) costs
    /// two comparisons instead of calendar arithmetic.
    #[inline]
    pub fn index_from(&self, cursor: &mut Option<(i64, Time, Time)>, t: Time) -> i64 {
        if let Some((k, start, end)) = *cursor
            && start <= t
            && t < end
        {
            return k;
        }
        let k = self.index(t);
        let (start, end) = (self.start_of(k), self.end_of(k));
        *cursor = (k >= 0 && start <= t && t < end).then_some((k, start, end));
        k
    }

    /// How many whole slices end at or before `t`.
    pub fn closed_by(&self, t: Time) -> i64 {
        if t < self.start {
            return 0;
        }
        if self.step.local() || self.aligned.is_some() {
            // Slice `k` ends where slice `k + 1` starts.
            return self.index(t);
        }
        let since = nanos(elapsed(self.start, t));
        i64::try_from(since.div_euclid(nanos(self.length).max(1))).unwrap_or(i64::MAX)
    }
}

fn nanos(d: TimeDelta) -> i128 {
    i128::from(d.num_seconds()) * 1_000_000_000 + i128::from(d.subsec_nanos())
}

fn delta_from_nanos(n: i128) -> TimeDelta {
    let seconds = n.div_euclid(1_000_000_000);
    let seconds = i64::try_from(seconds).unwrap_or(if n < 0 { i64::MIN / 1000 } else { i64::MAX / 1000 });
    TimeDelta::try_seconds(seconds).unwrap_or(if n < 0 { TimeDelta::MIN } else { TimeDelta::MAX })
        + TimeDelta::nanoseconds(n.rem_euclid(1_000_000_000) as i64)
}

/// A length of time for people: `4d 0h`, `5h 12m`, `3m 20s`, `45s`; under a
/// second, exactly: `250ms`, `3µs`, `1ns` (never `0s` for a length that is not 0).
pub fn humanize(d: TimeDelta) -> String {
    let negative = d < TimeDelta::zero();
    let s = d.num_seconds().unsigned_abs();
    if s == 0 && d != TimeDelta::zero() {
        let nanos = d.subsec_nanos().unsigned_abs();
        let text = if nanos.is_multiple_of(1_000_000) {
            format!("{}ms", nanos / 1_000_000)
        } else if nanos.is_multiple_of(1_000) {
            format!("{}µs", nanos / 1_000)
        } else {
            format!("{nanos}ns")
        };
        return if negative { format!("-{text}") } else { text };
    }
    let (days, hours, minutes, seconds) = (s / 86_400, s / 3600 % 24, s / 60 % 60, s % 60);
    let text = if days > 0 {
        format!("{days}d {hours}h")
    } else if hours > 0 {
        format!("{hours}h {minutes}m")
    } else if minutes > 0 {
        format!("{minutes}m {seconds}s")
    } else {
        format!("{seconds}s")
    };
    if negative { format!("-{text}") } else { text }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Finding slices through a cursor gives what finding each alone does,
        /// for fixed lengths, local days and calendar weeks and months.
        #[test]
        fn slices_found_through_a_cursor_are_the_slices_found_alone(
            kind in 0usize..5,
            times in proptest::collection::vec(-5_000_000i64..400_000_000, 1..60),
            sorted in proptest::bool::ANY,
        ) {
            let start = t("2025-03-01T00:00Z");
            let kyiv = Calendar::named("Europe/Kyiv").expect("a zone");
            let d = |text: &str| crate::time::parse_duration(text).expect("a duration");
            let slices = match kind {
                0 => Slices::new(start, Step::of(Calendar::Utc, &d("7d"))),
                1 => Slices::new(start, Step::of(kyiv, &d("1d"))),
                2 => Slices::new(start, Step::of(Calendar::Utc, &d("90m"))),
                3 => Slices::aligned(start, kyiv, crate::time::CalendarUnit::Week),
                _ => Slices::aligned(start, kyiv, crate::time::CalendarUnit::Month),
            };
            let mut times = times;
            if sorted {
                times.sort_unstable();
            }
            let mut cursor = None;
            for s in times {
                let at = start + TimeDelta::seconds(s);
                prop_assert_eq!(slices.index_from(&mut cursor, at), slices.index(at));
            }
        }
    }

    proptest! {
        /// The shortcut for whole seconds (within the day, or carried
        /// through days) moves a time exactly as chrono does.
        #[test]
        fn shifting_by_whole_seconds_is_chrono_s_addition(
            seconds in -62_000_000_000i64..253_000_000_000,
            nanos in prop_oneof![Just(0u32), 0u32..1_000_000_000],
            delta in prop_oneof![-90_000i64..90_000, -10_000_000i64..10_000_000, -3_000_000_000i64..3_000_000_000],
            delta_nanos in prop_oneof![Just(0i64), -999_999_999i64..999_999_999],
        ) {
            let t = DateTime::from_timestamp(seconds, nanos).expect("in range");
            let d = TimeDelta::seconds(delta) + TimeDelta::nanoseconds(delta_nanos);
            prop_assert_eq!(shift(t, d), t.checked_add_signed(d).expect("in range"));
        }
    }

    #[test]
    fn shifting_saturates_at_the_ends_of_time() {
        assert_eq!(
            shift(DateTime::<Utc>::MAX_UTC, TimeDelta::days(2)),
            DateTime::<Utc>::MAX_UTC
        );
        assert_eq!(
            shift(DateTime::<Utc>::MIN_UTC, TimeDelta::days(-2)),
            DateTime::<Utc>::MIN_UTC
        );
        let t = DateTime::from_timestamp(86_399, 0).expect("in range");
        assert_eq!(
            shift(t, TimeDelta::seconds(1)),
            DateTime::from_timestamp(86_400, 0).expect("in range")
        );
        assert_eq!(shift(t, TimeDelta::seconds(-86_399)), DateTime::UNIX_EPOCH);
    }

    fn t(text: &str) -> Time {
        crate::time::parse_timestamp(text).unwrap().to_utc()
    }

    fn m(text: &str) -> Moment {
        Moment::at(t(text))
    }

    fn at(text: &str) -> When {
        When::at(t(text))
    }

    #[test]
    fn half_open_and_closed_windows() {
        let half = Interval {
            start: Start::At(m("2025-01-01")),
            end: End::Before(m("2025-01-02")),
        };
        assert_eq!(half.contains(at("2025-01-01")), Truth::Yes);
        assert_eq!(half.contains(at("2025-01-02")), Truth::No);
        let closed = Interval {
            start: Start::At(m("2025-01-01")),
            end: End::Through(m("2025-01-02")),
        };
        assert_eq!(closed.contains(at("2025-01-02")), Truth::Yes);
        assert_eq!(closed.closed(Some(t("2025-01-01T23:59Z"))), Truth::No);
        assert_eq!(closed.closed(Some(t("2025-01-02"))), Truth::Yes);
        assert_eq!(half.started(None), Truth::No);
        let always = Interval {
            start: Start::Unbounded,
            end: End::Open,
        };
        assert_eq!(always.started(None), Truth::Yes);
    }

    #[test]
    fn ranges_against_windows_are_three_valued() {
        let half = Interval {
            start: Start::At(m("2025-01-01T12:00Z")),
            end: End::Before(m("2025-01-03")),
        };
        let day = |d: &str| When {
            first: t(d),
            last: t(d) + TimeDelta::days(1) - TimeDelta::nanoseconds(1),
        };
        // The whole day of the start may fall before it; the next day is inside.
        assert_eq!(half.contains(day("2025-01-01")), Truth::Unknown);
        assert_eq!(half.contains(day("2025-01-02")), Truth::Yes);
        // The day of a half-open end lies wholly outside.
        assert_eq!(half.contains(day("2025-01-03")), Truth::No);
        assert_eq!(half.contains(day("2024-12-31")), Truth::No);
        // An end that may never come leaves the window open.
        let open = Interval {
            start: Start::At(m("2025-01-01")),
            end: End::Before(Moment {
                when: at("2025-01-02"),
                known: Truth::Unknown,
            }),
        };
        assert_eq!(open.contains(at("2025-01-05")), Truth::Unknown);
        assert_eq!(open.closed(Some(t("2025-02-01"))), Truth::Unknown);
        // A start known to a range: started is unknown until the horizon passes it.
        let late = Interval {
            start: Start::At(Moment {
                when: day("2025-01-01"),
                known: Truth::Yes,
            }),
            end: End::Never,
        };
        assert_eq!(late.started(Some(t("2025-01-01T12:00Z"))), Truth::Unknown);
        assert_eq!(late.started(Some(t("2025-01-02"))), Truth::Yes);
        assert_eq!(earlier(at("2025-01-01"), day("2025-01-01")), Truth::Unknown);
        assert_eq!(at_or_before(at("2025-01-01"), day("2025-01-01")), Truth::Yes);
    }

    #[test]
    fn slices_tumble_from_the_start() {
        let day = crate::time::parse_duration("1d").expect("a duration");
        let slices = Slices::new(t("2025-01-01"), Step::of(Calendar::Utc, &day));
        assert_eq!(slices.index(t("2025-01-01")), 0);
        assert_eq!(slices.index(t("2025-01-01T23:59:59Z")), 0);
        assert_eq!(slices.index(t("2025-01-03T00:00Z")), 2);
        assert_eq!(slices.end_of(2), t("2025-01-04"));
        assert_eq!(slices.closed_by(t("2025-01-03T12:00Z")), 2);
        assert_eq!(slices.closed_by(t("2024-12-31")), 0);
    }

    #[test]
    fn calendar_day_slices_follow_local_midnights() {
        // Kyiv put its clocks forward on 2025-03-30: that day has 23 hours.
        let kyiv = Calendar::named("Europe/Kyiv").expect("a zone");
        let day = crate::time::parse_duration("1d").expect("a duration");
        let start = t("2025-03-28T22:00Z"); // 00:00 on 29 March, EET
        let slices = Slices::new(start, Step::of(kyiv, &day));
        assert_eq!(slices.start_of(1), t("2025-03-29T22:00Z")); // 00:00 on 30 March
        assert_eq!(slices.start_of(2), t("2025-03-30T21:00Z")); // 00:00 on 31 March, EEST
        assert_eq!(slices.index(t("2025-03-30T21:30Z")), 2);
        assert_eq!(slices.index(t("2025-03-30T20:59:59Z")), 1);
        assert_eq!(slices.closed_by(t("2025-03-30T21:00Z")), 2);
        // Two calendar days from noon are noon, across the change.
        let two = crate::time::parse_duration("2d").expect("a duration");
        assert_eq!(
            Step::of(kyiv, &two).apply(t("2025-03-29T10:00Z")),
            t("2025-03-31T09:00Z")
        );
        assert_eq!(
            Step::of(kyiv, &two).back().apply(t("2025-03-31T09:00Z")),
            t("2025-03-29T10:00Z")
        );
        // Hours stay exact.
        let hours = crate::time::parse_duration("48h").expect("a duration");
        assert_eq!(
            Step::of(kyiv, &hours).apply(t("2025-03-29T10:00Z")),
            t("2025-03-31T10:00Z")
        );
    }

    #[test]
    fn durations_for_people() {
        assert_eq!(humanize(TimeDelta::hours(96)), "4d 0h");
        assert_eq!(humanize(TimeDelta::minutes(312)), "5h 12m");
        assert_eq!(humanize(TimeDelta::seconds(200)), "3m 20s");
        assert_eq!(humanize(TimeDelta::seconds(45)), "45s");
    }

    #[test]
    fn a_length_under_a_second_is_never_0s() {
        assert_eq!(humanize(TimeDelta::nanoseconds(1)), "1ns");
        assert_eq!(humanize(TimeDelta::microseconds(3)), "3µs");
        assert_eq!(humanize(TimeDelta::milliseconds(250)), "250ms");
        assert_eq!(humanize(TimeDelta::nanoseconds(-1500)), "-1500ns");
        assert_eq!(humanize(TimeDelta::zero()), "0s");
        assert_eq!(humanize(TimeDelta::seconds(45)), "45s");
    }
}
