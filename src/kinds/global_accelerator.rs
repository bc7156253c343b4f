//! Global Accelerator standard accelerators: `resource = "global_accelerator"`.
//!
//! An accelerator sends each client to the nearest endpoint group of a listener
//! (one group per region). A region with no group, or a group whose endpoints all
//! have weight 0, cannot receive the accelerator's traffic; a group with its
//! traffic dial at 0 receives none in normal operation but is still failed over
//! to (Global Accelerator ignores the dial when it fails over).

use super::value::{self, Boxed, Fields, Object};
use super::Tags;
use super::{field, FieldDoc, Kind, KindSpec, Place};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// An accelerator, from ListAccelerators, ListListeners and ListEndpointGroups.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Accelerator {
    pub arn: String,
    pub name: String,
    pub enabled: bool,
    /// `DEPLOYED` or `IN_PROGRESS`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_name: Option<String>,
    /// Absent when ListListeners failed for this accelerator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listeners: Option<Vec<AcceleratorListener>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceleratorListener {
    pub arn: String,
    /// `TCP` or `UDP`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    /// `443` or `8000-8100`.
    #[serde(default)]
    pub ports: Vec<String>,
    /// Absent when ListEndpointGroups failed for this listener.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint_groups: Option<Vec<EndpointGroup>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EndpointGroup {
    pub arn: String,
    pub region: String,
    /// Percentage of the traffic Global Accelerator already directs to the region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traffic_dial_percentage: Option<f64>,
    #[serde(default)]
    pub endpoints: Vec<AcceleratorEndpoint>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceleratorEndpoint {
    pub id: String,
    /// 0-255; an endpoint of weight 0 gets no traffic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<i64>,
    /// `INITIAL`, `HEALTHY`, `UNHEALTHY`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health_state: Option<String>,
}

pub static SPEC: KindSpec = KindSpec {
    name: "global_accelerator",
    list: "global_accelerators",
    resource_type: "AWS::GlobalAccelerator::Accelerator",
    service: "globalaccelerator",
    doc: "A Global Accelerator standard accelerator with its listeners and their endpoint groups (region, traffic dial, endpoints), from ListAccelerators, ListListeners and ListEndpointGroups (us-west-2). Global: read once per account, findings under `global`.",
    data_store: false,
    fields: FIELDS,
    listings: &["ListAccelerators"],
    swept: false,
};

const FIELDS: &[FieldDoc] = &[
    field(
        "enabled",
        "bool",
        "Whether the accelerator accepts traffic.",
    ),
    field("status", "string", "`DEPLOYED` or `IN_PROGRESS`."),
    field(
        "listeners",
        "list(map)",
        "Listeners: `arn`, `protocol`, `ports`, and `endpoint_groups` (absent when they could not be read): each `region`, `traffic_dial` (percent), `endpoints` (`id`, `weight`, `health_state`) and `serving_endpoints` (endpoints of weight above 0; absent when a weight is unknown).",
    ),
];

#[derive(Debug, Clone)]
struct ListenerView<'a>(&'a AcceleratorListener);

impl Fields for ListenerView<'_> {
    fn field<'v>(&self, name: &str) -> Option<Boxed<'v>>
    where
        Self: 'v,
    {
        let l = self.0;
        match name {
            "arn" => Some(value::text(&l.arn)),
            "protocol" => value::opt_text(l.protocol.as_deref()),
            "ports" => Some(value::texts(l.ports.iter().map(String::as_str))),
            "endpoint_groups" => l.endpoint_groups.as_ref().map(|groups| {
                value::list(
                    groups
                        .iter()
                        .map(|g| Box::new(Object(GroupView(g))) as Boxed<'v>)
                        .collect(),
                )
            }),
            _ => None,
        }
    }

    fn names(&self) -> Vec<&'static str> {
        vec!["arn", "protocol", "ports", "endpoint_groups"]
    }
}

#[derive(Debug, Clone)]
struct GroupView<'a>(&'a EndpointGroup);

/// One endpoint as a CEL map with its fields in a fixed order.
#[derive(Debug, Clone)]
struct EndpointView<'a>(&'a AcceleratorEndpoint);

impl Fields for EndpointView<'_> {
    fn field<'v>(&self, name: &str) -> Option<Boxed<'v>>
    where
        Self: 'v,
    {
        let e = self.0;
        match name {
            "id" => Some(value::text(&e.id)),
            "weight" => e.weight.map(value::int),
            "health_state" => e.health_state.as_deref().map(value::text),
            _ => None,
        }
    }

    fn names(&self) -> Vec<&'static str> {
        vec!["id", "weight", "health_state"]
    }
}

impl EndpointGroup {
    /// Endpoints of weight above 0; `None` when a weight is unknown and none is known to serve.
    pub fn serving_endpoints(&self) -> Option<i64> {
        let serving = self
            .endpoints
            .iter()
            .filter(|e| e.weight.is_some_and(|w| w > 0))
            .count() as i64;
        let unknown = self.endpoints.iter().any(|e| e.weight.is_none());
        (serving > 0 || !unknown).then_some(serving)
    }
}

impl Fields for GroupView<'_> {
    fn field<'v>(&self, name: &str) -> Option<Boxed<'v>>
    where
        Self: 'v,
    {
        let g = self.0;
        match name {
            "arn" => Some(value::text(&g.arn)),
            "region" => Some(value::text(&g.region)),
            "traffic_dial" => g.traffic_dial_percentage.map(value::float),
            "endpoints" => Some(value::list(
                g.endpoints
                    .iter()
                    .map(|e| Box::new(Object(EndpointView(e))) as Boxed<'v>)
                    .collect(),
            )),
            "serving_endpoints" => g.serving_endpoints().map(value::int),
            _ => None,
        }
    }

    fn names(&self) -> Vec<&'static str> {
        vec![
            "arn",
            "region",
            "traffic_dial",
            "endpoints",
            "serving_endpoints",
        ]
    }
}

impl Kind for Accelerator {
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
            "enabled" => Some(value::boolean(self.enabled)),
            "status" => value::opt_text(self.status.as_deref()),
            "listeners" => self.listeners.as_ref().map(|ls| {
                value::list(
                    ls.iter()
                        .map(|l| Box::new(Object(ListenerView(l))) as Boxed<'a>)
                        .collect(),
                )
            }),
            _ => None,
        }
    }

    fn sample() -> Accelerator {
        let group = |id: &str, region: &str| {
            EndpointGroup {
            arn: format!("arn:aws:globalaccelerator::111122223333:accelerator/1234abcd-abcd-1234-abcd-1234abcdefgh/listener/0123abcd/endpoint-group/{id}"),
            region: region.into(),
            traffic_dial_percentage: Some(100.0),
            endpoints: vec![AcceleratorEndpoint {
                id: format!("arn:aws:elasticloadbalancing:{region}:111122223333:loadbalancer/app/auth/{id}"),
                weight: Some(128),
                health_state: Some("HEALTHY".into()),
            }],
        }
        };
        Accelerator {
            arn: "arn:aws:globalaccelerator::111122223333:accelerator/1234abcd-abcd-1234-abcd-1234abcdefgh".into(),
            name: "auth-api".into(),
            enabled: true,
            status: Some("DEPLOYED".into()),
            dns_name: Some("a1234567890abcdef.awsglobalaccelerator.com".into()),
            listeners: Some(vec![AcceleratorListener {
                arn: "arn:aws:globalaccelerator::111122223333:accelerator/1234abcd-abcd-1234-abcd-1234abcdefgh/listener/0123abcd".into(),
                protocol: Some("TCP".into()),
                ports: vec!["443".into()],
                endpoint_groups: Some(vec![group("0a1b2c3d4e5f", "us-east-1"), group("1b2c3d4e5f60", "eu-west-1")]),
            }]),
        }
    }
}
