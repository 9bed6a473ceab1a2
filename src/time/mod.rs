//! Time: reading timestamps and durations, and writing them back.
//!
//! Rule files and observation logs share these readers so that a time means
//! the same thing wherever it is written. The library never reads the clock.

mod duration;
mod range;
mod timestamp;

pub use duration::{Duration, DurationError, format_duration, parse_duration};
pub use range::{DayStart, LogTime, LogTimeError, format_log_time, parse_log_time, utc_day};
pub use timestamp::{TimestampError, format_timestamp, parse_timestamp};
