//! Lambda functions: ListFunctions (50 per page) for the configuration,
//! GetFunctionConcurrency per function for its reservation, GetAccountSettings
//! once per region for the concurrency functions without one share.
//!
//! ListFunctions returns environment variable values: they are searched for
//! references and dropped here, only names and references are kept. GetFunction is
//! not called: it returns a code download URL and the values again.

use super::gaps::{classify, pages, Ctx};
use crate::inventory::{AccountConcurrency, FunctionConcurrency, LambdaFunction};
use crate::kinds::compute::environment_references;
use aws_sdk_lambda::types::FunctionConfiguration;
use aws_sdk_lambda::Client;
use futures_util::future::join_all;

pub(crate) const SERVICE: &str = "lambda";

/// A listed function, its environment reduced to names and references.
pub(crate) fn from_listing(f: FunctionConfiguration) -> Option<LambdaFunction> {
    let arn = f.function_arn?;
    let variables = f.environment.and_then(|e| e.variables).unwrap_or_default();
    let mut pairs: Vec<(&str, &str)> = variables
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    pairs.sort();
    let (names, references) =
        environment_references("AWS::Lambda::Function", "environment.variables", pairs);
    Some(LambdaFunction {
        name: f
            .function_name
            .unwrap_or_else(|| arn.rsplit(':').next().unwrap_or_default().to_string()),
        arn,
        runtime: f.runtime.map(|r| r.as_str().to_string()),
        memory_mb: f.memory_size.map(i64::from),
        timeout_seconds: f.timeout.map(i64::from),
        package_type: f.package_type.map(|p| p.as_str().to_string()),
        architectures: f
            .architectures
            .map(|a| a.iter().map(|x| x.as_str().to_string()).collect()),
        code_sha256: f.code_sha256,
        environment_variables: Some(names),
        references: Some(references),
        concurrency: None,
        account_concurrency: None,
        tags: None,
    })
}

/// Every function of the region. `None` (with a gap) when ListFunctions failed.
pub(crate) async fn list(
    ctx: &Ctx,
    client: &Client,
    account: &str,
    region: &str,
) -> Option<Vec<LambdaFunction>> {
    match pages!(ctx, client.list_functions().into_paginator().send()) {
        Ok(pages) => Some(
            pages
                .into_iter()
                .flat_map(|p| p.functions.unwrap_or_default())
                .filter_map(from_listing)
                .collect(),
        ),
        Err((_, f)) => {
            ctx.gap(account, Some(region), SERVICE, f, "ListFunctions");
            None
        }
    }
}

pub(crate) async fn collect(
    ctx: &Ctx,
    client: &Client,
    account: &str,
    region: &str,
) -> Vec<LambdaFunction> {
    let Some(functions) = list(ctx, client, account, region).await else {
        return Vec::new();
    };
    if functions.is_empty() {
        return Vec::new();
    }
    let settings = account_concurrency(ctx, client, account, region);
    let reserved = join_all(
        functions
            .iter()
            .map(|f| reservation(ctx, client, account, region, &f.name)),
    );
    let (settings, reserved) = tokio::join!(settings, reserved);
    let mut out: Vec<LambdaFunction> = functions
        .into_iter()
        .zip(reserved)
        .map(|(mut f, concurrency)| {
            f.concurrency = concurrency;
            f.account_concurrency = settings.clone();
            f
        })
        .collect();
    out.sort_by(|a, b| a.arn.cmp(&b.arn));
    out
}

/// The account's concurrency in the region. `None` (with a gap) when unreadable:
/// only the ceilings of functions without a reservation become unknown.
async fn account_concurrency(
    ctx: &Ctx,
    client: &Client,
    account: &str,
    region: &str,
) -> Option<AccountConcurrency> {
    match ctx.send(client.get_account_settings().send()).await {
        Ok(out) => out.account_limit.map(|l| AccountConcurrency {
            limit: i64::from(l.concurrent_executions),
            unreserved: i64::from(
                l.unreserved_concurrent_executions
                    .unwrap_or(l.concurrent_executions),
            ),
        }),
        Err(e) => {
            ctx.gap(
                account,
                Some(region),
                SERVICE,
                classify(&e),
                "GetAccountSettings (the concurrency functions without a reservation share is unknown)",
            );
            None
        }
    }
}

/// A function's reservation. `None` (with a gap) when unreadable.
async fn reservation(
    ctx: &Ctx,
    client: &Client,
    account: &str,
    region: &str,
    name: &str,
) -> Option<FunctionConcurrency> {
    match ctx
        .send(client.get_function_concurrency().function_name(name).send())
        .await
    {
        Ok(out) => Some(FunctionConcurrency {
            reserved: out.reserved_concurrent_executions.map(i64::from),
        }),
        Err(e) => {
            ctx.gap(
                account,
                Some(region),
                SERVICE,
                classify(&e),
                &format!("GetFunctionConcurrency {name}"),
            );
            None
        }
    }
}
