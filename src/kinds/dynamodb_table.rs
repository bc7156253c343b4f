//! DynamoDB tables: `resource = "dynamodb_table"`, one view per regional replica.

use super::cloudwatch_alarm::MetricWatch;
use super::dynamodb_capacity::{self as capacity, Ceiling, Comparison, Dim};
use super::value::{self, Boxed, Fields, Object};
use super::view::{encryption, is_encryption_field};
use super::Tags;
use super::{derived, field, FieldDoc, KeyUse, Kind, KindSpec, Place};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A DynamoDB table as DescribeTable and DescribeContinuousBackups report it in one region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DynamoTable {
    pub arn: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Other regions holding replicas of this table. Absent when not collected; an
    /// empty list means "not a global table".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<Vec<DynamoReplica>>,
    /// `2019.11.21` (current) or `2017.11.29` (legacy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub global_table_version: Option<String>,
    /// Point-in-time recovery of this regional replica.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pitr_enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sse_kms_key_arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream_enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Tags>,
    /// Capacity of this regional replica as DescribeTable reports it. Absent when
    /// the table was not described.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<Capacity>,
    /// Application Auto Scaling targets of this table and its indexes in this
    /// region (DescribeScalableTargets). Absent when they were not read; empty when
    /// none is registered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autoscaling: Option<Vec<ScalingTarget>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DynamoReplica {
    pub region: String,
    /// `ACTIVE`, `CREATING`, `UPDATING`, `INACCESSIBLE_ENCRYPTION_CREDENTIALS`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_arn: Option<String>,
    /// This replica's own capacity settings, as the describing region's
    /// DescribeTable reports them (`Replicas[]`). Absent when none is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overrides: Option<Overrides>,
}

/// Capacity of one regional replica of a table, as DescribeTable reports it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Capacity {
    /// `PROVISIONED` or `PAY_PER_REQUEST` (`BillingModeSummary.BillingMode`; a
    /// table that has always been provisioned may carry no summary, and is then
    /// `PROVISIONED` when it reports provisioned units). Absent when undecidable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_mode: Option<String>,
    /// The table's own throughput.
    pub table: Throughput,
    /// Each global secondary index's throughput.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<IndexThroughput>,
    /// The overrides the table's entry for this region in `Replicas[]` carries:
    /// the replica-specific settings that replace the table's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replica_overrides: Option<Overrides>,
}

/// Read and write capacity of a table or an index.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Throughput {
    /// `ProvisionedThroughput.ReadCapacityUnits` (0 for an on-demand table).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_capacity_units: Option<i64>,
    /// `ProvisionedThroughput.WriteCapacityUnits` (0 for an on-demand table).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub write_capacity_units: Option<i64>,
    /// `OnDemandThroughput.MaxReadRequestUnits`: -1 (or absent) is no maximum.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_read_request_units: Option<i64>,
    /// `OnDemandThroughput.MaxWriteRequestUnits`: -1 (or absent) is no maximum.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_write_request_units: Option<i64>,
}

/// A global secondary index's throughput.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IndexThroughput {
    pub name: String,
    pub throughput: Throughput,
}

/// Replica-specific settings of a global table (2019.11.21): only read capacity
/// can differ between replicas; write capacity is the table's everywhere.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Overrides {
    /// `ProvisionedThroughputOverride.ReadCapacityUnits`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_capacity_units: Option<i64>,
    /// `OnDemandThroughputOverride.MaxReadRequestUnits`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_read_request_units: Option<i64>,
    /// The same, per global secondary index (`GlobalSecondaryIndexes[]`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<IndexOverrides>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IndexOverrides {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_capacity_units: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_read_request_units: Option<i64>,
}

/// An Application Auto Scaling target of a table or index, in the table's region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScalingTarget {
    /// The index (`table/<name>/index/<index>`); absent for the table itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<String>,
    /// `dynamodb:table:ReadCapacityUnits`, `dynamodb:index:WriteCapacityUnits`, ...
    pub scalable_dimension: String,
    pub min_capacity: i64,
    pub max_capacity: i64,
    /// `SuspendedState.DynamicScalingOutSuspended`: scaling out is off, so the
    /// maximum is not reached without someone acting.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub scale_out_suspended: bool,
}

pub static SPEC: KindSpec = KindSpec {
    name: "dynamodb_table",
    list: "dynamodb_tables",
    resource_type: "AWS::DynamoDB::Table",
    service: "dynamodb",
    doc: "A DynamoDB table in one region (each replica of a global table is its own view), from DescribeTable, DescribeContinuousBackups, ListGlobalTables, with tags from the Tagging API (GetResources) and the region's Application Auto Scaling targets (DescribeScalableTargets).",
    data_store: true,
    fields: FIELDS,
    listings: &["ListTables", "ListGlobalTables"],
    swept: true,
};

const FIELDS: &[FieldDoc] = &[
    field(
        "status",
        "string",
        "`ACTIVE`, `UPDATING`, `INACCESSIBLE_ENCRYPTION_CREDENTIALS`, ...",
    ),
    field(
        "replicas",
        "list(map)",
        "Replicas in other regions: `region`, `status`, `kms_key_arn`, and when set the replica's own `read_capacity_override` (provisioned) or `max_read_request_units_override` (on-demand). Empty for a table that is not global.",
    ),
    field(
        "global_table_version",
        "string",
        "`2019.11.21` (current) or `2017.11.29` (legacy).",
    ),
    field(
        "pitr_enabled",
        "bool",
        "Point-in-time recovery of this regional replica.",
    ),
    field("sse_kms_key_arn", "string", "The customer managed key, if any."),
    field("stream_enabled", "bool", "Whether DynamoDB Streams is on."),
    derived(
        "billing_mode",
        "string",
        "`PROVISIONED` or `PAY_PER_REQUEST` (on-demand).",
        TABLE_CAPACITY,
    ),
    derived(
        "read_ceiling",
        "int",
        "The most read units per second this replica's table reaches without anyone acting: the auto scaling maximum of its region's read target (scale-out not suspended), else its provisioned read capacity (replica override first), else for on-demand its maximum read request units (replica override first). -1: no maximum.",
        CEILING,
    ),
    derived(
        "write_ceiling",
        "int",
        "The same for writes (write capacity has no replica override: it is the table's on every replica).",
        CEILING,
    ),
    derived(
        "partner_read_ceiling",
        "int",
        "`read_ceiling` of the table's replica in the partner region, from that region's own DescribeTable and scalable targets. -1: no maximum.",
        PARTNER_CEILING,
    ),
    derived(
        "partner_write_ceiling",
        "int",
        "`write_ceiling` of the table's replica in the partner region. -1: no maximum.",
        PARTNER_CEILING,
    ),
    derived(
        "partner_capacity",
        "list(map)",
        "This replica against its partner-region replica, one entry per dimension (table, then each global secondary index; reads, then writes): `dimension` (`table reads`, `index by-sku writes`, ...), `ceiling` and `partner_ceiling` (ints, -1 no maximum), `ceiling_text` and `partner_ceiling_text` (the number and what sets it), `capacity_ratio`. A ceiling that could not be known is absent from its entry, and so is `capacity_ratio`.",
        TABLE_CAPACITY,
    ),
    derived(
        "capacity_ratio",
        "double",
        "Partner-region ceiling divided by this replica's, the lowest over `partner_capacity`: the share of the load this replica is sized for that the partner can take. Infinite when the partner has no maximum, 0 when only this replica has none.",
        PARTNER_CEILING,
    ),
    derived(
        "lag_alarmed_regions",
        "list(string)",
        "Replica regions whose `ReplicationLatency` from this replica (namespace `AWS/DynamoDB`, dimensions `TableName` and `ReceivingRegion` = the replica's region, published in this region) an alarm in this region reads, with actions enabled and an alarm action (its own or a composite's).",
        "the CloudWatch alarms of the table's region (cloudwatch:DescribeAlarms)",
    ),
];

const TABLE_CAPACITY: &str = "dynamodb:DescribeTable of this table";
const CEILING: &str = "dynamodb:DescribeTable of this table, and for a provisioned table application-autoscaling:DescribeScalableTargets in its region";
const PARTNER_CEILING: &str = "dynamodb:DescribeTable of the table in both regions of the pair, and for a provisioned table application-autoscaling:DescribeScalableTargets in both";

/// A replica of a table, as a CEL map.
#[derive(Debug, Clone)]
struct ReplicaView<'a>(&'a DynamoReplica);

impl Fields for ReplicaView<'_> {
    fn field<'v>(&self, name: &str) -> Option<Boxed<'v>>
    where
        Self: 'v,
    {
        let r = self.0;
        match name {
            "region" => Some(value::text(&r.region)),
            "status" => value::opt_text(r.status.as_deref()),
            "kms_key_arn" => value::opt_text(r.kms_key_arn.as_deref()),
            "read_capacity_override" => r
                .overrides
                .as_ref()
                .and_then(|o| o.read_capacity_units)
                .map(value::int),
            "max_read_request_units_override" => r
                .overrides
                .as_ref()
                .and_then(|o| o.max_read_request_units)
                .map(value::int),
            _ => None,
        }
    }

    fn names(&self) -> Vec<&'static str> {
        vec![
            "region",
            "status",
            "kms_key_arn",
            "read_capacity_override",
            "max_read_request_units_override",
        ]
    }
}

/// One dimension of a table against its partner replica, as a CEL map.
#[derive(Debug, Clone)]
struct ComparisonView(Comparison);

impl Fields for ComparisonView {
    fn field<'v>(&self, name: &str) -> Option<Boxed<'v>>
    where
        Self: 'v,
    {
        let c = &self.0;
        match name {
            "dimension" => Some(value::owned_text(c.dimension.clone())),
            "ceiling" => c.here.map(|x| value::int(x.as_int())),
            "partner_ceiling" => c.partner.map(|x| value::int(x.as_int())),
            "ceiling_text" => c.here.map(|x| value::owned_text(x.text())),
            "partner_ceiling_text" => c.partner.map(|x| value::owned_text(x.text())),
            "capacity_ratio" => c.ratio().map(value::float),
            _ => None,
        }
    }

    fn names(&self) -> Vec<&'static str> {
        vec![
            "dimension",
            "ceiling",
            "partner_ceiling",
            "ceiling_text",
            "partner_ceiling_text",
            "capacity_ratio",
        ]
    }
}

impl DynamoTable {
    /// The replica of this table in the partner region, as collected there.
    fn partner<'a>(&self, at: &Place<'a>) -> Option<&'a DynamoTable> {
        at.facts
            .dynamodb_table(at.account_id, at.partner_region?, &self.name)
    }

    /// The ceiling of this table, or of its partner replica, in one dimension.
    fn ceiling_field<'a>(table: Option<&DynamoTable>, dim: Dim) -> Option<Boxed<'a>> {
        capacity::ceiling(table?, None, dim).map(|c: Ceiling| value::int(c.as_int()))
    }
}

impl Kind for DynamoTable {
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

    fn replica_regions<'a>(&'a self, _: &Place<'a>) -> Option<Vec<&'a str>> {
        self.replicas
            .as_ref()
            .map(|r| r.iter().map(|x| x.region.as_str()).collect())
    }

    fn field<'a>(&'a self, at: &Place<'a>, name: &str) -> Option<Boxed<'a>> {
        match name {
            "status" => value::opt_text(self.status.as_deref()),
            "replicas" => self.replicas.as_ref().map(|reps| {
                value::list(
                    reps.iter()
                        .map(|r| Box::new(Object(ReplicaView(r))) as Boxed<'a>)
                        .collect(),
                )
            }),
            "global_table_version" => value::opt_text(self.global_table_version.as_deref()),
            "pitr_enabled" => value::opt_bool(self.pitr_enabled),
            "sse_kms_key_arn" => value::opt_text(self.sse_kms_key_arn.as_deref()),
            "stream_enabled" => value::opt_bool(self.stream_enabled),
            "replicated" => value::opt_bool(self.replicas.as_ref().map(|r| !r.is_empty())),
            "billing_mode" => value::opt_text(
                self.capacity
                    .as_ref()
                    .and_then(|c| c.billing_mode.as_deref()),
            ),
            "read_ceiling" => DynamoTable::ceiling_field(Some(self), Dim::Read),
            "write_ceiling" => DynamoTable::ceiling_field(Some(self), Dim::Write),
            "partner_read_ceiling" => DynamoTable::ceiling_field(self.partner(at), Dim::Read),
            "partner_write_ceiling" => DynamoTable::ceiling_field(self.partner(at), Dim::Write),
            "partner_capacity" => capacity::compare(self, self.partner(at)).map(|rows| {
                value::list(
                    rows.into_iter()
                        .map(|c| Box::new(Object(ComparisonView(c))) as Boxed<'a>)
                        .collect(),
                )
            }),
            "capacity_ratio" => capacity::compare(self, self.partner(at))
                .and_then(|rows| capacity::lowest_ratio(&rows))
                .map(value::float),
            "lag_alarmed_regions" => {
                let mut alarmed = Vec::new();
                for replica in self.replicas.as_ref()? {
                    let watch = MetricWatch {
                        namespace: "AWS/DynamoDB",
                        metric_names: &["ReplicationLatency"],
                        dimension_sets: vec![vec![
                            ("TableName", self.name.as_str()),
                            ("ReceivingRegion", replica.region.as_str()),
                        ]],
                    };
                    if at.facts.alarm_watching(at.account_id, at.region, &watch)? {
                        alarmed.push(replica.region.as_str());
                    }
                }
                Some(value::texts(alarmed))
            }
            // DescribeTable reports a table whose key DynamoDB cannot use as
            // INACCESSIBLE_ENCRYPTION_CREDENTIALS (API reference, TableDescription).
            name if is_encryption_field(name) => {
                let key = self.sse_kms_key_arn.as_deref();
                let usable = match self.status.as_deref() {
                    None => KeyUse::Unknown,
                    Some("INACCESSIBLE_ENCRYPTION_CREDENTIALS") => {
                        KeyUse::Unusable("INACCESSIBLE_ENCRYPTION_CREDENTIALS".to_string())
                    }
                    Some(_) => at.facts.key_use(at.account_id, at.region, key),
                };
                encryption(name, key, &usable)
            }
            _ => None,
        }
    }

    fn replicated_key(&self, _: &str, _: bool) -> Option<&str> {
        let replicated = self.replicas.as_ref().is_some_and(|reps| !reps.is_empty());
        if replicated {
            self.sse_kms_key_arn.as_deref()
        } else {
            None
        }
    }

    fn sample() -> DynamoTable {
        DynamoTable {
            arn: "arn:aws:dynamodb:us-east-1:111122223333:table/payments".into(),
            name: "payments".into(),
            status: Some("ACTIVE".into()),
            replicas: Some(vec![DynamoReplica {
                region: "eu-west-1".into(),
                status: Some("ACTIVE".into()),
                kms_key_arn: Some("arn:aws:kms:eu-west-1:111122223333:key/mrk-1".into()),
                overrides: Some(Overrides {
                    read_capacity_units: Some(200),
                    ..Overrides::default()
                }),
            }]),
            global_table_version: Some("2019.11.21".into()),
            pitr_enabled: Some(true),
            sse_kms_key_arn: Some("arn:aws:kms:us-east-1:111122223333:key/mrk-1".into()),
            stream_enabled: Some(true),
            tags: Some(Tags::from([("team".to_string(), "payments".to_string())])),
            capacity: Some(Capacity {
                billing_mode: Some("PROVISIONED".into()),
                table: Throughput {
                    read_capacity_units: Some(1000),
                    write_capacity_units: Some(500),
                    ..Throughput::default()
                },
                indexes: vec![IndexThroughput {
                    name: "by-customer".into(),
                    throughput: Throughput {
                        read_capacity_units: Some(100),
                        write_capacity_units: Some(50),
                        ..Throughput::default()
                    },
                }],
                replica_overrides: None,
            }),
            autoscaling: Some(vec![ScalingTarget {
                index: None,
                scalable_dimension: "dynamodb:table:ReadCapacityUnits".into(),
                min_capacity: 1000,
                max_capacity: 8000,
                scale_out_suspended: false,
            }]),
        }
    }
}
