//! The engine against a deliberately naive reference evaluator written
//! straight from LANGUAGE.md §5: brute force over all observations, no
//! state, no cleverness. Random declarations-compatible rules and random
//! logs; every rule's and instance's verdict and counts must agree.
//!
//! Numbers are exact on both sides: whole numbers near 2⁶³ and decimals of
//! up to 17 places are summed here as integers scaled by 10¹⁷ (`i128`), and
//! compared with constants written either side of the comparison.
//!
//! Uncertain logs (LANGUAGE-v2 §9) are judged by the reference in every
//! world they allow: each ranged observation at every quarter minute of
//! its range, each observation below the evidence standard kept and
//! dropped. A definite verdict of the engine must be the reference's in
//! every world; an indeterminate one's possible verdicts must hold every
//! world's.

use ceasefire::check::{Workspace, check_files};
use ceasefire::eval::{EvalOptions, evaluate};
use ceasefire::log::{LogSet, ReadOptions, read};
use ceasefire::verdict::Verdict;
use proptest::prelude::*;

// ---------------------------------------------------------------- model ----

/// Minutes since 2025-01-01T00:00Z.
type T = i64;

const KINDS: [&str; 3] = ["a", "b", "c"];
const ZONES: [&str; 2] = ["north", "south"];
const DECLARATIONS: &str = "zone north\nzone south\nevent a { n: int, x: number, zone: zone }\nevent b { n: int, x: number, zone: zone }\nevent c { n: int, x: number, zone: zone }\n";

/// Declared only when a rule is judged during it: a phase's `first c`
/// needs a first look through the log, so rules without one are judged
/// as the log is read (and the observations' routes worked out while it
/// is parsed), the other way through `verify`.
const PHASE: &str = "phase ph = from first c for 20m\n";

/// Decimals are held as integers scaled by this (17 places).
const SCALE: i128 = 100_000_000_000_000_000;

/// Decimals the log and the rules use, as written, and scaled.
const DECIMALS: [(&str, i128); 7] = [
    ("0.1", SCALE / 10),
    ("0.2", SCALE / 5),
    ("0.3", 3 * SCALE / 10),
    ("0.30000000000000001", 30_000_000_000_000_001),
    ("-1.5", -15 * SCALE / 10),
    ("12345678901.00000000000000001", 12_345_678_901 * SCALE + 1),
    ("0", 0),
];

#[derive(Clone, Debug)]
enum ZoneRef {
    Named(usize),
    Var,
}

#[derive(Clone, Debug)]
struct Pat {
    kind: usize,
    n: Option<i64>,
    zone: Option<ZoneRef>,
}

#[derive(Clone, Debug)]
enum Anchor {
    Time(T),
    First(Pat, T),
    Last(Pat, T),
}

#[derive(Clone, Debug)]
enum Window {
    Between(Anchor, Anchor),
    After(Anchor),
    Before(Anchor),
    WithinAfter(T, Anchor),
    During,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Agg {
    Count,
    Sum,
    /// `sum(x of P)` over the decimal field.
    SumX,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Cmp {
    Ge,
    Le,
    Gt,
    Lt,
    Eq,
    Ne,
}

#[derive(Clone, Debug)]
enum Form {
    Precedes(Pat, Pat, Option<T>),
    Followed(Pat, Pat, bool, T),
    Preceded(Pat, Pat, bool, Option<T>),
    OccursBy(Pat, Anchor),
    OccursWithin(Pat, T, Anchor),
    Absence(Pat, Window),
    /// The aggregate, its pattern, the comparison, the constant (scaled:
    /// an index into `DECIMALS` for `SumX`, else a whole number), per,
    /// window, and whether the constant is written first (`N <= count(P)`).
    Aggregate(Agg, Pat, Cmp, i64, Option<T>, Window, bool),
}

#[derive(Clone, Debug)]
pub(crate) struct Rule {
    for_each_zone: bool,
    form: Form,
}

#[derive(Clone, Debug)]
struct Obs {
    time: T,
    kind: usize,
    n: Option<i64>,
    /// An index into `DECIMALS`.
    x: Option<usize>,
    zone: Option<usize>,
}

/// The constant of an aggregate as written, and scaled.
fn constant(agg: Agg, n: i64) -> (String, i128) {
    match agg {
        Agg::SumX => {
            let (text, value) = DECIMALS[n as usize % DECIMALS.len()];
            (text.to_string(), value)
        }
        _ => (n.to_string(), i128::from(n) * SCALE),
    }
}

/// `a OP b` written `b OP' a`.
fn mirrored(c: Cmp) -> Cmp {
    match c {
        Cmp::Ge => Cmp::Le,
        Cmp::Le => Cmp::Ge,
        Cmp::Gt => Cmp::Lt,
        Cmp::Lt => Cmp::Gt,
        same => same,
    }
}

// ------------------------------------------------------------ rendering ----

fn stamp(t: T) -> String {
    let base = chrono::DateTime::parse_from_rfc3339("2025-01-01T00:00:00Z")
        .expect("base")
        .to_utc();
    ceasefire::time::format_timestamp(base + chrono::TimeDelta::minutes(t))
}

fn pat(p: &Pat) -> String {
    let mut s = KINDS[p.kind].to_string();
    if let Some(n) = p.n {
        s.push_str(&format!(" n {n}"));
    }
    match &p.zone {
        Some(ZoneRef::Named(z)) => s.push_str(&format!(" in zone {}", ZONES[*z])),
        Some(ZoneRef::Var) => s.push_str(" in zone z"),
        None => {}
    }
    s
}

fn offset(o: T) -> String {
    match o {
        0 => String::new(),
        o if o > 0 => format!(" + {o}m"),
        o => format!(" - {}m", -o),
    }
}

fn anchor(a: &Anchor) -> String {
    match a {
        Anchor::Time(t) => stamp(*t),
        Anchor::First(p, o) => format!("first {}{}", pat(p), offset(*o)),
        Anchor::Last(p, o) => format!("last {}{}", pat(p), offset(*o)),
    }
}

fn window(w: &Window) -> String {
    match w {
        Window::Between(a, b) => format!("between {} and {}", anchor(a), anchor(b)),
        Window::After(a) => format!("after {}", anchor(a)),
        Window::Before(a) => format!("before {}", anchor(a)),
        Window::WithinAfter(d, a) => format!("within {d}m after {}", anchor(a)),
        Window::During => "during ph".to_string(),
    }
}

fn cmp(c: Cmp) -> &'static str {
    match c {
        Cmp::Ge => ">=",
        Cmp::Le => "<=",
        Cmp::Gt => ">",
        Cmp::Lt => "<",
        Cmp::Eq => "=",
        Cmp::Ne => "!=",
    }
}

fn form(f: &Form) -> String {
    let within = |d: &Option<T>| d.map(|d| format!(" within {d}m")).unwrap_or_default();
    match f {
        Form::Precedes(p, q, d) => format!("{} precedes {}{}", pat(p), pat(q), within(d)),
        Form::Followed(p, q, no, d) => {
            format!(
                "every {} is followed by {}{} within {d}m",
                pat(p),
                if *no { "no " } else { "" },
                pat(q)
            )
        }
        Form::Preceded(p, q, no, d) => {
            format!(
                "every {} is preceded by {}{}{}",
                pat(p),
                if *no { "no " } else { "" },
                pat(q),
                within(d)
            )
        }
        Form::OccursBy(p, a) => format!("{} occurs by {}", pat(p), anchor(a)),
        Form::OccursWithin(p, d, a) => format!("{} occurs within {d}m after {}", pat(p), anchor(a)),
        Form::Absence(p, w) => format!("no {} {}", pat(p), window(w)),
        Form::Aggregate(agg, p, c, n, per, w, flipped) => {
            let lhs = match agg {
                Agg::Count => format!("count({})", pat(p)),
                Agg::Sum => format!("sum(n of {})", pat(p)),
                Agg::SumX => format!("sum(x of {})", pat(p)),
            };
            let (n, _) = constant(*agg, *n);
            let per = per.map(|d| format!(" per {d}m")).unwrap_or_default();
            if *flipped {
                format!("{n} {} {lhs}{per} {}", cmp(mirrored(*c)), window(w))
            } else {
                format!("{lhs} {} {n}{per} {}", cmp(*c), window(w))
            }
        }
    }
}

pub(crate) fn rule_file(rules: &[Rule]) -> String {
    let mut body = String::new();
    for (i, r) in rules.iter().enumerate() {
        let header = if r.for_each_zone { "for each zone z: " } else { "" };
        body.push_str(&format!("rule r{i} {{ {header}{} }}\n", form(&r.form)));
    }
    let phase = if body.contains("during ph") { PHASE } else { "" };
    format!("{DECLARATIONS}{phase}{body}")
}

fn log_file(log: &[Obs]) -> String {
    let mut text = String::new();
    for o in log {
        let mut fields = format!("\"time\": \"{}\", \"kind\": \"{}\"", stamp(o.time), KINDS[o.kind]);
        if let Some(n) = o.n {
            fields.push_str(&format!(", \"n\": {n}"));
        }
        if let Some(x) = o.x {
            fields.push_str(&format!(", \"x\": {}", DECIMALS[x].0));
        }
        if let Some(z) = o.zone {
            fields.push_str(&format!(", \"zone\": \"{}\"", ZONES[z]));
        }
        text.push_str(&format!("{{{fields}}}\n"));
    }
    text
}

// ------------------------------------------------------------ reference ----

/// What the reference evaluator concludes about an instance.
#[derive(Debug, PartialEq)]
struct Judged {
    verdict: Verdict,
    counts: (u64, u64, u64),
}

fn single(v: Verdict) -> Judged {
    let counts = match v {
        Verdict::Satisfied => (1, 0, 0),
        Verdict::Violated => (0, 1, 0),
        Verdict::Pending => (0, 0, 1),
        Verdict::Vacuous | Verdict::Indeterminate => (0, 0, 0),
    };
    Judged { verdict: v, counts }
}

fn worst(counts: (u64, u64, u64)) -> Verdict {
    if counts.1 > 0 {
        Verdict::Violated
    } else if counts.2 > 0 {
        Verdict::Pending
    } else if counts.0 > 0 {
        Verdict::Satisfied
    } else {
        Verdict::Vacuous
    }
}

struct Reference<'a> {
    log: &'a [Obs],
    horizon: Option<T>,
    zone: Option<usize>,
    /// How many of the log's time units make a minute of the rules (the
    /// phase `ph` lasts 20 minutes); 1 unless judging finer worlds.
    unit: T,
    /// Where slices are cut from, if not the window's start: an uncertain
    /// window start's earliest possible instant (LANGUAGE-v2 §9.4).
    origin: Option<T>,
}

impl Reference<'_> {
    fn matches(&self, p: &Pat, o: &Obs) -> bool {
        o.kind == p.kind
            && p.n.is_none_or(|n| o.n == Some(n))
            && match &p.zone {
                None => true,
                Some(ZoneRef::Named(z)) => o.zone == Some(*z),
                Some(ZoneRef::Var) => o.zone.is_some() && o.zone == self.zone,
            }
    }

    fn times(&self, p: &Pat) -> Vec<T> {
        self.log.iter().filter(|o| self.matches(p, o)).map(|o| o.time).collect()
    }

    /// H ≥ t
    fn reached(&self, t: T) -> bool {
        self.horizon.is_some_and(|h| h >= t)
    }

    fn anchor(&self, a: &Anchor) -> Option<T> {
        match a {
            Anchor::Time(t) => Some(*t),
            Anchor::First(p, o) => self.times(p).into_iter().min().map(|t| t + o),
            Anchor::Last(p, o) => self.times(p).into_iter().max().map(|t| t + o),
        }
    }

    /// (start, end, end included); start `None`: -∞; `Err(())`: never started;
    /// end `None`: open or never.
    #[allow(clippy::type_complexity)]
    fn window(&self, w: &Window) -> Result<(Option<T>, Option<T>, bool), ()> {
        Ok(match w {
            Window::Between(a, b) => (Some(self.anchor(a).ok_or(())?), self.anchor(b), false),
            Window::After(a) => (Some(self.anchor(a).ok_or(())?), None, false),
            Window::Before(a) => (None, self.anchor(a), false),
            Window::WithinAfter(d, a) => {
                let a = self.anchor(a).ok_or(())?;
                (Some(a), Some(a + d), true)
            }
            Window::During => {
                let c = Pat {
                    kind: 2,
                    n: None,
                    zone: None,
                };
                let s = self.anchor(&Anchor::First(c, 0)).ok_or(())?;
                (Some(s), Some(s + 20 * self.unit), false)
            }
        })
    }

    fn judge(&self, f: &Form) -> Judged {
        match f {
            Form::Precedes(p, q, within) => {
                let a = self.times(p).into_iter().min();
                let qs = self.times(q);
                let early = match a {
                    Some(a) => qs.iter().any(|&t| t < a),
                    None => !qs.is_empty(),
                };
                if early {
                    return single(Verdict::Violated);
                }
                let Some(a) = a else { return single(Verdict::Vacuous) };
                match within {
                    None if qs.is_empty() => single(Verdict::Vacuous),
                    None => single(Verdict::Satisfied),
                    Some(d) => match qs.iter().filter(|&&t| t >= a).min() {
                        Some(&q) if q <= a + d => single(Verdict::Satisfied),
                        Some(_) => single(Verdict::Violated),
                        None if self.reached(a + d) => single(Verdict::Violated),
                        None => single(Verdict::Pending),
                    },
                }
            }
            Form::Followed(p, q, no, d) => self.every(p, q, *no, |t, pt| t >= pt && t <= pt + d, Some(*d)),
            Form::Preceded(p, q, no, d) => {
                let d = *d;
                let mut counts = (0, 0, 0);
                let mut any = false;
                for (i, o) in self.log.iter().enumerate() {
                    if !self.matches(p, o) {
                        continue;
                    }
                    any = true;
                    let found = self.log.iter().enumerate().any(|(j, x)| {
                        j != i && self.matches(q, x) && x.time <= o.time && d.is_none_or(|d| x.time >= o.time - d)
                    });
                    if found != *no {
                        counts.0 += 1;
                    } else {
                        counts.1 += 1;
                    }
                }
                if !any {
                    return single(Verdict::Vacuous);
                }
                Judged {
                    verdict: worst(counts),
                    counts,
                }
            }
            Form::OccursBy(p, a) => {
                let Some(x) = self.anchor(a) else {
                    return single(Verdict::Vacuous);
                };
                if self.times(p).iter().any(|&t| t <= x) {
                    single(Verdict::Satisfied)
                } else if self.reached(x) {
                    single(Verdict::Violated)
                } else {
                    single(Verdict::Pending)
                }
            }
            Form::OccursWithin(p, d, a) => {
                let Some(x) = self.anchor(a) else {
                    return single(Verdict::Vacuous);
                };
                if self.times(p).iter().any(|&t| t >= x && t <= x + d) {
                    single(Verdict::Satisfied)
                } else if self.reached(x + d) {
                    single(Verdict::Violated)
                } else {
                    single(Verdict::Pending)
                }
            }
            Form::Absence(p, w) => {
                let Ok((start, end, closed_end)) = self.window(w) else {
                    return single(Verdict::Vacuous);
                };
                if start.is_some_and(|s| !self.reached(s)) {
                    return single(Verdict::Vacuous);
                }
                let inside =
                    |t: T| start.is_none_or(|s| t >= s) && end.is_none_or(|e| if closed_end { t <= e } else { t < e });
                if self.times(p).into_iter().any(inside) {
                    single(Verdict::Violated)
                } else if end.is_some_and(|e| self.reached(e)) {
                    single(Verdict::Satisfied)
                } else {
                    single(Verdict::Pending)
                }
            }
            Form::Aggregate(agg, p, c, n, per, w, _) => self.aggregate(*agg, p, *c, *n, *per, w),
        }
    }

    /// Followed forms: `in_range(t_q, t_p)`.
    fn every(&self, p: &Pat, q: &Pat, no: bool, in_range: impl Fn(T, T) -> bool, d: Option<T>) -> Judged {
        let mut counts = (0, 0, 0);
        let mut any = false;
        for (i, o) in self.log.iter().enumerate() {
            if !self.matches(p, o) {
                continue;
            }
            any = true;
            let found = self
                .log
                .iter()
                .enumerate()
                .any(|(j, x)| j != i && self.matches(q, x) && in_range(x.time, o.time));
            let due = self.reached(o.time + d.unwrap_or(0));
            match (found, no, due) {
                (true, false, _) => counts.0 += 1,
                (true, true, _) => counts.1 += 1,
                (false, _, false) => counts.2 += 1,
                (false, false, true) => counts.1 += 1,
                (false, true, true) => counts.0 += 1,
            }
        }
        if !any {
            return single(Verdict::Vacuous);
        }
        Judged {
            verdict: worst(counts),
            counts,
        }
    }

    fn holds(&self, value: i128, c: Cmp, n: i128) -> bool {
        match c {
            Cmp::Ge => value >= n,
            Cmp::Le => value <= n,
            Cmp::Gt => value > n,
            Cmp::Lt => value < n,
            Cmp::Eq => value == n,
            Cmp::Ne => value != n,
        }
    }

    /// The aggregate's exact value, scaled.
    fn value(&self, agg: Agg, p: &Pat, from: Option<T>, to: Option<T>, closed_end: bool) -> i128 {
        self.log
            .iter()
            .filter(|o| self.matches(p, o))
            .filter(|o| {
                from.is_none_or(|s| o.time >= s) && to.is_none_or(|e| if closed_end { o.time <= e } else { o.time < e })
            })
            .map(|o| match agg {
                Agg::Count => SCALE,
                Agg::Sum => i128::from(o.n.unwrap_or(0)) * SCALE,
                Agg::SumX => o.x.map_or(0, |x| DECIMALS[x].1),
            })
            .sum()
    }

    fn aggregate(&self, agg: Agg, p: &Pat, c: Cmp, n: i64, per: Option<T>, w: &Window) -> Judged {
        let (_, n) = constant(agg, n);
        let Ok((start, end, closed_end)) = self.window(w) else {
            return single(Verdict::Vacuous);
        };
        if start.is_some_and(|s| !self.reached(s)) {
            return single(Verdict::Vacuous);
        }
        let closed = end.is_some_and(|e| self.reached(e));
        let Some(d) = per else {
            let v = self.value(agg, p, start, end, closed_end);
            // Decided early (LANGUAGE-v2 §13): a count only grows, so
            // `>=` and `>` are settled once they hold, `<=` and `<` once
            // they fail, whichever side the count is written on.
            let early = agg == Agg::Count && matches!(c, Cmp::Ge | Cmp::Gt | Cmp::Le | Cmp::Lt);
            if early && matches!(c, Cmp::Ge | Cmp::Gt) && self.holds(v, c, n) {
                return single(Verdict::Satisfied);
            }
            if early && matches!(c, Cmp::Le | Cmp::Lt) && !self.holds(v, c, n) {
                return single(Verdict::Violated);
            }
            return single(match (closed, self.holds(v, c, n)) {
                (false, _) => Verdict::Pending,
                (true, true) => Verdict::Satisfied,
                (true, false) => Verdict::Violated,
            });
        };
        let s = start.expect("slices need a start");
        // Slices cut from an earlier origin: the first judged is the first
        // wholly inside the window.
        let origin = self.origin.unwrap_or(s).min(s);
        let mut counts = (0, 0, 0);
        let mut k = (s - origin + d - 1).div_euclid(d);
        loop {
            let (from, to) = (origin + k * d, origin + (k + 1) * d);
            let fits = end.is_none_or(|e| to <= e);
            if !fits || !self.reached(from) {
                break;
            }
            if self.reached(to) {
                if self.holds(self.value(agg, p, Some(from), Some(to), false), c, n) {
                    counts.0 += 1;
                } else {
                    counts.1 += 1;
                }
            } else {
                if !closed {
                    counts.2 += 1;
                }
                break;
            }
            k += 1;
        }
        let verdict = if counts.1 > 0 {
            Verdict::Violated
        } else if closed {
            Verdict::Satisfied
        } else {
            Verdict::Pending
        };
        Judged { verdict, counts }
    }
}

// ------------------------------------------------------------ strategies ----

fn pat_strategy(zone_var: bool) -> impl Strategy<Value = Pat> {
    let zone = if zone_var {
        prop_oneof![
            Just(None),
            (0..2usize).prop_map(|z| Some(ZoneRef::Named(z))),
            Just(Some(ZoneRef::Var)),
            Just(Some(ZoneRef::Var))
        ]
        .boxed()
    } else {
        prop_oneof![Just(None), (0..2usize).prop_map(|z| Some(ZoneRef::Named(z)))].boxed()
    };
    (0..3usize, prop::option::weighted(0.3, 1..3i64), zone).prop_map(|(kind, n, zone)| Pat { kind, n, zone })
}

fn anchor_strategy(zone_var: bool) -> impl Strategy<Value = Anchor> {
    prop_oneof![
        (0..40i64).prop_map(Anchor::Time),
        (pat_strategy(zone_var), -5..6i64).prop_map(|(p, o)| Anchor::First(p, o)),
        (pat_strategy(zone_var), -5..6i64).prop_map(|(p, o)| Anchor::Last(p, o)),
    ]
}

fn window_strategy(zone_var: bool, per: bool) -> impl Strategy<Value = Window> {
    let between = (0..30i64, 1..30i64).prop_map(|(a, len)| Window::Between(Anchor::Time(a), Anchor::Time(a + len)));
    let mixed = (anchor_strategy(zone_var), 1..30i64).prop_map(|(a, len)| match &a {
        Anchor::Time(t) => Window::Between(a.clone(), Anchor::Time(t + len)),
        _ => Window::Between(a.clone(), Anchor::Time(len + 10)),
    });
    let after = anchor_strategy(zone_var).prop_map(Window::After);
    let within = (1..25i64, anchor_strategy(zone_var)).prop_map(|(d, a)| Window::WithinAfter(d, a));
    if per {
        prop_oneof![between, mixed, after, within, Just(Window::During)].boxed()
    } else {
        let before = anchor_strategy(zone_var).prop_map(Window::Before);
        prop_oneof![between, mixed, after, before, within, Just(Window::During)].boxed()
    }
}

fn cmp_strategy() -> impl Strategy<Value = Cmp> {
    prop_oneof![
        Just(Cmp::Ge),
        Just(Cmp::Le),
        Just(Cmp::Gt),
        Just(Cmp::Lt),
        Just(Cmp::Eq),
        Just(Cmp::Ne)
    ]
}

fn form_strategy(z: bool) -> impl Strategy<Value = Form> {
    let d = 1..20i64;
    prop_oneof![
        (pat_strategy(z), pat_strategy(z), prop::option::of(d.clone())).prop_map(|(p, q, d)| Form::Precedes(p, q, d)),
        (pat_strategy(z), pat_strategy(z), any::<bool>(), d.clone())
            .prop_map(|(p, q, no, d)| Form::Followed(p, q, no, d)),
        (
            pat_strategy(z),
            pat_strategy(z),
            any::<bool>(),
            prop::option::of(d.clone())
        )
            .prop_map(|(p, q, no, d)| Form::Preceded(p, q, no, d)),
        (pat_strategy(z), anchor_strategy(z)).prop_map(|(p, a)| Form::OccursBy(p, a)),
        (pat_strategy(z), d.clone(), anchor_strategy(z)).prop_map(|(p, d, a)| Form::OccursWithin(p, d, a)),
        (pat_strategy(z), window_strategy(z, false)).prop_map(|(p, w)| Form::Absence(p, w)),
        (
            prop_oneof![Just(Agg::Count), Just(Agg::Sum), Just(Agg::SumX)],
            pat_strategy(z),
            cmp_strategy(),
            0..7i64,
            window_strategy(z, false),
            any::<bool>()
        )
            .prop_map(|(a, p, c, n, w, flipped)| Form::Aggregate(a, p, c, n, None, w, flipped)),
        (
            prop_oneof![Just(Agg::Count), Just(Agg::Sum), Just(Agg::SumX)],
            pat_strategy(z),
            cmp_strategy(),
            0..7i64,
            1..8i64,
            window_strategy(z, true),
            any::<bool>()
        )
            .prop_map(|(a, p, c, n, d, w, flipped)| Form::Aggregate(a, p, c, n, Some(d), w, flipped)),
    ]
}

pub(crate) fn rule_strategy() -> impl Strategy<Value = Rule> {
    prop_oneof![
        form_strategy(false).prop_map(|form| Rule {
            for_each_zone: false,
            form
        }),
        form_strategy(true).prop_map(|form| Rule {
            for_each_zone: true,
            form
        }),
    ]
}

fn obs_strategy() -> impl Strategy<Value = Obs> {
    // Few distinct times, so that many observations share an instant.
    // Whole numbers near 2⁶³ now and then: their sums go past 64 bits.
    let n = prop_oneof![
        8 => 1..3i64,
        1 => Just(i64::MAX),
        1 => Just(i64::MAX - 1),
        1 => Just(i64::MIN + 1),
    ];
    (
        0..40i64,
        0..3usize,
        prop::option::weighted(0.8, n),
        prop::option::weighted(0.7, 0..DECIMALS.len()),
        prop::option::weighted(0.8, 0..2usize),
    )
        .prop_map(|(time, kind, n, x, zone)| Obs { time, kind, n, x, zone })
}

// ------------------------------------------------------------- the test ----

fn run(rules: &[Rule], log: &[Obs], as_of: Option<T>, sorted_file: bool) -> Result<(), TestCaseError> {
    let mut log = log.to_vec();
    if sorted_file {
        log.sort_by_key(|o| o.time);
    }
    let log = log.as_slice();
    let dir = super::folder(&[("rules.cfr", &rule_file(rules)), ("log.jsonl", &log_file(log))]);
    let mut workspace = Workspace::new();
    let id = workspace
        .load("rules.cfr", &dir.path().join("rules.cfr"))
        .expect("rules");
    let outcome = check_files(&mut workspace, &[id]);
    // Generated rules are meant to be valid; the rare one that is not
    // (a window that ends before it starts) is not this test's business.
    prop_assume!(
        !outcome.diagnostics.iter().any(|d| d.is_error()),
        "{:?}",
        outcome.diagnostics
    );
    let model = &outcome.units[0].model;
    let as_of_time = as_of.map(|t| chrono::DateTime::parse_from_rfc3339(&stamp(t)).expect("as of").to_utc());
    let logs = LogSet::new(&[dir.path().join("log.jsonl")], None, None).expect("log");
    let (read, observations) = read(
        model,
        &logs,
        &ReadOptions {
            as_of: as_of_time,
            ..ReadOptions::default()
        },
    );
    prop_assert!(read.invalid.is_empty(), "{:?}", read.invalid);
    let evaluation = evaluate(
        model,
        &observations,
        &EvalOptions {
            as_of: as_of_time,
            ..EvalOptions::default()
        },
    )
    .expect("judged");

    // The same judgement through the front door, as `verify` makes it:
    // judged while read, or through the spool (observations merged from a
    // sorted segment, or sorted in memory), or read again and sorted.
    let options = ceasefire::VerifyOptions {
        as_of: as_of_time,
        ..ceasefire::VerifyOptions::default()
    };
    let streamed = ceasefire::verify(model, &logs, &options).expect("judged").evaluation;
    for (a, b) in evaluation.rules.iter().zip(&streamed.rules) {
        prop_assert_eq!(a.verdict, b.verdict);
        for (x, y) in a.instances.iter().zip(&b.instances) {
            prop_assert_eq!((x.verdict, x.counts), (y.verdict, y.counts));
        }
    }

    // The reference sees the log in time order (ties in record order), up to the horizon.
    let mut sorted: Vec<Obs> = log
        .iter()
        .filter(|o| as_of.is_none_or(|h| o.time <= h))
        .cloned()
        .collect();
    sorted.sort_by_key(|o| o.time);
    let horizon = as_of.or_else(|| sorted.iter().map(|o| o.time).max());
    for (i, rule) in rules.iter().enumerate() {
        let result = &evaluation.rules[i];
        let zones: Vec<Option<usize>> = if rule.for_each_zone {
            vec![Some(0), Some(1)]
        } else {
            vec![None]
        };
        prop_assert_eq!(result.instances.len(), zones.len());
        for (instance, zone) in result.instances.iter().zip(zones) {
            let reference = Reference {
                log: &sorted,
                horizon,
                zone,
                unit: 1,
                origin: None,
            };
            let expected = reference.judge(&rule.form);
            let c = instance.counts;
            let got = Judged {
                verdict: instance.verdict,
                counts: (c.satisfied, c.violated, c.pending),
            };
            prop_assert_eq!(
                &got,
                &expected,
                "rule r{} ({}), zone {:?}, horizon {:?}\nrules:\n{}\nlog:\n{}",
                i,
                form(&rule.form),
                zone,
                horizon,
                rule_file(rules),
                log_file(&sorted)
            );
        }
        let worst = result
            .instances
            .iter()
            .map(|i| i.verdict)
            .max()
            .unwrap_or(Verdict::Vacuous);
        prop_assert_eq!(result.verdict, worst);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, ..ProptestConfig::default() })]

    #[test]
    fn the_engine_agrees_with_the_reference(
        rules in prop::collection::vec(rule_strategy(), 1..5),
        log in prop::collection::vec(obs_strategy(), 0..25),
        as_of in prop::option::of(0..50i64),
        sorted_file in any::<bool>(),
    ) {
        run(&rules, &log, as_of, sorted_file)?;
    }
}

// ------------------------------------------------------ uncertain logs ----

/// An observation of an uncertain log: known to a range of minutes, or
/// below the evidence standard (one source where two are asked).
#[derive(Clone, Debug)]
struct Uncertain {
    obs: Obs,
    /// The end of its range (excluded), in minutes.
    to: Option<T>,
    doubt: bool,
}

/// Quarter minutes: the grid the worlds put ranged observations on, fine
/// enough to fall between, on and either side of every minute a rule names.
const QUARTERS: T = 4;

fn scaled_anchor(a: &Anchor) -> Anchor {
    match a {
        Anchor::Time(t) => Anchor::Time(t * QUARTERS),
        Anchor::First(p, o) => Anchor::First(p.clone(), o * QUARTERS),
        Anchor::Last(p, o) => Anchor::Last(p.clone(), o * QUARTERS),
    }
}

fn scaled_window(w: &Window) -> Window {
    match w {
        Window::Between(a, b) => Window::Between(scaled_anchor(a), scaled_anchor(b)),
        Window::After(a) => Window::After(scaled_anchor(a)),
        Window::Before(a) => Window::Before(scaled_anchor(a)),
        Window::WithinAfter(d, a) => Window::WithinAfter(d * QUARTERS, scaled_anchor(a)),
        Window::During => Window::During,
    }
}

/// The form with its times and durations in quarter minutes.
fn scaled(f: &Form) -> Form {
    let q = |d: &Option<T>| d.map(|d| d * QUARTERS);
    match f {
        Form::Precedes(p, r, d) => Form::Precedes(p.clone(), r.clone(), q(d)),
        Form::Followed(p, r, no, d) => Form::Followed(p.clone(), r.clone(), *no, d * QUARTERS),
        Form::Preceded(p, r, no, d) => Form::Preceded(p.clone(), r.clone(), *no, q(d)),
        Form::OccursBy(p, a) => Form::OccursBy(p.clone(), scaled_anchor(a)),
        Form::OccursWithin(p, d, a) => Form::OccursWithin(p.clone(), d * QUARTERS, scaled_anchor(a)),
        Form::Absence(p, w) => Form::Absence(p.clone(), scaled_window(w)),
        Form::Aggregate(agg, p, c, n, per, w, flipped) => {
            Form::Aggregate(*agg, p.clone(), *c, *n, q(per), scaled_window(w), *flipped)
        }
    }
}

fn uncertain_log_file(log: &[Uncertain], standard: bool) -> String {
    let mut text = String::new();
    for u in log {
        let o = &u.obs;
        let time = match u.to {
            Some(to) => format!("{}/{}", stamp(o.time), stamp(to)),
            None => stamp(o.time),
        };
        let mut fields = format!("\"time\": \"{time}\", \"kind\": \"{}\"", KINDS[o.kind]);
        if let Some(n) = o.n {
            fields.push_str(&format!(", \"n\": {n}"));
        }
        if let Some(x) = o.x {
            fields.push_str(&format!(", \"x\": {}", DECIMALS[x].0));
        }
        if let Some(z) = o.zone {
            fields.push_str(&format!(", \"zone\": \"{}\"", ZONES[z]));
        }
        if standard {
            fields.push_str(if u.doubt {
                ", \"source\": \"A\""
            } else {
                ", \"source\": [\"A\", \"B\"]"
            });
        }
        text.push_str(&format!("{{{fields}}}\n"));
    }
    text
}

/// Every world the log allows, in quarter minutes, up to the horizon and
/// in time order.
fn worlds(log: &[Uncertain], horizon: T) -> Vec<Vec<Obs>> {
    let mut worlds: Vec<Vec<Obs>> = vec![Vec::new()];
    for u in log {
        let mut places: Vec<Option<T>> = match u.to {
            Some(to) => (u.obs.time * QUARTERS..to * QUARTERS).map(Some).collect(),
            None => vec![Some(u.obs.time * QUARTERS)],
        };
        if u.doubt {
            places.push(None);
        }
        worlds = worlds
            .into_iter()
            .flat_map(|world| {
                places.iter().map(move |place| {
                    let mut world = world.clone();
                    if let Some(t) = place.filter(|&t| t <= horizon) {
                        world.push(Obs {
                            time: t,
                            ..u.obs.clone()
                        });
                    }
                    world
                })
            })
            .collect();
    }
    for world in &mut worlds {
        world.sort_by_key(|o| o.time);
    }
    worlds
}

fn uncertain_strategy() -> impl Strategy<Value = Uncertain> {
    (
        obs_strategy(),
        prop::option::weighted(0.4, 1..4i64),
        prop::bool::weighted(0.3),
    )
        .prop_map(|(obs, length, doubt)| Uncertain {
            to: length.map(|l| obs.time + l),
            obs,
            doubt,
        })
}

fn run_uncertain(rules: &[Rule], mut log: Vec<Uncertain>, as_of: T) -> Result<(), TestCaseError> {
    // At most two ranges and two reports in doubt, so that the worlds can
    // all be judged (at most 12 × 12 × 2 × 2).
    let (mut ranges, mut doubts) = (0, 0);
    for u in &mut log {
        ranges += usize::from(u.to.is_some());
        doubts += usize::from(u.doubt);
        if ranges > 2 {
            u.to = None;
        }
        if doubts > 2 {
            u.doubt = false;
        }
    }
    let standard = log.iter().any(|u| u.doubt);
    let mut text = rule_file(rules);
    if standard {
        text = format!("evidence sources >= 2\n{text}");
    }
    let Ok(checked) = ceasefire::Rules::from_text("rules.cfr", &text) else {
        // A generated window that ends before it starts: not this test's business.
        return Err(TestCaseError::reject("the rules do not check"));
    };
    let model = &checked.model;
    let file = uncertain_log_file(&log, standard);
    let logs = LogSet::new(
        &[std::path::PathBuf::from("-")],
        Some(ceasefire::LogFormat::Jsonl),
        Some(file.clone().into_bytes()),
    )
    .expect("standard input");
    let as_of_time = chrono::DateTime::parse_from_rfc3339(&stamp(as_of))
        .expect("as of")
        .to_utc();
    let options = ceasefire::VerifyOptions {
        as_of: Some(as_of_time),
        ..ceasefire::VerifyOptions::default()
    };
    let verified = ceasefire::verify(model, &logs, &options).expect("judged");
    prop_assert!(verified.read.invalid.is_empty(), "{:?}", verified.read.invalid);
    let evaluation = verified.evaluation;

    // The same judgement when the log comes in chunks of a few bytes: the
    // records that wait for their turn are kept in their chunks, and the
    // chunks are parsed on every thread.
    let in_chunks = ceasefire::VerifyOptions {
        as_of: Some(as_of_time),
        chunk_bytes: 1 + as_of as usize % 64,
        ..ceasefire::VerifyOptions::default()
    };
    let again = ceasefire::verify(model, &logs, &in_chunks).expect("judged").evaluation;
    prop_assert_eq!(format!("{:?}", again.rules), format!("{:?}", evaluation.rules));

    let worlds = worlds(&log, as_of * QUARTERS);
    for (i, rule) in rules.iter().enumerate() {
        let result = &evaluation.rules[i];
        let fine = scaled(&rule.form);
        let zones: Vec<Option<usize>> = if rule.for_each_zone {
            vec![Some(0), Some(1)]
        } else {
            vec![None]
        };
        prop_assert_eq!(result.instances.len(), zones.len());
        let allowed = |verdict: Verdict, possible: ceasefire::verdict::Possible| {
            if verdict == Verdict::Indeterminate {
                possible
            } else {
                ceasefire::verdict::Possible::one(verdict)
            }
        };
        let rule_allowed = allowed(result.verdict, result.possible);
        // Slices are cut from the window's earliest possible start, which
        // is its earliest start in any world.
        let origins: Vec<Option<T>> = zones
            .iter()
            .map(|zone| {
                let Form::Aggregate(_, _, _, _, Some(_), w, _) = &fine else {
                    return None;
                };
                worlds
                    .iter()
                    .filter_map(|world| {
                        let reference = Reference {
                            log: world,
                            horizon: Some(as_of * QUARTERS),
                            zone: *zone,
                            unit: QUARTERS,
                            origin: None,
                        };
                        reference.window(w).ok().and_then(|(s, _, _)| s)
                    })
                    .min()
            })
            .collect();
        for world in &worlds {
            let mut worst = Verdict::Vacuous;
            for ((instance, zone), origin) in result.instances.iter().zip(&zones).zip(&origins) {
                let reference = Reference {
                    log: world,
                    horizon: Some(as_of * QUARTERS),
                    zone: *zone,
                    unit: QUARTERS,
                    origin: *origin,
                };
                let verdict = reference.judge(&fine).verdict;
                worst = worst.max(verdict);
                prop_assert!(
                    allowed(instance.verdict, instance.possible).contains(verdict),
                    "rule r{} ({}), zone {:?}: judged {} ({}) but a world is {}\n{}\n\
                     rules:\n{}\nlog (as of {}):\n{}\nthe world (quarter minutes):\n{:?}",
                    i,
                    form(&rule.form),
                    zone,
                    instance.verdict,
                    instance.possible,
                    verdict,
                    instance.reason,
                    text,
                    stamp(as_of),
                    file,
                    world
                        .iter()
                        .map(|o| (o.time, KINDS[o.kind], o.n, o.zone))
                        .collect::<Vec<_>>()
                );
            }
            prop_assert!(
                rule_allowed.contains(worst),
                "rule r{}: judged {} ({}) but a world is {}",
                i,
                result.verdict,
                result.possible,
                worst
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn uncertain_verdicts_hold_in_every_world_of_the_reference(
        rules in prop::collection::vec(rule_strategy(), 1..4),
        log in prop::collection::vec(uncertain_strategy(), 0..12),
        as_of in 0..50i64,
    ) {
        run_uncertain(&rules, log, as_of)?;
    }
}
