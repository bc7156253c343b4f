//! Live collection from AWS. The only module that names `aws_sdk_*` types.
//!
//! Read-only by construction: every call is a List/Describe/Get-metadata call that
//! `docs/iam-policy.json` grants, and a test keeps the two in step. Failures are
//! data: anything that cannot be read becomes a [`Gap`](crate::inventory::Gap) and
//! the rest of the estate is still read. Only when nothing at all can be reached
//! (no credentials, STS unreachable) does collection fail.

mod accounts;
mod clients;
mod config_service;
mod dynamodb;
pub(crate) mod gaps;
mod kms;
mod org;
mod progress;
mod rds;
mod secrets;
mod sweep;

pub use config_service::COMPUTE_TYPES;
pub use sweep::DEFAULT_SWEEP_REGIONS;

use crate::config::Config;
use crate::inventory::{CollectionSource, Inventory, SCHEMA_VERSION};
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
}

/// Reads the estate. Partial results are normal: see `Inventory.gaps`.
pub async fn collect(config: &Config, options: &CollectOptions) -> Result<Inventory, CollectError> {
    let ctx = gaps::Ctx::new(options.concurrency, progress::Progress::new(options.quiet));
    let base = clients::base_config(options).await;
    let caller = match clients::caller_account(&ctx, &base).await {
        Ok(id) => id,
        Err(f) => {
            ctx.progress.finish();
            return Err(CollectError::NoAccess {
                code: f.code,
                message: f.message,
            });
        }
    };
    let organization = org::walk(&ctx, &aws_sdk_organizations::Client::new(&base), &caller).await;

    let mut targets: Vec<String> = match &organization {
        Some(org) => org
            .accounts
            .iter()
            .filter(|a| a.is_active())
            .map(|a| a.id.clone())
            .collect(),
        None if !options.accounts.is_empty() => options.accounts.clone(),
        None => vec![caller.clone()],
    };
    targets.retain(|id| options.accounts.is_empty() || options.accounts.contains(id));
    targets.retain(|id| config.account_in_scope(id));

    let sweep_list: Vec<String> = match &options.sweep_regions {
        Some(list) => list.clone(),
        None => DEFAULT_SWEEP_REGIONS
            .iter()
            .map(|r| r.to_string())
            .collect(),
    };
    let plans: Vec<AccountPlan> = targets
        .into_iter()
        .map(|id| {
            let (ou_path, tags) = match &organization {
                Some(org) => (
                    org.ou_path(&id),
                    org.account(&id).and_then(|a| a.tags.clone()),
                ),
                None => (Vec::new(), None),
            };
            let pair = config.pair_for(&id, &ou_path, tags.as_ref());
            let pair_regions = vec![pair.0.clone(), pair.1.clone()];
            let mut sweep_regions: Vec<String> = sweep_list
                .iter()
                .chain(config.sanctioned.iter())
                .filter(|r| !pair.contains(r))
                .cloned()
                .collect();
            sweep_regions.sort();
            sweep_regions.dedup();
            AccountPlan {
                is_caller: id == caller,
                account_id: id,
                pair_regions,
                sweep_regions,
            }
        })
        .collect();
    ctx.progress.add_units(
        plans
            .iter()
            .map(|p| (p.pair_regions.len() + p.sweep_regions.len()) as u64)
            .sum(),
    );

    let aggregated = config_service::aggregated(&ctx, &aws_sdk_config::Client::new(&base)).await;
    let shared = Shared {
        role_name: &config.organization.role_name,
        external_id: options
            .external_id
            .as_deref()
            .or(config.organization.external_id.as_deref()),
        aggregated: aggregated.as_ref(),
    };
    let mut accounts: Vec<_> = join_all(
        plans
            .into_iter()
            .map(|plan| accounts::collect(&ctx, &base, &shared, plan)),
    )
    .await
    .into_iter()
    .flatten()
    .collect();
    accounts.sort_by(|a, b| a.account_id.cmp(&b.account_id));
    ctx.progress.finish();

    let mut gaps = ctx.take_gaps();
    gaps.sort_by(|a, b| {
        (&a.account_id, &a.region, &a.service, &a.message).cmp(&(
            &b.account_id,
            &b.region,
            &b.service,
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
