//! The organization walk from the management account: accounts, the OU tree and
//! service control policies with their content and targets.
//!
//! Without Organizations access the scan still runs on the caller's own account;
//! the walk then returns `None` and a gap says why, so SCP rules report `unknown`.

use super::gaps::{classify, pages, Ctx, Failure};
use crate::inventory::{
    Account, OrgPolicy, Organization, OrganizationalUnit, PolicyTarget, Tags, TargetType,
};
use aws_sdk_organizations::types::PolicyType;
use aws_sdk_organizations::Client;
use futures_util::future::join_all;

const SERVICE: &str = "organizations";

/// Reads the organization. `None` (with a gap) when the caller cannot read it.
pub(crate) async fn walk(ctx: &Ctx, client: &Client, caller: &str) -> Option<Organization> {
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
    let (id, management) = match ctx.send(client.describe_organization().send()).await {
        Ok(out) => {
            let org = out.organization;
            (
                org.as_ref().and_then(|o| o.id.clone()),
                org.and_then(|o| o.master_account_id),
            )
        }
        Err(e) => return fail(classify(&e), "DescribeOrganization"),
    };
    let listed = match pages!(ctx, client.list_accounts().into_paginator().send()) {
        Ok(pages) => pages
            .into_iter()
            .flat_map(|p| p.accounts.unwrap_or_default())
            .collect::<Vec<_>>(),
        Err((_, f)) => return fail(f, "ListAccounts"),
    };
    if listed.is_empty() {
        return fail(
            Failure::new(
                "NoOrganizationAccess",
                "ListAccounts returned no account: not the management account?",
            ),
            "ListAccounts",
        );
    }
    let roots = match pages!(ctx, client.list_roots().into_paginator().send()) {
        Ok(pages) => pages
            .into_iter()
            .flat_map(|p| p.roots.unwrap_or_default())
            .collect::<Vec<_>>(),
        Err((_, f)) => return fail(f, "ListRoots"),
    };
    let Some(root_id) = roots.into_iter().find_map(|r| r.id) else {
        return fail(
            Failure::new("ResponseError", "ListRoots returned no root"),
            "ListRoots",
        );
    };

    // OU tree, breadth first; the parent of each account comes from ListAccountsForParent.
    let mut ous = Vec::new();
    let mut parent_of = std::collections::HashMap::new();
    let mut queue = vec![root_id.clone()];
    while let Some(parent) = queue.pop() {
        match pages!(
            ctx,
            client
                .list_accounts_for_parent()
                .parent_id(&parent)
                .into_paginator()
                .send()
        ) {
            Ok(pages) => {
                for a in pages
                    .into_iter()
                    .flat_map(|p| p.accounts.unwrap_or_default())
                {
                    if let Some(id) = a.id {
                        parent_of.insert(id, parent.clone());
                    }
                }
            }
            Err((_, f)) => return fail(f, &format!("ListAccountsForParent {parent}")),
        }
        match pages!(
            ctx,
            client
                .list_organizational_units_for_parent()
                .parent_id(&parent)
                .into_paginator()
                .send()
        ) {
            Ok(pages) => {
                for ou in pages
                    .into_iter()
                    .flat_map(|p| p.organizational_units.unwrap_or_default())
                {
                    if let Some(id) = ou.id {
                        queue.push(id.clone());
                        ous.push(OrganizationalUnit {
                            id,
                            name: ou.name.unwrap_or_default(),
                            parent_id: parent.clone(),
                        });
                    }
                }
            }
            Err((_, f)) => return fail(f, &format!("ListOrganizationalUnitsForParent {parent}")),
        }
    }
    ous.sort_by(|a, b| a.id.cmp(&b.id));

    let listed: Vec<_> = listed
        .into_iter()
        .filter_map(|a| Some((a.id.clone()?, a)))
        .collect();
    let tags = join_all(
        listed
            .iter()
            .map(|(id, _)| account_tags(ctx, client, caller, id)),
    )
    .await;
    let mut accounts: Vec<Account> = listed
        .into_iter()
        .zip(tags)
        .map(|((id, a), tags)| Account {
            parent_id: parent_of
                .get(&id)
                .cloned()
                .unwrap_or_else(|| root_id.clone()),
            name: a.name.unwrap_or_default(),
            state: a.state.map(|s| s.as_str().to_string()),
            status: a.status.map(|s| s.as_str().to_string()),
            email: a.email,
            tags,
            id,
        })
        .collect();
    accounts.sort_by(|a, b| a.id.cmp(&b.id));
    let policies = policies(ctx, client, caller).await;
    Some(Organization {
        id,
        management_account_id: management.or_else(|| Some(caller.to_string())),
        root_id,
        organizational_units: ous,
        accounts,
        policies,
    })
}

/// Account tags choose region-pair overrides; unreadable tags stay `None`.
async fn account_tags(ctx: &Ctx, client: &Client, caller: &str, account_id: &str) -> Option<Tags> {
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
                caller,
                None,
                SERVICE,
                f,
                &format!("ListTagsForResource {account_id}"),
            );
            None
        }
    }
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
    let mut out = Vec::new();
    for s in summaries {
        let Some(id) = s.id else { continue };
        let content = match ctx
            .send(client.describe_policy().policy_id(&id).send())
            .await
        {
            Ok(d) => d.policy.and_then(|p| p.content).unwrap_or_default(),
            Err(e) => return fail(classify(&e), &format!("DescribePolicy {id}")),
        };
        let content = match serde_json::from_str(&content) {
            Ok(v) => v,
            Err(e) => {
                return fail(
                    Failure::new("InvalidPolicyContent", e.to_string()),
                    &format!("DescribePolicy {id}"),
                )
            }
        };
        let targets = match pages!(
            ctx,
            client
                .list_targets_for_policy()
                .policy_id(&id)
                .into_paginator()
                .send()
        ) {
            Ok(pages) => pages
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
                .collect(),
            Err((_, f)) => return fail(f, &format!("ListTargetsForPolicy {id}")),
        };
        out.push(OrgPolicy {
            id,
            name: s.name.unwrap_or_default(),
            arn: s.arn,
            aws_managed: s.aws_managed,
            content,
            targets,
        });
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Some(out)
}
