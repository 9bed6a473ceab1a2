//! Observation logs: both formats, compression, order, bad records, and
//! the `verify` command around them.

use super::folder;
use assert_cmd::Command;
use ceasefire::check::{Workspace, check_paths};
use ceasefire::diagnostic::Code;
use ceasefire::log::{LogSet, Observation, ReadLog, ReadOptions, read};
use predicates::prelude::*;
use std::io::Write;

const RULES: &str = "zone north\nzone south\nevent truce\nevent release { batch: int, hostages: int }\nevent strike { zone: zone, actor: text }\nphase p = from first truce for 2d\nrule quiet { for each zone z: no strike in zone z during p }\nrule first_batch { release batch 1 occurs within 1d after first truce }\n";

const JSONL: &str = r#"{"time": "2025-01-01T00:00:00Z", "kind": "truce", "source": "UN"}
{"time": "2025-01-01T10:00:00+02:00", "kind": "release", "batch": 1, "hostages": 3}
{"time": "2025-01-01T12:00:00Z", "kind": "strike", "zone": "south", "actor": "unknown"}
"#;

const CSV: &str = "time,kind,source,batch,hostages,zone,actor\n2025-01-01T00:00:00Z,truce,UN,,,,\n2025-01-01T10:00:00+02:00,release,,1,3,,\n2025-01-01T12:00:00Z,strike,,,,south,unknown\n";

fn ceasefire() -> Command {
    let mut cmd = Command::cargo_bin("ceasefire").expect("the binary");
    cmd.env_remove("NO_COLOR");
    cmd
}

/// Reads one log against `RULES`.
fn read_one(name: &str, text: &[u8], as_of: Option<&str>) -> (ReadLog, Vec<Observation>) {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(dir.path().join("rules.cfr"), RULES).expect("rules");
    std::fs::write(dir.path().join(name), text).expect("log");
    let mut workspace = Workspace::new();
    let outcome = check_paths(&mut workspace, &[dir.path().join("rules.cfr")]);
    let model = &outcome.units[0].model;
    let logs = LogSet::new(&[dir.path().join(name)], None, None).expect("log set");
    let as_of = as_of.map(|t| ceasefire::time::parse_timestamp(t).expect("as of").to_utc());
    read(
        model,
        &logs,
        &ReadOptions {
            as_of,
            ..ReadOptions::default()
        },
    )
}

fn codes(read: &ReadLog) -> Vec<Code> {
    read.invalid.iter().chain(&read.warnings).map(|p| p.code).collect()
}

/// The JSON report of `verify`, with the log's file name replaced.
fn report(dir: &std::path::Path, log: &str, extra: &[&str]) -> serde_json::Value {
    let output = ceasefire()
        .current_dir(dir)
        .args(["verify", "rules.cfr", "--format", "json", "--log", log])
        .args(extra)
        .output()
        .expect("run");
    let mut json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|_| {
        panic!("no JSON: {}", String::from_utf8_lossy(&output.stderr));
    });
    json["log"]["files"] = serde_json::json!(["LOG"]);
    // Records stand on different lines in different formats (CSV has a header).
    for rule in json["rules"].as_array_mut().into_iter().flatten() {
        for instance in rule["instances"].as_array_mut().into_iter().flatten() {
            for finding in instance["findings"].as_array_mut().into_iter().flatten() {
                for evidence in finding["evidence"].as_array_mut().into_iter().flatten() {
                    evidence["line"] = serde_json::json!(0);
                }
            }
        }
    }
    let text = json.to_string().replace(log, "LOG");
    serde_json::from_str(&text).expect("json")
}

#[test]
fn jsonl_and_csv_give_the_same_report() {
    let dir = folder(&[("rules.cfr", RULES), ("log.jsonl", JSONL), ("log.csv", CSV)]);
    let jsonl = report(dir.path(), "log.jsonl", &[]);
    let csv = report(dir.path(), "log.csv", &[]);
    assert_eq!(jsonl, csv);
    assert_eq!(jsonl["log"]["observations"], 3);
    assert_eq!(jsonl["summary"]["violated"], 1);
    assert_eq!(
        jsonl["rules"][0]["instances"][1]["findings"][0]["evidence"][0]["kind"],
        "strike"
    );
}

#[test]
fn gzip_and_standard_input_read_the_same() {
    let dir = folder(&[("rules.cfr", RULES), ("log.jsonl", JSONL)]);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(JSONL.as_bytes()).expect("gzip");
    std::fs::write(dir.path().join("log.jsonl.gz"), gz.finish().expect("gzip")).expect("write");
    let plain = report(dir.path(), "log.jsonl", &[]);
    assert_eq!(report(dir.path(), "log.jsonl.gz", &[]), plain);
    let output = ceasefire()
        .current_dir(dir.path())
        .args(["verify", "rules.cfr", "--format", "json", "--log", "-"])
        .write_stdin(JSONL)
        .output()
        .expect("run");
    let stdin: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(stdin["summary"], plain["summary"]);
    assert_eq!(stdin["log"]["files"][0], "-");
    // CSV on standard input is recognised too.
    let output = ceasefire()
        .current_dir(dir.path())
        .args(["verify", "rules.cfr", "--format", "json", "--log", "-"])
        .write_stdin(CSV)
        .output()
        .expect("run");
    let csv: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(csv["summary"], plain["summary"]);
}

#[test]
fn unsorted_logs_are_judged_in_time_order() {
    let lines: Vec<&str> = JSONL.lines().collect();
    let reversed = format!("{}\n{}\n{}\n", lines[2], lines[1], lines[0]);
    let dir = folder(&[
        ("rules.cfr", RULES),
        ("log.jsonl", JSONL),
        ("reversed.jsonl", &reversed),
    ]);
    let sorted = report(dir.path(), "log.jsonl", &[]);
    let unsorted = report(dir.path(), "reversed.jsonl", &[]);
    assert_eq!(sorted["summary"], unsorted["summary"]);
    // A fact of the report, not a warning (published datasets are often
    // out of order), unless the logs are expected sorted.
    assert_eq!(unsorted["warnings"], serde_json::json!([]));
    assert_eq!(unsorted["log"]["out_of_order"], 2);
    let expected = report(dir.path(), "reversed.jsonl", &["--expect-sorted"]);
    assert_eq!(expected["warnings"][0]["code"], "CF1105");
    assert_eq!(expected["warnings"][0]["count"], 2);
}

#[test]
fn several_logs_are_merged_with_ties_in_file_order() {
    let rules = "event truce\nevent release { batch: int }\nrule r { release precedes truce }\n";
    let dir = folder(&[
        ("rules.cfr", rules),
        ("a.jsonl", "{\"time\": \"2025-01-01T00:00:00Z\", \"kind\": \"truce\"}\n"),
        (
            "b.jsonl",
            "{\"time\": \"2025-01-01T00:00:00Z\", \"kind\": \"release\", \"batch\": 1}\n",
        ),
    ]);
    let output = ceasefire()
        .current_dir(dir.path())
        .args([
            "verify",
            "rules.cfr",
            "--format",
            "json",
            "--log",
            "a.jsonl",
            "--log",
            "b.jsonl",
        ])
        .output()
        .expect("run");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(json["log"]["files"], serde_json::json!(["a.jsonl", "b.jsonl"]));
    assert_eq!(json["log"]["observations"], 2);
    // Equal times: the truce comes first (file order), but a Q at the first P's instant is not before it.
    assert_eq!(json["rules"][0]["verdict"], "satisfied");
}

#[test]
fn each_bad_record_is_reported_with_its_place() {
    // Each case: the log, the code, and the text the problem points at.
    let cases: &[(&str, &str, Code, &str)] = &[
        (
            "bad.jsonl",
            "{\"time\": \"2025-01-01T00:00:00Z\", \"kind\": \"truce\"\n",
            Code::MalformedRecord,
            "\"",
        ),
        ("bad.jsonl", "[1, 2]\n", Code::NotAnObject, "[1, 2]"),
        (
            "bad.jsonl",
            "{\"kind\": \"truce\"}\n",
            Code::MissingTime,
            "{\"kind\": \"truce\"}",
        ),
        (
            "bad.jsonl",
            "{\"time\": \"2025-02-30\", \"kind\": \"truce\"}\n",
            Code::InvalidTime,
            "\"2025-02-30\"",
        ),
        (
            "bad.jsonl",
            "{\"time\": 1735689600, \"kind\": \"truce\"}\n",
            Code::InvalidTime,
            "1735689600",
        ),
        (
            "bad.jsonl",
            "{\"time\": \"2025-01-01T10:00\", \"kind\": \"truce\"}\n",
            Code::LogTimeWithoutOffset,
            "\"2025-01-01T10:00\"",
        ),
        (
            "bad.jsonl",
            "{\"time\": \"2025-01-01\"}\n",
            Code::MissingKind,
            "{\"time\": \"2025-01-01\"}",
        ),
        (
            "bad.jsonl",
            "{\"time\": \"2025-01-01\", \"kind\": \"two words\"}\n",
            Code::InvalidKind,
            "\"two words\"",
        ),
        (
            "bad.jsonl",
            "{\"time\": \"2025-01-01\", \"kind\": \"release\", \"batch\": 1.5}\n",
            Code::ValueDoesNotFit,
            "1.5",
        ),
        (
            "bad.jsonl",
            "{\"time\": \"2025-01-01\", \"kind\": \"release\", \"batch\": \"one\"}\n",
            Code::ValueDoesNotFit,
            "\"one\"",
        ),
        (
            "bad.csv",
            "time,kind,batch\n2025-01-01,release,one\n",
            Code::ValueDoesNotFit,
            "one",
        ),
        (
            "bad.csv",
            "time,kind,batch\n2025-01-01,release\n",
            Code::RaggedRow,
            "2025-01-01,release",
        ),
        (
            "bad.csv",
            "time,kind,batch\n2025-01-01,release,1,2\n",
            Code::RaggedRow,
            "2025-01-01,release,1,2",
        ),
        (
            "bad.csv",
            "when,kind\n2025-01-01,truce\n",
            Code::MissingColumn,
            "when,kind",
        ),
        ("bad.csv", "time,kind\n,truce\n", Code::MissingTime, ",truce"),
    ];
    for (name, text, code, pointed) in cases {
        let (read, observations) = read_one(name, text.as_bytes(), None);
        let problem = read
            .invalid
            .first()
            .unwrap_or_else(|| panic!("{text:?} gave no problem"));
        assert_eq!(problem.code, *code, "{text:?}: {problem:?}");
        let place = problem.place.as_ref().expect("a place");
        assert_eq!(&place.text[place.highlight.clone()], *pointed, "{text:?}: {problem:?}");
        let column = place.text[..place.highlight.start].chars().count() as u64 + 1;
        assert_eq!(place.column, column, "{text:?}");
        assert!(observations.is_empty());
    }
}

#[test]
fn invalid_utf8_is_reported_not_dropped() {
    let (read, _) = read_one(
        "bad.jsonl",
        b"{\"time\": \"2025-01-01\", \"kind\": \"caf\xe9\"}\n",
        None,
    );
    assert_eq!(codes(&read), [Code::LogInvalidUtf8]);
    let (read, _) = read_one("bad.csv", b"time,kind\n2025-01-01,caf\xe9\n", None);
    assert_eq!(codes(&read), [Code::LogInvalidUtf8]);
}

#[test]
fn quoted_csv_cells_may_span_lines() {
    let csv = "time,kind,actor,zone\n2025-01-01T12:00:00Z,strike,\"a, b\nand c\",north\n2025-01-01T13:00:00Z,strike,\"x \"\"y\"\"\",south\n";
    let (read, observations) = read_one("log.csv", csv.as_bytes(), None);
    assert!(read.invalid.is_empty(), "{:?}", read.invalid);
    assert_eq!(observations.len(), 2);
    assert_eq!(observations[1].origin.line, 4, "the second record starts on line 4");
}

#[test]
fn warnings_for_what_is_read_but_doubtful() {
    let log = r#"{"time": "2025-01-01", "kind": "truce", "id": "a"}
{"time": "2025-01-02", "kind": "strike", "zone": "nort", "actor": "x", "id": "a"}
{"time": "2025-01-01", "kind": "relase", "batch": 1}
{"time": "2025-01-03", "kind": "release", "batch": 1, "hostages": 2, "where": {"lat": 1}}
{"time": "2025-02-01", "kind": "truce"}
"#;
    let (read, _) = read_one("log.jsonl", log.as_bytes(), Some("2025-01-31"));
    let codes = codes(&read);
    assert_eq!(
        codes,
        [
            Code::UndeclaredLogZone,
            Code::UndeclaredLogKind,
            Code::NestedValue,
            Code::DuplicateId,
            Code::OutOfOrder,
            Code::AfterAsOf
        ]
    );
    assert_eq!(
        read.warnings[0].help.as_deref(),
        Some("did you mean `north`? declare the zone if it is a new one")
    );
    assert_eq!(read.warnings[1].help.as_deref(), Some("did you mean `release`?"));
    // Nothing is lost: judged + skipped + after the horizon = records.
    assert_eq!(
        read.observations + read.invalid_count() + read.after_as_of,
        read.records
    );
    let (unused, _) = read_one("log.jsonl", b"{\"time\": \"2025-01-01\", \"kind\": \"truce\"}\n", None);
    assert!(
        unused.warnings.is_empty(),
        "truce is used by the phase: {:?}",
        unused.warnings
    );
}

#[test]
fn a_bad_log_stops_verify_unless_skipped() {
    let log = format!("{JSONL}{{\"time\": \"yesterday\", \"kind\": \"truce\"}}\nnot json\n");
    let dir = folder(&[("rules.cfr", RULES), ("log.jsonl", &log)]);
    ceasefire()
        .current_dir(dir.path())
        .args(["verify", "rules.cfr", "--log", "log.jsonl", "--color", "never"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("CF1004"))
        .stderr(predicate::str::contains("log.jsonl:4:10"))
        .stderr(predicate::str::contains("CF1001"))
        .stderr(predicate::str::contains("2 invalid records of 5; nothing was judged"));
    let json = report(dir.path(), "log.jsonl", &["--skip-invalid"]);
    assert_eq!(json["log"]["records"], 5);
    assert_eq!(json["log"]["observations"], 3);
    assert_eq!(json["log"]["skipped"], 2);
    assert_eq!(
        json["log"]["skipped_by_code"],
        serde_json::json!({"CF1001": 1, "CF1004": 1})
    );
    assert_eq!(json["skipped_records"].as_array().map(Vec::len), Some(2));
    assert_eq!(json["warnings"][0]["code"], "CF1109");
}

#[test]
fn verify_exit_statuses() {
    let dir = folder(&[
        ("rules.cfr", RULES),
        ("log.jsonl", JSONL),
        ("quiet.jsonl", &JSONL.lines().take(2).collect::<Vec<_>>().join("\n")),
    ]);
    let verify = |args: &[&str]| {
        ceasefire()
            .current_dir(dir.path())
            .arg("verify")
            .arg("rules.cfr")
            .args(args)
            .assert()
    };
    verify(&["--log", "log.jsonl"]).code(1);
    verify(&["--log", "quiet.jsonl"]).code(0);
    verify(&["--log", "quiet.jsonl", "--fail-on", "pending"]).code(1);
    verify(&["--log", "log.jsonl", "--rule", "first_batch"]).code(0);
    verify(&["--log", "log.jsonl", "--rule", "first_bach"])
        .code(2)
        .stderr(predicate::str::contains("CF0907"))
        .stderr(predicate::str::contains("did you mean `first_batch`?"));
    verify(&["--log", "log.jsonl", "--as-of", "2025-01-01 10:00"])
        .code(2)
        .stderr(predicate::str::contains("CF0908"));
    verify(&["--log", "missing.jsonl"])
        .code(2)
        .stderr(predicate::str::contains("CF0901"));
    verify(&["--log", "rules.cfr"])
        .code(2)
        .stderr(predicate::str::contains("CF0906"));
    verify(&[]).code(2);
    let broken = folder(&[
        ("rules.cfr", "rule r { relase occurs by 2025-01-01 }\n"),
        ("log.jsonl", JSONL),
    ]);
    ceasefire()
        .current_dir(broken.path())
        .args(["verify", "rules.cfr", "--log", "log.jsonl"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("CF0201"))
        .stderr(predicate::str::contains("nothing was judged"));
}

#[test]
fn the_report_is_byte_identical_across_runs() {
    let dir = folder(&[("rules.cfr", RULES), ("log.jsonl", JSONL)]);
    for format in ["human", "json"] {
        let run = || {
            ceasefire()
                .current_dir(dir.path())
                .args(["verify", "rules.cfr", "--log", "log.jsonl", "--format", format])
                .output()
                .expect("run")
                .stdout
        };
        assert_eq!(run(), run(), "{format}");
    }
    ceasefire()
        .current_dir(dir.path())
        .args([
            "verify",
            "rules.cfr",
            "--log",
            "log.jsonl",
            "--format",
            "json",
            "-o",
            "out.json",
        ])
        .assert()
        .code(1)
        .stdout("");
    assert!(
        std::fs::read_to_string(dir.path().join("out.json"))
            .expect("report")
            .contains("\"version\": 2")
    );
}

#[test]
fn rule_sets_sharing_a_schema_are_verified_together() {
    let dir = folder(&[
        (
            "gaza/schema.cfr",
            "zone north\nevent strike { zone: zone }\nevent truce\nphase p = from first truce for 2d\n",
        ),
        (
            "gaza/a.cfr",
            "include \"schema.cfr\"\nrule a { no strike in zone north during p }\n",
        ),
        (
            "gaza/b.cfr",
            "include \"schema.cfr\"\nrule b { truce occurs by 2025-01-02 }\n",
        ),
        (
            "other/c.cfr",
            "zone north\nevent strike { zone: zone }\nrule c { no strike in zone north before 2025-02-01 }\n",
        ),
        ("log.jsonl", "{\"time\": \"2025-01-01\", \"kind\": \"truce\"}\n"),
    ]);
    let output = ceasefire()
        .current_dir(dir.path())
        .args(["verify", "gaza", "--format", "json", "--log", "log.jsonl"])
        .output()
        .expect("run");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    let ids: Vec<&str> = json["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert_eq!(ids, ["a", "b"]);
    // Two rule sets that each declare `north` cannot be judged as one.
    ceasefire()
        .current_dir(dir.path())
        .args(["verify", "gaza", "other", "--log", "log.jsonl"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("zone `north` is declared twice"))
        .stderr(predicate::str::contains("verified one at a time"));
}

#[test]
fn the_human_report_shows_rules_and_records() {
    let dir = folder(&[("rules.cfr", RULES), ("log.jsonl", JSONL)]);
    let output = ceasefire()
        .current_dir(dir.path())
        .args(["verify", "rules.cfr", "--log", "log.jsonl"])
        .output()
        .expect("run");
    let text = String::from_utf8(output.stdout).expect("utf-8");
    insta::with_settings!({ snapshot_path => "../snapshots/verify", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("human-report", text);
    });
}

#[test]
fn the_worked_example_finds_what_its_readme_says() {
    let output = ceasefire()
        .current_dir(super::root())
        .args([
            "verify",
            "rules/gaza-2025/phase1.cfr",
            "--log",
            "rules/gaza-2025/log.jsonl",
            "--as-of",
            "2025-03-01T22:00:00Z",
        ])
        .args(["--format", "json"])
        .output()
        .expect("run");
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    let violated: Vec<&str> = json["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .filter(|r| r["verdict"] == "violated")
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert_eq!(
        violated,
        ["return_north_by_day_7", "talks_by_day_16", "no_strikes_in_phase1"]
    );
    assert_eq!(
        json["summary"],
        serde_json::json!({"satisfied": 6, "violated": 3, "pending": 0, "vacuous": 0, "indeterminate": 1})
    );
    // The strike in Rafah on 2 March (the whole day) starts at the horizon:
    // judged, and outside phase 1.
    assert_eq!(json["log"]["after_as_of"], 0);
    // The README's figure: the return north came 31 hours after day 7 ended.
    let reason = json["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .find(|r| r["id"] == "return_north_by_day_7")
        .map(|r| r["instances"][0]["reason"].to_string())
        .unwrap_or_default();
    assert!(reason.contains("1d 7h late"), "{reason}");
    let readme = std::fs::read_to_string(super::root().join("rules/gaza-2025/README.md")).expect("readme");
    assert!(readme.contains("31 hours after day 7 ended"), "the README's figure");
    // And the top README's: three of ten rules violated.
    let top = std::fs::read_to_string(super::root().join("README.md")).expect("readme");
    let rules = json["rules"].as_array().expect("rules").len();
    assert_eq!((violated.len(), rules), (3, 10));
    assert!(top.contains("three of ten rules are violated"), "the README's figure");
    ceasefire()
        .current_dir(super::root())
        .args(["check", "rules/"])
        .assert()
        .code(0);
}

#[test]
fn no_progress_bar_when_standard_error_is_not_a_terminal() {
    let run = |quiet: bool| {
        let mut command = ceasefire();
        command.current_dir(super::root()).args([
            "verify",
            "rules/gaza-2025/phase1.cfr",
            "--log",
            "rules/gaza-2025/log.jsonl",
            "--as-of",
            "2025-03-01T22:00:00Z",
        ]);
        if quiet {
            command.arg("--quiet");
        }
        command.output().expect("run")
    };
    let (plain, quiet) = (run(false), run(true));
    assert_eq!(plain.status.code(), Some(1));
    assert_eq!(quiet.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&plain.stderr), "");
    assert_eq!(String::from_utf8_lossy(&quiet.stderr), "");
    assert_eq!(plain.stdout, quiet.stdout);
}

mod chunks {
    //! Logs cut into many small chunks (parsed on several threads) read exactly
    //! as they do in one piece.
    use super::RULES;
    use ceasefire::check::{Workspace, check_paths};
    use ceasefire::log::{LogSet, ReadOptions, read};
    use proptest::prelude::*;

    /// Records, good and bad, as (JSONL line, CSV row).
    fn record() -> impl Strategy<Value = (String, String)> {
        let time = (0..50u32).prop_map(|m| format!("2025-01-01T00:{m:02}:00Z"));
        prop_oneof![
            (time.clone(), 1..4i64, 1..9i64).prop_map(|(t, b, h)| (
                format!("{{\"time\": \"{t}\", \"kind\": \"release\", \"batch\": {b}, \"hostages\": {h}}}"),
                format!("{t},release,{b},{h},,")
            )),
            (time.clone(), prop::sample::select(vec!["north", "south", "nort"])).prop_map(|(t, z)| (
                format!("{{\"time\": \"{t}\", \"kind\": \"strike\", \"zone\": \"{z}\", \"actor\": \"a, \\\"b\\\"\"}}"),
                format!("{t},strike,,,{z},\"a, \"\"b\"\"\nline two\"")
            )),
            time.clone().prop_map(|t| (
                format!("{{\"time\": \"{t}\", \"kind\": \"truce\"}}"),
                format!("{t},truce,,,,")
            )),
            time.clone().prop_map(|t| (
                format!("{{\"time\": \"{t}\", \"kind\": \"relase\"}}"),
                format!("{t},relase,,,,")
            )),
            Just((
                "{\"time\": \"2025-01-01T10:00\", \"kind\": \"truce\"}".to_string(),
                "2025-01-01T10:00,truce,,,,".to_string()
            )),
            Just(("not json".to_string(), "2025-01-01,release,x,1,,".to_string())),
            Just((String::new(), "2025-01-01,truce".to_string())),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        #[test]
        fn chunk_size_changes_nothing(records in prop::collection::vec(record(), 0..80), size in 1..200usize) {
            let jsonl: String = records.iter().map(|(j, _)| format!("{j}\n")).collect();
            let csv: String = std::iter::once("time,kind,batch,hostages,zone,actor\n".to_string())
                .chain(records.iter().map(|(_, c)| format!("{c}\n")))
                .collect();
            let dir = super::folder(&[("rules.cfr", RULES), ("log.jsonl", &jsonl), ("log.csv", &csv)]);
            let mut workspace = Workspace::new();
            let outcome = check_paths(&mut workspace, &[dir.path().join("rules.cfr")]);
            let model = &outcome.units[0].model;
            for name in ["log.jsonl", "log.csv"] {
                let logs = LogSet::new(&[dir.path().join(name)], None, None).expect("log");
                let whole = read(model, &logs, &ReadOptions::default());
                let cut = read(model, &logs, &ReadOptions { chunk_bytes: size, ..ReadOptions::default() });
                prop_assert_eq!(&whole.1, &cut.1, "{}", name);
                prop_assert_eq!(whole.0.records, cut.0.records);
                prop_assert_eq!(whole.0.observations, cut.0.observations);
                prop_assert_eq!(&whole.0.invalid, &cut.0.invalid);
                prop_assert_eq!(&whole.0.warnings, &cut.0.warnings);
                prop_assert_eq!(whole.0.observations + whole.0.invalid_count() + whole.0.after_as_of, whole.0.records);
            }
        }
    }
}

#[test]
fn quoted_and_plain_csv_rows_read_the_same() {
    let plain = "time,kind,batch,hostages,zone,actor\n2025-01-01T00:00:00Z,release,1,3,,\n2025-01-01T01:00:00Z,strike,,,north,army\n\n2025-01-01T02:00:00Z,truce,,,,\n";
    let quoted = "time,kind,batch,hostages,zone,actor\n\"2025-01-01T00:00:00Z\",\"release\",\"1\",\"3\",\"\",\"\"\n2025-01-01T01:00:00Z,strike,,,\"north\",\"army\"\n\n\"2025-01-01T02:00:00Z\",truce,,,,\n";
    let (a, observations_a) = read_one("a.csv", plain.as_bytes(), None);
    let (b, observations_b) = read_one("b.csv", quoted.as_bytes(), None);
    // The same observations on the same lines; only their byte offsets differ.
    let strip = |observations: Vec<ceasefire::log::Observation>| {
        observations
            .into_iter()
            .map(|o| (o.time, o.kind, o.declared.to_vec(), o.origin.line))
            .collect::<Vec<_>>()
    };
    assert_eq!(strip(observations_a), strip(observations_b));
    assert_eq!((a.records, a.observations), (3, 3));
    assert_eq!((b.records, b.observations), (3, 3));
    assert!(
        a.invalid.is_empty() && b.invalid.is_empty(),
        "{:?} {:?}",
        a.invalid,
        b.invalid
    );
}

#[test]
fn a_csv_header_without_time_covers_every_row() {
    let (read, observations) = read_one(
        "bad.csv",
        b"when,kind\n2025-01-01,truce\n2025-01-02,truce\n\"a\nb\",truce\n",
        None,
    );
    assert!(observations.is_empty());
    assert_eq!(read.records, 3);
    assert_eq!(read.invalid_count(), 3);
    assert_eq!(read.invalid.len(), 1, "{:?}", read.invalid);
    assert_eq!(read.invalid[0].code, Code::MissingColumn);
    assert_eq!(read.invalid[0].count, 3, "the one problem says how many rows it covers");
}

/// Found by the `csv_log` fuzz target: a CSV whose first chunk held only
/// blank lines was read as empty, and its rows were lost.
#[test]
fn a_csv_header_after_a_chunk_of_blank_lines_is_found() {
    let text = "\n\ntime,kind\n2025-01-01T00:00:00Z,truce\n\n2025-01-02T00:00:00Z,truce\n";
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(dir.path().join("rules.cfr"), RULES).expect("rules");
    std::fs::write(dir.path().join("log.csv"), text).expect("log");
    let mut workspace = Workspace::new();
    let outcome = check_paths(&mut workspace, &[dir.path().join("rules.cfr")]);
    let model = &outcome.units[0].model;
    let logs = LogSet::new(&[dir.path().join("log.csv")], None, None).expect("log set");
    let in_chunks = |chunk_bytes| {
        let options = ReadOptions {
            chunk_bytes,
            ..ReadOptions::default()
        };
        read(model, &logs, &options)
    };
    for chunk_bytes in [1, 2, 3, 7, 1 << 20] {
        let (read, observations) = in_chunks(chunk_bytes);
        assert_eq!(
            (read.records, observations.len()),
            (2, 2),
            "chunks of {chunk_bytes} bytes"
        );
        assert_eq!(observations[1].origin.line, 6, "chunks of {chunk_bytes} bytes");
    }
    // The same without a usable header: its rows are all counted, whatever the chunks.
    std::fs::write(dir.path().join("log.csv"), "\ni\ni").expect("log");
    for chunk_bytes in [1, 1 << 20] {
        let (read, _) = in_chunks(chunk_bytes);
        assert_eq!(
            (read.records, read.invalid_count()),
            (1, 1),
            "chunks of {chunk_bytes} bytes"
        );
    }
}

/// Found by the `jsonl_log` fuzz target: a first line shorter than four
/// bytes hid the NULs of UTF-16 text when the log was read in small
/// chunks, so the encoding was told or not depending on the chunk size.
#[test]
fn the_encoding_is_told_from_the_first_bytes_whatever_the_chunks() {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(dir.path().join("rules.cfr"), RULES).expect("rules");
    let mut workspace = Workspace::new();
    let outcome = check_paths(&mut workspace, &[dir.path().join("rules.cfr")]);
    let model = &outcome.units[0].model;
    for (name, bytes) in [
        (
            "log.jsonl",
            &b"\x07\x00\n\x00\x00\x00{\"time\":\"2025-01-01T00:00:00Z\",\"kind\":\"truce\"}\n"[..],
        ),
        ("log.csv", &b"t\x00\n\x00time,kind\n2025-01-01T00:00:00Z,truce\n"[..]),
    ] {
        std::fs::write(dir.path().join(name), bytes).expect("log");
        let logs = LogSet::new(&[dir.path().join(name)], None, None).expect("log set");
        for chunk_bytes in [1, 2, 3, 8, 1 << 20] {
            let options = ReadOptions {
                chunk_bytes,
                ..ReadOptions::default()
            };
            let (read, observations) = read(model, &logs, &options);
            assert!(observations.is_empty(), "{name}, chunks of {chunk_bytes} bytes");
            assert_eq!(
                read.invalid[0].code,
                Code::LogNotUtf8,
                "{name}, chunks of {chunk_bytes} bytes"
            );
            assert_eq!(
                read.records,
                read.invalid_count(),
                "{name}, chunks of {chunk_bytes} bytes"
            );
        }
    }
}

/// A record longer than the limit is skipped unread (CF1001), with its
/// length, and the records after it are read; memory stays bounded.
#[test]
fn a_record_over_the_length_limit_is_skipped_unread() {
    let long = "x".repeat(5000);
    let jsonl = format!(
        "{{\"time\": \"2025-01-01T00:00:00Z\", \"kind\": \"truce\"}}\n{{\"time\": \"2025-01-01T01:00:00Z\", \"kind\": \"truce\", \"notes\": \"{long}\"}}\n{{\"time\": \"2025-01-01T02:00:00Z\", \"kind\": \"truce\"}}\n"
    );
    let csv = format!(
        "time,kind,source\n2025-01-01T00:00:00Z,truce,UN\n2025-01-01T01:00:00Z,truce,\"{long}\nover two lines\"\n2025-01-01T02:00:00Z,truce,UN\n"
    );
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(dir.path().join("rules.cfr"), RULES).expect("rules");
    std::fs::write(dir.path().join("log.jsonl"), &jsonl).expect("log");
    std::fs::write(dir.path().join("log.csv"), &csv).expect("log");
    let mut workspace = Workspace::new();
    let outcome = check_paths(&mut workspace, &[dir.path().join("rules.cfr")]);
    let model = &outcome.units[0].model;
    for (name, lines) in [("log.jsonl", [1, 2, 3]), ("log.csv", [2, 3, 5])] {
        let logs = LogSet::new(&[dir.path().join(name)], None, None).expect("log set");
        // (The limit is far above the chunk size in use, 256 MiB to 1 MiB.)
        for chunk_bytes in [1, 100, 999] {
            let options = ReadOptions {
                chunk_bytes,
                max_record_bytes: 1000,
                ..ReadOptions::default()
            };
            let (read, observations) = read(model, &logs, &options);
            assert_eq!(read.records, 3, "{name}, chunks of {chunk_bytes}");
            let got: Vec<u64> = observations.iter().map(|o| o.origin.line).collect();
            assert_eq!(got, [lines[0], lines[2]], "{name}, chunks of {chunk_bytes}");
            assert_eq!(read.invalid.len(), 1, "{name}");
            let problem = &read.invalid[0];
            assert_eq!(problem.code, Code::MalformedRecord);
            assert_eq!(problem.place.as_ref().map(|p| p.line), Some(lines[1]), "{name}");
            assert!(
                problem.message.contains("bytes long, over the limit"),
                "{}",
                problem.message
            );
        }
        // Under the default limit the same record is read.
        let (read, observations) = read(model, &logs, &ReadOptions::default());
        assert_eq!((read.invalid_count(), observations.len()), (0, 3), "{name}");
    }
    // A CSV header over the limit: the file has no usable header, and its
    // rows are counted as invalid.
    let header = format!(
        "time,kind,{}\n2025-01-01T00:00:00Z,truce,\n2025-01-02T00:00:00Z,truce,\n",
        "c".repeat(2000)
    );
    std::fs::write(dir.path().join("header.csv"), header).expect("log");
    let logs = LogSet::new(&[dir.path().join("header.csv")], None, None).expect("log set");
    let options = ReadOptions {
        chunk_bytes: 100,
        max_record_bytes: 1000,
        ..ReadOptions::default()
    };
    let (read, observations) = read(model, &logs, &options);
    assert!(observations.is_empty());
    assert_eq!((read.records, read.invalid_count()), (2, 2));
    assert_eq!(read.invalid[0].code, Code::MissingColumn);
    assert!(
        read.invalid[0].message.starts_with("the header is 2011 bytes long"),
        "{}",
        read.invalid[0].message
    );
}

#[test]
fn numbers_are_read_and_reported_exactly_in_both_formats() {
    let rules = "event convoy { tonnes: number, trucks: int, note: text }\n\
rule light { sum(tonnes of convoy) <= 0.3 between 2025-01-01 and 2025-01-10 }\n\
rule exact { no convoy where tonnes = 0.3 between 2025-01-01 and 2025-01-10 }\n";
    let jsonl = "{\"time\":\"2025-01-02T00:00:00Z\",\"kind\":\"convoy\",\"tonnes\":0.1,\"trucks\":9223372036854775807}\n\
{\"time\":\"2025-01-03T00:00:00Z\",\"kind\":\"convoy\",\"tonnes\":0.20000000000000001e0,\"note\":1.50}\n";
    let csv = "time,kind,tonnes,trucks,note\n2025-01-02T00:00:00Z,convoy,0.1,9223372036854775807,\n\
2025-01-03T00:00:00Z,convoy,0.20000000000000001,,1.50\n";
    let dir = super::folder(&[("r.cfr", rules), ("log.jsonl", jsonl), ("log.csv", csv)]);
    for log in ["log.jsonl", "log.csv"] {
        let output = super::ceasefire_cmd()
            .current_dir(dir.path())
            .args([
                "verify",
                "r.cfr",
                "--log",
                log,
                "--as-of",
                "2025-01-11",
                "--format",
                "json",
            ])
            .output()
            .expect("runs");
        let text = String::from_utf8(output.stdout).expect("utf-8");
        let report: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        // 0.1 + 0.20000000000000001 is more than 0.3, by exactly that much.
        let light = &report["rules"][0]["instances"][0];
        assert_eq!(light["verdict"], "violated", "{log}: {light}");
        assert!(
            light["reason"]
                .as_str()
                .is_some_and(|r| r.contains("was 0.30000000000000001; it must be <= 0.3")),
            "{log}: {light}"
        );
        assert_eq!(
            report["rules"][1]["verdict"], "satisfied",
            "{log}: no tonnes is exactly 0.3"
        );
        // Evidence gives the values with every digit, as written.
        assert!(text.contains("\"trucks\": 9223372036854775807"), "{log}: {text}");
        assert!(text.contains("\"tonnes\": 0.20000000000000001"), "{log}: {text}");
        assert!(
            text.contains("\"note\": \"1.50\""),
            "{log}: a number read as text keeps its spelling"
        );
    }
}

#[test]
fn the_parse_stage_reads_every_record_typed_or_not() {
    // The benchmark of stages (benches/verify.rs) parses with and without
    // typing; both must see every record, whatever shape it has.
    let rules = ceasefire::Rules::from_text("rules.cfr", RULES).expect("rules");
    let mut many = String::new();
    for i in 0..30_000 {
        many.push_str(&format!(
            "{{\"time\": \"2025-01-01T00:00:{:02}Z\", \"kind\": \"strike\", \"zone\": \"north\", \"actor\": \"a\\\"b\"}}\n",
            i % 60
        ));
    }
    let quoted =
        "time,kind,zone,actor\n2025-01-01T00:00:00Z,strike,north,\"a, b\"\n2025-01-01T00:01:00Z,strike,south,\n";
    for (name, text, records) in [
        ("log.jsonl", JSONL, 3),
        ("log.csv", CSV, 3),
        ("many.jsonl", many.as_str(), 30_000),
        ("quoted.csv", quoted, 2),
    ] {
        let format = if name.ends_with(".csv") {
            ceasefire::LogFormat::Csv
        } else {
            ceasefire::LogFormat::Jsonl
        };
        let logs = LogSet::from_bytes(name, format, text.as_bytes().to_vec());
        for typed in [false, true] {
            let parsed = ceasefire::log::parse_stage(&rules.model, &logs, typed).expect("parsed");
            assert_eq!(parsed, records, "{name}, typed {typed}");
        }
    }
}
