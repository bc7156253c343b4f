//! The scan report document and its writers.
//!
//! [`ScanReport`] is the JSON output (`--format json`, `results.json`) and the one
//! input of every other writer (text, SARIF, HTML, Markdown), so all formats say the
//! same thing. Writers are pure functions: report in, text out.

pub mod html;
pub mod json;
pub mod markdown;
pub mod output;
pub mod sarif;
mod templates;
pub mod text;
pub mod view;

use crate::evaluation::{Diagnostic, Finding, ReportedGap, Status, WaiverStatus};
pub use crate::gate::GateResult;
use crate::rules::Severity;
use crate::score::Scores;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Version of the JSON report format. Fields are only ever added.
pub const REPORT_SCHEMA_VERSION: &str = "1.0";

/// The whole result of a scan. Field names are a contract: see docs/json-output.md.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScanReport {
    pub schema_version: String,
    pub tool: ToolInfo,
    /// RFC 3339 time of the scan.
    pub generated_at: String,
    pub scope: ScanScope,
    pub summary: Summary,
    pub gate: GateResult,
    pub scores: Scores,
    /// Failing and unknown outcomes (passes too with `--include-passes`), most
    /// severe first.
    pub findings: Vec<Finding>,
    /// What could not be read: account, region, service, operation, error code,
    /// message, and the rules it left `unknown` (`blocks`).
    pub gaps: Vec<ReportedGap>,
    /// Every configured waiver, in force or expired.
    pub waivers: Vec<WaiverStatus>,
    /// With `--baseline`: what changed since the baseline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineDiff>,
    /// Problems of the run itself (a rule that ran out of evaluation budget), one
    /// per rule.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolInfo {
    pub name: String,
    pub version: String,
}

impl ToolInfo {
    pub fn current() -> ToolInfo {
        ToolInfo {
            name: "regionready".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        }
    }
}

/// What was scanned and against which expectations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScanScope {
    /// `demo`, `inventory` or `live`.
    pub source: String,
    /// Inventory file, for `scan --inventory`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inventory: Option<String>,
    /// Config origin (`<default>`, `<demo>` or a path).
    pub config: String,
    pub region_pairs: Vec<String>,
    pub sanctioned_regions: Vec<String>,
    pub accounts: usize,
    pub resources: usize,
    pub rules: usize,
    /// Where resources outside the pairs came from (AWS Config or service listing).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outside_pair_sources: Vec<String>,
    /// Date waivers were judged against (YYYY-MM-DD).
    pub as_of: String,
}

/// Counts for a glance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Unwaived failures.
    pub failed: usize,
    pub unknown: usize,
    pub waived: usize,
    pub passed: u64,
    /// Unwaived failures per severity (all five keys present).
    pub failed_by_severity: BTreeMap<Severity, usize>,
    /// Unwaived failures per category (all seven keys present).
    pub failed_by_category: BTreeMap<String, usize>,
    pub gaps: usize,
}

/// Findings compared with a previous `results.json` (identity = rule id + ARN).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaselineDiff {
    pub file: String,
    /// Failing findings absent from the baseline.
    pub new: usize,
    /// Failing findings also in the baseline.
    pub unchanged: usize,
    /// Baseline failures that no longer fail.
    pub fixed: Vec<FixedFinding>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FixedFinding {
    pub rule_id: String,
    pub resource_arn: String,
    pub account_id: String,
    pub region: String,
}

impl Summary {
    pub fn of(findings: &[Finding], passed: u64, gaps: usize) -> Summary {
        let failing = || {
            findings
                .iter()
                .filter(|f| f.status == Status::Fail && !f.waived)
        };
        Summary {
            failed: failing().count(),
            unknown: findings
                .iter()
                .filter(|f| f.status == Status::Unknown)
                .count(),
            waived: findings
                .iter()
                .filter(|f| f.status == Status::Fail && f.waived)
                .count(),
            passed,
            failed_by_severity: Severity::ALL
                .iter()
                .map(|s| (*s, failing().filter(|f| f.severity == *s).count()))
                .collect(),
            failed_by_category: crate::rules::Category::ALL
                .iter()
                .map(|c| {
                    (
                        c.as_str().to_string(),
                        failing().filter(|f| f.category == *c).count(),
                    )
                })
                .collect(),
            gaps,
        }
    }
}

/// Output formats. The names are a contract (`--format NAME`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Sarif,
    Html,
    Markdown,
}

impl Format {
    /// File name used with `--output-dir`.
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Text => "report.txt",
            Format::Json => "results.json",
            Format::Sarif => "regionready.sarif",
            Format::Html => "report.html",
            Format::Markdown => "report.md",
        }
    }
}

/// Renders a report in one format. `rules` supplies the metadata SARIF and the
/// reports need (remediation, help).
pub fn render(
    format: Format,
    report: &ScanReport,
    rules: &crate::rules::RuleSet,
) -> Result<String, String> {
    match format {
        Format::Text => Ok(text::render(report)),
        Format::Json => Ok(json::render(report)),
        Format::Sarif => Ok(sarif::render(report, rules)),
        Format::Html => html::render(report, rules),
        Format::Markdown => markdown::render(report, rules),
    }
}
