//! DynamoDB tables: `resource = "dynamodb_table"`, one view per regional replica.

use super::cloudwatch_alarm::MetricWatch;
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
}

pub static SPEC: KindSpec = KindSpec {
    name: "dynamodb_table",
    list: "dynamodb_tables",
    resource_type: "AWS::DynamoDB::Table",
    service: "dynamodb",
    doc: "A DynamoDB table in one region (each replica of a global table is its own view), from DescribeTable, DescribeContinuousBackups, ListGlobalTables, with tags from the Tagging API (GetResources).",
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
        "Replicas in other regions: `region`, `status`, `kms_key_arn`. Empty for a table that is not global.",
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
        "lag_alarmed_regions",
        "list(string)",
        "Replica regions whose `ReplicationLatency` from this replica (namespace `AWS/DynamoDB`, dimensions `TableName` and `ReceivingRegion` = the replica's region, published in this region) an alarm in this region reads, with actions enabled and an alarm action (its own or a composite's).",
        "the CloudWatch alarms of the table's region (cloudwatch:DescribeAlarms)",
    ),
];

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
            _ => None,
        }
    }

    fn names(&self) -> Vec<&'static str> {
        vec!["region", "status", "kms_key_arn"]
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
            }]),
            global_table_version: Some("2019.11.21".into()),
            pitr_enabled: Some(true),
            sse_kms_key_arn: Some("arn:aws:kms:us-east-1:111122223333:key/mrk-1".into()),
            stream_enabled: Some(true),
            tags: Some(Tags::from([("team".to_string(), "payments".to_string())])),
        }
    }
}
