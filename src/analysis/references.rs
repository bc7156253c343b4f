//! Finds the regions a resource's configuration calls into.
//!
//! A Lambda environment variable holding a DynamoDB table ARN in the other region, an
//! ECS task definition pointing at a Secrets Manager secret across the ocean, an
//! EventBridge target in another region: each is a synchronous cross-region call on
//! the hot path. We scan every string of the configuration for ARNs and for regional
//! AWS endpoint hostnames. Values under keys that declare replication (S3 replication
//! rules, replica lists) are declared replication targets, not dependencies.

use super::arn::Arn;
use super::regions::looks_like_region;
use crate::inventory::{Reference, ReferenceRole};
use regex::Regex;
use std::sync::LazyLock;

static ARN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:[0-9]*:[A-Za-z0-9/_.:+=@,*$-]+")
        .expect("valid regex")
});
static HOST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[a-z0-9][a-z0-9.-]*\.amazonaws\.com(?:\.cn)?").expect("valid regex")
});

fn is_replication_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k.contains("replica") || k.contains("replication")
}

/// Every regional reference in the configuration item of a resource of
/// `resource_type`, sorted and without duplicates.
pub fn extract(_resource_type: &str, configuration: &serde_json::Value) -> Vec<Reference> {
    let mut out = Vec::new();
    walk(configuration, &mut String::new(), false, &mut out);
    out.sort();
    out.dedup();
    out
}

/// [`extract`] over a configuration item still in its JSON text. Fails, with a
/// reason fit for a report, when the text cannot be parsed: an item nested more
/// deeply than the parser allows yields no references rather than an empty list,
/// so the rules that need them say `unknown`, never `pass`.
pub fn extract_from_text(resource_type: &str, text: &str) -> Result<Vec<Reference>, String> {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(value) => Ok(extract(resource_type, &value)),
        Err(e) if e.to_string().contains("recursion limit") => Err(
            "the configuration item is nested more than 128 levels deep; its references were not read"
                .to_string(),
        ),
        Err(e) => Err(format!(
            "the configuration item is not valid JSON ({}); its references were not read",
            e
        )),
    }
}

fn walk(value: &serde_json::Value, path: &mut String, replication: bool, out: &mut Vec<Reference>) {
    match value {
        serde_json::Value::String(s) => scan_string(s, path, replication, out),
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                walk(item, path, replication, out);
                path.truncate(len);
            }
        }
        serde_json::Value::Object(fields) => {
            for (key, item) in fields {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                walk(item, path, replication || is_replication_key(key), out);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

fn role(replication: bool) -> ReferenceRole {
    if replication {
        ReferenceRole::Replication
    } else {
        ReferenceRole::Call
    }
}

fn scan_string(s: &str, path: &str, replication: bool, out: &mut Vec<Reference>) {
    if s.contains("arn:") {
        for m in ARN.find_iter(s) {
            if let Some(arn) = Arn::parse(m.as_str()) {
                let bucket =
                    arn.service == "s3" && arn.region.is_empty() && !arn.resource.contains('/');
                if looks_like_region(arn.region) || bucket {
                    out.push(Reference {
                        target: m.as_str().to_string(),
                        region: arn.region.to_string(),
                        path: path.to_string(),
                        role: role(replication),
                    });
                }
            }
        }
    }
    if s.contains("amazonaws.com") {
        for m in HOST.find_iter(s) {
            if let Some(region) = m.as_str().split('.').find(|label| looks_like_region(label)) {
                out.push(Reference {
                    target: m.as_str().to_string(),
                    region: region.to_string(),
                    path: path.to_string(),
                    role: role(replication),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keeps_bucket_arns_for_region_resolution() {
        let config = json!({"ReplicationConfiguration": {"rules": [{"destination": {"bucket": "arn:aws:s3:::helios-exports-euw1"}}]}});
        let refs = extract("AWS::S3::Bucket", &config);
        assert_eq!(refs.len(), 1);
        assert_eq!(
            (refs[0].region.as_str(), refs[0].role),
            ("", ReferenceRole::Replication)
        );
    }

    #[test]
    fn finds_arns_and_endpoints_but_not_replication_targets() {
        let config = json!({
            "environment": {"variables": {
                "SECRET": "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf",
                "QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/111122223333/jobs",
                "ROLE": "arn:aws:iam::111122223333:role/app"
            }},
            "ReplicationConfiguration": {"rules": [{"destination": "arn:aws:s3:eu-west-1:111122223333:accesspoint/x"}]}
        });
        let refs = extract("AWS::Lambda::Function", &config);
        let live: Vec<_> = refs
            .iter()
            .filter(|r| r.role == ReferenceRole::Call)
            .map(|r| (r.region.as_str(), r.path.as_str()))
            .collect();
        assert_eq!(
            live,
            vec![
                ("us-east-1", "environment.variables.SECRET"),
                ("us-east-1", "environment.variables.QUEUE_URL")
            ]
        );
        assert_eq!(
            refs.iter()
                .filter(|r| r.role == ReferenceRole::Replication)
                .count(),
            1
        );
    }

    #[test]
    fn too_deep_a_configuration_is_an_error_not_an_empty_list() {
        let deep = "[".repeat(200) + &"]".repeat(200);
        let err = extract_from_text("AWS::Lambda::Function", &deep).unwrap_err();
        assert!(err.contains("128 levels"), "{err}");
    }
}
