//! The AWS operations the live collector calls, read from its source.
//!
//! The collector declares its files, their services and actions once, in
//! `regionready::collect::SERVICES`; the IAM policy check
//! (`tests/collect_boundaries.rs`) and the response-corpus check (`tests/corpus.rs`)
//! hold the source to it. A collector file that calls AWS and is missing from the
//! table fails both, instead of being skipped by both.

use std::collections::BTreeSet;
use std::path::PathBuf;

/// One operation call found in a collector file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Call {
    /// IAM service prefix, as in `docs/iam-policy.json`.
    pub iam_prefix: &'static str,
    /// botocore service name, as in `tests/corpus/<service>/`.
    pub model: &'static str,
    /// API operation name, `DescribeDBClusters`.
    pub operation: String,
}

/// `describe_db_clusters` -> `DescribeDBClusters`.
pub fn operation_name(fluent: &str) -> String {
    fluent
        .split('_')
        .map(|w| match w {
            "db" => "DB".to_string(),
            _ => {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                    .unwrap_or_default()
            }
        })
        .collect()
}

/// Operation calls on SDK clients in `src/collect/`: `client.list_keys()`,
/// `sts.assume_role()`, and the same split across lines by rustfmt.
pub fn calls() -> BTreeSet<Call> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/collect");
    let re = regex::Regex::new(r"\b(?:client|sts)\s*\.\s*([a-z_]+)\(\)").expect("regex");
    let mut out = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).expect("src/collect").flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let text = std::fs::read_to_string(entry.path()).expect("read collector file");
        let found: Vec<String> = re.captures_iter(&text).map(|c| c[1].to_string()).collect();
        if found.is_empty() {
            continue;
        }
        let service = regionready::collect::SERVICES
            .iter()
            .find(|s| s.file == name)
            .unwrap_or_else(|| {
                panic!(
                    "src/collect/{name} calls AWS: declare it in src/collect/services.rs SERVICES"
                )
            });
        let (iam_prefix, model) = (service.iam, service.model);
        for fluent in found {
            out.insert(Call {
                iam_prefix,
                model,
                operation: operation_name(&fluent),
            });
        }
    }
    out
}
