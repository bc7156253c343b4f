//! The inventory JSON Schema in docs/ is generated from the Rust model; this test
//! keeps the two in sync and checks that real inventories validate against it.
//! Regenerate with `REGIONREADY_UPDATE_DOCS=1 cargo test --test inventory_schema`.

use regionready::inventory::{json_schema, Inventory};
use std::path::Path;

const SCHEMA_FILE: &str = "docs/inventory.schema.json";

#[test]
fn schema_file_matches_the_model() {
    let generated = serde_json::to_string_pretty(&json_schema()).unwrap() + "\n";
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(SCHEMA_FILE);
    if std::env::var_os("REGIONREADY_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == generated,
        "{SCHEMA_FILE} is out of date with src/inventory; run REGIONREADY_UPDATE_DOCS=1 cargo test --test inventory_schema"
    );
}

#[test]
fn demo_inventory_validates_against_the_schema() {
    let schema = json_schema();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let demo: serde_json::Value = serde_json::from_str(regionready::demo::DEMO_INVENTORY).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&demo)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "demo inventory does not match the schema: {errors:#?}"
    );
}

#[test]
fn schema_rejects_what_the_parser_rejects() {
    let schema = json_schema();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let bad = serde_json::json!({"schema_version": "1.0", "accounts": [{"account_id": "1", "regions": [{"region": "us-east-1", "kms_keyz": []}]}]});
    assert!(
        !validator.is_valid(&bad),
        "unknown field accepted by the schema"
    );
    assert!(
        Inventory::from_json(bad.to_string().as_bytes(), "bad.json").is_err(),
        "unknown field accepted by the parser"
    );
}
