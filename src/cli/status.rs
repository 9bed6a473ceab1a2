//! What a run ends with, as an exit status.

use std::process::ExitCode;

/// What a run ends with (CLI.md "Exit status").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// No problems.
    Ok = 0,
    /// Problems found (check: errors in rule files).
    Problems = 1,
    /// The run itself failed: bad arguments, unreadable files.
    Failed = 2,
}

impl From<Status> for ExitCode {
    fn from(status: Status) -> ExitCode {
        ExitCode::from(status as u8)
    }
}
