//! Cross-resource facts the views and rule functions need: a KMS key by any of its
//! names and what is known of it, where the copies of a multi-Region key are, the
//! replicated data stores a key protects, Aurora global membership. Built once per
//! evaluation, borrowing the inventory.
//!
//! Every answer distinguishes "not there" from "not seen": a key that is not in the
//! inventory is only known to be missing when its account and region were listed
//! completely (see [`Coverage`]).

use super::coverage::Coverage;
use crate::analysis::arn::{self, Arn};
use crate::analysis::image::{self, EcrImage};
use crate::inventory::{
    CloudwatchAlarm, DynamoTable, Inventory, KeyManager, KmsKey, ReferenceRole,
};
use crate::kinds::cloudwatch_alarm::MetricWatch;
use crate::kinds::compute::{as_compute, match_keys};
use crate::kinds::facts::NoFacts;
use crate::kinds::{
    Facts, KeyUse, Place, Record, RemoteKeys, ResolvedRef, ResourceKind, ALL, UNUSABLE_KEY_STATES,
};
use rustc_hash::{FxHashMap, FxHashSet};
use std::borrow::Cow;
use std::collections::BTreeSet;
use std::collections::HashSet;

/// A collected key and where it was listed.
#[derive(Debug, Clone, Copy)]
pub struct KeyEntry<'a> {
    pub key: &'a KmsKey,
    pub account: &'a str,
    pub region: &'a str,
}

impl KeyEntry<'_> {
    fn aws_managed(&self) -> bool {
        self.key.key_manager == Some(KeyManager::Aws)
            || self
                .key
                .aliases
                .iter()
                .flatten()
                .any(|a| a.starts_with("alias/aws/"))
    }
}

type KeyRef<'a> = (&'a str, &'a str, Cow<'a, str>);

#[derive(Default)]
pub struct Index<'a> {
    /// (account, region, reference) -> key; references are the ARN, key id, alias
    /// name and alias ARN.
    key_refs: FxHashMap<KeyRef<'a>, KeyEntry<'a>>,
    /// (account, multi-Region key id) -> regions holding a copy, from the keys
    /// collected and the replica lists their primaries report.
    mrk_regions: FxHashMap<(&'a str, &'a str), BTreeSet<&'a str>>,
    /// key ARN -> ARNs of replicated data stores encrypted with it, sorted.
    replicated_users: FxHashMap<&'a str, Vec<&'a str>>,
    /// Aurora cluster ARN -> (global cluster id, member regions, writer cluster ARN).
    global_membership: FxHashMap<&'a str, (&'a str, Vec<&'a str>, Option<&'a str>)>,
    /// (account, region) -> the alarms there, each with whether it notifies
    /// (itself or through a composite alarm that does).
    alarms: FxHashMap<(&'a str, &'a str), Vec<(&'a CloudwatchAlarm, bool)>>,
    /// Private ECR repositories the collected resources' `images` pull from.
    images: FxHashSet<EcrImage>,
    /// Region of resources whose ARN has none (S3 buckets), from where they were listed.
    regionless: FxHashMap<&'a str, &'a str>,
    /// (account, region, table name) -> the table as collected there.
    dynamodb_tables: FxHashMap<(&'a str, &'a str, &'a str), &'a DynamoTable>,
    /// (account, region, kind, match key) -> compute records, sorted by ARN (see
    /// `kinds::compute::match_keys`).
    compute: FxHashMap<(&'a str, &'a str, ResourceKind, String), Vec<Record<'a>>>,
    /// ARNs of AWS Config items whose configuration a typed compute record carries.
    superseded: HashSet<&'a str>,
    pub coverage: Coverage,
}

impl<'a> Index<'a> {
    pub fn build(inventory: &'a Inventory) -> Index<'a> {
        let mut index = Index {
            coverage: Coverage::of(inventory),
            ..Index::default()
        };
        for account in &inventory.accounts {
            for region in &account.regions {
                for gc in &region.rds_global_clusters {
                    let regions: Vec<&str> = gc.members.iter().map(|m| m.region.as_str()).collect();
                    let writer = gc
                        .members
                        .iter()
                        .find(|m| m.is_writer)
                        .map(|m| m.cluster_arn.as_str());
                    for m in &gc.members {
                        index
                            .global_membership
                            .insert(&m.cluster_arn, (&gc.identifier, regions.clone(), writer));
                    }
                }
                for table in &region.dynamodb_tables {
                    index
                        .dynamodb_tables
                        .insert((&account.account_id, &region.region, &table.name), table);
                }
                index.add_compute(&account.account_id, region);
                if !region.cloudwatch_alarms.is_empty() {
                    index.alarms.insert(
                        (&account.account_id, &region.region),
                        with_notification(&region.cloudwatch_alarms),
                    );
                }
                index.images.extend(images_of(region, &account.account_id));
                for resource in &region.resources {
                    if arn::region_of(&resource.arn).is_empty() {
                        index.regionless.insert(&resource.arn, &region.region);
                    }
                }
                for bucket in &region.s3_buckets {
                    index.regionless.insert(&bucket.arn, &region.region);
                }
                for key in &region.kms_keys {
                    index.add_key(KeyEntry {
                        key,
                        account: &account.account_id,
                        region: &region.region,
                    });
                }
            }
        }
        let mut users: FxHashMap<&'a str, Vec<&'a str>> = FxHashMap::default();
        for account in &inventory.accounts {
            let a = account.account_id.as_str();
            for region in &account.regions {
                let r = region.region.as_str();
                for record in region.every_record().map(|(_, _, record)| record) {
                    let member = matches!(record, Record::RdsCluster(c) if index.global_membership.contains_key(c.arn.as_str()));
                    if let Some(key_ref) = record.replicated_key(r, member) {
                        if let Some(entry) = index.resolve_key(a, r, key_ref) {
                            users.entry(&entry.key.arn).or_default().push(record.arn());
                        }
                    }
                }
            }
        }
        for list in users.values_mut() {
            list.sort_unstable();
            list.dedup();
        }
        index.replicated_users = users;
        index
    }

    /// Indexes the compute records of a region by their match keys, and notes the
    /// configurations they were read with.
    fn add_compute(&mut self, account: &'a str, region: &'a crate::inventory::RegionInventory) {
        let r = region.region.as_str();
        for (_, _, record) in region.every_record() {
            let Some(compute) = as_compute(record) else {
                continue;
            };
            for key in match_keys(compute, r) {
                self.compute
                    .entry((account, r, record.kind(), key))
                    .or_default()
                    .push(record);
            }
            match record {
                Record::LambdaFunction(f) if f.references.is_some() => {
                    self.superseded.insert(&f.arn);
                }
                Record::EcsService(s) if s.task.is_some() => {
                    if let Some(task) = &s.task_definition {
                        self.superseded.insert(task);
                    }
                }
                _ => {}
            }
        }
        for list in self.compute.values_mut() {
            list.sort_by(|a, b| a.arn().cmp(b.arn()));
            list.dedup_by(|a, b| a.arn() == b.arn());
        }
    }

    fn add_key(&mut self, entry: KeyEntry<'a>) {
        let key = entry.key;
        let partition = Arn::parse(&key.arn).map_or("aws", |a| a.partition);
        let mut refs: Vec<Cow<'a, str>> = vec![Cow::Borrowed(&key.arn), Cow::Borrowed(&key.key_id)];
        for alias in key.aliases.iter().flatten() {
            refs.push(Cow::Borrowed(alias));
            refs.push(Cow::Owned(format!(
                "arn:{partition}:kms:{}:{}:{alias}",
                entry.region, entry.account
            )));
        }
        for reference in refs {
            self.key_refs
                .insert((entry.account, entry.region, reference), entry);
        }
        if key.key_id.starts_with("mrk-") {
            let copies = self
                .mrk_regions
                .entry((entry.account, &key.key_id))
                .or_default();
            copies.insert(entry.region);
            copies.extend(key.replica_regions.iter().flatten().map(String::as_str));
            if let Some(primary) = key.primary_arn.as_deref().and_then(Arn::parse) {
                copies.insert(primary.region);
            }
        }
    }

    /// The key a reference (ARN, id, alias, alias ARN) names in an account and region.
    pub fn resolve_key(
        &self,
        account: &str,
        region: &str,
        reference: &str,
    ) -> Option<KeyEntry<'a>> {
        // A full ARN carries its own account and region.
        let (account, region) = match Arn::parse(reference) {
            Some(a) if !a.region.is_empty() => (a.account, a.region),
            _ => (account, region),
        };
        self.key_refs
            .get(&(account, region, Cow::Borrowed(reference)))
            .copied()
    }

    /// The replicated data stores encrypted with a key, or why that cannot be known:
    /// a data store service of the key's region that could not be listed may hold
    /// more of them.
    pub fn replicated_users(&self, key_arn: &str) -> Result<&[&'a str], String> {
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
        Ok(self
            .replicated_users
            .get(key_arn)
            .map_or(&[][..], Vec::as_slice))
    }
}

impl Facts for Index<'_> {
    fn counterparts(
        &self,
        account: &str,
        region: &str,
        kind: ResourceKind,
        keys: &[String],
    ) -> Result<Vec<Record<'_>>, String> {
        let service = kind.spec().map_or("", |s| s.service);
        if !self.coverage.listed(account, region, service) {
            return Err(format!(
                "not collected: {service} in {region} of account {account} was not listed"
            ));
        }
        let mut out: Vec<Record<'_>> = Vec::new();
        for key in keys {
            let found = self
                .compute
                .get(&(account, region, kind, key.clone()))
                .map_or(&[][..], Vec::as_slice);
            for record in found {
                if !out.iter().any(|r| r.arn() == record.arn()) {
                    out.push(*record);
                }
            }
        }
        Ok(out)
    }

    fn superseded(&self, arn: &str) -> bool {
        self.superseded.contains(arn)
    }

    fn key_use(&self, account: &str, region: &str, reference: Option<&str>) -> KeyUse {
        let Some(reference) = reference else {
            return KeyUse::Usable;
        };
        if is_aws_managed_alias(reference) {
            return KeyUse::Usable;
        }
        let Some(entry) = self.resolve_key(account, region, reference) else {
            return KeyUse::Unknown;
        };
        if entry.aws_managed() {
            return KeyUse::Usable;
        }
        match &entry.key.key_state {
            Some(state) if UNUSABLE_KEY_STATES.contains(&state.as_str()) => {
                KeyUse::Unusable(state.clone())
            }
            Some(_) => KeyUse::Usable,
            None => KeyUse::Unknown,
        }
    }

    fn global_membership(&self, cluster_arn: &str) -> Option<(&str, &[&str])> {
        self.global_membership
            .get(cluster_arn)
            .map(|(id, regions, _)| (*id, regions.as_slice()))
    }

    fn global_writer(&self, cluster_arn: &str) -> Option<&str> {
        self.global_membership
            .get(cluster_arn)
            .and_then(|(_, _, writer)| *writer)
    }

    fn alarm_watching(&self, account: &str, region: &str, watch: &MetricWatch<'_>) -> Option<bool> {
        if !self.coverage.listed(account, region, "cloudwatch") {
            return None;
        }
        Some(self.alarms.get(&(account, region)).is_some_and(|alarms| {
            alarms
                .iter()
                .any(|(a, notifies)| *notifies && a.watches(watch))
        }))
    }

    fn image_in_use(&self, registry: &str, region: &str, repository: &str) -> Option<bool> {
        let used = self.images.contains(&EcrImage {
            account: registry.to_string(),
            region: region.to_string(),
            repository: repository.to_string(),
        });
        if used {
            return Some(true);
        }
        // Not seen: known unused only when every kind that names images was
        // listed completely where the repository is.
        let kinds = image_kinds();
        let complete = !kinds.is_empty()
            && kinds.iter().all(|k| {
                k.spec()
                    .is_some_and(|s| self.coverage.listed(registry, region, s.service))
            });
        complete.then_some(false)
    }

    fn region_of_regionless(&self, arn: &str) -> Option<&str> {
        self.regionless.get(arn).copied()
    }

    /// A key id that starts with `mrk-` is a multi-Region key, any other a
    /// single-Region one (KMS developer guide, "Multi-Region key identifiers").
    fn remote_keys<'r>(&self, region: &str, refs: &[ResolvedRef<'r>]) -> RemoteKeys<'r> {
        let mut out = RemoteKeys::default();
        for r in refs {
            if r.role() != ReferenceRole::Call || r.region.is_empty() || r.region == region {
                continue;
            }
            let Some(parsed) = Arn::parse(r.target()).filter(|a| a.service == "kms") else {
                continue;
            };
            let key_id: Option<Cow<str>> = match parsed.resource.split_once('/') {
                Some(("key", id)) => Some(Cow::Borrowed(id)),
                Some(("alias", _)) => self
                    .resolve_key(parsed.account, parsed.region, r.target())
                    .and_then(|entry| {
                        Arn::parse(&entry.key.arn)
                            .map(|a| Cow::Owned(a.resource.trim_start_matches("key/").to_string()))
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
                .get(&(parsed.account, key_id.as_ref()))
                .is_some_and(|regions| regions.contains(region))
            {
                Some(true)
            } else if self.coverage.listed(parsed.account, region, "kms") {
                Some(false)
            } else {
                None
            };
            match local_copy {
                Some(true) => out.with_local_copy.push(*r),
                Some(false) => out.without_local_copy.push(*r),
                None => out.undecided += 1,
            }
        }
        out
    }

    fn dynamodb_table(&self, account: &str, region: &str, name: &str) -> Option<&DynamoTable> {
        self.dynamodb_tables.get(&(account, region, name)).copied()
    }
}

/// `alias/aws/...` names an AWS managed key, in any account and region.
fn is_aws_managed_alias(reference: &str) -> bool {
    reference.starts_with("alias/aws/") || reference.contains(":alias/aws/")
}

/// The alarms of one region, each with whether it notifies: its own actions, or
/// a composite alarm that notifies and whose rule names it (composites nest, so
/// this runs until nothing changes).
fn with_notification(alarms: &[CloudwatchAlarm]) -> Vec<(&CloudwatchAlarm, bool)> {
    let mut notifies: Vec<bool> = alarms.iter().map(CloudwatchAlarm::notifies).collect();
    loop {
        let mut changed = false;
        for (c, composite) in alarms.iter().enumerate() {
            if !notifies[c] || composite.alarm_rule.is_none() {
                continue;
            }
            for (i, alarm) in alarms.iter().enumerate() {
                if !notifies[i] && composite.rule_names(alarm) {
                    notifies[i] = true;
                    changed = true;
                }
            }
        }
        if !changed {
            return alarms.iter().zip(notifies).collect();
        }
    }
}

/// Kinds whose view documents an `images` field: container images the resource
/// runs (ECS services, Lambda functions, Auto Scaling groups, ...).
fn image_kinds() -> Vec<ResourceKind> {
    ALL.iter()
        .filter(|(_, spec)| spec.fields.iter().any(|f| f.name == "images"))
        .map(|(kind, _)| *kind)
        .collect()
}

/// The private ECR repositories the `images` of one region's resources pull
/// from, read through each record's view so any kind that documents the field
/// counts. Images of other registries (Docker Hub, ECR Public) are not judged.
fn images_of(region: &crate::inventory::RegionInventory, account: &str) -> Vec<EcrImage> {
    let at = Place {
        account_id: account,
        region: &region.region,
        facts: &NoFacts,
        partner_region: None,
    };
    let mut out = Vec::new();
    for kind in image_kinds() {
        for record in region.records(kind) {
            let Some(images) = record.field(&at, "images") else {
                continue;
            };
            let uris = crate::kinds::value::string_items(&*images).unwrap_or_default();
            out.extend(uris.iter().filter_map(|uri| image::parse(uri)));
        }
    }
    out
}
