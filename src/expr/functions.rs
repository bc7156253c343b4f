//! The functions a rule may call, in one table: CEL's standard ones by name, and
//! regionready's own with their signature, documentation and implementation. The
//! table feeds the load-time check, `docs/fields.md` and the evaluation context.
//!
//! regionready's functions answer cross-resource questions one resource cannot:
//! they reach the evaluation's index through the `@index` variable (functions are
//! registered once, before any inventory exists, so they cannot hold it); the engine
//! binds it (`engine::index_val`).

use super::budget;
use crate::analysis::arn;
use crate::kinds::value::{self, as_str, Boxed};
use cel::common::types::CelList;
use cel::common::value::CowVal;
use cel::context::Context;
use cel::{Env, ExecutionError, FunctionContext};
use std::sync::Arc;

/// CEL's standard functions and macros rules may use.
pub const STANDARD: &[&str] = &[
    "has",
    "all",
    "exists",
    "exists_one",
    "map",
    "filter",
    "size",
    "contains",
    "startsWith",
    "endsWith",
    "matches",
    "max",
    "min",
    "string",
    "int",
    "uint",
    "double",
    "bytes",
];

type Implementation =
    for<'c, 'v> fn(&mut FunctionContext<'c, 'v>) -> Result<CowVal<'c, 'v>, ExecutionError>;

/// A function as the CEL context holds it.
type Function = Box<
    dyn for<'c, 'v> Fn(&mut FunctionContext<'c, 'v>) -> Result<CowVal<'c, 'v>, ExecutionError>
        + Send
        + Sync,
>;

/// One of regionready's functions.
pub struct RuleFunction {
    pub name: &'static str,
    pub signature: &'static str,
    pub doc: &'static str,
    implementation: Implementation,
}

/// regionready's functions.
pub const FUNCTIONS: &[RuleFunction] = &[
    RuleFunction {
        name: "key",
        signature: "key(account_id, region, reference) -> map or null",
        doc: "The `kms_key` view of the key a reference (ARN, key id, alias, alias ARN) names, or null when it names no collected key (an AWS managed key, a key in an unread region).",
        implementation: key,
    },
    RuleFunction {
        name: "replicated_users",
        signature: "replicated_users(key_arn) -> list(string)",
        doc: "ARNs of the replicated data stores encrypted with the key; an error (so `unknown`) when a data store listing of the key's region is incomplete.",
        implementation: replicated_users,
    },
    RuleFunction {
        name: "region_of",
        signature: "region_of(arn) -> string",
        doc: "The region of an ARN, `\"\"` for global resources.",
        implementation: region_of,
    },
    RuleFunction {
        name: "join",
        signature: "join(list, separator) -> string",
        doc: "The strings of a list joined with a separator, for readable messages.",
        implementation: join,
    },
];

/// Whether a rule may call `name`.
pub fn is_known(name: &str) -> bool {
    STANDARD.contains(&name) || FUNCTIONS.iter().any(|f| f.name == name)
}

/// Name of the variable holding the evaluation's index.
pub const INDEX: &str = "@index";

/// The root context every evaluation scope descends from: the standard library,
/// regionready's functions and the budget's charging function.
pub fn root_context() -> Context<'static, 'static> {
    let mut ctx = Context::with_env(Arc::new(Env::stdlib()));
    let functions = FUNCTIONS
        .iter()
        .map(|f| (f.name, f.implementation))
        .chain([(budget::FUNCTION, budget::charge as Implementation)]);
    for (name, implementation) in functions {
        let function: Function = Box::new(implementation);
        ctx.add_function(name, function)
            .expect("regionready's function names are not CEL overloads");
    }
    ctx
}

fn string_arg<'a>(ftx: &'a FunctionContext<'_, '_>, i: usize) -> Result<&'a str, ExecutionError> {
    let arg = ftx
        .args
        .get(i)
        .ok_or_else(|| ExecutionError::invalid_argument_count(i + 1, ftx.args.len()))?;
    as_str(arg.as_ref()).ok_or_else(|| ExecutionError::UnexpectedType {
        got: arg.get_type().name().to_string(),
        want: "string".to_string(),
    })
}

/// Asks the index in scope: the value bound to [`INDEX`] answers a list of words.
fn ask<'c, 'v>(
    ftx: &FunctionContext<'c, 'v>,
    question: Vec<Boxed<'static>>,
) -> Result<CowVal<'c, 'v>, ExecutionError> {
    let index = ftx
        .ptx
        .get_variable(INDEX)
        .ok_or_else(|| ExecutionError::function_error(ftx.name, "no inventory in scope"))?;
    let question = CelList::from(question);
    let answer = index
        .as_indexer()
        .ok_or_else(|| ExecutionError::function_error(ftx.name, "no inventory in scope"))?
        .get(&question)?;
    Ok(CowVal::Owned(answer.into_owned()))
}

/// key(account_id, region, reference): the key view, or null when the reference
/// names no collected key (an AWS-managed key, or a key in an unread region).
fn key<'c, 'v>(ftx: &mut FunctionContext<'c, 'v>) -> Result<CowVal<'c, 'v>, ExecutionError> {
    let question = vec![
        value::text("key"),
        value::owned_text(string_arg(ftx, 0)?.to_string()),
        value::owned_text(string_arg(ftx, 1)?.to_string()),
        value::owned_text(string_arg(ftx, 2)?.to_string()),
    ];
    ask(ftx, question)
}

/// replicated_users(key_arn): ARNs of replicated data stores encrypted with the key.
fn replicated_users<'c, 'v>(
    ftx: &mut FunctionContext<'c, 'v>,
) -> Result<CowVal<'c, 'v>, ExecutionError> {
    let question = vec![
        value::text("replicated_users"),
        value::owned_text(string_arg(ftx, 0)?.to_string()),
    ];
    ask(ftx, question)
}

/// region_of(arn): the region of an ARN, "" for global resources.
fn region_of<'c, 'v>(ftx: &mut FunctionContext<'c, 'v>) -> Result<CowVal<'c, 'v>, ExecutionError> {
    let region = arn::region_of(string_arg(ftx, 0)?).to_string();
    Ok(CowVal::Owned(value::owned_text(region)))
}

/// join(list, separator): for readable messages.
fn join<'c, 'v>(ftx: &mut FunctionContext<'c, 'v>) -> Result<CowVal<'c, 'v>, ExecutionError> {
    let separator = string_arg(ftx, 1)?.to_string();
    let list = ftx
        .args
        .first()
        .ok_or_else(|| ExecutionError::invalid_argument_count(2, 0))?;
    let items =
        value::string_items(list.as_ref()).ok_or_else(|| ExecutionError::UnexpectedType {
            got: list.get_type().name().to_string(),
            want: "list".to_string(),
        })?;
    Ok(CowVal::Owned(value::owned_text(items.join(&separator))))
}
