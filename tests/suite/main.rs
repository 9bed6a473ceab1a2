//! The integration tests: one binary, one module per area.

mod architecture;
mod baseline;
mod calendars;
mod check;
mod cli;
mod diagnostics;
mod editors;
mod explanations;
mod format;
mod hostile;
mod library;
mod logs;
mod lsp;
mod nothing_lost;
mod places;
mod real_data;
mod recovery;
mod reference;
mod reports;
mod robustness;
mod series;
mod sources;
mod tests_cmd;
mod uncertain;
mod untrusted;
mod verdicts;
mod worlds;

use std::path::{Path, PathBuf};

/// The crate's root folder (tests run from there too).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `ceasefire` binary, with the environment's colour setting removed.
pub fn ceasefire_cmd() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("ceasefire").expect("the binary");
    cmd.env_remove("NO_COLOR");
    cmd
}

/// Runs `ceasefire` in `dir`; returns the status, standard output and
/// standard error, having checked that it did not crash.
pub fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output = ceasefire_cmd()
        .current_dir(dir)
        .args(["--color", "never"])
        .args(args)
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let code = output.status.code().expect("exited, not killed by a signal");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("internal error") && code != 3 && code != 101,
        "crashed ({code}): {stderr}"
    );
    (code, stdout, stderr)
}

/// A fresh temporary folder holding the given files.
pub fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for (name, text) in files {
        let path = dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("a folder");
        }
        std::fs::write(path, text).expect("a file");
    }
    dir
}

/// Checks the paths and renders every diagnostic as plain text.
pub fn check_rendered(paths: &[&Path]) -> (ceasefire::check::CheckOutcome, String) {
    let mut workspace = ceasefire::check::Workspace::new();
    let paths: Vec<PathBuf> = paths.iter().map(|p| p.to_path_buf()).collect();
    let outcome = ceasefire::check::check_paths(&mut workspace, &paths);
    let text = ceasefire::report::human::render_all(
        &workspace.sources,
        &outcome.diagnostics,
        ceasefire::report::human::Style::plain(),
    );
    (outcome, text)
}
