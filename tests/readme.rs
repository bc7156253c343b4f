//! The README's rule table and docs/rules.md are generated from the rule files; this
//! keeps them current.
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
