//! Every comparison of times and every piece of window arithmetic the
//! evaluator makes goes through this module, so that observations whose
//! time is a range (a date without an hour) can be added in one place.

use chrono::{DateTime, TimeDelta, Utc};

/// An instant.
pub type Time = DateTime<Utc>;

/// The horizon: the log is complete up to and including it. `None` when
/// there is nothing to judge by (no observations and no `--as-of`): then
/// nothing has closed and nothing is due.
pub type Horizon = Option<Time>;

/// `t + d`, saturating at the ends of representable time.
pub fn shift(t: Time, d: TimeDelta) -> Time {
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

/// Where a window starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Start {
    /// `before A`: from the beginning of time.
    Unbounded,
    /// At this instant, included.
    At(Time),
}

/// Where a window ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    /// Just before this instant (`[s, e)`).
    Before(Time),
    /// At this instant, included (`within D after A`: `[A, A + D]`).
    Through(Time),
    /// Not known yet (an anchor not observed): open up to the horizon.
    Open,
    /// `after A`: never.
    Never,
}

/// A window of time, whose start is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Interval {
    /// The start.
    pub start: Start,
    /// The end.
    pub end: End,
}

impl Interval {
    /// Whether `t` lies in the window.
    pub fn contains(&self, t: Time) -> bool {
        let after_start = match self.start {
            Start::Unbounded => true,
            Start::At(s) => t >= s,
        };
        after_start
            && match self.end {
                End::Before(e) => t < e,
                End::Through(e) => t <= e,
                End::Open | End::Never => true,
            }
    }

    /// Whether the window has started by the horizon.
    pub fn started(&self, horizon: Horizon) -> bool {
        match self.start {
            Start::Unbounded => true,
            Start::At(s) => reached(horizon, s),
        }
    }

    /// Whether the window has closed by the horizon: nothing later can fall in it.
    pub fn closed(&self, horizon: Horizon) -> bool {
        match self.end {
            End::Before(e) | End::Through(e) => reached(horizon, e),
            End::Open | End::Never => false,
        }
    }

    /// The start instant, if bounded.
    pub fn start_time(&self) -> Option<Time> {
        match self.start {
            Start::At(s) => Some(s),
            Start::Unbounded => None,
        }
    }

    /// The end instant, if known.
    pub fn end_time(&self) -> Option<Time> {
        match self.end {
            End::Before(e) | End::Through(e) => Some(e),
            End::Open | End::Never => None,
        }
    }

    /// Whether a slice `[s, s_end)` lies wholly inside the window.
    pub fn holds_slice(&self, slice_end: Time) -> bool {
        match self.end {
            End::Before(e) | End::Through(e) => slice_end <= e,
            End::Open | End::Never => true,
        }
    }
}

/// Tumbling slices `[s + kD, s + (k+1)D)` of a window starting at `s`.
#[derive(Clone, Copy, Debug)]
pub struct Slices {
    start: Time,
    length: TimeDelta,
}

impl Slices {
    /// Slices of `length` from `start`.
    pub fn new(start: Time, length: TimeDelta) -> Self {
        Slices { start, length }
    }

    /// The index of the slice holding `t` (`t` at or after the start).
    pub fn index(&self, t: Time) -> i64 {
        let since = nanos(elapsed(self.start, t));
        let length = nanos(self.length).max(1);
        i64::try_from(since.div_euclid(length)).unwrap_or(i64::MAX)
    }

    /// Where slice `k` starts.
    pub fn start_of(&self, k: i64) -> Time {
        let offset = i128::from(k) * nanos(self.length);
        shift(self.start, delta_from_nanos(offset))
    }

    /// Where slice `k` ends (excluded).
    pub fn end_of(&self, k: i64) -> Time {
        self.start_of(k.saturating_add(1))
    }

    /// How many whole slices end at or before `t`.
    pub fn closed_by(&self, t: Time) -> i64 {
        if t < self.start {
            return 0;
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

    fn t(text: &str) -> Time {
        crate::time::parse_timestamp(text).unwrap().to_utc()
    }

    #[test]
    fn half_open_and_closed_windows() {
        let half = Interval {
            start: Start::At(t("2025-01-01")),
            end: End::Before(t("2025-01-02")),
        };
        assert!(half.contains(t("2025-01-01")));
        assert!(!half.contains(t("2025-01-02")));
        let closed = Interval {
            start: Start::At(t("2025-01-01")),
            end: End::Through(t("2025-01-02")),
        };
        assert!(closed.contains(t("2025-01-02")));
        assert!(!closed.closed(Some(t("2025-01-01T23:59Z"))));
        assert!(closed.closed(Some(t("2025-01-02"))));
        assert!(!half.started(None));
        assert!(
            Interval {
                start: Start::Unbounded,
                end: End::Open
            }
            .started(None)
        );
    }

    #[test]
    fn slices_tumble_from_the_start() {
        let slices = Slices::new(t("2025-01-01"), TimeDelta::days(1));
        assert_eq!(slices.index(t("2025-01-01")), 0);
        assert_eq!(slices.index(t("2025-01-01T23:59:59Z")), 0);
        assert_eq!(slices.index(t("2025-01-03T00:00Z")), 2);
        assert_eq!(slices.end_of(2), t("2025-01-04"));
        assert_eq!(slices.closed_by(t("2025-01-03T12:00Z")), 2);
        assert_eq!(slices.closed_by(t("2024-12-31")), 0);
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
