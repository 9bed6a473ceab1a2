//! Series in the reports (issue 16): every slice of a rate or aggregate
//! rule, judged or not, with its value and threshold, in JSON and CSV.

use super::{folder, run};

const RULES: &str = "event strike { n: int }\n\
    rule per_day { at most 1 strike per 1d between 2025-01-01 and 2025-01-06 }\n\
    rule total { sum(n of strike) <= 10 between 2025-01-01 and 2025-01-06 }\n\
    rule plain { no strike after 2030-01-01 }\n";

/// Two strikes on the 2nd, one on the 4th known only to the 4th-5th, and
/// the horizon in the middle of the 5th.
const LOG: &str = "{\"time\": \"2025-01-02T10:00Z\", \"kind\": \"strike\", \"n\": 4}\n\
    {\"time\": \"2025-01-02T11:00Z\", \"kind\": \"strike\", \"n\": 4}\n\
    {\"time\": \"2025-01-04/2025-01-05\", \"kind\": \"strike\", \"n\": 5}\n";

fn report() -> serde_json::Value {
    let dir = folder(&[("rules.cfr", RULES), ("log.jsonl", LOG)]);
    let (code, out, err) = run(
        dir.path(),
        &[
            "verify",
            "rules.cfr",
            "--log",
            "log.jsonl",
            "--as-of",
            "2025-01-05T12:00:00Z",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 1, "{err}");
    serde_json::from_str(&out).expect("json")
}

fn rule<'a>(report: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    report["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .find(|r| r["id"] == id)
        .expect("the rule")
}

#[test]
fn a_rate_rules_series_has_every_slice_empty_ones_and_the_open_one_too() {
    let report = report();
    let series = &rule(&report, "per_day")["instances"][0]["series"];
    assert_eq!(series["measured"], "count(strike)");
    assert_eq!(series["op"], "<=");
    assert_eq!(series["against"], "1");
    assert_eq!(series["per"], "1d");
    let slices = series["slices"].as_array().expect("slices");
    let shown: Vec<(String, String, String, String)> = slices
        .iter()
        .map(|s| {
            (
                s["start"].as_str().unwrap_or("").to_string(),
                s["value"].to_string(),
                s["verdict"].to_string(),
                s["partial"].to_string(),
            )
        })
        .collect();
    let expected = [
        ("2025-01-01T00:00:00Z", "0", "\"satisfied\"", "null"),
        ("2025-01-02T00:00:00Z", "2", "\"violated\"", "null"),
        ("2025-01-03T00:00:00Z", "0", "\"satisfied\"", "null"),
        // The strike known only to the 4th-5th may count on the 4th.
        (
            "2025-01-04T00:00:00Z",
            "{\"low\":0,\"high\":1}",
            "\"satisfied\"",
            "null",
        ),
        // The 5th holds the horizon: still open, so far 0 to 1.
        (
            "2025-01-05T00:00:00Z",
            "{\"low\":0,\"high\":1}",
            "\"pending\"",
            "\"open at the horizon\"",
        ),
    ];
    let expected: Vec<(String, String, String, String)> = expected
        .iter()
        .map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.to_string()))
        .collect();
    assert_eq!(shown, expected);
    assert!(slices.iter().all(|s| s["threshold"] == 1));
}

#[test]
fn an_aggregate_without_per_is_one_slice_the_window() {
    let report = report();
    let instance = &rule(&report, "total")["instances"][0];
    let slices = instance["series"]["slices"].as_array().expect("slices");
    assert_eq!(slices.len(), 1);
    assert_eq!(slices[0]["start"], "2025-01-01T00:00:00Z");
    assert_eq!(slices[0]["end"], "2025-01-06T00:00:00Z");
    assert_eq!(slices[0]["value"], serde_json::json!({"low": 8, "high": 13}));
    assert_eq!(slices[0]["partial"], "open at the horizon");
    // Rules of other forms have no series.
    assert!(rule(&report, "plain")["instances"][0].get("series").is_none());
}

#[test]
fn the_csv_report_has_a_row_per_instance_slice_and_finding() {
    let dir = folder(&[("rules.cfr", RULES), ("log.jsonl", LOG)]);
    let (code, out, err) = run(
        dir.path(),
        &[
            "verify",
            "rules.cfr",
            "--log",
            "log.jsonl",
            "--as-of",
            "2025-01-05T12:00:00Z",
            "--format",
            "csv",
        ],
    );
    assert_eq!(code, 1, "{err}");
    let mut reader = csv::Reader::from_reader(out.as_bytes());
    let header: Vec<String> = reader.headers().expect("a header").iter().map(str::to_string).collect();
    assert_eq!(header[..4], ["rule", "instance", "row", "verdict"]);
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a row")).collect();
    let column = |name: &str| header.iter().position(|h| h == name).expect(name);
    let of = |rule: &str, row: &str| {
        rows.iter()
            .filter(|r| &r[column("rule")] == rule && &r[column("row")] == row)
            .count()
    };
    assert_eq!(
        (
            of("per_day", "instance"),
            of("per_day", "slice"),
            of("per_day", "finding")
        ),
        (1, 5, 2)
    );
    assert_eq!((of("total", "instance"), of("total", "slice")), (1, 1));
    assert_eq!((of("plain", "instance"), of("plain", "slice")), (1, 0));
    let second_day = rows
        .iter()
        .find(|r| &r[column("row")] == "slice" && &r[column("start")] == "2025-01-02T00:00:00Z")
        .expect("the 2nd");
    assert_eq!(
        (
            &second_day[column("value_low")],
            &second_day[column("value_high")],
            &second_day[column("verdict")]
        ),
        ("2", "2", "violated")
    );
    // The same inputs, the same bytes.
    let (_, again, _) = run(
        dir.path(),
        &[
            "verify",
            "rules.cfr",
            "--log",
            "log.jsonl",
            "--as-of",
            "2025-01-05T12:00:00Z",
            "--format",
            "csv",
        ],
    );
    assert_eq!(out, again);
}

#[test]
fn a_csv_cell_is_never_a_formula() {
    let rules = "event strike { by: text }\n\
        rule per_side {\n  title \"=HYPERLINK(\\\"http://x\\\")\"\n  for each b of strike.by:\n    no strike where by = b after 2025-01-01\n}\n";
    let log = "{\"time\": \"2025-01-02T10:00Z\", \"kind\": \"strike\", \"by\": \"=1+1\"}\n";
    let dir = folder(&[("rules.cfr", rules), ("log.jsonl", log)]);
    let (_, out, err) = run(
        dir.path(),
        &["verify", "rules.cfr", "--log", "log.jsonl", "--format", "csv"],
    );
    let mut reader = csv::Reader::from_reader(out.as_bytes());
    for row in reader.records() {
        let row = row.expect("a row");
        for cell in row.iter() {
            assert!(!cell.starts_with(['=', '+', '@']), "{cell:?} in {out}{err}");
        }
    }
    assert!(out.contains("'=HYPERLINK"), "{out}");
}

#[test]
fn markdown_draws_a_series_as_a_sparkline_and_a_table() {
    let dir = folder(&[("rules.cfr", RULES), ("log.jsonl", LOG)]);
    let (_, out, err) = run(
        dir.path(),
        &[
            "verify",
            "rules.cfr",
            "--log",
            "log.jsonl",
            "--as-of",
            "2025-01-05T12:00:00Z",
            "--format",
            "markdown",
        ],
    );
    assert!(
        out.contains("Series of `count(strike)` \\<= 1 per 1d: 5 slices"),
        "{out}{err}"
    );
    // Nothing, 2, nothing, up to 1, up to 1.
    assert!(out.contains("`·█·▅▅`"), "{out}");
    assert!(
        out.contains("| 2025-01-02 00:00Z | 2025-01-03 00:00Z | 2 | violated |"),
        "{out}"
    );
    assert!(
        out.contains("| 2025-01-05 00:00Z | 2025-01-06 00:00Z | 0–1 | pending (open at the horizon) |"),
        "{out}"
    );
}

#[test]
fn a_long_series_is_drawn_in_buckets_and_its_table_shows_the_failed_slices_first() {
    // An hour at a time over ten days: 240 slices, two of them failed.
    let rules = "event strike\nrule hourly { at most 1 strike per 1h between 2025-01-01 and 2025-01-11 }\n";
    let log = "{\"time\": \"2025-01-03T10:10Z\", \"kind\": \"strike\"}\n\
        {\"time\": \"2025-01-03T10:20Z\", \"kind\": \"strike\"}\n\
        {\"time\": \"2025-01-09T23:10Z\", \"kind\": \"strike\"}\n\
        {\"time\": \"2025-01-09T23:20Z\", \"kind\": \"strike\"}\n";
    let dir = folder(&[("rules.cfr", rules), ("log.jsonl", log)]);
    let (_, out, err) = run(
        dir.path(),
        &[
            "verify",
            "rules.cfr",
            "--log",
            "log.jsonl",
            "--as-of",
            "2025-01-12T00:00:00Z",
            "--format",
            "markdown",
        ],
    );
    let line = out
        .lines()
        .find(|l| l.starts_with('`') && l.contains('█'))
        .unwrap_or_else(|| panic!("{out}{err}"));
    let drawn = line.split('`').nth(1).expect("a sparkline");
    assert_eq!(drawn.chars().count(), 80, "240 slices in buckets of 3: {line}");
    assert_eq!(drawn.chars().filter(|c| *c == '█').count(), 2, "{line}");
    assert!(line.contains("each character the largest of 3 slices"), "{line}");
    assert!(
        out.contains("| 2025-01-03 10:00Z | 2025-01-03 11:00Z | 2 | violated |"),
        "{out}"
    );
    assert!(
        out.contains("| 2025-01-09 23:00Z | 2025-01-10 00:00Z | 2 | violated |"),
        "{out}"
    );
    assert!(out.contains("… and 209 more slices"), "{out}");
}

/// A window whose end is known only to a day: the slices of that day may
/// lie outside it, and a slice with nothing in it there is in doubt, not a
/// breach, though every slice before it lies inside for sure.
#[test]
fn slices_where_the_window_may_have_ended_are_in_doubt() {
    let rules = "event strike\nevent breach\n\
        phase p = from 2025-01-01 until first breach\n\
        rule six_hourly { at least 1 strike per 6h during p }\n";
    let mut log = String::new();
    for day in [1, 2, 4] {
        for hour in [1, 7, 13, 19] {
            log.push_str(&format!(
                "{{\"time\": \"2025-01-0{day}T{hour:02}:00Z\", \"kind\": \"strike\"}}\n"
            ));
        }
    }
    log.push_str("{\"time\": \"2025-01-03\", \"kind\": \"breach\"}\n");
    let dir = folder(&[("rules.cfr", rules), ("log.jsonl", &log)]);
    let (_, out, err) = run(
        dir.path(),
        &[
            "verify",
            "rules.cfr",
            "--log",
            "log.jsonl",
            "--as-of",
            "2025-01-06T00:00:00Z",
            "--format",
            "json",
        ],
    );
    let report: serde_json::Value = serde_json::from_str(&out).expect(&err);
    let instance = &rule(&report, "six_hourly")["instances"][0];
    assert_eq!(instance["verdict"], "indeterminate", "{instance:#}");
    let findings = instance["findings"].as_array().expect("findings");
    assert!(!findings.is_empty());
    for finding in findings {
        assert_eq!(finding["verdict"], "indeterminate", "{finding:#}");
        let reason = finding["reason"].as_str().expect("reason");
        assert!(reason.contains("may lie outside the window"), "{reason}");
    }
}

/// A slice's value is written with exactly its digits in JSON, as in CSV:
/// never a rounded value (LANGUAGE-v2 §13).
#[test]
fn series_values_are_written_exactly() {
    let rules = "event x { v: number }\n\
        rule per_day_total { sum(v of x) <= 1.25 per 1d between 2025-01-01 and 2025-01-04 }\n";
    let log = "{\"time\": \"2025-01-01T10:00Z\", \"kind\": \"x\", \"v\": 0.1}\n\
        {\"time\": \"2025-01-01T11:00Z\", \"kind\": \"x\", \"v\": 0.2}\n\
        {\"time\": \"2025-01-02T11:00Z\", \"kind\": \"x\", \"v\": 1.1}\n\
        {\"time\": \"2025-01-02T12:00Z\", \"kind\": \"x\", \"v\": 0.333333333333333333333}\n\
        {\"time\": \"2025-01-03T11:00Z\", \"kind\": \"x\", \"v\": 12345678901234567890.5}\n";
    let dir = folder(&[("rules.cfr", rules), ("log.jsonl", log)]);
    let args = |format| {
        [
            "verify",
            "rules.cfr",
            "--log",
            "log.jsonl",
            "--as-of",
            "2025-01-05T00:00:00Z",
            "--format",
            format,
        ]
    };
    let (_, json, err) = run(dir.path(), &args("json"));
    let (_, csv, _) = run(dir.path(), &args("csv"));
    for exact in ["0.3", "1.433333333333333333333", "12345678901234567890.5"] {
        assert!(json.contains(&format!("\"value\": {exact},")), "{exact} in {json}{err}");
        assert!(csv.contains(&format!(",{exact},{exact},")), "{exact} in {csv}");
    }
}

/// A decimal bound by `for each` is written with every digit in the JSON
/// report's bindings too.
#[test]
fn bound_decimals_are_written_exactly() {
    let rules = "event x { v: number }\n\
        rule none_at { for each t in [0.333333333333333333333, 2.5]: no x where v = t after 2025-01-01 }\n";
    let log = "{\"time\": \"2025-01-02T10:00Z\", \"kind\": \"x\", \"v\": 2.5}\n";
    let dir = folder(&[("rules.cfr", rules), ("log.jsonl", log)]);
    let (_, json, err) = run(
        dir.path(),
        &["verify", "rules.cfr", "--log", "log.jsonl", "--format", "json"],
    );
    assert!(json.contains("\"t\": 0.333333333333333333333"), "{json}{err}");
    assert!(json.contains("\"t\": 2.5"), "{json}{err}");
    // And in the terminal report, beside the reason that names it.
    let log = "{\"time\": \"2025-01-02T10:00Z\", \"kind\": \"x\", \"v\": 0.333333333333333333333}\n";
    let dir = folder(&[("rules.cfr", rules), ("log.jsonl", log)]);
    let (_, human, err) = run(dir.path(), &["verify", "rules.cfr", "--log", "log.jsonl"]);
    assert!(human.contains("[t = 0.333333333333333333333]"), "{human}{err}");
}
