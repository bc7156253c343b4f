//! The exit-code contract. CI scripts rely on these numbers: never renumber.
//!
//! | code | meaning |
//! |------|---------|
//! | 0 | the scan ran and the gate passed |
//! | 1 | the scan ran and the gate failed (a non-waived finding at or above `--fail-on`, or a score below `--min-score`) |
//! | 2 | bad input or usage: config, rule file, inventory, baseline, unknown format, unwritable output |
//! | 3 | live collection could not start: no credentials, or the AWS endpoint could not be reached at all |

use std::process::ExitCode;

pub const GATE_PASSED: u8 = 0;
pub const GATE_FAILED: u8 = 1;
pub const BAD_INPUT: u8 = 2;
pub const COLLECTION_FAILED: u8 = 3;

/// An error that ends the program, with the exit code it maps to. Its message is
/// printed as-is: each line is complete (file:line, or account/region).
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    pub fn bad_input(message: impl std::fmt::Display) -> Failure {
        Failure {
            code: BAD_INPUT,
            message: message.to_string(),
        }
    }

    pub fn collection(message: impl std::fmt::Display) -> Failure {
        Failure {
            code: COLLECTION_FAILED,
            message: message.to_string(),
        }
    }

    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.code)
    }
}
