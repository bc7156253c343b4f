//! One account: its session, its region pair, then every region read in parallel
//! (full reads in the pair, a cheap listing elsewhere).

use super::clients::{assume_role, in_region, RegionClients};
use super::config_service::{self, Aggregated};
use super::gaps::Ctx;
use super::{dynamodb, kms, rds, secrets, sweep};
use crate::inventory::{AccountInventory, RegionInventory};
use aws_config::SdkConfig;
use futures_util::future::join_all;

/// What to read in one account.
pub(crate) struct AccountPlan {
    pub account_id: String,
    /// Read with the caller's own credentials instead of an assumed role.
    pub is_caller: bool,
    pub pair_regions: Vec<String>,
    pub sweep_regions: Vec<String>,
}

/// What every account shares: how to enter it, and the organization-wide Config
/// results when an aggregator answered.
pub(crate) struct Shared<'a> {
    pub role_name: &'a str,
    pub external_id: Option<&'a str>,
    pub aggregated: Option<&'a Aggregated>,
}

/// `None` when the account could not be entered (the gap is recorded).
pub(crate) async fn collect(
    ctx: &Ctx,
    base: &SdkConfig,
    shared: &Shared<'_>,
    plan: AccountPlan,
) -> Option<AccountInventory> {
    let account = plan.account_id.as_str();
    let units = (plan.pair_regions.len() + plan.sweep_regions.len()) as u64;
    let session = if plan.is_caller {
        base.clone()
    } else {
        match assume_role(ctx, base, account, shared.role_name, shared.external_id).await {
            Ok(config) => config,
            Err(f) => {
                ctx.gap(
                    account,
                    None,
                    "sts",
                    f,
                    &format!("AssumeRole into {}", shared.role_name),
                );
                for _ in 0..units {
                    ctx.progress.unit_done();
                }
                return None;
            }
        }
    };
    let full = plan
        .pair_regions
        .iter()
        .map(|r| pair_region(ctx, &session, shared, account, r));
    let cheap = plan
        .sweep_regions
        .iter()
        .map(|r| sweep_region(ctx, &session, shared, account, r));
    let (mut regions, swept) = tokio::join!(join_all(full), join_all(cheap));
    regions.extend(swept);
    regions.sort_by(|a, b| a.region.cmp(&b.region));
    Some(AccountInventory {
        account_id: plan.account_id,
        regions,
    })
}

/// Aggregator results of one account and region, when the aggregator answered.
fn from_aggregator(
    shared: &Shared<'_>,
    account: &str,
    region: &str,
) -> Option<Vec<crate::inventory::ConfigResource>> {
    shared.aggregated.map(|a| {
        a.get(&(account.to_string(), region.to_string()))
            .cloned()
            .unwrap_or_default()
    })
}

async fn pair_region(
    ctx: &Ctx,
    session: &SdkConfig,
    shared: &Shared<'_>,
    account: &str,
    region: &str,
) -> RegionInventory {
    let c = RegionClients::new(&in_region(session, region));
    let config = async {
        match from_aggregator(shared, account, region) {
            Some(resources) => resources,
            None => config_service::collect(ctx, &c.config, account, region).await,
        }
    };
    let (kms_keys, secrets, dynamodb_tables, rds, resources) = tokio::join!(
        kms::collect(ctx, &c.kms, account, region),
        secrets::collect(ctx, &c.secrets, account, region),
        dynamodb::collect(ctx, &c.dynamodb, account, region),
        rds::collect(ctx, &c.rds, account, region),
        config,
    );
    ctx.progress.unit_done();
    RegionInventory {
        region: region.to_string(),
        kms_keys,
        secrets,
        dynamodb_tables,
        rds_clusters: rds.clusters,
        rds_global_clusters: rds.global_clusters,
        db_instances: rds.instances,
        resources,
    }
}

async fn sweep_region(
    ctx: &Ctx,
    session: &SdkConfig,
    shared: &Shared<'_>,
    account: &str,
    region: &str,
) -> RegionInventory {
    let c = RegionClients::new(&in_region(session, region));
    let mut resources = sweep::collect(ctx, &c, account, region).await;
    resources.extend(from_aggregator(shared, account, region).unwrap_or_default());
    resources.sort_by(|a, b| a.arn.cmp(&b.arn));
    ctx.progress.unit_done();
    RegionInventory {
        region: region.to_string(),
        resources,
        ..RegionInventory::default()
    }
}
