//! `ceasefire lsp`: the language server, on standard input and output.

use super::Status;
use super::output::{ColorChoice, report_errors};
use crate::diagnostic::{Code, Diagnostic};

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
    let (connection, threads) = lsp_server::Connection::stdio();
    let served = crate::lsp::serve(&connection);
    drop(connection);
    let joined = threads.join();
    match (served, joined) {
        (Ok(()), Ok(())) => Status::Ok,
        (Err(e), _) => {
            report_errors(
                &[Diagnostic::without_span(
                    Code::CannotRead,
                    format!("the language server stopped: {e}"),
                )],
                color,
            );
            Status::Failed
        }
        (_, Err(e)) => {
            report_errors(
                &[Diagnostic::without_span(
                    Code::CannotRead,
                    format!("the language server stopped: {e}"),
                )],
                color,
            );
            Status::Failed
        }
    }
}
