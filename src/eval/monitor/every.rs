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
use crate::eval::time::{Time, When, at_or_before, elapsed, humanize, reached_when};
use crate::eval::truth::Truth;
use crate::log::Observation;
use crate::time::{Duration, format_timestamp};
use crate::verdict::{Possible, Verdict};
use std::collections::VecDeque;

const P: u32 = 0;
const Q: u32 = 1;

/// An occurrence of P waiting for its answer.
struct Occurrence {
    p: Observation,
    certain: bool,
    /// Whether some Q lies in its window (and exists).
    hit: Truth,
    /// The Q that certainly lies in it, or one that may.
    q: Option<(Observation, bool)>,
}

pub(crate) struct Every {
    p: String,
    q: String,
    direction: Direction,
    negated: bool,
    within: Option<Duration>,
    /// Followed: occurrences whose window `[p, p + D]` may still take a Q,
    /// oldest first. Preceded: occurrences a later Q (at or before their
    /// last instant) may still decide.
    open: VecDeque<Occurrence>,
    /// Followed: of the Qs that certainly exist and start at the latest
    /// time seen, the one that ends first (it may answer a P at that same
    /// instant for sure).
    now_q: Option<Observation>,
    /// Followed: of every Q so far, the one that ends latest, and whether
    /// it certainly exists (a later P may fall inside its range).
    latest_q: Option<(Observation, bool)>,
    /// Preceded: of the Qs that certainly exist and end by the latest time
    /// seen, the one that starts latest.
    released: Option<Observation>,
    /// Preceded: Qs that certainly exist and end later than that.
    unreleased: Vec<Observation>,
    /// Preceded: of every Q so far, the one that ends latest, and whether
    /// it certainly exists.
    latest_end: Option<(Observation, bool)>,
    counts: Counts,
    findings: Findings,
    /// What the worst of the occurrences may be (LANGUAGE-v2 §9.3).
    union: Possible,
    floor: Verdict,
}

/// Whether two observations are the same record.
fn same(a: &Observation, b: &Observation) -> bool {
    (a.origin.file, a.origin.line) == (b.origin.file, b.origin.line)
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
        findings: Findings,
    ) -> Self {
        Every {
            p: p.text.clone(),
            q: q.text.clone(),
            direction,
            negated,
            within,
            open: VecDeque::new(),
            now_q: None,
            latest_q: None,
            released: None,
            unreleased: Vec::new(),
            latest_end: None,
            counts: Counts::default(),
            findings,
            union: Possible::NONE,
            floor: Verdict::Vacuous,
        }
    }

    fn delta(&self) -> chrono::TimeDelta {
        self.within.as_ref().map_or(chrono::TimeDelta::zero(), Duration::delta)
    }

    /// Followed: the deadline `p + D`.
    fn deadline(&self, p: &Observation) -> When {
        When::of(p).shift(self.delta())
    }

    fn within_text(&self) -> String {
        self.within
            .as_ref()
            .map_or_else(String::new, |d| format!(" within {d}"))
    }

    /// Whether a Q at `q` lies in the window of the occurrence at `p`:
    /// `[p, p + D]` following it, `[p - D, p]` (or any time up to `p`)
    /// preceding it.
    fn in_window(&self, p: When, q: When) -> Truth {
        match self.direction {
            Direction::Followed => at_or_before(p, q).and(at_or_before(q, p.shift(self.delta()))),
            Direction::Preceded => {
                let upto = at_or_before(q, p);
                match &self.within {
                    Some(d) => at_or_before(p.shift(-d.delta()), q).and(upto),
                    None => upto,
                }
            }
        }
    }

    /// A Q for an open occurrence.
    fn offer(occurrence: &mut Occurrence, answer: Truth, q: &Observation, certain: bool) {
        if answer == Truth::No || occurrence.hit == Truth::Yes {
            return;
        }
        if answer == Truth::Yes || occurrence.q.is_none() {
            occurrence.q = Some((q.clone(), certain));
        }
        occurrence.hit = occurrence.hit.or(answer);
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
        let possible = reach([exists(occurrence.certain), occurrence.hit, reached], |c| match c {
            [false, ..] => Verdict::Vacuous,
            [true, true, _] => hit_verdict,
            [true, false, true] => miss_verdict,
            [true, false, false] if followed => Verdict::Pending,
            [true, false, false] => miss_verdict,
        });
        self.union.extend(possible);
        if let Some(least) = possible.least() {
            self.floor = self.floor.max(least);
        }
        let verdict = possible.verdict();
        self.counts.add(verdict, 1);
        if matches!(verdict, Verdict::Satisfied | Verdict::Vacuous) {
            return;
        }
        if !self.findings.has_room() {
            self.findings.omit(1);
            return;
        }
        let p = &occurrence.p;
        let deadline = followed.then(|| self.deadline(p));
        let q = occurrence
            .q
            .as_ref()
            .filter(|_| occurrence.hit == Truth::Yes)
            .map(|(q, _)| q);
        let reason = match verdict {
            Verdict::Indeterminate => self.doubts(ctx, &occurrence, reached, deadline),
            _ => self.reason(verdict, p, q),
        };
        // Decided when the Q came, when the window closed, or (looking back) at once.
        let decided_at = match (q, self.direction) {
            (Some(q), Direction::Followed) => Some(q.time),
            (_, Direction::Followed) => deadline.map(|d| d.last),
            (_, Direction::Preceded) => Some(p.time),
        };
        let mut evidence = vec![ctx.evidence(p, occurrence.certain)];
        if let Some((q, certain)) = &occurrence.q {
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
    fn reason(&self, verdict: Verdict, p: &Observation, q: Option<&Observation>) -> String {
        let (pt, qt) = (&self.p, &self.q);
        let when = occurrence_time(p);
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
    fn doubts(&self, ctx: &Ctx, occurrence: &Occurrence, reached: Truth, deadline: Option<When>) -> String {
        let p = ctx.evidence(&occurrence.p, occurrence.certain);
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
            && let Some((q, certain)) = &occurrence.q
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
            if self.deadline(&front.p).last >= now {
                break;
            }
            let Some(occurrence) = self.open.pop_front() else { break };
            self.decide(ctx, occurrence, Truth::Yes);
        }
    }

    /// Preceded: occurrences that end before `now` (or all, at the end) are decided.
    fn flush(&mut self, ctx: &Ctx, now: Option<Time>) {
        while let Some(front) = self.open.front() {
            if now.is_some_and(|n| front.p.last() >= n) {
                break;
            }
            let Some(occurrence) = self.open.pop_front() else { break };
            self.decide(ctx, occurrence, Truth::Yes);
        }
    }

    fn followed(&mut self, ctx: &Ctx, o: &Observation, is_p: bool, is_q: bool, certain: bool) {
        self.expire(ctx, o.time);
        if self.now_q.as_ref().is_some_and(|q| q.time != o.time) {
            self.now_q = None;
        }
        if is_q {
            // A Q answers every open occurrence before it (none of them is
            // this observation); those it certainly answers are decided.
            let q = When::of(o);
            let mut open = std::mem::take(&mut self.open);
            for occurrence in open.iter_mut() {
                let answer = self.in_window(When::of(&occurrence.p), q).and(exists(certain));
                Every::offer(occurrence, answer, o, certain);
            }
            for occurrence in open {
                if occurrence.hit == Truth::Yes {
                    self.decide(ctx, occurrence, Truth::Yes);
                } else {
                    self.open.push_back(occurrence);
                }
            }
        }
        if is_p {
            // An earlier Q answers this P for sure only if it starts at this
            // same instant; one that ends at or after it may lie in its window.
            let mut occurrence = Occurrence {
                p: o.clone(),
                certain,
                hit: Truth::No,
                q: None,
            };
            if let Some(q) = &self.now_q {
                let answer = self.in_window(When::of(o), When::of(q));
                Every::offer(&mut occurrence, answer, q, true);
            }
            if let Some((q, q_certain)) = &self.latest_q {
                let answer = self.in_window(When::of(o), When::of(q)).and(exists(*q_certain));
                Every::offer(&mut occurrence, answer, q, *q_certain);
            }
            if occurrence.hit == Truth::Yes {
                self.decide(ctx, occurrence, Truth::Yes);
            } else {
                self.open.push_back(occurrence);
            }
        }
        if is_q {
            if certain && self.now_q.as_ref().is_none_or(|q| o.last() < q.last()) {
                self.now_q = Some(o.clone());
            }
            if self.latest_q.as_ref().is_none_or(|(q, _)| o.last() > q.last()) {
                self.latest_q = Some((o.clone(), certain));
            }
        }
    }

    fn preceded(&mut self, ctx: &Ctx, o: &Observation, is_p: bool, is_q: bool, certain: bool) {
        self.flush(ctx, Some(o.time));
        // Certain Qs that have ended by now may answer any later P for sure.
        if !self.unreleased.is_empty() {
            let (done, waiting): (Vec<_>, Vec<_>) = std::mem::take(&mut self.unreleased)
                .into_iter()
                .partition(|q| q.last() <= o.time);
            self.unreleased = waiting;
            for q in done {
                self.release(q);
            }
        }
        if is_p {
            let p = When::of(o);
            let mut occurrence = Occurrence {
                p: o.clone(),
                certain,
                hit: Truth::No,
                q: None,
            };
            if let Some(q) = &self.released {
                let answer = self.in_window(p, When::of(q));
                Every::offer(&mut occurrence, answer, q, true);
            }
            if let Some((q, q_certain)) = &self.latest_end {
                let answer = self.in_window(p, When::of(q)).and(exists(*q_certain));
                Every::offer(&mut occurrence, answer, q, *q_certain);
            }
            for q in &self.unreleased {
                let answer = self.in_window(p, When::of(q));
                Every::offer(&mut occurrence, answer, q, true);
            }
            if occurrence.hit == Truth::Yes {
                self.decide(ctx, occurrence, Truth::Yes);
            } else {
                self.open.push_back(occurrence);
            }
        }
        if is_q {
            // A Q at or before the last instant of a waiting occurrence may
            // lie in its look-back.
            let q = When::of(o);
            let mut open = std::mem::take(&mut self.open);
            for occurrence in open.iter_mut() {
                if !same(&occurrence.p, o) {
                    let answer = self.in_window(When::of(&occurrence.p), q).and(exists(certain));
                    Every::offer(occurrence, answer, o, certain);
                }
            }
            for occurrence in open {
                if occurrence.hit == Truth::Yes {
                    self.decide(ctx, occurrence, Truth::Yes);
                } else {
                    self.open.push_back(occurrence);
                }
            }
            if self.latest_end.as_ref().is_none_or(|(l, _)| o.last() > l.last()) {
                self.latest_end = Some((o.clone(), certain));
            }
            if certain {
                if o.last() <= o.time {
                    self.release(o.clone());
                } else {
                    self.unreleased.push(o.clone());
                }
            }
        }
    }

    /// A certain Q that has ended: the latest-starting one is kept.
    fn release(&mut self, q: Observation) {
        if self.released.as_ref().is_none_or(|r| q.time >= r.time) {
            self.released = Some(q);
        }
    }
}

/// "at 2025-01-25T12:00:00Z", or the range as written.
fn occurrence_time(p: &Observation) -> String {
    if p.is_range() {
        let e = crate::eval::result::Evidence {
            origin: p.origin,
            time: p.time,
            until: p.until,
            meets_evidence: None,
            cut: false,
            provenance: None,
            kind: String::new(),
            fields: Vec::new(),
        };
        dated(&e)
    } else {
        format!("at {}", format_timestamp(p.time))
    }
}

impl Monitor for Every {
    fn observe(&mut self, ctx: &Ctx, o: &Observation, slots: &[u32], certain: bool) {
        let (is_p, is_q) = (slots.contains(&P), slots.contains(&Q));
        match self.direction {
            Direction::Followed => self.followed(ctx, o, is_p, is_q, certain),
            Direction::Preceded => self.preceded(ctx, o, is_p, is_q, certain),
        }
    }

    fn finish(mut self: Box<Self>, ctx: &Ctx) -> Outcome {
        match self.direction {
            Direction::Followed => {
                for occurrence in std::mem::take(&mut self.open) {
                    let reached = reached_when(ctx.horizon, self.deadline(&occurrence.p));
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
            error: None,
        }
    }
}
