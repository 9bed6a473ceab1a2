//! The possible-worlds property (LANGUAGE-v2 §9): random small rules and
//! logs with time ranges and reports below an evidence standard are judged
//! once as they are, then in many exact worlds — each ranged observation
//! put at one instant of its range, each observation in doubt kept or
//! dropped — each judged by the exact engine. A definite verdict must be
//! the verdict of every world; an indeterminate one's possible verdicts
//! must include every world's.

use ceasefire::verdict::{Possible, Verdict};
use ceasefire::{LogFormat, LogSet, Rules, VerifyOptions};
use std::path::PathBuf;

/// A small deterministic generator (xorshift), so that a failing case can
/// be replayed from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// Minutes after the start of the test day, as a time.
fn at(minute: u64) -> String {
    format!("2025-01-01T{:02}:{:02}:00Z", minute / 60, minute % 60)
}

/// The instant just before `minute` (the last instant of a range ending there).
fn just_before(minute: u64) -> String {
    let m = minute - 1;
    format!("2025-01-01T{:02}:{:02}:59.999999999Z", m / 60, m % 60)
}

/// One record of a generated log.
#[derive(Clone, Debug)]
struct Record {
    kind: &'static str,
    from: u64,
    /// The end of its range in minutes (excluded); `None` for an instant.
    to: Option<u64>,
    n: i64,
    /// Whether it meets the standard (two sources).
    sourced: bool,
}

impl Record {
    fn line(&self, time: &str, sources: bool) -> String {
        let source = if sources && self.sourced {
            r#","source":["A","B"]"#
        } else if sources {
            r#","source":"A""#
        } else {
            ""
        };
        format!(r#"{{"time":"{time}","kind":"{}","n":{}{source}}}"#, self.kind, self.n)
    }

    fn written(&self) -> String {
        match self.to {
            None => at(self.from),
            Some(to) => format!("{}/{}", at(self.from), at(to)),
        }
    }
}

/// A random body, with the phase it may use.
fn body(rng: &mut Rng) -> String {
    let d = 1 + rng.below(15);
    let start = rng.below(40);
    let (a, b) = (at(start), at(start + 1 + rng.below(30)));
    let n = rng.below(4);
    let window = match rng.below(6) {
        0 => format!("between {a} and {b}"),
        1 => "during ph".to_string(),
        2 => format!("after {a}"),
        3 => format!("before {b}"),
        4 => format!("within {d}m after first q"),
        _ => "between first q and last q".to_string(),
    };
    match rng.below(14) {
        0 => format!("no p {window}"),
        1 => format!("p occurs by {a}"),
        2 => format!("p occurs within {d}m after first q"),
        3 => "p precedes q".to_string(),
        4 => format!("p precedes q within {d}m"),
        5 => format!("every p is followed by q within {d}m"),
        6 => format!("every p is followed by no q within {d}m"),
        7 => format!("every p is preceded by q within {d}m"),
        8 => "every p is preceded by no q".to_string(),
        9 => format!("count(p) >= {n} {window}"),
        10 => format!("count(p) <= {n} {window}"),
        11 => format!("at most {n} p per {}m after {}", 5 + d, at(rng.below(10))),
        12 => format!("sum(n of p) >= {} {window}", n as i64 - 2),
        _ => format!("count(p) - count(q) < {n} {window}"),
    }
}

/// A random log: a few instants and ranges of `p` and `q`.
fn records(rng: &mut Rng) -> Vec<Record> {
    (0..1 + rng.below(7))
        .map(|_| {
            let from = rng.below(60);
            Record {
                kind: if rng.chance(55) { "p" } else { "q" },
                from,
                to: rng.chance(45).then(|| from + 1 + rng.below(15)),
                n: rng.below(5) as i64 - 1,
                sourced: rng.chance(60),
            }
        })
        .collect()
}

fn judge(rules: &Rules, log: &str, as_of: &str) -> (Verdict, Possible, String) {
    let logs = LogSet::new(
        &[PathBuf::from("-")],
        Some(LogFormat::Jsonl),
        Some(log.as_bytes().to_vec()),
    )
    .expect("standard input");
    let as_of = ceasefire::time::parse_timestamp(as_of).expect("as of").to_utc();
    let options = VerifyOptions {
        as_of: Some(as_of),
        ..VerifyOptions::default()
    };
    let verified = ceasefire::verify(&rules.model, &logs, &options).expect("judged");
    let rule = &verified.evaluation.rules[0];
    let reason = rule.instances.first().map(|i| i.reason.clone()).unwrap_or_default();
    (rule.verdict, rule.possible, reason)
}

#[test]
fn every_world_is_allowed_by_the_verdict() {
    let mut failures = Vec::new();
    for seed in 1..=1500u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let standard = rng.chance(40);
        let body = body(&mut rng);
        let schema = "event p { n: int }\nevent q { n: int }\nphase ph = from first q for 20m\n";
        let evidence = if standard { "evidence sources >= 2\n" } else { "" };
        let text = format!("{schema}rule r {{\n{evidence}{body}\n}}\n");
        let exact_text = format!("{schema}rule r {{\n{body}\n}}\n");
        let (Ok(rules), Ok(exact_rules)) = (Rules::from_text("r.cfr", &text), Rules::from_text("r.cfr", &exact_text))
        else {
            panic!("seed {seed}: the generated rule does not check:\n{text}");
        };
        let records = records(&mut rng);
        let as_of = 10 + rng.below(60);
        let log: String = records.iter().map(|r| r.line(&r.written(), standard) + "\n").collect();
        let (verdict, possible, reason) = judge(&rules, &log, &at(as_of));
        let allowed = if verdict == Verdict::Indeterminate {
            possible
        } else {
            Possible::one(verdict)
        };
        // Worlds: every record at its first or last instant, then random ones.
        for w in 0..40 {
            let mut lines = String::new();
            for r in &records {
                if standard && !r.sourced && rng.chance(50) {
                    continue;
                }
                let time = match (r.to, w) {
                    (None, _) => at(r.from),
                    (Some(_), 0) => at(r.from),
                    (Some(to), 1) => just_before(to),
                    (Some(to), _) => match rng.below(3) {
                        0 => just_before(to),
                        _ => at(r.from + rng.below(to - r.from)),
                    },
                };
                lines.push_str(&(r.line(&time, false) + "\n"));
            }
            let (world, _, world_reason) = judge(&exact_rules, &lines, &at(as_of));
            if !allowed.contains(world) {
                failures.push(format!(
                    "seed {seed}: judged {verdict} ({possible}) but a world is {world}\n--- rules\n{text}--- log (as of {})\n{log}--- world\n{lines}--- reasons\n{reason}\n{world_reason}\n",
                    at(as_of)
                ));
                break;
            }
        }
        if failures.len() >= 3 {
            break;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
