//! Raw config -> [`Config`], collecting every error with its location.

use super::raw::{RawConfig, RawOverride};
use super::{
    AccountSelector, Capacity, Config, OrganizationSettings, PairOverride, RegionPair, Residency,
    RuleSettings, Waiver,
};
use crate::analysis::partitions::{self, RegionCheck};
use crate::diagnostics::Code;
use crate::severity::Severity;
use crate::span::{toml_error, LineIndex};
use chrono::NaiveDate;
use std::collections::BTreeMap;
use toml::Spanned;

/// One or more config problems, each a complete `file:line:column: message` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The config's path (or `<default>`), for lines added later.
    pub origin: String,
    pub errors: Vec<String>,
    /// The code of each line of `errors`, in the same order (see [`ConfigError::diagnostics`]).
    pub codes: Vec<Code>,
    /// Rule ids the config names, kept even when it is invalid, so unknown ids can
    /// be reported in the same pass as every other problem once rules are loaded.
    pub rule_mentions: Vec<RuleMention>,
}

impl ConfigError {
    pub fn one(origin: &str, code: Code, message: String) -> Self {
        ConfigError {
            origin: origin.to_string(),
            errors: vec![message],
            codes: vec![code],
            rule_mentions: Vec::new(),
        }
    }

    /// Each problem with its stable code.
    pub fn diagnostics(&self) -> impl Iterator<Item = (Code, &str)> {
        self.codes
            .iter()
            .copied()
            .zip(self.errors.iter().map(String::as_str))
    }
}

/// A rule id named in the config, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleMention {
    pub id: String,
    pub line: usize,
    /// Named by a waiver (else by `[rules]`).
    pub waiver: bool,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.errors.join("\n"))
    }
}

impl std::error::Error for ConfigError {}

/// Accumulates errors and warnings against one source text.
struct Checker<'a> {
    origin: &'a str,
    lines: LineIndex<'a>,
    errors: Vec<String>,
    codes: Vec<Code>,
    warnings: Vec<String>,
}

impl Checker<'_> {
    fn error_at(&mut self, code: Code, offset: usize, message: impl std::fmt::Display) {
        self.errors
            .push(self.lines.located(self.origin, offset, message));
        self.codes.push(code);
    }

    fn line(&self, offset: usize) -> usize {
        self.lines.line_col(offset).0
    }

    /// A region code checked against the SDK's partition data: a typo is an error
    /// with a suggestion; a code shaped like a region of a known partition but
    /// unknown to this build (a newer region) is accepted with a warning.
    fn region(&mut self, region: &Spanned<String>) -> String {
        let code = region.get_ref();
        let offset = region.span().start;
        match partitions::check(code) {
            RegionCheck::Known => {}
            RegionCheck::Newer(p) => {
                let warning = self.lines.located(
                    self.origin,
                    offset,
                    format!(
                        "{code:?} is not a region this build knows; accepted as a newer region of partition {}",
                        p.id
                    ),
                );
                self.warnings.push(warning);
            }
            RegionCheck::Invalid { suggestion } => {
                let hint = suggestion
                    .map(|s| format!(" (did you mean {s:?}?)"))
                    .unwrap_or_default();
                self.error_at(
                    Code::ConfigRegion,
                    offset,
                    format!("{code:?} is not an AWS region code{hint}"),
                );
            }
        }
        code.clone()
    }

    fn pair(&mut self, pair: &Spanned<Vec<Spanned<String>>>) -> Option<RegionPair> {
        let regions: Vec<String> = pair.get_ref().iter().map(|r| self.region(r)).collect();
        match regions.as_slice() {
            [a, b] if a != b => Some(RegionPair(a.clone(), b.clone())),
            [a, b] if a == b => {
                self.error_at(
                    Code::ConfigPair,
                    pair.span().start,
                    format!("a region pair needs two different regions, got {a:?} twice"),
                );
                None
            }
            _ => {
                self.error_at(
                    Code::ConfigPair,
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
                Code::ConfigAccount,
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
    let raw: RawConfig = toml::from_str(text)
        .map_err(|e| ConfigError::one(origin, Code::ConfigSyntax, toml_error(origin, text, &e)))?;
    let mut c = Checker {
        origin,
        lines: LineIndex::new(text),
        errors: Vec::new(),
        codes: Vec::new(),
        warnings: Vec::new(),
    };

    let regions = raw.regions;
    let pairs: Vec<RegionPair> = match regions.as_ref().and_then(|r| r.pairs.as_ref()) {
        Some(pairs) if pairs.get_ref().is_empty() => {
            c.error_at(
                Code::ConfigPair,
                pairs.span().start,
                "regions.pairs needs at least one pair",
            );
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
                    Code::ConfigPair,
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

    let capacity = Capacity {
        min_ratio: match raw.capacity.and_then(|c| c.min_ratio) {
            Some(ratio) => {
                let value = *ratio.get_ref();
                if !(value.is_finite() && value > 0.0 && value <= 10.0) {
                    c.error_at(Code::ConfigCapacity,
                        ratio.span().start,
                        format!("capacity.min_ratio must be a number above 0 and at most 10, not {value}"),
                    );
                }
                value
            }
            None => Capacity::DEFAULT_MIN_RATIO,
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
                    Code::ConfigSeverity,
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
    let mut unparsed_waiver_rules = Vec::new();
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
                        Code::ConfigWaiver,
                        e.span().start,
                        format!(
                            "waiver expires must be a date YYYY-MM-DD, got {}",
                            crate::sanitize::visible(&as_text)
                        ),
                    );
                    None
                }
            }
        });
        if raw_waiver.reason.get_ref().trim().is_empty() {
            c.error_at(
                Code::ConfigWaiver,
                raw_waiver.reason.span().start,
                "a waiver needs a reason",
            );
        }
        let glob = match globset::GlobBuilder::new(raw_waiver.resource.get_ref())
            .literal_separator(false)
            .build()
        {
            Ok(glob) => glob,
            Err(e) => {
                c.error_at(
                    Code::ConfigWaiver,
                    raw_waiver.resource.span().start,
                    format!(
                        "invalid resource glob: {}",
                        crate::sanitize::visible(&e.to_string())
                    ),
                );
                unparsed_waiver_rules.push(RuleMention {
                    id: raw_waiver.rule.get_ref().clone(),
                    line,
                    waiver: true,
                });
                continue;
            }
        };
        waivers.push(Waiver {
            rule: raw_waiver.rule.get_ref().clone(),
            resource: raw_waiver.resource.get_ref().clone(),
            reason: raw_waiver.reason.get_ref().clone(),
            expires,
            line,
            glob,
            matcher: std::sync::OnceLock::new(),
        });
    }

    if !c.errors.is_empty() {
        let mut rule_mentions = rule_mentions(&rules, &waivers);
        rule_mentions.extend(unparsed_waiver_rules);
        return Err(ConfigError {
            origin: origin.to_string(),
            errors: c.errors,
            codes: c.codes,
            rule_mentions,
        });
    }
    Ok(Config {
        warnings: c.warnings,
        origin: origin.to_string(),
        pairs,
        sanctioned,
        pair_overrides,
        residency,
        capacity,
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
                    Code::ConfigOverride,
                    o.span().start,
                    format!("override tag must be key=value, got {tag:?}"),
                );
                return None;
            }
        },
        _ => {
            c.error_at(
                Code::ConfigOverride,
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

/// Every rule id the config names, in file order within each kind.
fn rule_mentions(rules: &RuleSettings, waivers: &[Waiver]) -> Vec<RuleMention> {
    let mut all: Vec<RuleMention> = rules
        .mentions
        .iter()
        .map(|(id, line)| RuleMention {
            id: id.clone(),
            line: *line,
            waiver: false,
        })
        .collect();
    all.extend(waivers.iter().map(|w| RuleMention {
        id: w.rule.clone(),
        line: w.line,
        waiver: true,
    }));
    all
}

/// One error line per mention of a rule id that is not among `known`.
pub fn unknown_rule_ids(origin: &str, mentions: &[RuleMention], known: &[&str]) -> Vec<String> {
    let known: std::collections::HashSet<&str> = known.iter().copied().collect();
    mentions
        .iter()
        .filter(|m| !known.contains(m.id.as_str()))
        .map(|m| {
            if m.waiver {
                format!(
                    "{origin}:{}: waiver names unknown rule id {:?}",
                    m.line, m.id
                )
            } else {
                format!("{origin}:{}: unknown rule id {:?}", m.line, m.id)
            }
        })
        .collect()
}

/// Checks that rule ids named in the config (disable, severity, waivers) exist.
/// Runs after the rules are loaded, which is why it is separate from parsing.
pub fn validate_rule_references(config: &Config, known: &[&str]) -> Result<(), ConfigError> {
    let rule_mentions = rule_mentions(&config.rules, &config.waivers);
    let errors = unknown_rule_ids(&config.origin, &rule_mentions, known);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ConfigError {
            origin: config.origin.clone(),
            codes: vec![Code::ConfigUnknownRule; errors.len()],
            errors,
            rule_mentions,
        })
    }
}
