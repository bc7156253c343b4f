//! Readiness scores: a severity-weighted share of passed checks.
//!
//! For any slice of outcomes (an account, a category, a region pair, everything):
//!
//! ```text
//! score    = 100 * Wpass / (Wpass + Wfail + Wunknown)      W = sum of severity weights
//! coverage = (pass + fail) / (pass + fail + unknown)       counts of outcomes
//! ```
//!
//! Weights: critical 10, high 5, medium 3, low 1, info 0. An `unknown` outcome weighs
//! in the denominator like a failure, so data that could not be read can only lower a
//! score, never raise it; coverage says how much of the score rests on evidence.
//! Waived failures are left out of both sides (an accepted risk is neither a pass nor
//! a failure) and counted separately. A slice with no applicable outcome has no score.

use crate::evaluation::{Evaluation, Status, Tally};
use crate::rules::{Category, Severity};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A score with the evidence behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Score {
    /// 0-100 with one decimal; `null` when nothing applicable was assessed.
    pub score: Option<f64>,
    /// A (>= 90), B (>= 75), C (>= 60), D (>= 40), F; `null` with no score.
    pub grade: Option<String>,
    /// 0-1: the share of applicable checks that could be evaluated.
    pub coverage: f64,
    pub passed: u64,
    pub failed: u64,
    pub unknown: u64,
    pub waived: u64,
}

impl Score {
    pub fn from_tally(t: &Tally) -> Score {
        let denominator = t.pass_weight + t.fail_weight + t.unknown_weight;
        let checks = t.pass + t.fail + t.unknown;
        let score = if checks == 0 {
            None
        } else if denominator == 0.0 {
            // Only info-weighted checks: nothing can lower the score, but unknowns
            // still forbid a perfect claim.
            Some(if t.unknown == 0 && t.fail == 0 {
                100.0
            } else {
                0.0
            })
        } else {
            Some(round1(100.0 * t.pass_weight / denominator))
        };
        Score {
            grade: score.map(grade),
            score,
            coverage: if checks == 0 {
                0.0
            } else {
                round3((t.pass + t.fail) as f64 / checks as f64)
            },
            passed: t.pass,
            failed: t.fail,
            unknown: t.unknown,
            waived: t.waived,
        }
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Letter grade of a score.
pub fn grade(score: f64) -> String {
    match score {
        s if s >= 90.0 => "A",
        s if s >= 75.0 => "B",
        s if s >= 60.0 => "C",
        s if s >= 40.0 => "D",
        _ => "F",
    }
    .to_string()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountScore {
    pub account_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub region_pair: String,
    pub assessed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(flatten)]
    pub score: Score,
    /// Per category, for the accounts x categories heatmap.
    pub categories: Vec<CategoryScore>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryScore {
    pub category: Category,
    #[serde(flatten)]
    pub score: Score,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairScore {
    pub region_pair: String,
    pub accounts: usize,
    #[serde(flatten)]
    pub score: Score,
    /// `ready`, `not ready` or `not assessed`; see [`verdict`].
    pub verdict: String,
}

/// All scores of a scan. `overall`, `accounts[].score`, `categories[].score` and
/// every `coverage` are part of the JSON contract.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scores {
    /// Overall readiness, 0-100 (`null` when nothing was assessed).
    pub overall: Option<f64>,
    pub overall_grade: Option<String>,
    pub overall_coverage: f64,
    pub accounts: Vec<AccountScore>,
    pub categories: Vec<CategoryScore>,
    pub region_pairs: Vec<PairScore>,
    /// Weights used, so a reader can recompute every score.
    pub weights: BTreeMap<String, f64>,
}

/// A pair is `ready` only with a score of at least 90, full coverage of at least 95%
/// and no unwaived critical or high failure in its accounts.
pub fn verdict(score: &Score, blocking_failures: usize) -> String {
    match score.score {
        None => "not assessed".into(),
        Some(s) if s >= 90.0 && score.coverage >= 0.95 && blocking_failures == 0 => "ready".into(),
        Some(_) => "not ready".into(),
    }
}

/// Computes every score of an evaluation.
pub fn compute(evaluation: &Evaluation) -> Scores {
    let mut overall = Tally::default();
    let mut by_category: BTreeMap<Category, Tally> = BTreeMap::new();
    let mut by_pair: BTreeMap<String, (Tally, usize)> = BTreeMap::new();
    let mut accounts = Vec::new();
    for account in &evaluation.accounts {
        let mut account_tally = Tally::default();
        let mut categories = Vec::new();
        for (category, tally) in &account.tallies {
            account_tally.merge(tally);
            by_category.entry(*category).or_default().merge(tally);
            categories.push(CategoryScore {
                category: *category,
                score: Score::from_tally(tally),
            });
        }
        overall.merge(&account_tally);
        let pair = by_pair.entry(account.region_pair.clone()).or_default();
        pair.0.merge(&account_tally);
        pair.1 += 1;
        accounts.push(AccountScore {
            account_id: account.account_id.clone(),
            name: account.name.clone(),
            region_pair: account.region_pair.clone(),
            assessed: account.assessed,
            reason: account.reason.clone(),
            score: Score::from_tally(&account_tally),
            categories,
        });
    }
    let blocking = |pair: &str| {
        evaluation
            .findings
            .iter()
            .filter(|f| {
                f.status == Status::Fail
                    && !f.waived
                    && f.severity >= Severity::High
                    && &*f.region_pair == pair
            })
            .count()
    };
    let region_pairs = by_pair
        .into_iter()
        .map(|(region_pair, (tally, count))| {
            let score = Score::from_tally(&tally);
            let verdict = verdict(&score, blocking(&region_pair));
            PairScore {
                region_pair,
                accounts: count,
                score,
                verdict,
            }
        })
        .collect();
    let overall_score = Score::from_tally(&overall);
    Scores {
        overall: overall_score.score,
        overall_grade: overall_score.grade,
        overall_coverage: overall_score.coverage,
        accounts,
        categories: Category::ALL
            .iter()
            .map(|c| CategoryScore {
                category: *c,
                score: Score::from_tally(&by_category.get(c).cloned().unwrap_or_default()),
            })
            .collect(),
        region_pairs,
        weights: Severity::ALL
            .iter()
            .map(|s| (s.as_str().to_string(), s.weight()))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(outcomes: &[(Status, Severity)]) -> Tally {
        let mut t = Tally::default();
        for (status, severity) in outcomes {
            t.add(*status, *severity, false);
        }
        t
    }

    #[test]
    fn weights_failures_by_severity() {
        let t = tally(&[
            (Status::Pass, Severity::High),
            (Status::Fail, Severity::Critical),
        ]);
        let s = Score::from_tally(&t);
        assert_eq!(s.score, Some(33.3));
        assert_eq!(s.grade.as_deref(), Some("F"));
        assert_eq!(s.coverage, 1.0);
    }

    #[test]
    fn unknown_never_raises_a_score() {
        let known = tally(&[
            (Status::Pass, Severity::High),
            (Status::Fail, Severity::High),
        ]);
        let mut with_unknown = known.clone();
        with_unknown.add(Status::Unknown, Severity::High, false);
        let a = Score::from_tally(&known);
        let b = Score::from_tally(&with_unknown);
        assert_eq!(a.score, Some(50.0));
        assert_eq!(b.score, Some(33.3));
        assert_eq!(b.coverage, 0.667);
    }

    #[test]
    fn nothing_applicable_has_no_score() {
        let s = Score::from_tally(&tally(&[(Status::Skip, Severity::High)]));
        assert_eq!(s.score, None);
        assert_eq!(s.grade, None);
        assert_eq!(s.coverage, 0.0);
    }

    #[test]
    fn waived_failures_are_left_out() {
        let mut t = tally(&[(Status::Pass, Severity::High)]);
        t.add(Status::Fail, Severity::Critical, true);
        let s = Score::from_tally(&t);
        assert_eq!(s.score, Some(100.0));
        assert_eq!(s.waived, 1);
    }
}
