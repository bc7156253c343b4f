//! `data/aws-partitions.json` is the partition document of the AWS SDK crates this
//! build links, copied verbatim: region lists and region patterns must come from
//! the SDK, not be typed by hand.

use std::path::PathBuf;

/// Source directory of the `aws-sdk-sts` crate this build links: the version in
/// `Cargo.lock`, unpacked by cargo under `$CARGO_HOME/registry/src/<index>/`.
fn sdk_crate_dir() -> PathBuf {
    let lock =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("Cargo.lock"))
            .expect("read Cargo.lock");
    let version = lock
        .split("[[package]]")
        .find(|p| p.contains("name = \"aws-sdk-sts\""))
        .and_then(|p| p.lines().find_map(|l| l.strip_prefix("version = ")))
        .map(|v| v.trim_matches('"').to_string())
        .expect("aws-sdk-sts in Cargo.lock");
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .expect("CARGO_HOME or HOME");
    let registry = cargo_home.join("registry/src");
    std::fs::read_dir(&registry)
        .expect("read the cargo registry")
        .flatten()
        .map(|index| index.path().join(format!("aws-sdk-sts-{version}")))
        .find(|dir| dir.is_dir())
        .unwrap_or_else(|| {
            panic!(
                "aws-sdk-sts-{version} not unpacked under {}",
                registry.display()
            )
        })
}

/// The JSON document inside `PartitionResolver::new_from_json(b"...")`.
fn embedded_document(source: &str) -> serde_json::Value {
    let start = source
        .find("new_from_json(b\"")
        .expect("the SDK embeds its partitions")
        + "new_from_json(b\"".len();
    let mut text = String::new();
    let mut chars = source[start..].chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => break,
            '\\' => match chars.next().expect("escape") {
                'n' => text.push('\n'),
                't' => text.push('\t'),
                other => text.push(other),
            },
            other => text.push(other),
        }
    }
    serde_json::from_str(&text).expect("embedded partitions are JSON")
}

#[test]
fn vendored_partitions_equal_the_sdk_source() {
    let source = std::fs::read_to_string(sdk_crate_dir().join("src/endpoint_lib.rs"))
        .expect("read aws-sdk-sts endpoint_lib.rs");
    let vendored: serde_json::Value =
        serde_json::from_str(regionready::analysis::partitions::PARTITIONS_JSON)
            .expect("vendored JSON");
    assert_eq!(
        vendored,
        embedded_document(&source),
        "data/aws-partitions.json differs from the SDK's partition document: copy it again"
    );
}
