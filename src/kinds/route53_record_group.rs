//! Route 53 routing groups: `resource = "route53_record_group"`.
//!
//! Route 53 answers a query for a name with a routing policy (latency, failover,
//! weighted, geolocation, ...) by choosing among every record of the zone that
//! shares the name and type: the group, not one record, decides whether both
//! regions of a pair can receive traffic. So the group is the resource, and each
//! record (its `SetIdentifier`) is a member. Records without a routing policy are
//! not kept: they route to one place by design and no traffic rule reads them.
//!
//! Where a member sends traffic is read from its target, not its name: the region
//! label of an AWS endpoint hostname (an alias target or a record value, see
//! `analysis::endpoints`), else the latency record's `Region`. A target whose
//! region cannot be read (a customer hostname, an IP address) has no `region`,
//! which rules read as unknown.

use super::value::{self, Boxed, Fields, Object};
use super::Tags;
use super::{derived, field, FieldDoc, Kind, KindSpec, Place};
use crate::analysis::endpoints::region_of_host;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The records of one hosted zone sharing a name and type under a routing policy,
/// from ListHostedZones and ListResourceRecordSets.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordGroup {
    /// `arn:<partition>:route53:::hostedzone/<zone id>/recordset/<name>/<type>`:
    /// Route 53 gives record sets no ARN, this one names the group uniquely.
    pub arn: String,
    /// Hosted zone id without the `/hostedzone/` prefix.
    pub zone_id: String,
    /// Zone name as Route 53 returns it (`example.com.`).
    pub zone_name: String,
    /// A private zone answers only inside the VPCs associated with it.
    pub private_zone: bool,
    /// Record name as Route 53 returns it (`app.example.com.`).
    pub name: String,
    /// `A`, `AAAA`, `CNAME`, ...
    pub record_type: String,
    pub members: Vec<RecordMember>,
}

/// One record of a routing group.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordMember {
    pub set_identifier: String,
    /// Latency records: the region Route 53 measures latency to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_region: Option<String>,
    /// Failover records: `PRIMARY` or `SECONDARY`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failover: Option<String>,
    /// Weighted records: the weight (0 sends no traffic while a nonzero member is healthy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<i64>,
    /// Geolocation records: `continent:EU`, `country:DE`, `subdivision:US-WA`, `default`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geolocation: Option<String>,
    /// Geoproximity records: the AWS region or coordinates they are anchored at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geoproximity: Option<String>,
    /// Multivalue answer records.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multi_value_answer: Option<bool>,
    /// IP-based records: the CIDR collection location.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr_location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health_check_id: Option<String>,
    /// Alias records: the target's DNS name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias_dns_name: Option<String>,
    /// Alias records: the target's hosted zone (the zone itself for an alias to
    /// another record of it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias_hosted_zone_id: Option<String>,
    /// Alias records: whether Route 53 follows the target's health.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evaluate_target_health: Option<bool>,
    /// Non-alias records: the TTL in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl: Option<i64>,
    /// Non-alias records: the values (addresses, host names).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
}

pub static SPEC: KindSpec = KindSpec {
    name: "route53_record_group",
    list: "route53_record_groups",
    resource_type: "AWS::Route53::RecordSetGroup",
    service: "route53",
    doc: "The records of a Route 53 hosted zone (public or private) that share a name and type under a routing policy (latency, failover, weighted, geolocation, ...), judged as one, from ListHostedZones and ListResourceRecordSets. Global: read once per account, findings under `global`.",
    data_store: false,
    fields: FIELDS,
    listings: &["ListHostedZones", "ListResourceRecordSets"],
    swept: false,
};

const FIELDS: &[FieldDoc] = &[
    field("zone_id", "string", "Hosted zone id (`Z...`)."),
    field("zone_name", "string", "Hosted zone name (`example.com.`)."),
    field(
        "private_zone",
        "bool",
        "Whether the zone is private (answers only inside its associated VPCs).",
    ),
    field("record_name", "string", "Record name (`app.example.com.`)."),
    field("record_type", "string", "`A`, `AAAA`, `CNAME`, ..."),
    field(
        "routing_policy",
        "string",
        "`latency`, `failover`, `weighted`, `geolocation`, `geoproximity`, `multivalue`, `cidr`; `mixed` if the members disagree.",
    ),
    field(
        "members",
        "list(map)",
        "The records of the group: `set_identifier`, `latency_region`, `failover` (`PRIMARY`/`SECONDARY`), `weight`, `geolocation`, `health_check_id`, `alias_dns_name`, `evaluate_target_health`, `alias` (bool), `ttl` (the record's, or 60 for an alias to a load balancer or S3 website endpoint, whose TTL Route 53 fixes at 60 s; absent for other aliases), `values`, `health_checked` (a health check, or an alias evaluating its target's health), and `region`: where the member sends traffic (the region of its AWS endpoint target, else its latency region; absent when neither says).",
    ),
    derived(
        "member_regions",
        "list(string)",
        "Every member's `region`, sorted and unique.",
        "the region of every member's target (an AWS endpoint hostname or a latency region)",
    ),
    field(
        "resolved_member_regions",
        "list(string)",
        "The regions of the members whose region is known.",
    ),
];

/// The routing policy a record's fields say.
fn policy(m: &RecordMember) -> &'static str {
    if m.failover.is_some() {
        "failover"
    } else if m.latency_region.is_some() {
        "latency"
    } else if m.weight.is_some() {
        "weighted"
    } else if m.geolocation.is_some() {
        "geolocation"
    } else if m.geoproximity.is_some() {
        "geoproximity"
    } else if m.cidr_location.is_some() {
        "cidr"
    } else if m.multi_value_answer == Some(true) {
        "multivalue"
    } else {
        "simple"
    }
}

/// Alias targets whose TTL Route 53 fixes at 60 seconds (Route 53 FAQ, DNS
/// failover: "alias records with a fixed TTL of 60 seconds" for ELB and S3
/// website endpoints).
fn fixed_alias_ttl(dns_name: &str) -> Option<i64> {
    let host = dns_name.trim_end_matches('.').to_ascii_lowercase();
    let elb = host.contains(".elb.") && region_of_host(&host).is_some();
    let website = host.contains("s3-website") && region_of_host(&host).is_some();
    (elb || website).then_some(60)
}

impl RecordMember {
    /// The region the member sends traffic to: its AWS endpoint target's, else
    /// its latency region.
    pub fn region(&self) -> Option<String> {
        self.alias_dns_name
            .iter()
            .chain(self.values.iter())
            .find_map(|host| region_of_host(host))
            .or_else(|| self.latency_region.clone())
    }

    fn effective_ttl(&self) -> Option<i64> {
        match &self.alias_dns_name {
            Some(target) => fixed_alias_ttl(target),
            None => self.ttl,
        }
    }

    fn health_checked(&self) -> bool {
        self.health_check_id.is_some()
            || (self.alias_dns_name.is_some() && self.evaluate_target_health == Some(true))
    }
}

impl RecordGroup {
    pub fn routing_policy(&self) -> &'static str {
        let mut policies = self.members.iter().map(policy);
        match policies.next() {
            Some(first) if policies.all(|p| p == first) => first,
            Some(_) => "mixed",
            None => "simple",
        }
    }

    fn resolved_regions(&self) -> Vec<String> {
        let mut regions: Vec<String> = self.members.iter().filter_map(|m| m.region()).collect();
        regions.sort();
        regions.dedup();
        regions
    }
}

/// A member as a CEL map.
#[derive(Debug, Clone)]
struct MemberView<'a>(&'a RecordMember);

const MEMBER_FIELDS: &[&str] = &[
    "set_identifier",
    "latency_region",
    "failover",
    "weight",
    "geolocation",
    "health_check_id",
    "alias_dns_name",
    "evaluate_target_health",
    "alias",
    "ttl",
    "values",
    "health_checked",
    "region",
];

impl Fields for MemberView<'_> {
    fn field<'v>(&self, name: &str) -> Option<Boxed<'v>>
    where
        Self: 'v,
    {
        let m = self.0;
        match name {
            "set_identifier" => Some(value::text(&m.set_identifier)),
            "latency_region" => value::opt_text(m.latency_region.as_deref()),
            "failover" => value::opt_text(m.failover.as_deref()),
            "weight" => m.weight.map(value::int),
            "geolocation" => value::opt_text(m.geolocation.as_deref()),
            "health_check_id" => value::opt_text(m.health_check_id.as_deref()),
            "alias_dns_name" => value::opt_text(m.alias_dns_name.as_deref()),
            "evaluate_target_health" => value::opt_bool(m.evaluate_target_health),
            "alias" => Some(value::boolean(m.alias_dns_name.is_some())),
            "ttl" => m.effective_ttl().map(value::int),
            "values" => Some(value::texts(m.values.iter().map(String::as_str))),
            "health_checked" => Some(value::boolean(m.health_checked())),
            "region" => m.region().map(value::owned_text),
            _ => None,
        }
    }

    fn names(&self) -> Vec<&'static str> {
        MEMBER_FIELDS.to_vec()
    }
}

impl Kind for RecordGroup {
    const SPEC: &'static KindSpec = &SPEC;

    fn arn(&self) -> &str {
        &self.arn
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn tags(&self) -> Option<&Tags> {
        None
    }

    fn view_region<'a>(&'a self, _: &'a str) -> &'a str {
        ""
    }

    fn replica_regions<'a>(&'a self, _: &Place<'a>) -> Option<Vec<&'a str>> {
        Some(Vec::new())
    }

    fn field<'a>(&'a self, _: &Place<'a>, name: &str) -> Option<Boxed<'a>> {
        match name {
            "zone_id" => Some(value::text(&self.zone_id)),
            "zone_name" => Some(value::text(&self.zone_name)),
            "private_zone" => Some(value::boolean(self.private_zone)),
            "record_name" => Some(value::text(&self.name)),
            "record_type" => Some(value::text(&self.record_type)),
            "routing_policy" => Some(value::text(self.routing_policy())),
            "members" => Some(value::list(
                self.members
                    .iter()
                    .map(|m| Box::new(Object(MemberView(m))) as Boxed<'a>)
                    .collect(),
            )),
            "member_regions" => self
                .members
                .iter()
                .all(|m| m.region().is_some())
                .then(|| strings(self.resolved_regions())),
            "resolved_member_regions" => Some(strings(self.resolved_regions())),
            _ => None,
        }
    }

    fn sample() -> RecordGroup {
        let member = |id: &str, region: &str, host: &str, check: &str| RecordMember {
            set_identifier: id.into(),
            latency_region: Some(region.into()),
            health_check_id: Some(check.into()),
            alias_dns_name: Some(host.into()),
            alias_hosted_zone_id: Some("Z35SXDOTRQ7X7K".into()),
            evaluate_target_health: Some(true),
            ..RecordMember::default()
        };
        RecordGroup {
            arn: "arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ/recordset/app.example.com/A"
                .into(),
            zone_id: "Z0123456789ABCDEFGHIJ".into(),
            zone_name: "example.com.".into(),
            private_zone: false,
            name: "app.example.com.".into(),
            record_type: "A".into(),
            members: vec![
                member(
                    "use1",
                    "us-east-1",
                    "dualstack.web-use1-1234567890.us-east-1.elb.amazonaws.com.",
                    "7a1f3c2e-4b5d-4e6f-8a9b-0c1d2e3f4a5b",
                ),
                member(
                    "euw1",
                    "eu-west-1",
                    "dualstack.web-euw1-0987654321.eu-west-1.elb.amazonaws.com.",
                    "8b2a4d3f-5c6e-4f7a-9b0c-1d2e3f4a5b6c",
                ),
            ],
        }
    }
}

fn strings<'a>(items: Vec<String>) -> Boxed<'a> {
    value::list(items.into_iter().map(value::owned_text).collect())
}
