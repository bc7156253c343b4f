//! CloudFront distributions: `resource = "cloudfront_distribution"`.
//!
//! CloudFront fails over only inside an origin group: when the primary origin
//! fails (a configured status code, a connection failure or a timeout), it sends
//! the same request to the group's secondary. A cache behaviour that targets one
//! origin has no failover at all. So what decides whether the edge survives the
//! loss of a region is, per behaviour, the regions its target can reach: the
//! origin's region, or the regions of the group's members. An origin's region is
//! read from its AWS endpoint hostname (`analysis::endpoints`); a custom domain
//! says none, and a behaviour reaching such an origin has no `origin_regions`.

use super::value::{self, Boxed, Fields, Object};
use super::Tags;
use super::{derived, field, FieldDoc, Kind, KindSpec, Place};
use crate::analysis::endpoints::region_of_host;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A distribution, from ListDistributions.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Distribution {
    pub arn: String,
    pub id: String,
    /// `d111111abcdef8.cloudfront.net`.
    pub domain_name: String,
    /// Alternate domain names (CNAMEs).
    #[serde(default)]
    pub aliases: Vec<String>,
    pub enabled: bool,
    /// A staging distribution of continuous deployment.
    #[serde(default)]
    pub staging: bool,
    pub origins: Vec<CloudFrontOrigin>,
    #[serde(default)]
    pub origin_groups: Vec<OriginGroup>,
    /// Cache behaviours, the default one first with path pattern `*`.
    pub behaviors: Vec<CacheBehavior>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CloudFrontOrigin {
    pub id: String,
    pub domain_name: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OriginGroup {
    pub id: String,
    /// Origin ids, primary first.
    pub members: Vec<String>,
    /// Status codes from the primary that make CloudFront try the secondary.
    #[serde(default)]
    pub failover_status_codes: Vec<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CacheBehavior {
    /// `*` for the default behaviour.
    pub path_pattern: String,
    /// An origin id or an origin group id.
    pub target_origin_id: String,
}

pub static SPEC: KindSpec = KindSpec {
    name: "cloudfront_distribution",
    list: "cloudfront_distributions",
    resource_type: "AWS::CloudFront::Distribution",
    service: "cloudfront",
    doc: "A CloudFront distribution: its origins (with the region each AWS endpoint names), origin groups and the origin each cache behaviour targets, from ListDistributions. Global: read once per account, findings under `global`.",
    data_store: false,
    fields: FIELDS,
    listings: &["ListDistributions"],
    swept: false,
};

const FIELDS: &[FieldDoc] = &[
    field("enabled", "bool", "Whether the distribution serves requests."),
    field(
        "staging",
        "bool",
        "Whether it is the staging distribution of a continuous deployment.",
    ),
    field(
        "aliases",
        "list(string)",
        "Alternate domain names (CNAMEs).",
    ),
    field(
        "origins",
        "list(map)",
        "Origins: `id`, `domain_name`, `region` (from the AWS endpoint hostname; absent for a custom domain).",
    ),
    field(
        "origin_groups",
        "list(map)",
        "Origin groups: `id`, `members` (origin ids, primary first), `failover_status_codes`.",
    ),
    field(
        "behaviors",
        "list(map)",
        "Cache behaviours, the default (`*`) first: `path_pattern`, `target_origin_id`, `origin_group` (bool), `resolved_origin_regions` (regions of the origins it can reach whose region is known) and `origin_regions` (every origin's region; absent when one is unknown, or the target names no origin).",
    ),
    derived(
        "origin_regions",
        "list(string)",
        "Regions of every origin, sorted and unique.",
        "the region of every origin (an AWS endpoint hostname)",
    ),
];

impl Distribution {
    fn origin_region(&self, id: &str) -> Option<Option<String>> {
        self.origins
            .iter()
            .find(|o| o.id == id)
            .map(|o| region_of_host(&o.domain_name))
    }

    /// The regions a behaviour's target can reach: `(known, complete)`.
    fn reach(&self, target: &str) -> (Vec<String>, bool) {
        let ids: Vec<&str> = match self.origin_groups.iter().find(|g| g.id == target) {
            Some(group) => group.members.iter().map(String::as_str).collect(),
            None => vec![target],
        };
        let mut known = Vec::new();
        let mut complete = !ids.is_empty();
        for id in ids {
            match self.origin_region(id) {
                Some(Some(region)) => known.push(region),
                _ => complete = false,
            }
        }
        known.sort();
        known.dedup();
        (known, complete)
    }
}

#[derive(Debug, Clone)]
struct BehaviorView<'a>(&'a Distribution, &'a CacheBehavior);

impl Fields for BehaviorView<'_> {
    fn field<'v>(&self, name: &str) -> Option<Boxed<'v>>
    where
        Self: 'v,
    {
        let (d, b) = (self.0, self.1);
        match name {
            "path_pattern" => Some(value::text(&b.path_pattern)),
            "target_origin_id" => Some(value::text(&b.target_origin_id)),
            "origin_group" => Some(value::boolean(
                d.origin_groups.iter().any(|g| g.id == b.target_origin_id),
            )),
            "resolved_origin_regions" => Some(strings(d.reach(&b.target_origin_id).0)),
            "origin_regions" => {
                let (known, complete) = d.reach(&b.target_origin_id);
                complete.then(|| strings(known))
            }
            _ => None,
        }
    }

    fn names(&self) -> Vec<&'static str> {
        vec![
            "path_pattern",
            "target_origin_id",
            "origin_group",
            "resolved_origin_regions",
            "origin_regions",
        ]
    }
}

#[derive(Debug, Clone)]
struct OriginView<'a>(&'a CloudFrontOrigin);

impl Fields for OriginView<'_> {
    fn field<'v>(&self, name: &str) -> Option<Boxed<'v>>
    where
        Self: 'v,
    {
        match name {
            "id" => Some(value::text(&self.0.id)),
            "domain_name" => Some(value::text(&self.0.domain_name)),
            "region" => region_of_host(&self.0.domain_name).map(value::owned_text),
            _ => None,
        }
    }

    fn names(&self) -> Vec<&'static str> {
        vec!["id", "domain_name", "region"]
    }
}

#[derive(Debug, Clone)]
struct GroupView<'a>(&'a OriginGroup);

impl Fields for GroupView<'_> {
    fn field<'v>(&self, name: &str) -> Option<Boxed<'v>>
    where
        Self: 'v,
    {
        let g = self.0;
        match name {
            "id" => Some(value::text(&g.id)),
            "members" => Some(value::texts(g.members.iter().map(String::as_str))),
            "failover_status_codes" => Some(value::list(
                g.failover_status_codes
                    .iter()
                    .map(|c| value::int(*c))
                    .collect(),
            )),
            _ => None,
        }
    }

    fn names(&self) -> Vec<&'static str> {
        vec!["id", "members", "failover_status_codes"]
    }
}

impl Kind for Distribution {
    const SPEC: &'static KindSpec = &SPEC;

    fn arn(&self) -> &str {
        &self.arn
    }

    fn name(&self) -> &str {
        self.aliases.first().unwrap_or(&self.id)
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
            "enabled" => Some(value::boolean(self.enabled)),
            "staging" => Some(value::boolean(self.staging)),
            "aliases" => Some(value::texts(self.aliases.iter().map(String::as_str))),
            "origins" => Some(value::list(
                self.origins
                    .iter()
                    .map(|o| Box::new(Object(OriginView(o))) as Boxed<'a>)
                    .collect(),
            )),
            "origin_groups" => Some(value::list(
                self.origin_groups
                    .iter()
                    .map(|g| Box::new(Object(GroupView(g))) as Boxed<'a>)
                    .collect(),
            )),
            "behaviors" => Some(value::list(
                self.behaviors
                    .iter()
                    .map(|b| Box::new(Object(BehaviorView(self, b))) as Boxed<'a>)
                    .collect(),
            )),
            "origin_regions" => {
                let regions: Option<Vec<String>> = self
                    .origins
                    .iter()
                    .map(|o| region_of_host(&o.domain_name))
                    .collect();
                regions.map(|mut r| {
                    r.sort();
                    r.dedup();
                    strings(r)
                })
            }
            _ => None,
        }
    }

    fn sample() -> Distribution {
        Distribution {
            arn: "arn:aws:cloudfront::111122223333:distribution/E1A2B3C4D5E6F7".into(),
            id: "E1A2B3C4D5E6F7".into(),
            domain_name: "d111111abcdef8.cloudfront.net".into(),
            aliases: vec!["app.example.com".into()],
            enabled: true,
            staging: false,
            origins: vec![
                CloudFrontOrigin {
                    id: "web-use1".into(),
                    domain_name: "web-use1-1234567890.us-east-1.elb.amazonaws.com".into(),
                },
                CloudFrontOrigin {
                    id: "web-euw1".into(),
                    domain_name: "web-euw1-0987654321.eu-west-1.elb.amazonaws.com".into(),
                },
            ],
            origin_groups: vec![OriginGroup {
                id: "web-both-regions".into(),
                members: vec!["web-use1".into(), "web-euw1".into()],
                failover_status_codes: vec![500, 502, 503, 504],
            }],
            behaviors: vec![CacheBehavior {
                path_pattern: "*".into(),
                target_origin_id: "web-both-regions".into(),
            }],
        }
    }
}

fn strings<'a>(items: Vec<String>) -> Boxed<'a> {
    value::list(items.into_iter().map(value::owned_text).collect())
}
