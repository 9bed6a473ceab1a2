//! The command line: one file per subcommand.

mod check;
mod explain;
mod fmt;
mod lints;
mod lsp;
mod output;
mod progress;
mod rule_files;
mod status;
mod test;
mod verify;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

pub use output::ColorChoice;

/// Checks whether the parties to a ceasefire did what they agreed.
///
/// Monitors write verification rules in `.cfr` files; `ceasefire` checks
/// them and explains every diagnostic.
#[derive(Debug, Parser)]
#[command(name = "ceasefire", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,

    /// When to colour the output (`NO_COLOR` turns colour off under `auto`).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    color: ColorChoice,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Parse and statically check rule files; no log needed.
    Check(check::Args),
    /// Judge every rule against observation logs and report the verdicts.
    Verify(verify::Args),
    /// Rewrite rule files in the canonical layout, keeping every comment.
    Fmt(fmt::Args),
    /// Run the `test` blocks of rule files.
    Test(test::Args),
    /// Print the long explanation of a diagnostic code (or list them all).
    Explain(explain::Args),
    /// Run the language server on standard input and output (for editors).
    Lsp(lsp::Args),
}

/// The exit status of a run that hit a bug in `ceasefire` itself (a panic).
pub const INTERNAL_ERROR: u8 = 3;

/// Runs the command line and returns the exit status. A panic — a bug —
/// is reported as an internal error with the version and a request to
/// report it, and exits with [`INTERNAL_ERROR`].
pub fn main() -> ExitCode {
    static REPORTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    std::panic::set_hook(Box::new(|info| {
        // A panic in a worker thread is raised again when the thread is
        // joined; say it once.
        if REPORTED.swap(true, std::sync::atomic::Ordering::SeqCst) {
            return;
        }
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let what = crate::panic::panic_message(info.payload());
        eprintln!(
            "error: internal error in ceasefire {}: {what}{place}\n\
             help: this is a bug in ceasefire, not a problem with your input; please report it with the \
             command line and, if you can, the rule files and logs that caused it",
            env!("CARGO_PKG_VERSION")
        );
    }));
    match std::panic::catch_unwind(run) {
        Ok(code) => code,
        Err(_) => ExitCode::from(INTERNAL_ERROR),
    }
}

fn run() -> ExitCode {
    // Debug builds only: lets the test suite check what a bug looks like.
    #[cfg(debug_assertions)]
    if std::env::var_os("CEASEFIRE_DEBUG_PANIC").is_some() {
        panic!("CEASEFIRE_DEBUG_PANIC is set");
    }
    let cli = Cli::parse();
    let status = match cli.command {
        Command::Check(args) => check::run(args, cli.color),
        Command::Verify(args) => verify::run(args, cli.color),
        Command::Fmt(args) => fmt::run(args, cli.color),
        Command::Test(args) => test::run(args, cli.color),
        Command::Explain(args) => explain::run(args, cli.color),
        Command::Lsp(args) => lsp::run(args, cli.color),
    };
    status.into()
}
