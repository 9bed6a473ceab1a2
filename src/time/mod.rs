//! Time: reading timestamps and durations, and writing them back.
//!
//! Rule files and observation logs share these readers so that a time means
//! the same thing wherever it is written. The library never reads the clock.

mod calendar;
mod duration;
mod range;
mod timestamp;

pub use calendar::{Calendar, DailyHours, LocalTimeError};
pub use duration::{CalendarUnit, Duration, DurationError, format_duration, parse_duration};
pub(crate) use range::parse_log_time_after;
pub use range::{LogTime, LogTimeError, format_log_time, parse_log_span, parse_log_time};
pub(crate) use timestamp::LastDay;
pub use timestamp::{
    Stamp, TimestampError, format_date, format_month, format_timestamp, parse_local, parse_stamp, parse_timestamp,
};
