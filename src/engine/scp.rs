//! Service control policies evaluated the way AWS evaluates them, for the questions
//! an active-active review asks: which regions can the account's workloads use,
//! which regions are closed to them by a guardrail, where do the two regions of a
//! pair differ, and which regions are closed to the scanner itself.
//!
//! The model follows the AWS Organizations and IAM documentation:
//! - an action is allowed only if, at every level from the root through each OU to
//!   the account, some SCP attached at that level allows it, and no SCP anywhere on
//!   the path denies it (orgs_manage_policies_scps_evaluation);
//! - a statement applies when its `Action` (or `NotAction`) covers the action and
//!   every condition holds; `Allow` statements may carry conditions too;
//! - a condition key missing from the request makes positive operators false and
//!   negated operators (`StringNotEquals`, `ArnNotLike`, ...) true; `...IfExists`
//!   is true when the key is missing; `ForAllValues:` is true and `ForAnyValue:`
//!   false on a missing key (reference_policies_elements_condition_operators).
//!
//! A request is evaluated for a principal: "the workload" (any role of the account,
//! with no principal tags, that no exemption names) or the scanner's role. Keys that
//! depend on the request itself (resource tags, source IP, service-specific keys)
//! are unknown, so a statement conditioned on them applies to some requests only:
//! the result is [`Decision::Conditional`], never a definite allow or deny.

use crate::analysis::partitions;
use crate::inventory::{OrgPolicy, Organization};
use serde_json::Value;
use std::collections::BTreeSet;

/// Actions that stand for "running a workload in a region": if the SCPs deny every
/// one of them in a region, the region is closed to the workload. The list spans
/// the services of an active-active stack (data, keys, secrets, compute, queues,
/// caches, images, alarms), so a deny limited to a few services is told apart from
/// a region guardrail.
pub const WORKLOAD_ACTIONS: &[&str] = &[
    "dynamodb:PutItem",
    "dynamodb:CreateTable",
    "kms:Decrypt",
    "kms:CreateKey",
    "secretsmanager:GetSecretValue",
    "secretsmanager:CreateSecret",
    "rds:CreateDBCluster",
    "lambda:InvokeFunction",
    "lambda:CreateFunction",
    "ec2:RunInstances",
    "ecs:RunTask",
    "ecr:BatchGetImage",
    "s3:PutObject",
    "s3:CreateBucket",
    "sqs:SendMessage",
    "sns:Publish",
    "elasticache:CreateReplicationGroup",
    "autoscaling:CreateAutoScalingGroup",
    "cloudwatch:PutMetricAlarm",
];

/// What the SCPs in force say about one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Decision {
    Allowed,
    /// Allowed or denied depending on properties of the request that cannot be
    /// known ahead (a resource tag, a source IP, ...), or the SCPs of some level
    /// were not collected.
    Conditional,
    Denied,
}

/// Who makes the request.
#[derive(Debug, Clone)]
pub struct Principal {
    /// `aws:PrincipalArn`: a role ARN.
    pub arn: String,
    pub account: String,
    pub org_id: Option<String>,
}

impl Principal {
    /// A workload role of the account: no exemption names it, it has no tags.
    pub fn workload(partition: &str, account: &str, org_id: Option<&str>) -> Principal {
        Principal {
            arn: format!("arn:{partition}:iam::{account}:role/workload"),
            account: account.to_string(),
            org_id: org_id.map(str::to_string),
        }
    }

    /// The scanner's role in the account.
    pub fn role(partition: &str, account: &str, role: &str, org_id: Option<&str>) -> Principal {
        Principal {
            arn: format!("arn:{partition}:iam::{account}:role/{role}"),
            account: account.to_string(),
            org_id: org_id.map(str::to_string),
        }
    }
}

/// The SCPs in force for one account, level by level (root first, account last).
#[derive(Debug, Clone)]
pub struct PolicyPath<'a> {
    /// Each level with the policies attached there.
    pub levels: Vec<Vec<&'a OrgPolicy>>,
}

impl<'a> PolicyPath<'a> {
    /// The path of `account_id`, or `None` when the policies were not collected.
    pub fn of(org: &'a Organization, account_id: &str) -> Option<PolicyPath<'a>> {
        let policies = org.policies.as_ref()?;
        // An account whose parent could not be read has an unknown path: the SCPs
        // of the levels above it are unknown, not absent.
        if org
            .account(account_id)
            .is_some_and(|a| a.parent_id.is_empty())
        {
            return None;
        }
        let mut ids: Vec<String> = org.ancestor_ids(account_id);
        ids.reverse();
        ids.push(account_id.to_string());
        let levels = ids
            .iter()
            .map(|id| {
                policies
                    .iter()
                    .filter(|p| p.targets.iter().any(|t| &t.target_id == id))
                    .collect()
            })
            .collect();
        Some(PolicyPath { levels })
    }

    /// Every policy in force, in path order, once.
    pub fn policies(&self) -> Vec<&'a OrgPolicy> {
        let mut seen = BTreeSet::new();
        self.levels
            .iter()
            .flatten()
            .filter(|p| seen.insert(p.id.clone()))
            .copied()
            .collect()
    }

    /// The decision for `action` in `region` by `principal`.
    pub fn decide(&self, action: &str, region: &str, principal: &Principal) -> Decision {
        let request = Request {
            action,
            region,
            principal,
        };
        let mut denied = Truth::False;
        for policy in self.levels.iter().flatten() {
            for statement in statements(&policy.content) {
                if effect(statement) == Some(Effect::Deny) {
                    denied = denied.or(applies(statement, &request));
                }
            }
        }
        if denied == Truth::True {
            return Decision::Denied;
        }
        let mut allowed = Truth::True;
        for level in &self.levels {
            if level.is_empty() {
                // AWS keeps at least one SCP on every root, OU and account: an empty
                // level means the inventory does not say what is attached there.
                allowed = allowed.and(Truth::Unknown);
                continue;
            }
            let mut here = Truth::False;
            for policy in level {
                for statement in statements(&policy.content) {
                    if effect(statement) == Some(Effect::Allow) {
                        here = here.or(applies(statement, &request));
                    }
                }
            }
            allowed = allowed.and(here);
        }
        match (allowed, denied) {
            (Truth::False, _) => Decision::Denied,
            (Truth::True, Truth::False) => Decision::Allowed,
            _ => Decision::Conditional,
        }
    }

    /// Whether the workload can run in `region`: denied when every workload action
    /// is denied, allowed when every one is allowed.
    pub fn region_decision(&self, region: &str, principal: &Principal) -> Decision {
        let decisions: BTreeSet<Decision> = WORKLOAD_ACTIONS
            .iter()
            .map(|a| self.decide(a, region, principal))
            .collect();
        match decisions.len() {
            1 => *decisions.iter().next().expect("one decision"),
            _ => Decision::Conditional,
        }
    }

    /// Names of the policies with a statement conditioned on `aws:RequestedRegion`.
    pub fn region_policies(&self) -> Vec<String> {
        self.policies()
            .into_iter()
            .filter(|p| {
                statements(&p.content).iter().any(|s| {
                    s.get("Condition")
                        .and_then(Value::as_object)
                        .is_some_and(|c| {
                            c.values().any(|clause| {
                                clause.as_object().is_some_and(|k| {
                                    k.keys()
                                        .any(|key| key.eq_ignore_ascii_case("aws:RequestedRegion"))
                                })
                            })
                        })
                })
            })
            .map(|p| p.name.clone())
            .collect()
    }
}

/// What the SCPs say about the regions of one account.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegionGuardrail {
    /// Names of the policies in force (root, OUs, account).
    pub policies: Vec<String>,
    /// Policies with region conditions.
    pub guardrail_policies: Vec<String>,
    /// Known regions of the partition closed to the workload.
    pub denied: BTreeSet<String>,
    /// Known regions where the SCPs neither allow nor deny everything.
    pub partial: BTreeSet<String>,
    /// Whether some level's attached policies were not collected.
    pub incomplete: bool,
}

impl RegionGuardrail {
    /// Evaluates the regions of `partition` for the workload of an account.
    pub fn of(path: &PolicyPath, workload: &Principal, partition: &str) -> RegionGuardrail {
        let mut out = RegionGuardrail {
            policies: path.policies().iter().map(|p| p.name.clone()).collect(),
            guardrail_policies: path.region_policies(),
            incomplete: path.levels.iter().any(Vec::is_empty),
            ..Default::default()
        };
        let regions = partitions::by_id(partition)
            .map(|p| p.regions.clone())
            .unwrap_or_default();
        for region in regions {
            match path.region_decision(&region, workload) {
                Decision::Denied => {
                    out.denied.insert(region);
                }
                Decision::Conditional => {
                    out.partial.insert(region);
                }
                Decision::Allowed => {}
            }
        }
        out
    }

    /// Known regions outside `sanctioned` that stay open (not fully denied).
    pub fn open_unsanctioned(&self, all: &[String], sanctioned: &[String]) -> Vec<String> {
        all.iter()
            .filter(|r| !sanctioned.contains(r) && !self.denied.contains(*r))
            .cloned()
            .collect()
    }
}

/// Workload actions the SCPs treat differently in the two regions of a pair:
/// `(definite, conditional)` lines such as `s3:PutObject is denied in eu-west-1
/// but allowed in us-east-1`.
pub fn pair_asymmetry(
    path: &PolicyPath,
    workload: &Principal,
    pair: (&str, &str),
) -> (Vec<String>, Vec<String>) {
    let mut definite = Vec::new();
    let mut conditional = Vec::new();
    for action in WORKLOAD_ACTIONS {
        let a = path.decide(action, pair.0, workload);
        let b = path.decide(action, pair.1, workload);
        if a == b {
            continue;
        }
        let line = |denied: &str, d: Decision, allowed: &str| {
            format!(
                "{action} is {} in {denied} but allowed in {allowed}",
                match d {
                    Decision::Denied => "denied",
                    _ => "conditionally denied",
                }
            )
        };
        match (a, b) {
            (Decision::Allowed, Decision::Denied) => definite.push(line(pair.1, b, pair.0)),
            (Decision::Denied, Decision::Allowed) => definite.push(line(pair.0, a, pair.1)),
            (Decision::Allowed, other) => conditional.push(line(pair.1, other, pair.0)),
            (other, Decision::Allowed) => conditional.push(line(pair.0, other, pair.1)),
            _ => conditional.push(format!(
                "{action} is treated differently in {} and {}",
                pair.0, pair.1
            )),
        }
    }
    (definite, conditional)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Effect {
    Allow,
    Deny,
}

/// Three-valued truth: a condition on a key that depends on the request is
/// neither true nor false ahead of the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Truth {
    True,
    False,
    Unknown,
}

impl Truth {
    fn and(self, other: Truth) -> Truth {
        match (self, other) {
            (Truth::False, _) | (_, Truth::False) => Truth::False,
            (Truth::True, Truth::True) => Truth::True,
            _ => Truth::Unknown,
        }
    }

    fn or(self, other: Truth) -> Truth {
        match (self, other) {
            (Truth::True, _) | (_, Truth::True) => Truth::True,
            (Truth::False, Truth::False) => Truth::False,
            _ => Truth::Unknown,
        }
    }

    fn of(b: bool) -> Truth {
        if b {
            Truth::True
        } else {
            Truth::False
        }
    }
}

struct Request<'a> {
    action: &'a str,
    region: &'a str,
    principal: &'a Principal,
}

/// The value of a condition key for a request.
enum KeyValue {
    Present(String),
    /// The key is not in the request context.
    Absent,
    /// The key depends on the request (a resource tag, the source IP, ...).
    Unknown,
}

impl Request<'_> {
    fn key(&self, key: &str) -> KeyValue {
        let k = key.to_ascii_lowercase();
        match k.as_str() {
            "aws:requestedregion" => KeyValue::Present(self.region.to_string()),
            "aws:principalarn" => KeyValue::Present(self.principal.arn.clone()),
            "aws:principalaccount" => KeyValue::Present(self.principal.account.clone()),
            "aws:principaltype" => KeyValue::Present("AssumedRole".to_string()),
            "aws:principalorgid" => match &self.principal.org_id {
                Some(id) => KeyValue::Present(id.clone()),
                None => KeyValue::Unknown,
            },
            _ if k.starts_with("aws:principaltag/") => KeyValue::Absent,
            _ => KeyValue::Unknown,
        }
    }
}

fn statements(content: &Value) -> Vec<&Value> {
    match content.get("Statement") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(single @ Value::Object(_)) => vec![single],
        _ => Vec::new(),
    }
}

fn effect(statement: &Value) -> Option<Effect> {
    match statement.get("Effect").and_then(Value::as_str) {
        Some("Allow") => Some(Effect::Allow),
        Some("Deny") => Some(Effect::Deny),
        _ => None,
    }
}

fn strings(value: &Value) -> Vec<&str> {
    match value {
        Value::String(s) => vec![s.as_str()],
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Whether a statement applies to a request (effect aside).
fn applies(statement: &Value, request: &Request) -> Truth {
    let action = match (statement.get("Action"), statement.get("NotAction")) {
        (Some(list), _) => Truth::of(
            strings(list)
                .iter()
                .any(|p| glob_match(p, request.action, true)),
        ),
        (None, Some(list)) => Truth::of(
            !strings(list)
                .iter()
                .any(|p| glob_match(p, request.action, true)),
        ),
        (None, None) => Truth::False,
    };
    if action == Truth::False {
        return Truth::False;
    }
    // A statement limited to some resources applies to some requests only.
    let resource = match (statement.get("Resource"), statement.get("NotResource")) {
        (Some(list), _) if strings(list).contains(&"*") => Truth::True,
        (None, None) => Truth::True,
        _ => Truth::Unknown,
    };
    action.and(resource).and(conditions(statement, request))
}

/// Every clause of a `Condition` block must hold.
fn conditions(statement: &Value, request: &Request) -> Truth {
    let Some(block) = statement.get("Condition").and_then(Value::as_object) else {
        return Truth::True;
    };
    let mut all = Truth::True;
    for (operator, clause) in block {
        let Some(keys) = clause.as_object() else {
            return Truth::Unknown;
        };
        for (key, values) in keys {
            all = all.and(condition(operator, request.key(key), &strings(values)));
        }
    }
    all
}

/// One operator on one key, per the IAM condition-operator reference.
fn condition(operator: &str, value: KeyValue, expected: &[&str]) -> Truth {
    let (set, rest) = match operator.split_once(':') {
        Some((qualifier, op)) => (Some(qualifier.to_ascii_lowercase()), op),
        None => (None, operator),
    };
    let (base, if_exists) = match rest.strip_suffix("IfExists") {
        Some(base) => (base, true),
        None => (rest, false),
    };
    let base = base.to_ascii_lowercase();
    if base == "null" {
        // `Null: true` holds when the key is missing.
        let want_missing = expected.iter().any(|v| v.eq_ignore_ascii_case("true"));
        return match value {
            KeyValue::Absent => Truth::of(want_missing),
            KeyValue::Present(_) => Truth::of(!want_missing),
            KeyValue::Unknown => Truth::Unknown,
        };
    }
    let negated = base.contains("not");
    let present = match value {
        KeyValue::Unknown => return Truth::Unknown,
        KeyValue::Absent => {
            return match set.as_deref() {
                Some("forallvalues") => Truth::True,
                Some("foranyvalue") => Truth::False,
                _ if if_exists || negated => Truth::True,
                _ => Truth::False,
            }
        }
        KeyValue::Present(v) => v,
    };
    let like = base.contains("like");
    let matches = |pattern: &str| -> Option<bool> {
        if base.starts_with("string") {
            Some(if like {
                glob_match(pattern, &present, false)
            } else if base.contains("ignorecase") {
                pattern.eq_ignore_ascii_case(&present)
            } else {
                pattern == present
            })
        } else if base.starts_with("arn") {
            Some(if like {
                glob_match(pattern, &present, false)
            } else {
                pattern == present
            })
        } else if base == "bool" {
            Some(pattern.eq_ignore_ascii_case(&present))
        } else {
            // Numeric, date, IP and binary operators: no key this model knows holds
            // such a value.
            None
        }
    };
    let mut any = false;
    for pattern in expected {
        match matches(pattern) {
            Some(true) => any = true,
            Some(false) => {}
            None => return Truth::Unknown,
        }
    }
    if negated {
        Truth::of(!any)
    } else {
        Truth::of(any)
    }
}

/// IAM wildcard matching: `*` any run, `?` one character. Actions compare without
/// regard to case, as IAM does; condition values with it.
fn glob_match(pattern: &str, text: &str, ignore_case: bool) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let same = |a: u8, b: u8| {
        if ignore_case {
            a.eq_ignore_ascii_case(&b)
        } else {
            a == b
        }
    };
    let (mut pi, mut ti) = (0usize, 0usize);
    let (mut star, mut mark) = (None, 0usize);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == b'?' || same(p[pi], t[ti])) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == b'*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == b'*' {
        pi += 1;
    }
    pi == p.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::{Account, OrganizationalUnit, PolicyTarget, TargetType};
    use serde_json::json;

    const ACCOUNT: &str = "222233334444";

    fn policy(id: &str, content: Value, targets: &[&str]) -> OrgPolicy {
        OrgPolicy {
            id: id.into(),
            name: id.into(),
            content,
            targets: targets
                .iter()
                .map(|t| PolicyTarget {
                    target_id: t.to_string(),
                    target_type: TargetType::Account,
                })
                .collect(),
            ..Default::default()
        }
    }

    fn full_access() -> OrgPolicy {
        policy(
            "FullAWSAccess",
            json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}),
            &["r-1", "ou-1", ACCOUNT],
        )
    }

    fn org(mut policies: Vec<OrgPolicy>) -> Organization {
        policies.insert(0, full_access());
        Organization {
            root_id: "r-1".into(),
            organizational_units: vec![OrganizationalUnit {
                id: "ou-1".into(),
                name: "Workloads".into(),
                parent_id: "r-1".into(),
            }],
            accounts: vec![Account {
                id: ACCOUNT.into(),
                name: "app".into(),
                parent_id: "ou-1".into(),
                state: Some("ACTIVE".into()),
                ..Default::default()
            }],
            policies: Some(policies),
            ..Default::default()
        }
    }

    fn workload() -> Principal {
        Principal::workload("aws", ACCOUNT, None)
    }

    fn guardrail(o: &Organization) -> RegionGuardrail {
        let path = PolicyPath::of(o, ACCOUNT).expect("policies");
        RegionGuardrail::of(&path, &workload(), "aws")
    }

    fn region_deny(extra_condition: Value, not_action: &[&str]) -> Value {
        let mut condition =
            json!({"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}});
        if let (Some(c), Some(extra)) = (condition.as_object_mut(), extra_condition.as_object()) {
            c.extend(extra.clone());
        }
        json!({"Statement": [{"Effect": "Deny", "NotAction": not_action, "Resource": "*", "Condition": condition}]})
    }

    #[test]
    fn a_region_allow_list_with_a_break_glass_exemption_is_a_guardrail() {
        let o = org(vec![policy(
            "region-guardrail",
            region_deny(
                json!({"ArnNotLike": {"aws:PrincipalARN": ["arn:aws:iam::*:role/BreakGlass"]}}),
                &["iam:*", "organizations:*", "sts:*", "support:*", "config:*"],
            ),
            &["ou-1"],
        )]);
        let g = guardrail(&o);
        assert!(
            g.denied.contains("ap-southeast-6"),
            "regions from the SDK's data"
        );
        assert!(g.denied.contains("ap-southeast-2"));
        assert!(!g.denied.contains("eu-west-1") && !g.denied.contains("us-east-1"));
        assert_eq!(g.guardrail_policies, ["region-guardrail"]);
        // The exempted role is not blocked; the scanner's config reads are exempt too.
        let path = PolicyPath::of(&o, ACCOUNT).expect("policies");
        let breakglass = Principal::role("aws", ACCOUNT, "BreakGlass", None);
        assert_eq!(
            path.decide("dynamodb:ListTables", "ap-southeast-2", &breakglass),
            Decision::Allowed
        );
        let scanner = Principal::role("aws", ACCOUNT, "OrganizationAccountAccessRole", None);
        assert_eq!(
            path.decide("dynamodb:ListTables", "ap-southeast-2", &scanner),
            Decision::Denied
        );
        assert_eq!(
            path.decide("config:ListDiscoveredResources", "ap-southeast-2", &scanner),
            Decision::Allowed
        );
    }

    #[test]
    fn a_deny_of_one_service_is_a_partial_restriction_not_a_region_deny() {
        let o = org(vec![policy(
            "no-s3-in-ireland",
            json!({"Statement": {"Effect": "Deny", "Action": "s3:*", "Resource": "*",
                "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}}}),
            &[ACCOUNT],
        )]);
        let g = guardrail(&o);
        assert!(!g.denied.contains("eu-west-1"));
        assert!(g.partial.contains("eu-west-1"));
        let path = PolicyPath::of(&o, ACCOUNT).expect("policies");
        let (definite, conditional) =
            pair_asymmetry(&path, &workload(), ("us-east-1", "eu-west-1"));
        assert_eq!(
            definite,
            [
                "s3:PutObject is denied in eu-west-1 but allowed in us-east-1",
                "s3:CreateBucket is denied in eu-west-1 but allowed in us-east-1"
            ]
        );
        assert!(conditional.is_empty());
    }

    #[test]
    fn a_deny_of_one_action_outside_the_pair_leaves_the_regions_open() {
        let o = org(vec![policy(
            "no-ec2-elsewhere",
            json!({"Statement": {"Effect": "Deny", "Action": "ec2:RunInstances", "Resource": "*",
                "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}}}}),
            &["ou-1"],
        )]);
        let g = guardrail(&o);
        assert!(g.denied.is_empty());
        assert!(g.partial.contains("ap-southeast-2"));
    }

    #[test]
    fn a_deny_for_tagged_principals_does_not_deny_the_workload() {
        let o = org(vec![policy(
            "contractors-eu-only",
            region_deny(
                json!({"StringEquals": {"aws:PrincipalTag/contractor": "true"}}),
                &["iam:*"],
            ),
            &["ou-1"],
        )]);
        assert!(guardrail(&o).denied.is_empty());
        // ...but the same with IfExists applies to untagged principals too.
        let o = org(vec![policy(
            "deny-unless-exempt",
            region_deny(
                json!({"StringNotEqualsIfExists": {"aws:PrincipalTag/exempt": "yes"}}),
                &["iam:*"],
            ),
            &["ou-1"],
        )]);
        assert!(guardrail(&o).denied.contains("ap-southeast-2"));
    }

    #[test]
    fn a_deny_on_request_properties_is_conditional() {
        let o = org(vec![policy(
            "tagged-only",
            region_deny(
                json!({"StringEquals": {"aws:ResourceTag/env": "prod"}}),
                &["iam:*"],
            ),
            &["ou-1"],
        )]);
        let g = guardrail(&o);
        assert!(g.denied.is_empty());
        assert!(g.partial.contains("ap-southeast-2"));
    }

    #[test]
    fn an_allow_list_without_full_access_closes_every_other_region() {
        let mut o = org(vec![policy(
            "eu-only",
            json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*",
                "Condition": {"ForAnyValue:StringEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]}}}}),
            &["ou-1"],
        )]);
        // FullAWSAccess detached from the OU: only the allow-list is left there.
        if let Some(p) = o.policies.as_mut() {
            p[0].targets.retain(|t| t.target_id != "ou-1");
        }
        let g = guardrail(&o);
        assert!(g.denied.contains("us-east-1"));
        assert!(!g.denied.contains("eu-west-1"));
        assert!(!g.denied.contains("eu-central-1"));
    }

    #[test]
    fn a_level_whose_policies_were_not_collected_decides_nothing() {
        let mut o = org(vec![]);
        if let Some(p) = o.policies.as_mut() {
            p[0].targets.retain(|t| t.target_id != ACCOUNT);
        }
        let g = guardrail(&o);
        assert!(g.incomplete);
        assert!(g.denied.is_empty());
        assert!(g.partial.contains("us-east-1"));
    }

    #[test]
    fn wildcards_match_as_iam_does() {
        assert!(glob_match("s3:Get*", "s3:GetObject", true));
        assert!(glob_match("S3:get*", "s3:GetObject", true));
        assert!(!glob_match("s3:Get*", "s3:PutObject", true));
        assert!(glob_match("eu-*-1", "eu-west-1", false));
        assert!(glob_match("us-????-1", "us-west-1", false));
        assert!(!glob_match("us-????-1", "us-east-2", false));
    }
}
