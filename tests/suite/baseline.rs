//! `verify --baseline OLD.json` (issue 16): what changed since an earlier
//! report of the same rules, first in every format, and `--fail-on-new`.

use super::{folder, run};

const RULES: &str = "zone north\nzone south\nevent strike { zone: zone }\n\
    rule per_day { at most 1 strike per 1d between 2025-01-01 and 2025-01-06 }\n\
    rule zones { for each zone z in [north, south]: no strike in zone z after 2025-01-01 }\n";
const YESTERDAY: &str = "{\"time\": \"2025-01-02T10:00Z\", \"kind\": \"strike\", \"zone\": \"north\"}\n";
const TODAY: &str = "{\"time\": \"2025-01-02T10:00Z\", \"kind\": \"strike\", \"zone\": \"north\"}\n\
    {\"time\": \"2025-01-02T11:00Z\", \"kind\": \"strike\", \"zone\": \"south\"}\n";

/// A folder with the rules, both logs and yesterday's JSON report.
fn setup() -> tempfile::TempDir {
    let dir = folder(&[
        ("rules.cfr", RULES),
        ("yesterday.jsonl", YESTERDAY),
        ("today.jsonl", TODAY),
    ]);
    let (code, _, err) = run(
        dir.path(),
        &[
            "verify",
            "rules.cfr",
            "--log",
            "yesterday.jsonl",
            "--as-of",
            "2025-01-03T00:00:00Z",
            "--format",
            "json",
            "-o",
            "old.json",
        ],
    );
    assert_eq!(code, 1, "{err}");
    dir
}

fn today(dir: &std::path::Path, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec![
        "verify",
        "rules.cfr",
        "--log",
        "today.jsonl",
        "--as-of",
        "2025-01-04T00:00:00Z",
        "--baseline",
        "old.json",
    ];
    args.extend_from_slice(extra);
    run(dir, &args)
}

#[test]
fn the_json_report_lists_what_changed() {
    let dir = setup();
    let (_, out, err) = today(dir.path(), &["--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|_| panic!("{err}"));
    let changes = &report["changes"];
    assert_eq!(changes["baseline_as_of"], "2025-01-03T00:00:00Z");
    assert_eq!(
        changes["verdicts"],
        serde_json::json!([
            {"rule": "per_day", "bindings": "", "from": "pending", "to": "violated"},
            {"rule": "zones", "bindings": "z = south", "from": "pending", "to": "violated"},
        ])
    );
    let new: Vec<(&str, &str)> = changes["new_findings"]
        .as_array()
        .expect("new")
        .iter()
        .map(|f| (f["rule"].as_str().unwrap_or(""), f["verdict"].as_str().unwrap_or("")))
        .collect();
    assert_eq!(
        new,
        [("per_day", "violated"), ("per_day", "pending"), ("zones", "violated")]
    );
    assert_eq!(changes["gone_findings"].as_array().expect("gone").len(), 2);
    // Compared with itself, nothing changed.
    let (_, out, _) = run(
        dir.path(),
        &[
            "verify",
            "rules.cfr",
            "--log",
            "yesterday.jsonl",
            "--as-of",
            "2025-01-03T00:00:00Z",
            "--baseline",
            "old.json",
            "--format",
            "json",
        ],
    );
    let report: serde_json::Value = serde_json::from_str(&out).expect("json");
    for list in ["verdicts", "new_findings", "gone_findings"] {
        assert_eq!(report["changes"][list], serde_json::json!([]), "{list}");
    }
}

#[test]
fn every_format_shows_what_changed_first() {
    let dir = setup();
    let (_, human, _) = today(dir.path(), &["--color", "never"]);
    let changed = human.find("changed   since the baseline").expect("the changes");
    assert!(changed < human.find("VIOLATED").expect("a rule"), "{human}");
    assert!(human.contains("zones [z = south]: pending → violated"), "{human}");
    let (_, markdown, _) = today(dir.path(), &["--format", "markdown"]);
    let changed = markdown
        .find("## What changed since the baseline")
        .expect("the changes");
    assert!(changed < markdown.find("## Rules").expect("rules"), "{markdown}");
    let (_, html, _) = today(dir.path(), &["--format", "html"]);
    let changed = html.find("<section class=\"changes\"").expect("the changes");
    assert!(changed < html.find("<main>").expect("rules"), "{html}");
    let (_, csv, _) = today(dir.path(), &["--format", "csv"]);
    let second = csv.lines().nth(1).expect("a first row");
    assert!(second.starts_with("per_day,,changed,violated"), "{csv}");
    let (code, junit, _) = today(dir.path(), &["--format", "junit"]);
    assert_eq!(code, 1);
    assert!(junit.contains("<testsuites"), "JUnit keeps working");
}

#[test]
fn fail_on_new_fails_only_on_what_is_new() {
    let dir = setup();
    // Violated today, and newly so: 1.
    assert_eq!(today(dir.path(), &["--fail-on-new"]).0, 1);
    // Violated, but as yesterday: 0 with --fail-on-new, 1 without.
    let again = [
        "verify",
        "rules.cfr",
        "--log",
        "yesterday.jsonl",
        "--as-of",
        "2025-01-03T00:00:00Z",
        "--baseline",
        "old.json",
    ];
    assert_eq!(run(dir.path(), &again).0, 1);
    let mut new_only = again.to_vec();
    new_only.push("--fail-on-new");
    assert_eq!(run(dir.path(), &new_only).0, 0);
    // --fail-on-new needs a baseline.
    let (code, _, err) = run(
        dir.path(),
        &["verify", "rules.cfr", "--log", "today.jsonl", "--fail-on-new"],
    );
    assert_eq!(code, 2, "{err}");
}

#[test]
fn a_baseline_that_is_no_report_is_refused_without_quoting_it() {
    let dir = setup();
    std::fs::write(dir.path().join("secret.txt"), "API_KEY=hunter2\n").expect("a file");
    std::fs::write(dir.path().join("other.json"), "{\"version\": 1, \"rules\": []}").expect("a file");
    for (file, why) in [
        ("secret.txt", "it is not JSON (line 1, column 1)"),
        ("other.json", "it is a report of version 1"),
        ("missing.json", "it cannot be read"),
    ] {
        let (code, out, err) = run(
            dir.path(),
            &["verify", "rules.cfr", "--log", "today.jsonl", "--baseline", file],
        );
        assert_eq!(code, 2, "{out}{err}");
        assert!(err.contains("CF0914") && err.contains(why), "{err}");
        assert!(!err.contains("hunter2") && !out.contains("hunter2"), "{err}");
    }
}

#[test]
fn the_baseline_may_be_the_output() {
    let dir = setup();
    let (code, _, err) = today(dir.path(), &["--format", "json", "-o", "old.json"]);
    assert_eq!(code, 1, "{err}");
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("old.json")).expect("read")).expect("json");
    assert_eq!(report["changes"]["verdicts"].as_array().expect("verdicts").len(), 2);
    assert_eq!(report["as_of"], "2025-01-04T00:00:00Z");
}
