//! Cross-resource facts a view needs beyond its own record: whether a key can be
//! used, which global database a cluster belongs to, where a region-less resource
//! lives, which keys a configuration calls in other regions. The engine's index
//! answers them; views only ask.

use super::cloudwatch_alarm::MetricWatch;
use super::config_resource::{Reference, ReferenceRole};
use super::dynamodb_table::DynamoTable;
use super::{Record, ResourceKind};

/// Key states in which a key cannot encrypt or decrypt: the data it protects in
/// that region cannot be read (KMS developer guide, "Key states of AWS KMS keys").
pub const UNUSABLE_KEY_STATES: &[&str] = &[
    "Disabled",
    "PendingDeletion",
    "PendingReplicaDeletion",
    "PendingImport",
    "Unavailable",
];

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

/// A reference of a configuration item with its region resolved: region-less ARNs
/// (S3 buckets) take the region the inventory lists them in.
#[derive(Debug, Clone, Copy)]
pub struct ResolvedRef<'a> {
    pub reference: &'a Reference,
    pub region: &'a str,
}

impl ResolvedRef<'_> {
    pub fn role(&self) -> ReferenceRole {
        self.reference.role
    }

    pub fn target(&self) -> &str {
        &self.reference.target
    }
}

/// A resource's references to KMS keys in other regions, sorted by whether the
/// key has a copy (a multi-Region replica) in the resource's own region.
#[derive(Debug, Default)]
pub struct RemoteKeys<'a> {
    pub without_local_copy: Vec<ResolvedRef<'a>>,
    pub with_local_copy: Vec<ResolvedRef<'a>>,
    /// References whose key could not be identified or located.
    pub undecided: usize,
}

/// The questions views ask about the rest of the inventory.
pub trait Facts: Sync {
    /// Whether the key a data store names can be used. `None` is the AWS owned or
    /// AWS managed default key.
    fn key_use(&self, account: &str, region: &str, reference: Option<&str>) -> KeyUse;

    /// The global database a cluster is a member of, with the member regions.
    fn global_membership(&self, cluster_arn: &str) -> Option<(&str, &[&str])>;

    /// The region of a region-less ARN (an S3 bucket) when the inventory lists it.
    fn region_of_regionless(&self, arn: &str) -> Option<&str>;

    /// The references of a resource in `region` to KMS keys in other regions.
    fn remote_keys<'r>(&self, region: &str, refs: &[ResolvedRef<'r>]) -> RemoteKeys<'r>;

    /// The DynamoDB table named `name` as collected in an account and region: the
    /// replica of a global table there, whose own description and scalable targets
    /// say what it can serve.
    fn dynamodb_table(&self, account: &str, region: &str, name: &str) -> Option<&DynamoTable>;
    /// The records of `kind` in an account and region matching any of `keys` (see
    /// `compute::match_keys`), same-name matches first. `Err` (why) when the
    /// region's listing of that kind is incomplete or was not read: absence there
    /// proves nothing.
    fn counterparts(
        &self,
        account: &str,
        region: &str,
        kind: ResourceKind,
        keys: &[String],
    ) -> Result<Vec<Record<'_>>, String>;

    /// Whether a typed compute record carries the configuration an AWS Config item
    /// of this ARN describes (a function, a task definition an ECS service runs),
    /// so the item is not judged a second time.
    fn superseded(&self, arn: &str) -> bool;
    /// The writer cluster of the global database a cluster is a member of; `None`
    /// when it is not known as a member or the global database has no writer.
    fn global_writer(&self, cluster_arn: &str) -> Option<&str>;

    /// Whether an alarm of `account` in `region` reads the metric and notifies
    /// when it fires (itself, or through a composite alarm that does). `None`
    /// when that region's alarms could not be read: an alarm may be there.
    fn alarm_watching(&self, account: &str, region: &str, watch: &MetricWatch<'_>) -> Option<bool>;

    /// Whether a collected resource's `images` pulls from repository
    /// `repository` of registry `registry` in `region`. `None` when no kind with
    /// images was listed completely in that account and region.
    fn image_in_use(&self, registry: &str, region: &str, repository: &str) -> Option<bool>;
}

/// No facts at all: every key unknown, no membership, nothing resolved. For
/// samples and tests of a view alone.
pub struct NoFacts;

impl Facts for NoFacts {
    fn key_use(&self, _: &str, _: &str, reference: Option<&str>) -> KeyUse {
        match reference {
            None => KeyUse::Usable,
            Some(_) => KeyUse::Unknown,
        }
    }

    fn global_membership(&self, _: &str) -> Option<(&str, &[&str])> {
        None
    }

    fn region_of_regionless(&self, _: &str) -> Option<&str> {
        None
    }

    fn remote_keys<'r>(&self, _: &str, refs: &[ResolvedRef<'r>]) -> RemoteKeys<'r> {
        RemoteKeys {
            undecided: refs.len(),
            ..RemoteKeys::default()
        }
    }

    fn dynamodb_table(&self, _: &str, _: &str, _: &str) -> Option<&DynamoTable> {
        None
    }

    fn counterparts(
        &self,
        _: &str,
        _: &str,
        _: ResourceKind,
        _: &[String],
    ) -> Result<Vec<Record<'_>>, String> {
        Err("no inventory".to_string())
    }

    fn superseded(&self, _: &str) -> bool {
        false
    }

    fn global_writer(&self, _: &str) -> Option<&str> {
        None
    }

    fn alarm_watching(&self, _: &str, _: &str, _: &MetricWatch<'_>) -> Option<bool> {
        None
    }

    fn image_in_use(&self, _: &str, _: &str, _: &str) -> Option<bool> {
        None
    }
}
