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
