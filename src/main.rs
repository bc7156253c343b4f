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

/// A usage error on one line, like every other error: clap's lines joined, its
/// pointer to `--help` left out.
fn one_line(rendered: &str) -> String {
    rendered
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("For more information"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version are not errors.
            if !e.use_stderr() {
                let _ = e.print();
                return ExitCode::SUCCESS;
            }
            eprintln!("{}", one_line(&e.render().to_string()));
            return ExitCode::from(BAD_INPUT);
        }
    };
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(failure) => {
            // Messages quote input; nothing quoted may control the terminal.
            for line in failure.message.lines() {
                eprintln!("error: {}", regionready::sanitize::visible(line));
            }
            failure.exit_code()
        }
    }
}
