//! The `ceasefire` command: parse arguments, run a command, exit with its status.

fn main() -> std::process::ExitCode {
    ceasefire::cli::main()
}
