//! The functions regionready adds to CEL. Each answers a cross-resource question the
//! rules cannot answer from one resource alone.

use super::index::Index;
use super::values;
use crate::analysis::arn;
use cel::{Context, ExecutionError, Value};
use std::sync::Arc;

/// A root CEL context with the standard library and regionready's functions.
pub fn root_context(index: Arc<Index>) -> Context<'static> {
    let mut ctx = Context::default();
    super::budget::register(&mut ctx);
    let keys = Arc::clone(&index);
    // key(account_id, region, reference): the key view, or null when the reference
    // names no collected key (an AWS-managed key, or a key in an unread region).
    ctx.add_function(
        "key",
        move |account: Arc<String>,
              region: Arc<String>,
              reference: Arc<String>|
              -> Result<Value, ExecutionError> {
            Ok(keys.key_view(&account, &region, &reference))
        },
    );
    // replicated_users(key_arn): ARNs of replicated data stores encrypted with the key.
    ctx.add_function(
        "replicated_users",
        move |key_arn: Arc<String>| -> Result<Value, ExecutionError> {
            index
                .replicated_users(&key_arn)
                .map_err(|why| ExecutionError::function_error("replicated_users", why))
        },
    );
    // region_of(arn): the region of an ARN, "" for global resources.
    ctx.add_function(
        "region_of",
        |text: Arc<String>| -> Result<Value, ExecutionError> {
            Ok(values::string(arn::region_of(&text)))
        },
    );
    // join(list, separator): for readable messages.
    ctx.add_function(
        "join",
        |items: Arc<Vec<Value>>, separator: Arc<String>| -> Result<Value, ExecutionError> {
            let parts: Vec<String> = items
                .iter()
                .map(|v| match v {
                    Value::String(s) => s.to_string(),
                    other => format!("{other:?}"),
                })
                .collect();
            Ok(values::string(&parts.join(&separator)))
        },
    );
    ctx
}
