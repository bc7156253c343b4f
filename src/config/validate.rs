//! Raw config -> [`Config`], collecting every error with its location.

use super::raw::{RawConfig, RawOverride};
use super::{
    AccountSelector, Config, OrganizationSettings, PairOverride, RegionPair, Residency,
    RuleSettings, Waiver,
};
use crate::rules::Severity;
use crate::span::{line_col, located, toml_error};
use chrono::NaiveDate;
use std::collections::BTreeMap;
use toml::Spanned;

/// One or more config problems, each a complete `file:line:column: message` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub errors: Vec<String>,
}

impl ConfigError {
    pub fn one(message: String) -> Self {
        ConfigError {
            errors: vec![message],
        }
    }
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.errors.join("\n"))
    }
}

impl std::error::Error for ConfigError {}

/// Accumulates errors against one source text.
struct Checker<'a> {
    origin: &'a str,
    text: &'a str,
    errors: Vec<String>,
}

impl Checker<'_> {
    fn error_at(&mut self, offset: usize, message: impl std::fmt::Display) {
        self.errors
            .push(located(self.origin, self.text, offset, message));
    }

    fn line(&self, offset: usize) -> usize {
        line_col(self.text, offset).0
    }

    fn region(&mut self, region: &Spanned<String>) -> String {
        if !is_region_code(region.get_ref()) {
            self.error_at(
                region.span().start,
                format!("{:?} is not an AWS region code", region.get_ref()),
            );
        }
        region.get_ref().clone()
    }

    fn pair(&mut self, pair: &Spanned<Vec<Spanned<String>>>) -> Option<RegionPair> {
        let regions: Vec<String> = pair.get_ref().iter().map(|r| self.region(r)).collect();
        match regions.as_slice() {
            [a, b] if a != b => Some(RegionPair(a.clone(), b.clone())),
            [a, b] if a == b => {
                self.error_at(
                    pair.span().start,
                    format!("a region pair needs two different regions, got {a:?} twice"),
                );
                None
            }
            _ => {
                self.error_at(
                    pair.span().start,
                    format!(
                        "a region pair has exactly two regions, got {}",
                        regions.len()
                    ),
                );
                None
            }
        }
    }

    fn account_id(&mut self, id: &Spanned<String>) -> String {
        if id.get_ref().len() != 12 || !id.get_ref().bytes().all(|b| b.is_ascii_digit()) {
            self.error_at(
                id.span().start,
                format!("{:?} is not a 12-digit AWS account id", id.get_ref()),
            );
        }
        id.get_ref().clone()
    }
}

/// Region codes such as `us-east-1`, `eu-central-2`, `us-gov-west-1`.
pub fn is_region_code(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts
            .iter()
            .take(parts.len() - 1)
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts[parts.len() - 1].parse::<u8>().is_ok()
}

pub(super) fn parse_and_validate(text: &str, origin: &str) -> Result<Config, ConfigError> {
    let raw: RawConfig =
        toml::from_str(text).map_err(|e| ConfigError::one(toml_error(origin, text, &e)))?;
    let mut c = Checker {
        origin,
        text,
        errors: Vec::new(),
    };

    let regions = raw.regions;
    let pairs: Vec<RegionPair> = match regions.as_ref().and_then(|r| r.pairs.as_ref()) {
        Some(pairs) if pairs.get_ref().is_empty() => {
            c.error_at(pairs.span().start, "regions.pairs needs at least one pair");
            Vec::new()
        }
        Some(pairs) => pairs.get_ref().iter().filter_map(|p| c.pair(p)).collect(),
        None => vec![RegionPair("us-east-1".into(), "eu-west-1".into())],
    };
    let sanctioned: Vec<String> = match regions.as_ref().and_then(|r| r.sanctioned.as_ref()) {
        Some(list) => list.iter().map(|r| c.region(r)).collect(),
        None => {
            let mut all: Vec<String> = pairs
                .iter()
                .flat_map(|p| [p.0.clone(), p.1.clone()])
                .collect();
            all.dedup();
            all
        }
    };
    let mut pair_overrides = Vec::new();
    for o in regions
        .as_ref()
        .map(|r| r.overrides.as_slice())
        .unwrap_or_default()
    {
        if let Some(parsed) = override_of(&mut c, o) {
            pair_overrides.push(parsed);
        }
    }
    // A pair region that is not sanctioned contradicts itself: RR-REG-001 would
    // flag the very regions the estate is meant to run in.
    let text_offset_of_sanctioned = regions
        .as_ref()
        .and_then(|r| r.sanctioned.as_ref())
        .and_then(|s| s.first())
        .map_or(0, |s| s.span().start);
    for pair in pairs.iter().chain(pair_overrides.iter().map(|o| &o.pair)) {
        for region in [&pair.0, &pair.1] {
            if !sanctioned.contains(region) {
                c.error_at(
                    text_offset_of_sanctioned,
                    format!(
                        "regions.sanctioned must include {region:?}, a region of pair {}",
                        pair.id()
                    ),
                );
            }
        }
    }

    let residency = match raw.residency {
        Some(r) => {
            let mut classes = BTreeMap::new();
            for (class, list) in &r.classes {
                classes.insert(
                    class.clone(),
                    list.iter().map(|region| c.region(region)).collect(),
                );
            }
            Residency {
                tag_key: r.tag_key.unwrap_or_else(|| "data-residency".into()),
                classes,
                require_tag: r.require_tag,
            }
        }
        None => Residency {
            tag_key: "data-residency".into(),
            classes: BTreeMap::new(),
            require_tag: false,
        },
    };

    let organization = match raw.organization {
        Some(o) => OrganizationSettings {
            role_name: o
                .role_name
                .unwrap_or_else(|| "OrganizationAccountAccessRole".into()),
            external_id: o.external_id,
            include_accounts: o.include_accounts.iter().map(|a| c.account_id(a)).collect(),
            exclude_accounts: o.exclude_accounts.iter().map(|a| c.account_id(a)).collect(),
        },
        None => OrganizationSettings {
            role_name: "OrganizationAccountAccessRole".into(),
            external_id: None,
            include_accounts: Vec::new(),
            exclude_accounts: Vec::new(),
        },
    };

    let mut rules = RuleSettings::default();
    if let Some(r) = raw.rules {
        for id in &r.disable {
            rules
                .mentions
                .push((id.get_ref().clone(), c.line(id.span().start)));
            rules.disable.push(id.get_ref().clone());
        }
        for (id, severity) in &r.severity {
            rules
                .mentions
                .push((id.get_ref().clone(), c.line(id.span().start)));
            match Severity::parse(severity.get_ref()) {
                Some(s) => {
                    rules.severity.insert(id.get_ref().clone(), s);
                }
                None => c.error_at(
                    severity.span().start,
                    format!(
                        "unknown severity {:?} (critical, high, medium, low, info)",
                        severity.get_ref()
                    ),
                ),
            }
        }
    }

    let mut waivers = Vec::new();
    for w in &raw.waivers {
        let line = c.line(w.span().start);
        let raw_waiver = w.get_ref();
        let expires = raw_waiver.expires.as_ref().and_then(|e| {
            let as_text = match e.get_ref() {
                toml::Value::Datetime(d) => d.to_string(),
                toml::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            match NaiveDate::parse_from_str(&as_text, "%Y-%m-%d") {
                Ok(date) => Some(date),
                Err(_) => {
                    c.error_at(
                        e.span().start,
                        format!("waiver expires must be a date YYYY-MM-DD, got {as_text}"),
                    );
                    None
                }
            }
        });
        if raw_waiver.reason.get_ref().trim().is_empty() {
            c.error_at(raw_waiver.reason.span().start, "a waiver needs a reason");
        }
        let matcher = match globset::GlobBuilder::new(raw_waiver.resource.get_ref())
            .literal_separator(false)
            .build()
        {
            Ok(glob) => glob.compile_matcher(),
            Err(e) => {
                c.error_at(
                    raw_waiver.resource.span().start,
                    format!("invalid resource glob: {e}"),
                );
                continue;
            }
        };
        waivers.push(Waiver {
            rule: raw_waiver.rule.get_ref().clone(),
            resource: raw_waiver.resource.get_ref().clone(),
            reason: raw_waiver.reason.get_ref().clone(),
            expires,
            line,
            matcher,
        });
    }

    if !c.errors.is_empty() {
        return Err(ConfigError { errors: c.errors });
    }
    Ok(Config {
        origin: origin.to_string(),
        pairs,
        sanctioned,
        pair_overrides,
        residency,
        organization,
        rules,
        waivers,
    })
}

fn override_of(c: &mut Checker, o: &Spanned<RawOverride>) -> Option<PairOverride> {
    let raw = o.get_ref();
    let line = c.line(o.span().start);
    let selector = match (&raw.account, &raw.ou, &raw.tag) {
        (Some(account), None, None) => AccountSelector::Account(account.clone()),
        (None, Some(ou), None) => AccountSelector::OrganizationalUnit(ou.clone()),
        (None, None, Some(tag)) => match tag.split_once('=') {
            Some((k, v)) => AccountSelector::Tag(k.to_string(), v.to_string()),
            None => {
                c.error_at(
                    o.span().start,
                    format!("override tag must be key=value, got {tag:?}"),
                );
                return None;
            }
        },
        _ => {
            c.error_at(
                o.span().start,
                "a pair override names exactly one of account, ou, tag",
            );
            return None;
        }
    };
    let pair = c.pair(&raw.pair)?;
    Some(PairOverride {
        selector,
        pair,
        line,
    })
}

/// Checks that rule ids named in the config (disable, severity, waivers) exist.
/// Runs after the rules are loaded, which is why it is separate from parsing.
pub fn validate_rule_references(config: &Config, known: &[&str]) -> Result<(), ConfigError> {
    let mut errors = Vec::new();
    for (id, line) in &config.rules.mentions {
        if !known.contains(&id.as_str()) {
            errors.push(format!("{}:{line}: unknown rule id {id:?}", config.origin));
        }
    }
    for w in &config.waivers {
        if !known.contains(&w.rule.as_str()) {
            errors.push(format!(
                "{}:{}: waiver names unknown rule id {:?}",
                config.origin, w.line, w.rule
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ConfigError { errors })
    }
}
