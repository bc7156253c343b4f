//! `--format text`: the terminal summary. Scores per account and category, the top
//! blockers, what could not be read, and the gate verdict.

use super::ScanReport;
use crate::evaluation::Status;
use crate::rules::Category;
use crate::sanitize::visible as v;
use std::fmt::Write;

/// How many failing findings the summary lists; the JSON has them all.
const TOP_BLOCKERS: usize = 15;

/// How many gaps the summary lists one by one.
const TOP_GAPS: usize = 20;

fn score_cell(score: Option<f64>, coverage: f64) -> String {
    match score {
        Some(s) => format!("{s:5.1} ({:3.0}%)", coverage * 100.0),
        None => "    n/a     ".to_string(),
    }
}

/// Every value that comes from the inventory, the config or a rule file goes
/// through `v` ([`crate::sanitize::visible`]): one line each, no terminal control.
pub fn render(report: &ScanReport) -> String {
    let mut out = String::new();
    let s = &report.scores;
    let _ = writeln!(
        out,
        "regionready {} — {} accounts, {} resources, {} rules ({} scan)",
        v(&report.tool.version),
        report.scope.accounts,
        report.scope.resources,
        report.scope.rules,
        v(&report.scope.source)
    );
    let _ = writeln!(
        out,
        "Region pairs: {}   Sanctioned: {}",
        v(&report.scope.region_pairs.join(", ")),
        v(&report.scope.sanctioned_regions.join(", "))
    );
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "Overall readiness: {}  grade {}  coverage {:.0}%",
        s.overall.map_or("n/a".to_string(), |o| format!("{o:.1}")),
        s.overall_grade.as_deref().unwrap_or("-"),
        s.overall_coverage * 100.0
    );
    for p in &s.region_pairs {
        let _ = writeln!(
            out,
            "  pair {:<28} {}  {}",
            v(&p.region_pair),
            score_cell(p.score.score, p.score.coverage),
            v(&p.verdict)
        );
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "Scores per account (score, coverage):");
    let header: Vec<String> = Category::ALL
        .iter()
        .map(|c| format!("{:>12}", c.as_str()))
        .collect();
    let _ = writeln!(
        out,
        "  {:<30} {:>14} {}",
        "account",
        "overall",
        header.join("")
    );
    for a in &s.accounts {
        let label = match &a.name {
            Some(n) => format!("{} ({})", v(n), v(&a.account_id)),
            None => v(&a.account_id),
        };
        let cells: Vec<String> = a
            .categories
            .iter()
            .map(|c| {
                format!(
                    "{:>12}",
                    c.score
                        .score
                        .map_or("n/a".to_string(), |v| format!("{v:.0}"))
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "  {:<30} {:>14} {}",
            truncate(&label, 30),
            score_cell(a.score.score, a.score.coverage),
            cells.join("")
        );
        if let Some(reason) = &a.reason {
            let _ = writeln!(out, "      not assessed: {}", v(reason));
        }
    }
    let _ = writeln!(out);
    let failing: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.status == Status::Fail && !f.waived)
        .collect();
    let _ = writeln!(
        out,
        "Top blockers ({} failing, {} waived, {} unknown):",
        failing.len(),
        report.summary.waived,
        report.summary.unknown
    );
    for f in failing.iter().take(TOP_BLOCKERS) {
        let new = if f.new == Some(true) { " [new]" } else { "" };
        let _ = writeln!(
            out,
            "  {:<8} {} {}{new}",
            f.severity.as_str().to_uppercase(),
            v(&f.rule_id),
            v(&f.title)
        );
        let _ = writeln!(
            out,
            "           {} ({} {})",
            v(&f.resource_arn),
            v(&f.account_id),
            v(&f.region)
        );
        let _ = writeln!(out, "           {}", v(&f.message));
    }
    if failing.len() > TOP_BLOCKERS {
        let _ = writeln!(
            out,
            "  ... and {} more (use --format json for all)",
            failing.len() - TOP_BLOCKERS
        );
    }
    if !report.gaps.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "Not assessed ({} gaps):", report.gaps.len());
        // Regions an account's SCPs close to the scanner: one line per account.
        let mut sweeps: std::collections::BTreeMap<&str, std::collections::BTreeSet<&str>> =
            std::collections::BTreeMap::new();
        for g in report.gaps.iter().filter(|g| g.blocked_sweep) {
            sweeps
                .entry(&g.account_id)
                .or_default()
                .insert(g.region.as_deref().unwrap_or("-"));
        }
        for (account, regions) in &sweeps {
            let _ = writeln!(
                out,
                "  {} blocked sweep: {} region(s) outside the pair are denied to the scanner by the account's SCPs: {}",
                v(account),
                regions.len(),
                v(&regions.iter().copied().collect::<Vec<_>>().join(", "))
            );
        }
        if !sweeps.is_empty() {
            let _ = writeln!(
                out,
                "      to read them, exempt the scanner's role in the SCP's Deny statement (ArnNotLike aws:PrincipalArn)"
            );
        }
        let others: Vec<_> = report.gaps.iter().filter(|g| !g.blocked_sweep).collect();
        for g in others.iter().take(TOP_GAPS) {
            let _ = writeln!(
                out,
                "  {} {} {}: {} {}",
                v(&g.account_id),
                v(g.region.as_deref().unwrap_or("(all regions)")),
                v(&g.service),
                v(&g.error_code),
                v(&g.message)
            );
            if !g.blocks.is_empty() {
                let _ = writeln!(out, "      left unknown: {}", v(&g.blocks.join(", ")));
            }
        }
        if others.len() > TOP_GAPS {
            let _ = writeln!(
                out,
                "  ... and {} more (use --format json for all)",
                others.len() - TOP_GAPS
            );
        }
    }
    let expired: Vec<_> = report
        .waivers
        .iter()
        .filter(|w| w.state == "expired")
        .collect();
    if !expired.is_empty() {
        let _ = writeln!(out);
        for w in expired {
            let _ = writeln!(
                out,
                "Expired waiver no longer applies: {} {} (expired {})",
                v(&w.rule_id),
                v(&w.resource),
                w.expires.map(|d| d.to_string()).unwrap_or_default()
            );
        }
    }
    if let Some(b) = &report.baseline {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "Baseline {}: {} new, {} unchanged, {} fixed",
            v(&b.file),
            b.new,
            b.unchanged,
            b.fixed.len()
        );
        for f in &b.fixed {
            let _ = writeln!(out, "  fixed: {} {}", v(&f.rule_id), v(&f.resource_arn));
        }
    }
    if !report.diagnostics.is_empty() {
        let _ = writeln!(out);
        for d in &report.diagnostics {
            let _ = writeln!(out, "Diagnostic {}: {}", v(&d.code), v(&d.message));
        }
    }
    let _ = writeln!(out);
    if report.gate.passed {
        let _ = writeln!(out, "Gate: PASSED (fail-on {})", report.gate.fail_on);
    } else {
        let _ = writeln!(out, "Gate: FAILED — {}", v(&report.gate.reasons.join("; ")));
    }
    out
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let cut: String = s.chars().take(n - 1).collect();
        format!("{cut}…")
    }
}
