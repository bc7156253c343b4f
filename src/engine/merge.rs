//! The accounts' results merged into one evaluation: findings in report order,
//! the accounts the organization lists but AWS does not run, waiver use, the rules
//! each gap left unknown, and the diagnostics of the run.

use super::coverage;
use super::run::AccountResult;
use super::{EvaluateOptions, EVALUATION_BUDGET};
use crate::config::Config;
use crate::evaluation::{
    AccountSummary, Diagnostic, Evaluation, Finding, ReportedGap, Status, Tally, WaiverStatus,
};
use crate::inventory::{Gap, Inventory};
use crate::rules::{Category, RuleSet};
use rayon::slice::ParallelSliceMut;
use std::collections::BTreeSet;

/// Merges the accounts' results (in the order of `account_ids`).
pub fn merge(
    results: Vec<AccountResult>,
    account_ids: &[String],
    inventory: &Inventory,
    config: &Config,
    rules: &RuleSet,
    options: &EvaluateOptions,
) -> Evaluation {
    let mut evaluation = Evaluation {
        rules_run: rules.rules.len(),
        ..Default::default()
    };
    let mut waiver_hits = vec![0usize; config.waivers.len()];
    // Sized once: growing a vector of a million findings by doubling would hold two
    // copies at the peak.
    evaluation
        .findings
        .reserve_exact(results.iter().map(|r| r.findings.len()).sum());
    evaluation.accounts.reserve_exact(results.len());
    let mut over_budget = vec![0usize; rules.rules.len()];
    let mut blocked: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); inventory.gaps.len()];
    let mut swept_blocked: Vec<bool> = vec![false; inventory.gaps.len()];
    for result in results {
        for (gap, rule, blocked_sweep) in result.blocks {
            blocked[gap].insert(rule);
            swept_blocked[gap] |= blocked_sweep;
        }
        evaluation.findings.extend(result.findings);
        evaluation.accounts.push(result.summary);
        evaluation.resources_evaluated += result.resources;
        for (total, h) in waiver_hits.iter_mut().zip(result.waiver_hits) {
            *total += h;
        }
        for (total, n) in over_budget.iter_mut().zip(result.over_budget) {
            *total += n;
        }
    }
    // Accounts the organization lists but AWS does not run (suspended, closed,
    // pending activation) are reported, not scanned: nothing can be deployed there.
    if let Some(org) = &inventory.organization {
        for a in org
            .accounts
            .iter()
            .filter(|a| !a.is_active() && config.account_in_scope(&a.id))
            .filter(|a| !account_ids.contains(&a.id))
        {
            let ou_path = org.ou_path(&a.id);
            evaluation.accounts.push(AccountSummary {
                account_id: a.id.clone(),
                name: Some(a.name.clone()),
                region_pair: config.pair_for(&a.id, &ou_path, a.tags.as_ref()).id(),
                ou_path,
                assessed: false,
                reason: Some(format!(
                    "not scanned: the account's state is {}",
                    a.lifecycle()
                )),
                tallies: Category::ALL
                    .iter()
                    .map(|c| (*c, Tally::default()))
                    .collect(),
            });
        }
        evaluation
            .accounts
            .sort_by(|a, b| a.account_id.cmp(&b.account_id));
    }
    evaluation.diagnostics = budget_diagnostics(rules, &over_budget);
    // In place and in parallel: a large organization has hundreds of thousands of
    // findings, and a stable sort would copy half of them aside. (rule, account,
    // resource) is unique, so the order is the same as a stable sort's; region
    // and message settle any tie all the same.
    evaluation.findings.par_sort_unstable_by(|a, b| {
        (b.status == Status::Fail)
            .cmp(&(a.status == Status::Fail))
            .then(b.severity.cmp(&a.severity))
            .then_with(|| a.rule_id.cmp(&b.rule_id))
            .then_with(|| a.account_id.cmp(&b.account_id))
            .then_with(|| a.resource_arn.cmp(&b.resource_arn))
            .then_with(|| a.region.cmp(&b.region))
            .then_with(|| a.message.cmp(&b.message))
    });
    evaluation.gaps = inventory
        .gaps
        .iter()
        .zip(blocked.iter().zip(&swept_blocked))
        .filter(|(g, _)| config.account_in_scope(&g.account_id))
        .map(|(g, (rules_blocked, &blocked_sweep))| {
            let mut blocks: BTreeSet<String> = rules_blocked
                .iter()
                .map(|&r| rules.rules[r].spec.id.clone())
                .collect();
            blocks.extend(per_resource_blocks(g, &evaluation.findings));
            ReportedGap {
                gap: g.clone(),
                blocks: blocks.into_iter().collect(),
                blocked_sweep,
            }
        })
        .collect();
    evaluation.waivers = config
        .waivers
        .iter()
        .zip(waiver_hits)
        .map(|(w, matched)| WaiverStatus {
            rule_id: w.rule.clone(),
            resource: w.resource.clone(),
            reason: w.reason.clone(),
            expires: w.expires,
            state: if w.is_expired(options.today) {
                "expired".into()
            } else {
                "in-force".into()
            },
            matched,
        })
        .collect();
    evaluation
}

/// One diagnostic per rule that ran out of budget, however many resources it did
/// so on: the findings carry the reason each time, the diagnostic says it once.
fn budget_diagnostics(rules: &RuleSet, over_budget: &[usize]) -> Vec<Diagnostic> {
    rules
        .rules
        .iter()
        .zip(over_budget)
        .filter(|(_, n)| **n > 0)
        .map(|(rule, n)| Diagnostic {
            code: "evaluation-budget-exceeded".to_string(),
            rule_id: rule.spec.id.clone(),
            count: *n,
            message: format!(
                "rule {} ({}) exceeded the evaluation budget of {} steps on {n} resource(s); those outcomes are unknown",
                rule.spec.id, rule.origin, EVALUATION_BUDGET
            ),
        })
        .collect()
}

/// Rules a per-resource failure (DescribeKey, DescribeContinuousBackups, ...) left
/// `unknown`: the unknown outcomes on the resource the gap names, in its account
/// and region.
fn per_resource_blocks(gap: &Gap, findings: &[Finding]) -> Vec<String> {
    if coverage::is_account_wide(gap) || !coverage::hidden_kinds(gap).is_empty() {
        return Vec::new();
    }
    let Some(region) = gap.region.as_deref() else {
        return Vec::new();
    };
    findings
        .iter()
        .filter(|f| {
            f.status == Status::Unknown
                && *f.account_id == *gap.account_id
                && &*f.region == region
                && (gap.message.contains(&f.resource_arn)
                    || f.resource_arn
                        .rsplit([':', '/'])
                        .next()
                        .is_some_and(|name| {
                            gap.message
                                .split([' ', ':'])
                                .any(|word| !name.is_empty() && word == name)
                        }))
        })
        .map(|f| f.rule_id.to_string())
        .collect()
}
