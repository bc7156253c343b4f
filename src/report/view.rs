//! What the HTML and Markdown reports show, computed once from a [`ScanReport`] and
//! the rule metadata, so both templates say the same thing and stay free of logic.
//!
//! **Top blockers** are rules, not single findings: one rule failing on forty tables
//! is one piece of work with a large blast radius. They are ranked by severity, then
//! blast radius = the number of distinct accounts with an unwaived failure of the
//! rule, then the number of distinct resources, then rule id.

use super::ScanReport;
use crate::evaluation::{Finding, Status};
use crate::rules::{RuleSet, Severity};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// How many blockers the summary ranks.
pub const TOP_BLOCKERS: usize = 10;

/// The score method, as documented in `src/score.rs`.
pub const SCORE_FORMULA: &str = "score    = 100 * Wpass / (Wpass + Wfail + Wunknown)      W = sum of severity weights\ncoverage = (pass + fail) / (pass + fail + unknown)       counts of outcomes";

pub const SCORE_NOTES: &[&str] = &[
    "An unknown outcome (data that could not be read) weighs in the denominator like a failure: it can only lower a score, never raise it. Coverage says how much of a score rests on evidence.",
    "Waived failures are left out of both sides (an accepted risk is neither a pass nor a failure) and counted separately.",
    "A slice with no applicable outcome has no score (n/a).",
    "Grades: A >= 90, B >= 75, C >= 60, D >= 40, else F.",
    "A region pair is ready only with a score of at least 90, coverage of at least 95% and no unwaived critical or high failure in its accounts.",
];

#[derive(Debug, Clone, Serialize)]
pub struct View {
    pub overall: String,
    pub grade: String,
    pub coverage: String,
    pub pairs: Vec<PairView>,
    pub heatmap: Heatmap,
    pub categories: Vec<String>,
    pub accounts: Vec<AccountRow>,
    pub blockers: Vec<Blocker>,
    pub blocker_total: usize,
    /// Unwaived failures grouped by rule, most severe first.
    pub groups: Vec<RuleGroup>,
    /// Failing findings shown in `groups` and left out of them.
    pub findings_shown: usize,
    pub findings_omitted: usize,
    pub unknown: Vec<FindingRow>,
    pub waived: Vec<FindingRow>,
    pub not_assessed: Vec<NotAssessed>,
    pub waivers_in_force: Vec<WaiverRow>,
    pub waivers_expired: Vec<WaiverRow>,
    pub new_findings: Vec<FindingRow>,
    pub formula: &'static str,
    pub notes: &'static [&'static str],
    pub weights: Vec<(String, String)>,
    pub legend: Vec<(String, String)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PairView {
    pub pair: String,
    pub accounts: usize,
    pub score: String,
    pub grade: String,
    pub coverage: String,
    pub verdict: String,
    /// CSS class of the verdict.
    pub class: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct AccountRow {
    pub label: String,
    pub pair: String,
    pub overall: String,
    pub coverage: String,
    pub cells: Vec<String>,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Blocker {
    pub rank: usize,
    pub rule_id: String,
    pub title: String,
    pub severity: String,
    pub category: String,
    pub accounts: usize,
    pub resources: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct RuleGroup {
    pub rule_id: String,
    pub title: String,
    pub severity: String,
    pub category: String,
    pub remediation: String,
    pub cli: Option<String>,
    pub terraform: Option<String>,
    pub help_uri: Option<String>,
    pub total: usize,
    pub rows: Vec<FindingRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FindingRow {
    pub rule_id: String,
    pub title: String,
    pub severity: String,
    pub arn: String,
    pub account: String,
    pub region: String,
    pub partner: String,
    pub message: String,
    pub new: bool,
    pub waiver: Option<String>,
    pub expires: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NotAssessed {
    pub account: String,
    pub region: String,
    pub service: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct WaiverRow {
    pub rule_id: String,
    pub resource: String,
    pub reason: String,
    pub expires: String,
    pub matched: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Heatmap {
    pub width: u32,
    pub height: u32,
    pub columns: Vec<Label>,
    pub rows: Vec<Label>,
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Label {
    pub x: u32,
    pub y: u32,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
    pub fill: String,
    pub ink: String,
    pub text: String,
    pub title: String,
}

const LABEL_WIDTH: u32 = 300;
const CELL_W: u32 = 92;
const CELL_H: u32 = 30;
const HEADER_H: u32 = 34;

fn fmt_score(score: Option<f64>) -> String {
    score.map_or("n/a".to_string(), |s| format!("{s:.1}"))
}

fn fmt_pct(coverage: f64) -> String {
    format!("{:.0}%", coverage * 100.0)
}

/// Fill and text colour of a heatmap cell: one colour per grade (A green through F
/// red), so a colour means the same as the letter; grey when there is no score.
pub fn score_color(score: Option<f64>) -> (String, String) {
    let (fill, ink) = match score {
        None => ("#d0d7de", "#24292f"),
        Some(s) if s >= 90.0 => ("#1a7f37", "#ffffff"),
        Some(s) if s >= 75.0 => ("#6fdd8b", "#0a3069"),
        Some(s) if s >= 60.0 => ("#eac54f", "#3b2300"),
        Some(s) if s >= 40.0 => ("#fb8f44", "#3b2300"),
        Some(_) => ("#cf222e", "#ffffff"),
    };
    (fill.to_string(), ink.to_string())
}

/// The heatmap legend, in grade order.
pub const LEGEND: [(&str, &str); 6] = [
    ("#1a7f37", "A: 90-100"),
    ("#6fdd8b", "B: 75-89"),
    ("#eac54f", "C: 60-74"),
    ("#fb8f44", "D: 40-59"),
    ("#cf222e", "F: below 40"),
    ("#d0d7de", "n/a: nothing applicable assessed"),
];

fn row(f: &Finding) -> FindingRow {
    FindingRow {
        rule_id: f.rule_id.to_string(),
        title: f.title.to_string(),
        severity: f.severity.as_str().to_string(),
        arn: f.resource_arn.clone(),
        account: f.account_id.to_string(),
        region: if f.region.is_empty() {
            "global".into()
        } else {
            f.region.to_string()
        },
        partner: f.partner_region.as_deref().unwrap_or("").to_string(),
        message: f.message.clone(),
        new: f.new == Some(true),
        waiver: f.waiver.as_ref().map(|w| w.reason.clone()),
        expires: f
            .waiver
            .as_ref()
            .and_then(|w| w.expires)
            .map(|d| d.to_string()),
    }
}

fn heatmap(report: &ScanReport) -> Heatmap {
    let mut columns = vec![Label {
        x: LABEL_WIDTH + CELL_W / 2,
        y: HEADER_H - 12,
        text: "overall".into(),
    }];
    for (i, c) in crate::rules::Category::ALL.iter().enumerate() {
        columns.push(Label {
            x: LABEL_WIDTH + CELL_W * (i as u32 + 1) + CELL_W / 2,
            y: HEADER_H - 12,
            text: c.as_str().into(),
        });
    }
    let mut rows = Vec::new();
    let mut cells = Vec::new();
    for (r, a) in report.scores.accounts.iter().enumerate() {
        let y = HEADER_H + CELL_H * r as u32;
        rows.push(Label {
            x: LABEL_WIDTH - 10,
            y: y + CELL_H / 2 + 5,
            text: if a.assessed {
                account_label(&a.account_id, a.name.as_deref())
            } else {
                format!(
                    "{}, not assessed",
                    account_label(&a.account_id, a.name.as_deref())
                )
            },
        });
        let mut values = vec![("overall".to_string(), &a.score)];
        for category in crate::rules::Category::ALL {
            if let Some(c) = a.categories.iter().find(|c| c.category == category) {
                values.push((category.as_str().to_string(), &c.score));
            }
        }
        for (i, (name, score)) in values.iter().enumerate() {
            // A category without its own entry keeps its column empty rather than shifting.
            let col = if i == 0 {
                0
            } else {
                crate::rules::Category::ALL
                    .iter()
                    .position(|c| c.as_str() == name)
                    .map_or(0, |p| p + 1)
            };
            let (fill, ink) = score_color(score.score);
            let text = score.score.map_or("n/a".to_string(), |s| format!("{s:.0}"));
            let title = format!(
                "{} / {}: {} (coverage {}, {} failed, {} unknown)",
                account_label(&a.account_id, a.name.as_deref()),
                name,
                fmt_score(score.score),
                fmt_pct(score.coverage),
                score.failed,
                score.unknown
            );
            cells.push(Cell {
                x: LABEL_WIDTH + CELL_W * col as u32,
                y,
                w: CELL_W - 2,
                h: CELL_H - 2,
                fill,
                ink,
                text,
                title,
            });
        }
    }
    let width = LABEL_WIDTH + CELL_W * (crate::rules::Category::ALL.len() as u32 + 1);
    let height = HEADER_H + CELL_H * report.scores.accounts.len().max(1) as u32;
    Heatmap {
        width,
        height,
        columns,
        rows,
        cells,
    }
}

fn account_label(id: &str, name: Option<&str>) -> String {
    match name {
        Some(n) if !n.is_empty() => format!("{n} ({id})"),
        _ => id.to_string(),
    }
}

/// Blockers: rules with unwaived failures, ranked as the module doc says.
pub fn blockers(findings: &[Finding]) -> Vec<Blocker> {
    let mut by_rule: BTreeMap<&str, (&Finding, BTreeSet<&str>, BTreeSet<&str>)> = BTreeMap::new();
    for f in findings
        .iter()
        .filter(|f| f.status == Status::Fail && !f.waived)
    {
        let entry = by_rule
            .entry(&f.rule_id)
            .or_insert_with(|| (f, BTreeSet::new(), BTreeSet::new()));
        entry.1.insert(&f.account_id);
        entry.2.insert(&f.resource_arn);
        if f.severity > entry.0.severity {
            entry.0 = f;
        }
    }
    let mut list: Vec<(Severity, usize, usize, &str, &Finding)> = by_rule
        .into_iter()
        .map(|(id, (f, acc, res))| (f.severity, acc.len(), res.len(), id, f))
        .collect();
    list.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(b.1.cmp(&a.1))
            .then(b.2.cmp(&a.2))
            .then(a.3.cmp(b.3))
    });
    list.into_iter()
        .enumerate()
        .map(|(i, (severity, accounts, resources, id, f))| Blocker {
            rank: i + 1,
            rule_id: id.to_string(),
            title: f.title.to_string(),
            severity: severity.as_str().to_string(),
            category: f.category.as_str().to_string(),
            accounts,
            resources,
        })
        .collect()
}

/// Builds the view. `max_findings` caps the rows of `groups` (the Markdown report
/// uses it to stay within a comment); `None` shows every failing finding.
pub fn build(report: &ScanReport, rules: &RuleSet, max_findings: Option<usize>) -> View {
    let s = &report.scores;
    let failing: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.status == Status::Fail && !f.waived)
        .collect();
    let all_blockers = blockers(&report.findings);
    let order: Vec<String> = all_blockers.iter().map(|b| b.rule_id.clone()).collect();
    let mut budget = max_findings.unwrap_or(usize::MAX);
    let mut groups = Vec::new();
    let mut shown = 0;
    for rule_id in &order {
        let members: Vec<&&Finding> = failing
            .iter()
            .filter(|f| &*f.rule_id == rule_id.as_str())
            .collect();
        let Some(first) = members.first() else {
            continue;
        };
        let take = members.len().min(budget);
        budget -= take;
        shown += take;
        let rule = rules.get(rule_id);
        let text = |o: Option<&String>| o.map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
        groups.push(RuleGroup {
            rule_id: rule_id.clone(),
            title: first.title.to_string(),
            severity: first.severity.as_str().to_string(),
            category: first.category.as_str().to_string(),
            remediation: rule.map(|r| r.spec.remediation.text.trim().to_string()).unwrap_or_else(|| {
                format!("Rule {rule_id} is not loaded in this build: see `regionready rules explain {rule_id}`.")
            }),
            cli: rule.and_then(|r| text(r.spec.remediation.cli.as_ref())),
            terraform: rule.and_then(|r| text(r.spec.remediation.terraform.as_ref())),
            help_uri: rule.map(|r| r.spec.help_uri.clone()).filter(|u| !u.is_empty()),
            total: members.len(),
            rows: members.iter().take(take).map(|f| row(f)).collect(),
        });
        if budget == 0 {
            break;
        }
    }
    let mut not_assessed: Vec<NotAssessed> = s
        .accounts
        .iter()
        .filter(|a| !a.assessed)
        // An account-wide gap already says why; do not say it twice.
        .filter(|a| {
            !report
                .gaps
                .iter()
                .any(|g| g.account_id == a.account_id && g.region.is_none())
        })
        .map(|a| NotAssessed {
            account: account_label(&a.account_id, a.name.as_deref()),
            region: "all regions".into(),
            service: "*".into(),
            reason: a
                .reason
                .clone()
                .unwrap_or_else(|| "nothing could be read".into()),
        })
        .collect();
    not_assessed.extend(report.gaps.iter().map(|g| NotAssessed {
        account: g.account_id.clone(),
        region: g.region.clone().unwrap_or_else(|| "all regions".into()),
        service: g.service.clone(),
        reason: format!("{}: {}", g.error_code, g.message),
    }));
    let waiver_row = |w: &crate::evaluation::WaiverStatus| WaiverRow {
        rule_id: w.rule_id.clone(),
        resource: w.resource.clone(),
        reason: w.reason.clone(),
        expires: w.expires.map_or("never".to_string(), |d| d.to_string()),
        matched: w.matched,
    };
    View {
        overall: fmt_score(s.overall),
        grade: s.overall_grade.clone().unwrap_or_else(|| "-".into()),
        coverage: fmt_pct(s.overall_coverage),
        pairs: s
            .region_pairs
            .iter()
            .map(|p| PairView {
                pair: p.region_pair.clone(),
                accounts: p.accounts,
                score: fmt_score(p.score.score),
                grade: p.score.grade.clone().unwrap_or_else(|| "-".into()),
                coverage: fmt_pct(p.score.coverage),
                verdict: p.verdict.clone(),
                class: p.verdict.replace(' ', "-"),
            })
            .collect(),
        heatmap: heatmap(report),
        categories: crate::rules::Category::ALL
            .iter()
            .map(|c| c.as_str().to_string())
            .collect(),
        accounts: s
            .accounts
            .iter()
            .map(|a| AccountRow {
                label: account_label(&a.account_id, a.name.as_deref()),
                pair: a.region_pair.clone(),
                overall: fmt_score(a.score.score),
                coverage: fmt_pct(a.score.coverage),
                cells: crate::rules::Category::ALL
                    .iter()
                    .map(|c| {
                        let score = a
                            .categories
                            .iter()
                            .find(|x| x.category == *c)
                            .and_then(|x| x.score.score);
                        score.map_or("n/a".to_string(), |v| format!("{v:.0}"))
                    })
                    .collect(),
                reason: a.reason.clone(),
            })
            .collect(),
        blocker_total: all_blockers.len(),
        blockers: all_blockers.into_iter().take(TOP_BLOCKERS).collect(),
        groups,
        findings_shown: shown,
        findings_omitted: failing.len() - shown,
        unknown: report
            .findings
            .iter()
            .filter(|f| f.status == Status::Unknown)
            .map(row)
            .collect(),
        waived: report
            .findings
            .iter()
            .filter(|f| f.status == Status::Fail && f.waived)
            .map(row)
            .collect(),
        not_assessed,
        waivers_in_force: report
            .waivers
            .iter()
            .filter(|w| w.state != "expired")
            .map(waiver_row)
            .collect(),
        waivers_expired: report
            .waivers
            .iter()
            .filter(|w| w.state == "expired")
            .map(waiver_row)
            .collect(),
        new_findings: failing
            .iter()
            .filter(|f| f.new == Some(true))
            .map(|f| row(f))
            .collect(),
        formula: SCORE_FORMULA,
        notes: SCORE_NOTES,
        weights: Severity::ALL
            .iter()
            .map(|s| (s.as_str().to_string(), format!("{}", s.weight())))
            .collect(),
        legend: LEGEND
            .iter()
            .map(|(c, t)| (c.to_string(), t.to_string()))
            .collect(),
    }
}
