//! Assumed-role credentials that last the whole scan.
//!
//! AWS caps a chained role session at one hour, and a large organization takes
//! longer than that to read. A role is therefore re-assumed before its credentials
//! expire, and again whenever AWS answers `ExpiredToken` anyway (clock skew, a
//! session revoked early): the failed attempt is retried with fresh credentials
//! instead of turning the rest of the account into gaps.

use super::gaps::{classify, Failure};
use aws_config::identity::IdentityCache;
use aws_config::SdkConfig;
use aws_credential_types::provider::{error::CredentialsError, future, ProvideCredentials};
use aws_credential_types::Credentials;
use aws_sdk_sts::config::interceptors::InterceptorContext;
use aws_sdk_sts::config::retry::{ClassifyRetry, RetryAction};
use aws_sdk_sts::config::SharedCredentialsProvider;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// Credentials closer than this to their expiry are replaced before use.
const REFRESH_BEFORE_EXPIRY: Duration = Duration::from_secs(5 * 60);

/// Session name every assumed role carries (it shows in CloudTrail).
pub(crate) const SESSION_NAME: &str = "regionready";

/// One role in one account: the current credentials and how to get new ones.
#[derive(Debug)]
pub(crate) struct RefreshingRole {
    sts: aws_sdk_sts::Client,
    role_arn: String,
    external_id: Option<String>,
    current: tokio::sync::Mutex<Option<Credentials>>,
    /// Set when AWS said the current credentials expired.
    stale: AtomicBool,
}

impl RefreshingRole {
    pub(crate) fn new(base: &SdkConfig, role_arn: String, external_id: Option<&str>) -> Self {
        RefreshingRole {
            sts: aws_sdk_sts::Client::new(base),
            role_arn,
            external_id: external_id.map(str::to_string),
            current: tokio::sync::Mutex::new(None),
            stale: AtomicBool::new(false),
        }
    }

    /// The first AssumeRole: whether the account can be entered at all.
    pub(crate) async fn prime(&self) -> Result<(), Failure> {
        let fresh = self.assume().await?;
        *self.current.lock().await = Some(fresh);
        Ok(())
    }

    /// Forgets the current credentials: the next request assumes the role again.
    pub(crate) fn invalidate(&self) {
        self.stale.store(true, Ordering::Release);
    }

    async fn assume(&self) -> Result<Credentials, Failure> {
        let out = self
            .sts
            .assume_role()
            .role_arn(&self.role_arn)
            .role_session_name(SESSION_NAME)
            .set_external_id(self.external_id.clone())
            .send()
            .await
            .map_err(|e| classify(&e))?;
        let creds = out.credentials.ok_or_else(|| {
            Failure::new(
                "MalformedResponse",
                format!("AssumeRole {} returned no credentials", self.role_arn),
            )
        })?;
        let expiry = SystemTime::try_from(creds.expiration).ok();
        Ok(Credentials::new(
            creds.access_key_id,
            creds.secret_access_key,
            Some(creds.session_token),
            expiry,
            "regionready-assume-role",
        ))
    }

    /// Current credentials, re-assumed when missing or about to expire. One
    /// refresh at a time: concurrent requests wait for it and share the result.
    async fn credentials(&self) -> Result<Credentials, CredentialsError> {
        let mut current = self.current.lock().await;
        let stale = self.stale.swap(false, Ordering::AcqRel);
        let fresh_enough = !stale
            && current.as_ref().is_some_and(|c| {
                c.expiry().is_none_or(|at| {
                    at.duration_since(SystemTime::now())
                        .is_ok_and(|left| left > REFRESH_BEFORE_EXPIRY)
                })
            });
        if !fresh_enough {
            let fresh = self.assume().await.map_err(|f| {
                CredentialsError::provider_error(format!(
                    "AssumeRole {} failed with {}: {}",
                    self.role_arn, f.code, f.message
                ))
            })?;
            *current = Some(fresh);
        }
        current
            .clone()
            .ok_or_else(CredentialsError::not_loaded_no_source)
    }
}

#[derive(Debug)]
struct Provider(Arc<RefreshingRole>);

impl ProvideCredentials for Provider {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(self.0.credentials())
    }
}

/// The base configuration with the role's credentials. The SDK's own identity
/// cache is off: the role caches, and must be able to drop what it holds.
pub(crate) fn session_config(base: &SdkConfig, role: Arc<RefreshingRole>) -> SdkConfig {
    base.to_builder()
        .credentials_provider(SharedCredentialsProvider::new(Provider(role)))
        .identity_cache(IdentityCache::no_cache())
        .build()
}

/// Error codes AWS answers when the session token has expired.
const EXPIRED_CODES: &[&str] = &["ExpiredToken", "ExpiredTokenException", "RequestExpired"];

/// Retries a request that failed with an expired token, after dropping the
/// credentials that caused it.
#[derive(Debug)]
pub(crate) struct ExpiredToken(Arc<RefreshingRole>);

impl ExpiredToken {
    pub(crate) fn new(role: Arc<RefreshingRole>) -> Self {
        ExpiredToken(role)
    }
}

/// Whether an error body names an expired token: `"__type":"...ExpiredTokenException"`
/// (JSON protocols) or `<Code>ExpiredToken</Code>` (query protocol).
pub(crate) fn names_expired_token(body: &[u8]) -> bool {
    let text = String::from_utf8_lossy(body);
    EXPIRED_CODES.iter().any(|code| {
        text.contains(&format!("<Code>{code}</Code>"))
            || text.contains(&format!("#{code}\""))
            || text.contains(&format!("\"{code}\""))
    })
}

impl ClassifyRetry for ExpiredToken {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        let Some(response) = ctx.response() else {
            return RetryAction::NoActionIndicated;
        };
        let status = response.status().as_u16();
        let expired = (400..500).contains(&status)
            && response.body().bytes().is_some_and(names_expired_token);
        if expired {
            self.0.invalidate();
            RetryAction::transient_error()
        } else {
            RetryAction::NoActionIndicated
        }
    }

    fn name(&self) -> &'static str {
        "regionready expired token"
    }
}

#[cfg(test)]
mod tests {
    use super::names_expired_token;

    #[test]
    fn expired_token_is_recognised_in_both_protocols() {
        assert!(names_expired_token(
            br#"{"__type":"com.amazonaws.kms#ExpiredTokenException","message":"x"}"#
        ));
        assert!(names_expired_token(
            br#"{"__type":"ExpiredTokenException","message":"x"}"#
        ));
        assert!(names_expired_token(
            b"<ErrorResponse><Error><Code>ExpiredToken</Code></Error></ErrorResponse>"
        ));
        assert!(!names_expired_token(
            br#"{"__type":"AccessDeniedException","message":"ExpiredToken is not this"}"#
        ));
    }
}
