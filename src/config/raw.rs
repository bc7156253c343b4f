//! The config file exactly as written, with spans kept for error messages.

use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConfig {
    pub regions: Option<RawRegions>,
    pub residency: Option<RawResidency>,
    pub organization: Option<RawOrganization>,
    pub rules: Option<RawRules>,
    #[serde(default)]
    pub waivers: Vec<Spanned<RawWaiver>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRegions {
    #[allow(clippy::type_complexity)] // mirrors the TOML nesting: spans at every level
    pub pairs: Option<Spanned<Vec<Spanned<Vec<Spanned<String>>>>>>,
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
    pub pair: Spanned<Vec<Spanned<String>>>,
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
