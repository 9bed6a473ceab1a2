//! `ceasefire lsp`: the language server, on standard input and output.

use super::output::{ColorChoice, report_errors};
use super::status::Status;
use ceasefire::diagnostic::{Code, Diagnostic};

/// Arguments of `lsp` (editors start it with none).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Accepted for editors that pass it; standard input and output are the only transport.
    #[arg(long)]
    stdio: bool,
}

/// Runs the server until the client asks it to exit.
pub fn run(args: Args, color: ColorChoice) -> Status {
    let _ = args.stdio;
    let (connection, threads) = crate::lsp::transport::stdio();
    let served = crate::lsp::serve(&connection);
    drop(connection);
    let joined = threads.join();
    let stopped = match (served, joined) {
        (Ok(()), Ok(())) => return Status::Ok,
        (Err(e), _) => e.to_string(),
        (_, Err(e)) => e.to_string(),
    };
    let error = Diagnostic::without_span(Code::CannotRead, format!("the language server stopped: {stopped}"));
    report_errors(&[error], color);
    Status::Failed
}
