//! DynamoDB tables: DescribeTable for replicas, version, encryption and streams;
//! DescribeContinuousBackups for point-in-time recovery; tags.

use super::gaps::{classify, Ctx};
use crate::inventory::{DynamoReplica, DynamoTable, Tags};
use aws_sdk_dynamodb::types::{PointInTimeRecoveryStatus, TableDescription};
use aws_sdk_dynamodb::Client;
use futures_util::future::join_all;

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
pub(crate) fn table_arn(account: &str, region: &str, name: &str) -> String {
    format!("arn:aws:dynamodb:{region}:{account}:table/{name}")
}

pub(crate) async fn collect(
    ctx: &Ctx,
    client: &Client,
    account: &str,
    region: &str,
) -> Vec<DynamoTable> {
    let Some(names) = list(ctx, client, account, region).await else {
        return Vec::new();
    };
    let mut out: Vec<DynamoTable> = join_all(
        names
            .into_iter()
            .map(|n| describe(ctx, client, account, region, n)),
    )
    .await;
    out.sort_by(|a, b| a.arn.cmp(&b.arn));
    out
}

async fn describe(
    ctx: &Ctx,
    client: &Client,
    account: &str,
    region: &str,
    name: String,
) -> DynamoTable {
    let mut table = DynamoTable {
        arn: table_arn(account, region, &name),
        name: name.clone(),
        ..DynamoTable::default()
    };
    match ctx
        .send(client.describe_table().table_name(&name).send())
        .await
    {
        Ok(out) => {
            if let Some(desc) = out.table {
                apply_description(&mut table, &desc, region);
            }
        }
        Err(e) => ctx.gap(
            account,
            Some(region),
            SERVICE,
            classify(&e),
            &format!("DescribeTable {name}"),
        ),
    }
    match ctx
        .send(
            client
                .describe_continuous_backups()
                .table_name(&name)
                .send(),
        )
        .await
    {
        Ok(out) => {
            table.pitr_enabled = out
                .continuous_backups_description
                .and_then(|c| c.point_in_time_recovery_description)
                .and_then(|p| p.point_in_time_recovery_status)
                .map(|s| s == PointInTimeRecoveryStatus::Enabled);
        }
        Err(e) => ctx.gap(
            account,
            Some(region),
            SERVICE,
            classify(&e),
            &format!("DescribeContinuousBackups {name}"),
        ),
    }
    table.tags = tags(ctx, client, account, region, &table.arn).await;
    table
}

/// Fills a table from DescribeTable. A described table without `Replicas` is not a
/// global table: its replica list is empty, not unknown.
pub(crate) fn apply_description(table: &mut DynamoTable, desc: &TableDescription, region: &str) {
    if let Some(arn) = &desc.table_arn {
        table.arn = arn.clone();
    }
    table.status = desc.table_status.as_ref().map(|s| s.as_str().to_string());
    let mut replicas: Vec<DynamoReplica> = desc
        .replicas
        .iter()
        .flatten()
        .filter_map(|r| {
            let name = r.region_name.clone()?;
            (name != region).then(|| DynamoReplica {
                region: name,
                status: r.replica_status.as_ref().map(|s| s.as_str().to_string()),
                kms_key_arn: r.kms_master_key_id.clone(),
            })
        })
        .collect();
    replicas.sort_by(|a, b| a.region.cmp(&b.region));
    table.replicas = Some(replicas);
    table.global_table_version = desc.global_table_version.clone();
    table.sse_kms_key_arn = desc
        .sse_description
        .as_ref()
        .and_then(|s| s.kms_master_key_arn.clone());
    table.stream_enabled = Some(
        desc.stream_specification
            .as_ref()
            .is_some_and(|s| s.stream_enabled),
    );
}

async fn tags(ctx: &Ctx, client: &Client, account: &str, region: &str, arn: &str) -> Option<Tags> {
    let mut tags = Tags::new();
    let mut token: Option<String> = None;
    loop {
        let request = client
            .list_tags_of_resource()
            .resource_arn(arn)
            .set_next_token(token.clone());
        match ctx.send(request.send()).await {
            Ok(out) => {
                tags.extend(
                    out.tags
                        .unwrap_or_default()
                        .into_iter()
                        .map(|t| (t.key, t.value)),
                );
                match out.next_token {
                    Some(next) if Some(&next) != token.as_ref() => token = Some(next),
                    _ => return Some(tags),
                }
            }
            Err(e) => {
                ctx.gap(
                    account,
                    Some(region),
                    SERVICE,
                    classify(&e),
                    &format!("ListTagsOfResource {arn}"),
                );
                return None;
            }
        }
    }
}
