//! `ceasefire check [PATHS]`: parse and statically check rule files.

use super::output::{ColorChoice, MaxErrors, emit, refuse_input_as_output, report_errors, style};
use super::rule_files::RuleFiles;
use super::status::Status;
use ceasefire::check::check_paths;
use ceasefire::report::{self, Tally, plural};
use std::path::PathBuf;

/// Arguments of `check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    rules: RuleFiles,

    /// How to write the diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,

    /// Treat warnings as errors (exit status 1 if there are any).
    #[arg(long)]
    deny_warnings: bool,

    #[command(flatten)]
    lints: super::lints::Lints,

    /// Write the report to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,

    /// List at most N errors and N warnings (0: all, the default); the
    /// summary still counts every one.
    #[arg(long, value_name = "N")]
    max_errors: Option<usize>,
}

/// `check --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// Diagnostics with the source lines they point at.
    Human,
    /// One JSON document (CLI.md).
    Json,
    /// SARIF 2.1.0 for code-scanning services.
    Sarif,
    /// GitHub Actions annotations.
    Github,
}

/// Runs `check`.
pub fn run(args: Args, color: ColorChoice) -> Status {
    let mut workspace = match args.rules.workspace() {
        Ok(workspace) => workspace,
        Err(errors) => {
            report_errors(&errors, color);
            return Status::Failed;
        }
    };
    let levels = match args.lints.levels() {
        Ok(levels) => levels,
        Err(errors) => {
            report_errors(&errors, color);
            return Status::Failed;
        }
    };
    let mut outcome = check_paths(&mut workspace, &args.rules.paths());
    levels.apply(&mut outcome.diagnostics);
    if !outcome.run_errors.is_empty() {
        report_errors(&outcome.run_errors, color);
        return Status::Failed;
    }
    let sources = &workspace.sources;
    let tally = Tally::of(&outcome.diagnostics);
    let max = MaxErrors::new(args.max_errors);
    let (shown, omitted) = max.shown(&outcome.diagnostics);
    let diagnostics = &shown;
    let text = match args.format {
        Format::Human => {
            let style = style(color, args.output.is_some());
            let mut text = report::human::render_all(sources, diagnostics, style);
            if let Some(note) = max.note(omitted) {
                text.push_str(&note);
                text.push('\n');
            }
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(&summary(outcome.files.len(), tally));
            text
        }
        Format::Json => {
            let mut json = report::check::json::check_report(sources, outcome.files.len(), diagnostics);
            // The summary counts every diagnostic, listed or not.
            json["summary"] = serde_json::json!({
                "errors": tally.errors,
                "warnings": tally.warnings,
                "omitted": omitted,
            });
            json_text(&json)
        }
        Format::Sarif => json_text(&report::check::sarif::log(sources, diagnostics)),
        Format::Github => {
            let mut text = report::check::github::annotations(sources, diagnostics);
            if let Some(note) = max.note(omitted) {
                text.push_str(&format!("::notice title=ceasefire::{note}\n"));
            }
            text
        }
    };
    let inputs: Vec<&std::path::Path> = sources.files().map(|(_, f)| f.path.as_path()).collect();
    if let Err(error) = refuse_input_as_output(args.output.as_deref(), &inputs) {
        report_errors(&[error], color);
        return Status::Failed;
    }
    if let Err(error) = emit(args.output.as_deref(), &text) {
        report_errors(&[error], color);
        return Status::Failed;
    }
    if tally.errors > 0 || (args.deny_warnings && tally.warnings > 0) {
        Status::Problems
    } else {
        Status::Ok
    }
}

fn json_text(value: &serde_json::Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

/// The last line of human output.
fn summary(files: usize, tally: Tally) -> String {
    let files = plural(files, "file");
    match (tally.errors, tally.warnings) {
        (0, 0) => format!("checked {files}: no problems\n"),
        (e, 0) => format!("checked {files}: {}\n", plural(e, "error")),
        (0, w) => format!("checked {files}: {}\n", plural(w, "warning")),
        (e, w) => format!("checked {files}: {} and {}\n", plural(e, "error"), plural(w, "warning")),
    }
}
