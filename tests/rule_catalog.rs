//! Checks on the built-in rule catalog as a whole: the metadata contract every rule
//! file keeps (ids, categories, remediation, IAM permissions), ids that are never
//! reused. (The README's rule table is checked by tests/readme.rs.)

use regionready::rules::{Category, Rule, RuleSet, Severity};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn builtin() -> RuleSet {
    RuleSet::builtin().unwrap_or_else(|e| panic!("built-in rules do not load:\n{e}"))
}

/// `rules/kms/RR-KMS-001.toml` -> ("kms", "RR-KMS-001").
fn location(rule: &Rule) -> (String, String) {
    let path = Path::new(rule.origin.strip_prefix("builtin:").unwrap_or(&rule.origin));
    let dir = path
        .parent()
        .and_then(|p| p.file_name())
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    (dir.to_string(), stem.to_string())
}

/// Problems with one rule's metadata, each prefixed with its id.
fn problems(rule: &Rule) -> Vec<String> {
    let s = &rule.spec;
    let mut out = Vec::new();
    let mut bad = |cond: bool, what: String| {
        if cond {
            out.push(format!("{} ({}): {what}", s.id, rule.origin));
        }
    };
    let (dir, stem) = location(rule);
    bad(
        stem != s.id,
        format!("id differs from the file name {stem}"),
    );
    bad(
        dir != s.category.as_str(),
        format!("category {} but the file is in rules/{dir}/", s.category),
    );
    bad(s.rationale.trim().is_empty(), "empty rationale".into());
    bad(
        s.remediation.text.trim().is_empty(),
        "empty remediation.text".into(),
    );
    bad(
        s.remediation
            .cli
            .as_deref()
            .is_none_or(|c| c.trim().is_empty()),
        "no remediation.cli".into(),
    );
    bad(
        s.severity >= Severity::Medium
            && s.remediation
                .terraform
                .as_deref()
                .is_none_or(|t| t.trim().is_empty()),
        format!("severity {} needs remediation.terraform", s.severity),
    );
    bad(
        s.title.chars().count() > 120,
        "title longer than 120 characters".into(),
    );
    bad(
        s.title.starts_with("Ensure"),
        "title starts with \"Ensure\": say what is wrong".into(),
    );
    bad(s.title.contains('\n'), "title is not one line".into());
    bad(
        !s.help_uri.starts_with("https://"),
        format!("help_uri {:?} is not https", s.help_uri),
    );
    bad(
        s.since.split('.').count() != 3,
        format!("since {:?} is not a version", s.since),
    );
    bad(s.permissions.is_empty(), "no permissions".into());
    // A rule may only need actions the collector calls: the shipped IAM policy is
    // generated from the same declaration, so rules and policy cannot drift.
    let shipped = regionready::collect::actions();
    for p in &s.permissions {
        bad(
            !shipped.contains(p),
            format!("permission {p} is not in the shipped IAM policy"),
        );
    }
    let unique: BTreeSet<&String> = s.permissions.iter().collect();
    bad(
        unique.len() != s.permissions.len(),
        "duplicate permissions".into(),
    );
    out
}

#[test]
fn catalog_metadata_is_complete() {
    let rules = builtin();
    assert!(
        rules.rules.len() >= 18,
        "expected at least 18 built-in rules, found {}",
        rules.rules.len()
    );
    let mut all: Vec<String> = rules.rules.iter().flat_map(problems).collect();

    let mut ids = BTreeMap::new();
    let mut names = BTreeMap::new();
    for r in &rules.rules {
        if let Some(other) = ids.insert(r.spec.id.clone(), r.origin.clone()) {
            all.push(format!(
                "{}: id used by both {} and {}",
                r.spec.id, other, r.origin
            ));
        }
        if let Some(other) = names.insert(r.spec.name.clone(), r.spec.id.clone()) {
            all.push(format!(
                "{}: name {} already used by {}",
                r.spec.id, r.spec.name, other
            ));
        }
    }
    for category in Category::ALL {
        if !rules.rules.iter().any(|r| r.spec.category == category) {
            all.push(format!("category {category} has no rule"));
        }
    }
    assert!(
        all.is_empty(),
        "{} catalog problem(s):\n{}",
        all.len(),
        all.join("\n")
    );
}

/// Ids listed in `rules/RETIRED`: one per line, `#` starts a comment.
fn retired_ids() -> Vec<String> {
    let path = root().join("rules/RETIRED");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .map(|l| l.split('#').next().unwrap_or_default().trim())
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn retired_rule_ids_are_never_reused() {
    let rules = builtin();
    let retired = retired_ids();
    let reused: Vec<&str> = rules
        .rules
        .iter()
        .map(|r| r.spec.id.as_str())
        .filter(|id| retired.iter().any(|x| x == id))
        .collect();
    assert!(
        reused.is_empty(),
        "retired rule ids reused (pick a new number): {reused:?}"
    );
    let mut seen = BTreeSet::new();
    for id in &retired {
        assert!(seen.insert(id), "rules/RETIRED lists {id} twice");
    }
}
