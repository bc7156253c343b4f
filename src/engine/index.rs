//! Cross-resource facts the views and rule functions need: a KMS key by any of its
//! names and what is known of it, where the copies of a multi-Region key are, the
//! replicated data stores a key protects, Aurora global membership. Built once per
//! evaluation.
//!
//! Every answer distinguishes "not there" from "not seen": a key that is not in the
//! inventory is only known to be missing when its account and region were listed
//! completely (see [`Coverage`]).

use super::coverage::Coverage;
use super::values;
use crate::analysis::arn::{self, Arn};
use crate::inventory::{Inventory, KeyManager, KmsKey, Reference, ReferenceRole};
use cel::Value;
use std::collections::{BTreeSet, HashMap};

/// Key states in which a key cannot encrypt or decrypt: the data it protects in
/// that region cannot be read (KMS developer guide, "Key states of AWS KMS keys").
pub const UNUSABLE_KEY_STATES: &[&str] = &[
    "Disabled",
    "PendingDeletion",
    "PendingReplicaDeletion",
    "PendingImport",
    "Unavailable",
];

/// What is known of one key.
#[derive(Debug, Clone, Default)]
struct KeyFacts {
    state: Option<String>,
    aws_managed: bool,
}

/// Whether the key behind a reference can be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyUse {
    Usable,
    /// The key's state, one of [`UNUSABLE_KEY_STATES`].
    Unusable(String),
    /// The key was not collected (another account, an unread region) or its state
    /// was not read.
    Unknown,
}

/// A resource's references to KMS keys in other regions, sorted by whether the
/// key has a copy (a multi-Region replica) in the resource's own region.
#[derive(Debug, Default)]
pub struct RemoteKeys<'a> {
    pub without_local_copy: Vec<&'a Reference>,
    pub with_local_copy: Vec<&'a Reference>,
    /// References whose key could not be identified or located.
    pub undecided: usize,
}

#[derive(Default)]
pub struct Index {
    /// (account, region, reference) -> key ARN; references are the ARN, key id,
    /// alias name and alias ARN.
    key_refs: HashMap<(String, String, String), String>,
    keys: HashMap<String, KeyFacts>,
    /// key ARN -> its view, for `key()`.
    key_views: HashMap<String, Value>,
    /// (account, multi-Region key id) -> regions holding a copy, from the keys
    /// collected and the replica lists their primaries report.
    mrk_regions: HashMap<(String, String), BTreeSet<String>>,
    /// key ARN -> ARNs of replicated data stores encrypted with it.
    replicated_users: HashMap<String, Vec<String>>,
    /// The same as CEL lists, built once: rules call `replicated_users()` per key.
    replicated_users_values: HashMap<String, Value>,
    /// Aurora cluster ARN -> (global cluster id, member regions).
    pub global_membership: HashMap<String, (String, Vec<String>)>,
    /// Region of resources whose ARN has none (S3 buckets), from where they were listed.
    regionless: HashMap<String, String>,
    pub coverage: Coverage,
}

impl Index {
    pub fn build(inventory: &Inventory, key_view: impl Fn(&KmsKey, &str, &str) -> Value) -> Index {
        let mut index = Index {
            coverage: Coverage::of(inventory),
            ..Index::default()
        };
        for account in &inventory.accounts {
            for region in &account.regions {
                for gc in &region.rds_global_clusters {
                    let regions: Vec<String> =
                        gc.members.iter().map(|m| m.region.clone()).collect();
                    for m in &gc.members {
                        index.global_membership.insert(
                            m.cluster_arn.clone(),
                            (gc.identifier.clone(), regions.clone()),
                        );
                    }
                }
                for resource in &region.resources {
                    if arn::region_of(&resource.arn).is_empty() {
                        index
                            .regionless
                            .insert(resource.arn.clone(), region.region.clone());
                    }
                }
                for key in &region.kms_keys {
                    index.add_key(key, &account.account_id, &region.region, &key_view);
                }
            }
        }
        for account in &inventory.accounts {
            let a = &account.account_id;
            for region in &account.regions {
                let r = &region.region;
                for table in &region.dynamodb_tables {
                    let replicated = table.replicas.as_ref().is_some_and(|reps| !reps.is_empty());
                    if let (true, Some(k)) = (replicated, &table.sse_kms_key_arn) {
                        index.add_user(a, r, k, &table.arn);
                    }
                }
                for secret in &region.secrets {
                    let replicated = secret
                        .replicas
                        .as_ref()
                        .is_some_and(|reps| !reps.is_empty())
                        || secret.primary_region.as_ref().is_some_and(|p| p != r);
                    if let (true, Some(k)) = (replicated, &secret.kms_key_id) {
                        index.add_user(a, r, k, &secret.arn);
                    }
                }
                for cluster in &region.rds_clusters {
                    let replicated = cluster.global_cluster_identifier.is_some()
                        || index.global_membership.contains_key(&cluster.arn);
                    if let (true, Some(true), Some(k)) =
                        (replicated, cluster.storage_encrypted, &cluster.kms_key_id)
                    {
                        index.add_user(a, r, k, &cluster.arn);
                    }
                }
            }
        }
        for (key, users) in index.replicated_users.iter_mut() {
            users.sort();
            users.dedup();
            index
                .replicated_users_values
                .insert(key.clone(), values::strings(users.iter()));
        }
        index
    }

    fn add_key(
        &mut self,
        key: &KmsKey,
        account: &str,
        region: &str,
        key_view: &impl Fn(&KmsKey, &str, &str) -> Value,
    ) {
        let partition = Arn::parse(&key.arn).map_or("aws", |a| a.partition);
        let mut refs = vec![key.arn.clone(), key.key_id.clone()];
        for alias in key.aliases.iter().flatten() {
            refs.push(alias.clone());
            refs.push(format!("arn:{partition}:kms:{region}:{account}:{alias}"));
        }
        for reference in refs {
            self.key_refs.insert(
                (account.to_string(), region.to_string(), reference),
                key.arn.clone(),
            );
        }
        let aws_managed = key.key_manager == Some(KeyManager::Aws)
            || key
                .aliases
                .iter()
                .flatten()
                .any(|a| a.starts_with("alias/aws/"));
        self.keys.insert(
            key.arn.clone(),
            KeyFacts {
                state: key.key_state.clone(),
                aws_managed,
            },
        );
        if key.key_id.starts_with("mrk-") {
            let copies = self
                .mrk_regions
                .entry((account.to_string(), key.key_id.clone()))
                .or_default();
            copies.insert(region.to_string());
            copies.extend(key.replica_regions.iter().flatten().cloned());
            if let Some(primary) = key.primary_arn.as_deref().and_then(Arn::parse) {
                copies.insert(primary.region.to_string());
            }
        }
        self.key_views
            .insert(key.arn.clone(), key_view(key, account, region));
    }

    fn add_user(&mut self, account: &str, region: &str, key_ref: &str, user: &str) {
        if let Some(key_arn) = self.resolve_key(account, region, key_ref) {
            self.replicated_users
                .entry(key_arn)
                .or_default()
                .push(user.to_string());
        }
    }

    /// The key ARN a reference (ARN, id, alias, alias ARN) names in an account and region.
    pub fn resolve_key(&self, account: &str, region: &str, reference: &str) -> Option<String> {
        // A full ARN carries its own account and region.
        let (account, region) = match Arn::parse(reference) {
            Some(a) if !a.region.is_empty() => (a.account, a.region),
            _ => (account, region),
        };
        self.key_refs
            .get(&(
                account.to_string(),
                region.to_string(),
                reference.to_string(),
            ))
            .cloned()
    }

    /// Whether the key a data store names can be used. `None` is the AWS owned or
    /// AWS managed default key, which customers cannot disable or delete.
    pub fn key_use(&self, account: &str, region: &str, reference: Option<&str>) -> KeyUse {
        let Some(reference) = reference else {
            return KeyUse::Usable;
        };
        if is_aws_managed_alias(reference) {
            return KeyUse::Usable;
        }
        let Some(facts) = self
            .resolve_key(account, region, reference)
            .and_then(|arn| self.keys.get(&arn))
        else {
            return KeyUse::Unknown;
        };
        if facts.aws_managed {
            return KeyUse::Usable;
        }
        match &facts.state {
            Some(state) if UNUSABLE_KEY_STATES.contains(&state.as_str()) => {
                KeyUse::Unusable(state.clone())
            }
            Some(_) => KeyUse::Usable,
            None => KeyUse::Unknown,
        }
    }

    /// The references of a resource in `region` to KMS keys in other regions,
    /// sorted by whether the key has a copy in `region`. A key id that starts with
    /// `mrk-` is a multi-Region key, any other a single-Region one (KMS developer
    /// guide, "Multi-Region key identifiers").
    pub fn remote_keys<'r>(&self, region: &str, refs: &'r [Reference]) -> RemoteKeys<'r> {
        let mut out = RemoteKeys::default();
        for r in refs {
            if r.role != ReferenceRole::Call || r.region.is_empty() || r.region == region {
                continue;
            }
            let Some(parsed) = Arn::parse(&r.target).filter(|a| a.service == "kms") else {
                continue;
            };
            let key_id = match parsed.resource.split_once('/') {
                Some(("key", id)) => Some(id.to_string()),
                Some(("alias", _)) => self
                    .resolve_key(parsed.account, parsed.region, &r.target)
                    .and_then(|arn| {
                        Arn::parse(&arn).map(|a| a.resource.trim_start_matches("key/").to_string())
                    }),
                _ => continue,
            };
            let Some(key_id) = key_id else {
                out.undecided += 1;
                continue;
            };
            let local_copy = if !key_id.starts_with("mrk-") {
                Some(false)
            } else if self
                .mrk_regions
                .get(&(parsed.account.to_string(), key_id.clone()))
                .is_some_and(|regions| regions.contains(region))
            {
                Some(true)
            } else if self.coverage.listed(parsed.account, region, "kms") {
                Some(false)
            } else {
                None
            };
            match local_copy {
                Some(true) => out.with_local_copy.push(r),
                Some(false) => out.without_local_copy.push(r),
                None => out.undecided += 1,
            }
        }
        out
    }

    /// The region of a region-less ARN (an S3 bucket) when the inventory lists it.
    pub fn region_of_regionless(&self, arn: &str) -> Option<&str> {
        self.regionless.get(arn).map(String::as_str)
    }

    pub fn key_view(&self, account: &str, region: &str, reference: &str) -> Value {
        self.resolve_key(account, region, reference)
            .and_then(|arn| self.key_views.get(&arn).cloned())
            .unwrap_or(Value::Null)
    }

    /// The replicated data stores encrypted with a key, or why that cannot be known:
    /// a data store service of the key's region that could not be listed may hold
    /// more of them.
    pub fn replicated_users(&self, key_arn: &str) -> Result<Value, String> {
        if let Some(a) = Arn::parse(key_arn).filter(|a| !a.region.is_empty()) {
            for service in ["secretsmanager", "dynamodb", "rds"] {
                if !self.coverage.listed(a.account, a.region, service) {
                    return Err(format!(
                        "not collected: {service} in {} of account {} was not listed, so the data the key protects is not all known",
                        a.region, a.account
                    ));
                }
            }
        }
        Ok(match self.replicated_users_values.get(key_arn) {
            Some(users) => users.clone(),
            None => values::list(Vec::new()),
        })
    }
}

/// `alias/aws/...` names an AWS managed key, in any account and region.
fn is_aws_managed_alias(reference: &str) -> bool {
    reference.starts_with("alias/aws/") || reference.contains(":alias/aws/")
}
