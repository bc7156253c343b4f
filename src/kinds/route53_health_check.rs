//! Route 53 health checks: `resource = "route53_health_check"`.
//!
//! A health check only matters to failover when a routing record uses it, so the
//! collector notes which routing groups name it (`used_by`). Whether the list is
//! complete depends on every zone's records having been read: when one was not,
//! a check no record was seen to use may still be used, and `in_use` is absent.

use super::value::{self, Boxed};
use super::Tags;
use super::{derived, field, FieldDoc, Kind, KindSpec, Place};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A Route 53 health check, from ListHealthChecks.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HealthCheck {
    /// `arn:<partition>:route53:::healthcheck/<id>`.
    pub arn: String,
    pub id: String,
    /// `HTTP`, `HTTPS`, `HTTP_STR_MATCH`, `HTTPS_STR_MATCH`, `TCP`, `CALCULATED`,
    /// `CLOUDWATCH_METRIC`, `RECOVERY_CONTROL`.
    pub check_type: String,
    /// A disabled check is considered healthy by Route 53.
    #[serde(default)]
    pub disabled: bool,
    /// An inverted check is healthy when its endpoint is not.
    #[serde(default)]
    pub inverted: bool,
    /// What it measures: `https://web.example.com:443/health`, `tcp://192.0.2.10:443`,
    /// `alarm eu-west-1/5xx`, `calculated 2 of 3`, `routing control <arn>`.
    pub target: String,
    /// Routing groups (`name type` in `zone`) seen naming this check.
    #[serde(default)]
    pub used_by: Vec<String>,
    /// Whether every zone's records were read, so `used_by` is complete.
    #[serde(default)]
    pub records_complete: bool,
}

pub static SPEC: KindSpec = KindSpec {
    name: "route53_health_check",
    list: "route53_health_checks",
    resource_type: "AWS::Route53::HealthCheck",
    service: "route53",
    doc: "A Route 53 health check, from ListHealthChecks, with the routing groups that name it (from ListResourceRecordSets). Global: read once per account, findings under `global`.",
    data_store: false,
    fields: FIELDS,
    listings: &["ListHealthChecks"],
    swept: false,
};

const FIELDS: &[FieldDoc] = &[
    field("health_check_id", "string", "The health check id."),
    field(
        "check_type",
        "string",
        "`HTTP`, `HTTPS`, `HTTP_STR_MATCH`, `HTTPS_STR_MATCH`, `TCP`, `CALCULATED`, `CLOUDWATCH_METRIC`, `RECOVERY_CONTROL`.",
    ),
    field(
        "disabled",
        "bool",
        "Whether it is disabled (Route 53 then considers it healthy).",
    ),
    field(
        "inverted",
        "bool",
        "Whether it is inverted (healthy when the endpoint is not).",
    ),
    field(
        "target",
        "string",
        "What it measures: an endpoint URL, a CloudWatch alarm, child checks, a routing control.",
    ),
    field(
        "used_by",
        "list(string)",
        "Routing groups seen naming it (`name type in zone`).",
    ),
    derived(
        "in_use",
        "bool",
        "Whether a routing record uses it; absent when it was seen in none but not every zone's records were read.",
        "the records of every hosted zone (route53:ListResourceRecordSets)",
    ),
];

impl Kind for HealthCheck {
    const SPEC: &'static KindSpec = &SPEC;

    fn arn(&self) -> &str {
        &self.arn
    }

    fn name(&self) -> &str {
        &self.id
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
            "health_check_id" => Some(value::text(&self.id)),
            "check_type" => Some(value::text(&self.check_type)),
            "disabled" => Some(value::boolean(self.disabled)),
            "inverted" => Some(value::boolean(self.inverted)),
            "target" => Some(value::text(&self.target)),
            "used_by" => Some(value::texts(self.used_by.iter().map(String::as_str))),
            "in_use" => {
                if !self.used_by.is_empty() {
                    Some(value::boolean(true))
                } else {
                    self.records_complete.then(|| value::boolean(false))
                }
            }
            _ => None,
        }
    }

    fn sample() -> HealthCheck {
        HealthCheck {
            arn: "arn:aws:route53:::healthcheck/9c3b5e4a-6d7f-4a8b-0c1d-2e3f4a5b6c7d".into(),
            id: "9c3b5e4a-6d7f-4a8b-0c1d-2e3f4a5b6c7d".into(),
            check_type: "HTTPS".into(),
            disabled: true,
            inverted: false,
            target: "https://api-euw1.example.com:443/health".into(),
            used_by: vec!["status.example.com. CNAME in example.com.".into()],
            records_complete: true,
        }
    }
}
