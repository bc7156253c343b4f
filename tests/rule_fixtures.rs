//! Every built-in rule runs against its own good and bad examples.
//!
//! `fixtures/rules/<ID>/` holds `pass.json`, `fail.json` and, where the rule can lack
//! data, `unknown.json`; more cases may be added as `pass-*.json`, `fail-*.json`,
//! `unknown-*.json`, and `skip-*.json` (nothing judged, e.g. turned off by config). Each file is an inventory, an optional config, and the exact
//! non-skip outcome of that one rule per resource ARN. One table-driven test walks
//! them all and reports every mismatch at once.

use chrono::NaiveDate;
use regionready::config::Config;
use regionready::engine::{evaluate, EvaluateOptions};
use regionready::evaluation::Status;
use regionready::inventory::Inventory;
use regionready::rules::RuleSet;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Fixture {
    description: String,
    #[serde(default)]
    config: Option<String>,
    expect: BTreeMap<String, String>,
    inventory: serde_json::Value,
}

/// The outcomes an `expect` map may name (skips are left out of it).
const KINDS: [&str; 3] = ["pass", "fail", "unknown"];

/// What a fixture file shows, from its name: `skip` fixtures prove that nothing
/// is judged (a resource out of scope, a check turned off by config).
const FILE_KINDS: [&str; 4] = ["pass", "fail", "unknown", "skip"];

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules")
}

/// `pass`, `fail`, `unknown` or `skip` for `pass.json`, `fail-legacy.json`, ...
fn kind_of(stem: &str) -> Option<&'static str> {
    FILE_KINDS
        .into_iter()
        .find(|k| stem == *k || stem.starts_with(&format!("{k}-")))
}

fn outcomes(
    rule_id: &str,
    fixture: &Fixture,
    config: &Config,
    origin: &str,
) -> Result<BTreeMap<String, String>, String> {
    let text = serde_json::to_vec(&fixture.inventory).map_err(|e| e.to_string())?;
    let inventory = Inventory::from_json(&text, origin).map_err(|e| e.to_string())?;
    let mut rules = RuleSet::builtin().map_err(|e| e.to_string())?;
    rules.rules.retain(|r| r.spec.id == rule_id);
    let options = EvaluateOptions {
        today: NaiveDate::from_ymd_opt(2026, 1, 15).expect("date"),
        include_passes: true,
    };
    let evaluation = evaluate(&inventory, config, &rules, &options);
    let mut got = BTreeMap::new();
    for f in evaluation
        .findings
        .iter()
        .filter(|f| &*f.rule_id == rule_id)
    {
        // The engine falls back to the title when `message` cannot be evaluated;
        // a fixture must prove the message works.
        if f.status == Status::Fail && (f.message.is_empty() || *f.message == *f.title) {
            return Err(format!(
                "the message of {} on {} did not evaluate (got the title)",
                rule_id, f.resource_arn
            ));
        }
        if std::env::var_os("REGIONREADY_SHOW_MESSAGES").is_some() && f.status != Status::Pass {
            eprintln!(
                "{rule_id} {} {}: {}",
                f.status.as_str(),
                f.resource_arn,
                f.message
            );
        }
        if let Some(previous) = got.insert(f.resource_arn.clone(), f.status.as_str().to_string()) {
            return Err(format!(
                "two outcomes for {}: {previous} and {}",
                f.resource_arn,
                f.status.as_str()
            ));
        }
    }
    Ok(got)
}

fn diff(expected: &BTreeMap<String, String>, got: &BTreeMap<String, String>) -> String {
    let mut lines = Vec::new();
    let arns: std::collections::BTreeSet<&String> = expected.keys().chain(got.keys()).collect();
    for arn in arns {
        match (expected.get(arn), got.get(arn)) {
            (Some(e), Some(g)) if e == g => {}
            (Some(e), Some(g)) => lines.push(format!("    {arn}: expected {e}, got {g}")),
            (Some(e), None) => {
                lines.push(format!("    {arn}: expected {e}, got skip (no finding)"))
            }
            (None, Some(g)) => {
                lines.push(format!("    {arn}: expected skip (not listed), got {g}"))
            }
            (None, None) => {}
        }
    }
    lines.join("\n")
}

#[test]
fn every_rule_matches_its_fixtures() {
    let rules = RuleSet::builtin().expect("built-in rules load");
    let base = fixtures_dir();
    let default_config_text = std::fs::read_to_string(base.join("regionready.toml"))
        .expect("fixtures/rules/regionready.toml");
    let default_config = Config::parse(&default_config_text, "fixtures/rules/regionready.toml")
        .expect("shared fixture config");
    let mut problems: Vec<String> = Vec::new();
    let mut cases = 0;

    // Every fixture directory names a rule.
    for entry in std::fs::read_dir(&base).expect("fixtures/rules") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_string();
            if rules.get(&name).is_none() {
                problems.push(format!(
                    "fixtures/rules/{name}/: no built-in rule has the id {name}"
                ));
            }
        }
    }

    for rule in &rules.rules {
        let id = rule.id();
        let dir = base.join(id);
        let mut files: Vec<PathBuf> = match std::fs::read_dir(&dir) {
            Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.path())).collect(),
            Err(_) => {
                problems.push(format!(
                    "{id}: no fixtures (create fixtures/rules/{id}/pass.json and fail.json)"
                ));
                continue;
            }
        };
        files.sort();
        for required in ["pass.json", "fail.json"] {
            if !dir.join(required).is_file() {
                problems.push(format!("{id}: missing fixtures/rules/{id}/{required}"));
            }
        }
        for path in files {
            let label = format!(
                "fixtures/rules/{id}/{}",
                path.file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or_default()
            );
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default();
            if path.extension().is_none_or(|e| e != "json") {
                problems.push(format!(
                    "{label}: unexpected file (fixtures are pass.json, fail.json, unknown.json, skip-*.json)"
                ));
                continue;
            }
            let Some(kind) = kind_of(stem) else {
                problems.push(format!(
                    "{label}: name must start with pass, fail, unknown or skip"
                ));
                continue;
            };
            let text = std::fs::read_to_string(&path).expect("readable fixture");
            let fixture: Fixture = match serde_json::from_str(&text) {
                Ok(f) => f,
                Err(e) => {
                    problems.push(format!("{label}: not a fixture: {e}"));
                    continue;
                }
            };
            cases += 1;
            if fixture.description.trim().is_empty() {
                problems.push(format!("{label}: empty description"));
            }
            if let Some((arn, bad)) = fixture
                .expect
                .iter()
                .find(|(_, s)| !KINDS.contains(&s.as_str()))
            {
                problems.push(format!(
                    "{label}: expect[{arn}] = {bad:?}; use pass, fail or unknown"
                ));
                continue;
            }
            let has = |s: &str| fixture.expect.values().any(|v| v == s);
            let shape_ok = match kind {
                "pass" => has("pass") && !has("fail"),
                "skip" => fixture.expect.is_empty(),
                other => has(other),
            };
            if !shape_ok {
                problems.push(format!(
                    "{label}: {}",
                    match kind {
                        "pass" => "a pass fixture must expect at least one pass and no fail",
                        "skip" => "a skip fixture must expect no outcome at all",
                        "fail" => "a fail fixture must expect at least one fail",
                        _ => "an unknown fixture must expect at least one unknown",
                    }
                ));
            }
            let config = match &fixture.config {
                Some(text) => match Config::parse(text, &label) {
                    Ok(c) => c,
                    Err(e) => {
                        problems.push(format!("{label}: config: {e}"));
                        continue;
                    }
                },
                None => default_config.clone(),
            };
            match outcomes(id, &fixture, &config, &label) {
                Ok(got) if got == fixture.expect => {}
                Ok(got) => problems.push(format!(
                    "{label}: {id} outcomes differ ({})\n{}",
                    fixture.description,
                    diff(&fixture.expect, &got)
                )),
                Err(e) => problems.push(format!("{label}: {e}")),
            }
        }
    }

    assert!(cases > 0, "no fixtures found under {}", base.display());
    assert!(
        problems.is_empty(),
        "{} rule fixture problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Every rule on every fixture inventory, not just its own: an `unknown` may only
/// come from data that was not collected, never from a CEL type error, and every
/// failure message must evaluate. This catches rules that only work on the
/// inventories they were written against.
#[test]
fn every_rule_is_robust_on_every_fixture() {
    let rules = RuleSet::builtin().expect("built-in rules load");
    let base = fixtures_dir();
    let config_text =
        std::fs::read_to_string(base.join("regionready.toml")).expect("shared fixture config");
    let config = Config::parse(&config_text, "fixtures/rules/regionready.toml")
        .expect("shared fixture config");
    let options = EvaluateOptions {
        today: NaiveDate::from_ymd_opt(2026, 1, 15).expect("date"),
        include_passes: false,
    };
    let mut problems = Vec::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&base)
        .expect("fixtures/rules")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("fixture dir")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        for path in files {
            let label = path
                .strip_prefix(&base)
                .unwrap_or(&path)
                .display()
                .to_string();
            let Ok(fixture) =
                serde_json::from_str::<Fixture>(&std::fs::read_to_string(&path).expect("readable"))
            else {
                continue; // reported by every_rule_matches_its_fixtures
            };
            let text = serde_json::to_vec(&fixture.inventory).expect("serializable");
            let Ok(inventory) = Inventory::from_json(&text, &label) else {
                continue;
            };
            for f in evaluate(&inventory, &config, &rules, &options).findings {
                let from_data =
                    f.message.starts_with("not collected") || f.message.starts_with("not assessed");
                if f.status == Status::Unknown && !from_data {
                    problems.push(format!(
                        "{label}: {} on {}: {}",
                        f.rule_id, f.resource_arn, f.message
                    ));
                }
                if f.status == Status::Fail && *f.message == *f.title {
                    problems.push(format!(
                        "{label}: {} on {}: the message did not evaluate",
                        f.rule_id, f.resource_arn
                    ));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} rule evaluation problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}
