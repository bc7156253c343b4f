//! Which regions the service control policies in force for an account deny.
//!
//! The region guardrail in an SCP is a `Deny` statement conditioned on
//! `aws:RequestedRegion`: either an allow-list (`StringNotEquals`/`StringNotLike`:
//! everything not listed is denied) or a deny-list (`StringEquals`/`StringLike`).
//! We compute the set of known regions that the effective policies deny, then compare
//! it with the sanctioned regions and the account's pair. Statements that exempt some
//! principals (a break-glass role) still count as the guardrail: that is their intent.

use super::regions::KNOWN_REGIONS;
use crate::inventory::OrgPolicy;
use globset::Glob;
use serde_json::Value;
use std::collections::BTreeSet;

/// What the effective SCPs of an account say about regions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegionGuardrail {
    /// Names of the policies in force (root, OUs, account).
    pub policies: Vec<String>,
    /// Known regions denied by some statement.
    pub denied: BTreeSet<String>,
    /// Policies whose statements deny by region.
    pub guardrail_policies: Vec<String>,
}

impl RegionGuardrail {
    /// Evaluates the policies in force for one account.
    pub fn of(policies: &[&OrgPolicy]) -> RegionGuardrail {
        let mut out = RegionGuardrail {
            policies: policies.iter().map(|p| p.name.clone()).collect(),
            ..Default::default()
        };
        for policy in policies {
            let before = out.denied.len();
            let mut mentions_region = false;
            for statement in statements(&policy.content) {
                if let Some(denied) = denied_regions(statement) {
                    mentions_region = true;
                    out.denied.extend(denied);
                }
            }
            if mentions_region || out.denied.len() > before {
                out.guardrail_policies.push(policy.name.clone());
            }
        }
        out
    }

    /// Whether every known region outside `sanctioned` is denied.
    pub fn denies_all_except(&self, sanctioned: &[String]) -> bool {
        KNOWN_REGIONS
            .iter()
            .filter(|r| !sanctioned.iter().any(|s| s == *r))
            .all(|r| self.denied.contains(*r))
    }

    /// Known unsanctioned regions that stay open.
    pub fn open_unsanctioned(&self, sanctioned: &[String]) -> Vec<String> {
        KNOWN_REGIONS
            .iter()
            .filter(|r| !sanctioned.iter().any(|s| s == *r) && !self.denied.contains(**r))
            .map(|r| r.to_string())
            .collect()
    }
}

fn statements(content: &Value) -> Vec<&Value> {
    match content.get("Statement") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(single @ Value::Object(_)) => vec![single],
        _ => Vec::new(),
    }
}

fn as_strings(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// Regions a single statement denies, or `None` when it is not a region guardrail.
fn denied_regions(statement: &Value) -> Option<BTreeSet<String>> {
    if statement.get("Effect").and_then(Value::as_str) != Some("Deny") {
        return None;
    }
    let conditions = statement.get("Condition")?.as_object()?;
    let mut result: Option<BTreeSet<String>> = None;
    for (operator, clause) in conditions {
        let Some(values) = clause.as_object().and_then(|c| {
            c.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("aws:RequestedRegion"))
                .map(|(_, v)| as_strings(v))
        }) else {
            continue;
        };
        let op = operator
            .trim_start_matches("ForAnyValue:")
            .trim_start_matches("ForAllValues:")
            .to_ascii_lowercase();
        let matches = |region: &str| {
            values
                .iter()
                .any(|v| value_matches(v, region, op.contains("like")))
        };
        let denied: BTreeSet<String> = match op.as_str() {
            "stringnotequals" | "stringnotequalsignorecase" | "stringnotlike" => KNOWN_REGIONS
                .iter()
                .filter(|r| !matches(r))
                .map(|r| r.to_string())
                .collect(),
            "stringequals" | "stringequalsignorecase" | "stringlike" => {
                let mut listed: BTreeSet<String> = KNOWN_REGIONS
                    .iter()
                    .filter(|r| matches(r))
                    .map(|r| r.to_string())
                    .collect();
                listed.extend(
                    values
                        .iter()
                        .filter(|v| !v.contains('*') && !v.contains('?'))
                        .cloned(),
                );
                listed
            }
            _ => continue,
        };
        // Several region conditions in one statement must all hold: intersect.
        result = Some(match result {
            Some(previous) => previous.intersection(&denied).cloned().collect(),
            None => denied,
        });
    }
    result
}

fn value_matches(pattern: &str, region: &str, like: bool) -> bool {
    if like && (pattern.contains('*') || pattern.contains('?')) {
        Glob::new(pattern)
            .map(|g| g.compile_matcher().is_match(region))
            .unwrap_or(false)
    } else {
        pattern.eq_ignore_ascii_case(region)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn policy(content: Value) -> OrgPolicy {
        OrgPolicy {
            id: "p-1".into(),
            name: "region-guardrail".into(),
            content,
            ..Default::default()
        }
    }

    #[test]
    fn allow_list_denies_everything_else() {
        let p = policy(
            json!({"Statement": [{"Effect": "Deny", "NotAction": ["iam:*"], "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}}}]}),
        );
        let g = RegionGuardrail::of(&[&p]);
        let sanctioned = vec!["us-east-1".to_string(), "eu-west-1".to_string()];
        assert!(g.denies_all_except(&sanctioned));
        assert!(!g.denied.contains("eu-west-1"));
        assert!(g.denied.contains("ap-southeast-2"));
    }

    #[test]
    fn deny_list_can_hit_a_pair_region() {
        let p = policy(
            json!({"Statement": {"Effect": "Deny", "Action": "*", "Resource": "*",
            "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}}}),
        );
        let g = RegionGuardrail::of(&[&p]);
        assert!(g.denied.contains("eu-west-1"));
        assert!(!g.denies_all_except(&["us-east-1".to_string()]));
    }

    #[test]
    fn allow_statements_are_not_guardrails() {
        let p = policy(json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}));
        assert!(RegionGuardrail::of(&[&p]).denied.is_empty());
    }
}
