//! Every diagnostic code has invalid rule files under
//! `tests/fixtures/invalid/` whose rendered diagnostics are snapshots.

use super::check_rendered;
use ceasefire::diagnostic::Code;
use std::path::{Path, PathBuf};

const FIXTURES: &str = "tests/fixtures/invalid";

fn fixtures() -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(FIXTURES)
        .expect("the fixture folder")
        .map(|e| e.expect("an entry").path())
        // GeoJSON files the fixtures read sit beside them, in `geo/`.
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("CF"))
        })
        .collect();
    entries.sort();
    entries
}

/// `CF0201-undeclared-kind.cfr` → `CF0201`.
fn code_of(path: &Path) -> Code {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    Code::parse(&name[..6]).unwrap_or_else(|| panic!("{name} does not start with a code"))
}

#[test]
fn each_fixture_reports_its_code_and_matches_its_snapshot() {
    for path in fixtures() {
        // Paths relative to the crate root keep snapshots the same everywhere.
        let relative = path.strip_prefix(super::root()).unwrap_or(&path).to_path_buf();
        let (outcome, text) = check_rendered(&[&relative]);
        let code = code_of(&path);
        assert!(
            outcome.diagnostics.iter().any(|d| d.code == code),
            "{} should report {code}, got:\n{text}",
            path.display()
        );
        let name = path
            .file_stem()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        insta::with_settings!({ snapshot_path => "../snapshots/diagnostics", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(name, text);
        });
    }
}

#[test]
fn every_code_about_rule_files_has_a_fixture() {
    let covered: Vec<Code> = fixtures().iter().map(|p| code_of(p)).collect();
    // Run errors (CF09xx) concern the command line and are tested in `cli`;
    // log problems (CF1xxx) in `logs`; a file over the size limit and an
    // include outside `--include-root` in `check`.
    let missing: Vec<&str> = Code::ALL
        .iter()
        .filter(|c| !c.as_str().starts_with("CF09") && !c.as_str().starts_with("CF1"))
        .filter(|c| !matches!(c, Code::FileTooLarge | Code::IncludeOutsideRoot))
        .filter(|c| !covered.contains(c))
        .map(|c| c.as_str())
        .collect();
    assert!(missing.is_empty(), "codes without a fixture: {missing:?}");
}

#[test]
fn diagnostics_have_a_label_and_lower_case_messages() {
    for path in fixtures() {
        let (outcome, _) = check_rendered(&[&path]);
        for d in &outcome.diagnostics {
            assert!(d.primary.is_some(), "{}: {} has no place", path.display(), d.code);
            let first = d.message.chars().next().unwrap_or('a');
            assert!(
                !first.is_uppercase(),
                "{}: message not in lower case: {}",
                path.display(),
                d.message
            );
            // Syntax errors say what was expected; other diagnostics know their fix.
            if d.code != Code::SyntaxError {
                assert!(d.help.is_some(), "{}: {} has no help", path.display(), d.code);
            }
        }
    }
}
