//! `every P is (followed|preceded) by [no] Q [within D]`: each occurrence of
//! P is judged on its own — does it exist? does some Q lie in its window?
//! has the window closed? Open occurrences wait in time order, so each
//! observation of an exact log costs constant time however many
//! occurrences there are. Occurrences become evidence only when they
//! become findings.

use super::contract::{Ctx, Findings, Monitor, Outcome, finding_among, reach};
use super::doubt::{dated, doubt, moment_text};
use super::precedes::plural;
use crate::check::model::Direction;
use crate::check::model::Pattern;
use crate::eval::result::Counts;
use crate::eval::time::{Step, Time, When, at_or_before, elapsed, humanize, reached_when};
use crate::eval::truth::Truth;
use crate::log::Observation;
use crate::time::{Calendar, Duration, format_timestamp};
use crate::verdict::{Possible, Verdict};
use std::collections::VecDeque;

const P: u32 = 0;
const Q: u32 = 1;

/// What the exact path keeps.
#[derive(Default)]
#[repr(C)]
pub(crate) struct Exact {
    /// Followed: the deadline of an occurrence at this instant, worked
    /// out once for the front of `open` rather than again for every
    /// observation that comes while it waits (keyed by the instant, so a
    /// new front at another instant is never given a stale deadline).
    pub(super) front_deadline: Option<(Time, Time)>,
    /// Followed: occurrences whose window `[p, p + D]` is still open, oldest
    /// first. Preceded: occurrences at the latest instant, which a Q at the
    /// same instant may still decide. Each in a few words (see [`Waiting`]).
    pub(super) open: VecDeque<Waiting>,
    /// The records of the occurrences in `open` that a finding may still
    /// show (those marked `shown`), in the same order.
    pub(super) shown: VecDeque<Observation>,
    /// The latest Q: its instant and place, in a few words.
    pub(super) last_q: Option<Waiting>,
    /// The latest Q's record while a finding may still show it (marked
    /// `shown` in `last_q`; its storage reused for the next).
    pub(super) last_q_shown: Option<Observation>,
}

/// An occurrence waiting on the exact path (or the latest Q): what a
/// verdict needs — its instant and its record's place — in a third of an
/// observation's bytes, so the queue moves little however long it grows;
/// and whether its whole record is kept beside it ([`Exact::shown`],
/// [`Exact::last_q_shown`]) for a finding to show (only while findings
/// have room, which once gone never comes back).
#[derive(Clone, Copy)]
pub(crate) struct Waiting {
    pub time: Time,
    pub kind: crate::check::model::KindId,
    pub shown: bool,
    pub origin: crate::log::Origin,
}

impl Waiting {
    /// `o`'s instant and place; `shown`: whether its record is kept beside.
    #[inline]
    pub(super) fn of(o: &Observation, shown: bool) -> Self {
        Waiting {
            time: o.time,
            kind: o.kind,
            shown,
            origin: o.origin,
        }
    }

    /// The occurrence's observation without its fields (what a verdict
    /// needs when no finding will show it).
    pub(super) fn thin(&self) -> Observation {
        Observation {
            time: self.time,
            extent: None,
            kind: self.kind,
            declared: crate::log::Fields::new(),
            origin: self.origin,
        }
    }
}

/// A Q waiting until its range has ended, ordered by its last instant:
/// the slot of `Every::parked` that holds it (the heap moves these small
/// entries, not observations; it compares only the instants, so the order
/// they come out in is what it would be with the observations inside).
pub(crate) struct ByLast(pub Time, pub usize);

impl PartialEq for ByLast {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}
impl Eq for ByLast {}
impl PartialOrd for ByLast {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for ByLast {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.cmp(&other.0)
    }
}

/// An occurrence of P waiting for its answer: what its verdict needs, in
/// about a hundred bytes (occurrences are moved into the queue and out),
/// and the records a finding would show, apart, only while one may.
pub(crate) struct Occurrence {
    /// When P may have happened.
    pub at: When,
    /// P's record (file, line), to tell it from a Q that is the same record.
    pub record: (u32, u64),
    pub certain: bool,
    /// Whether some Q lies in its window (and exists).
    pub hit: Truth,
    /// Whether a Q that lies in it, or may, was found.
    pub answered: bool,
    /// Its window, worked out once: `[p, p + D]` following it, `[p - D,
    /// p]` preceding it (`from`: `None` without `within`).
    pub from: Option<When>,
    pub to: When,
    /// P and its answer as the log has them, while a finding may still
    /// show them (see [`Every::kept`]).
    pub shown: Option<Box<Shown>>,
}

/// The records a finding about an occurrence shows.
pub(crate) struct Shown {
    pub p: Observation,
    /// The Q that certainly lies in its window, or one that may.
    pub q: Option<(Observation, bool)>,
}

impl Occurrence {
    /// An occurrence of `p` with its first answer `q`, if any; `full`:
    /// whether a finding may still show it.
    pub(super) fn new(
        p: &Observation,
        certain: bool,
        (hit, q): (Truth, Option<(&Observation, bool)>),
        (from, to): (Option<When>, When),
        full: bool,
    ) -> Self {
        Occurrence {
            at: When::of(p),
            record: (p.origin.file, p.origin.line),
            certain,
            hit,
            answered: q.is_some(),
            from,
            to,
            shown: full.then(|| {
                Box::new(Shown {
                    p: p.clone(),
                    q: q.map(|(q, c)| (q.clone(), c)),
                })
            }),
        }
    }
}

/// The open occurrences of the three-valued path, in the order they
/// came. Most of them soon reach a state no later Q can change — one may
/// lie in the window but none can certainly lie in it any more (a day-long
/// P looking back an hour: no Q is certainly within the hour before every
/// instant of the day) — yet they must wait, in order, until their window
/// closes. Only the others are shown each Q, so a Q costs the occurrences
/// it may still decide, not all those waiting.
#[derive(Default)]
pub(crate) struct Open {
    /// The occurrences, oldest first; `None` where one was decided out of
    /// turn (by a Q) and has not yet reached the front.
    queue: VecDeque<Option<Occurrence>>,
    /// The number of the occurrence at the front of `queue` (occurrences
    /// are numbered in the order they came).
    base: u64,
    /// The numbers of the occurrences a later Q may still change, in order.
    live: VecDeque<u64>,
    /// Scratch: the numbers of those a Q has just answered for sure.
    answered: Vec<u64>,
}

impl Open {
    /// Puts an occurrence at the back (one a Q may still change).
    pub(super) fn push(&mut self, occurrence: Occurrence) {
        self.live.push_back(self.base + self.queue.len() as u64);
        self.queue.push_back(Some(occurrence));
    }

    /// The oldest occurrence still waiting.
    fn front(&mut self) -> Option<&Occurrence> {
        while let Some(None) = self.queue.front() {
            self.advance();
        }
        self.queue.front().and_then(Option::as_ref)
    }

    /// Takes the oldest occurrence still waiting.
    fn pop_front(&mut self) -> Option<Occurrence> {
        loop {
            let front = self.advance()?;
            if front.is_some() {
                return front;
            }
        }
    }

    fn advance(&mut self) -> Option<Option<Occurrence>> {
        let front = self.queue.pop_front()?;
        self.base += 1;
        while self.live.front().is_some_and(|n| *n < self.base) {
            self.live.pop_front();
        }
        Some(front)
    }

    /// Takes the occurrence numbered `n`, leaving a hole.
    fn take(&mut self, n: u64) -> Option<Occurrence> {
        let index = usize::try_from(n.checked_sub(self.base)?).ok()?;
        self.queue.get_mut(index)?.take()
    }

    /// Every occurrence still waiting, oldest first, leaving the queue
    /// empty (and its numbering where it would be).
    fn drain(&mut self) -> impl Iterator<Item = Occurrence> + '_ {
        self.live.clear();
        self.base += self.queue.len() as u64;
        self.queue.drain(..).flatten()
    }
}

// Laid out in this order (`repr(C)`), the fields every observation of an
// exact log touches first: a monitor is one of hundreds, and its fields
// spread over a struct of more than a kilobyte each cost a cache miss.
#[repr(C)]
pub(crate) struct Every {
    /// While every observation has been an instant that certainly exists:
    /// v1's cheaper bookkeeping (`every_exact.rs`).
    pub(super) exact_mode: bool,
    pub(super) direction: Direction,
    pub(super) negated: bool,
    /// What the worst of the occurrences may be (LANGUAGE-v2 §9.3).
    pub(super) union: Possible,
    pub(super) floor: Verdict,
    pub(super) counts: Counts,
    pub(super) exact: Exact,
    pub(super) findings: Findings,
    /// `D` stepped through the unit's calendar.
    pub(super) step: Step,
    pub(super) within: Option<Duration>,
    /// The unit's calendar, for dates in reasons.
    pub(super) calendar: Calendar,
    pub(super) p: String,
    pub(super) q: String,
    /// The occurrences waiting for their window to close, oldest first
    /// (followed: until `p + D` has passed; preceded: until their last
    /// instant has), whether a later Q may still change them or not
    /// (see [`Open`]).
    pub(super) open: Open,
    /// Followed: of the Qs that certainly exist and start at the latest
    /// time seen, the one that ends first (it may answer a P at that same
    /// instant for sure).
    pub(super) now_q: Option<Observation>,
    /// The instant `now_q` is for (`None`: there is none for the latest time).
    pub(super) now_q_at: Option<Time>,
    /// Followed: of the ranges and the Qs in doubt so far, the one that
    /// ends latest, and whether it certainly exists (a later P may fall
    /// inside its range).
    pub(super) latest_q: Option<(Observation, bool)>,
    /// Preceded: of the Qs that certainly exist and end by the latest time
    /// seen, the one that starts latest.
    pub(super) released: Option<Observation>,
    /// Preceded: ranges that certainly exist and end later than that, by
    /// their last instant.
    pub(super) unreleased: std::collections::BinaryHeap<std::cmp::Reverse<ByLast>>,
    /// The Qs of `unreleased`, in slots reused once released (`free`).
    pub(super) parked: Vec<Option<Observation>>,
    pub(super) free: Vec<usize>,
    /// Preceded: of the ranges and the Qs in doubt so far, the one that
    /// ends latest, and whether it certainly exists.
    pub(super) latest_end: Option<(Observation, bool)>,
}

/// Whether a Q at `q` lies in the window `[from, to]` (`from`: `None` for
/// any time up to `to`).
#[inline]
fn in_span(from: Option<When>, to: When, q: When) -> Truth {
    let upto = at_or_before(q, to);
    match from {
        Some(from) => at_or_before(from, q).and(upto),
        None => upto,
    }
}

/// A Q for an open occurrence. A Q that satisfies an occurrence that
/// certainly exists is not kept: a satisfied occurrence lists no evidence.
/// `full`: whether a finding may still show it (see [`Every::kept`]).
#[inline]
fn offer(occurrence: &mut Occurrence, answer: Truth, q: &Observation, certain: bool, negated: bool, full: bool) {
    if answer == Truth::No || occurrence.hit == Truth::Yes {
        return;
    }
    if answer == Truth::Yes && occurrence.certain && !negated {
        occurrence.hit = Truth::Yes;
        return;
    }
    if answer == Truth::Yes || !occurrence.answered {
        occurrence.answered = true;
        if let Some(shown) = occurrence.shown.as_deref_mut() {
            shown.q = Some((copy(q, full), certain));
        }
    }
    occurrence.hit = occurrence.hit.or(answer);
}

fn exists(certain: bool) -> Truth {
    if certain { Truth::Yes } else { Truth::Unknown }
}

impl Every {
    pub fn new(
        p: &Pattern,
        direction: Direction,
        negated: bool,
        q: &Pattern,
        within: Option<Duration>,
        calendar: Calendar,
        findings: Findings,
    ) -> Self {
        Every {
            step: within.as_ref().map_or(Step::zero(), |d| Step::of(calendar, d)),
            calendar,
            p: p.text.clone(),
            q: q.text.clone(),
            direction,
            negated,
            within,
            open: Open::default(),
            now_q: None,
            now_q_at: None,
            latest_q: None,
            released: None,
            unreleased: std::collections::BinaryHeap::new(),
            parked: Vec::new(),
            free: Vec::new(),
            latest_end: None,
            counts: Counts::default(),
            findings,
            union: Possible::NONE,
            floor: Verdict::Vacuous,
            exact_mode: true,
            exact: Exact::default(),
        }
    }

    fn within_text(&self) -> String {
        self.within
            .as_ref()
            .map_or_else(String::new, |d| format!(" within {d}"))
    }

    /// The window of an occurrence at `p`.
    pub(super) fn window_of(&self, p: When) -> (Option<When>, When) {
        match self.direction {
            Direction::Followed => (Some(p), p.step(self.step)),
            Direction::Preceded => (self.within.as_ref().map(|_| p.step(self.step.back())), p),
        }
    }

    /// A new occurrence of P, asked against the earlier Qs that may answer
    /// it: decided at once if they settle it, else left open.
    fn arrive(&mut self, ctx: &Ctx, o: &Observation, certain: bool) {
        // Its window, worked out once (a calendar step is not free).
        let (from, to) = self.window_of(When::of(o));
        let occurrence = {
            let candidates = match self.direction {
                Direction::Followed => [
                    self.now_q
                        .as_ref()
                        .filter(|_| self.now_q_at.is_some())
                        .map(|q| (q, true)),
                    self.latest_q.as_ref().map(|(q, c)| (q, *c)),
                ],
                Direction::Preceded => [
                    self.released.as_ref().map(|q| (q, true)),
                    self.latest_end.as_ref().map(|(q, c)| (q, *c)),
                ],
            };
            let mut hit = Truth::No;
            let mut witness: Option<(&Observation, bool)> = None;
            for (q, q_certain) in candidates.into_iter().flatten() {
                let answer = in_span(from, to, When::of(q)).and(exists(q_certain));
                if answer != Truth::No && hit != Truth::Yes && (answer == Truth::Yes || witness.is_none()) {
                    witness = Some((q, q_certain));
                }
                hit = hit.or(answer);
            }
            if hit == Truth::Yes && certain && !self.negated {
                None
            } else {
                Some(Occurrence::new(
                    o,
                    certain,
                    (hit, witness),
                    (from, to),
                    self.findings.has_room(),
                ))
            }
        };
        let Some(occurrence) = occurrence else {
            // Satisfied at once: nothing to keep.
            self.counts.satisfied += 1;
            self.union.add(Verdict::Satisfied);
            self.floor = self.floor.max(Verdict::Satisfied);
            return;
        };
        if occurrence.hit == Truth::Yes {
            self.decide(ctx, occurrence, Truth::Yes);
        } else {
            self.open.push(occurrence);
        }
    }

    /// Counts an occurrence's verdict and what the instance may be.
    fn tally(&mut self, possible: Possible) {
        self.union.extend(possible);
        if let Some(least) = possible.least() {
            self.floor = self.floor.max(least);
        }
        self.counts.add(possible.verdict(), 1);
    }

    /// Judges an occurrence once its answers are in; `reached`: whether the
    /// horizon has reached its deadline (followed only).
    fn decide(&mut self, ctx: &Ctx, occurrence: Occurrence, reached: Truth) {
        let negated = self.negated;
        let followed = self.direction == Direction::Followed;
        let (hit_verdict, miss_verdict) = if negated {
            (Verdict::Violated, Verdict::Satisfied)
        } else {
            (Verdict::Satisfied, Verdict::Violated)
        };
        let decide = |c: [bool; 3]| match c {
            [false, ..] => Verdict::Vacuous,
            [true, true, _] => hit_verdict,
            [true, false, true] => miss_verdict,
            [true, false, false] if followed => Verdict::Pending,
            [true, false, false] => miss_verdict,
        };
        // Every answer definite (as in every exact log): one branch.
        let possible = match (occurrence.certain, occurrence.hit, reached) {
            (true, Truth::Yes | Truth::No, Truth::Yes | Truth::No) => {
                let verdict = decide([true, occurrence.hit == Truth::Yes, reached == Truth::Yes]);
                self.counts.add(verdict, 1);
                self.union.add(verdict);
                self.floor = self.floor.max(verdict);
                if verdict == Verdict::Satisfied {
                    return;
                }
                Possible::one(verdict)
            }
            _ => {
                let possible = reach([exists(occurrence.certain), occurrence.hit, reached], decide);
                self.tally(possible);
                possible
            }
        };
        let verdict = possible.verdict();
        if matches!(verdict, Verdict::Satisfied | Verdict::Vacuous) {
            return;
        }
        // (An occurrence that came once the findings were full keeps
        // nothing to show, and none can be listed after it.)
        let (true, Some(shown)) = (self.findings.has_room(), occurrence.shown.as_deref()) else {
            self.findings.omit(1);
            return;
        };
        let p = &shown.p;
        let deadline = followed.then(|| occurrence.at.step(self.step));
        let q = shown
            .q
            .as_ref()
            .filter(|_| occurrence.hit == Truth::Yes)
            .map(|(q, _)| q);
        let reason = match verdict {
            Verdict::Indeterminate => self.doubts(ctx, &occurrence, shown, reached, deadline),
            _ => self.reason(verdict, p, q),
        };
        // Decided when the Q came, when the window closed, or (looking back) at once.
        let decided_at = match (q, self.direction) {
            (Some(q), Direction::Followed) => Some(q.time),
            (_, Direction::Followed) => deadline.map(|d| d.last),
            (_, Direction::Preceded) => Some(p.time),
        };
        let mut evidence = vec![ctx.evidence(p, occurrence.certain)];
        if let Some((q, certain)) = &shown.q {
            evidence.push(ctx.evidence(q, *certain));
        }
        self.findings.push(finding_among(
            possible,
            reason,
            decided_at,
            deadline.map(|d| d.last),
            evidence,
        ));
    }

    /// Why a definite occurrence is violated or pending, as v1 says it.
    pub(super) fn reason(&self, verdict: Verdict, p: &Observation, q: Option<&Observation>) -> String {
        let (pt, qt) = (&self.p, &self.q);
        let when = occurrence_time(p, self.calendar);
        let within = self.within_text();
        match (self.direction, self.negated, verdict, q) {
            (Direction::Followed, false, Verdict::Violated, _) => format!("no {qt}{within} after the {pt} {when}"),
            (Direction::Followed, false, _, _) => format!("the {pt} {when} awaits {qt}{within}"),
            (Direction::Followed, true, Verdict::Violated, Some(q)) => {
                format!(
                    "{qt} came {} after the {pt} {when}{within}",
                    humanize(elapsed(p.time, q.time))
                )
            }
            (Direction::Followed, true, _, _) => format!("the {pt} {when} must not be followed by {qt}{within}"),
            (Direction::Preceded, false, _, _) => format!("no {qt}{within} before the {pt} {when}"),
            (Direction::Preceded, true, _, Some(q)) => {
                format!(
                    "{qt} came {} before the {pt} {when}{within}",
                    humanize(elapsed(q.time, p.time))
                )
            }
            (Direction::Preceded, true, _, None) => format!("{qt} came before the {pt} {when}"),
        }
    }

    /// Why an occurrence is indeterminate, in words.
    fn doubts(
        &self,
        ctx: &Ctx,
        occurrence: &Occurrence,
        shown: &Shown,
        reached: Truth,
        deadline: Option<When>,
    ) -> String {
        let p = ctx.evidence(&shown.p, occurrence.certain);
        let mut parts = Vec::new();
        if !occurrence.certain {
            parts.push(format!(
                "the {} {} may not have happened ({})",
                self.p,
                dated(&p),
                super::doubt::existence(ctx, &p).unwrap_or_default()
            ));
        }
        if occurrence.hit == Truth::Unknown
            && let Some((q, certain)) = &shown.q
        {
            let q = ctx.evidence(q, *certain);
            let time = (q.until > q.time || p.until > p.time).then(|| "may fall outside its window".to_string());
            parts.push(doubt(ctx, &q, time));
        }
        if reached == Truth::Unknown
            && let Some(d) = deadline
        {
            parts.push(format!(
                "the horizon may not have reached its deadline ({})",
                moment_text(d)
            ));
        }
        let relation = self.relation();
        format!(
            "whether the {} {} was {relation} is uncertain: {}",
            self.p,
            dated(&p),
            parts.join("; ")
        )
    }

    fn relation(&self) -> String {
        let (q, within) = (&self.q, self.within_text());
        match (self.direction, self.negated) {
            (Direction::Followed, false) => format!("followed by {q}{within}"),
            (Direction::Followed, true) => format!("followed by no {q}{within}"),
            (Direction::Preceded, false) => format!("preceded by {q}{within}"),
            (Direction::Preceded, true) => format!("preceded by no {q}{within}"),
        }
    }

    /// Followed: occurrences whose window closed before `now` are decided
    /// (no later Q can lie in it).
    fn expire(&mut self, ctx: &Ctx, now: Time) {
        while let Some(front) = self.open.front() {
            if front.to.last >= now {
                break;
            }
            let Some(occurrence) = self.open.pop_front() else { break };
            self.decide(ctx, occurrence, Truth::Yes);
        }
    }

    /// Preceded: occurrences that end before `now` (or all, at the end) are decided.
    fn flush(&mut self, ctx: &Ctx, now: Option<Time>) {
        while let Some(front) = self.open.front() {
            if now.is_some_and(|n| front.at.last >= n) {
                break;
            }
            let Some(occurrence) = self.open.pop_front() else { break };
            self.decide(ctx, occurrence, Truth::Yes);
        }
    }

    fn followed(&mut self, ctx: &Ctx, o: &Observation, is_p: bool, is_q: bool, certain: bool) {
        self.expire(ctx, o.time);
        if self.now_q_at.is_some_and(|t| t != o.time) {
            self.now_q_at = None;
        }
        if is_q {
            // A Q answers every open occurrence before it (none of them is
            // this observation); those it certainly answers are decided.
            self.answer(ctx, o, certain);
        }
        if is_p {
            // An earlier Q answers this P for sure only if it starts at this
            // same instant; one that ends at or after it may lie in its window.
            self.arrive(ctx, o, certain);
        }
        if is_q {
            if certain && (self.now_q_at.is_none() || self.now_q.as_ref().is_none_or(|q| o.last() < q.last())) {
                keep(&mut self.now_q, o, self.findings.has_room());
                self.now_q_at = Some(o.time);
            }
            // A certain instant before a later P never lies in its window;
            // only ranges and reports in doubt need remembering.
            if (!certain || o.is_range()) && self.latest_q.as_ref().is_none_or(|(q, _)| o.last() > q.last()) {
                self.latest_q = Some((self.kept(o), certain));
            }
        }
    }

    fn preceded(&mut self, ctx: &Ctx, o: &Observation, is_p: bool, is_q: bool, certain: bool) {
        self.flush(ctx, Some(o.time));
        // Certain Qs that have ended by now may answer any later P for sure.
        while self.unreleased.peek().is_some_and(|q| q.0.0 <= o.time) {
            if let Some(std::cmp::Reverse(ByLast(_, slot))) = self.unreleased.pop() {
                let full = self.findings.has_room();
                if let Some(q) = &self.parked[slot] {
                    release(&mut self.released, q, full);
                }
                self.free.push(slot);
            }
        }
        if is_p {
            self.arrive(ctx, o, certain);
        }
        if is_q {
            // A Q at or before the last instant of a waiting occurrence may
            // lie in its look-back (not the occurrence of this observation).
            self.answer(ctx, o, certain);
            // Ranges and reports in doubt may answer a later P; of them the
            // one that ends latest is the one to ask.
            if (!certain || o.is_range()) && self.latest_end.as_ref().is_none_or(|(l, _)| o.last() > l.last()) {
                self.latest_end = Some((self.kept(o), certain));
            }
            if certain {
                let full = self.findings.has_room();
                if o.is_range() {
                    let slot = self.free.pop().unwrap_or_else(|| {
                        self.parked.push(None);
                        self.parked.len() - 1
                    });
                    keep(&mut self.parked[slot], o, full);
                    self.unreleased.push(std::cmp::Reverse(ByLast(o.last(), slot)));
                } else {
                    release(&mut self.released, o, full);
                }
            }
        }
    }

    /// Offers a Q to every open occurrence it may still change, and decides
    /// those it answers for sure, oldest first. An occurrence the Q may
    /// answer whose window no later Q can certainly reach (its last
    /// possible instant for a sure answer, `to.first`, is before this Q:
    /// later Qs start no earlier) is settled as it stands and no longer
    /// shown Qs; it waits in the queue for its window to close.
    fn answer(&mut self, ctx: &Ctx, o: &Observation, certain: bool) {
        let q = When::of(o);
        let (negated, full) = (self.negated, self.findings.has_room());
        let Open {
            queue,
            base,
            live,
            answered,
        } = &mut self.open;
        answered.clear();
        live.retain(|&n| {
            // Every number in `live` is of an occurrence still in the
            // queue (`advance` drops the others, a decision its own).
            let index = n.checked_sub(*base).and_then(|i| usize::try_from(i).ok());
            let Some(Some(occurrence)) = index.and_then(|i| queue.get_mut(i)) else {
                debug_assert!(index.is_none(), "occurrence {n} is live but was decided");
                return false;
            };
            if occurrence.record == (o.origin.file, o.origin.line) {
                return true;
            }
            let answer = in_span(occurrence.from, occurrence.to, q).and(exists(certain));
            offer(occurrence, answer, o, certain, negated, full);
            match occurrence.hit {
                Truth::Yes => {
                    answered.push(n);
                    false
                }
                Truth::Unknown => occurrence.to.first >= o.time,
                Truth::No => true,
            }
        });
        for i in 0..self.open.answered.len() {
            let n = self.open.answered[i];
            if let Some(occurrence) = self.open.take(n) {
                self.decide(ctx, occurrence, Truth::Yes);
            }
        }
    }

    /// What is kept of an observation: all of it while a finding may
    /// still show it as evidence; once the rule's findings are full (which
    /// lasts: findings are never given back) only what the verdicts need,
    /// its time, extent and place, without copying its fields.
    pub(super) fn kept(&self, o: &Observation) -> Observation {
        copy(o, self.findings.has_room())
    }
}

/// A certain Q that has ended: the latest-starting one is kept in `released`.
fn release(released: &mut Option<Observation>, q: &Observation, full: bool) {
    if released.as_ref().is_none_or(|r| q.time >= r.time) {
        keep(released, q, full);
    }
}

/// A copy of `o`: all of it, or (`full` false) without its fields.
#[inline]
fn copy(o: &Observation, full: bool) -> Observation {
    if full { o.clone() } else { o.thin() }
}

/// Keeps a copy of `o` in `slot`, reusing its storage; without its fields
/// once no finding can show it (`full` false, see [`Every::kept`]).
pub(super) fn keep(slot: &mut Option<Observation>, o: &Observation, full: bool) {
    match slot {
        Some(kept) => keep_in(kept, o, full),
        slot => *slot = Some(copy(o, full)),
    }
}

/// Makes `kept` a copy of `o` (without its fields unless `full`), field
/// by field, reusing its storage: no whole observation is moved in (a
/// move copies it with wide loads right after the narrow stores that
/// built it, which stall on a store-to-load forward).
pub(super) fn keep_in(kept: &mut Observation, o: &Observation, full: bool) {
    if full {
        kept.clone_from(o);
    } else {
        kept.time = o.time;
        kept.extent.clone_from(&o.extent);
        kept.kind = o.kind;
        kept.declared.clear();
        kept.origin = o.origin;
    }
}

/// "at 2025-01-25T12:00:00Z", or the range as written.
fn occurrence_time(p: &Observation, calendar: crate::time::Calendar) -> String {
    if p.is_range() {
        let e = crate::eval::result::Evidence {
            origin: p.origin,
            calendar,
            time: p.time,
            until: p.until(),
            meets_evidence: None,
            cut: false,
            provenance: None,
            kind: String::new(),
            fields: Vec::new(),
            record: None,
            distances: Vec::new(),
        };
        dated(&e)
    } else {
        format!("at {}", format_timestamp(p.time))
    }
}

impl Monitor for Every {
    fn observe(&mut self, ctx: &Ctx, o: &Observation, slots: &[u32], certain: bool) {
        let (is_p, is_q) = (slots.contains(&P), slots.contains(&Q));
        if self.exact_mode {
            if certain && !o.is_range() {
                return self.exact_observe(ctx, o, is_p, is_q);
            }
            self.leave_exact();
        }
        match self.direction {
            Direction::Followed => self.followed(ctx, o, is_p, is_q, certain),
            Direction::Preceded => self.preceded(ctx, o, is_p, is_q, certain),
        }
    }

    fn finish(mut self: Box<Self>, ctx: &Ctx) -> Outcome {
        if self.exact_mode {
            self.leave_exact();
        }
        match self.direction {
            Direction::Followed => {
                let mut open = std::mem::take(&mut self.open);
                for occurrence in open.drain() {
                    let reached = reached_when(ctx.horizon, occurrence.at.step(self.step));
                    self.decide(ctx, occurrence, reached);
                }
            }
            Direction::Preceded => self.flush(ctx, None),
        }
        let counts = self.counts;
        let possible = if counts.total() == 0 && self.union.is_empty() {
            Possible::one(Verdict::Vacuous)
        } else {
            let mut reachable = Possible::NONE;
            for v in self.union.iter().filter(|v| *v >= self.floor) {
                reachable.add(v);
            }
            reachable
        };
        let verdict = possible.verdict();
        let total = counts.total();
        let p = &self.p;
        let relation = self.relation();
        let occurrences = |n| plural(n, "occurrence of", "occurrences of");
        let reason = match verdict {
            Verdict::Vacuous => format!("no {p} occurred"),
            Verdict::Satisfied if total == 1 => format!("the one occurrence of {p} was {relation}"),
            Verdict::Satisfied => format!("all {total} occurrences of {p} were {relation}"),
            Verdict::Violated => format!("{} of {} {p} not {relation}", counts.violated, occurrences(total)),
            Verdict::Pending => {
                format!(
                    "{} of {} {p} not yet known to be {relation}",
                    counts.pending,
                    occurrences(total)
                )
            }
            Verdict::Indeterminate => format!(
                "{} of {} {p} may or may not be {relation}: the evidence allows {possible}",
                counts.indeterminate,
                occurrences(total)
            ),
        };
        Outcome {
            verdict,
            possible,
            reason,
            counts,
            findings: self.findings,
            notes: Vec::new(),
            series: None,
            error: None,
        }
    }
}
