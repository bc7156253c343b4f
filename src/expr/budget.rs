//! The evaluation budget: how many comprehension steps one rule may take on one
//! resource (or account), so a rule such as `l.all(a, l.all(b, l.all(c, ...)))`
//! over large lists ends as an `unknown` with its reason instead of running for hours.
//!
//! It lives outside the interpreter: [`super::expression`] wraps every
//! comprehension's range in a call to [`FUNCTION`], registered here, which charges
//! the range's size to the [`Meter`] bound in the evaluation's scope before the loop
//! starts. Each account's evaluation has its own meter, so nothing is shared
//! between threads or kept per thread.

use cel::common::types::CelBool;
use cel::common::types::Type;
use cel::common::value::{CowVal, StaticVal, Val};
use cel::{ExecutionError, FunctionContext};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

/// Name of the charging function. `@` cannot start an identifier a rule writes, so
/// no rule can call it or shadow it.
pub const FUNCTION: &str = "@budget";

/// Name of the variable holding the meter, for the same reason out of reach.
pub const METER: &str = "@meter";

/// Comprehension steps allowed per rule and resource. The built-in rules take a
/// few dozen; a hundred thousand leaves room for large reference lists while a
/// runaway expression stops in well under a second.
pub const EVALUATION_BUDGET: u64 = 100_000;

/// The steps left to the evaluation in progress, and whether it ran out.
#[derive(Debug)]
pub struct Meter {
    remaining: AtomicU64,
    exceeded: AtomicBool,
}

impl Default for Meter {
    fn default() -> Self {
        Meter {
            remaining: AtomicU64::new(EVALUATION_BUDGET),
            exceeded: AtomicBool::new(false),
        }
    }
}

impl Meter {
    /// Starts a fresh budget for one rule on one resource.
    pub fn start(&self) {
        self.remaining.store(EVALUATION_BUDGET, Ordering::Relaxed);
        self.exceeded.store(false, Ordering::Relaxed);
    }

    /// Whether the evaluation since [`Meter::start`] ran out of budget.
    pub fn exceeded(&self) -> bool {
        self.exceeded.load(Ordering::Relaxed)
    }

    /// Charges `cost` steps; an error once the budget is spent.
    fn charge(&self, cost: u64) -> Result<(), ExecutionError> {
        let left = self.remaining.load(Ordering::Relaxed);
        if cost > left {
            self.remaining.store(0, Ordering::Relaxed);
            self.exceeded.store(true, Ordering::Relaxed);
            return Err(ExecutionError::function_error("budget", reason()));
        }
        self.remaining.store(left - cost, Ordering::Relaxed);
        Ok(())
    }
}

/// A meter as a CEL value, so the charging function finds it in its scope.
#[derive(Debug, Clone)]
pub struct MeterVal(pub Arc<Meter>);

static METER_TYPE: Type = Type::new_unspecified_type("regionready.meter");

impl Val for MeterVal {
    fn get_type(&self) -> &Type {
        &METER_TYPE
    }

    fn cel_type() -> &'static Type {
        &METER_TYPE
    }

    fn clone_as_boxed<'v>(&self) -> Box<dyn Val + 'v> {
        Box::new(self.clone())
    }

    fn as_any(&self) -> Option<&dyn std::any::Any> {
        Some(self)
    }
}

impl StaticVal for MeterVal {}

/// The reason an outcome is unknown when the budget ran out.
pub fn reason() -> String {
    format!(
        "evaluation budget exceeded: the rule takes more than {EVALUATION_BUDGET} \
         comprehension steps on this resource, so it was stopped"
    )
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

/// The number of items of a comprehension range: a list or a map (or a value
/// that iterates like one). `None` for anything else.
fn range_len(range: &dyn Val) -> Option<usize> {
    let iterable = range.as_iterable()?;
    Some(match range.as_sizer() {
        Some(sizer) => usize::try_from(*sizer.size().inner()).unwrap_or(0),
        None => {
            let mut items = iterable.iter();
            let mut n = 0;
            while items.next().is_some() {
                n += 1;
            }
            n
        }
    })
}

/// `@budget(range, accumulates)`: charges the meter in scope and returns the
/// range. A range that is neither a list nor a map is an error here, before the
/// interpreter's own loop sees it.
pub fn charge<'c, 'v>(ftx: &mut FunctionContext<'c, 'v>) -> Result<CowVal<'c, 'v>, ExecutionError> {
    if ftx.args.len() != 2 {
        return Err(ExecutionError::invalid_argument_count(2, ftx.args.len()));
    }
    let accumulates = ftx.args[1]
        .downcast_ref::<CelBool>()
        .is_some_and(|b| *b.inner());
    let len = range_len(ftx.args[0].as_ref()).ok_or_else(|| {
        ExecutionError::function_error(
            "comprehension",
            format!(
                "a macro such as exists() needs a list or a map, got {:?}",
                ftx.args[0].as_ref()
            ),
        )
    })?;
    let meter = ftx
        .ptx
        .get_variable(METER)
        .and_then(|m| m.downcast_ref::<MeterVal>().map(|m| Arc::clone(&m.0)))
        .ok_or_else(|| ExecutionError::function_error("budget", "no evaluation budget in scope"))?;
    meter.charge(cost(len, accumulates))?;
    Ok(ftx.args.swap_remove(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_runs_out_and_starts_again() {
        let meter = Meter::default();
        meter.start();
        assert!(meter.charge(EVALUATION_BUDGET - 1).is_ok());
        assert!(meter.charge(2).is_err());
        assert!(meter.exceeded());
        meter.start();
        assert!(!meter.exceeded());
        assert!(meter.charge(EVALUATION_BUDGET).is_ok());
    }

    #[test]
    fn accumulating_comprehensions_cost_the_triangle() {
        assert_eq!(cost(0, false), 1);
        assert_eq!(cost(10, false), 10);
        assert_eq!(cost(10, true), 55);
        assert_eq!(cost(usize::MAX, true), u64::MAX / 2);
    }
}
