//! Input problems carry stable codes: unique, of the form `<input>/<problem>`,
//! documented in docs/diagnostics.md (generated; regenerate with
//! `REGIONREADY_UPDATE_DOCS=1 cargo test --test diagnostics`), and attached to every
//! line of a config or rule error.

use regionready::config::Config;
use regionready::diagnostics::{markdown, Code};
use regionready::inventory::Inventory;
use regionready::rules::parse_rule;
use regionready::scan::Baseline;
use std::collections::BTreeSet;

#[test]
fn codes_are_unique_and_well_formed() {
    let mut seen = BTreeSet::new();
    for code in Code::ALL {
        let id = code.as_str();
        assert!(seen.insert(id), "{id} is used twice");
        let (input, problem) = id.split_once('/').expect("<input>/<problem>");
        assert!(
            ["config", "rule", "inventory", "baseline"].contains(&input),
            "{id}: unknown input"
        );
        assert!(
            !problem.is_empty() && problem.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
            "{id}: the problem is kebab-case"
        );
        assert!(!code.doc().is_empty(), "{id} has no documentation");
    }
}

#[test]
fn diagnostics_doc_is_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/diagnostics.md");
    let generated = markdown();
    if std::env::var_os("REGIONREADY_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == generated,
        "docs/diagnostics.md is out of date; run REGIONREADY_UPDATE_DOCS=1 cargo test --test diagnostics"
    );
    for code in Code::ALL {
        assert!(current.contains(&format!("`{}`", code.as_str())));
    }
}

fn config_codes(text: &str) -> Vec<(Code, String)> {
    let e = Config::parse(text, "c.toml").expect_err("an invalid config");
    assert_eq!(e.errors.len(), e.codes.len(), "one code per line");
    e.diagnostics().map(|(c, l)| (c, l.to_string())).collect()
}

#[test]
fn config_problems_have_their_codes() {
    let found = config_codes("[regions]\npairs = [[\"us-east-1\", \"us-eats-2\"]]\n");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, Code::ConfigRegion);
    assert!(found[0].1.starts_with("c.toml:2:"), "{found:?}");

    let found = config_codes("[regions]\npairs = [[\"us-east-1\", \"us-east-1\"]]\n");
    assert_eq!(found[0].0, Code::ConfigPair, "{found:?}");

    let found = config_codes("[regionz]\n");
    assert_eq!(found[0].0, Code::ConfigSyntax, "{found:?}");

    let found = config_codes(
        "[regions]\npairs = [[\"us-east-1\", \"us-west-2\"]]\n[capacity]\nmin_ratio = 0\n",
    );
    assert_eq!(found[0].0, Code::ConfigCapacity, "{found:?}");
}

#[test]
fn rule_problems_have_their_codes() {
    let e = parse_rule("id = ", "r.toml", None).expect_err("not TOML");
    assert_eq!(
        e.diagnostics().map(|(c, _)| c).collect::<Vec<_>>(),
        [Code::RuleSyntax]
    );
    let builtin = regionready::rules::RuleSet::builtin().unwrap();
    let rule = &builtin.rules[0];
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(&rule.origin),
    )
    .unwrap();
    let broken = text.replacen(
        &format!("condition = {:?}", rule.spec.condition),
        "condition = \"resource.no_such_field\"",
        1,
    );
    let broken = if broken == text {
        // The condition is written as a multi-line string: add an unknown field.
        text.replacen(
            "condition = '''",
            "condition = '''resource.no_such_field && ",
            1,
        )
        .replacen(
            "condition = \"\"\"",
            "condition = \"\"\"resource.no_such_field && ",
            1,
        )
    } else {
        broken
    };
    let broken = broken.replacen("title = \"", "title = \"Ensure ", 1);
    let e = parse_rule(&broken, "r.toml", None).expect_err("broken rule");
    assert_eq!(e.errors.len(), e.codes.len(), "one code per line");
    let codes: BTreeSet<Code> = e.diagnostics().map(|(c, _)| c).collect();
    assert!(codes.contains(&Code::RuleModel), "{e:?}");
    assert!(codes.contains(&Code::RuleMetadata), "{e:?}");
}

#[test]
fn inventory_and_baseline_problems_have_their_codes() {
    let e = Inventory::from_json(b"{", "i.json").unwrap_err();
    assert_eq!(e.code(), Code::InventorySyntax);
    let e = Inventory::from_json(br#"{"schema_version": "9.0", "accounts": []}"#, "i.json")
        .unwrap_err();
    assert_eq!(e.code(), Code::InventoryVersion, "{e}");

    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.json");
    assert_eq!(
        Baseline::load(&missing).unwrap_err().code(),
        Code::BaselineRead
    );
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "[1,").unwrap();
    assert_eq!(
        Baseline::load(&bad).unwrap_err().code(),
        Code::BaselineSyntax
    );
    let old = dir.path().join("old.json");
    std::fs::write(&old, r#"{"schema_version": "0.1"}"#).unwrap();
    assert_eq!(
        Baseline::load(&old).unwrap_err().code(),
        Code::BaselineVersion
    );
}
