//! SDK configuration and clients: the credential chain, retries, timeouts, and one
//! session per account (its own credentials, or an assumed role).
//!
//! Clients are built once per (account, region, service) and shared by every call
//! for that combination, so connection pools and the adaptive retry rate limiter
//! do their job. Each account gets its own retry partition: AWS throttles per
//! account, so one account being throttled must not slow the others down.

use super::credentials::{self, RefreshingRole};
use super::gaps::{classify, Ctx, Failure};
use super::integrity::CompleteXml;
use super::CollectOptions;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use std::sync::Arc;
use std::time::Duration;

/// Region used for global APIs when nothing else says.
pub(crate) const DEFAULT_GLOBAL_REGION: &str = "us-east-1";

/// Attempts for Organizations calls when retries are enabled at all. The walk is a
/// few dozen calls against an API with low, account-wide limits; losing one call
/// loses an OU or an account, so it gets more attempts than the regional reads.
const ORGANIZATIONS_MIN_ATTEMPTS: u32 = 8;

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

/// Who runs the scan: the account, and the partition every ARN is built in.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    pub account: String,
    /// `aws`, `aws-us-gov`, `aws-cn`, ... from the caller's own ARN.
    pub partition: String,
}

/// Who the caller is; the one call that must work for a scan to start.
pub(crate) async fn caller_identity(ctx: &Ctx, config: &SdkConfig) -> Result<Caller, Failure> {
    let sts = aws_sdk_sts::Client::new(config);
    let out = ctx
        .send(sts.get_caller_identity().send())
        .await
        .map_err(|e| classify(&e))?;
    let account = out.account.ok_or_else(|| {
        Failure::new("MalformedResponse", "GetCallerIdentity returned no account")
    })?;
    let partition = out
        .arn
        .as_deref()
        .and_then(crate::analysis::arn::Arn::parse)
        .map(|a| a.partition.to_string())
        .ok_or_else(|| {
            Failure::new(
                "MalformedResponse",
                "GetCallerIdentity returned no parsable ARN: the partition is unknown",
            )
        })?;
    Ok(Caller { account, partition })
}

/// The ARN of a role in an account, in the caller's partition.
pub(crate) fn role_arn(partition: &str, account_id: &str, role_name: &str) -> String {
    format!("arn:{partition}:iam::{account_id}:role/{role_name}")
}

/// The Organizations client: more attempts than the regional reads (see
/// [`ORGANIZATIONS_MIN_ATTEMPTS`]), unless retries were turned off.
pub(crate) fn organizations(base: &SdkConfig, max_attempts: u32) -> aws_sdk_organizations::Client {
    let attempts = if max_attempts > 1 {
        max_attempts.max(ORGANIZATIONS_MIN_ATTEMPTS)
    } else {
        1
    };
    let config = aws_sdk_organizations::config::Builder::from(base)
        .retry_config(RetryConfig::adaptive().with_max_attempts(attempts))
        .build();
    aws_sdk_organizations::Client::from_conf(config)
}

/// A session in an account: its configuration, and the role it came from when it
/// was assumed (so a client can ask for fresh credentials on `ExpiredToken`).
#[derive(Clone)]
pub(crate) struct Session {
    pub account: String,
    pub config: SdkConfig,
    pub role: Option<Arc<RefreshingRole>>,
}

impl Session {
    /// The caller's own credentials.
    pub(crate) fn own(account: &str, base: &SdkConfig) -> Session {
        Session {
            account: account.to_string(),
            config: base.clone(),
            role: None,
        }
    }

    /// An assumed role that re-assumes itself before expiry and on `ExpiredToken`.
    /// Fails (for a gap) when the first AssumeRole fails.
    pub(crate) async fn assume(
        base: &SdkConfig,
        account: &str,
        role_arn: String,
        external_id: Option<&str>,
    ) -> Result<Session, Failure> {
        let role = Arc::new(RefreshingRole::new(base, role_arn, external_id));
        role.prime().await?;
        Ok(Session {
            account: account.to_string(),
            config: credentials::session_config(base, role.clone()),
            role: Some(role),
        })
    }
}

/// The clients of one account in one region.
#[derive(Clone)]
pub(crate) struct RegionClients {
    pub kms: aws_sdk_kms::Client,
    pub secrets: aws_sdk_secretsmanager::Client,
    pub dynamodb: aws_sdk_dynamodb::Client,
    pub rds: aws_sdk_rds::Client,
    pub config: aws_sdk_config::Client,
    pub elasticache: aws_sdk_elasticache::Client,
    pub cloudwatch: aws_sdk_cloudwatch::Client,
    pub ecr: aws_sdk_ecr::Client,
    pub tagging: aws_sdk_resourcegroupstagging::Client,
    pub application_autoscaling: aws_sdk_applicationautoscaling::Client,
    pub lambda: aws_sdk_lambda::Client,
    pub ecs: aws_sdk_ecs::Client,
    pub autoscaling: aws_sdk_autoscaling::Client,
}

/// The configuration of one service client for a session in a region: the
/// session's retry partition, and the expired-token classifier when the session is
/// a role.
macro_rules! service_config {
    ($krate:ident, $session:expr, $config:expr, $region:expr) => {{
        let mut builder = $krate::config::Builder::from($config).retry_partition(
            $krate::config::retry::RetryPartition::new(format!(
                "{}-{}-{}",
                stringify!($krate),
                $session.account,
                $region
            )),
        );
        if let Some(role) = &$session.role {
            builder = builder.retry_classifier(credentials::ExpiredToken::new(role.clone()));
        }
        builder
    }};
}

impl RegionClients {
    pub(crate) fn new(session: &Session, region: &str) -> RegionClients {
        let config = in_region(&session.config, region);
        RegionClients {
            kms: aws_sdk_kms::Client::from_conf(
                service_config!(aws_sdk_kms, session, &config, region).build(),
            ),
            secrets: aws_sdk_secretsmanager::Client::from_conf(
                service_config!(aws_sdk_secretsmanager, session, &config, region).build(),
            ),
            dynamodb: aws_sdk_dynamodb::Client::from_conf(
                service_config!(aws_sdk_dynamodb, session, &config, region).build(),
            ),
            rds: aws_sdk_rds::Client::from_conf(
                service_config!(aws_sdk_rds, session, &config, region)
                    .interceptor(CompleteXml)
                    .build(),
            ),
            config: aws_sdk_config::Client::from_conf(
                service_config!(aws_sdk_config, session, &config, region).build(),
            ),
            elasticache: aws_sdk_elasticache::Client::from_conf(
                service_config!(aws_sdk_elasticache, session, &config, region)
                    .interceptor(CompleteXml)
                    .build(),
            ),
            cloudwatch: aws_sdk_cloudwatch::Client::from_conf(
                service_config!(aws_sdk_cloudwatch, session, &config, region).build(),
            ),
            ecr: aws_sdk_ecr::Client::from_conf(
                service_config!(aws_sdk_ecr, session, &config, region).build(),
            ),
            tagging: aws_sdk_resourcegroupstagging::Client::from_conf(
                service_config!(aws_sdk_resourcegroupstagging, session, &config, region).build(),
            ),
            application_autoscaling: aws_sdk_applicationautoscaling::Client::from_conf(
                service_config!(aws_sdk_applicationautoscaling, session, &config, region).build(),
            ),
            lambda: aws_sdk_lambda::Client::from_conf(
                service_config!(aws_sdk_lambda, session, &config, region).build(),
            ),
            ecs: aws_sdk_ecs::Client::from_conf(
                service_config!(aws_sdk_ecs, session, &config, region).build(),
            ),
            autoscaling: aws_sdk_autoscaling::Client::from_conf(
                service_config!(aws_sdk_autoscaling, session, &config, region)
                    .interceptor(CompleteXml)
                    .build(),
            ),
        }
    }
}

/// The clients of the global services of one account: Route 53 and CloudFront
/// at the partition's global region, Global Accelerator at us-west-2 (the `aws`
/// partition only: the service exists nowhere else).
#[derive(Clone)]
pub(crate) struct GlobalClients {
    pub route53: aws_sdk_route53::Client,
    pub cloudfront: aws_sdk_cloudfront::Client,
    pub globalaccelerator: Option<aws_sdk_globalaccelerator::Client>,
    /// The region Route 53 and CloudFront are signed for.
    pub region: String,
}

/// The region a partition's global services (Route 53, CloudFront) answer in.
pub(crate) fn global_region(partition: &str, fallback: &str) -> String {
    match partition {
        "aws" => DEFAULT_GLOBAL_REGION,
        "aws-cn" => "cn-northwest-1",
        "aws-us-gov" => "us-gov-west-1",
        _ => fallback,
    }
    .to_string()
}

impl GlobalClients {
    /// `fallback` is the region to sign for in a partition whose global region
    /// this build does not know: the account's first pair region.
    pub(crate) fn new(session: &Session, partition: &str, fallback: &str) -> GlobalClients {
        let region = global_region(partition, fallback);
        let config = in_region(&session.config, &region);
        let ga_region = super::globalaccelerator::API_REGION;
        let ga_config = in_region(&session.config, ga_region);
        GlobalClients {
            route53: aws_sdk_route53::Client::from_conf(
                service_config!(aws_sdk_route53, session, &config, &region).build(),
            ),
            cloudfront: aws_sdk_cloudfront::Client::from_conf(
                service_config!(aws_sdk_cloudfront, session, &config, &region).build(),
            ),
            globalaccelerator: (partition == "aws").then(|| {
                aws_sdk_globalaccelerator::Client::from_conf(
                    service_config!(aws_sdk_globalaccelerator, session, &ga_config, ga_region)
                        .build(),
                )
            }),
            region,
        }
    }
}

/// The S3 client of a session in one region: S3 answers for a bucket only at its
/// own region's endpoint. With an endpoint override (a local endpoint has no
/// per-bucket host names) buckets are addressed by path.
pub(crate) fn s3_client(session: &Session, region: &str) -> aws_sdk_s3::Client {
    let config = in_region(&session.config, region);
    let path_style = config.endpoint_url().is_some();
    aws_sdk_s3::Client::from_conf(
        service_config!(aws_sdk_s3, session, &config, region)
            .force_path_style(path_style)
            .interceptor(CompleteXml)
            .build(),
    )
}
