//! The `regionready` binary: parse arguments, run, map the outcome to an exit code.

use clap::Parser;
use regionready::cli::{run, Cli};
use regionready::exit::BAD_INPUT;
use std::process::ExitCode;

/// Evaluation allocates many small, short-lived values (CEL maps and strings);
/// mimalloc serves them faster and returns memory more readily than the system
/// allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // --help and --version are not errors.
            return if e.use_stderr() {
                ExitCode::from(BAD_INPUT)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(failure) => {
            for line in failure.message.lines() {
                eprintln!("error: {line}");
            }
            failure.exit_code()
        }
    }
}
