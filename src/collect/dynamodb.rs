//! DynamoDB tables: DescribeTable for replicas, version, encryption, streams and
//! capacity (see `table_capacity`); DescribeContinuousBackups for point-in-time
//! recovery; tags.
//!
//! Global tables come in two versions and AWS describes them differently: a
//! current (2019.11.21) table lists its `Replicas` in DescribeTable, a legacy
//! (2017.11.29) one does not, and only ListGlobalTables / DescribeGlobalTable
//! name its replication group. Both are read, so a legacy replica is not taken
//! for a single-region table. ListGlobalTables is asked only where a table could be
//! a legacy replica: AWS requires a stream with new and old images on each.
//! DescribeContinuousBackups is paced per account (see `pacing`). Tags come from
//! the region's Tagging API read (see `tagging`), not one call per table.

use super::gaps::{classify, Ctx};
use super::tagging::SharedTags;
use crate::inventory::{DynamoReplica, DynamoTable};
use aws_sdk_dynamodb::types::{
    PointInTimeRecoveryStatus, ReplicaDescription, StreamViewType, TableDescription,
};
use aws_sdk_dynamodb::Client;
use futures_util::future::join_all;
use std::collections::HashMap;

pub(crate) const SERVICE: &str = "dynamodb";

/// Table names. `None` (with a gap) when ListTables failed.
pub(crate) async fn list(
    ctx: &Ctx,
    client: &Client,
    account: &str,
    region: &str,
) -> Option<Vec<String>> {
    match super::gaps::pages!(ctx, client.list_tables().into_paginator().send()) {
        Ok(pages) => Some(
            pages
                .into_iter()
                .flat_map(|p| p.table_names.unwrap_or_default())
                .collect(),
        ),
        Err((_, f)) => {
            ctx.gap(account, Some(region), SERVICE, f, "ListTables");
            None
        }
    }
}

/// The ARN of a table from its name, for tables only listed.
pub(crate) fn table_arn(partition: &str, account: &str, region: &str, name: &str) -> String {
    format!("arn:{partition}:dynamodb:{region}:{account}:table/{name}")
}

/// Version string of legacy global tables: DescribeTable does not say it for them.
pub(crate) const LEGACY_VERSION: &str = "2017.11.29";

pub(crate) async fn collect(
    ctx: &Ctx,
    client: &Client,
    account: &str,
    region: &str,
    partition: &str,
    tags: &SharedTags<'_>,
) -> Vec<DynamoTable> {
    let Some(names) = list(ctx, client, account, region).await else {
        return Vec::new();
    };
    if names.is_empty() {
        return Vec::new();
    }
    let described = join_all(
        names
            .into_iter()
            .map(|n| describe(ctx, client, account, region, partition, n)),
    )
    .await;
    // A legacy replica needs a stream with new and old images; only then is
    // ListGlobalTables asked. A described table without one is not global.
    let need_legacy = described.iter().any(|(_, candidate)| *candidate);
    let legacy = if need_legacy {
        legacy_global_tables(ctx, client, account, region).await
    } else {
        None
    };
    let mut out = Vec::with_capacity(described.len());
    for (mut table, candidate) in described {
        let described_plain = table.status.is_some() && table.global_table_version.is_none();
        if described_plain && !candidate {
            table.replicas = Some(Vec::new());
        } else if candidate {
            match legacy.as_ref() {
                // ListGlobalTables could not say: unknown, not "not global".
                None => table.replicas = None,
                Some(legacy) => match legacy.get(&table.name) {
                    Some(regions) => {
                        let replicas =
                            legacy_replicas(ctx, client, account, region, &table.name).await;
                        table.replicas = Some(replicas.unwrap_or_else(|| {
                            regions
                                .iter()
                                .filter(|r| *r != region)
                                .map(|r| DynamoReplica {
                                    region: r.clone(),
                                    ..DynamoReplica::default()
                                })
                                .collect()
                        }));
                        table.global_table_version = Some(LEGACY_VERSION.to_string());
                    }
                    None => table.replicas = Some(Vec::new()),
                },
            }
        }
        out.push(table);
    }
    let tags = tags.get().await;
    for table in &mut out {
        table.tags = tags.get(&table.arn);
    }
    out.sort_by(|a, b| a.arn.cmp(&b.arn));
    out
}

/// Legacy (2017.11.29) global tables with a replica in this region, by name, with
/// the regions of their replication group. `None` (with a gap) when unreadable.
async fn legacy_global_tables(
    ctx: &Ctx,
    client: &Client,
    account: &str,
    region: &str,
) -> Option<HashMap<String, Vec<String>>> {
    let mut out = HashMap::new();
    let mut start: Option<String> = None;
    loop {
        let request = client
            .list_global_tables()
            .region_name(region)
            .set_exclusive_start_global_table_name(start.clone());
        match ctx.send(request.send()).await {
            Ok(page) => {
                for t in page.global_tables.unwrap_or_default() {
                    let Some(name) = t.global_table_name else {
                        continue;
                    };
                    let regions = t
                        .replication_group
                        .unwrap_or_default()
                        .into_iter()
                        .filter_map(|r| r.region_name)
                        .collect();
                    out.insert(name, regions);
                }
                match page.last_evaluated_global_table_name {
                    Some(next) if Some(&next) != start.as_ref() => start = Some(next),
                    _ => return Some(out),
                }
            }
            Err(e) => {
                ctx.gap(
                    account,
                    Some(region),
                    SERVICE,
                    classify(&e),
                    "ListGlobalTables (legacy 2017.11.29 global tables not known: tables without Replicas are unknown)",
                );
                return None;
            }
        }
    }
}

/// The other regions of a legacy global table with their status, from
/// DescribeGlobalTable. `None` (with a gap) when it failed.
async fn legacy_replicas(
    ctx: &Ctx,
    client: &Client,
    account: &str,
    region: &str,
    name: &str,
) -> Option<Vec<DynamoReplica>> {
    match ctx
        .send(
            client
                .describe_global_table()
                .global_table_name(name)
                .send(),
        )
        .await
    {
        Ok(out) => Some(replicas(
            out.global_table_description
                .and_then(|d| d.replication_group)
                .iter()
                .flatten(),
            region,
        )),
        Err(e) => {
            ctx.gap(
                account,
                Some(region),
                SERVICE,
                classify(&e),
                &format!("DescribeGlobalTable {name} (replica statuses unknown)"),
            );
            None
        }
    }
}

/// Replicas in other regions, as AWS reports them.
fn replicas<'a>(
    list: impl Iterator<Item = &'a ReplicaDescription>,
    region: &str,
) -> Vec<DynamoReplica> {
    let mut out: Vec<DynamoReplica> = list
        .filter_map(|r| {
            let name = r.region_name.clone()?;
            (name != region).then(|| DynamoReplica {
                region: name,
                status: r.replica_status.as_ref().map(|s| s.as_str().to_string()),
                kms_key_arn: r.kms_master_key_id.clone(),
                overrides: super::table_capacity::overrides(r),
            })
        })
        .collect();
    out.sort_by(|a, b| a.region.cmp(&b.region));
    out
}

async fn describe(
    ctx: &Ctx,
    client: &Client,
    account: &str,
    region: &str,
    partition: &str,
    name: String,
) -> (DynamoTable, bool) {
    let mut table = DynamoTable {
        arn: table_arn(partition, account, region, &name),
        name: name.clone(),
        ..DynamoTable::default()
    };
    let description = async {
        match ctx
            .send(client.describe_table().table_name(&name).send())
            .await
        {
            Ok(out) => out.table,
            Err(e) => {
                ctx.gap(
                    account,
                    Some(region),
                    SERVICE,
                    classify(&e),
                    &format!("DescribeTable {name}"),
                );
                None
            }
        }
    };
    let backups = async {
        match ctx
            .send_paced(
                account,
                "DescribeContinuousBackups",
                client
                    .describe_continuous_backups()
                    .table_name(&name)
                    .send(),
            )
            .await
        {
            Ok(out) => out
                .continuous_backups_description
                .and_then(|c| c.point_in_time_recovery_description)
                .and_then(|p| p.point_in_time_recovery_status)
                .map(|s| s == PointInTimeRecoveryStatus::Enabled),
            Err(e) => {
                ctx.gap(
                    account,
                    Some(region),
                    SERVICE,
                    classify(&e),
                    &format!("DescribeContinuousBackups {name}"),
                );
                None
            }
        }
    };
    let (description, pitr) = tokio::join!(description, backups);
    let mut candidate = false;
    if let Some(desc) = description {
        apply_description(&mut table, &desc, region);
        candidate = may_be_legacy_replica(&desc);
    }
    table.pitr_enabled = pitr;
    (table, candidate)
}

/// Whether a described table may be a replica of a legacy global table: it has no
/// `Replicas` (a current global table would) and a stream with new and old images,
/// which AWS requires of every legacy replica.
fn may_be_legacy_replica(desc: &TableDescription) -> bool {
    desc.replicas.as_ref().is_none_or(|r| r.is_empty())
        && desc.stream_specification.as_ref().is_some_and(|s| {
            s.stream_enabled
                && s.stream_view_type.as_ref() == Some(&StreamViewType::NewAndOldImages)
        })
}

/// Fills a table from DescribeTable. `Replicas` there means a current (2019.11.21)
/// global table; without them the table may still be a legacy global table, which
/// only ListGlobalTables can tell, so `replicas` is left for that.
pub(crate) fn apply_description(table: &mut DynamoTable, desc: &TableDescription, region: &str) {
    if let Some(arn) = &desc.table_arn {
        table.arn = arn.clone();
    }
    table.status = desc.table_status.as_ref().map(|s| s.as_str().to_string());
    if let Some(list) = desc.replicas.as_ref().filter(|l| !l.is_empty()) {
        table.replicas = Some(replicas(list.iter(), region));
        table.global_table_version = Some(
            desc.global_table_version
                .clone()
                .unwrap_or_else(|| CURRENT_VERSION.to_string()),
        );
    }
    table.sse_kms_key_arn = desc
        .sse_description
        .as_ref()
        .and_then(|s| s.kms_master_key_arn.clone());
    table.stream_enabled = Some(
        desc.stream_specification
            .as_ref()
            .is_some_and(|s| s.stream_enabled),
    );
    table.capacity = Some(super::table_capacity::of(desc, region));
}

/// Version of global tables DescribeTable reports `Replicas` for.
pub(crate) const CURRENT_VERSION: &str = "2019.11.21";
