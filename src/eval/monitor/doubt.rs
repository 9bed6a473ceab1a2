//! Uncertainty in words (LANGUAGE-v2 §9.6): how an observation is dated,
//! and why it only possibly exists.

use super::contract::Ctx;
use crate::eval::result::Evidence;
use crate::eval::time::{End, Interval, Start, When, at_or_before, earlier};
use crate::eval::truth::Truth;
use crate::time::format_timestamp;

/// When an observation happened, in words (see [`Evidence::dated`]).
pub(crate) fn dated(e: &Evidence) -> String {
    e.dated()
}

/// "strike on 2015-02-15 (the whole day)".
pub(crate) fn named(e: &Evidence) -> String {
    format!("{} {}", e.kind, dated(e))
}

/// Why an observation only possibly exists: it was cut at the horizon, or
/// does not meet the rule's evidence standard ("only source: Ministry of
/// Defence; the rule requires 2 sources"). `None` if it certainly exists.
pub(crate) fn existence(ctx: &Ctx, e: &Evidence) -> Option<String> {
    if e.meets_evidence != Some(false) {
        return None;
    }
    if e.cut {
        let horizon = ctx.horizon.map(format_timestamp).unwrap_or_default();
        return Some(format!("it may have happened after the horizon {horizon}"));
    }
    let standard = ctx.standard?;
    let provenance = e.provenance.as_deref();
    let sources = provenance.map_or(&[][..], |p| p.sources.as_slice());
    let reported = match sources {
        [] => "no source given".to_string(),
        [one] => format!("only source: {one}"),
        many => format!(
            "{} sources: {}",
            many.len(),
            many.iter().map(|s| s.as_ref()).collect::<Vec<_>>().join(", ")
        ),
    };
    let status = match provenance.and_then(|p| p.status.as_deref()) {
        Some(status) => format!(", status \"{status}\""),
        None if standard.text.contains("status") => ", no status".to_string(),
        None => String::new(),
    };
    let required = match standard.text.strip_prefix("sources >= ") {
        Some(n) if n.parse::<u64>().is_ok() => format!("the rule requires {n} sources"),
        _ => format!("the rule requires `{}`", standard.text),
    };
    Some(format!("{reported}{status}; {required}"))
}

/// A time as people read it: the instant, or "between A and B".
///
/// A range is written as the log writes it, half-open: "between 09:00 and
/// 10:00" for the instants from 09:00 up to, not including, 10:00 (its
/// last instant is a nanosecond before the end).
pub(crate) fn moment_text(t: When) -> String {
    if t.is_instant() {
        format_timestamp(t.first)
    } else {
        let end = t
            .last
            .checked_add_signed(chrono::TimeDelta::nanoseconds(1))
            .unwrap_or(t.last);
        format!("between {} and {}", format_timestamp(t.first), format_timestamp(end))
    }
}

/// A moment as the object of "from", "to", "by" or "since": a timestamp,
/// or "a moment between A and B" for one known only to a range.
pub(crate) fn moment_phrase(t: When) -> String {
    if t.is_instant() {
        moment_text(t)
    } else {
        format!("a moment {}", moment_text(t))
    }
}

/// Why an observation may lie outside a window, asked where it may lie
/// inside: it may fall before its start, or after its end.
pub(crate) fn outside_window(window: &Interval, t: When) -> Option<String> {
    let mut parts = Vec::new();
    if let Start::At(s) = window.start
        && at_or_before(s.when, t) == Truth::Unknown
    {
        parts.push(format!("may fall before the window's start at {}", moment_text(s.when)));
    }
    let end = match window.end {
        End::Before(e) => Some((e, earlier(t, e.when))),
        End::Through(e) => Some((e, at_or_before(t, e.when))),
        End::Open | End::Never => None,
    };
    if let Some((e, answer)) = end {
        if answer == Truth::Unknown {
            parts.push(format!("may fall after the window's end at {}", moment_text(e.when)));
        }
        if e.known == Truth::Unknown {
            parts.push("the window's end may never have come".to_string());
        }
    }
    (!parts.is_empty()).then(|| parts.join(" and "))
}

/// Why an observation's part in a finding is uncertain, in words: "strike
/// on 2015-02-15 (the whole day) may fall before the window's start at …",
/// "strike at … (only source: X; the rule requires 2 sources)".
pub(crate) fn doubt(ctx: &Ctx, e: &Evidence, time: Option<String>) -> String {
    let mut text = named(e);
    if let Some(time) = time {
        text.push(' ');
        text.push_str(&time);
    }
    if let Some(why) = existence(ctx, e) {
        text.push_str(&format!(" ({why})"));
    }
    text
}

/// At most `n` doubts, then how many more.
pub(crate) fn listed(doubts: Vec<String>, more: u64) -> String {
    let mut text = doubts.join("; ");
    if more > 0 {
        text.push_str(&format!("; and {more} more"));
    }
    text
}

/// The last instant an evidence observation may have happened at.
pub(crate) fn last_instant(e: &Evidence) -> crate::eval::time::Time {
    if e.until > e.time {
        e.until - chrono::TimeDelta::nanoseconds(1)
    } else {
        e.time
    }
}

/// An evidence observation's time.
pub(crate) fn when_of(e: &Evidence) -> When {
    When {
        first: e.time,
        last: last_instant(e),
    }
}
