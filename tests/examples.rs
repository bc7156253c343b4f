//! `reports/examples/` holds the reports of the demo scan. This test regenerates
//! them and fails when they differ, so the examples always show what this build
//! writes. To refresh them after a change:
//!
//! ```text
//! REGIONREADY_UPDATE_EXAMPLES=1 cargo test --test examples
//! ```

mod common;

use std::path::Path;
use std::process::Command;

/// 2026-11-22T00:00:00Z, the `generated_at` of the examples.
const EPOCH: &str = "1795305600";
const FILES: [&str; 4] = [
    "regionready.sarif",
    "report.html",
    "report.md",
    "results.json",
];

fn generate(dir: &Path) {
    let out = Command::new(env!("CARGO_BIN_EXE_regionready"))
        .args(["scan", "--demo", "--as-of", "2026-11-22"])
        .args([
            "--format", "sarif", "--format", "html", "--format", "markdown", "--format", "json",
        ])
        .arg("--output-dir")
        .arg(dir)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .output()
        .expect("the binary runs");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "demo scan failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn examples_match_the_demo_scan() {
    let examples = common::repo("reports/examples");
    if std::env::var_os("REGIONREADY_UPDATE_EXAMPLES").is_some() {
        generate(&examples);
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    generate(dir.path());
    let mut stale = Vec::new();
    for name in FILES {
        let fresh = std::fs::read_to_string(dir.path().join(name)).expect("generated");
        let kept = std::fs::read_to_string(examples.join(name)).unwrap_or_default();
        if fresh != kept {
            stale.push(name);
        }
    }
    assert!(
        stale.is_empty(),
        "reports/examples/ is out of date ({}). Regenerate with:\n  REGIONREADY_UPDATE_EXAMPLES=1 cargo test --test examples",
        stale.join(", ")
    );
}
