//! The set of rules a scan runs: the built-in rules embedded in the binary, plus a
//! user's own (`--rules DIR`), with the config's disables and severity overrides.

use super::load::{duplicate_id, load_dir, parse_rule, RuleError};
use super::model::Rule;
use crate::config::{validate_rule_references, Config, ConfigError};
use include_dir::{include_dir, Dir};
use std::path::Path;

/// The `rules/` directory, compiled into the binary.
pub static BUILTIN_RULES_DIR: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/rules");

#[derive(Debug, Default)]
pub struct RuleSet {
    /// Sorted by id.
    pub rules: Vec<Rule>,
}

/// Why a rule set could not be assembled.
#[derive(Debug, thiserror::Error)]
pub enum RuleSetError {
    #[error("{0}")]
    Rule(#[from] RuleError),
    #[error("{0}")]
    Config(#[from] ConfigError),
}

impl RuleSet {
    /// The built-in rules, unmodified.
    pub fn builtin() -> Result<RuleSet, RuleError> {
        let mut files = Vec::new();
        walk(&BUILTIN_RULES_DIR, &mut files);
        let mut rules = Vec::new();
        let mut errors = Vec::new();
        for file in files {
            let origin = format!("rules/{}", file.path().display());
            let stem = file.path().file_stem().and_then(|s| s.to_str());
            let text = file.contents_utf8().unwrap_or_default();
            match parse_rule(text, &origin, stem) {
                Ok(rule) => match rules.iter().find(|r: &&Rule| r.spec.id == rule.spec.id) {
                    Some(first) => {
                        errors.push(duplicate_id(text, &origin, &rule.spec.id, &first.origin))
                    }
                    None => rules.push(rule),
                },
                Err(e) => errors.extend(e.errors),
            }
        }
        if !errors.is_empty() {
            return Err(RuleError { errors });
        }
        rules.sort_by(|a, b| a.spec.id.cmp(&b.spec.id));
        Ok(RuleSet { rules })
    }

    /// Built-in rules plus `extra` (a user's directory), with `config` applied:
    /// disabled rules removed, severities overridden, rule ids in the config checked.
    pub fn load(extra: Option<&Path>, config: &Config) -> Result<RuleSet, RuleSetError> {
        Ok(RuleSet::load_files(extra)?.configure(config)?)
    }

    /// Built-in rules plus `extra`, before any config is applied. A user rule may
    /// not reuse a built-in id.
    pub fn load_files(extra: Option<&Path>) -> Result<RuleSet, RuleError> {
        let mut set = RuleSet::builtin()?;
        if let Some(dir) = extra {
            let user = load_dir(dir)?;
            let mut errors = Vec::new();
            for rule in &user {
                if let Some(builtin) = set.get(&rule.spec.id) {
                    let text = std::fs::read_to_string(&rule.origin).unwrap_or_default();
                    errors.push(duplicate_id(
                        &text,
                        &rule.origin,
                        &rule.spec.id,
                        &format!("the built-in rule {}", builtin.origin),
                    ));
                }
            }
            if !errors.is_empty() {
                return Err(RuleError { errors });
            }
            set.rules.extend(user);
            set.rules.sort_by(|a, b| a.spec.id.cmp(&b.spec.id));
        }
        Ok(set)
    }

    /// Applies a config: checks the rule ids it names, removes disabled rules and
    /// overrides severities.
    pub fn configure(mut self, config: &Config) -> Result<RuleSet, ConfigError> {
        let known: Vec<&str> = self.rules.iter().map(|r| r.spec.id.as_str()).collect();
        validate_rule_references(config, &known)?;
        self.rules
            .retain(|r| !config.rules.disable.contains(&r.spec.id));
        for rule in &mut self.rules {
            if let Some(severity) = config.rules.severity.get(&rule.spec.id) {
                rule.severity = *severity;
            }
        }
        Ok(self)
    }

    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.spec.id == id)
    }

    /// Every IAM action any rule needs, sorted and unique.
    pub fn permissions(&self) -> Vec<String> {
        let mut all: Vec<String> = self
            .rules
            .iter()
            .flat_map(|r| r.spec.permissions.iter().cloned())
            .collect();
        all.sort();
        all.dedup();
        all
    }
}

fn walk<'a>(dir: &'a Dir<'a>, out: &mut Vec<&'a include_dir::File<'a>>) {
    for file in dir.files() {
        if file.path().extension().is_some_and(|e| e == "toml") {
            out.push(file);
        }
    }
    for sub in dir.dirs() {
        walk(sub, out);
    }
}

/// The rule table of the README, generated from the rule files.
pub fn markdown_table(rules: &RuleSet) -> String {
    let mut out = String::from("| id | severity | category | title |\n|---|---|---|---|\n");
    for r in &rules.rules {
        out.push_str(&format!(
            "| [{}]({}) | {} | {} | {} |\n",
            r.spec.id,
            r.origin,
            r.severity,
            r.spec.category,
            r.spec.title.replace('|', "\\|")
        ));
    }
    out.push_str(&format!("\n{} rules.\n", rules.rules.len()));
    out
}
