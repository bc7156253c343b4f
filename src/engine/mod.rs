//! Evaluates rules against an inventory. Pure: no I/O, no clock (the date waivers are
//! judged against is an input), so a saved inventory always gives the same findings.

mod account;
mod budget;
mod check;
mod coverage;
mod expression;
pub mod fields;
mod functions;
mod gap_scope;
mod index;
mod values;
mod view;

pub use budget::EVALUATION_BUDGET;
pub use check::check_expression;
pub use expression::{
    CompileError, Expression, EVALUATION_STACK_BYTES, MAX_AST_DEPTH, MAX_EXPRESSION_BYTES,
    MAX_NESTING,
};

use crate::config::Config;
use crate::evaluation::{
    AccountSummary, AppliedWaiver, Diagnostic, Evaluation, Finding, ReportedGap, Status, Tally,
    WaiverStatus,
};
use crate::inventory::{Gap, Inventory};
use crate::rules::{Category, ResourceKind, Rule, RuleSet};
use account::AccountContext;
use cel::{Context, ExecutionError, Value};
use chrono::NaiveDate;
use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;
use view::ResourceView;

/// Inputs of an evaluation besides inventory, config and rules.
#[derive(Debug, Clone)]
pub struct EvaluateOptions {
    /// The date waivers are judged against.
    pub today: NaiveDate,
    /// Keep `pass` outcomes as findings (they are always counted in scores).
    pub include_passes: bool,
}

/// The result of one rule on one resource.
struct Outcome {
    status: Status,
    message: String,
}

/// Why an outcome is unknown. `references_error` is the resource's own account of
/// why its references could not be read, when it has one: the reader learns that
/// the configuration was read but could not be analysed, not that it is missing.
fn unknown_reason(error: &ExecutionError, references_error: Option<&str>) -> String {
    if budget::exceeded() {
        return budget::reason();
    }
    match error {
        ExecutionError::NoSuchKey(field) => match (derived_from(field), references_error) {
            (Some(_), Some(why)) if REFERENCE_FIELDS.contains(&field.as_str()) => {
                format!("not assessed: `{field}` could not be read (references_error: {why})")
            }
            (Some(source), _) => format!("not collected: `{field}` (needs {source})"),
            (None, _) => format!("not collected: `{field}`"),
        },
        other => format!("could not be evaluated: {other}"),
    }
}

/// View fields built from a configuration item's references.
const REFERENCE_FIELDS: &[&str] = &[
    "references",
    "cross_region_references",
    "replication_targets",
];

/// What the collector must read for a derived view field to exist, so an unknown
/// outcome tells the reader which data was missing.
fn derived_from(field: &str) -> Option<&'static str> {
    Some(match field {
        "aws_managed" => "the key manager from kms:DescribeKey or the aliases from kms:ListAliases",
        "replica_regions" | "stored_regions" => "the resource's replica list",
        "cross_region_references" | "references" | "replication_targets" => {
            "the resource's AWS Config configuration item"
        }
        "scp" => "the organization's service control policies",
        "remote_keys_without_local_copy" | "remote_keys_with_local_replica" => {
            "the KMS keys of the region the resource runs in and of the key's region (a region whose keys could not be listed, or a key of an account not scanned)"
        }
        "encryption_key_usable" => {
            "the state of the key that encrypts this copy (kms:DescribeKey in the copy's region)"
        }
        "headless" | "instance_count" => "the cluster's DB instances (DBClusterMembers)",
        "global_database_capable" => "the cluster's engine mode (rds:DescribeDBClusters)",
        "replicated" => "the resource's replica list",
        "tags" => "the resource's tags",
        _ => return None,
    })
}

/// Runs one rule on one resource under a fresh evaluation budget. A panic inside
/// the expression engine is caught and reported as `unknown`: one bad expression
/// never ends the scan and never becomes a pass.
fn run(rule: &Rule, ctx: &Context, references_error: Option<&str>) -> Outcome {
    budget::start();
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        run_unguarded(rule, ctx, references_error)
    }))
    .unwrap_or_else(|_| Outcome {
        status: Status::Unknown,
        message: "could not be evaluated: the expression engine failed on this resource"
            .to_string(),
    })
}

fn run_unguarded(rule: &Rule, ctx: &Context, references_error: Option<&str>) -> Outcome {
    let unknown = |e: &ExecutionError| Outcome {
        status: Status::Unknown,
        message: unknown_reason(e, references_error),
    };
    if let Some(scope) = &rule.scope {
        match scope.evaluate(ctx) {
            Ok(Value::Bool(true)) => {}
            Ok(Value::Bool(false)) => {
                return Outcome {
                    status: Status::Skip,
                    message: String::new(),
                }
            }
            Ok(other) => {
                return Outcome {
                    status: Status::Unknown,
                    message: format!("scope is not a boolean: {other:?}"),
                }
            }
            Err(e) => return unknown(&e),
        }
    }
    match rule.condition.evaluate(ctx) {
        Ok(Value::Bool(true)) => Outcome {
            status: Status::Pass,
            message: String::new(),
        },
        Ok(Value::Bool(false)) => {
            let message = match rule.message.evaluate(ctx) {
                Ok(Value::String(s)) => s.to_string(),
                _ => rule.spec.title.clone(),
            };
            Outcome {
                status: Status::Fail,
                message,
            }
        }
        Ok(other) => Outcome {
            status: Status::Unknown,
            message: format!("condition is not a boolean: {other:?}"),
        },
        Err(e) => unknown(&e),
    }
}

/// The thread pool rules run on: its threads have a stack deep enough for the
/// deepest expression a rule may hold (see [`EVALUATION_STACK_BYTES`]), which the
/// default pool's threads do not. Built once; `None` when threads cannot be
/// started, and evaluation then falls back to the global pool.
fn evaluation_pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .stack_size(EVALUATION_STACK_BYTES)
            .thread_name(|i| format!("regionready-eval-{i}"))
            .build()
            .ok()
    })
    .as_ref()
}

/// Which rules run on what, decided once per evaluation.
struct Plan {
    /// Rule indices per resource kind.
    by_kind: HashMap<ResourceKind, Vec<usize>>,
    /// `any_resource` rules: run on every view.
    any: Vec<usize>,
    account: Vec<usize>,
    /// Kinds whose views must be built (every kind when an `any_resource` rule exists).
    needed: HashSet<ResourceKind>,
    /// Fields any rule names: the only ones views are built with.
    fields: values::FieldFilter,
    /// Per rule: whether its outcome depends on the account's region pair.
    reads_pair: Vec<bool>,
}

impl Plan {
    fn of(rules: &RuleSet) -> Plan {
        let mut plan = Plan {
            by_kind: HashMap::new(),
            any: Vec::new(),
            account: Vec::new(),
            needed: HashSet::new(),
            fields: values::FieldFilter::new(Vec::new()),
            reads_pair: Vec::new(),
        };
        let mut names = HashSet::new();
        for (i, rule) in rules.rules.iter().enumerate() {
            match rule.spec.resource {
                ResourceKind::Account => plan.account.push(i),
                ResourceKind::AnyResource => plan.any.push(i),
                kind => {
                    plan.by_kind.entry(kind).or_default().push(i);
                    plan.needed.insert(kind);
                }
            }
            plan.reads_pair.push(
                check::reads_pair(&rule.condition)
                    || check::reads_pair(&rule.message)
                    || rule.scope.as_ref().is_some_and(check::reads_pair),
            );
            check::selected_fields(&rule.condition, &mut names);
            check::selected_fields(&rule.message, &mut names);
            if let Some(scope) = &rule.scope {
                check::selected_fields(scope, &mut names);
            }
        }
        plan.fields = values::FieldFilter::new(names);
        if !plan.any.is_empty() {
            plan.needed.extend([
                ResourceKind::KmsKey,
                ResourceKind::Secret,
                ResourceKind::DynamodbTable,
                ResourceKind::RdsCluster,
                ResourceKind::RdsGlobalCluster,
                ResourceKind::DbInstance,
                ResourceKind::ConfigResource,
            ]);
        }
        plan
    }

    fn for_kind(&self, kind: ResourceKind) -> &[usize] {
        self.by_kind.get(&kind).map_or(&[], |v| v.as_slice())
    }
}

/// Interned strings shared by all findings of a rule.
struct RuleStrings {
    id: Arc<str>,
    name: Arc<str>,
    title: Arc<str>,
}

/// Evaluates every rule on every in-scope resource and account.
pub fn evaluate(
    inventory: &Inventory,
    config: &Config,
    rules: &RuleSet,
    options: &EvaluateOptions,
) -> Evaluation {
    match evaluation_pool() {
        Some(pool) => pool.install(|| evaluate_here(inventory, config, rules, options)),
        None => evaluate_here(inventory, config, rules, options),
    }
}

fn evaluate_here(
    inventory: &Inventory,
    config: &Config,
    rules: &RuleSet,
    options: &EvaluateOptions,
) -> Evaluation {
    let plan = Plan::of(rules);
    let _filter = plan.fields.install();
    let index = Arc::new(index::Index::build(inventory, |k, a, r| {
        view::kms_key(k, a, r).value
    }));
    let rule_strings: Vec<RuleStrings> = rules
        .rules
        .iter()
        .map(|r| RuleStrings {
            id: r.spec.id.as_str().into(),
            name: r.spec.name.as_str().into(),
            title: r.spec.title.as_str().into(),
        })
        .collect();
    let by_account: HashMap<&str, &crate::inventory::AccountInventory> = inventory
        .accounts
        .iter()
        .map(|a| (a.account_id.as_str(), a))
        .collect();
    let account_ids: Vec<String> = inventory
        .account_ids()
        .into_iter()
        .filter(|id| config.account_in_scope(id))
        .collect();
    // The few configuration resources whose references could not be read, so an
    // unknown outcome can say why.
    let references_errors: HashMap<&str, &str> = inventory
        .accounts
        .iter()
        .flat_map(|a| a.regions.iter())
        .flat_map(|r| r.resources.iter())
        .filter_map(|r| Some((r.arn.as_str(), r.references_error.as_deref()?)))
        .collect();
    // Waivers by rule id: a finding is matched against its rule's waivers only,
    // so a config with tens of thousands of waivers does not slow every finding.
    let mut waivers_by_rule: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, w) in config.waivers.iter().enumerate() {
        waivers_by_rule.entry(w.rule.as_str()).or_default().push(i);
    }
    let waivers_in_force: Vec<bool> = config
        .waivers
        .iter()
        .map(|w| !w.is_expired(options.today))
        .collect();

    let results: Vec<AccountResult> = account_ids
        .par_iter()
        .map(|account_id| {
            let _filter = plan.fields.install();
            let ctx = AccountContext::new(account_id, inventory, config);
            let root = functions::root_context(Arc::clone(&index));
            // Variable lookups walk the scope chain, so each scope below holds the
            // account's variables itself: at most three levels are ever searched.
            let mut views: Vec<ResourceView> = Vec::new();
            if let Some(account) = by_account.get(account_id.as_str()) {
                let mut seen = HashSet::new();
                for region in &account.regions {
                    view::typed_views(
                        account_id,
                        region,
                        &index,
                        &plan.needed,
                        &mut seen,
                        &mut views,
                    );
                }
                if plan.needed.contains(&ResourceKind::ConfigResource) {
                    for region in &account.regions {
                        view::config_views(account_id, region, &index, &mut seen, &mut views);
                    }
                }
            }
            let mut run = AccountRun {
                ctx: &ctx,
                reads_pair: &plan.reads_pair,
                config,
                options,
                rule_strings: &rule_strings,
                waivers_in_force: &waivers_in_force,
                waivers_by_rule: &waivers_by_rule,
                findings: Vec::new(),
                tallies: Category::ALL
                    .iter()
                    .map(|c| (*c, Tally::default()))
                    .collect(),
                waiver_hits: vec![0; config.waivers.len()],
                seen: HashSet::new(),
                over_budget: vec![0; rules.rules.len()],
            };
            // Account rules: once per account.
            {
                let mut rscope = root.new_inner_scope();
                ctx.bind(&mut rscope, config);
                rscope.add_variable_from_value("resource", ctx.view.clone());
                rscope.add_variable_from_value("region", Value::String(Arc::new("global".into())));
                rscope.add_variable_from_value("partner_region", Value::Null);
                for &rule_index in &plan.account {
                    let rule = &rules.rules[rule_index];
                    let outcome = run.run(rule_index, rule, &rscope, None);
                    run.seen.insert((rule_index, ctx.arn.clone()));
                    run.record(
                        rule_index,
                        rule,
                        &ctx.arn,
                        "AWS::Organizations::Account",
                        "global",
                        outcome,
                    );
                }
            }
            // Resource rules: one scope per region (its partner region), one child
            // scope per resource shared by every rule that reads it.
            let mut by_region: Vec<&ResourceView> = views.iter().collect();
            by_region.sort_by(|a, b| a.region.cmp(&b.region));
            for group in by_region.chunk_by(|a, b| a.region == b.region) {
                let region = &group[0].region;
                let mut region_scope = root.new_inner_scope();
                ctx.bind(&mut region_scope, config);
                region_scope
                    .add_variable_from_value("region", Value::String(Arc::new(region.clone())));
                region_scope.add_variable_from_value(
                    "partner_region",
                    ctx.pair
                        .partner(region)
                        .map_or(Value::Null, |p| Value::String(Arc::new(p.to_string()))),
                );
                for v in group {
                    let mut rscope = region_scope.new_inner_scope();
                    rscope.add_variable_from_value("resource", v.value.clone());
                    for &rule_index in plan.for_kind(v.kind).iter().chain(&plan.any) {
                        let rule = &rules.rules[rule_index];
                        let outcome = run.run(
                            rule_index,
                            rule,
                            &rscope,
                            references_errors.get(v.arn.as_str()).copied(),
                        );
                        run.record(
                            rule_index,
                            rule,
                            &v.arn,
                            v.resource_type,
                            &v.region,
                            outcome,
                        );
                    }
                }
            }
            let account_gaps: Vec<(usize, &Gap)> = inventory
                .gaps
                .iter()
                .enumerate()
                .filter(|(_, g)| &g.account_id == account_id)
                .collect();
            let mut blocks: Vec<(usize, usize, bool)> = Vec::new();
            for o in gap_scope::outcomes(&account_gaps, rules, &ctx, config, &root) {
                if !run.seen.insert((o.rule_index, o.arn.clone())) {
                    continue;
                }
                blocks.extend(o.gaps.iter().map(|g| (*g, o.rule_index, o.blocked_sweep)));
                let rule = &rules.rules[o.rule_index];
                run.record(
                    o.rule_index,
                    rule,
                    &o.arn,
                    o.resource_type,
                    &o.region,
                    Outcome {
                        status: Status::Unknown,
                        message: o.message,
                    },
                );
            }
            let summary = AccountSummary {
                account_id: account_id.clone(),
                name: ctx.name.clone(),
                ou_path: ctx.ou_path.clone(),
                region_pair: ctx.pair.id(),
                assessed: ctx.not_assessed_reason.is_none(),
                reason: ctx.not_assessed_reason.clone(),
                tallies: run.tallies,
            };
            AccountResult {
                findings: run.findings,
                summary,
                waiver_hits: run.waiver_hits,
                resources: views.len(),
                over_budget: run.over_budget,
                blocks,
            }
        })
        .collect();

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
    evaluation.findings.sort_by(|a, b| {
        (b.status == Status::Fail)
            .cmp(&(a.status == Status::Fail))
            .then(b.severity.cmp(&a.severity))
            .then_with(|| a.rule_id.cmp(&b.rule_id))
            .then_with(|| a.account_id.cmp(&b.account_id))
            .then_with(|| a.resource_arn.cmp(&b.resource_arn))
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

/// What one account's evaluation produced.
struct AccountResult {
    findings: Vec<Finding>,
    summary: AccountSummary,
    waiver_hits: Vec<usize>,
    resources: usize,
    /// Per rule: outcomes stopped by the evaluation budget.
    over_budget: Vec<usize>,
    /// (gap index, rule index, blocked sweep) for each unknown a gap caused.
    blocks: Vec<(usize, usize, bool)>,
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

/// Per-account accumulation of findings, tallies and waiver use.
struct AccountRun<'a> {
    ctx: &'a AccountContext<'a>,
    reads_pair: &'a [bool],
    config: &'a Config,
    options: &'a EvaluateOptions,
    rule_strings: &'a [RuleStrings],
    waivers_in_force: &'a [bool],
    /// Indices of the waivers naming each rule id.
    waivers_by_rule: &'a HashMap<&'a str, Vec<usize>>,
    findings: Vec<Finding>,
    tallies: Vec<(Category, Tally)>,
    waiver_hits: Vec<usize>,
    /// (rule, ARN) pairs that already have an outcome, so a gap never adds a second
    /// outcome for something that was evaluated (an account rule read from the
    /// organization) or already reported unknown by another gap.
    seen: HashSet<(usize, String)>,
    /// Per rule: outcomes stopped by the evaluation budget.
    over_budget: Vec<usize>,
}

impl AccountRun<'_> {
    /// Runs a rule and counts it when the budget stopped it.
    fn run(
        &mut self,
        rule_index: usize,
        rule: &Rule,
        ctx: &Context,
        references_error: Option<&str>,
    ) -> Outcome {
        let outcome = run(rule, ctx, references_error);
        if outcome.status == Status::Unknown && budget::exceeded() {
            self.over_budget[rule_index] += 1;
        }
        outcome
    }

    fn record(
        &mut self,
        rule_index: usize,
        rule: &Rule,
        arn: &str,
        resource_type: &str,
        region: &str,
        mut outcome: Outcome,
    ) {
        // A pass or a failure that rests on a pair the account may not have is
        // not a finding about the account.
        if let (Some(why), true, Status::Pass | Status::Fail) = (
            &self.ctx.pair_uncertain,
            self.reads_pair[rule_index],
            outcome.status,
        ) {
            outcome = Outcome {
                status: Status::Unknown,
                message: why.clone(),
            };
        }
        let mut waiver = None;
        if outcome.status == Status::Fail {
            let candidates = self
                .waivers_by_rule
                .get(rule.spec.id.as_str())
                .map_or(&[][..], Vec::as_slice);
            for &i in candidates {
                let w = &self.config.waivers[i];
                if w.matches(&rule.spec.id, arn) {
                    self.waiver_hits[i] += 1;
                    if self.waivers_in_force[i] && waiver.is_none() {
                        waiver = Some(AppliedWaiver {
                            reason: w.reason.clone(),
                            expires: w.expires,
                        });
                    }
                }
            }
        }
        let waived = waiver.is_some();
        if let Some((_, tally)) = self
            .tallies
            .iter_mut()
            .find(|(c, _)| *c == rule.spec.category)
        {
            tally.add(outcome.status, rule.severity, waived);
        }
        let keep = match outcome.status {
            Status::Fail | Status::Unknown => true,
            Status::Pass => self.options.include_passes,
            Status::Skip => false,
        };
        if !keep {
            return;
        }
        let strings = &self.rule_strings[rule_index];
        let partner = self.ctx.pair.partner(region).map(Arc::from);
        self.findings.push(Finding {
            rule_id: Arc::clone(&strings.id),
            rule_name: Arc::clone(&strings.name),
            title: Arc::clone(&strings.title),
            status: outcome.status,
            severity: rule.severity,
            category: rule.spec.category,
            resource_arn: arn.to_string(),
            resource_type: Arc::from(resource_type),
            account_id: Arc::clone(&self.ctx.account_id_shared),
            region: Arc::from(region),
            partner_region: partner,
            region_pair: Arc::clone(&self.ctx.pair_id_shared),
            message: if outcome.status == Status::Pass {
                String::new()
            } else {
                outcome.message
            },
            waived,
            waiver,
            new: None,
        });
    }
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
