//! What the collector could and could not read, in the terms rules need: is the
//! listing of a service complete in an account and region, and which resource
//! kinds does a gap hide.
//!
//! A failed listing (ListKeys, ListSecrets, DescribeDBClusters, ...) hides every
//! resource of its kinds in that region: rules over those kinds cannot be judged
//! there. A failed per-resource call (DescribeKey, DescribeContinuousBackups, tags)
//! hides only fields of a resource the inventory still lists, and those absent
//! fields already make that resource's outcomes `unknown`.

use crate::inventory::{Gap, Inventory};
use crate::kinds::{ResourceKind, ALL};
use std::collections::HashSet;

/// Kinds collected from a service.
fn kinds_of(service: &str) -> Vec<ResourceKind> {
    ALL.iter()
        .filter(|(_, spec)| spec.service == service)
        .map(|(kind, _)| *kind)
        .collect()
}

/// Whether a gap leaves nothing of the account readable.
pub fn is_account_wide(gap: &Gap) -> bool {
    gap.region.is_none() && (gap.service == "*" || gap.service == "sts")
}

/// The resource kinds whose listing a gap leaves incomplete, in its region. Empty
/// for a per-resource failure. A gap that names no operation (inventories written
/// before operations were recorded) is taken as a failed listing of its service.
pub fn hidden_kinds(gap: &Gap) -> Vec<ResourceKind> {
    if is_account_wide(gap) || gap.service == "*" {
        return ResourceKind::RESOURCES.to_vec();
    }
    match &gap.operation {
        // An operation that enumerates resources of a kind (see `KindSpec::listings`);
        // any other operation of the service concerns one resource only.
        Some(op) if gap.service != "config" => ALL
            .iter()
            .filter(|(_, spec)| spec.service == gap.service && spec.listings.contains(&op.as_str()))
            .map(|(kind, _)| *kind)
            .collect(),
        _ => kinds_of(&gap.service),
    }
}

/// Which listings are complete, per account, region and service.
#[derive(Debug, Default)]
pub struct Coverage {
    /// (account, region) pairs the inventory has a region entry for.
    read: HashSet<(String, String)>,
    /// (account, region, service) whose listing failed.
    failed: HashSet<(String, String, String)>,
    /// Accounts nothing could be read from.
    unreadable: HashSet<String>,
}

impl Coverage {
    pub fn of(inventory: &Inventory) -> Coverage {
        let mut coverage = Coverage::default();
        for account in &inventory.accounts {
            for region in &account.regions {
                coverage
                    .read
                    .insert((account.account_id.clone(), region.region.clone()));
            }
        }
        for gap in &inventory.gaps {
            if is_account_wide(gap) {
                coverage.unreadable.insert(gap.account_id.clone());
                continue;
            }
            let Some(region) = &gap.region else {
                continue;
            };
            if hidden_kinds(gap).is_empty() {
                continue;
            }
            coverage
                .failed
                .insert((gap.account_id.clone(), region.clone(), gap.service.clone()));
        }
        coverage
    }

    /// Whether every resource of `service` in the account and region was listed.
    pub fn listed(&self, account: &str, region: &str, service: &str) -> bool {
        !self.unreadable.contains(account)
            && self
                .read
                .contains(&(account.to_string(), region.to_string()))
            && !self.failed.contains(&(
                account.to_string(),
                region.to_string(),
                service.to_string(),
            ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gap(service: &str, operation: Option<&str>) -> Gap {
        Gap {
            account_id: "111122223333".into(),
            region: Some("eu-west-1".into()),
            service: service.into(),
            operation: operation.map(str::to_string),
            error_code: "AccessDenied".into(),
            message: "denied".into(),
        }
    }

    #[test]
    fn listings_hide_their_kinds_and_describes_hide_nothing() {
        assert_eq!(
            hidden_kinds(&gap("kms", Some("ListKeys"))),
            [ResourceKind::KmsKey]
        );
        assert!(hidden_kinds(&gap("kms", Some("DescribeKey"))).is_empty());
        assert!(hidden_kinds(&gap("dynamodb", Some("DescribeContinuousBackups"))).is_empty());
        assert_eq!(
            hidden_kinds(&gap("rds", None)).len(),
            3,
            "no operation: the whole service"
        );
    }
}
