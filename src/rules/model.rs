//! The rule file format and the closed vocabularies it uses.

use crate::expr::Expression;
pub use crate::kinds::ResourceKind;
pub use crate::severity::Severity;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The fixed category list. Names are a contract: reports and CI scripts use them.
/// New categories are appended, never renamed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Category {
    #[serde(rename = "kms")]
    Kms,
    #[serde(rename = "secrets")]
    Secrets,
    #[serde(rename = "dynamodb")]
    Dynamodb,
    #[serde(rename = "rds")]
    Rds,
    #[serde(rename = "hot-path")]
    HotPath,
    #[serde(rename = "regions")]
    Regions,
    #[serde(rename = "residency")]
    Residency,
    #[serde(rename = "compute")]
    Compute,
    #[serde(rename = "traffic")]
    Traffic,
    #[serde(rename = "edge")]
    Edge,
    #[serde(rename = "s3")]
    S3,
    #[serde(rename = "ecr")]
    Ecr,
    #[serde(rename = "elasticache")]
    Elasticache,
    #[serde(rename = "capacity")]
    Capacity,
    #[serde(rename = "observability")]
    Observability,
}

impl Category {
    pub const ALL: [Category; 15] = [
        Category::Kms,
        Category::Secrets,
        Category::Dynamodb,
        Category::Rds,
        Category::HotPath,
        Category::Regions,
        Category::Residency,
        Category::Compute,
        Category::Traffic,
        Category::Edge,
        Category::S3,
        Category::Ecr,
        Category::Elasticache,
        Category::Capacity,
        Category::Observability,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Kms => "kms",
            Category::Secrets => "secrets",
            Category::Dynamodb => "dynamodb",
            Category::Rds => "rds",
            Category::HotPath => "hot-path",
            Category::Regions => "regions",
            Category::Residency => "residency",
            Category::Compute => "compute",
            Category::Traffic => "traffic",
            Category::Edge => "edge",
            Category::S3 => "s3",
            Category::Ecr => "ecr",
            Category::Elasticache => "elasticache",
            Category::Capacity => "capacity",
            Category::Observability => "observability",
        }
    }

    pub fn parse(text: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == text)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rule file, exactly as written. Unknown fields are rejected so a typo never
/// silently disables a check.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// Stable id (`RR-KMS-001`), equal to the file stem, never reused.
    pub id: String,
    /// Readable kebab-case slug.
    pub name: String,
    /// One line saying what is wrong when the rule fails.
    pub title: String,
    pub severity: Severity,
    pub category: Category,
    /// What the rule is evaluated against.
    pub resource: ResourceKind,
    /// Why it matters for active-active.
    pub rationale: String,
    pub remediation: Remediation,
    pub help_uri: String,
    /// IAM actions the rule's data needs; the shipped policy is their union.
    pub permissions: Vec<String>,
    /// Version that introduced the rule.
    pub since: String,
    /// CEL: is the resource in scope? False gives `skip`. Defaults to true.
    #[serde(default)]
    pub scope: Option<String>,
    /// CEL: true when the resource is compliant (`pass`), false gives `fail`.
    pub condition: String,
    /// CEL producing the failure message (a string).
    pub message: String,
    /// Confidence for SARIF consumers: `very-high`, `high`, `medium`, `low`.
    #[serde(default = "default_precision")]
    pub precision: String,
}

fn default_precision() -> String {
    "high".to_string()
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Remediation {
    pub text: String,
    #[serde(default)]
    pub cli: Option<String>,
    #[serde(default)]
    pub terraform: Option<String>,
}

/// A rule ready to run: its metadata plus compiled CEL expressions.
#[derive(Debug)]
pub struct Rule {
    pub spec: RuleSpec,
    /// Where it came from (`builtin:rules/kms/RR-KMS-001.toml` or a path).
    pub origin: String,
    pub scope: Option<Expression>,
    pub condition: Expression,
    pub message: Expression,
    /// Effective severity after config overrides.
    pub severity: Severity,
}

impl Rule {
    pub fn id(&self) -> &str {
        &self.spec.id
    }

    /// IAM service prefixes the rule reads (`kms`, `dynamodb`, ...): a collection gap
    /// in one of them makes the rule `unknown` for that account and region.
    pub fn services(&self) -> Vec<&str> {
        let mut services: Vec<&str> = self
            .spec
            .permissions
            .iter()
            .filter_map(|p| p.split(':').next())
            .collect();
        services.sort();
        services.dedup();
        services
    }
}
