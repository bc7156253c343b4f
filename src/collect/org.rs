//! The organization walk from the management account or a delegated administrator:
//! accounts with their lifecycle state, the OU tree and service control policies
//! with their content and targets.
//!
//! Without Organizations access the scan still runs on the caller's own account;
//! the walk then returns `None` and a gap says why, so SCP rules report `unknown`.
//! Any later failure is charged to what it concerns and the walk goes on: an
//! account the organization listed is never dropped because one call failed.

use super::gaps::{classify, pages, Ctx, Failure, MALFORMED};
use crate::inventory::{
    Account, OrgPolicy, Organization, OrganizationalUnit, PolicyTarget, Tags, TargetType,
};
use aws_sdk_organizations::types::PolicyType;
use aws_sdk_organizations::Client;
use futures_util::future::join_all;
use std::collections::HashMap;

const SERVICE: &str = "organizations";

/// The organization as far as ListAccounts goes: enough to plan the scan.
pub(crate) struct Listing {
    id: Option<String>,
    management: Option<String>,
    /// Listed accounts, their parent and tags not read yet.
    accounts: Vec<Account>,
}

impl Listing {
    /// The organization id (`o-...`).
    pub(crate) fn id(&self) -> Option<String> {
        self.id.clone()
    }

    /// The organization before its tree, tags and policies are read: every
    /// account's parent and tags unknown.
    pub(crate) fn provisional(&self, caller: &str) -> Organization {
        Organization {
            id: self.id.clone(),
            management_account_id: self.management.clone().or_else(|| Some(caller.to_string())),
            root_id: String::new(),
            organizational_units: Vec::new(),
            accounts: self.accounts.clone(),
            policies: None,
        }
    }
}

/// DescribeOrganization and ListAccounts. `None` (with a gap) when the caller
/// cannot read the organization at all; a ListAccounts that fails part-way keeps
/// the accounts it listed (they are scanned) and records a gap.
pub(crate) async fn list(ctx: &Ctx, client: &Client, caller: &str) -> Option<Listing> {
    let fail = |f: Failure, what: &str| {
        ctx.gap(
            caller,
            None,
            SERVICE,
            f.clone(),
            &format!("{what} (scanning only the caller's account {caller})"),
        );
        None
    };
    // Asked at once: ListAccounts is only used when DescribeOrganization answers.
    let (described, listed) =
        tokio::join!(ctx.send(client.describe_organization().send()), async {
            pages!(ctx, client.list_accounts().into_paginator().send())
        });
    let (id, management) = match described {
        Ok(out) => {
            let org = out.organization;
            (
                org.as_ref().and_then(|o| o.id.clone()),
                org.and_then(|o| o.master_account_id),
            )
        }
        Err(e) => return fail(classify(&e), "DescribeOrganization"),
    };
    let listed = match listed {
        Ok(pages) => flatten_accounts(pages),
        Err((pages, f)) => {
            let partial = flatten_accounts(pages);
            if partial.is_empty() {
                return fail(f, "ListAccounts");
            }
            ctx.gap(
                caller,
                None,
                SERVICE,
                f,
                &format!(
                    "ListAccounts (stopped after {} accounts: those are scanned, any others are not known)",
                    partial.len()
                ),
            );
            partial
        }
    };
    if listed.is_empty() {
        return fail(
            Failure::new(
                "NoOrganizationAccess",
                "ListAccounts returned no account: neither the management account nor a delegated administrator?",
            ),
            "ListAccounts",
        );
    }
    let mut accounts: Vec<Account> = listed
        .into_iter()
        .filter_map(|a| {
            Some(Account {
                id: a.id?,
                name: a.name.unwrap_or_default(),
                state: a.state.map(|s| s.as_str().to_string()),
                status: a.status.map(|s| s.as_str().to_string()),
                email: a.email,
                parent_id: String::new(),
                tags: None,
            })
        })
        .collect();
    accounts.sort_by(|a, b| a.id.cmp(&b.id));
    Some(Listing {
        id,
        management,
        accounts,
    })
}

/// The rest of the organization: the OU tree, account tags and policies. A call
/// that fails loses only what it concerns: an account whose OU or tags could not
/// be read gets a gap of its own (charged to it, so its region pair is known to be
/// uncertain).
pub(crate) async fn complete(
    ctx: &Ctx,
    client: &Client,
    caller: &str,
    listing: Listing,
) -> Organization {
    // The OU tree, the account tags and the policies do not depend on each other.
    let (tree, tags, policies) = tokio::join!(
        tree(ctx, client, caller),
        join_all(
            listing
                .accounts
                .iter()
                .map(|a| account_tags(ctx, client, &a.id))
        ),
        policies(ctx, client, caller)
    );
    let accounts = listing
        .accounts
        .into_iter()
        .zip(tags)
        .map(|(mut account, tags)| {
            account.tags = tags;
            account.parent_id = match tree.parent_of.get(&account.id) {
                Some(parent) => parent.clone(),
                None => {
                    unplaced_gap(ctx, &account.id, &tree);
                    String::new()
                }
            };
            account
        })
        .collect();
    Organization {
        id: listing.id,
        management_account_id: listing.management.or_else(|| Some(caller.to_string())),
        root_id: tree.root_id.unwrap_or_default(),
        organizational_units: tree.ous,
        accounts,
        policies,
    }
}

fn flatten_accounts(
    pages: Vec<aws_sdk_organizations::operation::list_accounts::ListAccountsOutput>,
) -> Vec<aws_sdk_organizations::types::Account> {
    pages
        .into_iter()
        .flat_map(|p| p.accounts.unwrap_or_default())
        .collect()
}

/// The OU tree as far as it could be read.
struct Tree {
    root_id: Option<String>,
    ous: Vec<OrganizationalUnit>,
    /// Account id -> its parent (root or OU), for every account placed.
    parent_of: HashMap<String, String>,
    /// The first listing that failed: why an account may have no parent here.
    first_failure: Option<(String, Failure)>,
}

/// Root, OUs a level at a time, and the parent of each account from
/// ListAccountsForParent. A failed listing is a gap and the walk goes on.
async fn tree(ctx: &Ctx, client: &Client, caller: &str) -> Tree {
    let mut tree = Tree {
        root_id: None,
        ous: Vec::new(),
        parent_of: HashMap::new(),
        first_failure: None,
    };
    let failed = |tree: &mut Tree, f: Failure, what: String| {
        ctx.gap(caller, None, SERVICE, f.clone(), &what);
        tree.first_failure.get_or_insert((what, f));
    };
    let roots = match pages!(ctx, client.list_roots().into_paginator().send()) {
        Ok(pages) => pages
            .into_iter()
            .flat_map(|p| p.roots.unwrap_or_default())
            .collect::<Vec<_>>(),
        Err((_, f)) => {
            failed(&mut tree, f, "ListRoots".to_string());
            return tree;
        }
    };
    let Some(root_id) = roots.into_iter().find_map(|r| r.id) else {
        failed(
            &mut tree,
            Failure::new(MALFORMED, "ListRoots returned no root"),
            "ListRoots".to_string(),
        );
        return tree;
    };
    tree.root_id = Some(root_id.clone());
    // One level of the tree at a time, every parent of a level at once.
    let mut level = vec![root_id];
    while !level.is_empty() {
        let listed = join_all(level.iter().map(|parent| async move {
            let (accounts, ous) = tokio::join!(
                async {
                    pages!(
                        ctx,
                        client
                            .list_accounts_for_parent()
                            .parent_id(parent)
                            .into_paginator()
                            .send()
                    )
                },
                async {
                    pages!(
                        ctx,
                        client
                            .list_organizational_units_for_parent()
                            .parent_id(parent)
                            .into_paginator()
                            .send()
                    )
                }
            );
            (parent.clone(), accounts, ous)
        }))
        .await;
        let mut next = Vec::new();
        for (parent, accounts, ous) in listed {
            match accounts {
                Ok(pages) => {
                    for a in pages
                        .into_iter()
                        .flat_map(|p| p.accounts.unwrap_or_default())
                    {
                        if let Some(id) = a.id {
                            tree.parent_of.insert(id, parent.clone());
                        }
                    }
                }
                Err((_, f)) => failed(&mut tree, f, format!("ListAccountsForParent {parent}")),
            }
            match ous {
                Ok(pages) => {
                    for ou in pages
                        .into_iter()
                        .flat_map(|p| p.organizational_units.unwrap_or_default())
                    {
                        if let Some(id) = ou.id {
                            next.push(id.clone());
                            tree.ous.push(OrganizationalUnit {
                                id,
                                name: ou.name.unwrap_or_default(),
                                parent_id: parent.clone(),
                            });
                        }
                    }
                }
                Err((_, f)) => failed(
                    &mut tree,
                    f,
                    format!("ListOrganizationalUnitsForParent {parent}"),
                ),
            }
        }
        level = next;
    }
    tree.ous.sort_by(|a, b| a.id.cmp(&b.id));
    tree
}

/// An account listed by ListAccounts but found under no parent that could be read:
/// its OU (so an OU-based pair override and SCP inheritance) is unknown.
fn unplaced_gap(ctx: &Ctx, account_id: &str, tree: &Tree) {
    let (what, failure) = tree.first_failure.clone().unwrap_or_else(|| {
        (
            "ListAccountsForParent".to_string(),
            Failure::new(
                "AccountNotPlaced",
                "the account was under none of the parents listed",
            ),
        )
    });
    ctx.gap(
        account_id,
        None,
        SERVICE,
        failure,
        &format!("{what} (OU of account {account_id} unknown: OU pair override and inherited SCPs not known)"),
    );
}

/// Account tags choose region-pair overrides. Unreadable tags stay `None` and the
/// gap is the account's own: its pair may not be the one the scan assumed.
async fn account_tags(ctx: &Ctx, client: &Client, account_id: &str) -> Option<Tags> {
    match pages!(
        ctx,
        client
            .list_tags_for_resource()
            .resource_id(account_id)
            .into_paginator()
            .send()
    ) {
        Ok(pages) => Some(
            pages
                .into_iter()
                .flat_map(|p| p.tags.unwrap_or_default())
                .map(|t| (t.key, t.value))
                .collect(),
        ),
        Err((_, f)) => {
            ctx.gap(
                account_id,
                None,
                SERVICE,
                f,
                &format!("ListTagsForResource {account_id} (account tags unknown: tag pair override not known)"),
            );
            None
        }
    }
}

/// One SCP: its content (DescribePolicy) and targets (ListTargetsForPolicy).
async fn policy(
    ctx: &Ctx,
    client: &Client,
    id: String,
    summary: aws_sdk_organizations::types::PolicySummary,
) -> Result<OrgPolicy, (Failure, String)> {
    let (described, targets) = tokio::join!(
        ctx.send(client.describe_policy().policy_id(&id).send()),
        async {
            pages!(
                ctx,
                client
                    .list_targets_for_policy()
                    .policy_id(&id)
                    .into_paginator()
                    .send()
            )
        }
    );
    let content = described
        .map_err(|e| (classify(&e), format!("DescribePolicy {id}")))?
        .policy
        .and_then(|p| p.content)
        .unwrap_or_default();
    let content = serde_json::from_str(&content).map_err(|e| {
        (
            Failure::new("InvalidPolicyContent", e.to_string()),
            format!("DescribePolicy {id}"),
        )
    })?;
    let targets = targets
        .map_err(|(_, f)| (f, format!("ListTargetsForPolicy {id}")))?
        .into_iter()
        .flat_map(|p| p.targets.unwrap_or_default())
        .filter_map(|t| {
            let target_type = match t.r#type? {
                aws_sdk_organizations::types::TargetType::Root => TargetType::Root,
                aws_sdk_organizations::types::TargetType::OrganizationalUnit => {
                    TargetType::OrganizationalUnit
                }
                aws_sdk_organizations::types::TargetType::Account => TargetType::Account,
                _ => return None,
            };
            Some(PolicyTarget {
                target_id: t.target_id?,
                target_type,
            })
        })
        .collect();
    Ok(OrgPolicy {
        id,
        name: summary.name.unwrap_or_default(),
        arn: summary.arn,
        aws_managed: summary.aws_managed,
        content,
        targets,
    })
}

/// Every SCP with content and targets, or `None` when any of them could not be
/// read: an incomplete set would make "no policy denies this" look true.
async fn policies(ctx: &Ctx, client: &Client, caller: &str) -> Option<Vec<OrgPolicy>> {
    let fail = |f: Failure, what: &str| {
        ctx.gap(caller, None, SERVICE, f, what);
        None
    };
    let summaries = match pages!(
        ctx,
        client
            .list_policies()
            .filter(PolicyType::ServiceControlPolicy)
            .into_paginator()
            .send()
    ) {
        Ok(pages) => pages
            .into_iter()
            .flat_map(|p| p.policies.unwrap_or_default())
            .collect::<Vec<_>>(),
        Err((_, f)) => return fail(f, "ListPolicies SERVICE_CONTROL_POLICY"),
    };
    let read = join_all(
        summaries
            .into_iter()
            .filter_map(|s| Some((s.id.clone()?, s)))
            .map(|(id, s)| policy(ctx, client, id, s)),
    )
    .await;
    let mut out = Vec::new();
    let mut complete = true;
    for r in read {
        match r {
            Ok(p) => out.push(p),
            Err((f, what)) => {
                ctx.gap(caller, None, SERVICE, f, &what);
                complete = false;
            }
        }
    }
    if !complete {
        return None;
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Some(out)
}
