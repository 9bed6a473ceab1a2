//! Verdicts of every form at the boundaries LANGUAGE.md §5 names: inclusive
//! deadlines, half-open windows, equal timestamps, UTC offsets, `--as-of`,
//! empty slices, vacuous against pending, each occurrence counted.

use ceasefire::Verdict::{self, Pending, Satisfied, Vacuous, Violated};
use ceasefire::{InstanceResult, LogFormat, LogSet, Rules, VerifyOptions};

const DECLARATIONS: &str = "zone north\nzone south\nevent truce\nevent release { batch: int, hostages: int }\nevent drawdown { zone: zone }\nevent strike { zone: zone, actor: text }\nevent aid { trucks: int }\nevent convoy { tonnes: number, trucks: int }\nphase p1 = from first truce for 2d\nphase p2 = from end of p1 for 1d\nphase talks = from first release until first drawdown\n";

/// `"01T10:00 release batch=2"` → a JSON line on January 2025 (`01T10:00` is
/// the 1st at 10:00 UTC; a full timestamp may be given instead).
fn line(short: &str) -> String {
    let mut parts = short.split_whitespace();
    let when = parts.next().expect("time");
    let time = if when.len() <= 8 {
        format!("2025-01-{when}:00Z")
    } else {
        when.to_string()
    };
    let kind = parts.next().expect("kind");
    let mut fields = format!("\"time\": \"{time}\", \"kind\": \"{kind}\"");
    for part in parts {
        let (key, value) = part.split_once('=').expect("key=value");
        // A JSON number as written (digits, sign, point, exponent), else text.
        let number = value.bytes().any(|b| b.is_ascii_digit())
            && value.bytes().all(|b| b.is_ascii_digit() || b"-+.eE".contains(&b));
        let value = if number {
            value.to_string()
        } else {
            format!("\"{value}\"")
        };
        fields.push_str(&format!(", \"{key}\": {value}"));
    }
    format!("{{{fields}}}\n")
}

/// Every instance of rule `r`, judged against the log.
fn judge(body: &str, log: &[&str], as_of: Option<&str>) -> (Verdict, Vec<InstanceResult>) {
    let rules = format!("{DECLARATIONS}rule r {{ {body} }}\n");
    let log: String = log.iter().map(|l| line(l)).collect();
    let rules = Rules::from_text("rules.cfr", &rules).unwrap_or_else(|e| panic!("{body}: {e:#?}"));
    let as_of = as_of.map(|t| ceasefire::time::parse_timestamp(t).expect("as of").to_utc());
    let logs = LogSet::from_bytes("log.jsonl", LogFormat::Jsonl, log.into_bytes());
    let options = VerifyOptions {
        as_of,
        ..VerifyOptions::default()
    };
    let verified = ceasefire::verify(&rules.model, &logs, &options).unwrap_or_else(|e| panic!("{body}: {e}"));
    let result = verified.evaluation.rules.into_iter().next().expect("rule r");
    (result.verdict, result.instances)
}

fn verdict(body: &str, log: &[&str], as_of: Option<&str>) -> Verdict {
    judge(body, log, as_of).0
}

/// (satisfied, violated, pending) of the first instance.
fn counts(body: &str, log: &[&str], as_of: Option<&str>) -> (u64, u64, u64) {
    let (_, instances) = judge(body, log, as_of);
    let c = instances[0].counts;
    (c.satisfied, c.violated, c.pending)
}

#[test]
fn precedes() {
    let rule = "release precedes drawdown";
    assert_eq!(verdict(rule, &[], None), Vacuous);
    assert_eq!(verdict(rule, &["01T10:00 release batch=1"], None), Vacuous, "no Q");
    assert_eq!(
        verdict(rule, &["01T10:00 drawdown zone=north"], None),
        Violated,
        "a Q and no P"
    );
    assert_eq!(
        verdict(
            rule,
            &["01T09:00 drawdown zone=north", "01T10:00 release batch=1"],
            None
        ),
        Violated
    );
    assert_eq!(
        verdict(
            rule,
            &["01T10:00 release batch=1", "01T11:00 drawdown zone=north"],
            None
        ),
        Satisfied
    );
    // At the same instant, Q is at the first P, not before it, whatever the file order.
    assert_eq!(
        verdict(
            rule,
            &["01T10:00 drawdown zone=north", "01T10:00 release batch=1"],
            None
        ),
        Satisfied
    );
}

#[test]
fn precedes_within_has_an_inclusive_deadline() {
    let rule = "release batch 2 precedes drawdown in zone north within 72h";
    let p = "01T10:00 release batch=2";
    assert_eq!(
        verdict(rule, &[p, "04T10:00 drawdown zone=north"], None),
        Satisfied,
        "exactly at the deadline"
    );
    assert_eq!(
        verdict(rule, &[p, "2025-01-04T10:00:01Z drawdown zone=north"], None),
        Violated,
        "one second late"
    );
    assert_eq!(
        verdict(rule, &[p, "2025-01-04T12:00:00+02:00 drawdown zone=north"], None),
        Satisfied,
        "offsets"
    );
    assert_eq!(verdict(rule, &[p], Some("2025-01-04T09:59:59Z")), Pending);
    assert_eq!(
        verdict(rule, &[p], Some("2025-01-04T10:00:00Z")),
        Violated,
        "the horizon reaches the deadline"
    );
    assert_eq!(
        verdict(rule, &[p, "01T11:00 drawdown zone=south"], Some("2025-01-02")),
        Pending,
        "other zone"
    );
    assert_eq!(verdict(rule, &[], None), Vacuous);
    let (_, instances) = judge(rule, &[p, "05T10:00 drawdown zone=north"], None);
    let finding = &instances[0].findings[0];
    assert_eq!(
        finding.reason,
        "drawdown in zone north came 4d 0h after release batch 2; the limit is 72h"
    );
    assert_eq!(
        finding.deadline.map(ceasefire::time::format_timestamp).as_deref(),
        Some("2025-01-04T10:00:00Z")
    );
    assert_eq!(finding.evidence.len(), 2);
}

#[test]
fn every_followed_judges_each_occurrence() {
    let rule = "every release is followed by drawdown within 1h";
    let log = [
        "01T10:00 release batch=1",
        "01T10:30 drawdown zone=north",
        "01T12:00 release batch=2",
        "01T14:00 drawdown zone=north",
        "01T20:00 release batch=3",
    ];
    assert_eq!(
        counts(rule, &log, None),
        (1, 1, 1),
        "the horizon is the last release: its hour is still open"
    );
    assert_eq!(counts(rule, &log, Some("2025-01-01T20:59:59Z")), (1, 1, 1));
    assert_eq!(
        counts(rule, &log, Some("2025-01-01T21:00:00Z")),
        (1, 2, 0),
        "its deadline is reached"
    );
    assert_eq!(verdict(rule, &log, None), Violated);
    assert_eq!(verdict(rule, &[], None), Vacuous);
    // The deadline p + D is included; a Q at the same instant counts.
    assert_eq!(
        verdict(
            rule,
            &["01T10:00 release batch=1", "01T11:00 drawdown zone=north"],
            None
        ),
        Satisfied
    );
    assert_eq!(
        verdict(
            rule,
            &["01T10:00 drawdown zone=north", "01T10:00 release batch=1"],
            None
        ),
        Satisfied
    );
}

#[test]
fn an_observation_is_never_its_own_response() {
    let rule = "every release is followed by release within 1h";
    let later = Some("2025-01-02");
    assert_eq!(verdict(rule, &["01T10:00 release batch=1"], later), Violated);
    // Two at one instant answer each other.
    assert_eq!(
        counts(rule, &["01T10:00 release batch=1", "01T10:00 release batch=2"], later),
        (2, 0, 0)
    );
    let back = "every release is preceded by release";
    assert_eq!(
        counts(back, &["01T10:00 release batch=1", "01T10:00 release batch=2"], None),
        (2, 0, 0)
    );
    assert_eq!(verdict(back, &["01T10:00 release batch=1"], None), Violated);
}

#[test]
fn every_followed_by_no() {
    let rule = "every release is followed by no strike within 2h";
    let p = "01T10:00 release batch=1";
    assert_eq!(
        verdict(rule, &[p, "01T12:00 strike zone=north actor=x"], None),
        Violated,
        "at p + D"
    );
    assert_eq!(
        verdict(rule, &[p, "01T12:01 strike zone=north actor=x"], None),
        Satisfied
    );
    assert_eq!(verdict(rule, &[p], Some("2025-01-01T11:00:00Z")), Pending);
    assert_eq!(verdict(rule, &[p], Some("2025-01-01T12:00:00Z")), Satisfied);
}

/// Each finding's evidence of the first instance: kind and fields.
fn evidence(body: &str, log: &[&str]) -> Vec<Vec<String>> {
    let (_, instances) = judge(body, log, None);
    instances[0]
        .findings
        .iter()
        .map(|f| {
            f.evidence
                .iter()
                .map(|e| {
                    let fields: Vec<String> = e.fields.iter().map(|(k, v)| format!("{k}={v:?}")).collect();
                    format!("{} {}", e.kind, fields.join(" "))
                })
                .collect()
        })
        .collect()
}

#[test]
fn an_occurrence_decided_by_the_latest_answer_shows_that_answer_whole() {
    // Looking back: the drawdown before the strike decides it at once.
    let shown = evidence(
        "every strike is preceded by no drawdown within 1d",
        &["01T10:00 drawdown zone=north", "02T09:00 strike zone=north actor=army"],
    );
    assert_eq!(shown.len(), 1);
    assert!(
        shown[0][0].starts_with("strike ") && shown[0][0].contains("Text(\"army\")"),
        "{shown:?}"
    );
    assert!(shown[0][1].starts_with("drawdown zone="), "{shown:?}");
    // Looking ahead: a strike at the same instant, before the release in the file.
    let shown = evidence(
        "every release is followed by no strike within 2h",
        &[
            "01T10:00 strike zone=north actor=army",
            "01T10:00 release batch=1 hostages=3",
        ],
    );
    assert_eq!(shown.len(), 1);
    assert!(shown[0][0].starts_with("release batch=Int(1)"), "{shown:?}");
    assert!(shown[0][1].contains("Text(\"army\")"), "{shown:?}");
}

#[test]
fn every_preceded() {
    let rule = "every strike is preceded by drawdown within 1d";
    let s = "02T10:00 strike zone=north actor=x";
    assert_eq!(
        verdict(rule, &["01T10:00 drawdown zone=north", s], None),
        Satisfied,
        "exactly p - D"
    );
    assert_eq!(
        verdict(rule, &["2025-01-01T09:59:59Z drawdown zone=north", s], None),
        Violated
    );
    assert_eq!(
        verdict(rule, &[s, "02T10:00 drawdown zone=north"], None),
        Satisfied,
        "same instant, later in file"
    );
    assert_eq!(verdict(rule, &[s, "02T10:01 drawdown zone=north"], None), Violated);
    assert_eq!(
        verdict(
            "every strike is preceded by drawdown",
            &["2024-12-01 drawdown zone=north", s],
            None
        ),
        Satisfied
    );
    let no = "every strike is preceded by no drawdown within 1d";
    assert_eq!(verdict(no, &["01T10:00 drawdown zone=north", s], None), Violated);
    assert_eq!(
        verdict(no, &[s, "02T10:00 drawdown zone=south"], None),
        Violated,
        "same instant"
    );
    assert_eq!(
        verdict(no, &["2025-01-01T09:59:59Z drawdown zone=north", s], None),
        Satisfied
    );
    assert_eq!(verdict(no, &[], None), Vacuous);
}

#[test]
fn occurs_by_and_within() {
    let by = "release occurs by 2025-01-05T00:00:00Z";
    assert_eq!(
        verdict(by, &["05T00:00 release batch=1"], None),
        Satisfied,
        "at the deadline"
    );
    assert_eq!(verdict(by, &["2025-01-05T00:00:01Z release batch=1"], None), Violated);
    assert_eq!(
        verdict(by, &["01T00:00 truce"], None),
        Pending,
        "the horizon is before the deadline"
    );
    assert_eq!(verdict(by, &["01T00:00 truce"], Some("2025-01-05")), Violated);
    let after = "release occurs within 1d after first truce";
    assert_eq!(
        verdict(after, &[], Some("2025-02-01")),
        Vacuous,
        "the anchor never occurred"
    );
    assert_eq!(
        verdict(after, &["01T10:00 truce", "02T10:00 release batch=1"], None),
        Satisfied,
        "at A + D"
    );
    assert_eq!(
        verdict(
            after,
            &["01T09:00 release batch=1", "01T10:00 truce"],
            Some("2025-01-03")
        ),
        Violated,
        "before A"
    );
    assert_eq!(verdict(after, &["01T10:00 truce"], None), Pending);
    let phase = "drawdown occurs by end of p2";
    assert_eq!(
        verdict(phase, &["01T00:00 truce", "03T23:59 drawdown zone=north"], None),
        Satisfied
    );
    assert_eq!(
        verdict(phase, &["01T00:00 truce"], Some("2025-01-04")),
        Violated,
        "p2 ends on day 3"
    );
    let last = "release occurs within 1h after last drawdown";
    assert_eq!(
        verdict(
            last,
            &[
                "01T00:00 drawdown zone=north",
                "01T05:00 drawdown zone=north",
                "01T05:30 release batch=1"
            ],
            None
        ),
        Satisfied
    );
}

#[test]
fn absence_in_windows() {
    let during = "no strike during p1";
    assert_eq!(verdict(during, &[], Some("2025-02-01")), Vacuous, "p1 never started");
    assert_eq!(verdict(during, &["01T00:00 truce"], Some("2025-01-02")), Pending);
    assert_eq!(
        verdict(during, &["01T00:00 truce"], Some("2025-01-03")),
        Satisfied,
        "closed at its end"
    );
    assert_eq!(
        verdict(during, &["01T00:00 truce", "03T00:00 strike zone=north actor=x"], None),
        Satisfied,
        "half-open"
    );
    assert_eq!(
        verdict(during, &["01T00:00 truce", "02T23:59 strike zone=north actor=x"], None),
        Violated
    );
    assert_eq!(
        verdict(during, &["01T00:00 truce", "01T00:00 strike zone=north actor=x"], None),
        Violated,
        "start included"
    );
    let between = "no strike between 2025-01-02 and 2025-01-03";
    assert_eq!(
        verdict(between, &["01T00:00 truce"], None),
        Vacuous,
        "not started by the horizon"
    );
    assert_eq!(
        verdict(between, &["02T00:00 truce"], None),
        Pending,
        "started at the horizon"
    );
    let before = "no strike before first truce";
    assert_eq!(
        verdict(before, &["01T00:00 truce", "01T00:00 strike zone=north actor=x"], None),
        Satisfied,
        "end excluded"
    );
    let within = "no strike within 1h after first truce";
    assert_eq!(
        verdict(within, &["01T00:00 truce", "01T01:00 strike zone=north actor=x"], None),
        Violated,
        "end included"
    );
    assert_eq!(
        verdict("no strike after first truce", &["01T00:00 truce"], Some("2030-01-01")),
        Pending,
        "never closes"
    );
    let (_, instances) = judge(
        during,
        &[
            "01T00:00 truce",
            "01T01:00 strike zone=north actor=x",
            "01T02:00 strike zone=south actor=y",
        ],
        None,
    );
    assert_eq!(instances[0].findings[0].evidence.len(), 2, "every strike is reported");
}

#[test]
fn rates_judge_every_closed_slice_including_empty_ones() {
    let rule = "at least 1 aid per 1d during p1";
    let log = ["01T00:00 truce", "01T05:00 aid trucks=300"];
    assert_eq!(
        counts(rule, &log, Some("2025-01-03")),
        (1, 1, 0),
        "the empty second day fails"
    );
    assert_eq!(verdict(rule, &log, Some("2025-01-03")), Violated);
    assert_eq!(
        counts(rule, &log, Some("2025-01-01T12:00:00Z")),
        (0, 0, 1),
        "the first slice is still open"
    );
    assert_eq!(verdict(rule, &log, Some("2025-01-01T12:00:00Z")), Pending);
    assert_eq!(
        counts(
            rule,
            &["01T00:00 truce", "01T05:00 aid trucks=1", "02T05:00 aid trucks=1"],
            None
        ),
        (1, 0, 1)
    );
    let sum = "sum(trucks of aid) >= 600 per 1d between 2025-01-01 and 2025-01-03T12:00:00Z";
    let log = [
        "01T05:00 aid trucks=300",
        "01T06:00 aid trucks=300",
        "02T05:00 aid trucks=599",
        "03T05:00 aid trucks=600",
    ];
    let (v, instances) = judge(sum, &log, Some("2025-01-05"));
    assert_eq!(v, Violated);
    let c = instances[0].counts;
    assert_eq!(
        (c.satisfied, c.violated, c.pending),
        (1, 1, 0),
        "the trailing half day is not judged"
    );
    assert_eq!(instances[0].notes.len(), 1, "{:?}", instances[0].notes);
    assert!(
        instances[0].findings[0].reason.contains("was 599; it must be >= 600"),
        "{}",
        instances[0].findings[0].reason
    );
}

#[test]
fn aggregates_are_judged_at_the_close_or_decided_early() {
    let at_most = "count(strike) <= 1 during p1";
    let two = [
        "01T00:00 truce",
        "01T01:00 strike zone=north actor=x",
        "01T02:00 strike zone=north actor=x",
    ];
    assert_eq!(verdict(at_most, &two, None), Violated, "decided as soon as it fails");
    assert_eq!(verdict(at_most, &two[..2], None), Pending);
    assert_eq!(verdict(at_most, &two[..2], Some("2025-01-03")), Satisfied);
    let at_least = "at least 2 strike during p1";
    assert_eq!(verdict(at_least, &two, None), Satisfied, "decided as soon as it holds");
    assert_eq!(verdict(at_least, &two[..2], Some("2025-01-03")), Violated);
    let sum = "sum(hostages of release) >= 5 during p1";
    let log = [
        "01T00:00 truce",
        "01T01:00 release batch=1 hostages=3",
        "01T02:00 release batch=2 hostages=2",
    ];
    assert_eq!(verdict(sum, &log, None), Pending, "sums wait for the window to close");
    assert_eq!(verdict(sum, &log, Some("2025-01-03")), Satisfied);
    let ratio = "count(drawdown) * 2 >= count(release) during p1";
    assert_eq!(verdict(ratio, &log, Some("2025-01-03")), Violated);
}

/// The reason of the first instance.
fn reason(body: &str, log: &[&str], as_of: Option<&str>) -> String {
    judge(body, log, as_of).1[0].reason.clone()
}

#[test]
fn numbers_are_exact_decimals() {
    let window = "between 2025-01-01 and 2025-01-10";
    let closed = Some("2025-01-11");
    // 0.1 + 0.2 is 0.3, not 0.30000000000000004.
    let light = [
        "02T00:00 convoy tonnes=0.1 trucks=1",
        "03T00:00 convoy tonnes=0.2 trucks=1",
    ];
    let rule = format!("sum(tonnes of convoy) <= 0.3 {window}");
    assert_eq!(verdict(&rule, &light, closed), Satisfied);
    assert!(
        reason(&rule, &light, closed).ends_with("sum(tonnes of convoy) was 0.3"),
        "{}",
        reason(&rule, &light, closed)
    );
    // Whole numbers to 2⁶³ − 1, and sums past them, exactly.
    let max = ["02T00:00 convoy tonnes=1 trucks=9223372036854775807"];
    let rule = format!("sum(trucks of convoy) > 9223372036854775806 {window}");
    assert_eq!(verdict(&rule, &max, closed), Satisfied);
    let twice = [max[0], "03T00:00 convoy tonnes=1 trucks=9223372036854775807"];
    let rule = format!("sum(trucks of convoy) = 9223372036854775807 * 2 {window}");
    assert_eq!(verdict(&rule, &twice, closed), Satisfied);
    let rule = format!("sum(trucks of convoy) < 9223372036854775807 * 2 {window}");
    assert!(
        reason(&rule, &twice, closed).contains("was 18446744073709551614; it must be < 18446744073709551614"),
        "{}",
        reason(&rule, &twice, closed)
    );
    // A decimal as written matches only its own value: 0.3 is 0.30, not
    // 0.30000000000000001.
    let rule = format!("no convoy where tonnes = 0.3 {window}");
    assert_eq!(
        verdict(&rule, &["02T00:00 convoy tonnes=0.30000000000000001"], closed),
        Satisfied
    );
    assert_eq!(verdict(&rule, &["02T00:00 convoy tonnes=0.30"], closed), Violated);
    // Products of exact values: 30 for every one.
    let rule = format!("sum(trucks of convoy) >= 30 * sum(tonnes of convoy) {window}");
    let log = ["02T00:00 convoy tonnes=0.1 trucks=3"];
    assert_eq!(verdict(&rule, &log, closed), Satisfied);
}

#[test]
fn a_sum_past_the_range_of_exact_numbers_is_an_error_not_a_rounded_value() {
    let rules =
        format!("{DECLARATIONS}rule r {{ sum(tonnes of convoy) * 10 >= 1 between 2025-01-01 and 2025-01-10 }}\n");
    let rules = Rules::from_text("rules.cfr", &rules).expect("checks");
    let log = line("02T00:00 convoy tonnes=79228162514264337593543950335");
    let logs = LogSet::from_bytes("log.jsonl", LogFormat::Jsonl, log.into_bytes());
    let options = VerifyOptions {
        as_of: Some(ceasefire::time::parse_timestamp("2025-01-11").expect("a time").to_utc()),
        ..VerifyOptions::default()
    };
    match ceasefire::verify(&rules.model, &logs, &options) {
        Err(ceasefire::VerifyError::OutOfRange { id, message, .. }) => {
            assert_eq!(id, "r");
            assert!(message.contains("went past the range of exact numbers"), "{message}");
        }
        other => panic!("expected an error, got {other:?}"),
    }
}

#[test]
fn a_count_against_a_constant_is_decided_early_in_every_spelling() {
    let strikes = [
        "02T00:00 strike zone=north actor=x",
        "03T00:00 strike zone=north actor=x",
        "04T00:00 strike zone=north actor=x",
    ];
    // The window is open until the 10th; the horizon is the last strike.
    let window = "between 2025-01-01 and 2025-01-10";
    for (rule, expected) in [
        ("count(strike) >= 2", Satisfied),
        ("count(strike) > 2", Satisfied),
        ("2 <= count(strike)", Satisfied),
        ("2 < count(strike)", Satisfied),
        ("count(strike) <= 2", Violated),
        ("count(strike) < 3", Violated),
        ("2 >= count(strike)", Violated),
        ("3 > count(strike)", Violated),
        ("count(strike) = 3", Pending),
        ("count(strike) > 5", Pending),
    ] {
        assert_eq!(verdict(&format!("{rule} {window}"), &strikes, None), expected, "{rule}");
    }
    // Reasons name what was measured, whichever side it is on.
    let rule = format!("2 <= count(strike) {window}");
    assert_eq!(
        reason(&rule, &strikes, None),
        "between 2025-01-01T00:00:00Z and 2025-01-10T00:00:00Z, count(strike) reached 2 at 2025-01-03T00:00:00Z, \
         meeting the bound of 2; the window is still open (so far 3)"
    );
    // An early decision says when the count went over the limit, and, once
    // the window has closed, what it held in all (issue 16).
    let rule = format!("count(strike) <= 1 {window}");
    assert_eq!(
        reason(&rule, &strikes, Some("2025-01-11")),
        "between 2025-01-01T00:00:00Z and 2025-01-10T00:00:00Z, count(strike) reached 2 at 2025-01-03T00:00:00Z, \
         over the limit of 1; the window had not closed; its total was 3"
    );
    let rule = format!("5 <= count(strike) {window}");
    assert_eq!(
        reason(&rule, &strikes, Some("2025-01-11")),
        "between 2025-01-01T00:00:00Z and 2025-01-10T00:00:00Z, count(strike) was 3; it must be >= 5"
    );
    let rule = format!("3 > count(strike) {window}");
    assert!(
        reason(&rule, &strikes, None)
            .contains("count(strike) reached 3 at 2025-01-04T00:00:00Z, not under the limit of 3"),
        "{}",
        reason(&rule, &strikes, None)
    );
}

#[test]
fn a_phase_that_never_began_never_ended() {
    // `talks` runs from the first release until the first drawdown: with a
    // drawdown and no release it never began, so nothing is after its end.
    let rule = "no strike after end of talks";
    let log = ["02T00:00 drawdown zone=north", "03T00:00 strike zone=north actor=x"];
    assert_eq!(verdict(rule, &log, None), Vacuous);
    let log = ["01T00:00 release batch=1 hostages=1", log[0], log[1]];
    assert_eq!(verdict(rule, &log, None), Violated);
}

#[test]
fn a_nanosecond_late_is_not_0s_late() {
    let rule = "release occurs by 2025-01-10T00:00:00Z";
    let log = ["2025-01-10T00:00:00.000000001Z release batch=1 hostages=1"];
    assert_eq!(verdict(rule, &log, None), Violated);
    assert!(
        reason(rule, &log, None).contains("came 1ns late"),
        "{}",
        reason(rule, &log, None)
    );
}

#[test]
fn as_of_ignores_later_observations() {
    let rule = "no strike during p1";
    let log = ["01T00:00 truce", "01T12:00 strike zone=north actor=x"];
    assert_eq!(verdict(rule, &log, Some("2025-01-01T11:59:59Z")), Pending);
    assert_eq!(
        verdict(rule, &log, Some("2025-01-01T12:00:00Z")),
        Violated,
        "observations at the horizon count"
    );
}

#[test]
fn for_each_makes_one_instance_per_value() {
    let (v, instances) = judge(
        "for each zone z: no strike in zone z during p1",
        &["01T00:00 truce", "01T01:00 strike zone=south actor=x"],
        Some("2025-01-03"),
    );
    assert_eq!(v, Violated);
    let verdicts: Vec<Verdict> = instances.iter().map(|i| i.verdict).collect();
    assert_eq!(verdicts, [Satisfied, Violated], "zones in declaration order");
    let (_, instances) = judge(
        "for each b of release.batch: release batch b occurs by 2025-01-10",
        &[
            "01T01:00 release batch=3",
            "01T02:00 release batch=1",
            "01T03:00 release batch=3",
        ],
        None,
    );
    let batches: Vec<String> = instances.iter().map(|i| format!("{:?}", i.bindings[0].1)).collect();
    assert_eq!(batches, ["Int(1)", "Int(3)"], "distinct values, sorted");
    let (v, instances) = judge(
        "for each n in 1..3: release batch n occurs by 2025-01-02",
        &["01T01:00 release batch=2"],
        Some("2025-01-03"),
    );
    assert_eq!(v, Violated);
    assert_eq!(
        instances.iter().map(|i| i.verdict).collect::<Vec<_>>(),
        [Violated, Satisfied, Violated]
    );
    let (v, instances) = judge(
        "for each b of release.batch: release batch b occurs by 2025-01-10",
        &[],
        None,
    );
    assert_eq!((v, instances.len()), (Vacuous, 0), "no values, no instances");
}

#[test]
fn for_each_in_a_list_judges_every_listed_value_seen_or_not() {
    // A party that never acts still gets its instance (LANGUAGE-v2 §13),
    // where `of strike.actor` would make one only for "idf".
    let (v, instances) = judge(
        r#"for each a in ["idf", "hamas", "pij"]: no strike where actor = a during p1"#,
        &["01T00:00 truce", "01T01:00 strike zone=south actor=idf"],
        Some("2025-01-03"),
    );
    assert_eq!(v, Violated);
    let listed: Vec<(String, Verdict)> = instances
        .iter()
        .map(|i| (format!("{:?}", i.bindings[0].1), i.verdict))
        .collect();
    assert_eq!(
        listed,
        [
            ("Text(\"idf\")".to_string(), Violated),
            ("Text(\"hamas\")".to_string(), Satisfied),
            ("Text(\"pij\")".to_string(), Satisfied),
        ],
        "in list order"
    );
    // Whole numbers, zones and decimals alike.
    let (_, instances) = judge(
        "for each n in [3, 1]: release batch n occurs by 2025-01-02",
        &["01T01:00 release batch=1"],
        Some("2025-01-03"),
    );
    assert_eq!(
        instances.iter().map(|i| i.verdict).collect::<Vec<_>>(),
        [Violated, Satisfied]
    );
    let (_, instances) = judge(
        "for each z in [south, north]: no drawdown in zone z during p1",
        &["01T00:00 truce", "01T01:00 drawdown zone=north"],
        Some("2025-01-03"),
    );
    assert_eq!(
        instances.iter().map(|i| i.verdict).collect::<Vec<_>>(),
        [Satisfied, Violated]
    );
    let (_, instances) = judge(
        "for each t in [2, 10.5]: no convoy where tonnes > t during p1",
        &["01T00:00 truce", "01T01:00 convoy tonnes=5.25 trucks=1"],
        Some("2025-01-03"),
    );
    assert_eq!(
        instances.iter().map(|i| i.verdict).collect::<Vec<_>>(),
        [Violated, Satisfied]
    );
}

#[test]
fn a_list_of_mixed_or_repeated_values_is_an_error() {
    for (body, code) in [
        (
            r#"for each a in ["idf", 2]: no strike where actor = a during p1"#,
            "TypeMismatch",
        ),
        (
            r#"for each a in ["idf", "idf"]: no strike where actor = a during p1"#,
            "DuplicateListValue",
        ),
        ("for each a in []: no strike where actor = a during p1", "EmptyRange"),
        (
            "for each t in [1.5]: release batch t occurs by 2025-01-02",
            "TypeMismatch",
        ),
        (
            "for each z in [north, nort]: no drawdown in zone z during p1",
            "UndeclaredZone",
        ),
    ] {
        let rules = format!("{DECLARATIONS}rule r {{ {body} }}\n");
        let error = match Rules::from_text("rules.cfr", &rules) {
            Ok(_) => panic!("{body} should not check"),
            Err(e) => format!("{e:?}"),
        };
        assert!(
            error.contains(&format!("code: {code}")),
            "{body}: expected {code} in {error}"
        );
    }
}

#[test]
fn a_parenthesised_anchor_applies_its_offsets_first() {
    // `(truce + 1d) - 12h` is 12 hours after the truce: a strike 13 hours
    // after it is inside the window, one 11 hours after it is not (the open
    // window stays pending).
    for (strike, expected) in [("01T13:00", Violated), ("01T11:00", Pending)] {
        let v = verdict(
            "no strike after (first truce + 1d) - 12h",
            &["01T00:00 truce", &format!("{strike} strike zone=north actor=x")],
            Some("2025-01-03"),
        );
        assert_eq!(v, expected, "strike at {strike}");
    }
    let rules = format!("{DECLARATIONS}rule r {{ no strike after (first truce + 1d) - 12h }}\n");
    let text = ceasefire::format::format_text(ceasefire::source::FileId(0), &rules).expect("formats");
    assert!(text.contains("after (truce + 1d) - 12h"), "{text}");
}

#[test]
fn an_observation_reaches_every_instance_however_many_it_concerns() {
    // Judged as read (no phases, one log), the reading threads note which
    // instances a record concerns in a few small numbers; a record that
    // concerns more instances than they note, or one numbered past what
    // they hold, is dispatched by the judge itself, to the same instances.
    let judged = |body: &str, log: &[&str]| -> Vec<(Verdict, u64)> {
        let rules = format!(
            "zone north\nevent release {{ batch: int, hostages: int }}\nevent drawdown {{ zone: zone }}\nrule r {{ {body} }}\n"
        );
        let rules = Rules::from_text("rules.cfr", &rules).expect("rules");
        let log: String = log.iter().map(|l| line(l)).collect();
        let logs = LogSet::from_bytes("log.jsonl", LogFormat::Jsonl, log.into_bytes());
        let options = VerifyOptions {
            as_of: Some(ceasefire::time::parse_timestamp("2025-01-03").expect("as of").to_utc()),
            ..VerifyOptions::default()
        };
        let verified = ceasefire::verify(&rules.model, &logs, &options).expect("judged");
        let rule = verified.evaluation.rules.into_iter().next().expect("rule r");
        rule.instances.iter().map(|i| (i.verdict, i.counts.satisfied)).collect()
    };
    let many = judged(
        "for each n in 1..5: every release is followed by drawdown within 1h",
        &["01T01:00 release batch=1 hostages=3", "01T01:30 drawdown zone=north"],
    );
    assert_eq!(many, [(Satisfied, 1); 5]);
    let far = judged(
        "for each n in 1..70000: release batch n occurs by 2025-01-02",
        &[
            "01T01:00 release batch=2 hostages=3",
            "01T02:00 release batch=69999 hostages=1",
        ],
    );
    let satisfied: Vec<usize> = (0..far.len())
        .filter(|&n| far[n].0 == Satisfied)
        .map(|n| n + 1)
        .collect();
    assert_eq!(satisfied, [2, 69999]);
}

#[test]
fn a_where_equality_with_a_variable_finds_its_instances_as_a_qualifier_does() {
    // `where batch = n` is looked up by value, as `batch n` is (issue 21);
    // under `or` or `not` it cannot be, and every instance is tried.
    let log = [
        "01T01:00 release batch=1 hostages=3",
        "01T02:00 release batch=3 hostages=1",
        "01T03:00 release batch=3 hostages=5",
        "01T04:00 release batch=2 hostages=2",
    ];
    let per_instance = |body: &str| -> Vec<Verdict> {
        judge(body, &log, Some("2025-01-03"))
            .1
            .iter()
            .map(|i| i.verdict)
            .collect()
    };
    let all = [Satisfied, Satisfied, Satisfied, Violated];
    for body in [
        "for each n in 1..4: release batch n occurs by 2025-01-02",
        "for each n in 1..4: release where batch = n occurs by 2025-01-02",
        "for each n in 1..4: release where hostages >= 1 and (batch = n and hostages < 9) occurs by 2025-01-02",
        "for each n in 1..4: release where not (batch != n) occurs by 2025-01-02",
    ] {
        assert_eq!(per_instance(body), all, "{body}");
    }
    assert_eq!(
        per_instance("for each n in 1..4: release where batch = n and hostages = 2 occurs by 2025-01-02"),
        [Violated, Satisfied, Violated, Violated]
    );
    // A decimal that is whole, or has trailing zeros, meets the value it equals.
    let (_, instances) = judge(
        "for each x in [1, 2, 2.5]: convoy where tonnes = x occurs by 2025-01-02",
        &[
            "01T01:00 convoy tonnes=2.0 trucks=1",
            "01T02:00 convoy tonnes=2.50 trucks=1",
        ],
        Some("2025-01-03"),
    );
    assert_eq!(
        instances.iter().map(|i| i.verdict).collect::<Vec<_>>(),
        [Violated, Satisfied, Satisfied]
    );
    // `or`: batch 1, or anything with five hostages (the batch 3 record).
    assert_eq!(
        per_instance("for each n in 1..4: release where batch = n or hostages = 5 occurs by 2025-01-02"),
        [Satisfied, Satisfied, Satisfied, Satisfied]
    );
    assert_eq!(
        per_instance("for each n in 1..4: release where batch = n and hostages = 5 occurs by 2025-01-02"),
        [Violated, Violated, Satisfied, Violated]
    );
}

#[test]
fn with_ranges_the_findings_cap_changes_no_count_and_no_finding_listed() {
    // An occurrence of the three-valued path keeps the records a finding
    // shows only while one may be listed; the counts, verdicts and the
    // findings listed are the same whatever the cap.
    let rules = "zone north\nevent release { batch: int }\nevent drawdown { zone: zone }\n\
                 rule r { every release is followed by drawdown within 1h }\n\
                 rule s { every release is preceded by no drawdown within 2h }\n";
    let rules = Rules::from_text("rules.cfr", rules).expect("rules");
    let mut log = String::new();
    for day in 1..=20 {
        // A release known only to its day, then releases and drawdowns at
        // instants around it.
        log.push_str(&format!(
            "{{\"time\": \"2025-01-{day:02}\", \"kind\": \"release\", \"batch\": {day}}}\n"
        ));
        for (hour, kind) in [(3, "release"), (4, "drawdown"), (9, "release"), (23, "drawdown")] {
            let extra = if kind == "release" {
                "\"batch\": 0"
            } else {
                "\"zone\": \"north\""
            };
            log.push_str(&format!(
                "{{\"time\": \"2025-01-{day:02}T{hour:02}:00:00Z\", \"kind\": \"{kind}\", {extra}}}\n"
            ));
        }
    }
    let logs = LogSet::from_bytes("log.jsonl", LogFormat::Jsonl, log.into_bytes());
    let judged = |max_findings: usize| {
        let options = VerifyOptions {
            max_findings,
            as_of: Some(ceasefire::time::parse_timestamp("2025-02-01").expect("as of").to_utc()),
            ..VerifyOptions::default()
        };
        ceasefire::verify(&rules.model, &logs, &options)
            .expect("verified")
            .evaluation
    };
    let (few, all) = (judged(2), judged(1000));
    for (a, b) in few.rules.iter().zip(&all.rules) {
        assert!(b.instances[0].counts.indeterminate > 0, "{}", b.rule);
        assert_eq!(
            (a.verdict, a.instances[0].counts),
            (b.verdict, b.instances[0].counts),
            "{}",
            a.rule
        );
        let listed = |r: &ceasefire::RuleResult| -> Vec<String> {
            r.instances[0].findings.iter().map(|f| format!("{f:?}")).collect()
        };
        assert_eq!(listed(a), listed(b)[..2], "{}", a.rule);
    }
}

#[test]
fn once_findings_are_full_later_occurrences_are_still_counted_and_shown_ones_keep_their_fields() {
    // Past the findings cap `every` keeps only times and places of what it
    // waits on (issue 21); counts must not change, and the findings listed
    // must show every field of their evidence.
    let rules = format!(
        "{DECLARATIONS}rule r {{ every release is followed by drawdown within 1h }}\nrule s {{ every release is preceded by drawdown within 1h }}\n"
    );
    let rules = Rules::from_text("rules.cfr", &rules).expect("rules");
    let mut log = Vec::new();
    for day in 1..=9 {
        // A release no drawdown answers, then one that is answered; the
        // last day's release is known only to the day.
        let day = format!("{day:02}");
        log.push(line(&format!("{day}T01:00 release batch=1 hostages=2")));
        log.push(line(&format!("{day}T05:00 release batch=2 hostages=3")));
        log.push(line(&format!("{day}T05:30 drawdown zone=north")));
    }
    log.push("{\"time\": \"2025-01-10\", \"kind\": \"release\", \"batch\": 3, \"hostages\": 4}\n".to_string());
    let logs = LogSet::from_bytes("log.jsonl", LogFormat::Jsonl, log.concat().into_bytes());
    for max_findings in [1, 100] {
        let options = VerifyOptions {
            max_findings,
            as_of: Some(
                ceasefire::time::parse_timestamp("2025-01-12T00:00:00Z")
                    .expect("as of")
                    .to_utc(),
            ),
            ..VerifyOptions::default()
        };
        let verified = ceasefire::verify(&rules.model, &logs, &options).expect("verified");
        for (result, id) in verified.evaluation.rules.iter().zip(["r", "s"]) {
            let instance = &result.instances[0];
            let c = instance.counts;
            // Followed: nine releases answered, nine not, the ranged one
            // too late for any drawdown; preceded: only the drawdowns at
            // 05:30 come before a release, and none within an hour before.
            let want = if id == "r" { (9, 10) } else { (0, 19) };
            assert_eq!(
                (c.satisfied, c.violated + c.indeterminate),
                want,
                "{} cap {max_findings}",
                id
            );
            assert_eq!(instance.findings.len(), max_findings.min(want.1 as usize), "{}", id);
            for finding in &instance.findings {
                for evidence in &finding.evidence {
                    let names: Vec<&str> = evidence.fields.iter().map(|(n, _)| n.as_str()).collect();
                    let want: &[&str] = if evidence.kind == "release" {
                        &["batch", "hostages"]
                    } else {
                        &["zone"]
                    };
                    assert_eq!(names, want, "{}: {}", id, finding.reason);
                }
            }
        }
    }
}
