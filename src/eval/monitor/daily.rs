//! Daily windows (LANGUAGE-v2 §10): whether an observation lies in the
//! hours, and how reasons name them.

use crate::eval::time::When;
use crate::eval::truth::Truth;
use crate::time::{Calendar, DailyHours};

/// Whether an observation at `when` lies in the daily hours (`Yes` when
/// there are none).
pub(crate) fn in_daily(daily: Option<(DailyHours, Calendar)>, when: When) -> Truth {
    match daily {
        None => Truth::Yes,
        Some((daily, calendar)) => match daily.contains(calendar, when.first, when.last) {
            Some(true) => Truth::Yes,
            Some(false) => Truth::No,
            None => Truth::Unknown,
        },
    }
}

/// `, daily 22:00 to 06:00 Asia/Gaza`, or nothing.
pub(crate) fn daily_words(daily: Option<(DailyHours, Calendar)>) -> String {
    daily
        .map(|(d, calendar)| {
            format!(
                ", daily {} to {} {calendar}",
                DailyHours::clock(d.from),
                DailyHours::clock(d.to)
            )
        })
        .unwrap_or_default()
}
