//! The evaluation budget: how many comprehension steps one rule may take on one
//! resource (or account), so a rule such as `l.all(a, l.all(b, l.all(c, ...)))`
//! over large lists ends as an `unknown` with its reason instead of running for hours.
//!
//! It lives outside the interpreter: [`super::expression`] wraps every
//! comprehension's range in a call to [`FUNCTION`], registered here, which charges
//! the range's size to a counter of the evaluating thread before the loop starts.

use cel::{Context, ExecutionError, Value};
use std::cell::Cell;

/// Name of the charging function. `@` cannot start an identifier a rule writes, so
/// no rule can call it or shadow it.
pub const FUNCTION: &str = "@budget";

/// Comprehension steps allowed per rule and resource. The built-in rules take a
/// few dozen; a hundred thousand leaves room for large reference lists while a
/// runaway expression stops in well under a second.
pub const EVALUATION_BUDGET: u64 = 100_000;

thread_local! {
    static REMAINING: Cell<u64> = const { Cell::new(EVALUATION_BUDGET) };
    static EXCEEDED: Cell<bool> = const { Cell::new(false) };
}

/// Starts a fresh budget for one rule on one resource, on this thread.
pub fn start() {
    REMAINING.with(|r| r.set(EVALUATION_BUDGET));
    EXCEEDED.with(|e| e.set(false));
}

/// Whether the evaluation since [`start`] ran out of budget.
pub fn exceeded() -> bool {
    EXCEEDED.with(Cell::get)
}

/// The reason an outcome is unknown when the budget ran out.
pub fn reason() -> String {
    format!(
        "evaluation budget exceeded: the rule takes more than {EVALUATION_BUDGET} \
         comprehension steps on this resource, so it was stopped"
    )
}

/// Charges `cost` steps; an error once the budget is spent.
fn charge(cost: u64) -> Result<(), ExecutionError> {
    let left = REMAINING.with(Cell::get);
    if cost > left {
        REMAINING.with(|r| r.set(0));
        EXCEEDED.with(|e| e.set(true));
        return Err(ExecutionError::function_error("budget", reason()));
    }
    REMAINING.with(|r| r.set(left - cost));
    Ok(())
}

/// The steps a comprehension over `len` items costs: `len`, or the triangle of
/// `len` when each step copies the accumulated list (`map`, `filter`).
fn cost(len: usize, accumulates: bool) -> u64 {
    let n = len as u64;
    let steps = if accumulates {
        n.saturating_mul(n.saturating_add(1)) / 2
    } else {
        n
    };
    steps.max(1)
}

/// Registers [`FUNCTION`]: `@budget(range, accumulates)` charges and returns the
/// range. A range that is neither a list nor a map is an error here, before the
/// interpreter's own loop (which does not handle other types) sees it.
pub fn register(ctx: &mut Context) {
    ctx.add_function(
        FUNCTION,
        |range: Value, accumulates: bool| -> Result<Value, ExecutionError> {
            let len = match &range {
                Value::List(items) => items.len(),
                Value::Map(map) => map.map.len(),
                other => {
                    return Err(ExecutionError::function_error(
                        "comprehension",
                        format!("a macro such as exists() needs a list or a map, got {other:?}"),
                    ))
                }
            };
            charge(cost(len, accumulates))?;
            Ok(range)
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_runs_out_and_starts_again() {
        start();
        assert!(charge(EVALUATION_BUDGET - 1).is_ok());
        assert!(charge(2).is_err());
        assert!(exceeded());
        start();
        assert!(!exceeded());
        assert!(charge(EVALUATION_BUDGET).is_ok());
    }

    #[test]
    fn accumulating_comprehensions_cost_the_triangle() {
        assert_eq!(cost(0, false), 1);
        assert_eq!(cost(10, false), 10);
        assert_eq!(cost(10, true), 55);
        assert_eq!(cost(usize::MAX, true), u64::MAX / 2);
    }
}
