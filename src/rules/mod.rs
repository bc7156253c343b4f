//! Rules are data: one TOML file per rule, compiled once at load.
//!
//! The metadata (ids, severities, remediation, IAM permissions) feeds the
//! `rules list` / `rules explain` commands, the SARIF rule table, the README and the
//! least-privilege policy from the same source, so they cannot drift apart.

mod catalog;
mod load;
mod model;
pub mod render;

pub use catalog::{markdown_table, reference_markdown, retired, RuleSet, BUILTIN_RULES_DIR};
pub use load::{load_dir, parse_rule, RuleError};
pub use model::{Category, Remediation, ResourceKind, Rule, RuleSpec, Severity};
