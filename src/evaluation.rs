//! What evaluating the rules against an inventory produced: findings, per-account
//! tallies for scoring, and everything that limits what can be claimed (gaps,
//! waivers). Plain data, so every report writer is a pure function of it.

use crate::inventory::Gap;
use crate::rules::{Category, Severity};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The four outcomes of a rule on a resource. `Unknown` is never a pass: it means the
/// data the rule needs was not collected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    Skip,
    Unknown,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Skip => "skip",
            Status::Unknown => "unknown",
        }
    }
}

/// One rule outcome on one resource, as reported. Field names are a contract of the
/// JSON output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub rule_id: Arc<str>,
    pub rule_name: Arc<str>,
    pub title: Arc<str>,
    pub status: Status,
    pub severity: Severity,
    pub category: Category,
    pub resource_arn: String,
    /// CloudFormation-style type (`AWS::KMS::Key`), or `AWS::Organizations::Account`.
    pub resource_type: Arc<str>,
    pub account_id: Arc<str>,
    pub region: Arc<str>,
    /// The other region of the account's pair, when the resource is in the pair.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner_region: Option<Arc<str>>,
    /// The account's pair id (`us-east-1+eu-west-1`).
    pub region_pair: Arc<str>,
    pub message: String,
    /// True when a waiver in force covers the finding: reported, never gating.
    pub waived: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiver: Option<AppliedWaiver>,
    /// With `--baseline`: true when the finding is absent from the baseline. Only
    /// new findings gate the run then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new: Option<bool>,
}

impl Finding {
    /// Identity of a finding across runs (baselines, SARIF fingerprints).
    pub fn identity(&self) -> String {
        format!("{}|{}", self.rule_id, self.resource_arn)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppliedWaiver {
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<NaiveDate>,
}

/// A waiver from the config and what became of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WaiverStatus {
    pub rule_id: String,
    pub resource: String,
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<NaiveDate>,
    /// `in-force` or `expired`. An expired waiver no longer applies.
    pub state: String,
    /// How many findings it covers (in force) or would have covered (expired).
    pub matched: usize,
}

/// Outcome counts and weights for one account and one category; scores are built
/// from these.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Tally {
    pub pass: u64,
    pub fail: u64,
    pub unknown: u64,
    pub skip: u64,
    /// Failures covered by a waiver in force (not counted in `fail`).
    pub waived: u64,
    pub pass_weight: f64,
    pub fail_weight: f64,
    pub unknown_weight: f64,
}

impl Tally {
    pub fn add(&mut self, status: Status, severity: Severity, waived: bool) {
        let w = severity.weight();
        match status {
            Status::Pass => {
                self.pass += 1;
                self.pass_weight += w;
            }
            Status::Fail if waived => self.waived += 1,
            Status::Fail => {
                self.fail += 1;
                self.fail_weight += w;
            }
            Status::Unknown => {
                self.unknown += 1;
                self.unknown_weight += w;
            }
            Status::Skip => self.skip += 1,
        }
    }

    pub fn merge(&mut self, other: &Tally) {
        self.pass += other.pass;
        self.fail += other.fail;
        self.unknown += other.unknown;
        self.skip += other.skip;
        self.waived += other.waived;
        self.pass_weight += other.pass_weight;
        self.fail_weight += other.fail_weight;
        self.unknown_weight += other.unknown_weight;
    }
}

/// An account as it was evaluated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountSummary {
    pub account_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub ou_path: Vec<String>,
    pub region_pair: String,
    /// False when nothing of the account could be read; `reason` says why.
    pub assessed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Outcomes per category, in [`Category::ALL`] order.
    pub tallies: Vec<(Category, Tally)>,
}

/// A collection gap and what it made `unknown`. The gap's fields are flattened, so
/// a report's `gaps[]` entries keep the inventory's field names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportedGap {
    #[serde(flatten)]
    pub gap: Gap,
    /// Ids of the rules with an `unknown` outcome because of this gap.
    #[serde(default)]
    pub blocks: Vec<String>,
    /// A region outside the pair that the account's own SCPs close to the
    /// scanner's role: reported once per account as a blocked sweep.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub blocked_sweep: bool,
}

impl std::ops::Deref for ReportedGap {
    type Target = Gap;

    fn deref(&self) -> &Gap {
        &self.gap
    }
}

/// Everything evaluation produced.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Evaluation {
    /// Failing and unknown outcomes (and passes when asked for), sorted by severity,
    /// then rule, then ARN.
    pub findings: Vec<Finding>,
    pub accounts: Vec<AccountSummary>,
    pub gaps: Vec<ReportedGap>,
    pub waivers: Vec<WaiverStatus>,
    /// Number of resources evaluated, of every kind.
    pub resources_evaluated: usize,
    /// Number of rules run.
    pub rules_run: usize,
    /// Problems of the run itself, each said once (a rule out of budget).
    pub diagnostics: Vec<Diagnostic>,
}

/// A problem of the run, not of the estate: reported once per rule, however many
/// outcomes it touched, so it reads as one fact instead of noise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// Stable kebab-case code (`evaluation-budget-exceeded`).
    pub code: String,
    pub rule_id: String,
    /// Outcomes affected.
    pub count: usize,
    /// One line for people.
    pub message: String,
}
