//! Putting a log back in time order as it streams by, when its records are
//! in order by when they happened but some are known only to a range: a
//! record dated "the whole day" follows the instants of that morning in the
//! file, yet is judged by its first instant, midnight. Such records wait
//! until nothing later in the file can come before them — the longest
//! range seen so far is the slack — and the log is still judged as it is
//! read. A record that breaks even that order is reported, and the caller
//! falls back to sorting the whole log.
//!
//! Records wait where the reader put them: a chunk's list of outcomes is
//! kept, whole, while any of its records waits (a day's slack keeps one or
//! two chunks), and only small entries — a record's key and its place —
//! are queued and sorted. Nothing the size of an observation is copied.

use crate::eval::time::Time;
use crate::log::{Observation, Outcome, Routes, observation_of};
use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, VecDeque};

/// The order observations are judged in: time, file, record.
type Key = (Time, u32, u64);

/// Where a waiting observation is: the number of its chunk (chunks are
/// numbered as they are kept) and its index in the chunk's outcomes.
#[derive(Clone, Copy)]
struct Place {
    chunk: u64,
    at: u32,
}

/// An observation waiting its turn: its key and where it is.
struct Waiting(Key, Place);

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

/// A chunk's outcomes, kept while some of its observations wait.
struct Held {
    outcomes: Vec<Outcome>,
    /// How many of its observations still wait.
    waiting: usize,
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
    /// The indexes in the current chunk of its observations not handed on
    /// at once, in file order: they are queued at the chunk's end.
    pending: Vec<u32>,
    /// The kept chunks, oldest first; the first is numbered `base`.
    held: VecDeque<Held>,
    base: u64,
    /// Emptied lists of outcomes, to give the reader back for chunks kept.
    spare: Vec<Vec<Outcome>>,
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

/// The observation at `place` among the kept chunks.
fn at_place(held: &VecDeque<Held>, base: u64, place: Place) -> Option<(&Observation, &Routes)> {
    let chunk = held.get(usize::try_from(place.chunk.checked_sub(base)?).ok()?)?;
    observation_of(chunk.outcomes.get(place.at as usize)?)
}

impl Reorder {
    /// Whether `o` may be handed on at once: an instant, no range seen
    /// yet, in order (every record of an exact log, once past the first
    /// few thousand).
    #[inline]
    fn passes(&mut self, o: &Observation) -> bool {
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

    /// Takes the next observation of the log, at index `at` of its chunk's
    /// outcomes: handed on at once if it [passes](Reorder::passes) (and
    /// none before it in the chunk waits), else queued at the chunk's end
    /// ([`Reorder::end_of_chunk`]).
    #[inline]
    pub fn observation(
        &mut self,
        o: &Observation,
        routes: &Routes,
        at: usize,
        out: &mut dyn FnMut(&Observation, &Routes),
    ) {
        if self.pending.is_empty() && self.passes(o) {
            out(o, routes);
        } else {
            self.pending.push(at as u32);
        }
    }

    /// The end of a chunk: its observations that did not go straight on
    /// are queued in file order, every one whose turn has come is handed
    /// on, and the chunk's outcomes are kept if some of them still wait
    /// (another list is left in their place). `false` if one comes before
    /// one already handed on (the log is out of order beyond what ranges
    /// explain).
    pub fn end_of_chunk(&mut self, outcomes: &mut Vec<Outcome>, out: &mut dyn FnMut(&Observation, &Routes)) -> bool {
        if self.pending.is_empty() {
            return true;
        }
        if self.fast {
            // Leaving the fast path: what it handed on is the latest seen.
            self.fast = false;
            if let Some((t, _, _)) = self.released {
                self.latest = Some(self.latest.map_or(t, |l| l.max(t)));
            }
        }
        let chunk = self.base + self.held.len() as u64;
        let pending = std::mem::take(&mut self.pending);
        self.held.push_back(Held {
            outcomes: std::mem::replace(outcomes, self.spare.pop().unwrap_or_default()),
            waiting: pending.len(),
        });
        let mut ok = true;
        for &at in &pending {
            let place = Place { chunk, at };
            let Some((o, _)) = at_place(&self.held, self.base, place) else {
                // (The reader hands on only valid records: not reached.)
                if let Some(held) = self.held.back_mut() {
                    held.waiting -= 1;
                }
                continue;
            };
            let (key, range) = (o.order(), o.is_range().then(|| (o.last(), length(o.time, o.until()))));
            if !self.push(key, range, place, out) {
                ok = false;
                break;
            }
        }
        self.pending = pending;
        self.pending.clear();
        self.fast = self.slack.is_zero() && self.is_empty() && self.seen > WARM_UP;
        self.let_go();
        ok
    }

    /// Queues one observation (its key, its last instant and length if it
    /// is a range, where it is) and hands on those whose turn has come.
    fn push(
        &mut self,
        key: Key,
        range: Option<(Time, chrono::TimeDelta)>,
        place: Place,
        out: &mut dyn FnMut(&Observation, &Routes),
    ) -> bool {
        if self.released.is_some_and(|r| key < r) {
            return false;
        }
        self.seen += 1;
        self.since = self.since.saturating_add(1);
        match range {
            Some((last, length)) => {
                if self.latest.is_none_or(|l| last > l) {
                    self.latest = Some(last);
                    self.stale = true;
                }
                // A longer range lowers the threshold: work it out again. (A
                // later latest instant only raises it: the old one stays safe.)
                if length > self.slack {
                    self.slack = length;
                    self.threshold = None;
                }
            }
            None => {
                if self.latest.is_none_or(|l| key.0 > l) {
                    // The threshold only grows with the latest instant: the one
                    // worked out before is still safe to go by.
                    self.latest = Some(key.0);
                    self.stale = true;
                }
            }
        }
        if range.is_none() && self.seen > WARM_UP && self.is_empty() && self.safe(key) {
            self.hand_on(key, place, out);
            return true;
        }
        // In judging order after everything queued: at the queue's end.
        // Behind a queue that was stuck, it changes nothing: the first in
        // judging order is the same, and so is the threshold unless it is
        // due to be worked out again.
        let unchanged = self.stuck
            && !self.queued.is_empty()
            && self.threshold.is_some()
            && !(self.stale && self.since >= RECOMPUTE);
        if self.queued.back().is_none_or(|w| w.0 <= key) {
            self.queued.push_back(Waiting(key, place));
            if unchanged {
                return true;
            }
        } else {
            self.waiting.push(Reverse(Waiting(key, place)));
        }
        self.drain(out, false);
        true
    }

    /// Hands on the observation at `place`; its chunk has one fewer waiting.
    fn hand_on(&mut self, key: Key, place: Place, out: &mut dyn FnMut(&Observation, &Routes)) {
        self.released = Some(key);
        if let Some((o, routes)) = at_place(&self.held, self.base, place) {
            out(o, routes);
        }
        let index = place.chunk.checked_sub(self.base).and_then(|i| usize::try_from(i).ok());
        if let Some(held) = index.and_then(|i| self.held.get_mut(i)) {
            held.waiting -= 1;
        }
    }

    /// Gives up the oldest kept chunks none of whose observations waits
    /// any more (their lists go back to the reader, emptied there).
    fn let_go(&mut self) {
        while self.held.front().is_some_and(|h| h.waiting == 0) {
            if let Some(held) = self.held.pop_front() {
                self.spare.push(held.outcomes);
            }
            self.base += 1;
        }
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
    pub fn finish(&mut self, out: &mut dyn FnMut(&Observation, &Routes)) {
        self.drain(out, true);
        self.let_go();
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

    fn drain(&mut self, out: &mut dyn FnMut(&Observation, &Routes), all: bool) {
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
            let Some(Waiting(key, place)) = taken else {
                break;
            };
            self.hand_on(key, place, out);
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

    /// A record waits only until nothing later can come before it, and at
    /// most `RECOMPUTE` records longer (the threshold is worked out again
    /// only every so many records): with records ten seconds apart and
    /// the longest range 100 seconds, no more than the ten records of the
    /// last 100 seconds, one more, and `RECOMPUTE` wait at any time.
    #[test]
    fn a_record_waits_no_longer_than_the_longest_range_and_a_few_records() {
        let mut reorder = Reorder::default();
        let mut handed = 0usize;
        for line in 0..10_000u64 {
            // One range of 100 s early on; instants 10 s apart after it.
            let o = match line {
                5 => observation(line, 40, 100),
                _ => observation(line, 10 * line as i64, 0),
            };
            let mut outcomes = vec![crate::log::valid_outcome(o.clone())];
            reorder.observation(&o, &Routes::NONE, 0, &mut |_, _| handed += 1);
            assert!(reorder.end_of_chunk(&mut outcomes, &mut |_, _| handed += 1));
            if line > WARM_UP + u64::from(RECOMPUTE) {
                let waiting = line as usize + 1 - handed;
                assert!(
                    waiting <= 10 + 1 + RECOMPUTE as usize,
                    "{waiting} wait after record {line}"
                );
            }
        }
        reorder.finish(&mut |_, _| handed += 1);
        assert_eq!(handed, 10_000);
        assert!(reorder.held.is_empty());
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
        /// reports) is handed on whole and in judging order, however it is
        /// cut into chunks; the chunks kept are all given back at the end.
        #[test]
        fn a_log_with_ranges_comes_back_in_judging_order(
            records in prop::collection::vec((0i64..600, prop::option::weighted(0.3, 1i64..7200)), 1..6000),
            chunk in 1usize..700,
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
            for part in log.chunks(chunk) {
                let mut outcomes: Vec<Outcome> = part.iter().cloned().map(crate::log::valid_outcome).collect();
                for (at, o) in part.iter().enumerate() {
                    reorder.observation(o, &Routes::NONE, at, &mut |o, _| out.push(o.order()));
                }
                prop_assert!(reorder.end_of_chunk(&mut outcomes, &mut |o, _| out.push(o.order())));
            }
            reorder.finish(&mut |o, _| out.push(o.order()));
            prop_assert!(reorder.held.is_empty());
            let mut want: Vec<_> = log.iter().map(Observation::order).collect();
            want.sort();
            prop_assert_eq!(out, want);
        }
    }
}
