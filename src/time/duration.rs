//! Durations such as `72h`, `1d12h`, `90m`: units `w d h m s`, largest first.

use chrono::TimeDelta;

/// Why a duration could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    /// A unit that is not `w`, `d`, `h`, `m` or `s`.
    #[error("`{unit}` is not a unit of time")]
    UnknownUnit {
        /// The unit as written.
        unit: String,
        /// The unit meant, if it can be guessed (`hr` → `h`).
        suggestion: Option<&'static str>,
    },
    /// Units out of order or repeated (`30m2h`, `1h1h`).
    #[error("units must go from largest to smallest, each at most once")]
    Order,
    /// No `<digits><unit>` shape at all.
    #[error("not a duration")]
    Malformed,
    /// Too long to represent.
    #[error("the duration is too long")]
    TooLong,
}

const UNITS: [(char, i64); 5] = [('w', 604_800), ('d', 86_400), ('h', 3_600), ('m', 60), ('s', 1)];

/// A length of time as a monitor wrote it: the value, and its spelling with
/// zero parts and leading zeros dropped (`72h` stays `72h`; `1d0h` is `1d`).
///
/// Weeks and days are calendar days (LANGUAGE-v2 §10): in a calendar with
/// summer time, `1d` from noon is noon the next day, 23 or 25 hours later
/// across a change. Hours, minutes and seconds are exact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Duration {
    delta: TimeDelta,
    /// The weeks and days, in days.
    days: i64,
    text: String,
    /// `per day`, `per week`, `per month`: slices aligned to the calendar.
    unit: Option<CalendarUnit>,
}

/// A slice of the calendar (LANGUAGE-v2 §10): from a local midnight, of a
/// Monday, of the 1st, to the next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CalendarUnit {
    /// `day`
    Day,
    /// `week` (from Monday)
    Week,
    /// `month`
    Month,
}

impl Duration {
    /// The length of time, counting a day as 24 hours (exact in UTC).
    pub fn delta(&self) -> TimeDelta {
        self.delta
    }

    /// The calendar days it spans (`w` and `d`).
    pub fn days(&self) -> i64 {
        self.days
    }

    /// `day`, `week` or `month` as a slice of the calendar; its length is
    /// the shortest such slice (a day of 24 hours, February's 28 days).
    pub fn calendar(unit: CalendarUnit) -> Self {
        let (days, text) = match unit {
            CalendarUnit::Day => (1, "day"),
            CalendarUnit::Week => (7, "week"),
            CalendarUnit::Month => (28, "month"),
        };
        Duration {
            delta: TimeDelta::days(days),
            days,
            text: text.to_string(),
            unit: Some(unit),
        }
    }

    /// The calendar slice it names, for `per day`, `per week`, `per month`.
    pub fn unit(&self) -> Option<CalendarUnit> {
        self.unit
    }

    /// The exact part (`h`, `m` and `s`).
    pub fn exact(&self) -> TimeDelta {
        self.delta - TimeDelta::days(self.days)
    }

    /// Whether it is whole days or weeks (`7d`, `1w`), nothing exact.
    pub fn is_whole_days(&self) -> bool {
        self.days != 0 && self.exact().is_zero()
    }

    /// The canonical spelling.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// A duration spelled in the largest units that fit.
    /// Its days are taken as exact 24-hour days.
    pub fn from_delta(delta: TimeDelta) -> Self {
        Duration {
            delta,
            days: 0,
            text: format_duration(delta),
            unit: None,
        }
    }
}

impl std::fmt::Display for Duration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// Reads a duration. A zero duration is read fine; the caller decides whether
/// zero is allowed.
pub fn parse_duration(text: &str) -> Result<Duration, DurationError> {
    let mut rest = text;
    let mut total: i64 = 0;
    let mut canonical = String::new();
    let mut last_unit = usize::MAX;
    let mut days: i64 = 0;
    if rest.is_empty() {
        return Err(DurationError::Malformed);
    }
    while !rest.is_empty() {
        let digits_end = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
        if digits_end == 0 {
            return Err(DurationError::Malformed);
        }
        let unit_end = rest[digits_end..]
            .find(|c: char| c.is_ascii_digit())
            .map_or(rest.len(), |i| digits_end + i);
        let (number, unit) = (&rest[..digits_end], &rest[digits_end..unit_end]);
        let Some(index) = UNITS.iter().position(|(u, _)| unit.len() == 1 && unit.starts_with(*u)) else {
            return Err(DurationError::UnknownUnit {
                unit: unit.to_string(),
                suggestion: suggest_unit(unit),
            });
        };
        if last_unit != usize::MAX && index <= last_unit {
            return Err(DurationError::Order);
        }
        last_unit = index;
        let number: i64 = number.parse().map_err(|_| DurationError::TooLong)?;
        if number > 0 {
            canonical.push_str(&format!("{number}{}", UNITS[index].0));
        }
        total = number
            .checked_mul(UNITS[index].1)
            .and_then(|s| total.checked_add(s))
            .ok_or(DurationError::TooLong)?;
        if UNITS[index].1 >= 86_400 {
            days += number * (UNITS[index].1 / 86_400);
        }
        rest = &rest[unit_end..];
    }
    // Durations beyond 100,000 years are never meant and would overflow time arithmetic.
    if total > 100_000 * 366 * 86_400 {
        return Err(DurationError::TooLong);
    }
    let delta = TimeDelta::try_seconds(total).ok_or(DurationError::TooLong)?;
    if canonical.is_empty() {
        canonical = format!("0{}", &text[text.len() - 1..]);
    }
    Ok(Duration {
        delta,
        days,
        text: canonical,
        unit: None,
    })
}

/// The unit a person probably meant.
fn suggest_unit(unit: &str) -> Option<&'static str> {
    let lower = unit.to_ascii_lowercase();
    let meant = match lower.as_str() {
        "w" | "wk" | "wks" | "week" | "weeks" => "w",
        "d" | "day" | "days" => "d",
        "h" | "hr" | "hrs" | "hour" | "hours" => "h",
        "m" | "min" | "mins" | "minute" | "minutes" => "m",
        "s" | "sec" | "secs" | "second" | "seconds" => "s",
        _ => return None,
    };
    Some(meant)
}

/// Writes a duration compactly, largest unit first, leaving out zero parts:
/// `1d12h`, and `90m` as `1h30m`.
pub fn format_duration(delta: TimeDelta) -> String {
    let mut seconds = delta.num_seconds();
    let mut out = String::new();
    if seconds < 0 {
        out.push('-');
        seconds = -seconds;
    }
    if seconds == 0 {
        return "0s".to_string();
    }
    for (unit, size) in UNITS {
        let n = seconds / size;
        if n > 0 {
            out.push_str(&n.to_string());
            out.push(unit);
            seconds -= n * size;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_durations() {
        let secs = |t: &str| parse_duration(t).unwrap().delta().num_seconds();
        assert_eq!(secs("72h"), 72 * 3600);
        assert_eq!(secs("1d12h"), 36 * 3600);
        assert_eq!(secs("1w"), 7 * 86_400);
        assert_eq!(secs("90m"), 5400);
        assert_eq!(secs("0h"), 0);
        assert_eq!(secs("1w2d3h4m5s"), 604_800 + 2 * 86_400 + 3 * 3600 + 4 * 60 + 5);
    }

    #[test]
    fn days_and_weeks_are_calendar_days() {
        let d = parse_duration("1w2d3h4m").unwrap();
        assert_eq!(d.days(), 9);
        assert_eq!(d.exact(), TimeDelta::minutes(3 * 60 + 4));
        assert!(!d.is_whole_days());
        assert!(parse_duration("2d").unwrap().is_whole_days());
        assert_eq!(parse_duration("72h").unwrap().days(), 0);
    }

    #[test]
    fn keeps_the_units_written() {
        let text = |t: &str| parse_duration(t).unwrap().to_string();
        assert_eq!(text("72h"), "72h");
        assert_eq!(text("1d0h"), "1d");
        assert_eq!(text("0d072h"), "72h");
        assert_eq!(text("0h"), "0h");
    }

    #[test]
    fn rejects_bad_durations() {
        assert_eq!(
            parse_duration("72hr"),
            Err(DurationError::UnknownUnit {
                unit: "hr".into(),
                suggestion: Some("h")
            })
        );
        assert_eq!(
            parse_duration("3y"),
            Err(DurationError::UnknownUnit {
                unit: "y".into(),
                suggestion: None
            })
        );
        assert_eq!(parse_duration("30m2h"), Err(DurationError::Order));
        assert_eq!(parse_duration("1h1h"), Err(DurationError::Order));
        assert_eq!(parse_duration("99999999999999999999d"), Err(DurationError::TooLong));
        assert_eq!(parse_duration("9999999999999w"), Err(DurationError::TooLong));
        assert_eq!(parse_duration("h"), Err(DurationError::Malformed));
    }

    #[test]
    fn writes_durations() {
        let f = |s: i64| format_duration(TimeDelta::seconds(s));
        assert_eq!(f(72 * 3600), "3d");
        assert_eq!(f(4 * 86_400 + 5 * 3600 + 12 * 60), "4d5h12m");
        assert_eq!(f(5400), "1h30m");
        assert_eq!(f(0), "0s");
        assert_eq!(f(-3600), "-1h");
        assert_eq!(f(8 * 86_400), "1w1d");
    }
}
