//! The AWS Organization: accounts, the OU tree and service control policies.
//!
//! SCPs are kept with their full JSON content and their attachment targets so the
//! evaluator can compute, per account, the policies that apply to it (root -> OUs ->
//! account) without calling AWS again.

use super::Tags;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Organization {
    /// Organization id (`o-...`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The management account: SCPs never apply to it, as in AWS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub management_account_id: Option<String>,
    /// Root id (`r-...`).
    pub root_id: String,
    #[serde(default)]
    pub organizational_units: Vec<OrganizationalUnit>,
    #[serde(default)]
    pub accounts: Vec<Account>,
    /// Service control policies. Absent when they could not be listed, so the SCP
    /// rules say `unknown` instead of "no policy denies this".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policies: Option<Vec<OrgPolicy>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganizationalUnit {
    pub id: String,
    pub name: String,
    /// Parent id: the root id or another OU id.
    pub parent_id: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Account {
    pub id: String,
    pub name: String,
    /// Lifecycle state as Organizations reports it today: `ACTIVE`, `SUSPENDED`,
    /// `PENDING_ACTIVATION`, `PENDING_CLOSURE`, `CLOSED`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// The retired `Status` field (`ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE`), read
    /// only where `state` is absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Parent id: the root id or an OU id. Empty when the account's parent could
    /// not be read (an `organizations` gap charged to the account says why): its OU
    /// path, OU pair override and inherited SCPs are then unknown.
    pub parent_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Absent when the tags could not be read (an `organizations` gap charged to
    /// the account says why): a tag pair override may then apply unseen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Tags>,
}

impl Account {
    /// The account's lifecycle: `state`, else the retired `status`, else `UNKNOWN`.
    pub fn lifecycle(&self) -> &str {
        self.state
            .as_deref()
            .or(self.status.as_deref())
            .unwrap_or("UNKNOWN")
    }

    /// Only active accounts are scanned and scored.
    pub fn is_active(&self) -> bool {
        self.lifecycle() == "ACTIVE"
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrgPolicy {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    /// Whether AWS manages it (`FullAWSAccess`).
    #[serde(default)]
    pub aws_managed: bool,
    /// The policy document, parsed.
    pub content: serde_json::Value,
    pub targets: Vec<PolicyTarget>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyTarget {
    pub target_id: String,
    #[serde(rename = "type")]
    pub target_type: TargetType,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TargetType {
    Root,
    OrganizationalUnit,
    Account,
}

impl Organization {
    /// Names of the OUs from the root down to the account, e.g. `["Workloads", "Prod"]`.
    pub fn ou_path(&self, account_id: &str) -> Vec<String> {
        self.ancestor_ids(account_id)
            .iter()
            .rev()
            .filter_map(|id| self.organizational_units.iter().find(|ou| &ou.id == id))
            .map(|ou| ou.name.clone())
            .collect()
    }

    /// Ids of the account's parents, nearest first, ending with the root id. Stops on
    /// a cycle or a dangling parent so a malformed inventory cannot loop.
    pub fn ancestor_ids(&self, account_id: &str) -> Vec<String> {
        let mut out = Vec::new();
        let Some(account) = self.accounts.iter().find(|a| a.id == account_id) else {
            return out;
        };
        let mut current = account.parent_id.clone();
        while !current.is_empty() && !out.contains(&current) && out.len() < 64 {
            out.push(current.clone());
            if current == self.root_id {
                break;
            }
            match self.organizational_units.iter().find(|ou| ou.id == current) {
                Some(ou) => current = ou.parent_id.clone(),
                None => break,
            }
        }
        out
    }

    pub fn account(&self, account_id: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.id == account_id)
    }

    /// SCPs in force for an account: attached to the root, to an OU above it, or to
    /// the account itself. `None` when policies were not collected.
    pub fn effective_policies(&self, account_id: &str) -> Option<Vec<&OrgPolicy>> {
        let policies = self.policies.as_ref()?;
        let mut scope = self.ancestor_ids(account_id);
        scope.push(account_id.to_string());
        Some(
            policies
                .iter()
                .filter(|p| p.targets.iter().any(|t| scope.contains(&t.target_id)))
                .collect(),
        )
    }
}
