//! Regions outside an account's pair: a cheap listing of the same data stores
//! (no per-resource describe; S3 buckets come from the account-wide ListBuckets), so "resources in an unsanctioned region" never
//! depends on AWS Config being enabled. Results are [`ConfigResource`]s without
//! configuration.

use super::clients::RegionClients;
use super::gaps::Ctx;
use super::{dynamodb, elasticache, kms, rds, secrets};
use crate::inventory::ConfigResource;

/// Commercial regions enabled by default in every account, swept when
/// `--sweep-regions` is not given. Opt-in regions must be named explicitly.
pub const DEFAULT_SWEEP_REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ca-central-1",
    "sa-east-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-central-1",
    "eu-north-1",
    "ap-south-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-southeast-1",
    "ap-southeast-2",
];

/// Regions swept: `--sweep-regions`, else [`DEFAULT_SWEEP_REGIONS`] in the `aws`
/// partition, else every region of the caller's partition (GovCloud, China, ...).
pub(crate) fn regions(given: Option<&[String]>, partition: &str) -> Vec<String> {
    match given {
        Some(list) => list.to_vec(),
        None if partition == "aws" => DEFAULT_SWEEP_REGIONS
            .iter()
            .map(|r| r.to_string())
            .collect(),
        None => crate::analysis::partitions::by_id(partition)
            .map(|p| p.regions.clone())
            .unwrap_or_default(),
    }
}

/// Value of `Inventory.source.outside_pair_sources` for this listing.
pub const SOURCE: &str = "service-listing";

fn listed(resource_type: &str, arn: String, name: Option<String>) -> ConfigResource {
    ConfigResource {
        resource_type: resource_type.to_string(),
        arn,
        name,
        ..ConfigResource::default()
    }
}

/// Customer keys among the listed ones. AWS creates its managed keys wherever a
/// service is used: they are not the owner's data. Without the aliases the two
/// cannot be told apart, so no key is listed (the ListAliases gap says why): a key
/// AWS manages must not show up as the owner's resource in an unsanctioned region.
fn owned_keys(
    keys: Vec<(String, String)>,
    aliases: Option<&std::collections::BTreeMap<String, Vec<String>>>,
) -> Vec<String> {
    let Some(aliases) = aliases else {
        return Vec::new();
    };
    keys.into_iter()
        .filter(|(key_id, _)| !kms::has_aws_alias(aliases.get(key_id)))
        .map(|(_, arn)| arn)
        .collect()
}

pub(crate) async fn collect(
    ctx: &Ctx,
    clients: &RegionClients,
    account: &str,
    region: &str,
    partition: &str,
) -> Vec<ConfigResource> {
    let keys = async {
        let keys = kms::list(ctx, &clients.kms, account, region).await?;
        if keys.is_empty() {
            return Some(Vec::new());
        }
        let aliases = kms::aliases(ctx, &clients.kms, account, region).await;
        Some(owned_keys(keys, aliases.as_ref()))
    };
    let (keys, secrets, tables, clusters, caches) = tokio::join!(
        keys,
        secrets::list(ctx, &clients.secrets, account, region),
        dynamodb::list(ctx, &clients.dynamodb, account, region),
        rds::list_clusters(ctx, &clients.rds, account, region),
        elasticache::list(ctx, &clients.elasticache, account, region),
    );
    let mut out = Vec::new();
    for arn in keys.unwrap_or_default() {
        out.push(listed("AWS::KMS::Key", arn, None));
    }
    for s in secrets.unwrap_or_default() {
        out.push(listed("AWS::SecretsManager::Secret", s.arn, Some(s.name)));
    }
    for name in tables.unwrap_or_default() {
        out.push(listed(
            "AWS::DynamoDB::Table",
            dynamodb::table_arn(partition, account, region, &name),
            Some(name),
        ));
    }
    for c in clusters.unwrap_or_default() {
        out.push(listed("AWS::RDS::DBCluster", c.arn, Some(c.identifier)));
    }
    for g in caches.unwrap_or_default() {
        out.push(listed(
            "AWS::ElastiCache::ReplicationGroup",
            g.arn,
            Some(g.id),
        ));
    }
    out.sort_by(|a, b| a.arn.cmp(&b.arn));
    out
}
