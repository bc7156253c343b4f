//! One account: its session, its region pair, then every region read in parallel
//! (full reads in the pair, a cheap listing elsewhere).

use super::clients::{RegionClients, Session};
use super::config_service::{self, Aggregated};
use super::gaps::Ctx;
use super::plan::Entry;
use super::{cloudwatch, dynamodb, ecr, kms, rds, secrets, sweep, tagging};
use crate::inventory::{AccountInventory, RegionInventory};
use aws_config::SdkConfig;
use futures_util::future::join_all;

/// What to read in one account.
pub(crate) struct AccountPlan {
    pub account_id: String,
    /// How to get in: own credentials, a role, or not at all.
    pub entry: Entry,
    pub pair_regions: Vec<String>,
    pub sweep_regions: Vec<String>,
}

/// What every account shares: how to enter it, and the organization-wide Config
/// results when an aggregator answered.
pub(crate) struct Shared<'a> {
    pub external_id: Option<&'a str>,
    /// Partition of the caller, for ARNs built from names.
    pub partition: &'a str,
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
    let not_entered = |f, what: &str| {
        ctx.gap(account, None, "sts", f, what);
        for _ in 0..units {
            ctx.progress.unit_done();
        }
    };
    let session = match &plan.entry {
        Entry::Own => Session::own(account, base),
        Entry::Role(role_arn) => {
            match ctx
                .send(Session::assume(
                    base,
                    account,
                    role_arn.clone(),
                    shared.external_id,
                ))
                .await
            {
                Ok(session) => session,
                Err(f) => {
                    not_entered(f, &format!("AssumeRole {role_arn}"));
                    return None;
                }
            }
        }
        Entry::NotEntered(f) => {
            not_entered(f.clone(), "AssumeRole (management account not entered)");
            return None;
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

/// Aggregator results of one account and region, when the aggregator covers them.
fn from_aggregator(
    shared: &Shared<'_>,
    account: &str,
    region: &str,
) -> Option<Vec<crate::inventory::ConfigResource>> {
    shared.aggregated.and_then(|a| a.covered(account, region))
}

async fn pair_region(
    ctx: &Ctx,
    session: &Session,
    shared: &Shared<'_>,
    account: &str,
    region: &str,
) -> RegionInventory {
    let c = RegionClients::new(session, region);
    // Tags of the region's resources, read once before the collectors that use them.
    let tags = tagging::read(ctx, &c.tagging, account, region).await;
    let tags = &tags;
    // Each service's collector reads its part of the region; the parts run
    // concurrently and are absorbed into one inventory. A new service adds one
    // line here (and its client to `RegionClients`).
    let parts: Vec<Part<'_>> = vec![
        Box::pin(async {
            let kms_keys = kms::collect(ctx, &c.kms, account, region, tags).await;
            RegionInventory {
                kms_keys,
                ..RegionInventory::default()
            }
        }),
        Box::pin(async {
            let secrets = secrets::collect(ctx, &c.secrets, account, region).await;
            RegionInventory {
                secrets,
                ..RegionInventory::default()
            }
        }),
        Box::pin(async {
            let dynamodb_tables =
                dynamodb::collect(ctx, &c.dynamodb, account, region, shared.partition, tags).await;
            RegionInventory {
                dynamodb_tables,
                ..RegionInventory::default()
            }
        }),
        Box::pin(async {
            let rds = rds::collect(ctx, &c.rds, account, region).await;
            RegionInventory {
                rds_clusters: rds.clusters,
                rds_global_clusters: rds.global_clusters,
                db_instances: rds.instances,
                ..RegionInventory::default()
            }
        }),
        Box::pin(async {
            let cloudwatch_alarms = cloudwatch::collect(ctx, &c.cloudwatch, account, region).await;
            RegionInventory {
                cloudwatch_alarms,
                ..RegionInventory::default()
            }
        }),
        Box::pin(async {
            let ecr_repositories = ecr::collect(ctx, &c.ecr, account, region).await;
            RegionInventory {
                ecr_repositories,
                ..RegionInventory::default()
            }
        }),
        Box::pin(async {
            let resources = match from_aggregator(shared, account, region) {
                Some(resources) => resources,
                None => config_service::collect(ctx, &c.config, account, region).await,
            };
            RegionInventory {
                resources,
                ..RegionInventory::default()
            }
        }),
    ];
    let mut inventory = RegionInventory {
        region: region.to_string(),
        ..RegionInventory::default()
    };
    for part in futures_util::future::join_all(parts).await {
        inventory.absorb(part);
    }
    ctx.progress.unit_done();
    inventory
}

/// The part of a region one service's collector reads.
type Part<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = RegionInventory> + Send + 'a>>;

async fn sweep_region(
    ctx: &Ctx,
    session: &Session,
    shared: &Shared<'_>,
    account: &str,
    region: &str,
) -> RegionInventory {
    let c = RegionClients::new(session, region);
    let mut resources = sweep::collect(ctx, &c, account, region, shared.partition).await;
    resources.extend(from_aggregator(shared, account, region).unwrap_or_default());
    resources.sort_by(|a, b| a.arn.cmp(&b.arn));
    ctx.progress.unit_done();
    RegionInventory {
        region: region.to_string(),
        resources,
        ..RegionInventory::default()
    }
}
