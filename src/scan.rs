//! One scan, start to finish, over an inventory already in memory: evaluate, score,
//! compare with a baseline, gate. Shared by `scan --demo`, `scan --inventory` and the
//! live scan so all three give the same report for the same inventory.

use crate::config::Config;
use crate::engine::{evaluate, EvaluateOptions};
use crate::evaluation::{Finding, Status};
use crate::exit::Failure;
use crate::gate::evaluate_gate;
use crate::inventory::Inventory;
use crate::report::{
    BaselineDiff, FixedFinding, ScanReport, ScanScope, Summary, ToolInfo, REPORT_SCHEMA_VERSION,
};
use crate::rules::{RuleSet, Severity};
use crate::score;
use chrono::NaiveDate;
use std::collections::HashSet;
use std::path::Path;

#[derive(Debug, Clone)]
pub struct ScanOptions {
    pub fail_on: Severity,
    pub min_score: Option<f64>,
    pub include_passes: bool,
    /// Date waivers are judged against.
    pub today: NaiveDate,
    /// RFC 3339 timestamp written into the report.
    pub generated_at: String,
    /// `demo`, `inventory` or `live`.
    pub source: String,
    pub inventory_path: Option<String>,
    pub baseline: Option<Baseline>,
}

/// Why a baseline could not be used. Rendered as one `file[:line:column]: message`
/// line; [`BaselineError::code`] names the kind of problem.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("{file}: cannot read baseline: {source}")]
    Read {
        file: String,
        source: std::io::Error,
    },
    #[error("{file}:{line}:{column}: not a regionready JSON report: {message}")]
    Syntax {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error(
        "{file}: unsupported report schema_version {found} (this build reads {readable_major}.x)"
    )]
    Version {
        file: String,
        found: serde_json::Value,
        readable_major: String,
    },
}

impl BaselineError {
    /// The stable code of the problem (see `docs/diagnostics.md`).
    pub fn code(&self) -> crate::diagnostics::Code {
        use crate::diagnostics::Code;
        match self {
            BaselineError::Read { .. } => Code::BaselineRead,
            BaselineError::Syntax { .. } => Code::BaselineSyntax,
            BaselineError::Version { .. } => Code::BaselineVersion,
        }
    }
}

impl From<BaselineError> for Failure {
    fn from(e: BaselineError) -> Failure {
        Failure::bad_input(e)
    }
}

/// The failing findings of a previous run (`results.json`).
#[derive(Debug, Clone)]
pub struct Baseline {
    pub file: String,
    pub failing: Vec<Finding>,
}

impl Baseline {
    /// Reads a previous JSON report. A missing or malformed file is bad input.
    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let file = path.display().to_string();
        let text = std::fs::read(path).map_err(|source| BaselineError::Read {
            file: file.clone(),
            source,
        })?;
        check_report_version(&file, &text)?;
        let report: ScanReport =
            serde_json::from_slice(&text).map_err(|e| BaselineError::Syntax {
                file: file.clone(),
                line: e.line(),
                column: e.column(),
                message: strip(&e),
            })?;
        let failing = report
            .findings
            .into_iter()
            .filter(|f| f.status == Status::Fail)
            .collect();
        Ok(Baseline { file, failing })
    }
}

/// A baseline written by another major version of the report format would be
/// compared field by field with this one's: refused, with the version named.
fn check_report_version(file: &str, text: &[u8]) -> Result<(), BaselineError> {
    #[derive(serde::Deserialize)]
    struct Versioned {
        schema_version: Option<serde_json::Value>,
    }
    // Malformed JSON is reported by the full parse, with its position.
    let Ok(Versioned {
        schema_version: Some(found),
    }) = serde_json::from_slice::<Versioned>(text)
    else {
        return Ok(());
    };
    let readable_major = REPORT_SCHEMA_VERSION.split('.').next().unwrap_or("1");
    let ok = found
        .as_str()
        .and_then(crate::inventory::version_major)
        .is_some_and(|major| major == readable_major);
    if ok {
        Ok(())
    } else {
        Err(BaselineError::Version {
            file: file.to_string(),
            found,
            readable_major: readable_major.to_string(),
        })
    }
}

fn strip(e: &serde_json::Error) -> String {
    let s = e.to_string();
    let s = s.rfind(" at line ").map_or(s.as_str(), |i| &s[..i]);
    crate::sanitize::visible(s)
}

/// Evaluates and reports.
pub fn run_scan(
    inventory: &Inventory,
    config: &Config,
    rules: &RuleSet,
    options: &ScanOptions,
) -> ScanReport {
    let mut evaluation = evaluate(
        inventory,
        config,
        rules,
        &EvaluateOptions {
            today: options.today,
            include_passes: options.include_passes,
        },
    );
    let scores = score::compute(&evaluation);
    let baseline = options.baseline.as_ref().map(|b| {
        let before: HashSet<String> = b.failing.iter().map(Finding::identity).collect();
        let now: HashSet<String> = evaluation
            .findings
            .iter()
            .filter(|f| f.status == Status::Fail)
            .map(Finding::identity)
            .collect();
        let mut new = 0;
        let mut unchanged = 0;
        for f in evaluation
            .findings
            .iter_mut()
            .filter(|f| f.status == Status::Fail)
        {
            let is_new = !before.contains(&f.identity());
            f.new = Some(is_new);
            if is_new {
                new += 1;
            } else {
                unchanged += 1;
            }
        }
        let fixed = b
            .failing
            .iter()
            .filter(|f| !now.contains(&f.identity()))
            .map(|f| FixedFinding {
                rule_id: f.rule_id.to_string(),
                resource_arn: f.resource_arn.clone(),
                account_id: f.account_id.to_string(),
                region: f.region.to_string(),
            })
            .collect();
        BaselineDiff {
            file: b.file.clone(),
            new,
            unchanged,
            fixed,
        }
    });
    let gate = evaluate_gate(
        &evaluation.findings,
        &scores,
        options.fail_on,
        options.min_score,
        evaluation.accounts.iter().filter(|a| a.assessed).count(),
    );
    let passed: u64 = evaluation
        .accounts
        .iter()
        .flat_map(|a| a.tallies.iter())
        .map(|(_, t)| t.pass)
        .sum();
    let summary = Summary::of(&evaluation.findings, passed, evaluation.gaps.len());
    let mut pairs: Vec<String> = scores
        .region_pairs
        .iter()
        .map(|p| p.region_pair.clone())
        .collect();
    if pairs.is_empty() {
        pairs = config.pairs.iter().map(|p| p.id()).collect();
    }
    ScanReport {
        schema_version: REPORT_SCHEMA_VERSION.to_string(),
        tool: ToolInfo::current(),
        generated_at: options.generated_at.clone(),
        scope: ScanScope {
            source: options.source.clone(),
            inventory: options.inventory_path.clone(),
            config: config.origin.clone(),
            region_pairs: pairs,
            sanctioned_regions: config.sanctioned.clone(),
            accounts: evaluation.accounts.len(),
            resources: evaluation.resources_evaluated,
            rules: evaluation.rules_run,
            outside_pair_sources: inventory
                .source
                .as_ref()
                .map(|s| s.outside_pair_sources.clone())
                .unwrap_or_default(),
            as_of: options.today.format("%Y-%m-%d").to_string(),
        },
        summary,
        gate,
        scores,
        findings: evaluation.findings,
        gaps: evaluation.gaps,
        waivers: evaluation.waivers,
        baseline,
        diagnostics: evaluation.diagnostics,
    }
}
