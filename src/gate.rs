//! The CI gate: does this scan fail the build?

use crate::evaluation::{Finding, Status};
use crate::rules::Severity;
use crate::score::Scores;
use serde::{Deserialize, Serialize};

/// The CI gate and why it passed or failed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GateResult {
    pub passed: bool,
    pub fail_on: Severity,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_score: Option<f64>,
    /// One line per reason the gate failed.
    pub reasons: Vec<String>,
}

/// The gate fails on any non-waived failing finding at or above `fail_on` (only new
/// ones when a baseline marked them), or when the overall score is below `min_score`.
/// A scan with no score at all (nothing assessed) fails a `min_score` gate, and a
/// scan that assessed no account at all fails every gate: what could not be seen is
/// never a pass.
pub fn evaluate_gate(
    findings: &[Finding],
    scores: &Scores,
    fail_on: Severity,
    min_score: Option<f64>,
    assessed_accounts: usize,
) -> GateResult {
    let mut reasons = Vec::new();
    if assessed_accounts == 0 {
        reasons.push(
            "no account was assessed: a scan that saw nothing cannot pass (see the gaps and the accounts not assessed)"
                .to_string(),
        );
    }
    let gating: Vec<&Finding> = findings
        .iter()
        .filter(|f| {
            f.status == Status::Fail && !f.waived && f.severity >= fail_on && f.new != Some(false)
        })
        .collect();
    if !gating.is_empty() {
        let baseline = if findings.iter().any(|f| f.new.is_some()) {
            "new "
        } else {
            ""
        };
        reasons.push(format!(
            "{} {baseline}finding(s) at or above {fail_on}",
            gating.len()
        ));
    }
    if let Some(min) = min_score {
        match scores.overall {
            Some(score) if score < min => {
                reasons.push(format!("overall score {score} is below --min-score {min}"))
            }
            None => reasons.push(format!(
                "no score could be computed (nothing assessed); --min-score {min} needs one"
            )),
            _ => {}
        }
    }
    GateResult {
        passed: reasons.is_empty(),
        fail_on,
        min_score,
        reasons,
    }
}
