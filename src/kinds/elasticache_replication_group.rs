//! ElastiCache replication groups (Redis OSS and Valkey):
//! `resource = "elasticache_replication_group"`, with their Global Datastore.

use super::value::{self, Boxed, Fields, Object};
use super::Tags;
use super::{derived, field, FieldDoc, Kind, KindSpec, Place};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A replication group from DescribeReplicationGroups, with the members of its
/// Global Datastore from DescribeGlobalReplicationGroups (`ShowMemberInfo`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ElasticacheReplicationGroup {
    pub arn: String,
    /// ReplicationGroupId.
    pub id: String,
    /// `redis` or `valkey`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine: Option<String>,
    /// `available`, `creating`, `modifying`, `deleting`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// `enabled`, `disabled` or `compatible` (ClusterMode).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_mode: Option<String>,
    /// Whether the group is sharded (ClusterEnabled).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_enabled: Option<bool>,
    /// The Global Datastore it belongs to (GlobalReplicationGroupInfo); absent when
    /// it belongs to none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub global_datastore_id: Option<String>,
    /// Its role there: `PRIMARY` or `SECONDARY`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub global_role: Option<String>,
    /// Every member of its Global Datastore, itself included. Empty when it
    /// belongs to none; absent when the Global Datastore could not be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub global_members: Option<Vec<GlobalDatastoreMember>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Tags>,
}

/// A member of a Global Datastore (GlobalReplicationGroupMember).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GlobalDatastoreMember {
    pub replication_group_id: String,
    pub region: String,
    /// `PRIMARY` or `SECONDARY`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Membership status: `associated`, `associating`, `disassociating`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

pub static SPEC: KindSpec = KindSpec {
    name: "elasticache_replication_group",
    list: "elasticache_replication_groups",
    resource_type: "AWS::ElastiCache::ReplicationGroup",
    service: "elasticache",
    doc: "An ElastiCache (Redis OSS or Valkey) replication group, from DescribeReplicationGroups, with its Global Datastore's members from DescribeGlobalReplicationGroups.",
    data_store: true,
    fields: FIELDS,
    listings: &["DescribeReplicationGroups"],
    swept: true,
};

const MEMBERS: &str =
    "the members of its Global Datastore (elasticache:DescribeGlobalReplicationGroups)";

const FIELDS: &[FieldDoc] = &[
    field("id", "string", "The replication group id."),
    field("engine", "string", "`redis` or `valkey`."),
    field("status", "string", "`available`, `creating`, `modifying`, ..."),
    field(
        "cluster_mode",
        "string",
        "`enabled`, `disabled` or `compatible`.",
    ),
    field("cluster_enabled", "bool", "Whether the group is sharded."),
    field(
        "global_datastore_id",
        "string",
        "The Global Datastore it belongs to; absent when none.",
    ),
    field(
        "global_role",
        "string",
        "Its role in the Global Datastore: `PRIMARY` or `SECONDARY`.",
    ),
    field(
        "in_global_datastore",
        "bool",
        "Whether it is a member of a Global Datastore.",
    ),
    derived(
        "global_members",
        "list(map)",
        "Members of its Global Datastore, itself included: `replication_group_id`, `region`, `role`, `status`. Empty when it belongs to none.",
        MEMBERS,
    ),
    derived(
        "global_member_regions",
        "list(string)",
        "Regions of the other members whose membership status is `associated`, sorted. Empty when it belongs to none.",
        MEMBERS,
    ),
];

#[derive(Debug, Clone)]
struct MemberView<'a>(&'a GlobalDatastoreMember);

impl Fields for MemberView<'_> {
    fn field<'v>(&self, name: &str) -> Option<Boxed<'v>>
    where
        Self: 'v,
    {
        let m = self.0;
        match name {
            "replication_group_id" => Some(value::text(&m.replication_group_id)),
            "region" => Some(value::text(&m.region)),
            "role" => value::opt_text(m.role.as_deref()),
            "status" => value::opt_text(m.status.as_deref()),
            _ => None,
        }
    }

    fn names(&self) -> Vec<&'static str> {
        vec!["replication_group_id", "region", "role", "status"]
    }
}

impl ElasticacheReplicationGroup {
    /// Members other than this group.
    fn others<'a>(
        &'a self,
        at: &Place<'a>,
    ) -> Option<impl Iterator<Item = &'a GlobalDatastoreMember> + 'a> {
        let own_region = at.region;
        let id = self.id.as_str();
        self.global_members.as_ref().map(move |members| {
            members
                .iter()
                .filter(move |m| !(m.replication_group_id == id && m.region == own_region))
        })
    }
}

impl Kind for ElasticacheReplicationGroup {
    const SPEC: &'static KindSpec = &SPEC;

    fn arn(&self) -> &str {
        &self.arn
    }

    fn name(&self) -> &str {
        &self.id
    }

    fn tags(&self) -> Option<&Tags> {
        self.tags.as_ref()
    }

    fn replica_regions<'a>(&'a self, at: &Place<'a>) -> Option<Vec<&'a str>> {
        let mut regions: Vec<&str> = self
            .others(at)?
            .map(|m| m.region.as_str())
            .filter(|r| *r != at.region)
            .collect();
        regions.sort_unstable();
        regions.dedup();
        Some(regions)
    }

    fn field<'a>(&'a self, at: &Place<'a>, name: &str) -> Option<Boxed<'a>> {
        match name {
            "id" => Some(value::text(&self.id)),
            "engine" => value::opt_text(self.engine.as_deref()),
            "status" => value::opt_text(self.status.as_deref()),
            "cluster_mode" => value::opt_text(self.cluster_mode.as_deref()),
            "cluster_enabled" => value::opt_bool(self.cluster_enabled),
            "global_datastore_id" => value::opt_text(self.global_datastore_id.as_deref()),
            "global_role" => value::opt_text(self.global_role.as_deref()),
            "in_global_datastore" => Some(value::boolean(self.global_datastore_id.is_some())),
            "global_members" => self.global_members.as_ref().map(|members| {
                value::list(
                    members
                        .iter()
                        .map(|m| Box::new(Object(MemberView(m))) as Boxed<'a>)
                        .collect(),
                )
            }),
            // A member serves as part of the Global Datastore once its membership
            // is `associated` (API reference, GlobalReplicationGroupMember.Status).
            "global_member_regions" => {
                let mut regions: Vec<&str> = self
                    .others(at)?
                    .filter(|m| m.status.as_deref() == Some("associated"))
                    .map(|m| m.region.as_str())
                    .filter(|r| *r != at.region)
                    .collect();
                regions.sort_unstable();
                regions.dedup();
                Some(value::texts(regions))
            }
            _ => None,
        }
    }

    fn sample() -> ElasticacheReplicationGroup {
        ElasticacheReplicationGroup {
            arn: "arn:aws:elasticache:us-east-1:111122223333:replicationgroup:sessions".into(),
            id: "sessions".into(),
            engine: Some("valkey".into()),
            status: Some("available".into()),
            cluster_mode: Some("disabled".into()),
            cluster_enabled: Some(false),
            global_datastore_id: Some("ldgnf-sessions".into()),
            global_role: Some("PRIMARY".into()),
            global_members: Some(vec![
                GlobalDatastoreMember {
                    replication_group_id: "sessions".into(),
                    region: "us-east-1".into(),
                    role: Some("PRIMARY".into()),
                    status: Some("associated".into()),
                },
                GlobalDatastoreMember {
                    replication_group_id: "sessions-euw1".into(),
                    region: "eu-west-1".into(),
                    role: Some("SECONDARY".into()),
                    status: Some("associated".into()),
                },
            ]),
            tags: Some(Tags::from([("team".to_string(), "payments".to_string())])),
        }
    }
}
