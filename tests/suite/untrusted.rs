//! Rule files and logs from strangers (issue 20): nothing of a file that is
//! not rule source reaches a diagnostic, includes read only `.cfr` files
//! (under `--include-root` when given), links are followed and reported,
//! reading is bounded.

use super::{folder, run};
use std::path::Path;

/// A symbolic link at `link` to `target`.
fn link(target: &str, link: &Path) {
    std::os::unix::fs::symlink(target, link).expect("a link");
}

#[test]
fn a_link_to_the_environment_is_not_quoted_in_any_format() {
    let dir = folder(&[("rules/b.cfr", "include \"env2.cfr\"\n")]);
    link("/proc/self/environ", &dir.path().join("rules/env.cfr"));
    link("/proc/self/environ", &dir.path().join("rules/env2.cfr"));
    for args in [
        &["check", "rules"][..],
        &["check", "rules", "--format", "json"],
        &["check", "rules", "--format", "sarif"],
        &["check", "rules", "--format", "github"],
        &["test", "rules", "--format", "junit"],
        &["verify", "rules", "--log", "-"],
    ] {
        let output = super::ceasefire_cmd()
            .current_dir(dir.path())
            .env("CEASEFIRE_TEST_SECRET", "hunter2-secret-value")
            .args(["--color", "never"])
            .args(args)
            .output()
            .expect("runs");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(!text.contains("hunter2"), "{args:?} leaked the environment: {text}");
        assert!(!text.contains("PATH="), "{args:?} quoted the file: {text}");
        assert!(text.contains("CF0011"), "{args:?}: {text}");
    }
}

#[test]
fn includes_read_only_cfr_files() {
    let dir = folder(&[
        ("secret.txt", "TOP-SECRET-LINE\n"),
        (
            "ci/rules/a.cfr",
            "include \"../../secret.txt\"\ninclude \"/proc/self/pagemap\"\ninclude \"/etc/passwd\"\n",
        ),
    ]);
    let ci = dir.path().join("ci");
    let (code, stdout, stderr) = run(&ci, &["check", "rules"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert_eq!(stdout.matches("CF0104").count(), 3, "{stdout}");
    assert!(!stdout.contains("TOP-SECRET") && !stdout.contains("root:"), "{stdout}");
}

#[test]
fn a_file_claiming_no_size_is_read_only_up_to_the_limit() {
    // `/proc/self/pagemap` says it is empty and holds gigabytes; behind a
    // `.cfr` link it is read up to the limit, then refused (or the system
    // refuses reads of it that are not whole entries).
    let dir = folder(&[("rules/a.cfr", "include \"map.cfr\"\n")]);
    link("/proc/self/pagemap", &dir.path().join("rules/map.cfr"));
    let started = std::time::Instant::now();
    let (code, stdout, stderr) = run(dir.path(), &["check", "rules/a.cfr"]);
    assert!(started.elapsed().as_secs() < 30, "read without bound");
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(
        stdout.contains("CF0004") && stdout.contains("more than 16777216 bytes") || stdout.contains("CF0103"),
        "{stdout}"
    );
}

#[test]
fn include_root_confines_includes_links_followed() {
    let dir = folder(&[
        ("outside.cfr", "zone x\n"),
        ("ci/rules/a.cfr", "include \"../../outside.cfr\"\n"),
        ("ci/rules/b.cfr", "include \"link.cfr\"\n"),
        ("ci/rules/c.cfr", "include \"inside.cfr\"\n"),
        ("ci/rules/inside.cfr", "zone y\n"),
    ]);
    let ci = dir.path().join("ci");
    link("../../outside.cfr", &ci.join("rules/link.cfr"));
    let (code, stdout, _) = run(
        &ci,
        &[
            "check",
            "rules/a.cfr",
            "rules/b.cfr",
            "rules/c.cfr",
            "--include-root",
            ".",
        ],
    );
    assert_eq!(code, 1, "{stdout}");
    assert_eq!(stdout.matches("CF0105").count(), 2, "{stdout}");
    assert!(
        stdout.contains("cannot include `link.cfr`: it is outside the include root"),
        "{stdout}"
    );
    // Without the option, the same files check.
    let (code, stdout, _) = run(&ci, &["check", "rules/a.cfr", "rules/b.cfr", "rules/c.cfr"]);
    assert_eq!(code, 0, "{stdout}");
    // A root that does not exist is an error of the run.
    let (code, _, stderr) = run(&ci, &["check", "rules", "--include-root", "nowhere"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("the include root `nowhere` cannot be used"), "{stderr}");
}

#[test]
fn linked_files_and_folders_are_checked_and_broken_links_reported() {
    let dir = folder(&[
        ("shared/zones.cfr", "zone north\nzone north\n"),
        ("more/rules.cfr", "zone south\nzone south\n"),
        ("rules/main.cfr", "zone east\n"),
    ]);
    link("../shared/zones.cfr", &dir.path().join("rules/zones.cfr"));
    link("../more", &dir.path().join("rules/more"));
    let (code, stdout, stderr) = run(dir.path(), &["check", "rules"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("checked 3 files"), "{stdout}");
    assert!(
        stdout.contains("rules/zones.cfr") && stdout.contains("rules/more/rules.cfr"),
        "{stdout}"
    );
    // A `.cfr` link to nothing and a link loop stop the run with a word each.
    link("/nowhere/at/all.cfr", &dir.path().join("rules/gone.cfr"));
    link("..", &dir.path().join("rules/loop"));
    link("/nowhere/README", &dir.path().join("rules/README"));
    let (code, _, stderr) = run(dir.path(), &["check", "rules"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("`rules/gone.cfr` is a link to nothing"), "{stderr}");
    assert!(stderr.contains("`rules/loop` is a link back to"), "{stderr}");
    assert!(!stderr.contains("README"), "only rule files are missed: {stderr}");
}

#[test]
fn a_broken_rule_file_is_still_quoted_to_its_author() {
    let dir = folder(&[("a.cfr", "zone north\nrule r { no strik after 2025-01-01 }\n")]);
    let (code, stdout, _) = run(dir.path(), &["check", "a.cfr"]);
    assert_eq!(code, 1);
    assert!(stdout.contains("no strik after 2025-01-01"), "{stdout}");
}

#[test]
fn a_file_over_the_limit_is_refused_before_it_is_read() {
    let dir = folder(&[("a.cfr", "include \"big.cfr\"\n")]);
    let big = std::fs::File::create(dir.path().join("big.cfr")).expect("a file");
    big.set_len(ceasefire::check::MAX_FILE_BYTES * 4).expect("grown");
    let (code, stdout, _) = run(dir.path(), &["check", "a.cfr"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("CF0004"), "{stdout}");
}

/// Runs `ceasefire ARGS` in `dir` under a limit of `kib` KiB of address space.
fn run_limited(dir: &Path, kib: u64, args: &str) -> std::process::Output {
    let binary = assert_cmd::cargo::cargo_bin("ceasefire");
    std::process::Command::new("sh")
        .current_dir(dir)
        .arg("-c")
        .arg(format!("ulimit -v {kib}; exec {} {args}", binary.display()))
        .output()
        .expect("runs")
}

#[test]
fn a_rule_with_thousands_of_failing_instances_stays_within_a_memory_limit() {
    // Four lines within every documented limit: 10,000 instances of a rate
    // with a slice a second over a century, against a one-record log. It
    // took 3 GB and wrote a 4.6 GB report before findings were budgeted.
    let rules = "event strike { n: int }\nrule r {\n  for each a in 1..10000:\n    at least 1 strike where n = a per 1s between 1925-01-01 and 2025-01-01\n}\n";
    let dir = folder(&[
        ("r.cfr", rules),
        (
            "log.jsonl",
            "{\"time\":\"2020-01-01T00:00:00Z\",\"kind\":\"strike\",\"n\":1}\n",
        ),
    ]);
    let output = run_limited(
        dir.path(),
        1_000_000,
        "verify r.cfr --log log.jsonl --format json -o report.json",
    );
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let size = std::fs::metadata(dir.path().join("report.json"))
        .expect("a report")
        .len();
    assert!(size < 20 << 20, "the report is {size} bytes");
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("report.json")).expect("read")).expect("JSON");
    let instances = report["rules"][0]["instances"].as_array().expect("instances");
    assert_eq!(instances.len(), 10_000);
    let listed: usize = instances
        .iter()
        .map(|i| i["findings"].as_array().expect("findings").len())
        .sum();
    assert_eq!(listed, 10_000, "findings listed for the rule as a whole");
    // Every failing slice is still counted, and the cut is said where it happened.
    // (up to the horizon, the log's one record: 34,698 days of seconds)
    assert_eq!(instances[0]["counts"]["violated"], 34_698u64 * 86_400);
    let noted = instances
        .iter()
        .filter(|i| i["notes"].to_string().contains("counted, not listed (--max-findings)"))
        .count();
    assert_eq!(noted, 9_990, "instance 11 onwards lost findings to the budget");
    // The human report says it too, in a screenful.
    let output = run_limited(dir.path(), 1_000_000, "verify r.cfr --log log.jsonl --color never");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.len() < 1 << 20, "{} bytes", text.len());
    assert!(text.contains("--max-findings"), "{}", &text[..2000.min(text.len())]);
}

#[test]
fn a_truncated_gzip_log_is_lost_out_loud_in_every_format() {
    use std::io::Write;
    let mut log = String::new();
    for i in 0..20_000 {
        log.push_str(&format!(
            "{{\"time\":\"2025-01-01T{:02}:{:02}:{:02}Z\",\"kind\":\"strike\",\"n\":{i}}}\n",
            i / 3600,
            i / 60 % 60,
            i % 60
        ));
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(log.as_bytes()).expect("compressed");
    let whole = gz.finish().expect("compressed");
    let dir = folder(&[(
        "r.cfr",
        "event strike { n: int }\nrule r { no strike after 2025-01-01T05:00:00Z }\n",
    )]);
    std::fs::write(dir.path().join("log.jsonl.gz"), &whole[..whole.len() / 2]).expect("a log");
    // Without --skip-invalid nothing is judged.
    let (code, _, stderr) = run(dir.path(), &["verify", "r.cfr", "--log", "log.jsonl.gz"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("CF1012") && stderr.contains("the rest of the file is lost"),
        "{stderr}"
    );
    // With it, every format says first what was lost, and the status is 2.
    for format in ["human", "markdown", "html", "junit"] {
        let (code, stdout, _) = run(
            dir.path(),
            &[
                "verify",
                "r.cfr",
                "--log",
                "log.jsonl.gz",
                "--skip-invalid",
                "--format",
                format,
            ],
        );
        assert_eq!(code, 2, "{format}");
        let head = &stdout[..stdout
            .find("the rest of the file is lost")
            .unwrap_or_else(|| panic!("{format}: {stdout}"))];
        assert!(
            head.contains("log.jsonl.gz") && head.contains("past its first"),
            "{format}: {head}"
        );
    }
    let (code, stdout, _) = run(
        dir.path(),
        &[
            "verify",
            "r.cfr",
            "--log",
            "log.jsonl.gz",
            "--skip-invalid",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 2);
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    let log = &report["log"];
    assert_eq!(log["skipped"], 1, "{log}");
    assert_eq!(log["skipped_by_code"]["CF1012"], 1, "{log}");
    assert_eq!(
        log["records"].as_u64(),
        Some(log["observations"].as_u64().expect("n") + 1),
        "the lost rest counts as one record: {log}"
    );
    assert!(
        report["warnings"][0]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("the rest of 1 log file could not be read"))
    );
}
