//! The language rules are written in: CEL expressions compiled with limits, the
//! evaluation budget, the functions a rule may call and the load-time check of an
//! expression against the documented model (`docs/fields.md`, generated here too).
//!
//! It knows the resource kinds and nothing of rules, configs or evaluations, so the
//! rules loader checks expressions without depending on the engine that runs them.

pub mod budget;
mod check;
mod expression;
mod functions;
mod reference;

pub use budget::EVALUATION_BUDGET;
pub use check::{check_expression, reads_pair};
pub use expression::{
    CompileError, Expression, EVALUATION_STACK_BYTES, MAX_AST_DEPTH, MAX_EXPRESSION_BYTES,
    MAX_NESTING,
};
pub use functions::{root_context, RuleFunction, FUNCTIONS, INDEX, STANDARD as STANDARD_FUNCTIONS};
pub use reference::reference_markdown;
