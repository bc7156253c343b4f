//! S3 buckets: `resource = "s3_bucket"`, with their replication rules.
//!
//! A bucket ARN names no region (`arn:aws:s3:::name`): a bucket is filed under the
//! region ListBuckets reports for it (`BucketRegion`), and a replication
//! destination's region is resolved from its owner's listing, by the collector for
//! the owner's own buckets and by the index for buckets another scanned account
//! lists. A destination nobody scanned lists has no region: rules that need it are
//! `unknown`, never a pass.

use super::cloudwatch_alarm::MetricWatch;
use super::value::{self, Boxed, Fields, Object};
use super::Tags;
use super::{derived, FieldDoc, Kind, KindSpec, Place};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// An S3 bucket, from ListBuckets, GetBucketReplication and (for buckets that are
/// replication destinations) GetBucketVersioning. Never an object.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct S3Bucket {
    /// `arn:<partition>:s3:::<name>`.
    pub arn: String,
    pub name: String,
    /// `Enabled`, `Suspended`, or `Unversioned` (never enabled: GetBucketVersioning
    /// then returns no `Status`). Read for buckets that are replication
    /// destinations; absent when not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub versioning: Option<String>,
    /// The replication rules. Absent when not read; empty when the bucket has no
    /// replication configuration (`ReplicationConfigurationNotFoundError`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replication_rules: Option<Vec<S3ReplicationRule>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Tags>,
}

/// One rule of a bucket's replication configuration.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct S3ReplicationRule {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `Enabled` or `Disabled`.
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<i32>,
    /// Key prefix the rule is limited to (`Filter.Prefix`, `Filter.And.Prefix`, or a
    /// V1 rule's `Prefix`); absent or empty for every key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// Whether the filter names object tags: only tagged objects are replicated.
    #[serde(default)]
    pub tag_filter: bool,
    /// ARN of the destination bucket (`arn:aws:s3:::name`: no region).
    pub destination_bucket: String,
    /// Account owning the destination, when the rule names it (cross-account).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_account: Option<String>,
    /// Region of the destination, from the owner's ListBuckets; absent when the
    /// destination is not among the bucket owner's buckets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_region: Option<String>,
    /// Versioning of the destination (`Enabled`, `Suspended`, `Unversioned`);
    /// absent when it could not be read (another account's bucket, a failed call).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_versioning: Option<String>,
    /// Storage class of the replicas; absent means the source object's class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_class: Option<String>,
    /// S3 Replication Time Control.
    #[serde(default)]
    pub replication_time: bool,
    /// Replication metrics (and with them the `ReplicationLatency` metric).
    #[serde(default)]
    pub metrics: bool,
    #[serde(default)]
    pub delete_marker_replication: bool,
    /// Replica modification sync (`SourceSelectionCriteria.ReplicaModifications`):
    /// metadata changes made on replicas are replicated back, for two-way replication.
    #[serde(default)]
    pub replica_modifications: bool,
}

impl S3ReplicationRule {
    fn enabled(&self) -> bool {
        self.status == "Enabled"
    }

    /// Whether the rule selects every object: no prefix and no tag filter.
    pub fn whole_bucket(&self) -> bool {
        !self.tag_filter && self.prefix.as_deref().unwrap_or_default().is_empty()
    }
}

pub static SPEC: KindSpec = KindSpec {
    name: "s3_bucket",
    list: "s3_buckets",
    resource_type: "AWS::S3::Bucket",
    service: "s3",
    doc: "An S3 bucket in the region ListBuckets reports for it, with its replication rules (GetBucketReplication) and, for replication destinations, versioning (GetBucketVersioning).",
    data_store: true,
    fields: FIELDS,
    listings: &["ListBuckets"],
    swept: true,
};

const REPLICATION: &str = "the bucket's replication configuration (s3:GetReplicationConfiguration)";
const DESTINATION_REGION: &str =
    "the region of each replication destination (s3:ListAllMyBuckets of the destination's owner)";

const FIELDS: &[FieldDoc] = &[
    derived(
        "versioning",
        "string",
        "`Enabled`, `Suspended` or `Unversioned`; read for buckets that are replication destinations.",
        "the bucket's versioning (s3:GetBucketVersioning, read for replication destinations)",
    ),
    derived(
        "replication_rules",
        "list(map)",
        "Replication rules: `id`, `status` (`Enabled`, `Disabled`), `priority`, `prefix`, `tag_filter`, `whole_bucket` (no prefix, no tag filter), `destination_bucket` (ARN), `destination_account`, `destination_region` (absent when unknown), `destination_versioning` (absent when unknown), `storage_class`, `replication_time`, `metrics`, `delete_marker_replication`, `replica_modifications`. Empty when the bucket has none.",
        REPLICATION,
    ),
    derived(
        "replicates_to",
        "list(string)",
        "Regions every object is replicated to: destinations of enabled rules with no prefix and no tag filter whose region is known, sorted.",
        REPLICATION,
    ),
    derived(
        "partially_replicates_to",
        "list(string)",
        "Regions only some objects are replicated to (enabled rules limited by a prefix or tags) and not in `replicates_to`, sorted.",
        REPLICATION,
    ),
    derived(
        "destinations_resolved",
        "bool",
        "Whether the region of every whole-bucket enabled rule's destination is known (always true when the rules were read; absent otherwise).",
        DESTINATION_REGION,
    ),
    derived(
        "unversioned_destinations",
        "list(string)",
        "ARNs of enabled rules' destinations whose versioning is known and not `Enabled`.",
        REPLICATION,
    ),
    derived(
        "lag_alarmed_rules",
        "list(string)",
        "Ids of enabled replication rules whose `ReplicationLatency` (namespace `AWS/S3`, dimensions `SourceBucket`, `DestinationBucket` (name) and `RuleId`, published in the source bucket's region) an alarm in the bucket's region reads, with actions enabled and an alarm action (its own or a composite's).",
        "the CloudWatch alarms of the bucket's region (cloudwatch:DescribeAlarms)",
    ),
    derived(
        "destination_versioning_known",
        "bool",
        "True when the versioning of every enabled rule's destination is known (absent otherwise).",
        "the versioning of each replication destination (s3:GetBucketVersioning in the destination's region)",
    ),
];

/// A replication rule as a CEL map, with its destination's region resolved.
#[derive(Debug, Clone)]
struct RuleView<'a> {
    rule: &'a S3ReplicationRule,
    destination_region: Option<&'a str>,
}

const RULE_FIELDS: &[&str] = &[
    "id",
    "status",
    "priority",
    "prefix",
    "tag_filter",
    "whole_bucket",
    "destination_bucket",
    "destination_account",
    "destination_region",
    "destination_versioning",
    "storage_class",
    "replication_time",
    "metrics",
    "delete_marker_replication",
    "replica_modifications",
];

impl Fields for RuleView<'_> {
    fn field<'v>(&self, name: &str) -> Option<Boxed<'v>>
    where
        Self: 'v,
    {
        let r = self.rule;
        match name {
            "id" => value::opt_text(r.id.as_deref()),
            "status" => Some(value::text(&r.status)),
            "priority" => r.priority.map(|p| value::int(i64::from(p))),
            "prefix" => Some(value::text(r.prefix.as_deref().unwrap_or_default())),
            "tag_filter" => Some(value::boolean(r.tag_filter)),
            "whole_bucket" => Some(value::boolean(r.whole_bucket())),
            "destination_bucket" => Some(value::text(&r.destination_bucket)),
            "destination_account" => value::opt_text(r.destination_account.as_deref()),
            "destination_region" => value::opt_text(self.destination_region),
            "destination_versioning" => value::opt_text(r.destination_versioning.as_deref()),
            "storage_class" => value::opt_text(r.storage_class.as_deref()),
            "replication_time" => Some(value::boolean(r.replication_time)),
            "metrics" => Some(value::boolean(r.metrics)),
            "delete_marker_replication" => Some(value::boolean(r.delete_marker_replication)),
            "replica_modifications" => Some(value::boolean(r.replica_modifications)),
            _ => None,
        }
    }

    fn names(&self) -> Vec<&'static str> {
        RULE_FIELDS.to_vec()
    }
}

impl S3Bucket {
    /// The enabled rules with their destination's region: the collector's, else
    /// the region another scanned account lists the destination in.
    fn enabled_rules<'a>(
        &'a self,
        at: &Place<'a>,
    ) -> Option<Vec<(&'a S3ReplicationRule, Option<&'a str>)>> {
        self.replication_rules.as_ref().map(|rules| {
            rules
                .iter()
                .filter(|r| r.enabled())
                .map(|r| (r, destination_region(r, at)))
                .collect()
        })
    }
}

fn destination_region<'a>(rule: &'a S3ReplicationRule, at: &Place<'a>) -> Option<&'a str> {
    rule.destination_region
        .as_deref()
        .or_else(|| at.facts.region_of_regionless(&rule.destination_bucket))
}

impl Kind for S3Bucket {
    const SPEC: &'static KindSpec = &SPEC;

    fn arn(&self) -> &str {
        &self.arn
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn tags(&self) -> Option<&Tags> {
        self.tags.as_ref()
    }

    /// Regions of the destinations of enabled rules, whole-bucket or not: any
    /// replicated object is data stored there. Unknown while a destination's
    /// region is.
    fn replica_regions<'a>(&'a self, at: &Place<'a>) -> Option<Vec<&'a str>> {
        let rules = self.enabled_rules(at)?;
        let mut regions = BTreeSet::new();
        for (_, region) in rules {
            let region = region?;
            if region != at.region {
                regions.insert(region);
            }
        }
        Some(regions.into_iter().collect())
    }

    fn field<'a>(&'a self, at: &Place<'a>, name: &str) -> Option<Boxed<'a>> {
        match name {
            "versioning" => value::opt_text(self.versioning.as_deref()),
            "replication_rules" => self.replication_rules.as_ref().map(|rules| {
                value::list(
                    rules
                        .iter()
                        .map(|rule| {
                            Box::new(Object(RuleView {
                                rule,
                                destination_region: destination_region(rule, at),
                            })) as Boxed<'a>
                        })
                        .collect(),
                )
            }),
            "replicates_to" | "partially_replicates_to" => {
                let rules = self.enabled_rules(at)?;
                let whole: BTreeSet<&str> = rules
                    .iter()
                    .filter(|(r, _)| r.whole_bucket())
                    .filter_map(|(_, region)| *region)
                    .collect();
                if name == "replicates_to" {
                    return Some(value::texts(whole));
                }
                let partial: BTreeSet<&str> = rules
                    .iter()
                    .filter(|(r, _)| !r.whole_bucket())
                    .filter_map(|(_, region)| *region)
                    .filter(|region| !whole.contains(region))
                    .collect();
                Some(value::texts(partial))
            }
            "destinations_resolved" => {
                let rules = self.enabled_rules(at)?;
                rules
                    .iter()
                    .filter(|(r, _)| r.whole_bucket())
                    .all(|(_, region)| region.is_some())
                    .then(|| value::boolean(true))
            }
            "unversioned_destinations" => {
                let rules = self.enabled_rules(at)?;
                let unversioned: BTreeSet<&str> = rules
                    .iter()
                    .filter(|(r, _)| {
                        r.destination_versioning
                            .as_deref()
                            .is_some_and(|v| v != "Enabled")
                    })
                    .map(|(r, _)| r.destination_bucket.as_str())
                    .collect();
                Some(value::texts(unversioned))
            }
            "lag_alarmed_rules" => {
                let mut alarmed = Vec::new();
                for rule in self.replication_rules.as_ref()? {
                    let (Some(id), true) = (rule.id.as_deref(), rule.enabled()) else {
                        continue;
                    };
                    let destination = rule
                        .destination_bucket
                        .rsplit(':')
                        .next()
                        .unwrap_or_default();
                    let watch = MetricWatch {
                        namespace: "AWS/S3",
                        metric_names: &["ReplicationLatency"],
                        dimension_sets: vec![vec![
                            ("SourceBucket", self.name.as_str()),
                            ("DestinationBucket", destination),
                            ("RuleId", id),
                        ]],
                    };
                    if at.facts.alarm_watching(at.account_id, at.region, &watch)? {
                        alarmed.push(id);
                    }
                }
                Some(value::texts(alarmed))
            }
            "destination_versioning_known" => {
                let rules = self.enabled_rules(at)?;
                rules
                    .iter()
                    .all(|(r, _)| r.destination_versioning.is_some())
                    .then(|| value::boolean(true))
            }
            _ => None,
        }
    }

    fn sample() -> S3Bucket {
        S3Bucket {
            arn: "arn:aws:s3:::payments-receipts-use1".into(),
            name: "payments-receipts-use1".into(),
            versioning: Some("Enabled".into()),
            replication_rules: Some(vec![S3ReplicationRule {
                id: Some("receipts-to-euw1".into()),
                status: "Enabled".into(),
                priority: Some(1),
                prefix: Some(String::new()),
                tag_filter: false,
                destination_bucket: "arn:aws:s3:::payments-receipts-euw1".into(),
                destination_account: Some("111122223333".into()),
                destination_region: Some("eu-west-1".into()),
                destination_versioning: Some("Enabled".into()),
                storage_class: Some("STANDARD".into()),
                replication_time: true,
                metrics: true,
                delete_marker_replication: true,
                replica_modifications: true,
            }]),
            tags: Some(Tags::from([(
                "data-classification".to_string(),
                "confidential".to_string(),
            )])),
        }
    }
}
