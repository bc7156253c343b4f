//! Parsing and compiling rule files, with every error located at file:line.

use super::model::{Rule, RuleSpec};
use crate::engine::check_expression;
use crate::span::toml_error;
use std::path::Path;

/// One or more rule-file problems, each a complete line naming file, line and rule id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    pub errors: Vec<String>,
}

impl std::fmt::Display for RuleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.errors.join("\n"))
    }
}

impl std::error::Error for RuleError {}

/// Line (1-based) where `key = ...` is written, so CEL errors point at their field.
fn key_line(text: &str, key: &str) -> usize {
    text.lines()
        .position(|l| {
            let l = l.trim_start();
            l.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map_or(1, |i| i + 1)
}

fn is_rule_id(id: &str) -> bool {
    let parts: Vec<&str> = id.split('-').collect();
    parts.len() == 3
        && parts[0] == "RR"
        && !parts[1].is_empty()
        && parts[1].bytes().all(|b| b.is_ascii_uppercase())
        && parts[2].len() == 3
        && parts[2].bytes().all(|b| b.is_ascii_digit())
}

fn is_kebab(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('-')
        && !name.ends_with('-')
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Parses, validates and compiles one rule file. `stem` is the file name without
/// `.toml`, which must equal the id.
pub fn parse_rule(text: &str, origin: &str, stem: Option<&str>) -> Result<Rule, RuleError> {
    let spec: RuleSpec = toml::from_str(text).map_err(|e| RuleError {
        errors: vec![toml_error(origin, text, &e)],
    })?;
    let mut errors = Vec::new();
    let id = spec.id.clone();
    let mut err = |key: &str, message: String| {
        errors.push(format!(
            "{origin}:{}: rule {id}: {message}",
            key_line(text, key)
        ));
    };
    if !is_rule_id(&spec.id) {
        err("id", "id must look like RR-KMS-001".into());
    }
    if let Some(stem) = stem {
        if stem != spec.id {
            err("id", format!("id must equal the file name {stem:?}"));
        }
    }
    if !is_kebab(&spec.name) {
        err("name", format!("name {:?} must be kebab-case", spec.name));
    }
    if spec.title.trim().is_empty() || spec.title.len() > 120 {
        err("title", "title must be 1 to 120 characters".into());
    }
    if spec.title.starts_with("Ensure") {
        err(
            "title",
            "title says what is wrong, not \"Ensure ...\"".into(),
        );
    }
    if spec.rationale.trim().is_empty() {
        err("rationale", "rationale is empty".into());
    }
    if spec.remediation.text.trim().is_empty() {
        err("text", "remediation.text is empty".into());
    }
    if !spec.help_uri.starts_with("https://") {
        err("help_uri", "help_uri must be an https URL".into());
    }
    if spec.permissions.is_empty() || spec.permissions.iter().any(|p| !p.contains(':')) {
        err(
            "permissions",
            "permissions must list IAM actions such as kms:DescribeKey".into(),
        );
    }
    if !["very-high", "high", "medium", "low"].contains(&spec.precision.as_str()) {
        err(
            "precision",
            "precision must be very-high, high, medium or low".into(),
        );
    }
    let mut compile = |key: &str, source: &str| -> Option<cel::Program> {
        match cel::Program::compile(source) {
            Ok(program) => {
                for problem in check_expression(spec.resource, &program) {
                    err(key, format!("{key}: {problem}"));
                }
                Some(program)
            }
            Err(e) => {
                let first = e
                    .to_string()
                    .lines()
                    .next()
                    .unwrap_or("syntax error")
                    .to_string();
                err(key, format!("{key} does not compile: {first}"));
                None
            }
        }
    };
    let scope = spec.scope.as_deref().map(|s| compile("scope", s));
    let condition = compile("condition", &spec.condition);
    let message = compile("message", &spec.message);
    if !errors.is_empty() {
        return Err(RuleError { errors });
    }
    let (Some(condition), Some(message)) = (condition, message) else {
        unreachable!("compile errors were reported above");
    };
    let severity = spec.severity;
    Ok(Rule {
        scope: scope.flatten(),
        condition,
        message,
        severity,
        origin: origin.to_string(),
        spec,
    })
}

/// Loads every `*.toml` below `dir`, collecting all errors.
pub fn load_dir(dir: &Path) -> Result<Vec<Rule>, RuleError> {
    let mut files = Vec::new();
    collect_toml(dir, &mut files).map_err(|e| RuleError {
        errors: vec![format!("{}: cannot read rules: {e}", dir.display())],
    })?;
    files.sort();
    let mut rules = Vec::new();
    let mut errors = Vec::new();
    for path in files {
        let origin = path.display().to_string();
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .map(str::to_string);
        match std::fs::read_to_string(&path) {
            Ok(text) => match parse_rule(&text, &origin, stem.as_deref()) {
                Ok(rule) => rules.push(rule),
                Err(e) => errors.extend(e.errors),
            },
            Err(e) => errors.push(format!("{origin}: cannot read rule: {e}")),
        }
    }
    if errors.is_empty() {
        Ok(rules)
    } else {
        Err(RuleError { errors })
    }
}

fn collect_toml(dir: &Path, out: &mut Vec<std::path::PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_toml(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
    Ok(())
}
