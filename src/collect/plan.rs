//! What to read in each account: which regions in full, and how to get in.
//!
//! Both depend on what the organization walk could read. An account whose tags or
//! OU could not be read may have a pair override the scan cannot see: every pair
//! that could apply to it is read in full, and the gap the walk recorded tells the
//! evaluator its pair is uncertain. The management account has no member role when
//! the scan runs from a delegated administrator: it is read with a configured role
//! or not entered (a gap), never with a role that is not there.

use super::clients::{role_arn, Caller};
use super::gaps::Failure;
use crate::config::{AccountSelector, Config};
use crate::inventory::Organization;

/// How an account is entered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Entry {
    /// The caller's own account, with the caller's credentials.
    Own,
    /// AssumeRole into this role ARN.
    Role(String),
    /// Not entered, for this reason (recorded as an account-wide gap).
    NotEntered(Failure),
}

/// Error code of the gap for a management account the scan cannot enter.
pub(crate) const MANAGEMENT_NOT_ENTERED: &str = "ManagementAccountNotEntered";

pub(crate) fn entry(
    account_id: &str,
    caller: &Caller,
    management: Option<&str>,
    member_role: &str,
    management_role: Option<&str>,
) -> Entry {
    if account_id == caller.account {
        return Entry::Own;
    }
    if management == Some(account_id) {
        return match management_role {
            Some(role) => Entry::Role(role_arn(&caller.partition, account_id, role)),
            None => Entry::NotEntered(Failure::new(
                MANAGEMENT_NOT_ENTERED,
                format!(
                    "the scan runs from delegated administrator {}, and the management account has no {member_role}: pass --management-role NAME to read it",
                    caller.account
                ),
            )),
        };
    }
    Entry::Role(role_arn(&caller.partition, account_id, member_role))
}

/// Whether no account's pair depends on its OU or tags (only account overrides, or
/// none): then the accounts can be planned from ListAccounts alone.
pub(crate) fn placement_free(config: &Config) -> bool {
    config
        .pair_overrides
        .iter()
        .all(|o| matches!(o.selector, AccountSelector::Account(_)))
}

/// Regions read in full for an account: its pair, or every pair that may be its
/// pair when its tags or OU are unknown.
pub(crate) fn pair_regions(
    config: &Config,
    organization: Option<&Organization>,
    account_id: &str,
) -> Vec<String> {
    let (ou_path, tags, placed) = match organization.and_then(|o| o.account(account_id)) {
        Some(a) => (
            organization
                .map(|o| o.ou_path(account_id))
                .unwrap_or_default(),
            a.tags.as_ref(),
            !a.parent_id.is_empty(),
        ),
        None => (Vec::new(), None, true),
    };
    let known_tags = organization.is_none() || tags.is_some();
    let pair = config.pair_for(account_id, &ou_path, tags);
    let mut regions = vec![pair.0.clone(), pair.1.clone()];
    let decided_by_account = config
        .pair_overrides
        .iter()
        .any(|o| matches!(&o.selector, AccountSelector::Account(id) if id == account_id));
    if !decided_by_account {
        for o in &config.pair_overrides {
            let may_apply = match &o.selector {
                AccountSelector::Tag(..) => !known_tags,
                AccountSelector::OrganizationalUnit(_) => !placed,
                AccountSelector::Account(_) => false,
            };
            if may_apply {
                regions.extend([o.pair.0.clone(), o.pair.1.clone()]);
            }
        }
    }
    regions.sort();
    regions.dedup();
    regions
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::Account;

    fn caller() -> Caller {
        Caller {
            account: "999999999999".into(),
            partition: "aws-us-gov".into(),
        }
    }

    #[test]
    fn management_account_is_never_entered_with_the_member_role() {
        let c = caller();
        let m = Some("111111111111");
        assert_eq!(
            entry("111111111111", &c, m, "OrganizationAccountAccessRole", None),
            Entry::NotEntered(Failure::new(
                MANAGEMENT_NOT_ENTERED,
                "the scan runs from delegated administrator 999999999999, and the management account has no OrganizationAccountAccessRole: pass --management-role NAME to read it"
            ))
        );
        assert_eq!(
            entry(
                "111111111111",
                &c,
                m,
                "OrganizationAccountAccessRole",
                Some("Audit")
            ),
            Entry::Role("arn:aws-us-gov:iam::111111111111:role/Audit".into())
        );
        assert_eq!(entry("999999999999", &c, m, "R", None), Entry::Own);
        assert_eq!(
            entry("222222222222", &c, m, "R", None),
            Entry::Role("arn:aws-us-gov:iam::222222222222:role/R".into())
        );
    }

    #[test]
    fn unknown_tags_read_every_pair_a_tag_could_choose() {
        let config = Config::parse(
            r#"
[regions]
pairs = [["us-east-1", "us-west-2"]]
sanctioned = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1"]
[[regions.overrides]]
tag = "pair=eu"
pair = ["eu-west-1", "eu-central-1"]
"#,
            "test.toml",
        )
        .expect("config");
        let mut org = Organization {
            root_id: "r-1".into(),
            accounts: vec![Account {
                id: "222222222222".into(),
                parent_id: "r-1".into(),
                state: Some("ACTIVE".into()),
                tags: None,
                ..Account::default()
            }],
            ..Organization::default()
        };
        assert_eq!(
            pair_regions(&config, Some(&org), "222222222222"),
            ["eu-central-1", "eu-west-1", "us-east-1", "us-west-2"]
        );
        org.accounts[0].tags = Some(Default::default());
        assert_eq!(
            pair_regions(&config, Some(&org), "222222222222"),
            ["us-east-1", "us-west-2"]
        );
    }
}
