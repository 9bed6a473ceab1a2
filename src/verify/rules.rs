//! Rule files checked and combined into one rule set, ready to judge.

use crate::check::{Model, Unit, Workspace, check_files, check_paths, combine};
use crate::diagnostic::Diagnostic;
use std::path::PathBuf;

/// Rule files that checked without errors, combined into one rule set
/// (`verify` judges every unit together).
#[derive(Debug)]
pub struct Rules {
    /// The rule files, for rendering places.
    pub workspace: Workspace,
    /// One unit per root file, each with its own model (`test` blocks run
    /// per unit).
    pub units: Vec<Unit>,
    /// Every unit's rules in one model.
    pub model: Model,
    /// The warnings of the rule files.
    pub warnings: Vec<Diagnostic>,
}

/// Why rule files could not be made a rule set.
#[derive(Debug)]
pub enum RulesError {
    /// Paths that do not exist or cannot be read, or no rule file at all.
    Run(Vec<Diagnostic>),
    /// Rule files with errors, or units that declare the same names; the
    /// workspace holds the files the diagnostics point into.
    Invalid {
        /// The rule files.
        workspace: Box<Workspace>,
        /// The errors (and warnings) found.
        diagnostics: Vec<Diagnostic>,
    },
}

impl Rules {
    /// Finds, checks and combines the rule files under `paths` (files, or
    /// folders searched for `*.cfr`) into `workspace` (a new one, or one
    /// with an include root).
    pub fn check(mut workspace: Workspace, paths: &[PathBuf]) -> Result<Rules, RulesError> {
        let outcome = check_paths(&mut workspace, paths);
        if !outcome.run_errors.is_empty() {
            return Err(RulesError::Run(outcome.run_errors));
        }
        Rules::combined(workspace, outcome.units, outcome.diagnostics)
    }

    /// Checks rule text as a file called `name` (its includes are read
    /// relative to `name`).
    pub fn from_text(name: &str, text: &str) -> Result<Rules, RulesError> {
        let mut workspace = Workspace::new();
        let id = workspace.load_text(name, text);
        let outcome = check_files(&mut workspace, &[id]);
        Rules::combined(workspace, outcome.units, outcome.diagnostics)
    }

    fn combined(workspace: Workspace, units: Vec<Unit>, diagnostics: Vec<Diagnostic>) -> Result<Rules, RulesError> {
        if diagnostics.iter().any(Diagnostic::is_error) {
            return Err(RulesError::Invalid {
                workspace: Box::new(workspace),
                diagnostics,
            });
        }
        let (model, conflicts) = combine(&workspace, &units);
        if !conflicts.is_empty() {
            return Err(RulesError::Invalid {
                workspace: Box::new(workspace),
                diagnostics: conflicts,
            });
        }
        Ok(Rules {
            workspace,
            units,
            model,
            warnings: diagnostics,
        })
    }
}
