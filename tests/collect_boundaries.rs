//! Static checks of the live collector's source: the SDK boundary, read-only calls,
//! and the shipped least-privilege policy matching exactly the calls made.

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use support::calls::{calls, operation_name};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn only_the_collector_names_sdk_types() {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    let collect_dir = root().join("src/collect");
    let offenders: Vec<String> = files
        .iter()
        .filter(|f| !f.starts_with(&collect_dir))
        .filter(|f| {
            std::fs::read_to_string(f)
                .expect("read")
                .contains("aws_sdk_")
        })
        .map(|f| f.display().to_string())
        .collect();
    assert!(
        offenders.is_empty(),
        "aws_sdk_* named outside src/collect/: {offenders:?}"
    );
}

/// `kms:DescribeKey`, ... for every call the collector makes.
fn called_actions() -> BTreeSet<String> {
    calls()
        .into_iter()
        .map(|c| regionready::collect::iam_action(c.iam_prefix, &c.operation))
        .collect()
}

fn policy_actions() -> BTreeSet<String> {
    let text =
        std::fs::read_to_string(root().join("docs/iam-policy.json")).expect("docs/iam-policy.json");
    let policy: serde_json::Value = serde_json::from_str(&text).expect("policy is JSON");
    policy["Statement"]
        .as_array()
        .expect("statements")
        .iter()
        .inspect(|s| assert_eq!(s["Effect"], "Allow"))
        .flat_map(|s| s["Action"].as_array().expect("actions").iter())
        .map(|a| a.as_str().expect("action string").to_string())
        .collect()
}

#[test]
fn iam_policy_grants_exactly_the_actions_called() {
    let called = called_actions();
    let granted = policy_actions();
    assert!(
        called.len() >= 25,
        "the scan of src/collect found too few calls: {called:?}"
    );
    let missing: Vec<_> = called.difference(&granted).collect();
    let unused: Vec<_> = granted.difference(&called).collect();
    assert!(
        missing.is_empty(),
        "called but not in docs/iam-policy.json: {missing:?}"
    );
    assert!(
        unused.is_empty(),
        "in docs/iam-policy.json but never called: {unused:?}"
    );
}

#[test]
fn the_collector_only_reads_metadata() {
    for action in called_actions() {
        let name = action.split(':').nth(1).expect("service:Action");
        let read = ["List", "Describe", "Get", "BatchGet", "Select"]
            .iter()
            .any(|p| name.starts_with(p))
            || action == "sts:AssumeRole";
        assert!(read, "{action} is not a read-only call");
        assert!(!["secretsmanager:GetSecretValue", "kms:Decrypt"].contains(&action.as_str()));
    }
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    for f in files {
        let text = std::fs::read_to_string(&f).expect("read");
        for forbidden in [
            "get_secret_value",
            "batch_get_secret_value",
            ".decrypt(",
            "generate_data_key",
        ] {
            assert!(
                !text.contains(forbidden),
                "{} calls {forbidden}",
                f.display()
            );
        }
    }
}

#[test]
fn action_names_follow_the_iam_spelling() {
    assert_eq!(operation_name("describe_db_clusters"), "DescribeDBClusters");
    assert_eq!(
        operation_name("list_tags_of_resource"),
        "ListTagsOfResource"
    );
    assert_eq!(operation_name("get_caller_identity"), "GetCallerIdentity");
}

/// Each collector file calls exactly the actions `SERVICES` declares for it.
#[test]
fn each_file_calls_exactly_the_actions_it_declares() {
    use std::collections::BTreeMap;
    let mut called: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    let dir = root().join("src/collect");
    let re = regex::Regex::new(r"\b(?:client|sts)\s*\.\s*([a-z_]+)\(\)").expect("regex");
    for service in regionready::collect::SERVICES {
        let text = std::fs::read_to_string(dir.join(service.file)).expect("declared file exists");
        let ops: BTreeSet<String> = re
            .captures_iter(&text)
            .map(|c| operation_name(&c[1]))
            .collect();
        called.entry(service.file).or_default().extend(ops);
    }
    for service in regionready::collect::SERVICES {
        let declared: BTreeSet<String> = service.actions.iter().map(|a| a.to_string()).collect();
        assert_eq!(
            called[service.file], declared,
            "src/collect/{}: calls (left) differ from the actions SERVICES declares (right)",
            service.file
        );
    }
    assert_eq!(
        called_actions(),
        regionready::collect::actions()
            .into_iter()
            .collect::<BTreeSet<_>>(),
        "calls in src/collect differ from the declared actions"
    );
}

/// `docs/iam-policy.json` is generated from the declared actions.
/// Regenerate with `REGIONREADY_UPDATE_DOCS=1 cargo test --test collect_boundaries`.
#[test]
fn iam_policy_is_generated_from_the_declared_actions() {
    let path = root().join("docs/iam-policy.json");
    let generated = regionready::collect::iam_policy_json();
    if std::env::var_os("REGIONREADY_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &generated).expect("write docs/iam-policy.json");
    }
    let shipped = std::fs::read_to_string(&path).expect("docs/iam-policy.json");
    assert!(
        shipped == generated,
        "docs/iam-policy.json is out of date with src/collect/services.rs; run REGIONREADY_UPDATE_DOCS=1 cargo test --test collect_boundaries"
    );
}

/// S3 operations are allowed by IAM actions of other names: a policy naming the
/// operation would grant nothing (Service Authorization Reference, Amazon S3).
#[test]
fn s3_operations_map_to_their_iam_actions() {
    use regionready::collect::iam_action;
    assert_eq!(iam_action("s3", "ListBuckets"), "s3:ListAllMyBuckets");
    assert_eq!(
        iam_action("s3", "GetBucketReplication"),
        "s3:GetReplicationConfiguration"
    );
    assert_eq!(
        iam_action("s3", "GetBucketVersioning"),
        "s3:GetBucketVersioning"
    );
    let actions = regionready::collect::actions();
    assert!(actions.contains(&"s3:ListAllMyBuckets".to_string()));
    assert!(!actions.iter().any(|a| a == "s3:ListBuckets"));
}
