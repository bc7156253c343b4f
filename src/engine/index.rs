//! Cross-resource lookups the rule functions answer: a key by any of its names, and
//! the replicated data stores a key protects. Built once per evaluation.

use super::values;
use crate::analysis::arn;
use crate::inventory::{Inventory, KmsKey};
use cel::Value;
use std::collections::HashMap;

#[derive(Default)]
pub struct Index {
    /// (account, region, reference) -> key ARN; references are the ARN, key id,
    /// alias name and alias ARN.
    key_refs: HashMap<(String, String, String), String>,
    /// key ARN -> its view, for `key()`.
    key_views: HashMap<String, Value>,
    /// key ARN -> ARNs of replicated data stores encrypted with it.
    replicated_users: HashMap<String, Vec<String>>,
    /// The same as CEL lists, built once: rules call `replicated_users()` per key.
    replicated_users_values: HashMap<String, Value>,
    /// Aurora cluster ARN -> (global cluster id, member regions).
    pub global_membership: HashMap<String, (String, Vec<String>)>,
    /// Region of resources whose ARN has none (S3 buckets), from where they were listed.
    regionless: HashMap<String, String>,
}

impl Index {
    pub fn build(inventory: &Inventory, key_view: impl Fn(&KmsKey, &str, &str) -> Value) -> Index {
        let mut index = Index::default();
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
                    let a = &account.account_id;
                    let r = &region.region;
                    let mut refs = vec![key.arn.clone(), key.key_id.clone()];
                    for alias in key.aliases.iter().flatten() {
                        refs.push(alias.clone());
                        refs.push(format!("arn:aws:kms:{r}:{a}:{alias}"));
                    }
                    for reference in refs {
                        index
                            .key_refs
                            .insert((a.clone(), r.clone(), reference), key.arn.clone());
                    }
                    index.key_views.insert(key.arn.clone(), key_view(key, a, r));
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
        let (account, region) = match arn::Arn::parse(reference) {
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

    /// The region of a region-less ARN (an S3 bucket) when the inventory lists it.
    pub fn region_of_regionless(&self, arn: &str) -> Option<&str> {
        self.regionless.get(arn).map(String::as_str)
    }

    pub fn key_view(&self, account: &str, region: &str, reference: &str) -> Value {
        self.resolve_key(account, region, reference)
            .and_then(|arn| self.key_views.get(&arn).cloned())
            .unwrap_or(Value::Null)
    }

    pub fn replicated_users(&self, key_arn: &str) -> Value {
        match self.replicated_users_values.get(key_arn) {
            Some(users) => users.clone(),
            None => values::list(Vec::new()),
        }
    }
}
