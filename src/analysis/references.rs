//! Finds what a resource's configuration refers to, and what each reference means.
//!
//! A Lambda environment variable holding a DynamoDB table ARN in the other region, an
//! ECS task definition pointing at a secret across the ocean, an EventBridge target
//! in another region: each is a synchronous cross-region call on the hot path. Every
//! string of a configuration item is searched for ARNs and regional AWS endpoint
//! hostnames, and each one found gets a [`ReferenceRole`] from the place it was found
//! in, never from the name of a key:
//!
//! - inside a policy document: a resource-based policy (a statement with a
//!   `Principal`) says who may call the resource, an identity policy what a role may
//!   call. Neither is a call (`Inbound`, `Permission`);
//! - `SourceArn` / `SourceAccount` settings outside a policy name callers (`Inbound`);
//! - the documented replication settings of each resource type (S3 replication
//!   rules, multi-Region key replicas, Aurora and RDS replica lists) are declared
//!   replication (`Replication`);
//! - anything else is something the resource uses (`Call`).
//!
//! References to global services (IAM, Route 53, CloudFront, Organizations, WAF's
//! global scope) are not regional and are left out. Policy documents that AWS Config
//! stores as JSON text (or URL-encoded JSON) are parsed and searched the same way.

use super::arn::Arn;
use super::partitions;
use regex::Regex;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::sync::LazyLock;

/// What the place a reference was found at says about it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum ReferenceRole {
    /// Something the resource calls or reads at run time (an environment variable,
    /// a target, an integration): a dependency.
    Call,
    /// Something allowed to call the resource (a resource-based policy, a
    /// `SourceArn` condition, a principal): not a dependency of the resource.
    Inbound,
    /// Something an identity policy lets a role call: a permission, not a call.
    Permission,
    /// A declared replication destination (S3 replication rules, replica lists).
    Replication,
}

impl ReferenceRole {
    pub fn as_str(self) -> &'static str {
        match self {
            ReferenceRole::Call => "call",
            ReferenceRole::Inbound => "inbound",
            ReferenceRole::Permission => "permission",
            ReferenceRole::Replication => "replication",
        }
    }
}

/// One reference found in a configuration item.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    /// The ARN or hostname as written.
    pub target: String,
    /// Region named by the ARN or hostname; empty for a region-less ARN (an S3
    /// bucket), which the evaluator resolves from the inventory when it can.
    pub region: String,
    /// Path in the configuration item (`environment.variables.TABLE_ARN`).
    pub path: String,
    pub role: ReferenceRole,
}

static ARN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:[0-9]*:[A-Za-z0-9/_.:+=@,*$-]+")
        .expect("valid regex")
});
static HOST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[a-z0-9][a-z0-9.-]*\.(?:amazonaws\.com(?:\.cn)?|amazonaws\.eu|api\.aws)")
        .expect("valid regex")
});

/// Services whose resources and endpoints are global: a reference to them names no
/// region the resource depends on.
const GLOBAL_SERVICES: &[&str] = &[
    "iam",
    "route53",
    "route53domains",
    "cloudfront",
    "organizations",
    "globalaccelerator",
    "shield",
    "waf",
    "budgets",
    "ce",
    "health",
    "support",
    "account",
];

/// Documented places where a resource type declares its replication, as
/// lower-case paths with array indices written `[]`.
const REPLICATION_PLACES: &[(&str, &str)] = &[
    // AWS Config's S3 bucket item and the S3 API / CloudFormation shapes.
    (
        "AWS::S3::Bucket",
        "supplementaryconfiguration.bucketreplicationconfiguration.rules[].destination.bucketarn",
    ),
    (
        "AWS::S3::Bucket",
        "replicationconfiguration.rules[].destination.bucket",
    ),
    (
        "AWS::S3::Bucket",
        "replicationconfiguration.rules[].destination.bucketarn",
    ),
    // KMS DescribeKey: MultiRegionConfiguration.
    ("AWS::KMS::Key", "multiregionconfiguration.primarykey.arn"),
    (
        "AWS::KMS::Key",
        "multiregionconfiguration.replicakeys[].arn",
    ),
    // RDS DescribeDBClusters / DescribeDBInstances / DescribeGlobalClusters.
    ("AWS::RDS::DBCluster", "readreplicaidentifiers[]"),
    ("AWS::RDS::DBCluster", "replicationsourceidentifier"),
    ("AWS::RDS::DBInstance", "readreplicadbinstanceidentifiers[]"),
    (
        "AWS::RDS::DBInstance",
        "readreplicasourcedbinstanceidentifier",
    ),
    ("AWS::RDS::DBInstance", "readreplicadbclusteridentifiers[]"),
    (
        "AWS::RDS::DBInstance",
        "readreplicasourcedbclusteridentifier",
    ),
    (
        "AWS::RDS::GlobalCluster",
        "globalclustermembers[].dbclusterarn",
    ),
];

/// Keys that name a caller wherever they appear.
const INBOUND_KEYS: &[&str] = &[
    "sourcearn",
    "sourceaccount",
    "aws:sourcearn",
    "aws:sourceaccount",
];

/// Every reference in the configuration item of a resource of `resource_type`,
/// sorted and without duplicates.
pub fn extract(resource_type: &str, configuration: &Value) -> Vec<Reference> {
    let mut walker = Walker {
        resource_type,
        path: String::new(),
        out: Vec::new(),
    };
    walker.walk(configuration, None, 0);
    let mut out = walker.out;
    out.sort();
    out.dedup();
    out
}

/// [`extract`] over a configuration item still in its JSON text. Fails, with a
/// reason fit for a report, when the text cannot be parsed: an item nested more
/// deeply than the parser allows yields no references rather than an empty list,
/// so the rules that need them say `unknown`, never `pass`.
pub fn extract_from_text(resource_type: &str, text: &str) -> Result<Vec<Reference>, String> {
    match serde_json::from_str::<Value>(text) {
        Ok(value) => Ok(extract(resource_type, &value)),
        Err(e) if e.to_string().contains("recursion limit") => Err(
            "the configuration item is nested more than 128 levels deep; its references were not read"
                .to_string(),
        ),
        Err(e) => Err(format!(
            "the configuration item is not valid JSON ({e}); its references were not read"
        )),
    }
}

struct Walker<'a> {
    resource_type: &'a str,
    path: String,
    out: Vec<Reference>,
}

/// Policy documents embedded as text are parsed; this bounds how many times a
/// string can hold another document (the parser bounds the depth of each).
const MAX_EMBEDDED_DOCUMENTS: usize = 4;

impl Walker<'_> {
    /// `role` is the role forced by an enclosing place (a policy document, an
    /// inbound key); `None` lets the path decide.
    fn walk(&mut self, value: &Value, role: Option<ReferenceRole>, embedded: usize) {
        match value {
            Value::String(s) => self.string(s, role, embedded),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let len = self.path.len();
                    self.path.push_str(&format!("[{i}]"));
                    self.walk(item, role, embedded);
                    self.path.truncate(len);
                }
            }
            Value::Object(fields) => {
                let role = role.or_else(|| policy_role(value));
                for (key, item) in fields {
                    let len = self.path.len();
                    if !self.path.is_empty() {
                        self.path.push('.');
                    }
                    self.path.push_str(key);
                    let inbound = INBOUND_KEYS.contains(&key.to_ascii_lowercase().as_str());
                    let role = role.or(inbound.then_some(ReferenceRole::Inbound));
                    self.walk(item, role, embedded);
                    self.path.truncate(len);
                }
            }
            _ => {}
        }
    }

    fn string(&mut self, s: &str, role: Option<ReferenceRole>, embedded: usize) {
        if embedded < MAX_EMBEDDED_DOCUMENTS {
            if let Some(document) = embedded_document(s) {
                self.walk(&document, role, embedded + 1);
                return;
            }
        }
        let role = role.unwrap_or_else(|| self.place_role());
        if s.contains("arn:") {
            for m in ARN.find_iter(s) {
                let Some(arn) = Arn::parse(m.as_str()) else {
                    continue;
                };
                if is_global(&arn) {
                    continue;
                }
                let bucket =
                    arn.service == "s3" && arn.region.is_empty() && !arn.resource.contains('/');
                if partitions::is_region(arn.region) || bucket {
                    self.push(m.as_str(), arn.region, role);
                }
            }
        }
        if s.contains(".amazonaws.") || s.contains(".api.aws") {
            for m in HOST.find_iter(s) {
                let host = m.as_str();
                let service = host.split('.').next().unwrap_or_default();
                if GLOBAL_SERVICES.contains(&service) {
                    continue;
                }
                if let Some(region) = host_region(host) {
                    self.push(host, &region, role);
                }
            }
        }
    }

    fn push(&mut self, target: &str, region: &str, role: ReferenceRole) {
        self.out.push(Reference {
            target: target.to_string(),
            region: region.to_string(),
            path: self.path.clone(),
            role,
        });
    }

    /// The role the current path gives a reference outside any policy.
    fn place_role(&self) -> ReferenceRole {
        let normalized = normalize_path(&self.path);
        if REPLICATION_PLACES
            .iter()
            .any(|(t, place)| *t == self.resource_type && *place == normalized)
        {
            ReferenceRole::Replication
        } else {
            ReferenceRole::Call
        }
    }
}

/// `Inbound` for a resource-based policy document, `Permission` for an identity
/// policy, `None` for anything else.
fn policy_role(value: &Value) -> Option<ReferenceRole> {
    let statements = value
        .as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("statement"))
        .map(|(_, v)| v)?;
    let list: Vec<&Value> = match statements {
        Value::Array(items) => items.iter().collect(),
        single @ Value::Object(_) => vec![single],
        _ => return None,
    };
    let is_statement = |s: &&Value| {
        s.as_object()
            .is_some_and(|o| o.keys().any(|k| k.eq_ignore_ascii_case("effect")))
    };
    if list.is_empty() || !list.iter().all(is_statement) {
        return None;
    }
    let names_principal = list.iter().any(|s| {
        s.as_object().is_some_and(|o| {
            o.keys().any(|k| {
                k.eq_ignore_ascii_case("principal") || k.eq_ignore_ascii_case("notprincipal")
            })
        })
    });
    Some(if names_principal {
        ReferenceRole::Inbound
    } else {
        ReferenceRole::Permission
    })
}

/// A JSON document held in a string (AWS Config keeps policies as text, IAM as
/// URL-encoded text).
fn embedded_document(s: &str) -> Option<Value> {
    let trimmed = s.trim_start();
    let text = if trimmed.starts_with('{') {
        std::borrow::Cow::Borrowed(trimmed)
    } else if trimmed.starts_with("%7B") || trimmed.starts_with("%7b") {
        std::borrow::Cow::Owned(percent_decode(trimmed)?)
    } else {
        return None;
    };
    serde_json::from_str::<Value>(&text)
        .ok()
        .filter(|v| v.is_object())
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// Whether an ARN names a global service's resource.
fn is_global(arn: &Arn) -> bool {
    GLOBAL_SERVICES.contains(&arn.service)
        || (arn.service == "wafv2" && arn.resource.starts_with("global/"))
}

/// The region named by an endpoint hostname: a label that is a region code, or
/// the short codes ElastiCache and MemoryDB endpoints use (`use1`, `euw1`).
fn host_region(host: &str) -> Option<String> {
    let labels: Vec<&str> = host.split('.').collect();
    if let Some(region) = labels.iter().find(|l| partitions::is_region(l)) {
        return Some(region.to_string());
    }
    if host.contains(".cache.") || host.contains(".memorydb.") {
        return labels.iter().find_map(|l| short_region(l));
    }
    None
}

/// `use1` -> `us-east-1`, `apse2` -> `ap-southeast-2`, `euc1` -> `eu-central-1`.
fn short_region(label: &str) -> Option<String> {
    let digits = label.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || label.len() < 4 {
        return None;
    }
    let letters = &label[..label.len() - digits.len()];
    let (area, direction) = letters.split_at(2);
    let direction = match direction {
        "e" => "east",
        "w" => "west",
        "n" => "north",
        "s" => "south",
        "c" => "central",
        "ne" => "northeast",
        "nw" => "northwest",
        "se" => "southeast",
        "sw" => "southwest",
        _ => return None,
    };
    let candidate = format!("{area}-{direction}-{digits}");
    partitions::is_region(&candidate).then_some(candidate)
}

/// `a.b[3].c` -> `a.b[].c`, lower case.
fn normalize_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push('[');
            }
            ']' => {
                in_index = false;
                out.push(']');
            }
            _ if in_index => {}
            c => out.push(c.to_ascii_lowercase()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn roles(resource_type: &str, config: Value) -> Vec<(String, String, ReferenceRole)> {
        extract(resource_type, &config)
            .into_iter()
            .map(|r| (r.region, r.path, r.role))
            .collect()
    }

    #[test]
    fn keeps_bucket_arns_for_region_resolution() {
        let config = json!({"supplementaryConfiguration": {"BucketReplicationConfiguration": {"rules": [{"destination": {"bucketARN": "arn:aws:s3:::helios-exports-euw1"}}]}}});
        let refs = extract("AWS::S3::Bucket", &config);
        assert_eq!(refs.len(), 1);
        assert_eq!(
            (refs[0].region.as_str(), refs[0].role),
            ("", ReferenceRole::Replication)
        );
    }

    #[test]
    fn finds_arns_and_endpoints_but_not_global_services() {
        let config = json!({
            "environment": {"variables": {
                "SECRET": "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf",
                "QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/111122223333/jobs",
                "ROLE": "arn:aws:iam::111122223333:role/app",
                "ORG": "https://organizations.us-east-1.amazonaws.com",
                "WAF": "arn:aws:wafv2:us-east-1:111122223333:global/webacl/edge/1"
            }}
        });
        assert_eq!(
            roles("AWS::Lambda::Function", config),
            [
                (
                    "us-east-1".to_string(),
                    "environment.variables.SECRET".to_string(),
                    ReferenceRole::Call
                ),
                (
                    "us-east-1".to_string(),
                    "environment.variables.QUEUE_URL".to_string(),
                    ReferenceRole::Call
                ),
            ]
        );
    }

    #[test]
    fn a_key_named_replica_is_a_call_unless_it_is_a_documented_replication_place() {
        let config = json!({"environment": {"variables": {
            "READ_REPLICA_HOST": "ledger.cluster-ro-abc123.us-east-1.rds.amazonaws.com"
        }}});
        assert_eq!(
            roles("AWS::Lambda::Function", config),
            [(
                "us-east-1".to_string(),
                "environment.variables.READ_REPLICA_HOST".to_string(),
                ReferenceRole::Call
            )]
        );
        let key = json!({"MultiRegionConfiguration": {"ReplicaKeys": [{"Arn": "arn:aws:kms:eu-west-1:111122223333:key/mrk-1"}]}});
        assert_eq!(roles("AWS::KMS::Key", key)[0].2, ReferenceRole::Replication);
    }

    #[test]
    fn resource_policies_and_source_conditions_are_inbound() {
        // AWS Config keeps a Lambda function's resource-based policy as JSON text.
        let policy = json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
            "Action": "lambda:InvokeFunction",
            "Resource": "arn:aws:lambda:eu-west-1:111122223333:function:f",
            "Condition": {"ArnLike": {"AWS:SourceArn": "arn:aws:sns:us-east-1:111122223333:payments"}}
        }]});
        let config = json!({
            "functionName": "f",
            "supplementaryConfiguration": {"Policy": policy.to_string()},
            "eventSource": {"SourceArn": "arn:aws:s3:::uploads-us"}
        });
        let found = roles("AWS::Lambda::Function", config);
        assert!(!found.is_empty());
        assert!(
            found
                .iter()
                .all(|(_, _, role)| *role == ReferenceRole::Inbound),
            "{found:?}"
        );
    }

    #[test]
    fn identity_policies_are_permissions_even_url_encoded() {
        let doc = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22dynamodb%3AGetItem%22%2C%22Resource%22%3A%22arn%3Aaws%3Adynamodb%3Aus-east-1%3A111122223333%3Atable%2Ft%22%7D%5D%7D";
        let config = json!({"rolePolicyList": [{"policyDocument": doc}]});
        assert_eq!(
            roles("AWS::IAM::Role", config),
            [(
                "us-east-1".to_string(),
                "rolePolicyList[0].policyDocument.Statement[0].Resource".to_string(),
                ReferenceRole::Permission
            )]
        );
    }

    #[test]
    fn cache_endpoints_with_short_region_codes_are_regional() {
        let config = json!({"environment": {"variables": {
            "REDIS": "master.sessions.abc123.euw1.cache.amazonaws.com:6379"
        }}});
        assert_eq!(roles("AWS::Lambda::Function", config)[0].0, "eu-west-1");
        assert_eq!(short_region("apse2").as_deref(), Some("ap-southeast-2"));
        assert_eq!(short_region("zzz9"), None);
    }

    #[test]
    fn too_deep_a_configuration_is_an_error_not_an_empty_list() {
        let deep = "[".repeat(200) + &"]".repeat(200);
        let err = extract_from_text("AWS::Lambda::Function", &deep).unwrap_err();
        assert!(err.contains("128 levels"), "{err}");
    }
}
