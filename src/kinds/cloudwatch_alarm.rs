//! CloudWatch alarms: `resource = "cloudwatch_alarm"`, metric and composite alarms.
//!
//! Alarms matter less as resources than as facts about other resources: whether
//! the replication of a table, a database or a bucket is watched by someone. The
//! engine's index answers that question ([`super::Facts::alarm_watching`]) with
//! [`CloudwatchAlarm::watches`]; the view below is for rules about alarms.

use super::value::{self, Boxed, Fields, Object, TagsVal};
use super::Tags;
use super::{field, FieldDoc, Kind, KindSpec, Place};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A metric or composite alarm as DescribeAlarms reports it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CloudwatchAlarm {
    pub arn: String,
    pub name: String,
    /// `MetricAlarm` or `CompositeAlarm`.
    pub alarm_type: String,
    /// The metric of a single-metric alarm (absent for metric-math and composite alarms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_name: Option<String>,
    /// Dimension name to value, sorted by name.
    #[serde(default, skip_serializing_if = "Tags::is_empty")]
    pub dimensions: Tags,
    /// `Statistic`, else `ExtendedStatistic` (`p99`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statistic: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
    /// Whether the alarm's actions run when its state changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actions_enabled: Option<bool>,
    /// What the alarm does on entering `ALARM` (SNS topics, Auto Scaling, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alarm_actions: Vec<String>,
    /// The queries of a metric-math or Metrics Insights alarm (`Metrics`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub metrics: Vec<AlarmMetric>,
    /// The rule of a composite alarm (`ALARM("name") OR ...`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alarm_rule: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Tags>,
}

/// One query of a metric-math alarm: a metric (`MetricStat`) or an expression.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AlarmMetric {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_name: Option<String>,
    /// Dimension name to value, sorted by name.
    #[serde(default, skip_serializing_if = "Tags::is_empty")]
    pub dimensions: Tags,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stat: Option<String>,
    /// A math expression or a Metrics Insights query (`SELECT ...`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expression: Option<String>,
}

/// A metric a resource's replication is measured by: CloudWatch identifies a
/// metric by namespace, name and its exact set of dimensions (CloudWatch user
/// guide, "Dimensions"), so an alarm watches it only with one of the sets AWS
/// publishes it under.
#[derive(Debug, Clone)]
pub struct MetricWatch<'a> {
    pub namespace: &'a str,
    /// Any of these metric names will do (Aurora's lag and RPO lag).
    pub metric_names: &'a [&'a str],
    /// The dimension sets AWS publishes the metric under for this resource.
    pub dimension_sets: Vec<Vec<(&'a str, &'a str)>>,
}

impl MetricWatch<'_> {
    fn is_metric(&self, namespace: Option<&str>, name: Option<&str>) -> bool {
        namespace == Some(self.namespace) && name.is_some_and(|n| self.metric_names.contains(&n))
    }

    fn is_dimension_set(&self, dims: &Tags) -> bool {
        self.dimension_sets.iter().any(|set| {
            set.len() == dims.len()
                && set
                    .iter()
                    .all(|(k, v)| dims.get(*k).is_some_and(|x| x == v))
        })
    }

    /// A Metrics Insights query (`SELECT MAX(ReplicationLatency) FROM
    /// SCHEMA("AWS/DynamoDB", ...) WHERE TableName = 'orders'`) that reads the
    /// metric: it names the namespace and the metric, and either filters on
    /// nothing or names every value of one of the dimension sets.
    fn is_query(&self, expression: &str) -> bool {
        let upper = expression.to_ascii_uppercase();
        if !upper.trim_start().starts_with("SELECT")
            || !expression.contains(self.namespace)
            || !self.metric_names.iter().any(|m| expression.contains(m))
        {
            return false;
        }
        !upper.contains(" WHERE ")
            || self
                .dimension_sets
                .iter()
                .any(|set| set.iter().all(|(_, v)| expression.contains(v)))
    }
}

impl CloudwatchAlarm {
    /// Whether its actions run and something is to be done on `ALARM`: an alarm
    /// with actions disabled, or none, changes state unseen.
    pub fn notifies(&self) -> bool {
        self.actions_enabled == Some(true) && !self.alarm_actions.is_empty()
    }

    /// Whether it reads the metric: as its own metric, as a metric of its math,
    /// or through a Metrics Insights query.
    pub fn watches(&self, watch: &MetricWatch<'_>) -> bool {
        let own = watch.is_metric(self.namespace.as_deref(), self.metric_name.as_deref())
            && watch.is_dimension_set(&self.dimensions);
        own || self.metrics.iter().any(|m| {
            (watch.is_metric(m.namespace.as_deref(), m.metric_name.as_deref())
                && watch.is_dimension_set(&m.dimensions))
                || m.expression.as_deref().is_some_and(|e| watch.is_query(e))
        })
    }

    /// Whether a composite alarm's rule names another alarm, by name or ARN
    /// (`ALARM("name")`, `OK(arn)`, ...: CloudWatch user guide, "Create a
    /// composite alarm").
    pub fn rule_names(&self, other: &CloudwatchAlarm) -> bool {
        let Some(rule) = self.alarm_rule.as_deref() else {
            return false;
        };
        [other.name.as_str(), other.arn.as_str()].iter().any(|id| {
            rule.contains(&format!("(\"{id}\")"))
                || rule.contains(&format!("({id})"))
                || rule.contains(&format!("( \"{id}\" )"))
        })
    }
}

pub static SPEC: KindSpec = KindSpec {
    name: "cloudwatch_alarm",
    list: "cloudwatch_alarms",
    resource_type: "AWS::CloudWatch::Alarm",
    service: "cloudwatch",
    doc: "A CloudWatch metric or composite alarm, from DescribeAlarms (read in the pair only). Other views ask the alarms whether a replication metric is watched.",
    data_store: false,
    fields: FIELDS,
    listings: &["DescribeAlarms"],
    swept: false,
};

const FIELDS: &[FieldDoc] = &[
    field("alarm_type", "string", "`MetricAlarm` or `CompositeAlarm`."),
    field(
        "namespace",
        "string",
        "Namespace of a single-metric alarm's metric (`AWS/DynamoDB`, ...).",
    ),
    field("metric_name", "string", "Name of a single-metric alarm's metric."),
    field(
        "dimensions",
        "map(string)",
        "Dimensions of a single-metric alarm's metric, name to value.",
    ),
    field(
        "statistic",
        "string",
        "`Average`, `Maximum`, ... or an extended statistic (`p99`).",
    ),
    field("threshold", "double", "The threshold the statistic is compared with."),
    field(
        "actions_enabled",
        "bool",
        "Whether the alarm's actions run when its state changes.",
    ),
    field(
        "alarm_actions",
        "list(string)",
        "ARNs of what runs on entering `ALARM` (SNS topics, ...).",
    ),
    field(
        "notifies",
        "bool",
        "Whether actions are enabled and at least one alarm action is set.",
    ),
    field(
        "watched_metrics",
        "list(map)",
        "Every metric the alarm reads (its own and those of its math): `namespace`, `metric_name`, `dimensions`.",
    ),
    field(
        "alarm_rule",
        "string",
        "The rule of a composite alarm.",
    ),
];

/// A metric an alarm reads, as a CEL map.
#[derive(Debug, Clone)]
struct MetricView<'a> {
    namespace: Option<&'a str>,
    metric_name: Option<&'a str>,
    dimensions: &'a Tags,
}

impl Fields for MetricView<'_> {
    fn field<'v>(&self, name: &str) -> Option<Boxed<'v>>
    where
        Self: 'v,
    {
        match name {
            "namespace" => value::opt_text(self.namespace),
            "metric_name" => value::opt_text(self.metric_name),
            "dimensions" => Some(dimensions(self.dimensions)),
            _ => None,
        }
    }

    fn names(&self) -> Vec<&'static str> {
        vec!["namespace", "metric_name", "dimensions"]
    }
}

/// Dimensions as a CEL map, read in place and shown in their (sorted) order.
fn dimensions(dims: &Tags) -> Boxed<'_> {
    TagsVal::boxed(dims)
}

impl Kind for CloudwatchAlarm {
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
        Some(Vec::new())
    }

    fn field<'a>(&'a self, _: &Place<'a>, name: &str) -> Option<Boxed<'a>> {
        match name {
            "alarm_type" => Some(value::text(&self.alarm_type)),
            "namespace" => value::opt_text(self.namespace.as_deref()),
            "metric_name" => value::opt_text(self.metric_name.as_deref()),
            "dimensions" => Some(dimensions(&self.dimensions)),
            "statistic" => value::opt_text(self.statistic.as_deref()),
            "threshold" => self.threshold.map(value::float),
            "actions_enabled" => value::opt_bool(self.actions_enabled),
            "alarm_actions" => Some(value::texts(self.alarm_actions.iter().map(String::as_str))),
            "notifies" => Some(value::boolean(self.notifies())),
            "watched_metrics" => {
                let own = self.metric_name.is_some().then_some(MetricView {
                    namespace: self.namespace.as_deref(),
                    metric_name: self.metric_name.as_deref(),
                    dimensions: &self.dimensions,
                });
                let math = self
                    .metrics
                    .iter()
                    .filter(|m| m.metric_name.is_some())
                    .map(|m| MetricView {
                        namespace: m.namespace.as_deref(),
                        metric_name: m.metric_name.as_deref(),
                        dimensions: &m.dimensions,
                    });
                Some(value::list(
                    own.into_iter()
                        .chain(math)
                        .map(|m| Box::new(Object(m)) as Boxed<'a>)
                        .collect(),
                ))
            }
            "alarm_rule" => value::opt_text(self.alarm_rule.as_deref()),
            _ => None,
        }
    }

    fn sample() -> CloudwatchAlarm {
        CloudwatchAlarm {
            arn: "arn:aws:cloudwatch:us-east-1:111122223333:alarm:payments-replication-latency"
                .into(),
            name: "payments-replication-latency".into(),
            alarm_type: "MetricAlarm".into(),
            namespace: Some("AWS/DynamoDB".into()),
            metric_name: Some("ReplicationLatency".into()),
            dimensions: Tags::from([
                ("TableName".to_string(), "payments".to_string()),
                ("ReceivingRegion".to_string(), "eu-west-1".to_string()),
            ]),
            statistic: Some("Average".into()),
            threshold: Some(60000.0),
            actions_enabled: Some(true),
            alarm_actions: vec!["arn:aws:sns:us-east-1:111122223333:oncall".into()],
            metrics: vec![AlarmMetric {
                id: "lag".into(),
                namespace: Some("AWS/DynamoDB".into()),
                metric_name: Some("ReplicationLatency".into()),
                dimensions: Tags::from([
                    ("TableName".to_string(), "payments".to_string()),
                    ("ReceivingRegion".to_string(), "eu-west-1".to_string()),
                ]),
                stat: Some("p99".into()),
                expression: None,
            }],
            alarm_rule: Some("ALARM(\"payments-errors\")".into()),
            tags: Some(Tags::from([("team".to_string(), "payments".to_string())])),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn watch<'a>(table: &'a str, receiving: &'a str) -> MetricWatch<'a> {
        MetricWatch {
            namespace: "AWS/DynamoDB",
            metric_names: &["ReplicationLatency"],
            dimension_sets: vec![vec![("TableName", table), ("ReceivingRegion", receiving)]],
        }
    }

    fn alarm(dims: &[(&str, &str)]) -> CloudwatchAlarm {
        CloudwatchAlarm {
            arn: "arn:aws:cloudwatch:us-east-1:111122223333:alarm:a".into(),
            name: "a".into(),
            alarm_type: "MetricAlarm".into(),
            namespace: Some("AWS/DynamoDB".into()),
            metric_name: Some("ReplicationLatency".into()),
            dimensions: dims
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            actions_enabled: Some(true),
            alarm_actions: vec!["arn:aws:sns:us-east-1:111122223333:t".into()],
            ..CloudwatchAlarm::default()
        }
    }

    #[test]
    fn a_metric_is_its_exact_dimension_set() {
        let w = watch("orders", "eu-west-1");
        assert!(alarm(&[("TableName", "orders"), ("ReceivingRegion", "eu-west-1")]).watches(&w));
        // Another receiving region, a subset and a superset are other metrics.
        assert!(!alarm(&[("TableName", "orders"), ("ReceivingRegion", "us-west-2")]).watches(&w));
        assert!(!alarm(&[("TableName", "orders")]).watches(&w));
        assert!(!alarm(&[
            ("TableName", "orders"),
            ("ReceivingRegion", "eu-west-1"),
            ("Operation", "PutItem")
        ])
        .watches(&w));
    }

    #[test]
    fn math_metrics_and_insights_queries_are_read() {
        let w = watch("carts", "eu-west-1");
        let mut math = alarm(&[]);
        math.namespace = None;
        math.metric_name = None;
        math.metrics = vec![
            AlarmMetric {
                id: "lag".into(),
                namespace: Some("AWS/DynamoDB".into()),
                metric_name: Some("ReplicationLatency".into()),
                dimensions: Tags::from([
                    ("TableName".to_string(), "carts".to_string()),
                    ("ReceivingRegion".to_string(), "eu-west-1".to_string()),
                ]),
                ..AlarmMetric::default()
            },
            AlarmMetric {
                id: "e".into(),
                expression: Some("FILL(lag, 0)".into()),
                ..AlarmMetric::default()
            },
        ];
        assert!(math.watches(&w));
        let query = |q: &str| {
            let mut a = alarm(&[]);
            a.namespace = None;
            a.metric_name = None;
            a.metrics = vec![AlarmMetric {
                id: "q".into(),
                expression: Some(q.into()),
                ..AlarmMetric::default()
            }];
            a.watches(&w)
        };
        assert!(query("SELECT MAX(ReplicationLatency) FROM SCHEMA(\"AWS/DynamoDB\", ReceivingRegion, TableName) WHERE TableName = 'carts' AND ReceivingRegion = 'eu-west-1'"));
        assert!(query(
            "SELECT MAX(ReplicationLatency) FROM SCHEMA(\"AWS/DynamoDB\", ReceivingRegion, TableName)"
        ));
        assert!(!query("SELECT MAX(ReplicationLatency) FROM SCHEMA(\"AWS/DynamoDB\", ReceivingRegion, TableName) WHERE TableName = 'orders'"));
        assert!(!query(
            "SELECT AVG(CPUUtilization) FROM SCHEMA(\"AWS/EC2\", InstanceId)"
        ));
    }

    #[test]
    fn only_enabled_alarms_with_actions_notify_and_composites_name_their_children() {
        let mut a = alarm(&[]);
        assert!(a.notifies());
        a.actions_enabled = Some(false);
        assert!(!a.notifies());
        a.actions_enabled = Some(true);
        a.alarm_actions.clear();
        assert!(!a.notifies());
        let composite = CloudwatchAlarm {
            alarm_rule: Some("ALARM(\"a\") OR ALARM(other)".into()),
            ..CloudwatchAlarm::default()
        };
        assert!(composite.rule_names(&a));
        a.name = "ab".into();
        a.arn = "arn:aws:cloudwatch:us-east-1:111122223333:alarm:ab".into();
        assert!(!composite.rule_names(&a), "a prefix is another alarm");
    }
}
