//! Parsing and compiling rule files, with every error located at file:line.

use super::model::{Rule, RuleSpec};
use crate::diagnostics::Code;
use crate::expr::{check_expression, CompileError, Expression};
use crate::span::toml_error;
use std::path::Path;

/// One or more rule-file problems, each a complete line naming file, line and rule id.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RuleError {
    pub errors: Vec<String>,
    /// The code of each line of `errors`, in the same order (see [`RuleError::diagnostics`]).
    pub codes: Vec<Code>,
}

impl RuleError {
    pub fn one(code: Code, message: String) -> RuleError {
        RuleError {
            errors: vec![message],
            codes: vec![code],
        }
    }

    /// Adds one problem.
    pub fn push(&mut self, code: Code, message: String) {
        self.errors.push(message);
        self.codes.push(code);
    }

    /// Adds every problem of `other`.
    pub fn extend(&mut self, other: RuleError) {
        self.errors.extend(other.errors);
        self.codes.extend(other.codes);
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// Each problem with its stable code.
    pub fn diagnostics(&self) -> impl Iterator<Item = (Code, &str)> {
        self.codes
            .iter()
            .copied()
            .zip(self.errors.iter().map(String::as_str))
    }
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
    let spec: RuleSpec = toml::from_str(text)
        .map_err(|e| RuleError::one(Code::RuleSyntax, toml_error(origin, text, &e)))?;
    let mut errors = RuleError::default();
    let id = crate::sanitize::visible(&spec.id);
    let mut problem = |code: Code, key: &str, message: String| {
        errors.push(
            code,
            format!("{origin}:{}: rule {id}: {message}", key_line(text, key)),
        );
    };
    if !is_rule_id(&spec.id) {
        problem(
            Code::RuleMetadata,
            "id",
            "id must look like RR-KMS-001".into(),
        );
    }
    if let Some(stem) = stem {
        if stem != spec.id {
            problem(
                Code::RuleMetadata,
                "id",
                format!("id must equal the file name {stem:?}"),
            );
        }
    }
    if !is_kebab(&spec.name) {
        problem(
            Code::RuleMetadata,
            "name",
            format!("name {:?} must be kebab-case", spec.name),
        );
    }
    if spec.title.trim().is_empty() || spec.title.len() > 120 {
        problem(
            Code::RuleMetadata,
            "title",
            "title must be 1 to 120 characters".into(),
        );
    }
    if spec.title.starts_with("Ensure") {
        problem(
            Code::RuleMetadata,
            "title",
            "title says what is wrong, not \"Ensure ...\"".into(),
        );
    }
    if spec.rationale.trim().is_empty() {
        problem(Code::RuleMetadata, "rationale", "rationale is empty".into());
    }
    if spec.remediation.text.trim().is_empty() {
        problem(
            Code::RuleMetadata,
            "text",
            "remediation.text is empty".into(),
        );
    }
    if !spec.help_uri.starts_with("https://") {
        problem(
            Code::RuleMetadata,
            "help_uri",
            "help_uri must be an https URL".into(),
        );
    }
    if spec.permissions.is_empty() || spec.permissions.iter().any(|p| !p.contains(':')) {
        problem(
            Code::RuleMetadata,
            "permissions",
            "permissions must list IAM actions such as kms:DescribeKey".into(),
        );
    }
    if !["very-high", "high", "medium", "low"].contains(&spec.precision.as_str()) {
        problem(
            Code::RuleMetadata,
            "precision",
            "precision must be very-high, high, medium or low".into(),
        );
    }
    let mut compile = |key: &str, source: &str| -> Option<Expression> {
        match Expression::compile(source) {
            Ok(expression) => {
                for why in check_expression(spec.resource, &expression) {
                    problem(Code::RuleModel, key, format!("{key}: {why}"));
                }
                Some(expression)
            }
            Err(CompileError::Syntax(first)) => {
                problem(
                    Code::RuleExpression,
                    key,
                    format!("{key} does not compile: {first}"),
                );
                None
            }
            Err(limit) => {
                problem(Code::RuleExpression, key, format!("{key} {limit}"));
                None
            }
        }
    };
    let scope = spec.scope.as_deref().map(|s| compile("scope", s));
    let condition = compile("condition", &spec.condition);
    let message = compile("message", &spec.message);
    if !errors.is_empty() {
        return Err(errors);
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

/// Loads every `*.toml` below `dir`, collecting all errors. Each file is read once
/// however many symbolic links lead to it, a directory loop is followed once, and
/// one id in two files is an error naming both.
pub fn load_dir(dir: &Path) -> Result<Vec<Rule>, RuleError> {
    let mut files = Vec::new();
    let mut visited = std::collections::HashSet::new();
    collect_toml(dir, &mut visited, &mut files).map_err(|e| {
        RuleError::one(
            Code::RuleRead,
            format!("{}: cannot read rules: {e}", dir.display()),
        )
    })?;
    files.sort();
    // The same file reached through two links: keep the first path to it.
    let mut seen_files = std::collections::HashSet::new();
    files.retain(|path| seen_files.insert(std::fs::canonicalize(path).unwrap_or(path.clone())));
    let mut rules: Vec<Rule> = Vec::new();
    let mut errors = RuleError::default();
    let mut first_of_id: std::collections::HashMap<String, String> =
        std::collections::HashMap::new();
    for path in files {
        let origin = path.display().to_string();
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .map(str::to_string);
        match std::fs::read_to_string(&path) {
            Ok(text) => match parse_rule(&text, &origin, stem.as_deref()) {
                Ok(rule) => match first_of_id.get(&rule.spec.id) {
                    Some(first) => errors.push(
                        Code::RuleDuplicateId,
                        duplicate_id(&text, &origin, &rule.spec.id, first),
                    ),
                    None => {
                        first_of_id.insert(rule.spec.id.clone(), origin);
                        rules.push(rule);
                    }
                },
                Err(e) => errors.extend(e),
            },
            Err(e) => errors.push(Code::RuleRead, format!("{origin}: cannot read rule: {e}")),
        }
    }
    if errors.is_empty() {
        Ok(rules)
    } else {
        Err(errors)
    }
}

/// The error for a rule id defined a second time: one rule id, one rule, or its
/// findings and weight would count twice.
pub(crate) fn duplicate_id(text: &str, origin: &str, id: &str, first: &str) -> String {
    format!(
        "{origin}:{}: rule {id}: id is already defined in {first}; one rule id, one rule",
        key_line(text, "id")
    )
}

/// A user rule taking an id that was retired: a baseline, waiver or CI script
/// naming it must never start matching a different check.
pub(crate) fn retired_id(text: &str, origin: &str, id: &str) -> String {
    format!(
        "{origin}:{}: rule {id}: id was retired from the built-in rules (rules/RETIRED) and is never reused; give the rule a new id",
        key_line(text, "id")
    )
}

fn collect_toml(
    dir: &Path,
    visited: &mut std::collections::HashSet<std::path::PathBuf>,
    out: &mut Vec<std::path::PathBuf>,
) -> std::io::Result<()> {
    // A directory already walked (a link back up the tree) is not walked again.
    if !visited.insert(std::fs::canonicalize(dir)?) {
        return Ok(());
    }
    let mut entries: Vec<std::path::PathBuf> = std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect_toml(&path, visited, out)?;
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
    Ok(())
}
