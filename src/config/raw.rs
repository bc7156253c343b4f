//! The config file exactly as written, with spans kept for error messages.

use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConfig {
    pub regions: Option<RawRegions>,
    pub residency: Option<RawResidency>,
    pub capacity: Option<RawCapacity>,
    pub organization: Option<RawOrganization>,
    pub rules: Option<RawRules>,
    #[serde(default)]
    pub waivers: Vec<Spanned<RawWaiver>>,
}

/// A region pair as written: `["us-east-1", "eu-west-1"]`, each part with its span.
pub(super) type RawPair = Spanned<Vec<Spanned<String>>>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRegions {
    pub pairs: Option<Spanned<Vec<RawPair>>>,
    pub sanctioned: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    pub overrides: Vec<Spanned<RawOverride>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawOverride {
    pub account: Option<String>,
    pub ou: Option<String>,
    pub tag: Option<String>,
    pub pair: RawPair,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawResidency {
    pub tag_key: Option<String>,
    #[serde(default)]
    pub require_tag: bool,
    #[serde(default)]
    pub classes: BTreeMap<String, Vec<Spanned<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCapacity {
    pub min_ratio: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawOrganization {
    pub role_name: Option<String>,
    pub external_id: Option<String>,
    #[serde(default)]
    pub include_accounts: Vec<Spanned<String>>,
    #[serde(default)]
    pub exclude_accounts: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRules {
    #[serde(default)]
    pub disable: Vec<Spanned<String>>,
    #[serde(default)]
    pub severity: BTreeMap<Spanned<String>, Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawWaiver {
    pub rule: Spanned<String>,
    pub resource: Spanned<String>,
    pub reason: Spanned<String>,
    pub expires: Option<Spanned<toml::Value>>,
}
