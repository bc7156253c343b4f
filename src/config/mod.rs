//! `regionready.toml`: parsed raw (keeping spans), then validated into a [`Config`].
//!
//! Every problem is collected with its `file:line:column` before anything runs, so a
//! user fixes a config in one pass instead of one error per run.

mod raw;
mod validate;

pub use validate::{
    is_region_code, unknown_rule_ids, validate_rule_references, ConfigError, RuleMention,
};

use crate::severity::Severity;
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// The commented default written by `regionready init`.
pub const DEFAULT_CONFIG: &str = include_str!("default.toml");

/// A validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where it was read from, for messages (`<default>`, `<demo>` or a path).
    pub origin: String,
    /// Region pairs; the first is the default pair.
    pub pairs: Vec<RegionPair>,
    pub sanctioned: Vec<String>,
    /// Which accounts get which pair, checked in order: account, tag, OU.
    pub pair_overrides: Vec<PairOverride>,
    pub residency: Residency,
    pub capacity: Capacity,
    pub organization: OrganizationSettings,
    pub rules: RuleSettings,
    pub waivers: Vec<Waiver>,
    /// Accepted but worth saying, each a `file:line:column: message` line (a region
    /// newer than this build).
    pub warnings: Vec<String>,
}

/// Two regions that serve the same workload active-active.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegionPair(pub String, pub String);

impl RegionPair {
    /// `us-east-1+eu-west-1`, the id used in reports and JSON.
    pub fn id(&self) -> String {
        format!("{}+{}", self.0, self.1)
    }

    pub fn contains(&self, region: &str) -> bool {
        self.0 == region || self.1 == region
    }

    /// The other region of the pair, when `region` is one of them.
    pub fn partner(&self, region: &str) -> Option<&str> {
        if self.0 == region {
            Some(&self.1)
        } else if self.1 == region {
            Some(&self.0)
        } else {
            None
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PairOverride {
    pub selector: AccountSelector,
    pub pair: RegionPair,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum AccountSelector {
    Account(String),
    /// An OU by name anywhere on the account's OU path.
    OrganizationalUnit(String),
    /// An account tag `key=value`.
    Tag(String, String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Residency {
    pub tag_key: String,
    /// Residency class -> regions where data of that class may be stored.
    pub classes: BTreeMap<String, Vec<String>>,
    /// Whether data stores must carry the residency tag (rule RR-RES-002).
    pub require_tag: bool,
}

/// `[capacity]`: how much of the other region's serving capacity each region of a
/// pair must hold at minimum.
#[derive(Debug, Clone, PartialEq)]
pub struct Capacity {
    /// Partner capacity / this region's capacity below which a capacity rule fails.
    /// 1.0 (the default) is the seeds' rule: each region can take the whole load
    /// while the other is lost.
    pub min_ratio: f64,
}

impl Capacity {
    pub const DEFAULT_MIN_RATIO: f64 = 1.0;
}

#[derive(Debug, Clone, PartialEq)]
pub struct OrganizationSettings {
    pub role_name: String,
    pub external_id: Option<String>,
    /// When non-empty, only these accounts are scanned and scored.
    pub include_accounts: Vec<String>,
    pub exclude_accounts: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct RuleSettings {
    pub disable: Vec<String>,
    pub severity: BTreeMap<String, Severity>,
    /// Line of each rule id mentioned, for errors about unknown ids.
    pub mentions: Vec<(String, usize)>,
}

/// An accepted risk: a rule that may fail for matching resources until `expires`.
#[derive(Debug, Clone)]
pub struct Waiver {
    pub rule: String,
    /// Glob over the resource ARN (`*` and `?`).
    pub resource: String,
    pub reason: String,
    pub expires: Option<NaiveDate>,
    pub line: usize,
    /// Parsed (so its syntax is checked at load) but compiled to a matcher only on
    /// first use: compiling is most of the cost of a waiver, and a config with tens
    /// of thousands of them should validate in moments.
    pub(crate) glob: globset::Glob,
    pub(crate) matcher: std::sync::OnceLock<globset::GlobMatcher>,
}

impl Waiver {
    pub fn matches(&self, rule_id: &str, arn: &str) -> bool {
        self.rule == rule_id
            && self
                .matcher
                .get_or_init(|| self.glob.compile_matcher())
                .is_match(arn)
    }

    pub fn is_expired(&self, today: NaiveDate) -> bool {
        self.expires.is_some_and(|e| e < today)
    }
}

impl Config {
    /// Parses and validates a config file's text; `origin` labels errors.
    pub fn parse(text: &str, origin: &str) -> Result<Config, ConfigError> {
        validate::parse_and_validate(text, origin)
    }

    /// Reads a config file.
    pub fn load(path: &std::path::Path) -> Result<Config, ConfigError> {
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| {
            ConfigError::one(
                &origin,
                crate::diagnostics::Code::ConfigRead,
                format!("{origin}: cannot read config: {e}"),
            )
        })?;
        Config::parse(&text, &origin)
    }

    /// The built-in default (the same text `init` writes).
    pub fn default_config() -> Config {
        Config::parse(DEFAULT_CONFIG, "<default>").expect("the default config is valid")
    }

    /// Whether an account is in scope of the scan.
    pub fn account_in_scope(&self, account_id: &str) -> bool {
        let org = &self.organization;
        (org.include_accounts.is_empty() || org.include_accounts.iter().any(|a| a == account_id))
            && !org.exclude_accounts.iter().any(|a| a == account_id)
    }

    /// The pair an account runs on: the first matching override, else the default pair.
    pub fn pair_for(
        &self,
        account_id: &str,
        ou_path: &[String],
        tags: Option<&crate::inventory::Tags>,
    ) -> &RegionPair {
        let matches = |selector: &AccountSelector| match selector {
            AccountSelector::Account(id) => id == account_id,
            AccountSelector::OrganizationalUnit(name) => ou_path.iter().any(|ou| ou == name),
            AccountSelector::Tag(key, value) => {
                tags.and_then(|t| t.get(key)).is_some_and(|v| v == value)
            }
        };
        // Account overrides win over tag overrides, which win over OU overrides.
        for rank in 0..3 {
            for o in &self.pair_overrides {
                let this_rank = match o.selector {
                    AccountSelector::Account(_) => 0,
                    AccountSelector::Tag(..) => 1,
                    AccountSelector::OrganizationalUnit(_) => 2,
                };
                if this_rank == rank && matches(&o.selector) {
                    return &o.pair;
                }
            }
        }
        &self.pairs[0]
    }
}
