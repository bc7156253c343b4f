//! Live collection from AWS. The only module that names `aws_sdk_*` types.
//!
//! Read-only by construction: every call is a List/Describe/Get-metadata call that
//! `docs/iam-policy.json` grants, and a test keeps the two in step. Failures are
//! data: anything that cannot be read becomes a [`Gap`](crate::inventory::Gap) and
//! the rest of the estate is still read. Only when nothing at all can be reached
//! (no credentials, STS unreachable) does collection fail.

mod accounts;
mod autoscaling;
mod autoscaling_targets;
mod clients;
mod cloudfront;
mod cloudwatch;
mod config_service;
mod credentials;
mod dynamodb;
mod ecr;
mod ecs;
mod elasticache;
pub(crate) mod gaps;
mod globalaccelerator;
mod integrity;
mod kms;
mod lambda;
mod org;
mod pacing;
mod plan;
mod progress;
mod rds;
mod route53;
mod s3;
mod secrets;
mod services;
mod sweep;
mod table_capacity;
mod tagging;

pub use services::{actions, iam_action, iam_policy_json, service, Service, SERVICES};
pub use sweep::DEFAULT_SWEEP_REGIONS;

use crate::config::Config;
use crate::inventory::Gap;
use crate::inventory::{
    AccountInventory, CollectionSource, Inventory, Organization, SCHEMA_VERSION,
};
use accounts::{AccountPlan, Shared};
use futures_util::future::join_all;
use std::time::Duration;

/// Default bound on requests in flight.
pub const DEFAULT_CONCURRENCY: usize = 32;
/// Default TCP connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Default budget of one operation, all retry attempts included.
pub const DEFAULT_OPERATION_TIMEOUT: Duration = Duration::from_secs(30);
/// Default attempts per operation (adaptive retry mode).
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;

/// How to reach and walk the organization.
#[derive(Debug, Clone)]
pub struct CollectOptions {
    /// Named profile from the shared AWS config.
    pub profile: Option<String>,
    /// Region for global APIs (Organizations, STS).
    pub region: Option<String>,
    /// Restrict the scan to these accounts.
    pub accounts: Vec<String>,
    /// Maximum requests in flight.
    pub concurrency: usize,
    /// No progress display.
    pub quiet: bool,
    /// Endpoint for every service (as `AWS_ENDPOINT_URL` would set), for emulators.
    pub endpoint_url: Option<String>,
    /// Overrides `organization.external_id` of the config.
    pub external_id: Option<String>,
    /// Role to read the management account with when the scan runs from a
    /// delegated administrator (the member role does not exist there).
    pub management_role: Option<String>,
    /// Regions swept outside each account's pair; `None` = [`DEFAULT_SWEEP_REGIONS`].
    pub sweep_regions: Option<Vec<String>>,
    pub connect_timeout: Duration,
    /// Budget of one operation including retries; each attempt gets an equal share.
    pub operation_timeout: Duration,
    pub max_attempts: u32,
}

impl Default for CollectOptions {
    fn default() -> Self {
        CollectOptions {
            profile: None,
            region: None,
            accounts: Vec::new(),
            concurrency: DEFAULT_CONCURRENCY,
            quiet: false,
            endpoint_url: None,
            external_id: None,
            management_role: None,
            sweep_regions: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            operation_timeout: DEFAULT_OPERATION_TIMEOUT,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
        }
    }
}

/// Why collection could not even start.
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    /// STS GetCallerIdentity failed: no usable credentials or no reachable endpoint.
    #[error("cannot start live collection: sts:GetCallerIdentity failed with {code}: {message} (check credentials, --profile, --region and AWS_ENDPOINT_URL)")]
    NoAccess { code: String, message: String },
    /// The caller was identified, then nothing else could be reached: every account
    /// failed with a connection error or a timeout.
    #[error("live collection reached nothing: every account failed with {code} ({gaps} gaps; first: {first})")]
    Unreachable {
        code: String,
        gaps: usize,
        first: String,
    },
}

/// Reads the estate. Partial results are normal: see `Inventory.gaps`.
/// Runs [`collect`] on a multi-threaded runtime of its own: the CLI is
/// synchronous, and the collection is the only part of it that waits on the network.
pub fn collect_blocking(
    config: &Config,
    options: &CollectOptions,
) -> Result<Inventory, crate::exit::Failure> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            crate::exit::Failure::collection(format!("cannot start the async runtime: {e}"))
        })?;
    runtime
        .block_on(collect(config, options))
        .map_err(crate::exit::Failure::collection)
}

pub async fn collect(config: &Config, options: &CollectOptions) -> Result<Inventory, CollectError> {
    let ctx = gaps::Ctx::new(options.concurrency, progress::Progress::new(options.quiet));
    let base = clients::base_config(options).await;
    let caller = match clients::caller_identity(&ctx, &base).await {
        Ok(caller) => caller,
        Err(f) => {
            ctx.progress.finish();
            return Err(CollectError::NoAccess {
                code: f.code,
                message: f.message,
            });
        }
    };
    // The accounts of the organization and the Config aggregator do not depend on
    // each other.
    let config_client = aws_sdk_config::Client::new(&base);
    let org_client = clients::organizations(&base, options.max_attempts);
    let (listing, aggregated) = tokio::join!(
        org::list(&ctx, &org_client, &caller.account),
        config_service::aggregated(
            &ctx,
            &config_client,
            &caller.account,
            base.region()
                .map_or(clients::DEFAULT_GLOBAL_REGION, |r| r.as_ref()),
        )
    );
    let aggregated = aggregated.map(|mut a| {
        a.set_organization(listing.as_ref().and_then(org::Listing::id));
        a
    });
    let shared = Shared {
        external_id: options
            .external_id
            .as_deref()
            .or(config.organization.external_id.as_deref()),
        partition: &caller.partition,
        aggregated: aggregated.as_ref(),
    };
    let read_accounts = |organization: Option<&Organization>| {
        let plans = plans(config, options, &caller, organization);
        ctx.progress.add_units(
            plans
                .iter()
                .map(|p| (p.pair_regions.len() + p.sweep_regions.len()) as u64)
                .sum(),
        );
        let planned = plans.len();
        let shared = &shared;
        let ctx = &ctx;
        let base = &base;
        async move {
            let accounts: Vec<AccountInventory> = join_all(
                plans
                    .into_iter()
                    .map(|plan| accounts::collect(ctx, base, shared, plan)),
            )
            .await
            .into_iter()
            .flatten()
            .collect();
            (planned, accounts)
        }
    };
    // Where no pair depends on an account's OU or tags, the accounts are read while
    // the rest of the organization (tree, tags, policies) is: the scan does not wait
    // for a walk whose result cannot change what it reads.
    let (organization, (planned, mut accounts)) = match listing {
        None => (None, read_accounts(None).await),
        Some(listing) if plan::placement_free(config) => {
            let provisional = listing.provisional(&caller.account);
            let (organization, read) = tokio::join!(
                org::complete(&ctx, &org_client, &caller.account, listing),
                read_accounts(Some(&provisional))
            );
            (Some(organization), read)
        }
        Some(listing) => {
            let organization = org::complete(&ctx, &org_client, &caller.account, listing).await;
            let read = read_accounts(Some(&organization)).await;
            (Some(organization), read)
        }
    };
    accounts.sort_by(|a, b| a.account_id.cmp(&b.account_id));
    ctx.progress.finish();

    let mut gaps = ctx.take_gaps();
    if planned > 0 && accounts.is_empty() {
        if let Some(code) = unreachable_code(&gaps) {
            return Err(CollectError::Unreachable {
                code,
                gaps: gaps.len(),
                first: gaps
                    .first()
                    .map(|g| format!("{} {}", g.account_id, g.message))
                    .unwrap_or_default(),
            });
        }
    }
    gaps.sort_by(|a, b| {
        (
            &a.account_id,
            &a.region,
            &a.service,
            &a.operation,
            &a.message,
        )
            .cmp(&(
                &b.account_id,
                &b.region,
                &b.service,
                &b.operation,
                &b.message,
            ))
    });
    Ok(Inventory {
        schema_version: SCHEMA_VERSION.to_string(),
        collected_at: Some(chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        source: Some(CollectionSource {
            kind: "live".to_string(),
            tool_version: Some(env!("CARGO_PKG_VERSION").to_string()),
            outside_pair_sources: match &aggregated {
                Some(_) => vec![
                    config_service::AGGREGATOR_SOURCE.to_string(),
                    sweep::SOURCE.to_string(),
                ],
                None => vec![sweep::SOURCE.to_string()],
            },
        }),
        organization,
        accounts,
        gaps,
    })
}

/// What to read in each account in scope: the accounts the organization lists as
/// `ACTIVE` (else `--accounts`, else the caller's), each with its regions and entry.
fn plans(
    config: &Config,
    options: &CollectOptions,
    caller: &clients::Caller,
    organization: Option<&Organization>,
) -> Vec<AccountPlan> {
    let mut targets: Vec<String> = match organization {
        Some(org) => org
            .accounts
            .iter()
            .filter(|a| a.is_active())
            .map(|a| a.id.clone())
            .collect(),
        None if !options.accounts.is_empty() => options.accounts.clone(),
        None => vec![caller.account.clone()],
    };
    targets.retain(|id| options.accounts.is_empty() || options.accounts.contains(id));
    targets.retain(|id| config.account_in_scope(id));
    let sweep_list = sweep::regions(options.sweep_regions.as_deref(), &caller.partition);
    let management = organization.and_then(|o| o.management_account_id.clone());
    targets
        .into_iter()
        .map(|id| {
            let pair_regions = plan::pair_regions(config, organization, &id);
            let mut sweep_regions: Vec<String> = sweep_list
                .iter()
                .chain(config.sanctioned.iter())
                .filter(|r| !pair_regions.contains(r))
                .cloned()
                .collect();
            sweep_regions.sort();
            sweep_regions.dedup();
            let entry = plan::entry(
                &id,
                caller,
                management.as_deref(),
                &config.organization.role_name,
                options.management_role.as_deref(),
            );
            AccountPlan {
                account_id: id,
                entry,
                pair_regions,
                sweep_regions,
            }
        })
        .collect()
}

/// The code shared by every gap when all of them are transport failures: then the
/// endpoint, not AWS's answers, is what is missing.
fn unreachable_code(gaps: &[Gap]) -> Option<String> {
    let first = gaps.first()?.error_code.clone();
    let transport = ["ConnectionError", "Timeout"];
    gaps.iter()
        .all(|g| transport.contains(&g.error_code.as_str()))
        .then_some(first)
}
