//! ElastiCache replication groups and their Global Datastores.
//!
//! DescribeReplicationGroups (100 per page) names each group's Global Datastore
//! and role (`GlobalReplicationGroupInfo`); a group without one belongs to none,
//! which needs no further call. When a group of the region belongs to one,
//! DescribeGlobalReplicationGroups with `ShowMemberInfo=true` lists every Global
//! Datastore the account sees with its members' regions and roles: one call per
//! region (per 100 datastores), whatever the number of groups. Cost: 1 per 100
//! groups, plus 1 per region holding a member.

use super::gaps::{pages, Ctx};
use super::tagging::SharedTags;
use crate::inventory::{ElasticacheReplicationGroup, GlobalDatastoreMember};
use aws_sdk_elasticache::types::ReplicationGroup;
use aws_sdk_elasticache::Client;
use std::collections::BTreeMap;

pub(crate) const SERVICE: &str = "elasticache";

/// DescribeReplicationGroups' and DescribeGlobalReplicationGroups' largest page.
const MAX_RECORDS: i32 = 100;

fn record(g: ReplicationGroup) -> Option<ElasticacheReplicationGroup> {
    let info = g.global_replication_group_info;
    Some(ElasticacheReplicationGroup {
        arn: g.arn?,
        id: g.replication_group_id?,
        engine: g.engine,
        status: g.status,
        cluster_mode: g.cluster_mode.map(|m| m.as_str().to_string()),
        cluster_enabled: g.cluster_enabled,
        global_role: info
            .as_ref()
            .and_then(|i| i.global_replication_group_member_role.clone()),
        global_datastore_id: info.and_then(|i| i.global_replication_group_id),
        global_members: None,
        tags: None,
    })
}

/// Every replication group of the region. `None` (with a gap) when the listing
/// failed.
pub(crate) async fn list(
    ctx: &Ctx,
    client: &Client,
    account: &str,
    region: &str,
) -> Option<Vec<ElasticacheReplicationGroup>> {
    match pages!(
        ctx,
        client
            .describe_replication_groups()
            .max_records(MAX_RECORDS)
            .into_paginator()
            .send()
    ) {
        Ok(pages) => Some(
            pages
                .into_iter()
                .flat_map(|p| p.replication_groups.unwrap_or_default())
                .filter_map(record)
                .collect(),
        ),
        Err((_, f)) => {
            ctx.gap(
                account,
                Some(region),
                SERVICE,
                f,
                "DescribeReplicationGroups",
            );
            None
        }
    }
}

/// The region's replication groups with the members of their Global Datastores.
pub(crate) async fn collect(
    ctx: &Ctx,
    client: &Client,
    account: &str,
    region: &str,
    tags: &SharedTags<'_>,
) -> Vec<ElasticacheReplicationGroup> {
    let Some(mut groups) = list(ctx, client, account, region).await else {
        return Vec::new();
    };
    let members = if groups.iter().any(|g| g.global_datastore_id.is_some()) {
        global_members(ctx, client, account, region).await
    } else {
        Some(BTreeMap::new())
    };
    let tags = tags.get().await;
    for g in &mut groups {
        g.tags = tags.get(&g.arn);
        g.global_members = match (&g.global_datastore_id, &members) {
            (None, _) => Some(Vec::new()),
            (Some(id), Some(m)) => m.get(id).cloned(),
            (Some(_), None) => None,
        };
    }
    groups.sort_by(|a, b| a.arn.cmp(&b.arn));
    groups
}

/// Global Datastore id -> its members. `None` (with a gap) when it failed: the
/// membership of the region's groups is then unknown, and nothing else.
async fn global_members(
    ctx: &Ctx,
    client: &Client,
    account: &str,
    region: &str,
) -> Option<BTreeMap<String, Vec<GlobalDatastoreMember>>> {
    match pages!(
        ctx,
        client
            .describe_global_replication_groups()
            .show_member_info(true)
            .max_records(MAX_RECORDS)
            .into_paginator()
            .send()
    ) {
        Ok(pages) => Some(
            pages
                .into_iter()
                .flat_map(|p| p.global_replication_groups.unwrap_or_default())
                .filter_map(|g| {
                    let members = g
                        .members
                        .unwrap_or_default()
                        .into_iter()
                        .filter_map(|m| {
                            Some(GlobalDatastoreMember {
                                replication_group_id: m.replication_group_id?,
                                region: m.replication_group_region?,
                                role: m.role,
                                status: m.status,
                            })
                        })
                        .collect();
                    Some((g.global_replication_group_id?, members))
                })
                .collect(),
        ),
        Err((_, f)) => {
            ctx.gap(
                account,
                Some(region),
                SERVICE,
                f,
                "DescribeGlobalReplicationGroups (membership of this region's replication groups)",
            );
            None
        }
    }
}
