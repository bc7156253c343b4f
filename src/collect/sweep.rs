//! Regions outside an account's pair: a cheap listing of the same four data
//! stores (no per-resource describe), so "resources in an unsanctioned region" never
//! depends on AWS Config being enabled. Results are [`ConfigResource`]s without
//! configuration.

use super::clients::RegionClients;
use super::gaps::Ctx;
use super::{dynamodb, kms, rds, secrets};
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

pub(crate) async fn collect(
    ctx: &Ctx,
    clients: &RegionClients,
    account: &str,
    region: &str,
) -> Vec<ConfigResource> {
    let (keys, aliases, secrets, tables, clusters) = tokio::join!(
        kms::list(ctx, &clients.kms, account, region),
        kms::aliases(ctx, &clients.kms, account, region),
        secrets::list(ctx, &clients.secrets, account, region),
        dynamodb::list(ctx, &clients.dynamodb, account, region),
        rds::list_clusters(ctx, &clients.rds, account, region),
    );
    let mut out = Vec::new();
    for (key_id, arn) in keys.unwrap_or_default() {
        // AWS creates its managed keys wherever a service is used: not the owner's data.
        if !kms::has_aws_alias(aliases.as_ref().and_then(|a| a.get(&key_id))) {
            out.push(listed("AWS::KMS::Key", arn, None));
        }
    }
    for s in secrets.unwrap_or_default() {
        out.push(listed("AWS::SecretsManager::Secret", s.arn, Some(s.name)));
    }
    for name in tables.unwrap_or_default() {
        out.push(listed(
            "AWS::DynamoDB::Table",
            dynamodb::table_arn(account, region, &name),
            Some(name),
        ));
    }
    for c in clusters.unwrap_or_default() {
        out.push(listed("AWS::RDS::DBCluster", c.arn, Some(c.identifier)));
    }
    out.sort_by(|a, b| a.arn.cmp(&b.arn));
    out
}
