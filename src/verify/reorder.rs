//! Putting a log back in time order as it streams by, when its records are
//! in order by when they happened but some are known only to a range: a
//! record dated "the whole day" follows the instants of that morning in the
//! file, yet is judged by its first instant, midnight. Such records wait in
//! a small heap until nothing later in the file can come before them — the
//! longest range seen so far is the slack — and the log is still judged as
//! it is read. A record that breaks even that order is reported, and the
//! caller falls back to sorting the whole log.

use crate::eval::time::Time;
use crate::log::Observation;
use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, VecDeque};

/// The order observations are judged in: time, file, record.
type Key = (Time, u32, u64);

/// An observation waiting its turn: its key and its slot.
struct Waiting(Key, usize);

impl PartialEq for Waiting {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}
impl Eq for Waiting {}
impl PartialOrd for Waiting {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Waiting {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.cmp(&other.0)
    }
}

/// The first records of a log wait whatever they are, so that a range
/// early in the log sets the slack before any instant is handed on.
const WARM_UP: u64 = 4096;

/// Observations back in judging order.
#[derive(Default)]
pub(crate) struct Reorder {
    /// How many observations were taken.
    seen: u64,
    /// Waiting observations that came in judging order (the instants of a
    /// log in time order), oldest first: a queue, no sorting needed.
    queued: VecDeque<Waiting>,
    /// The other waiting observations (those known to a range, which come
    /// after instants they precede), by key.
    waiting: BinaryHeap<Reverse<Waiting>>,
    /// The observations waiting, in slots reused as they are handed on:
    /// an observation is swapped into a free slot, and what the slot held
    /// goes back to the reader to drop (no copy, no allocation here).
    slots: Vec<Observation>,
    free: Vec<usize>,
    /// The last observation handed on.
    released: Option<Key>,
    /// Whether observations go straight on (see [`Reorder::passes`]).
    fast: bool,
    /// The latest instant any observation seen may have.
    latest: Option<Time>,
    /// The longest range seen.
    slack: chrono::TimeDelta,
    /// Where nothing later in the file can start before: the latest
    /// instant seen less the longest range (`None`: not worked out since
    /// either changed).
    threshold: Option<Time>,
    /// Whether the latest instant has grown since `threshold` was worked
    /// out (it is then lower than it could be, never too high).
    stale: bool,
    /// Observations taken since `threshold` was worked out.
    since: u32,
    /// Whether the last drain stopped at an observation not yet safe to
    /// hand on: until the threshold moves or an earlier one comes, nothing
    /// can be handed on, and the queue is not looked at again.
    stuck: bool,
}

/// A stale threshold is worked out again only every so many observations:
/// in a log with ranges every record moves the latest instant, and working
/// it out (a subtraction through the calendar) on each cost more than the
/// rest of the queue. Records wait that many more at most; the order they
/// are handed on in is the same.
const RECOMPUTE: u32 = 32;

impl Reorder {
    /// Takes the next observation of the log, handing on every one whose
    /// turn has come; `false` if it comes before one already handed on
    /// (the log is out of order beyond what ranges explain).
    /// Whether `o` may be handed on at once: an instant, no range seen
    /// yet, in order (every record of an exact log, once past the first
    /// few thousand). The caller hands it on; otherwise it calls [`push`].
    #[inline]
    pub fn passes(&mut self, o: &Observation) -> bool {
        if !self.fast || o.is_range() {
            return false;
        }
        let key = o.order();
        if self.released.is_some_and(|r| key < r) {
            return false;
        }
        self.released = Some(key);
        true
    }

    /// Takes the next observation of the log, handing on every one whose
    /// turn has come; `false` if it comes before one already handed on
    /// (the log is out of order beyond what ranges explain).
    pub fn push(&mut self, o: &mut Observation, out: &mut dyn FnMut(&Observation)) -> bool {
        if self.fast {
            // Leaving the fast path: what it handed on is the latest seen.
            self.fast = false;
            if let Some((t, _, _)) = self.released {
                self.latest = Some(self.latest.map_or(t, |l| l.max(t)));
            }
        }
        let ok = self.push_slowly(o, out);
        self.fast = self.slack.is_zero() && self.is_empty() && self.seen > WARM_UP;
        ok
    }

    fn push_slowly(&mut self, o: &mut Observation, out: &mut dyn FnMut(&Observation)) -> bool {
        let key = o.order();
        if self.released.is_some_and(|r| key < r) {
            return false;
        }
        self.seen += 1;
        self.since = self.since.saturating_add(1);
        if o.is_range() {
            let last = o.last();
            if self.latest.is_none_or(|l| last > l) {
                self.latest = Some(last);
                self.stale = true;
            }
            // A longer range lowers the threshold: work it out again. (A
            // later latest instant only raises it: the old one stays safe.)
            let length = length(o.time, o.until());
            if length > self.slack {
                self.slack = length;
                self.threshold = None;
            }
        } else if self.latest.is_none_or(|l| o.time > l) {
            // The threshold only grows with the latest instant: the one
            // worked out before is still safe to go by.
            self.latest = Some(o.time);
            self.stale = true;
        }
        if !o.is_range() && self.seen > WARM_UP && self.is_empty() && self.safe(key) {
            self.released = Some(key);
            out(o);
            return true;
        }
        let slot = match self.free.pop() {
            Some(slot) => {
                std::mem::swap(&mut self.slots[slot], o);
                slot
            }
            None => {
                self.slots.push(std::mem::replace(o, Observation::blank()));
                self.slots.len() - 1
            }
        };
        // In judging order after everything queued: at the queue's end.
        // Behind a queue that was stuck, it changes nothing: the first in
        // judging order is the same, and so is the threshold unless it is
        // due to be worked out again.
        let unchanged = self.stuck
            && !self.queued.is_empty()
            && self.threshold.is_some()
            && !(self.stale && self.since >= RECOMPUTE);
        if self.queued.back().is_none_or(|w| w.0 <= key) {
            self.queued.push_back(Waiting(key, slot));
            if unchanged {
                return true;
            }
        } else {
            self.waiting.push(Reverse(Waiting(key, slot)));
        }
        self.drain(out, false);
        true
    }

    /// Whether nothing waits.
    fn is_empty(&self) -> bool {
        self.queued.is_empty() && self.waiting.is_empty()
    }

    /// The key of the next observation in judging order, if any waits, and
    /// whether it is at the front of the queue (else on top of the heap).
    fn next(&self) -> Option<(Key, bool)> {
        match (self.queued.front(), self.waiting.peek()) {
            (Some(q), Some(Reverse(h))) if h.0 < q.0 => Some((h.0, false)),
            (Some(q), _) => Some((q.0, true)),
            (None, Some(Reverse(h))) => Some((h.0, false)),
            (None, None) => None,
        }
    }

    /// Hands on everything still waiting.
    pub fn finish(&mut self, out: &mut dyn FnMut(&Observation)) {
        self.drain(out, true);
    }

    /// Whether nothing later in the file can come before `key`: a later
    /// record starts no earlier than the latest instant seen minus the
    /// longest range.
    fn safe(&mut self, key: Key) -> bool {
        if self.slack.is_zero() {
            return true;
        }
        if self.threshold.is_some_and(|t| key.0 < t) {
            return true;
        }
        if self.threshold.is_some() && (!self.stale || self.since < RECOMPUTE) {
            return false;
        }
        let Some(latest) = self.latest else { return true };
        let t = latest.checked_sub_signed(self.slack).unwrap_or(latest);
        self.threshold = Some(t);
        self.stale = false;
        self.since = 0;
        key.0 < t
    }

    fn drain(&mut self, out: &mut dyn FnMut(&Observation), all: bool) {
        if !all && self.seen <= WARM_UP {
            return;
        }
        self.stuck = false;
        while let Some((key, queued)) = self.next() {
            if !all && !self.safe(key) {
                self.stuck = true;
                break;
            }
            let taken = if queued {
                self.queued.pop_front()
            } else {
                self.waiting.pop().map(|Reverse(w)| w)
            };
            let Some(Waiting(key, slot)) = taken else {
                break;
            };
            self.released = Some(key);
            out(&self.slots[slot]);
            self.free.push(slot);
        }
    }
}

/// `until − time` for a range: worked out on dates and times of day when
/// the two are the same day or neighbours (a range of a day or an hour, as
/// most are), else by chrono (whose general difference was a tenth of
/// the queue's cost).
fn length(time: Time, until: Time) -> chrono::TimeDelta {
    use chrono::Timelike;
    let (a, b) = (time.naive_utc(), until.naive_utc());
    let days = if a.date() == b.date() {
        0
    } else if a.date().succ_opt() == Some(b.date()) {
        1
    } else {
        return until.signed_duration_since(time);
    };
    let (sa, na) = (a.time().num_seconds_from_midnight(), a.time().nanosecond());
    let (sb, nb) = (b.time().num_seconds_from_midnight(), b.time().nanosecond());
    if na >= 1_000_000_000 || nb >= 1_000_000_000 {
        // A leap second: left to chrono.
        return until.signed_duration_since(time);
    }
    let seconds = days * 86_400 + i64::from(sb) - i64::from(sa);
    let (seconds, nanos) = match nb.checked_sub(na) {
        Some(nanos) => (seconds, nanos),
        None => (seconds - 1, nb + 1_000_000_000 - na),
    };
    chrono::TimeDelta::new(seconds, nanos).unwrap_or_else(|| until.signed_duration_since(time))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn observation(line: u64, start: i64, length: i64) -> Observation {
        let mut o = Observation::blank();
        let t = |s: i64| chrono::DateTime::from_timestamp(s, 0).expect("time");
        o.set_time(t(start), (length > 0).then(|| t(start + length)));
        o.origin.line = line;
        o
    }

    proptest! {
        /// The length of a range, as chrono's difference gives it.
        #[test]
        fn a_range_s_length_is_chrono_s_difference(
            seconds in -62_000_000_000i64..253_000_000_000,
            nanos in prop_oneof![Just(0u32), 0u32..1_000_000_000],
            later in prop_oneof![0i64..90_000, 86_000i64..173_000, 0i64..10_000_000],
            later_nanos in prop_oneof![Just(0u32), 0u32..1_000_000_000],
        ) {
            let a = chrono::DateTime::from_timestamp(seconds, nanos).expect("in range");
            let b = chrono::DateTime::from_timestamp(seconds + later, later_nanos).expect("in range");
            prop_assert_eq!(length(a, b), b.signed_duration_since(a));
            prop_assert_eq!(length(b, a), a.signed_duration_since(b));
        }

        /// A log in time order whose ranged records come after the
        /// instants they precede (as a day's record follows that morning's
        /// reports) is handed on whole and in judging order.
        #[test]
        fn a_log_with_ranges_comes_back_in_judging_order(
            records in prop::collection::vec((0i64..600, prop::option::weighted(0.3, 1i64..7200)), 1..6000),
        ) {
            let mut now = 1_000_000i64;
            let mut log = Vec::new();
            for (line, (step, range)) in records.iter().enumerate() {
                now += step;
                log.push(match range {
                    // Known to a range that began up to its length ago.
                    Some(length) => observation(line as u64, now - length / 2, *length),
                    None => observation(line as u64, now, 0),
                });
            }
            let mut reorder = Reorder::default();
            let mut out = Vec::new();
            for o in &log {
                if reorder.passes(o) {
                    out.push(o.order());
                } else {
                    prop_assert!(reorder.push(&mut o.clone(), &mut |o| out.push(o.order())));
                }
            }
            reorder.finish(&mut |o| out.push(o.order()));
            let mut want: Vec<_> = log.iter().map(Observation::order).collect();
            want.sort();
            prop_assert_eq!(out, want);
        }
    }
}
