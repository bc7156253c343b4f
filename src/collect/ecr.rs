//! Private ECR repositories (DescribeRepositories, 1000 a page) and the region's
//! registry replication (DescribeRegistry, once per region, only when a
//! repository exists).
//!
//! A registry's replication configuration belongs to the region it is read in
//! and copies, to each destination, the repositories its filters match: every
//! repository when a rule has no filter, else those whose name starts with a
//! `PREFIX_MATCH` filter (ECR API reference, ReplicationRule, RepositoryFilter).
//! A failed DescribeRegistry leaves `replicated_to` absent on every repository,
//! and takes nothing else away.

use super::gaps::{classify, pages, Ctx};
use crate::inventory::EcrRepository;
use aws_sdk_ecr::types::{ReplicationRule, RepositoryFilterType};
use aws_sdk_ecr::Client;
use std::collections::BTreeSet;

pub(crate) const SERVICE: &str = "ecr";

/// Most repositories DescribeRepositories returns per page.
const PAGE: i32 = 1000;

pub(crate) async fn collect(
    ctx: &Ctx,
    client: &Client,
    account: &str,
    region: &str,
) -> Vec<EcrRepository> {
    let request = client.describe_repositories().max_results(PAGE);
    let mut repositories: Vec<EcrRepository> = match pages!(ctx, request.into_paginator().send()) {
        Ok(pages) => pages
            .into_iter()
            .flat_map(|p| p.repositories.unwrap_or_default())
            .filter_map(|r| {
                Some(EcrRepository {
                    arn: r.repository_arn?,
                    name: r.repository_name.unwrap_or_default(),
                    uri: r.repository_uri,
                    registry_id: r.registry_id,
                    ..EcrRepository::default()
                })
            })
            .collect(),
        Err((_, f)) => {
            ctx.gap(account, Some(region), SERVICE, f, "DescribeRepositories");
            return Vec::new();
        }
    };
    if repositories.is_empty() {
        return repositories;
    }
    match ctx.send(client.describe_registry().send()).await {
        Ok(out) => {
            let registry = out.registry_id.unwrap_or_else(|| account.to_string());
            let rules = out
                .replication_configuration
                .map(|c| c.rules)
                .unwrap_or_default();
            for repo in &mut repositories {
                let (same, other) = destinations(&rules, &registry, &repo.name);
                repo.replicated_to = Some(same);
                repo.replicated_cross_account = other;
            }
        }
        Err(e) => ctx.gap(
            account,
            Some(region),
            SERVICE,
            classify(&e),
            "DescribeRegistry (the replication of every repository of the region is unknown)",
        ),
    }
    repositories.sort_by(|a, b| a.arn.cmp(&b.arn));
    repositories
}

/// Whether a rule replicates a repository: no filter, or a prefix it starts with.
fn matches(rule: &ReplicationRule, name: &str) -> bool {
    match rule.repository_filters.as_deref() {
        None | Some([]) => true,
        Some(filters) => filters.iter().any(|f| {
            f.filter_type == RepositoryFilterType::PrefixMatch && name.starts_with(&f.filter)
        }),
    }
}

/// The regions of the same registry the rules copy a repository to, and the
/// destinations in other registries (`<registry>:<region>`), each sorted.
pub(crate) fn destinations(
    rules: &[ReplicationRule],
    registry: &str,
    name: &str,
) -> (Vec<String>, Vec<String>) {
    let mut same = BTreeSet::new();
    let mut other = BTreeSet::new();
    for rule in rules.iter().filter(|r| matches(r, name)) {
        for d in &rule.destinations {
            if d.registry_id == registry {
                same.insert(d.region.clone());
            } else {
                other.insert(format!("{}:{}", d.registry_id, d.region));
            }
        }
    }
    (same.into_iter().collect(), other.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ecr::types::{ReplicationDestination, RepositoryFilter};

    fn rule(regions: &[(&str, &str)], prefixes: &[&str]) -> ReplicationRule {
        let mut b = ReplicationRule::builder();
        for (registry, region) in regions {
            b = b.destinations(
                ReplicationDestination::builder()
                    .region(*region)
                    .registry_id(*registry)
                    .build()
                    .expect("destination"),
            );
        }
        for p in prefixes {
            b = b.repository_filters(
                RepositoryFilter::builder()
                    .filter(*p)
                    .filter_type(RepositoryFilterType::PrefixMatch)
                    .build()
                    .expect("filter"),
            );
        }
        b.build().expect("rule")
    }

    #[test]
    fn filters_are_name_prefixes_and_no_filter_is_every_repository() {
        let me = "111122223333";
        let rules = [
            rule(&[(me, "eu-west-1")], &["web"]),
            rule(
                &[(me, "ap-southeast-2"), ("444455556666", "eu-west-1")],
                &[],
            ),
        ];
        assert_eq!(
            destinations(&rules, me, "web-frontend"),
            (
                vec!["ap-southeast-2".to_string(), "eu-west-1".to_string()],
                vec!["444455556666:eu-west-1".to_string()]
            )
        );
        assert_eq!(
            destinations(&rules[..1], me, "worker"),
            (vec![], vec![]),
            "a prefix it does not start with"
        );
        assert_eq!(
            destinations(&rules[..1], me, "team/web"),
            (vec![], vec![]),
            "a prefix matches from the first character"
        );
    }
}
