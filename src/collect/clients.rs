//! SDK configuration and clients: the credential chain, retries, timeouts, and one
//! session per account (its own credentials, or an assumed role).
//!
//! Clients are built once per (account, region, service) and shared by every call
//! for that combination, so connection pools and the adaptive retry rate limiter
//! do their job.

use super::gaps::{classify, Ctx, Failure};
use super::CollectOptions;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_sts::config::{Credentials, SharedCredentialsProvider};
use std::time::Duration;

/// Region used for global APIs when nothing else says.
pub(crate) const DEFAULT_GLOBAL_REGION: &str = "us-east-1";

/// Loads the base configuration from the standard chain (`--profile`, environment,
/// SSO, web identity, container and instance metadata). `AWS_ENDPOINT_URL` and the
/// per-service variants are honoured by the loader itself.
pub(crate) async fn base_config(options: &CollectOptions) -> SdkConfig {
    let attempts = options.max_attempts.max(1);
    let operation = options.operation_timeout;
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(options.connect_timeout)
        .operation_timeout(operation)
        .operation_attempt_timeout(
            operation
                .checked_div(attempts)
                .unwrap_or(operation)
                .max(Duration::from_millis(100)),
        )
        .build();
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(RetryConfig::adaptive().with_max_attempts(attempts))
        .timeout_config(timeouts);
    if let Some(profile) = &options.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(endpoint) = &options.endpoint_url {
        loader = loader.endpoint_url(endpoint);
    }
    let config = loader.load().await;
    // `--region` wins; else the chain's region; else the documented default.
    match (&options.region, config.region()) {
        (Some(r), _) => config.to_builder().region(Region::new(r.clone())).build(),
        (None, Some(_)) => config,
        (None, None) => config
            .to_builder()
            .region(Region::new(DEFAULT_GLOBAL_REGION))
            .build(),
    }
}

/// The same configuration pointed at another region.
pub(crate) fn in_region(config: &SdkConfig, region: &str) -> SdkConfig {
    config
        .to_builder()
        .region(Region::new(region.to_string()))
        .build()
}

/// Who the caller is; the one call that must work for a scan to start.
pub(crate) async fn caller_account(ctx: &Ctx, config: &SdkConfig) -> Result<String, Failure> {
    let sts = aws_sdk_sts::Client::new(config);
    let out = ctx
        .send(sts.get_caller_identity().send())
        .await
        .map_err(|e| classify(&e))?;
    out.account
        .ok_or_else(|| Failure::new("ResponseError", "GetCallerIdentity returned no account"))
}

/// Credentials for a member account via STS AssumeRole. Static credentials from
/// the response: a scan is shorter than the one-hour session.
pub(crate) async fn assume_role(
    ctx: &Ctx,
    base: &SdkConfig,
    account_id: &str,
    role_name: &str,
    external_id: Option<&str>,
) -> Result<SdkConfig, Failure> {
    let sts = aws_sdk_sts::Client::new(base);
    let role_arn = format!("arn:aws:iam::{account_id}:role/{role_name}");
    let out = ctx
        .send(
            sts.assume_role()
                .role_arn(&role_arn)
                .role_session_name("regionready")
                .set_external_id(external_id.map(str::to_string))
                .send(),
        )
        .await
        .map_err(|e| classify(&e))?;
    let creds = out.credentials.ok_or_else(|| {
        Failure::new(
            "ResponseError",
            format!("AssumeRole {role_arn} returned no credentials"),
        )
    })?;
    let credentials = Credentials::new(
        creds.access_key_id,
        creds.secret_access_key,
        Some(creds.session_token),
        None,
        "regionready-assume-role",
    );
    Ok(base
        .to_builder()
        .credentials_provider(SharedCredentialsProvider::new(credentials))
        .build())
}

/// The four data-store clients of one account in one region.
#[derive(Clone)]
pub(crate) struct RegionClients {
    pub kms: aws_sdk_kms::Client,
    pub secrets: aws_sdk_secretsmanager::Client,
    pub dynamodb: aws_sdk_dynamodb::Client,
    pub rds: aws_sdk_rds::Client,
    pub config: aws_sdk_config::Client,
}

impl RegionClients {
    pub(crate) fn new(config: &SdkConfig) -> RegionClients {
        RegionClients {
            kms: aws_sdk_kms::Client::new(config),
            secrets: aws_sdk_secretsmanager::Client::new(config),
            dynamodb: aws_sdk_dynamodb::Client::new(config),
            rds: aws_sdk_rds::Client::new(config),
            config: aws_sdk_config::Client::new(config),
        }
    }
}
