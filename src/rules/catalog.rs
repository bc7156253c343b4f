//! The set of rules a scan runs: the built-in rules embedded in the binary, plus a
//! user's own (`--rules DIR`), with the config's disables and severity overrides.

use super::load::{duplicate_id, load_dir, parse_rule, retired_id, RuleError};
use super::model::Rule;
use crate::config::{validate_rule_references, Config, ConfigError};
use crate::diagnostics::Code;
use include_dir::{include_dir, Dir};
use std::path::Path;

/// The `rules/` directory, compiled into the binary.
pub static BUILTIN_RULES_DIR: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/rules");

/// Ids of rules that were shipped once and retired, with the reason
/// (`rules/RETIRED`: one id per line, `#` starts the reason).
pub fn retired() -> Vec<(String, String)> {
    let text = BUILTIN_RULES_DIR
        .get_file("RETIRED")
        .and_then(|f| f.contents_utf8())
        .unwrap_or_default();
    text.lines()
        .filter_map(|line| {
            let (id, reason) = line.split_once('#').unwrap_or((line, ""));
            let id = id.trim();
            (!id.is_empty()).then(|| (id.to_string(), reason.trim().to_string()))
        })
        .collect()
}

#[derive(Debug, Default)]
pub struct RuleSet {
    /// Sorted by id.
    pub rules: Vec<Rule>,
    /// Things the user should know that do not stop the scan: a config naming a
    /// retired rule id, whose waivers and overrides no longer match anything.
    pub warnings: Vec<String>,
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
        let mut errors = RuleError::default();
        for file in files {
            let origin = format!("rules/{}", file.path().display());
            let stem = file.path().file_stem().and_then(|s| s.to_str());
            let text = file.contents_utf8().unwrap_or_default();
            match parse_rule(text, &origin, stem) {
                Ok(rule) => match rules.iter().find(|r: &&Rule| r.spec.id == rule.spec.id) {
                    Some(first) => errors.push(
                        Code::RuleDuplicateId,
                        duplicate_id(text, &origin, &rule.spec.id, &first.origin),
                    ),
                    None => rules.push(rule),
                },
                Err(e) => errors.extend(e),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        rules.sort_by(|a, b| a.spec.id.cmp(&b.spec.id));
        Ok(RuleSet {
            rules,
            warnings: Vec::new(),
        })
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
            let mut errors = RuleError::default();
            for rule in &user {
                if retired().iter().any(|(id, _)| *id == rule.spec.id) {
                    let text = std::fs::read_to_string(&rule.origin).unwrap_or_default();
                    errors.push(
                        Code::RuleRetiredId,
                        retired_id(&text, &rule.origin, &rule.spec.id),
                    );
                } else if let Some(builtin) = set.get(&rule.spec.id) {
                    let text = std::fs::read_to_string(&rule.origin).unwrap_or_default();
                    errors.push(
                        Code::RuleDuplicateId,
                        duplicate_id(
                            &text,
                            &rule.origin,
                            &rule.spec.id,
                            &format!("the built-in rule {}", builtin.origin),
                        ),
                    );
                }
            }
            if !errors.is_empty() {
                return Err(errors);
            }
            set.rules.extend(user);
            set.rules.sort_by(|a, b| a.spec.id.cmp(&b.spec.id));
        }
        Ok(set)
    }

    /// Applies a config: checks the rule ids it names (a retired id is a warning:
    /// its entries no longer match anything), removes disabled rules and overrides
    /// severities.
    pub fn configure(mut self, config: &Config) -> Result<RuleSet, ConfigError> {
        let retired = retired();
        let mut known: Vec<&str> = self.rules.iter().map(|r| r.spec.id.as_str()).collect();
        known.extend(retired.iter().map(|(id, _)| id.as_str()));
        validate_rule_references(config, &known)?;
        let mentioned = config
            .rules
            .mentions
            .iter()
            .map(|(id, line)| (id.as_str(), *line))
            .chain(config.waivers.iter().map(|w| (w.rule.as_str(), w.line)));
        for (id, line) in mentioned {
            if let Some((_, reason)) = retired.iter().find(|(r, _)| r == id) {
                self.warnings.push(format!(
                    "{}:{line}: rule {id} is retired and no longer runs, so this entry matches nothing ({})",
                    config.origin,
                    reason.split(':').next().unwrap_or("see rules/RETIRED")
                ));
            }
        }
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

/// `docs/rules.md`: every rule in full (why it matters, how to fix, the CEL it
/// runs, the IAM actions its data needs), then the retired ids with their reasons.
/// Generated from the rule files, so the reference and the rules cannot drift.
pub fn reference_markdown(rules: &RuleSet) -> String {
    let mut out = String::from(
        "# Rule reference\n\nGenerated from the files in [`rules/`](../rules/) by \
         `REGIONREADY_UPDATE_DOCS=1 cargo test --test readme`; do not edit by hand.\n\n\
         The fields, variables and functions a condition may use are in the \
         [field reference](fields.md).\n",
    );
    for r in &rules.rules {
        let s = &r.spec;
        out.push_str(&format!(
            "\n## {} {}\n\n{}\n\n| severity | category | evaluated per | precision | since |\n|---|---|---|---|---|\n| {} | {} | {} | {} | {} |\n\n### Why it matters\n\n{}\n\n### How to fix\n\n{}\n",
            s.id,
            s.name,
            s.title,
            r.severity,
            s.category,
            s.resource.as_str(),
            s.precision,
            s.since,
            s.rationale.trim(),
            s.remediation.text.trim()
        ));
        if let Some(cli) = &s.remediation.cli {
            out.push_str(&format!("\n```sh\n{}\n```\n", cli.trim()));
        }
        if let Some(tf) = &s.remediation.terraform {
            out.push_str(&format!("\n```hcl\n{}\n```\n", tf.trim()));
        }
        out.push_str("\n### Condition (CEL)\n\n```\n");
        if let Some(scope) = &s.scope {
            out.push_str(&format!("scope:     {}\n", scope.trim()));
        }
        out.push_str(&format!(
            "condition: {}\n```\n\nIAM permissions: {}. More: <{}>\n",
            s.condition.trim(),
            s.permissions
                .iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", "),
            s.help_uri
        ));
    }
    out.push_str("\n## Retired rules\n\nA rule id is never reused. These ids were shipped once and retired:\n\n| id | why |\n|---|---|\n");
    for (id, reason) in retired() {
        out.push_str(&format!("| {id} | {} |\n", reason.replace('|', "\\|")));
    }
    out
}
