//! The README's rule table and docs/rules.md are generated from the rule files, and
//! docs/fields.md from the resource kinds and the rule functions; this keeps them
//! current.
//! Regenerate with `REGIONREADY_UPDATE_DOCS=1 cargo test --test readme`.

use regionready::rules::{markdown_table, reference_markdown, RuleSet};

const START: &str = "<!-- rules:start -->\n";
const END: &str = "<!-- rules:end -->";

#[test]
fn readme_rule_table_is_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let start = readme
        .find(START)
        .expect("README has the rules:start marker")
        + START.len();
    let end = readme.find(END).expect("README has the rules:end marker");
    let table = markdown_table(&RuleSet::builtin().unwrap());
    if std::env::var_os("REGIONREADY_UPDATE_DOCS").is_some() {
        let updated = format!("{}{}{}", &readme[..start], table, &readme[end..]);
        std::fs::write(&path, updated).unwrap();
        return;
    }
    assert!(
        readme[start..end] == table,
        "README.md rule table is out of date; run REGIONREADY_UPDATE_DOCS=1 cargo test --test readme"
    );
}

#[test]
fn rule_reference_is_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
    let generated = reference_markdown(&RuleSet::builtin().unwrap());
    if std::env::var_os("REGIONREADY_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == generated,
        "docs/rules.md is out of date; run REGIONREADY_UPDATE_DOCS=1 cargo test --test readme"
    );
}

#[test]
fn field_reference_is_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/fields.md");
    let generated = regionready::expr::reference_markdown();
    if std::env::var_os("REGIONREADY_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == generated,
        "docs/fields.md is out of date with src/kinds and the rule functions; run REGIONREADY_UPDATE_DOCS=1 cargo test --test readme"
    );
}

#[test]
fn rule_docs_link_the_field_reference() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let rules_section = &readme[readme.find("## Rules").expect("README has a Rules section")..];
    let rules_section = &rules_section[..rules_section[3..]
        .find("\n## ")
        .map_or(rules_section.len(), |i| i + 3)];
    assert!(
        rules_section.contains("(docs/fields.md)"),
        "README's rule-authoring section links docs/fields.md"
    );
    let reference = reference_markdown(&RuleSet::builtin().unwrap());
    let intro = reference.split("\n## ").next().unwrap();
    assert!(
        intro.contains("(fields.md)"),
        "docs/rules.md's introduction links the field reference"
    );
}

#[test]
fn readme_starts_with_the_two_setup_commands() {
    let readme =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .unwrap();
    let first: Vec<&str> = readme.lines().take(6).collect();
    assert!(
        first
            .iter()
            .any(|l| l.starts_with("cargo run -- scan --demo")),
        "{first:?}"
    );
    assert!(
        first
            .iter()
            .any(|l| l.starts_with("bash .ci/install-moto.sh && cargo test")),
        "{first:?}"
    );
    let ci =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/run"))
            .unwrap();
    assert!(
        ci.contains("bash .ci/install-moto.sh && cargo test"),
        "CI runs the README's test command"
    );
}
