//! Resource kinds, each declared once.
//!
//! A kind is one file in this directory (its inventory record, CloudFormation type,
//! AWS service, documented view fields, how its view is built, how it is listed)
//! and one row of the [`kinds!`] table at the bottom of this file. The table
//! generates what every other stage needs: [`ResourceKind`], the lists and counts
//! of [`RegionInventory`], the dispatch from a [`Record`] to its view, and
//! [`ALL`], which feeds the rule check, `docs/fields.md`, coverage and the
//! collector's IAM policy. Tests walk [`ALL`], so a kind without field docs, a
//! view, listings or corpus bodies fails them.

pub mod autoscaling_group;
pub mod cloudfront_distribution;
pub mod cloudwatch_alarm;
pub mod compute;
pub mod config_resource;
pub mod db_instance;
pub mod dynamodb_capacity;
pub mod dynamodb_table;
pub mod ecr_repository;
pub mod ecs_service;
pub mod elasticache_replication_group;
pub mod facts;
pub mod fields_doc;
pub mod global_accelerator;
pub mod kms_key;
pub mod lambda_function;
pub mod raw_json;
pub mod rds_cluster;
pub mod rds_global_cluster;
pub mod route53_health_check;
pub mod route53_record_group;
pub mod s3_bucket;
pub mod secret;
pub mod value;
mod view;

pub use facts::{Facts, KeyUse, RemoteKeys, ResolvedRef, UNUSABLE_KEY_STATES};
pub use view::{Place, ResourceView, COMMON_FIELDS};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use value::Boxed;

/// Tags as AWS returns them, in the order read. A resource has a handful of tags;
/// an `IndexMap` holds them in a fraction of the memory of a `BTreeMap` node, which
/// matters across a million resources.
pub type Tags = indexmap::IndexMap<String, String>;

/// One field of a view, as rule authors read it in `docs/fields.md` and as the
/// load-time check accepts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldDoc {
    pub name: &'static str,
    /// CEL type: `string`, `bool`, `int`, `list(string)`, `list(map)`, `map(string)`.
    pub ty: &'static str,
    pub doc: &'static str,
    /// What the collector must read for the field to exist, when it can be absent
    /// for want of data: the reason an `unknown` outcome gives.
    pub needs: Option<&'static str>,
}

/// Shorthand for the field tables of the kind files.
pub const fn field(name: &'static str, ty: &'static str, doc: &'static str) -> FieldDoc {
    FieldDoc {
        name,
        ty,
        doc,
        needs: None,
    }
}

/// A field that is absent when the data it is computed from was not read.
pub const fn derived(
    name: &'static str,
    ty: &'static str,
    doc: &'static str,
    needs: &'static str,
) -> FieldDoc {
    FieldDoc {
        name,
        ty,
        doc,
        needs: Some(needs),
    }
}

/// What the program knows about a kind besides its record.
#[derive(Debug)]
pub struct KindSpec {
    /// The name rules use: `resource = "kms_key"`.
    pub name: &'static str,
    /// The list of [`RegionInventory`] that holds it.
    pub list: &'static str,
    /// CloudFormation type of its resources; empty when each record says its own.
    pub resource_type: &'static str,
    /// IAM service prefix of the API it is read from.
    pub service: &'static str,
    /// One line for `docs/fields.md`.
    pub doc: &'static str,
    /// Whether its resources hold data (for residency).
    pub data_store: bool,
    /// The view fields of this kind, besides [`COMMON_FIELDS`].
    pub fields: &'static [FieldDoc],
    /// Operations that enumerate it: when one fails in a region, every resource of
    /// the kind there is unseen (see `engine::coverage`).
    pub listings: &'static [&'static str],
    /// Whether the cheap listing of regions outside the pair lists it too, as a
    /// plain resource of [`KindSpec::resource_type`].
    pub swept: bool,
}

/// What each kind's record provides to build its view.
pub trait Kind {
    const SPEC: &'static KindSpec;

    fn arn(&self) -> &str;

    /// The `name` field: a readable name (alias, identifier, name).
    fn name(&self) -> &str;

    fn tags(&self) -> Option<&Tags>;

    /// The CloudFormation type of this record.
    fn resource_type(&self) -> &str {
        Self::SPEC.resource_type
    }

    /// The region the resource is judged in, from the region it was listed in:
    /// empty for a resource of a global service.
    fn view_region<'a>(&'a self, listed_in: &'a str) -> &'a str {
        listed_in
    }

    /// Regions other than its own holding a copy of it; `None` when that could
    /// not be read.
    fn replica_regions<'a>(&'a self, at: &Place<'a>) -> Option<Vec<&'a str>>;

    /// Whether it holds data.
    fn data_store(&self) -> bool {
        Self::SPEC.data_store
    }

    /// A field of its own (not one of [`COMMON_FIELDS`]); `None` when absent.
    fn field<'a>(&'a self, at: &Place<'a>, name: &str) -> Option<Boxed<'a>>;

    /// The key protecting it, when it is a replicated copy of data (the users
    /// `replicated_users()` reports). `global_member` says whether the index
    /// knows it as a member of a replicated group.
    fn replicated_key(&self, _region: &str, _global_member: bool) -> Option<&str> {
        None
    }

    /// A record with every field set, for the view snapshot tests.
    fn sample() -> Self;
}

macro_rules! kinds {
    ($( $(#[$doc:meta])* $variant:ident($module:ident :: $record:ident) in $list:ident ),+ $(,)?) => {
        /// What a rule is evaluated against: once per resource of that kind, once
        /// per resource of every kind (`any_resource`), or once per account.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum ResourceKind {
            $($variant,)+
            /// Every resource of every kind, in a common shape (type, region, tags, replicas).
            AnyResource,
            /// Each scanned account (for organization-level checks such as SCPs).
            Account,
        }

        impl ResourceKind {
            /// The resource kinds, in table order (not `any_resource`, `account`).
            pub const RESOURCES: &'static [ResourceKind] = &[$(ResourceKind::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(ResourceKind::$variant => <$module::$record as Kind>::SPEC.name,)+
                    ResourceKind::AnyResource => "any_resource",
                    ResourceKind::Account => "account",
                }
            }

            /// The declaration of a resource kind; `None` for `any_resource` and `account`.
            pub fn spec(self) -> Option<&'static KindSpec> {
                match self {
                    $(ResourceKind::$variant => Some(<$module::$record as Kind>::SPEC),)+
                    _ => None,
                }
            }
        }

        /// Every resource kind, in table order.
        pub static ALL: &[(ResourceKind, &KindSpec)] = &[
            $((ResourceKind::$variant, <$module::$record as Kind>::SPEC),)+
        ];

        /// Resources of one account in one region.
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct RegionInventory {
            /// Region code, such as `us-east-1`.
            pub region: String,
            $(
                $(#[$doc])*
                #[serde(default)]
                pub $list: Vec<$module::$record>,
            )+
        }

        impl RegionInventory {
            /// Number of resources of every kind.
            pub fn resource_count(&self) -> usize {
                0 $(+ self.$list.len())+
            }

            /// Moves every record of `part` into this inventory: each collector
            /// returns the part of a region it reads, and the parts are absorbed in
            /// turn, so adding a collector adds no field-by-field plumbing.
            pub fn absorb(&mut self, part: RegionInventory) {
                $(self.$list.extend(part.$list);)+
            }

            /// The records of one kind.
            pub fn records(&self, kind: ResourceKind) -> Records<'_> {
                match kind {
                    $(ResourceKind::$variant => Records::$variant(self.$list.iter()),)+
                    _ => Records::None,
                }
            }

            /// Every record of every kind, kind by kind in table order, each with its
            /// position in its list.
            pub fn every_record(&self) -> impl Iterator<Item = (&'static str, usize, Record<'_>)> {
                std::iter::empty()
                    $(.chain(self.$list.iter().enumerate().map(|(i, r)| (stringify!($list), i, Record::$variant(r)))))+
            }
        }

        /// One record of any kind, borrowed from the inventory.
        #[derive(Debug, Clone, Copy)]
        pub enum Record<'a> {
            $($variant(&'a $module::$record),)+
        }

        /// The records of one kind in one region.
        pub enum Records<'a> {
            $($variant(std::slice::Iter<'a, $module::$record>),)+
            None,
        }

        impl<'a> Iterator for Records<'a> {
            type Item = Record<'a>;
            fn next(&mut self) -> Option<Record<'a>> {
                match self {
                    $(Records::$variant(it) => it.next().map(Record::$variant),)+
                    Records::None => None,
                }
            }
        }

        /// Calls `$body` with the record behind a [`Record`], whatever its kind.
        macro_rules! with_record {
            ($value:expr, $r:ident => $body:expr) => {
                match $value {
                    $(Record::$variant($r) => $body,)+
                }
            };
        }

        impl<'a> Record<'a> {
            pub fn kind(self) -> ResourceKind {
                match self {
                    $(Record::$variant(_) => ResourceKind::$variant,)+
                }
            }

            /// Samples of every kind, for snapshot tests.
            pub fn with_samples<R>(f: impl FnOnce(&[Record<'_>]) -> R) -> R {
                $(let $module = <$module::$record as Kind>::sample();)+
                f(&[$(Record::$variant(&$module)),+])
            }
        }
    };
}

kinds! {
    KmsKey(kms_key::KmsKey) in kms_keys,
    Secret(secret::Secret) in secrets,
    DynamodbTable(dynamodb_table::DynamoTable) in dynamodb_tables,
    RdsCluster(rds_cluster::RdsCluster) in rds_clusters,
    /// Aurora global clusters as DescribeGlobalClusters reports them from this region.
    /// The same global cluster may appear in several regions; consumers dedupe by ARN.
    RdsGlobalCluster(rds_global_cluster::GlobalCluster) in rds_global_clusters,
    DbInstance(db_instance::DbInstance) in db_instances,
    /// Lambda functions, read directly (configuration, concurrency).
    LambdaFunction(lambda_function::LambdaFunction) in lambda_functions,
    /// ECS services with the task definition each runs.
    EcsService(ecs_service::EcsService) in ecs_services,
    /// EC2 Auto Scaling groups.
    AutoscalingGroup(autoscaling_group::AutoscalingGroup) in autoscaling_groups,
    /// Route 53 routing groups of the account, filed in its first pair region.
    Route53RecordGroup(route53_record_group::RecordGroup) in route53_record_groups,
    /// Route 53 health checks of the account, filed in its first pair region.
    Route53HealthCheck(route53_health_check::HealthCheck) in route53_health_checks,
    /// Global Accelerator accelerators of the account, filed in its first pair region.
    GlobalAccelerator(global_accelerator::Accelerator) in global_accelerators,
    /// CloudFront distributions of the account, filed in its first pair region.
    CloudfrontDistribution(cloudfront_distribution::Distribution) in cloudfront_distributions,
    /// S3 buckets whose region (ListBuckets' `BucketRegion`) is this one.
    S3Bucket(s3_bucket::S3Bucket) in s3_buckets,
    ElasticacheReplicationGroup(elasticache_replication_group::ElasticacheReplicationGroup) in elasticache_replication_groups,
    /// CloudWatch metric and composite alarms (pair regions only).
    CloudwatchAlarm(cloudwatch_alarm::CloudwatchAlarm) in cloudwatch_alarms,
    /// Private ECR repositories with their registry's replication (pair regions only).
    EcrRepository(ecr_repository::EcrRepository) in ecr_repositories,
    /// Other resources as AWS Config (or the fallback listing) reports them:
    /// compute configurations for hot-path references, anything in unsanctioned regions.
    ConfigResource(config_resource::ConfigResource) in resources,
}

/// IAM prefixes of the global services among the kinds: their resources are read
/// once per account (from the partition's global endpoint, or Global
/// Accelerator's us-west-2), filed in the account's first pair region, and judged
/// under `global`, whatever region their API answered from. A gap in one of them
/// is charged to `global`, not to the region its API lives in.
pub const GLOBAL_SERVICES: &[&str] = &["route53", "cloudfront", "globalaccelerator"];

impl<'a> Record<'a> {
    pub fn arn(self) -> &'a str {
        with_record!(self, r => r.arn())
    }

    pub fn resource_type(self) -> &'a str {
        with_record!(self, r => r.resource_type())
    }

    pub fn view_region(self, listed_in: &'a str) -> &'a str {
        with_record!(self, r => r.view_region(listed_in))
    }

    pub fn name(self) -> &'a str {
        with_record!(self, r => r.name())
    }

    pub fn tags(self) -> Option<&'a Tags> {
        with_record!(self, r => r.tags())
    }

    pub fn data_store(self) -> bool {
        with_record!(self, r => r.data_store())
    }

    pub fn replica_regions(self, at: &Place<'a>) -> Option<Vec<&'a str>> {
        with_record!(self, r => r.replica_regions(at))
    }

    pub fn field(self, at: &Place<'a>, name: &str) -> Option<Boxed<'a>> {
        with_record!(self, r => r.field(at, name))
    }

    pub fn replicated_key(self, region: &str, global_member: bool) -> Option<&'a str> {
        with_record!(self, r => r.replicated_key(region, global_member))
    }

    /// The record as JSON, to compare two records filed under one ARN.
    pub fn to_json(self) -> String {
        with_record!(self, r => serde_json::to_string(r).unwrap_or_default())
    }
}

impl ResourceKind {
    /// The view fields rules may read for this kind (common ones included).
    pub fn fields(self) -> Vec<&'static FieldDoc> {
        match self {
            ResourceKind::Account => fields_doc::ACCOUNT_FIELDS.iter().collect(),
            ResourceKind::AnyResource => COMMON_FIELDS.iter().collect(),
            kind => COMMON_FIELDS
                .iter()
                .chain(kind.spec().map_or(&[][..], |s| s.fields))
                .collect(),
        }
    }
}

/// Resource types that hold data besides the typed kinds (for residency): what
/// AWS Config may report.
const OTHER_DATA_STORE_TYPES: &[&str] = &[
    "AWS::EFS::FileSystem",
    "AWS::ElastiCache::CacheCluster",
    "AWS::Kinesis::Stream",
    "AWS::SQS::Queue",
    "AWS::OpenSearch::Domain",
    "AWS::Elasticsearch::Domain",
    "AWS::Backup::BackupVault",
    "AWS::Redshift::Cluster",
    "AWS::DocDB::DBCluster",
    "AWS::Neptune::DBCluster",
];

/// Whether resources of a CloudFormation type hold data: a typed kind declared as
/// a data store, or one of the other data-holding types.
pub fn is_data_store_type(resource_type: &str) -> bool {
    ALL.iter()
        .any(|(_, s)| s.data_store && s.resource_type == resource_type)
        || OTHER_DATA_STORE_TYPES.contains(&resource_type)
}

/// The kind declared with a CloudFormation type.
pub fn kind_of_type(resource_type: &str) -> Option<(ResourceKind, &'static KindSpec)> {
    ALL.iter()
        .copied()
        .find(|(_, s)| !s.resource_type.is_empty() && s.resource_type == resource_type)
}
