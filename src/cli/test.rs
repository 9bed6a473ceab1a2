//! `ceasefire test [PATHS]`: run the `test` blocks of rule files.

use super::output::{ColorChoice, MaxErrors, emit, error_style, refuse_input_as_output, report_errors, style};
use super::rule_files::RuleFiles;
use super::status::Status;
use ceasefire::check::check_paths;
use ceasefire::report::human::render_all;
use ceasefire::report::test::TestReport;
use ceasefire::verify::run_tests;
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `test`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    rules: RuleFiles,

    /// How to write the results.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,

    /// Write the results to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,

    /// List at most N errors and N warnings of the rule files (0: all, the default).
    #[arg(long, value_name = "N")]
    max_errors: Option<usize>,
}

/// `test --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// A line per test, then each failure with its evidence.
    Human,
    /// JUnit XML, for CI test reports.
    Junit,
}

/// Runs `test`.
pub fn run(args: Args, color: ColorChoice) -> Status {
    let mut workspace = match args.rules.workspace() {
        Ok(workspace) => workspace,
        Err(errors) => {
            report_errors(&errors, color);
            return Status::Failed;
        }
    };
    let outcome = check_paths(&mut workspace, &args.rules.paths());
    if !outcome.run_errors.is_empty() {
        report_errors(&outcome.run_errors, color);
        return Status::Failed;
    }
    // Tests run only on rules without errors; warnings are shown and do not stop them.
    if !outcome.diagnostics.is_empty() {
        let max = MaxErrors::new(args.max_errors);
        let (shown, omitted) = max.shown(&outcome.diagnostics);
        let mut text = render_all(&workspace.sources, &shown, error_style(color));
        if let Some(note) = max.note(omitted) {
            text.push_str(&note);
            text.push('\n');
        }
        let _ = std::io::stderr().lock().write_all(format!("{text}\n").as_bytes());
    }
    if outcome.units.iter().any(|u| u.has_errors) {
        return Status::Failed;
    }
    let report = TestReport {
        sources: &workspace.sources,
        units: outcome.units.iter().map(|u| (&u.model, run_tests(&u.model))).collect(),
    };
    let text = match args.format {
        Format::Human => report.human(style(color, args.output.is_some())),
        Format::Junit => report.junit(),
    };
    let inputs: Vec<&std::path::Path> = workspace.sources.files().map(|(_, f)| f.path.as_path()).collect();
    if let Err(error) = refuse_input_as_output(args.output.as_deref(), &inputs) {
        report_errors(&[error], color);
        return Status::Failed;
    }
    if let Err(error) = emit(args.output.as_deref(), &text) {
        report_errors(&[error], color);
        return Status::Failed;
    }
    if report.counts().1 > 0 {
        Status::Problems
    } else {
        Status::Ok
    }
}
