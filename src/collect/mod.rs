//! Live collection from AWS. The only module that names `aws_sdk_*` types.

use crate::config::Config;
use crate::inventory::Inventory;

/// How to reach and walk the organization.
#[derive(Debug, Clone, Default)]
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
}

/// Why collection could not even start.
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    #[error("live collection is not available in this build")]
    Unavailable,
}

pub async fn collect(
    _config: &Config,
    _options: &CollectOptions,
) -> Result<Inventory, CollectError> {
    Err(CollectError::Unavailable)
}
