//! The integration tests: one binary, one module per area.

mod architecture;
mod check;
mod cli;
mod diagnostics;
mod editors;
mod explanations;
mod format;
mod hostile;
mod logs;
mod lsp;
mod nothing_lost;
mod reference;
mod reports;
mod robustness;
mod tests_cmd;
mod verdicts;

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
