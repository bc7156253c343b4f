//! One account: its session, its region pair, then every region read in parallel
//! (full reads in the pair, a cheap listing elsewhere).

use super::clients::{GlobalClients, RegionClients, Session};
use super::config_service::{self, Aggregated};
use super::gaps::Ctx;
use super::plan::Entry;
use super::{
    autoscaling, autoscaling_targets, cloudfront, cloudwatch, dynamodb, ecr, ecs, elasticache,
    globalaccelerator, kms, lambda, rds, route53, s3, secrets, sweep, tagging,
};
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
    // The global services are read once, with the part of the first pair region
    // (the plan sorts the pair: the same region on every scan).
    let first = plan.pair_regions.first().map(String::as_str);
    let full = plan
        .pair_regions
        .iter()
        .map(|r| pair_region(ctx, &session, shared, account, r, first == Some(r.as_str())));
    let cheap = plan
        .sweep_regions
        .iter()
        .map(|r| sweep_region(ctx, &session, shared, account, r));
    // S3 lists every bucket of the account at once: one account-wide read, whose
    // buckets are then filed under the regions read.
    let buckets = s3::collect(
        ctx,
        &session,
        shared.partition,
        &plan.pair_regions,
        &plan.sweep_regions,
    );
    let (full, swept, mut buckets) = tokio::join!(join_all(full), join_all(cheap), buckets);
    let mut regions = Vec::with_capacity(full.len() + swept.len());
    // A bucket's tags are listed by the Tagging API of its own region.
    for (mut region, tags) in full {
        if let Some(mut list) = buckets.pair.remove(&region.region) {
            for bucket in &mut list {
                bucket.tags = tags.get(&bucket.arn);
            }
            region.s3_buckets = list;
        }
        regions.push(region);
    }
    regions.extend(swept);
    for region in &mut regions {
        if let Some(list) = buckets.swept.remove(&region.region) {
            add_listed(&mut region.resources, list);
        }
    }
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

/// A part that fills one list of the region's inventory with what a collector
/// returns.
macro_rules! part {
    ($list:ident = $collect:expr) => {
        Box::pin(async {
            RegionInventory {
                $list: $collect.await,
                ..RegionInventory::default()
            }
        })
    };
}

async fn pair_region(
    ctx: &Ctx,
    session: &Session,
    shared: &Shared<'_>,
    account: &str,
    region: &str,
    first_pair_region: bool,
) -> (RegionInventory, tagging::RegionTags) {
    let c = RegionClients::new(session, region);
    // Tags of the region's resources: read once, with the other reads, by the
    // first part below; the collectors that attach tags wait for it at their end.
    let shared_tags = tagging::SharedTags::new(ctx, &c.tagging, account, region);
    let tags = &shared_tags;
    // Each service's collector reads its part of the region; the parts run
    // concurrently and are absorbed into one inventory. A new service adds one
    // line here (and its client to `RegionClients`).
    let parts: Vec<Part<'_>> = vec![
        Box::pin(async {
            tags.get().await;
            RegionInventory::default()
        }),
        part!(kms_keys = kms::collect(ctx, &c.kms, account, region, tags)),
        part!(secrets = secrets::collect(ctx, &c.secrets, account, region)),
        Box::pin(async {
            let mut dynamodb_tables =
                dynamodb::collect(ctx, &c.dynamodb, account, region, shared.partition, tags).await;
            autoscaling_targets::attach(
                ctx,
                &c.application_autoscaling,
                account,
                region,
                &mut dynamodb_tables,
            )
            .await;
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
        part!(
            elasticache_replication_groups =
                elasticache::collect(ctx, &c.elasticache, account, region, tags)
        ),
        part!(cloudwatch_alarms = cloudwatch::collect(ctx, &c.cloudwatch, account, region)),
        part!(lambda_functions = lambda::collect(ctx, &c.lambda, account, region)),
        part!(ecs_services = ecs::collect(ctx, &c.ecs, account, region)),
        part!(autoscaling_groups = autoscaling::collect(ctx, &c.autoscaling, account, region)),
        part!(ecr_repositories = ecr::collect(ctx, &c.ecr, account, region)),
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
    let mut parts = parts;
    if first_pair_region {
        parts.push(Box::pin(global(ctx, session, shared, account, region)));
    }
    let mut inventory = RegionInventory {
        region: region.to_string(),
        ..RegionInventory::default()
    };
    for part in futures_util::future::join_all(parts).await {
        inventory.absorb(part);
    }
    ctx.progress.unit_done();
    (inventory, tags.get().await.clone())
}

/// Adds listed resources a region does not hold yet: AWS Config may already
/// report them, with more detail, and one ARN is filed once.
fn add_listed(
    resources: &mut Vec<crate::inventory::ConfigResource>,
    listed: Vec<crate::inventory::ConfigResource>,
) {
    let known: std::collections::HashSet<String> =
        resources.iter().map(|r| r.arn.clone()).collect();
    resources.extend(listed.into_iter().filter(|r| !known.contains(&r.arn)));
    resources.sort_by(|a, b| a.arn.cmp(&b.arn));
}

/// The global services of the account (Route 53, Global Accelerator,
/// CloudFront), read once and filed in its first pair region: their views are
/// judged under `global` whatever region holds them.
async fn global(
    ctx: &Ctx,
    session: &Session,
    shared: &Shared<'_>,
    account: &str,
    region: &str,
) -> RegionInventory {
    let g = GlobalClients::new(session, shared.partition, region);
    let accelerators = async {
        match &g.globalaccelerator {
            Some(client) => globalaccelerator::collect(ctx, client, account).await,
            None => Vec::new(),
        }
    };
    let (route53, global_accelerators, cloudfront_distributions) = tokio::join!(
        route53::collect(ctx, &g.route53, account, &g.region, shared.partition),
        accelerators,
        cloudfront::collect(ctx, &g.cloudfront, account, &g.region),
    );
    RegionInventory {
        route53_record_groups: route53.groups,
        route53_health_checks: route53.health_checks,
        global_accelerators,
        cloudfront_distributions,
        ..RegionInventory::default()
    }
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
