//! The `ceasefire` command: parse arguments, run a command, exit with its
//! status. The command line (`cli/`) and the language server (`lsp/`) are
//! parts of this binary, not of the library: they call the library's
//! public API like any other program would.

#![forbid(unsafe_code)]

mod cli;
mod lsp;
mod panic;

fn main() -> std::process::ExitCode {
    cli::main()
}
