//! Application Auto Scaling targets of DynamoDB tables and indexes: one paged
//! DescribeScalableTargets (`ServiceNamespace` `dynamodb`) per region, never one
//! call per table, attached to the region's table records.
//!
//! Auto scaling settings belong to a replica's region: a global table's read
//! targets may differ between replicas (DynamoDB developer guide, "Using DynamoDB
//! auto scaling with global tables"), so each region's targets are read there.
//! The call is made only where a described table is provisioned: an on-demand
//! table has no capacity to scale. When it fails, the tables keep no `autoscaling`
//! and only what depends on it (a provisioned table's ceilings) is unknown.

use super::gaps::Ctx;
use crate::inventory::{DynamoTable, ScalingTarget};
use aws_sdk_applicationautoscaling::types::{ScalableTarget, ServiceNamespace};
use aws_sdk_applicationautoscaling::Client;
use std::collections::HashMap;

pub(crate) const SERVICE: &str = "application-autoscaling";

/// Largest page AWS allows for DescribeScalableTargets.
const PAGE: i32 = 50;

/// Reads the region's DynamoDB scalable targets and gives each table its own,
/// when a table there needs them.
pub(crate) async fn attach(
    ctx: &Ctx,
    client: &Client,
    account: &str,
    region: &str,
    tables: &mut [DynamoTable],
) {
    if !tables.iter().any(needs_targets) {
        return;
    }
    let request = client
        .describe_scalable_targets()
        .service_namespace(ServiceNamespace::Dynamodb)
        .max_results(PAGE);
    let pages = match super::gaps::pages!(ctx, request.into_paginator().send()) {
        Ok(pages) => pages,
        Err((_, f)) => {
            ctx.gap(
                account,
                Some(region),
                SERVICE,
                f,
                "DescribeScalableTargets dynamodb (auto scaling limits of the region's provisioned tables unknown)",
            );
            return;
        }
    };
    let mut by_table: HashMap<String, Vec<ScalingTarget>> = HashMap::new();
    for target in pages
        .into_iter()
        .flat_map(|p| p.scalable_targets.unwrap_or_default())
    {
        if let Some((table, t)) = scaling_target(&target) {
            by_table.entry(table).or_default().push(t);
        }
    }
    for table in tables.iter_mut() {
        let mut targets = by_table.remove(&table.name).unwrap_or_default();
        targets.sort_by(|a, b| {
            (&a.index, &a.scalable_dimension).cmp(&(&b.index, &b.scalable_dimension))
        });
        table.autoscaling = Some(targets);
    }
}

/// A described table that is not on-demand.
fn needs_targets(table: &DynamoTable) -> bool {
    table
        .capacity
        .as_ref()
        .is_some_and(|c| c.billing_mode.as_deref() != Some("PAY_PER_REQUEST"))
}

/// The table a target scales and the target: `table/<name>` or
/// `table/<name>/index/<index>` (Application Auto Scaling API reference,
/// RegisterScalableTarget `ResourceId`).
fn scaling_target(target: &ScalableTarget) -> Option<(String, ScalingTarget)> {
    let rest = target.resource_id.strip_prefix("table/")?;
    let (table, index) = match rest.split_once("/index/") {
        Some((table, index)) => (table, Some(index.to_string())),
        None => (rest, None),
    };
    Some((
        table.to_string(),
        ScalingTarget {
            index,
            scalable_dimension: target.scalable_dimension.as_str().to_string(),
            min_capacity: i64::from(target.min_capacity),
            max_capacity: i64::from(target.max_capacity),
            scale_out_suspended: target
                .suspended_state
                .as_ref()
                .and_then(|s| s.dynamic_scaling_out_suspended)
                .unwrap_or(false),
        },
    ))
}
