//! RDS and Aurora: DB clusters (with tags and managed master secrets), global
//! clusters with member regions and writer, DB instances and read replicas.
//!
//! A cluster's membership of a global database is what DescribeDBClusters says
//! (`GlobalClusterIdentifier`); DescribeGlobalClusters, asked only where a member
//! is, adds the members' regions and the writer, and its failure takes nothing
//! away from what DescribeDBClusters said.

use super::gaps::{pages, Ctx};
use crate::analysis::arn::Arn;
use crate::inventory::{DbInstance, GlobalCluster, GlobalClusterMember, RdsCluster, Tags};
use aws_sdk_rds::types::{DbCluster, Tag};
use aws_sdk_rds::Client;

pub(crate) const SERVICE: &str = "rds";

fn tags(list: Option<&Vec<Tag>>) -> Option<Tags> {
    list.map(|l| {
        l.iter()
            .filter_map(|t| Some((t.key.clone()?, t.value.clone().unwrap_or_default())))
            .collect()
    })
}

/// Engines of the RDS API that are not RDS or Aurora databases.
fn is_other_service(engine: &str) -> bool {
    engine == "neptune" || engine == "docdb"
}

/// DB clusters as DescribeDBClusters reports them. `None` (with a gap) on failure.
pub(crate) async fn list_clusters(
    ctx: &Ctx,
    client: &Client,
    account: &str,
    region: &str,
) -> Option<Vec<RdsCluster>> {
    match pages!(ctx, client.describe_db_clusters().into_paginator().send()) {
        Ok(pages) => Some(
            pages
                .into_iter()
                .flat_map(|p| p.db_clusters.unwrap_or_default())
                .filter_map(cluster)
                .filter(|c| !is_other_service(&c.engine))
                .collect(),
        ),
        Err((_, f)) => {
            ctx.gap(account, Some(region), SERVICE, f, "DescribeDBClusters");
            None
        }
    }
}

fn cluster(c: DbCluster) -> Option<RdsCluster> {
    let encrypted = c.storage_encrypted;
    Some(RdsCluster {
        tags: tags(c.tag_list.as_ref()),
        arn: c.db_cluster_arn?,
        identifier: c.db_cluster_identifier.unwrap_or_default(),
        engine: c.engine.unwrap_or_default(),
        status: c.status,
        global_cluster_identifier: c.global_cluster_identifier.filter(|g| !g.is_empty()),
        storage_encrypted: encrypted,
        // An unencrypted cluster has no key, whatever the field says.
        kms_key_id: if encrypted == Some(true) {
            c.kms_key_id
        } else {
            None
        },
        master_user_secret_arn: c.master_user_secret.and_then(|s| s.secret_arn),
        engine_mode: c.engine_mode,
        scalability_type: c.cluster_scalability_type.map(|t| t.as_str().to_string()),
        instance_count: c
            .db_cluster_members
            .map(|m| u32::try_from(m.len()).unwrap_or(u32::MAX)),
        replication_source: c.replication_source_identifier,
    })
}

pub(crate) struct RdsRegion {
    pub clusters: Vec<RdsCluster>,
    pub global_clusters: Vec<GlobalCluster>,
    pub instances: Vec<DbInstance>,
}

pub(crate) async fn collect(ctx: &Ctx, client: &Client, account: &str, region: &str) -> RdsRegion {
    let (clusters, instances) = tokio::join!(
        list_clusters(ctx, client, account, region),
        instances(ctx, client, account, region)
    );
    let mut clusters = clusters.unwrap_or_default();
    // Only a region with a member of a global database needs the global clusters:
    // DescribeDBClusters already said which clusters belong to one.
    let globals = if clusters
        .iter()
        .any(|c| c.global_cluster_identifier.is_some())
    {
        global_clusters(ctx, client, account, region).await
    } else {
        Vec::new()
    };
    // DescribeDBClusters is authoritative for membership; DescribeGlobalClusters
    // only completes it (and failing, changes nothing it said).
    for c in clusters
        .iter_mut()
        .filter(|c| c.global_cluster_identifier.is_none())
    {
        let member_of = globals
            .iter()
            .find(|g| g.members.iter().any(|m| m.cluster_arn == c.arn));
        c.global_cluster_identifier = member_of.map(|g| g.identifier.clone());
    }
    clusters.sort_by(|a, b| a.arn.cmp(&b.arn));
    RdsRegion {
        clusters,
        global_clusters: globals,
        instances,
    }
}

async fn global_clusters(
    ctx: &Ctx,
    client: &Client,
    account: &str,
    region: &str,
) -> Vec<GlobalCluster> {
    let pages = match pages!(
        ctx,
        client.describe_global_clusters().into_paginator().send()
    ) {
        Ok(pages) => pages,
        Err((_, f)) => {
            ctx.gap(account, Some(region), SERVICE, f, "DescribeGlobalClusters");
            return Vec::new();
        }
    };
    let mut out: Vec<GlobalCluster> = pages
        .into_iter()
        .flat_map(|p| p.global_clusters.unwrap_or_default())
        .filter_map(|g| {
            let mut members: Vec<GlobalClusterMember> = g
                .global_cluster_members
                .unwrap_or_default()
                .into_iter()
                .filter_map(|m| {
                    let arn = m.db_cluster_arn?;
                    Some(GlobalClusterMember {
                        region: Arn::parse(&arn)
                            .map(|a| a.region.to_string())
                            .unwrap_or_default(),
                        cluster_arn: arn,
                        is_writer: m.is_writer.unwrap_or(false),
                    })
                })
                .collect();
            members.sort_by(|a, b| a.cluster_arn.cmp(&b.cluster_arn));
            Some(GlobalCluster {
                tags: tags(g.tag_list.as_ref()),
                arn: g.global_cluster_arn?,
                identifier: g.global_cluster_identifier.unwrap_or_default(),
                engine: g.engine,
                storage_encrypted: g.storage_encrypted,
                members,
            })
        })
        .collect();
    out.sort_by(|a, b| a.arn.cmp(&b.arn));
    out
}

async fn instances(ctx: &Ctx, client: &Client, account: &str, region: &str) -> Vec<DbInstance> {
    let pages = match pages!(ctx, client.describe_db_instances().into_paginator().send()) {
        Ok(pages) => pages,
        Err((_, f)) => {
            ctx.gap(account, Some(region), SERVICE, f, "DescribeDBInstances");
            return Vec::new();
        }
    };
    let mut out: Vec<DbInstance> = pages
        .into_iter()
        .flat_map(|p| p.db_instances.unwrap_or_default())
        .filter_map(|i| {
            let engine = i.engine.unwrap_or_default();
            if is_other_service(&engine) {
                return None;
            }
            Some(DbInstance {
                tags: tags(i.tag_list.as_ref()),
                arn: i.db_instance_arn?,
                identifier: i.db_instance_identifier.unwrap_or_default(),
                engine,
                cluster_identifier: i.db_cluster_identifier,
                read_replica_source: i.read_replica_source_db_instance_identifier,
                read_replicas: i.read_replica_db_instance_identifiers.unwrap_or_default(),
                storage_encrypted: i.storage_encrypted,
            })
        })
        .collect();
    out.sort_by(|a, b| a.arn.cmp(&b.arn));
    out
}
