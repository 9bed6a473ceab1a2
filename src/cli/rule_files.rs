//! The rule files a command reads: paths, and where includes may reach.

use ceasefire::check::Workspace;
use ceasefire::diagnostic::{Code, Diagnostic};
use std::path::PathBuf;

/// The rule-file arguments of `check`, `verify` and `test`.
#[derive(Debug, clap::Args)]
pub struct RuleFiles {
    /// Rule files or folders (searched recursively for `*.cfr`, links followed).
    #[arg(default_value = "rules")]
    pub paths: Vec<PathBuf>,

    /// Refuse includes that resolve (links followed) outside this folder,
    /// for rule files from strangers: in CI, `--include-root .`.
    #[arg(long, value_name = "DIR")]
    pub include_root: Option<PathBuf>,
}

impl RuleFiles {
    /// A workspace that follows the include policy.
    pub fn workspace(&self) -> Result<Workspace, Vec<Diagnostic>> {
        match &self.include_root {
            None => Ok(Workspace::new()),
            Some(root) => Workspace::with_include_root(root).map_err(|e| {
                vec![
                    Diagnostic::without_span(
                        Code::PathNotFound,
                        format!("the include root `{}` cannot be used: {e}", root.display()),
                    )
                    .with_help("give `--include-root` a folder that exists"),
                ]
            }),
        }
    }

    /// The paths, or `rules/` when none were given.
    pub fn paths(&self) -> Vec<PathBuf> {
        super::output::default_paths(self.paths.clone())
    }
}
