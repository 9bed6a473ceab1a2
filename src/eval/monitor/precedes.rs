//! `P precedes Q` and `P precedes Q within D`.

use super::contract::{Ctx, Monitor, Outcome, finding};
use crate::check::model::Pattern;
use crate::eval::result::Evidence;
use crate::eval::time::{Time, by_deadline, elapsed, humanize, reached, same_instant, shift};
use crate::log::Observation;
use crate::time::{Duration, format_timestamp};
use crate::verdict::Verdict;

const P: u32 = 0;
const Q: u32 = 1;

pub(crate) struct Precedes {
    p: String,
    q: String,
    within: Option<Duration>,
    /// The first P.
    first: Option<(Time, Evidence)>,
    /// Qs before any P: how many, and the first of them as evidence.
    early: u64,
    early_evidence: Vec<Evidence>,
    /// The Qs at the latest instant among the early ones (a P at that same
    /// instant makes them on time).
    run: Option<(Time, u64, Evidence)>,
    /// The first Q at or after the first P.
    after: Option<(Time, Evidence)>,
}

impl Precedes {
    pub fn new(p: &Pattern, q: &Pattern, within: Option<Duration>) -> Self {
        Precedes {
            p: p.text.clone(),
            q: q.text.clone(),
            within,
            first: None,
            early: 0,
            early_evidence: Vec::new(),
            run: None,
            after: None,
        }
    }
}

impl Monitor for Precedes {
    fn observe(&mut self, ctx: &Ctx, o: &Observation, slots: &[u32]) {
        if slots.contains(&P) && self.first.is_none() {
            self.first = Some((o.time, ctx.evidence(o)));
            // Qs at this same instant came at the first P, not before it.
            if let Some((t, n, evidence)) = self.run.take() {
                if same_instant(t, o.time) {
                    self.early -= n;
                    self.early_evidence.retain(|e| !same_instant(e.time, t));
                    self.after = Some((t, evidence));
                } else {
                    self.run = Some((t, n, evidence));
                }
            }
        }
        if slots.contains(&Q) {
            match &self.first {
                None => {
                    self.early += 1;
                    if self.early_evidence.len() < ctx.max_evidence {
                        self.early_evidence.push(ctx.evidence(o));
                    }
                    match &mut self.run {
                        Some((t, n, _)) if same_instant(*t, o.time) => *n += 1,
                        _ => self.run = Some((o.time, 1, ctx.evidence(o))),
                    }
                }
                Some(_) if self.after.is_none() => self.after = Some((o.time, ctx.evidence(o))),
                Some(_) => {}
            }
        }
    }

    fn finish(self: Box<Self>, ctx: &Ctx) -> Outcome {
        let this = *self;
        let (p, q) = (&this.p, &this.q);
        let single = |v, reason, f| Outcome::single(v, reason, f, ctx);
        if this.early > 0 {
            let first_q = this.early_evidence.first().map(|e| e.time);
            let reason = match &this.first {
                Some((a, _)) => format!(
                    "{} {q} came before the first {p} ({})",
                    plural(this.early, "observation of", "observations of"),
                    format_timestamp(*a)
                ),
                None => format!(
                    "{} {q} occurred, but no {p} did",
                    plural(this.early, "observation of", "observations of")
                ),
            };
            let mut evidence = this.early_evidence;
            evidence.extend(this.first.map(|(_, e)| e));
            let mut f = finding(Verdict::Violated, reason.clone(), first_q, None, evidence);
            f.evidence_omitted = this.early.saturating_sub(f.evidence.len() as u64);
            return single(Verdict::Violated, reason, Some(f));
        }
        let Some((a, p_evidence)) = this.first else {
            return single(Verdict::Vacuous, format!("neither {p} nor {q} occurred"), None);
        };
        let Some(within) = &this.within else {
            return match this.after {
                None => single(Verdict::Vacuous, format!("no {q} occurred"), None),
                Some(_) => single(
                    Verdict::Satisfied,
                    format!("every {q} came at or after the first {p}"),
                    None,
                ),
            };
        };
        let deadline = shift(a, within.delta());
        match this.after {
            Some((t, _)) if by_deadline(t, deadline) => single(
                Verdict::Satisfied,
                format!("{q} came {} after {p}, within {within}", humanize(elapsed(a, t))),
                None,
            ),
            Some((t, q_evidence)) => {
                let reason = format!("{q} came {} after {p}; the limit is {within}", humanize(elapsed(a, t)));
                let f = finding(
                    Verdict::Violated,
                    reason.clone(),
                    Some(deadline),
                    Some(deadline),
                    vec![p_evidence, q_evidence],
                );
                single(Verdict::Violated, reason, Some(f))
            }
            None if reached(ctx.horizon, deadline) => {
                let reason = format!(
                    "no {q} within {within} after {p} (due by {})",
                    format_timestamp(deadline)
                );
                let f = finding(
                    Verdict::Violated,
                    reason.clone(),
                    Some(deadline),
                    Some(deadline),
                    vec![p_evidence],
                );
                single(Verdict::Violated, reason, Some(f))
            }
            None => {
                let reason = format!("{p} occurred; {q} is due by {}", format_timestamp(deadline));
                let f = finding(
                    Verdict::Pending,
                    reason.clone(),
                    Some(deadline),
                    Some(deadline),
                    vec![p_evidence],
                );
                single(Verdict::Pending, reason, Some(f))
            }
        }
    }
}

/// "1 observation of", "3 observations of".
pub(crate) fn plural(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}
