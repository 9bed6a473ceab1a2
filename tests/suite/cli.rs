//! The `ceasefire` binary: formats, exit statuses, colour, output files.

use super::folder;
use assert_cmd::Command;
use predicates::prelude::*;

fn ceasefire() -> Command {
    let mut cmd = Command::cargo_bin("ceasefire").expect("the binary");
    cmd.env_remove("NO_COLOR");
    cmd
}

const CLEAN: &str = "zone north\nevent strike { zone: zone }\nphase p = from 2025-01-19 for 42d\nrule r { no strike in zone north during p }\n";
const BROKEN: &str = "event release\nrule r {\n  relase occurs by 2025-02-01\n}\n";
const WARNED: &str = "zone north\nzone rafah\nevent strike { zone: zone }\nphase p = from 2025-01-19 for 42d\nrule r { no strike in zone north during p }\n";

#[test]
fn clean_files_exit_0() {
    let dir = folder(&[("a.cfr", CLEAN)]);
    ceasefire()
        .arg("check")
        .arg(dir.path())
        .assert()
        .code(0)
        .stdout("checked 1 file: no problems\n");
}

#[test]
fn errors_exit_1_with_the_diagnostic() {
    let dir = folder(&[("a.cfr", BROKEN)]);
    ceasefire()
        .args(["check", "--color", "never"])
        .arg(dir.path().join("a.cfr"))
        .assert()
        .code(1)
        .stdout(predicate::str::contains("CF0201"))
        .stdout(predicate::str::contains("event kind `relase` is not declared"))
        .stdout(predicate::str::contains("did you mean `release`?"))
        .stdout(predicate::str::contains("checked 1 file: 1 error"));
}

#[test]
fn warnings_exit_0_unless_denied() {
    let dir = folder(&[("a.cfr", WARNED)]);
    ceasefire()
        .arg("check")
        .arg(dir.path())
        .assert()
        .code(0)
        .stdout(predicate::str::contains("1 warning"));
    ceasefire()
        .args(["check", "--deny-warnings"])
        .arg(dir.path())
        .assert()
        .code(1);
}

#[test]
fn missing_paths_and_empty_folders_exit_2() {
    ceasefire()
        .args(["check", "no/such/place.cfr"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("CF0901"))
        .stderr(predicate::str::contains("`no/such/place.cfr` does not exist"));
    let dir = folder(&[("notes.txt", "not rules")]);
    ceasefire()
        .arg("check")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("CF0902"));
}

#[test]
fn the_default_path_is_rules() {
    let dir = folder(&[("rules/a.cfr", CLEAN)]);
    ceasefire().arg("check").current_dir(dir.path()).assert().code(0);
    let empty = folder(&[]);
    ceasefire()
        .arg("check")
        .current_dir(empty.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("`rules` does not exist"));
}

#[test]
fn bad_arguments_exit_2() {
    ceasefire().args(["check", "--format", "xml"]).assert().code(2);
    ceasefire().args(["check", "--colour"]).assert().code(2);
    ceasefire().arg("frobnicate").assert().code(2);
}

#[test]
fn json_lists_every_diagnostic_with_its_place() {
    let dir = folder(&[("a.cfr", BROKEN)]);
    let output = ceasefire()
        .args(["check", "--format", "json"])
        .arg(dir.path())
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(json["version"], 1);
    assert_eq!(json["summary"]["errors"], 1);
    let d = &json["diagnostics"][0];
    assert_eq!(d["code"], "CF0201");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["message"], "event kind `relase` is not declared");
    assert!(d["file"].as_str().expect("file").ends_with("a.cfr"));
    assert_eq!((d["line"].as_u64(), d["column"].as_u64()), (Some(3), Some(3)));
    assert_eq!((d["end_line"].as_u64(), d["end_column"].as_u64()), (Some(3), Some(9)));
    assert_eq!(d["help"], "did you mean `release`?");
}

#[test]
fn sarif_has_a_descriptor_per_code_and_regions() {
    let dir = folder(&[("a.cfr", BROKEN)]);
    let output = ceasefire()
        .args(["check", "--format", "sarif"])
        .arg(dir.path())
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), ceasefire::diagnostic::Code::ALL.len());
    let result = &run["results"][0];
    assert_eq!(result["ruleId"], "CF0201");
    assert_eq!(result["level"], "error");
    let index = result["ruleIndex"].as_u64().expect("index") as usize;
    assert_eq!(rules[index]["id"], "CF0201");
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(3), Some(3))
    );
    assert_eq!(
        (region["endLine"].as_u64(), region["endColumn"].as_u64()),
        (Some(3), Some(9))
    );
}

#[test]
fn github_prints_annotations() {
    let dir = folder(&[("a.cfr", BROKEN), ("b.cfr", WARNED)]);
    let output = ceasefire()
        .args(["check", "--format", "github"])
        .arg(dir.path())
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).expect("utf-8");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].starts_with("::error file="), "{}", lines[0]);
    assert!(
        lines[0].contains("a.cfr,line=3,col=3,endLine=3,endColumn=9,title=CF0201::event kind `relase` is not declared%0Ahelp: did you mean `release`?"),
        "{}",
        lines[0]
    );
    assert!(lines[1].starts_with("::warning file="), "{}", lines[1]);
}

#[test]
fn colour_follows_the_flag_and_no_color() {
    let dir = folder(&[("a.cfr", BROKEN)]);
    let has_escape = |cmd: &mut Command| cmd.output().expect("run").stdout.contains(&0x1b);
    assert!(has_escape(
        ceasefire().args(["check", "--color", "always"]).arg(dir.path())
    ));
    assert!(!has_escape(
        ceasefire().args(["check", "--color", "never"]).arg(dir.path())
    ));
    // Not a terminal: `auto` means no colour.
    assert!(!has_escape(ceasefire().args(["check"]).arg(dir.path())));
    assert!(!has_escape(
        ceasefire()
            .args(["check", "--color", "auto"])
            .env("NO_COLOR", "1")
            .arg(dir.path())
    ));
}

#[test]
fn output_goes_to_a_file_with_o() {
    let dir = folder(&[("a.cfr", BROKEN)]);
    let report = dir.path().join("report.json");
    ceasefire()
        .args(["check", "--format", "json", "-o"])
        .arg(&report)
        .arg(dir.path().join("a.cfr"))
        .assert()
        .code(1)
        .stdout("");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).expect("report")).expect("json");
    assert_eq!(json["diagnostics"][0]["code"], "CF0201");
    ceasefire()
        .args(["check", "-o", "/no/such/folder/report.txt"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("CF0905"));
}

#[test]
fn output_is_the_same_every_run() {
    let dir = folder(&[("a.cfr", BROKEN), ("b.cfr", WARNED), ("c.cfr", CLEAN)]);
    for format in ["human", "json", "sarif", "github"] {
        let run = || {
            ceasefire()
                .args(["check", "--format", format])
                .arg(dir.path())
                .output()
                .expect("run")
                .stdout
        };
        assert_eq!(run(), run(), "{format}");
    }
}

#[test]
fn diagnostics_are_sorted_by_file_and_position() {
    let dir = folder(&[("b.cfr", BROKEN), ("a.cfr", "zone a b\nzone c d\n")]);
    let output = ceasefire()
        .args(["check", "--format", "json"])
        .arg(dir.path())
        .output()
        .expect("run");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    let files: Vec<String> = json["diagnostics"]
        .as_array()
        .expect("list")
        .iter()
        .map(|d| {
            format!(
                "{}:{}",
                d["file"].as_str().unwrap_or("").rsplit('/').next().unwrap_or(""),
                d["line"]
            )
        })
        .collect();
    assert_eq!(files, ["a.cfr:1", "a.cfr:2", "b.cfr:3"]);
}

#[test]
fn explain_prints_the_explanation() {
    ceasefire()
        .args(["explain", "CF0201"])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("# CF0201: "));
    ceasefire().args(["explain", "cf0201"]).assert().code(0);
    ceasefire()
        .arg("explain")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("CF0705"));
    ceasefire()
        .args(["explain", "CF0299"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("CF0904"))
        .stderr(predicate::str::contains("did you mean"));
}

#[test]
fn version_and_help() {
    ceasefire()
        .arg("--version")
        .assert()
        .code(0)
        .stdout(predicate::str::contains(env!("CARGO_PKG_VERSION")));
    ceasefire()
        .args(["check", "--help"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("--deny-warnings"));
}

#[test]
fn a_panic_is_an_internal_error_with_status_3() {
    // Debug builds panic on purpose when CEASEFIRE_DEBUG_PANIC is set.
    let output = ceasefire()
        .env("CEASEFIRE_DEBUG_PANIC", "1")
        .args(["check", "x.cfr"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(3));
    let stderr = String::from_utf8(output.stderr).expect("utf-8");
    let version = env!("CARGO_PKG_VERSION");
    assert!(
        stderr.starts_with(&format!("error: internal error in ceasefire {version}: ")),
        "{stderr}"
    );
    assert!(stderr.contains("please report it"), "{stderr}");
    assert_eq!(stderr.matches("internal error").count(), 1, "{stderr}");
    assert!(output.stdout.is_empty());
}

/// A rule file with 30 errors (undeclared kinds).
fn many_errors() -> String {
    let mut text = String::from("zone north\nzone south\nevent truce\n");
    for i in 0..30 {
        text.push_str(&format!("rule r{i} {{ relase{i} occurs by 2025-02-01 }}\n"));
    }
    text
}

#[test]
fn max_errors_lists_the_first_and_counts_the_rest() {
    let dir = folder(&[("a.cfr", &many_errors())]);
    let output = ceasefire()
        .args(["check", "--color", "never", "--max-errors", "5"])
        .arg(dir.path().join("a.cfr"))
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).expect("utf-8");
    assert_eq!(text.matches("CF0201").count(), 5, "{text}");
    assert!(
        text.contains("… and 25 more diagnostics not shown (--max-errors 5"),
        "{text}"
    );
    assert!(text.ends_with("checked 1 file: 30 errors\n"), "{text}");

    let output = ceasefire()
        .args(["check", "--format", "json", "--max-errors", "5"])
        .arg(dir.path().join("a.cfr"))
        .output()
        .expect("runs");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(
        json["summary"],
        serde_json::json!({"errors": 30, "warnings": 0, "omitted": 25})
    );
    assert_eq!(json["diagnostics"].as_array().unwrap().len(), 5);

    let output = ceasefire()
        .args(["check", "--format", "github", "--max-errors", "1"])
        .arg(dir.path().join("a.cfr"))
        .output()
        .expect("runs");
    let text = String::from_utf8(output.stdout).expect("utf-8");
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(text.ends_with("::notice title=ceasefire::… and 29 more diagnostics not shown (--max-errors 1 lists the first 1 errors and 1 warnings)\n"), "{text}");

    // 0 lists all; so does leaving it out.
    for extra in [&["--max-errors", "0"][..], &[]] {
        let output = ceasefire()
            .args(["check", "--color", "never"])
            .args(extra)
            .arg(dir.path().join("a.cfr"))
            .output()
            .expect("runs");
        let text = String::from_utf8(output.stdout).expect("utf-8");
        assert_eq!(text.matches("CF0201").count(), 30);
        assert!(!text.contains("not shown"));
    }

    // `test` and `verify` list rule errors the same way.
    for command in [&["test"][..], &["verify", "--log", "x.jsonl"]] {
        let output = ceasefire()
            .args(command)
            .args(["--color", "never", "--max-errors", "2"])
            .arg(dir.path().join("a.cfr"))
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(2), "{command:?}");
        let text = String::from_utf8(output.stderr).expect("utf-8");
        assert_eq!(text.matches("CF0201").count(), 2, "{command:?}: {text}");
        assert!(
            text.contains("… and 28 more diagnostics not shown"),
            "{command:?}: {text}"
        );
    }
}

#[test]
fn max_errors_limits_the_invalid_log_records_listed() {
    let mut log = String::new();
    for i in 0..120 {
        log.push_str(&format!(
            "{{\"time\":\"2025-01-{:02}T00:00:00\",\"kind\":\"strike\",\"zone\":\"north\"}}\n",
            1 + i % 28
        ));
    }
    let dir = folder(&[("a.cfr", CLEAN), ("log.jsonl", &log)]);
    let listed = |extra: &[&str]| {
        let output = ceasefire()
            .current_dir(dir.path())
            .args(["verify", "a.cfr", "--log", "log.jsonl", "--color", "never"])
            .args(extra)
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(2));
        let text = String::from_utf8(output.stderr).expect("utf-8");
        assert!(text.contains("120 invalid records of 120"), "{text}");
        text.matches("CF1005").count()
    };
    assert_eq!(listed(&[]), 50);
    assert_eq!(listed(&["--max-errors", "3"]), 3);
    assert_eq!(listed(&["--max-errors", "0"]), 120);
    let output = ceasefire()
        .current_dir(dir.path())
        .args([
            "verify",
            "a.cfr",
            "--log",
            "log.jsonl",
            "--skip-invalid",
            "--format",
            "json",
            "--max-errors",
            "7",
        ])
        .output()
        .expect("runs");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(json["skipped_records"].as_array().unwrap().len(), 7);
    assert_eq!(json["log"]["skipped"], 120);
}
