//! Uncertain evidence (LANGUAGE-v2 §9): every time form of a log, ranges
//! at the boundaries of windows and deadlines, uncertain anchors, evidence
//! standards, the verdict `indeterminate` in every report, `--fail-on`,
//! test blocks, and bad input that must stay bounded.

use super::{folder, run};
use ceasefire::Verdict::{self, Indeterminate, Pending, Satisfied, Vacuous, Violated};
use ceasefire::verdict::Possible;
use ceasefire::{InstanceResult, LogFormat, LogSet, Rules, VerifyOptions};

const DECLARATIONS: &str = "event truce\nevent strike { n: int }\nevent release\nevent talks\n";

/// Rule `r` (with an optional standard) judged against JSON lines.
fn judge(rule: &str, log: &[&str], as_of: &str) -> (Verdict, Possible, Vec<InstanceResult>) {
    let rules = format!("{DECLARATIONS}rule r {{\n{rule}\n}}\n");
    let rules = Rules::from_text("rules.cfr", &rules).unwrap_or_else(|e| panic!("{rule}: {e:#?}"));
    let log: String = log.iter().map(|l| format!("{l}\n")).collect();
    let logs = LogSet::from_bytes("log.jsonl", LogFormat::Jsonl, log.into_bytes());
    let options = VerifyOptions {
        as_of: Some(ceasefire::time::parse_timestamp(as_of).expect("as of").to_utc()),
        ..VerifyOptions::default()
    };
    let verified = ceasefire::verify(&rules.model, &logs, &options).unwrap_or_else(|e| panic!("{rule}: {e}"));
    let result = verified.evaluation.rules.into_iter().next().expect("rule r");
    (result.verdict, result.possible, result.instances)
}

fn verdict(rule: &str, log: &[&str], as_of: &str) -> (Verdict, Vec<Verdict>) {
    let (verdict, possible, _) = judge(rule, log, as_of);
    (verdict, possible.iter().collect())
}

fn at(time: &str, kind: &str) -> String {
    format!(r#"{{"time":"{time}","kind":"{kind}"}}"#)
}

#[test]
fn a_window_against_days_and_ranges() {
    let rule = "no strike between 2025-01-10T12:00Z and 2025-01-20T00:00Z";
    let judge = |time: &str| verdict(rule, &[&at(time, "strike")], "2025-02-01T00:00Z");
    // Wholly inside, wholly before, and the day of the start: it may fall on either side.
    assert_eq!(judge("2025-01-12"), (Violated, vec![Violated]));
    assert_eq!(judge("2025-01-09"), (Satisfied, vec![Satisfied]));
    assert_eq!(judge("2025-01-10"), (Indeterminate, vec![Violated, Satisfied]));
    // A range ending exactly at the start lies wholly before it (its end is excluded).
    assert_eq!(
        judge("2025-01-10T00:00Z/2025-01-10T12:00Z"),
        (Satisfied, vec![Satisfied])
    );
    // The window is half-open: the day its end falls on is outside.
    assert_eq!(judge("2025-01-20"), (Satisfied, vec![Satisfied]));
    assert_eq!(judge("2025-01-19"), (Violated, vec![Violated]));
    // Days, a month.
    assert_eq!(judge("2025-01-05/2025-01-09"), (Satisfied, vec![Satisfied]));
    assert_eq!(
        judge("2025-01-05/2025-01-11"),
        (Indeterminate, vec![Violated, Satisfied])
    );
    assert_eq!(judge("2025-01"), (Indeterminate, vec![Violated, Satisfied]));
    // Before the window closes, a doubtful strike leaves it violated or pending.
    let open = verdict(rule, &[&at("2025-01-10", "strike")], "2025-01-15T00:00Z");
    assert_eq!(open, (Indeterminate, vec![Violated, Pending]));
}

#[test]
fn deadlines_include_their_end() {
    let rule = "release occurs by 2025-01-10T00:00Z";
    let judge = |time: &str| verdict(rule, &[&at(time, "release")], "2025-02-01T00:00Z");
    assert_eq!(judge("2025-01-09"), (Satisfied, vec![Satisfied]));
    // The day that starts at the deadline: only its first instant is on time.
    assert_eq!(judge("2025-01-10"), (Indeterminate, vec![Violated, Satisfied]));
    assert_eq!(judge("2025-01-11"), (Violated, vec![Violated]));
    // A range reaching the deadline but not past it (its end is excluded).
    assert_eq!(
        judge("2025-01-09T12:00Z/2025-01-10T00:00Z"),
        (Satisfied, vec![Satisfied])
    );
}

#[test]
fn an_uncertain_anchor_makes_a_window_uncertain() {
    // The truce is known only to a day; a strike at noon that day may be
    // before or after it.
    let rule = "no strike after first truce";
    let log = [at("2025-01-10", "truce"), at("2025-01-10T12:00Z", "strike")];
    let log: Vec<&str> = log.iter().map(String::as_str).collect();
    let (v, possible) = verdict(rule, &log, "2025-02-01T00:00Z");
    assert_eq!(v, Indeterminate);
    assert!(
        possible.contains(&Violated) && possible.contains(&Pending),
        "{possible:?}"
    );
    // A strike the next day is certainly after it.
    let log = [at("2025-01-10", "truce"), at("2025-01-11T12:00Z", "strike")];
    let log: Vec<&str> = log.iter().map(String::as_str).collect();
    assert_eq!(verdict(rule, &log, "2025-02-01T00:00Z"), (Violated, vec![Violated]));
    // Within a window after an uncertain anchor, the deadline is a range too.
    let rule = "release occurs within 1d after first truce";
    let log = [at("2025-01-10", "truce"), at("2025-01-11T12:00Z", "release")];
    let log: Vec<&str> = log.iter().map(String::as_str).collect();
    assert_eq!(
        verdict(rule, &log, "2025-02-01T00:00Z"),
        (Indeterminate, vec![Violated, Satisfied])
    );
}

#[test]
fn an_evidence_standard_counts_distinct_sources() {
    let rule = "evidence sources >= 2\nno strike after 2025-01-01";
    let with = |source: &str| format!(r#"{{"time":"2025-01-05T10:00:00Z","kind":"strike","source":{source}}}"#);
    let judge = |source: &str| verdict(rule, &[&with(source)], "2025-02-01T00:00Z");
    // Two distinct sources meet it; the same source twice (spaces trimmed) does not.
    assert_eq!(judge(r#"["OSCE", "Reuters"]"#), (Violated, vec![Violated]));
    assert_eq!(
        judge(r#"["OSCE", " OSCE ", ""]"#),
        (Indeterminate, vec![Violated, Pending])
    );
    assert_eq!(
        judge(r#""Ministry of Defence""#),
        (Indeterminate, vec![Violated, Pending])
    );
    // Status, and a union of conditions.
    let rule = "evidence sources >= 2 or status = \"confirmed\"\nno strike after 2025-01-01";
    let confirmed = r#"{"time":"2025-01-05T10:00:00Z","kind":"strike","source":"OSCE","status":"confirmed"}"#;
    assert_eq!(
        verdict(rule, &[confirmed], "2025-02-01T00:00Z"),
        (Violated, vec![Violated])
    );
    // A file's standard reaches its rules; a rule's own replaces it.
    let dir = folder(&[
        (
            "rules.cfr",
            "event strike\nevidence sources >= 2\nrule a { no strike after 2025-01-01 }\nrule b {\n  evidence sources >= 1\n  no strike after 2025-01-01\n}\n",
        ),
        (
            "log.jsonl",
            "{\"time\":\"2025-01-05T10:00:00Z\",\"kind\":\"strike\",\"source\":\"OSCE\"}\n",
        ),
    ]);
    let (_, json, _) = run(
        dir.path(),
        &[
            "verify",
            "rules.cfr",
            "--log",
            "log.jsonl",
            "--as-of",
            "2025-02-01",
            "--format",
            "json",
        ],
    );
    let report: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(report["rules"][0]["verdict"], "indeterminate");
    assert_eq!(report["rules"][1]["verdict"], "violated");
}

#[test]
fn standards_reach_anchors_and_phases() {
    // The truce has one source: under the standard the window may never have started.
    let rule = "evidence sources >= 2\nno strike after first truce";
    let log = [
        r#"{"time":"2025-01-05T00:00:00Z","kind":"truce","source":"UN"}"#,
        r#"{"time":"2025-01-06T00:00:00Z","kind":"strike","source":["OSCE","Reuters"]}"#,
    ];
    let (v, possible) = verdict(rule, &log, "2025-02-01T00:00Z");
    assert_eq!(v, Indeterminate);
    assert!(
        possible.contains(&Vacuous) && possible.contains(&Violated),
        "{possible:?}"
    );
}

#[test]
fn every_counts_occurrences_per_verdict_including_indeterminate() {
    let rule = "every strike is followed by talks within 1h";
    let log = [
        at("2025-01-01T10:00:00Z", "strike"),
        at("2025-01-01T10:30:00Z", "talks"),
        at("2025-01-02T10:00:00Z", "strike"),
        at("2025-01-02", "talks"),
        at("2025-01-03T10:00:00Z", "strike"),
    ];
    let log: Vec<&str> = log.iter().map(String::as_str).collect();
    // One occurrence is certainly violated: the instance is violated,
    // whatever the doubtful one turns out to be.
    let (v, possible, instances) = judge(rule, &log, "2025-01-10T00:00Z");
    assert_eq!(v, Violated);
    assert_eq!(possible.iter().collect::<Vec<_>>(), vec![Violated]);
    let c = instances[0].counts;
    assert_eq!((c.satisfied, c.violated, c.indeterminate, c.pending), (1, 1, 1, 0));
    assert!(
        instances[0]
            .findings
            .iter()
            .any(|f| f.verdict == Indeterminate && f.possible.iter().collect::<Vec<_>>() == vec![Violated, Satisfied]),
        "{:#?}",
        instances[0].findings
    );
}

/// An occurrence that a ranged Q may answer is still answered for sure by
/// a later instant (the engine stops showing an occurrence new Qs only
/// once no later Q can answer it for sure); one no later Q can settle
/// stays indeterminate.
#[test]
fn a_doubtful_answer_is_replaced_by_a_sure_one_while_one_can_still_come() {
    let counts = |rule: &str, log: &[String]| {
        let log: Vec<&str> = log.iter().map(String::as_str).collect();
        let (_, _, instances) = judge(rule, &log, "2025-01-10T00:00Z");
        let c = instances[0].counts;
        (c.satisfied, c.violated, c.indeterminate)
    };
    let range = |from: &str, to: &str, kind: &str| at(&format!("2025-01-01T{from}Z/2025-01-01T{to}Z"), kind);
    let followed = "every strike is followed by talks within 1h";
    // The strike at 10:00 may be answered by talks between 10:30 and 11:30,
    // then is for sure by talks at 10:45 (before its window's start plus an hour).
    let log = [
        at("2025-01-01T10:00:00Z", "strike"),
        range("10:30:00", "11:30:00", "talks"),
        at("2025-01-01T10:45:00Z", "talks"),
    ];
    assert_eq!(counts(followed, &log), (1, 0, 0));
    // A strike known only to 10:00-12:00: no talks can lie within an hour
    // of every instant of it, so once talks come it stays in doubt.
    let log = [
        range("10:00:00", "12:00:00", "strike"),
        at("2025-01-01T10:30:00Z", "talks"),
        at("2025-01-01T11:15:00Z", "talks"),
        at("2025-01-01T12:30:00Z", "talks"),
    ];
    assert_eq!(counts(followed, &log), (0, 0, 1));
    let preceded = "every strike is preceded by talks within 2h";
    // The strike known to 10:00-11:00 may follow talks known to 07:30-08:30;
    // talks at exactly 10:00 (after it in the file) lie within two hours
    // before every instant of it.
    let log = [
        range("07:30:00", "08:30:00", "talks"),
        range("10:00:00", "11:00:00", "strike"),
        at("2025-01-01T10:00:00Z", "talks"),
    ];
    assert_eq!(counts(preceded, &log), (1, 0, 0));
    // Talks a minute later no longer do: they may come after the strike.
    let log = [
        range("07:30:00", "08:30:00", "talks"),
        range("10:00:00", "11:00:00", "strike"),
        at("2025-01-01T10:01:00Z", "talks"),
        at("2025-01-01T10:30:00Z", "talks"),
    ];
    assert_eq!(counts(preceded, &log), (0, 0, 1));
}

#[test]
fn counts_and_sums_are_ranges() {
    let log = [
        r#"{"time":"2025-01-05T10:00:00Z","kind":"strike","n":3}"#,
        r#"{"time":"2025-01","kind":"strike","n":-2}"#,
        r#"{"time":"2025-01-31/2025-02-02","kind":"strike","n":5}"#,
    ];
    let window = "between 2025-01-01T00:00Z and 2025-02-01T00:00Z";
    let as_of = "2025-03-01T00:00Z";
    // Certainly 2, possibly 3: `>= 2` holds in every world, `>= 3` in some.
    assert_eq!(
        verdict(&format!("count(strike) >= 2 {window}"), &log, as_of).0,
        Satisfied
    );
    assert_eq!(
        verdict(&format!("count(strike) >= 3 {window}"), &log, as_of),
        (Indeterminate, vec![Violated, Satisfied])
    );
    // January certainly holds the first two (the month is inside the
    // window); the sum runs from 3 - 2 = 1 to 1 + 5 = 6.
    assert_eq!(
        verdict(&format!("sum(n of strike) >= 1 {window}"), &log, as_of).0,
        Satisfied
    );
    assert_eq!(
        verdict(&format!("sum(n of strike) <= 8 {window}"), &log, as_of).0,
        Satisfied
    );
    assert_eq!(
        verdict(&format!("sum(n of strike) > 8 {window}"), &log, as_of).0,
        Violated
    );
    assert_eq!(
        verdict(&format!("sum(n of strike) > 3 {window}"), &log, as_of).0,
        Indeterminate
    );
    // Early decisions on the certain count only: `<= 0` is violated by the certain strike.
    assert_eq!(
        verdict(&format!("count(strike) <= 0 {window}"), &log, "2025-01-06T00:00Z").0,
        Violated
    );
    assert_eq!(
        verdict(&format!("count(strike) <= 1 {window}"), &log, "2025-01-06T00:00Z"),
        (Indeterminate, vec![Violated, Pending])
    );
}

#[test]
fn a_range_counts_as_possible_in_every_slice_it_overlaps() {
    let rule = "at most 0 strike per 1d between 2025-01-01T00:00Z and 2025-01-05T00:00Z";
    let log = [at("2025-01-02T12:00:00Z/2025-01-03T12:00:00Z", "strike")];
    let log: Vec<&str> = log.iter().map(String::as_str).collect();
    let (v, possible, instances) = judge(rule, &log, "2025-02-01T00:00Z");
    assert_eq!(
        (v, possible.iter().collect::<Vec<_>>()),
        (Indeterminate, vec![Violated, Satisfied])
    );
    let c = instances[0].counts;
    assert_eq!((c.satisfied, c.violated, c.indeterminate), (2, 0, 2));
}

#[test]
fn the_horizon_is_the_latest_end_and_as_of_cuts_ranges() {
    // Without --as-of the horizon is the end of the latest range: the
    // deadline at the end of the 10th has passed.
    let dir = folder(&[
        (
            "rules.cfr",
            "event truce\nevent release\nrule r { release occurs by 2025-01-11T00:00Z }\n",
        ),
        ("log.jsonl", "{\"time\":\"2025-01-10\",\"kind\":\"truce\"}\n"),
    ]);
    let (code, json, _) = run(
        dir.path(),
        &["verify", "rules.cfr", "--log", "log.jsonl", "--format", "json"],
    );
    assert_eq!(code, 1);
    let report: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(report["as_of"], "2025-01-11T00:00:00Z");
    assert_eq!(report["rules"][0]["verdict"], "violated");
    // A range containing the horizon only possibly happened before it.
    let rule = "no strike after 2025-01-01";
    let log = [at("2025-01-10", "strike")];
    let log: Vec<&str> = log.iter().map(String::as_str).collect();
    assert_eq!(
        verdict(rule, &log, "2025-01-10T12:00Z"),
        (Indeterminate, vec![Violated, Pending])
    );
}

#[test]
fn every_time_form_in_both_log_formats_and_backward_ranges_are_invalid() {
    let rules = "event strike\nrule r { no strike after 2025-01-01 }\n";
    let jsonl = "{\"time\":\"2025-01-05\",\"kind\":\"strike\"}\n\
        {\"time\":\"2025-01-05/2025-01-07\",\"kind\":\"strike\"}\n\
        {\"time\":\"2025-01-05T06:00Z/2025-01-05T18:00Z\",\"kind\":\"strike\"}\n\
        {\"time\":\"2025-02\",\"kind\":\"strike\"}\n\
        {\"time\":\"2025-01-07/2025-01-05\",\"kind\":\"strike\"}\n";
    let csv = "time,kind\n2025-01-05,strike\n2025-01-05/2025-01-07,strike\n2025-02,strike\n2025-01-07T00:00Z/2025-01-07T00:00Z,strike\n";
    let dir = folder(&[("rules.cfr", rules), ("log.jsonl", jsonl), ("log.csv", csv)]);
    for (log, line) in [("log.jsonl", 5), ("log.csv", 5)] {
        let (code, _, stderr) = run(dir.path(), &["verify", "rules.cfr", "--log", log]);
        assert_eq!(code, 2, "{stderr}");
        assert!(
            stderr.contains("CF1016") && stderr.contains(&format!("{log}:{line}:")),
            "{stderr}"
        );
        assert!(stderr.contains("1 invalid record of"), "{stderr}");
        let (code, json, stderr) = run(
            dir.path(),
            &[
                "verify",
                "rules.cfr",
                "--log",
                log,
                "--skip-invalid",
                "--format",
                "json",
            ],
        );
        assert_eq!(code, 1, "{stderr}");
        let report: serde_json::Value = serde_json::from_str(&json).expect("json");
        let evidence = &report["rules"][0]["instances"][0]["findings"][0]["evidence"];
        assert_eq!(evidence[0]["time"], "2025-01-05", "{json}");
        assert_eq!(evidence[0]["time_range"]["to"], "2025-01-06T00:00:00Z");
    }
}

#[test]
fn every_report_says_indeterminate_and_why() {
    let rules = "event truce\nevent strike\nrule quiet {\n  evidence sources >= 2\n  no strike between 2025-01-01 and 2025-01-31\n}\nrule calm { no strike after 2025-02-01 }\n";
    let log = "{\"time\":\"2025-01-05T10:00:00Z\",\"kind\":\"strike\",\"source\":\"Ministry of Defence\"}\n\
        {\"time\":\"2025-02-01\",\"kind\":\"strike\",\"source\":[\"OSCE\",\"UN\"]}\n";
    let dir = folder(&[("rules.cfr", rules), ("log.jsonl", log)]);
    let verify = |extra: &[&str]| {
        let mut args = vec!["verify", "rules.cfr", "--log", "log.jsonl", "--as-of", "2025-03-01"];
        args.extend_from_slice(extra);
        run(dir.path(), &args)
    };
    let (code, json, _) = verify(&["--format", "json"]);
    assert_eq!(code, 1, "calm is violated");
    let report: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(report["version"], 2);
    assert_eq!(report["summary"]["indeterminate"], 1);
    let quiet = &report["rules"][0];
    assert_eq!(quiet["verdict"], "indeterminate");
    assert_eq!(quiet["possible"], serde_json::json!(["violated", "satisfied"]));
    let instance = &quiet["instances"][0];
    assert_eq!(instance["possible"], serde_json::json!(["violated", "satisfied"]));
    assert_eq!(instance["counts"]["indeterminate"], 1);
    let finding = &instance["findings"][0];
    assert_eq!(finding["verdict"], "indeterminate");
    assert_eq!(finding["evidence"][0]["meets_evidence"], false);
    assert!(
        finding["reason"]
            .as_str()
            .unwrap()
            .contains("only source: Ministry of Defence; the rule requires 2 sources"),
        "{finding}"
    );
    // A certain instance's counts carry the key too.
    assert_eq!(report["rules"][1]["instances"][0]["counts"]["indeterminate"], 0);
    // Human: the verdict, what it may be, and why.
    let (_, human, _) = verify(&[]);
    assert!(human.contains("INDETERMINATE quiet"), "{human}");
    assert!(human.contains("the evidence allows: violated or satisfied"), "{human}");
    assert!(human.contains("1 indeterminate"), "{human}");
    assert!(
        human.contains("calm") && human.contains("on 2025-02-01 (the whole day)"),
        "{human}"
    );
    // Markdown and HTML.
    let (_, markdown, _) = verify(&["--format", "markdown"]);
    assert!(
        markdown.contains("**indeterminate (violated or satisfied)**"),
        "{markdown}"
    );
    assert!(markdown.contains("## Indeterminate: `quiet`"), "{markdown}");
    let (_, html, _) = verify(&["--format", "html"]);
    assert!(
        html.contains("<span class=\"badge indeterminate\">indeterminate</span>"),
        "{html}"
    );
    assert!(html.contains("value=\"indeterminate\" checked"), "{html}");
    assert!(html.contains("may be violated or satisfied"), "{html}");
    // JUnit: skipped, with the reason.
    let (_, junit, _) = verify(&["--format", "junit"]);
    assert!(
        junit.contains("<skipped message=\"indeterminate (may be violated or satisfied): "),
        "{junit}"
    );
    // --fail-on: indeterminate or worse.
    let dir2 = folder(&[
        (
            "rules.cfr",
            "event strike\nrule quiet {\n  evidence sources >= 2\n  no strike after 2025-01-01\n}\n",
        ),
        (
            "log.jsonl",
            "{\"time\":\"2025-01-05T10:00:00Z\",\"kind\":\"strike\",\"source\":\"A\"}\n",
        ),
    ]);
    let status = |fail_on: &str| {
        run(
            dir2.path(),
            &[
                "verify",
                "rules.cfr",
                "--log",
                "log.jsonl",
                "--as-of",
                "2025-03-01",
                "--fail-on",
                fail_on,
            ],
        )
        .0
    };
    assert_eq!(status("violated"), 0);
    assert_eq!(status("indeterminate"), 1);
    assert_eq!(status("pending"), 1);
}

#[test]
fn test_blocks_take_every_time_form_and_sources() {
    let rules = r#"event strike
event truce
rule quiet {
  evidence sources >= 2
  no strike after first truce
}
test "a strike dated to the day of the truce" {
  as of 2015-03-01
  log {
    2015-02-14T22:00Z truce source ["OSCE", "UN"]
    2015-02-14 strike source ["OSCE", "Reuters"]
  }
  expect quiet indeterminate
}
test "one source is not enough" {
  log {
    2015-02-14T22:00Z truce source ["OSCE", "UN"]
    2015-02-16T10:00Z strike source "Ministry of Defence"
  }
  expect quiet indeterminate
}
test "two sources and a month" {
  log {
    2015-02-14T22:00Z truce source ["OSCE", "UN"]
    2015-02-16/2015-02-17 strike source ["OSCE", "Reuters"]
    2015-03 strike
  }
  expect quiet violated
}
"#;
    let dir = folder(&[("rules.cfr", rules)]);
    let (code, stdout, stderr) = run(dir.path(), &["test", "rules.cfr"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("3 passed"), "{stdout}");
    // The formatter keeps every time as written (a date is the whole day,
    // not its midnight) and every source.
    let (code, _, stderr) = run(dir.path(), &["fmt", "rules.cfr"]);
    assert_eq!(code, 0, "{stderr}");
    let formatted = std::fs::read_to_string(dir.path().join("rules.cfr")).expect("formatted");
    for kept in [
        "2015-02-14 strike source [\"OSCE\", \"Reuters\"]",
        "2015-02-16/2015-02-17 strike",
        "2015-03 strike",
        "2015-02-16T10:00Z strike source \"Ministry of Defence\"",
    ] {
        assert!(formatted.contains(kept), "{kept}: {formatted}");
    }
    let (code, stdout, _) = run(dir.path(), &["test", "rules.cfr"]);
    assert_eq!(code, 0, "{stdout}");
    // An empty range in a test log is an error at the line.
    let bad = "event strike\ntest \"t\" {\n  log {\n    2015-02-17/2015-02-16 strike\n  }\n}\n";
    let dir = folder(&[("bad.cfr", bad)]);
    let (code, stdout, _) = run(dir.path(), &["check", "bad.cfr"]);
    assert_eq!(code, 1);
    assert!(stdout.contains("CF0006") && stdout.contains("bad.cfr:4:5"), "{stdout}");
}

#[test]
fn absurd_ranges_and_huge_source_lists_stay_bounded() {
    // A range over eight thousand years, judged per hour, and a record
    // naming 100,000 sources: bounded work, a clear verdict.
    let mut sources = String::from("[");
    for i in 0..100_000 {
        if i > 0 {
            sources.push(',');
        }
        sources.push_str(&format!("\"s{i}\""));
    }
    sources.push(']');
    let log = format!(
        "{{\"time\":\"0001-01-01/9999-12-31\",\"kind\":\"strike\"}}\n{{\"time\":\"2025-01-05T10:00:00Z\",\"kind\":\"strike\",\"source\":{sources}}}\n"
    );
    let rules = "event strike\nrule rate { at most 1 strike per 1h after 2025-01-01 }\nrule quiet {\n  evidence sources >= 100000\n  no strike after 2025-01-01\n}\n";
    let dir = folder(&[("rules.cfr", rules), ("log.jsonl", &log)]);
    let started = std::time::Instant::now();
    let (code, json, stderr) = run(
        dir.path(),
        &[
            "verify",
            "rules.cfr",
            "--log",
            "log.jsonl",
            "--as-of",
            "2026-01-01",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 1, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(
        report["rules"][1]["verdict"], "violated",
        "the standard of 100,000 sources is met"
    );
    assert_eq!(report["rules"][0]["verdict"], "indeterminate");
    // Every hour of 2025 is an uncertain slice, judged in runs, not one by one.
    let counts = &report["rules"][0]["instances"][0]["counts"];
    assert_eq!(
        counts["indeterminate"].as_u64().unwrap() + counts["satisfied"].as_u64().unwrap(),
        8760
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(60));
}

/// The `cfr` blocks of a manual page from a heading to the next heading of
/// the same level.
fn chapter_blocks(page: &str, heading: &str) -> Vec<String> {
    let text = std::fs::read_to_string(super::root().join(page)).expect("the page");
    let start = text.find(heading).unwrap_or_else(|| panic!("{page}: no {heading}"));
    let level = heading.split(' ').next().unwrap_or("##");
    let rest = &text[start + heading.len()..];
    let end = rest.find(&format!("\n{level} ")).unwrap_or(rest.len());
    rest[..end]
        .split("```cfr\n")
        .skip(1)
        .map(|b| b[..b.find("```").unwrap_or(b.len())].to_string())
        .collect()
}

#[test]
fn the_worked_examples_of_the_manual_do_what_they_say() {
    let mut blocks = chapter_blocks("docs/language.md", "## Uncertain evidence");
    blocks.extend(chapter_blocks(
        "docs/limitations.md",
        "## What uncertain evidence leaves approximate",
    ));
    let with_tests: Vec<&String> = blocks.iter().filter(|b| b.contains("test \"")).collect();
    assert!(with_tests.len() >= 3, "{blocks:?}");
    for block in with_tests {
        let dir = folder(&[("example.cfr", block)]);
        let (code, stdout, stderr) = run(dir.path(), &["test", "example.cfr"]);
        assert_eq!(code, 0, "{block}\n{stdout}{stderr}");
    }
    // Every block at least checks.
    for block in &blocks {
        let dir = folder(&[("example.cfr", block)]);
        let (code, stdout, _) = run(dir.path(), &["check", "example.cfr"]);
        assert_eq!(code, 0, "{block}\n{stdout}");
    }
}
