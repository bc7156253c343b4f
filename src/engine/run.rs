//! One account's evaluation: its views, its rules, its gaps. Pure, and independent
//! of every other account, so accounts run in parallel.

use super::account::{AccountContext, AccountView};
use super::gap_scope;
use super::index::Index;
use super::index_val::IndexVal;
use super::plan::Plan;
use super::EvaluateOptions;
use crate::config::Config;
use crate::evaluation::{AccountSummary, AppliedWaiver, Finding, Status, Tally};
use crate::expr::budget::{self, Meter, MeterVal};
use crate::expr::INDEX;
use crate::inventory::{AccountInventory, Gap, Inventory};
use crate::kinds::config_resource::REFERENCE_FIELDS;
use crate::kinds::fields_doc::needs;
use crate::kinds::value::{self, as_bool, as_str, Object};
use crate::kinds::{ResourceView, ALL};
use crate::rules::{Category, Rule, RuleSet};
use cel::{Context, ExecutionError};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// What every account's evaluation reads, prepared once.
pub struct Shared<'a> {
    pub inventory: &'a Inventory,
    pub config: &'a Config,
    pub rules: &'a RuleSet,
    pub options: &'a EvaluateOptions,
    pub plan: &'a Plan,
    pub index: &'a Index<'a>,
    pub root: &'a Context<'static, 'static>,
    pub rule_strings: Vec<RuleStrings>,
    pub by_account: HashMap<&'a str, &'a AccountInventory>,
    /// The few configuration resources whose references could not be read, so an
    /// unknown outcome can say why.
    pub references_errors: HashMap<&'a str, &'a str>,
    /// Waivers by rule id: a finding is matched against its rule's waivers only,
    /// so a config with tens of thousands of waivers does not slow every finding.
    pub waivers_by_rule: HashMap<&'a str, Vec<usize>>,
    pub waivers_in_force: Vec<bool>,
}

/// Interned strings shared by all findings of a rule.
pub struct RuleStrings {
    pub id: Arc<str>,
    pub name: Arc<str>,
    pub title: Arc<str>,
}

/// What one account's evaluation produced.
pub struct AccountResult {
    pub findings: Vec<Finding>,
    pub summary: AccountSummary,
    pub waiver_hits: Vec<usize>,
    pub resources: usize,
    /// Per rule: outcomes stopped by the evaluation budget.
    pub over_budget: Vec<usize>,
    /// (gap index, rule index, blocked sweep) for each unknown a gap caused.
    pub blocks: Vec<(usize, usize, bool)>,
}

/// The result of one rule on one resource.
pub struct Outcome {
    pub status: Status,
    pub message: String,
}

/// The views of an account's resources: every kind a rule needs, each resource
/// once (a global cluster is listed in every region holding a member, a
/// configuration item may describe a typed resource), typed kinds first.
fn views<'a>(
    account_id: &'a str,
    account: &'a AccountInventory,
    plan: &Plan,
    index: &'a Index<'a>,
) -> Vec<ResourceView<'a>> {
    let mut seen: HashSet<&'a str> = HashSet::new();
    let mut out = Vec::new();
    for (kind, _) in ALL.iter().filter(|(k, _)| plan.needs(*k)) {
        for region in &account.regions {
            for record in region.records(*kind) {
                if seen.insert(record.arn()) {
                    out.push(ResourceView::new(record, account_id, &region.region, index));
                }
            }
        }
    }
    // Findings are filed per region: one scope per region serves all its views.
    out.sort_by(|a, b| a.finding_region().cmp(b.finding_region()));
    out
}

/// Evaluates every rule of the plan in one account.
pub fn account(shared: &Shared, account_id: &str) -> AccountResult {
    let config = shared.config;
    let rules = shared.rules;
    let ctx = AccountContext::new(account_id, shared.inventory, config);
    let meter = Arc::new(Meter::default());
    let mut account_scope = shared.root.new_inner_scope();
    ctx.bind(&mut account_scope, config);
    account_scope.add_variable_as_val(budget::METER, Box::new(MeterVal(Arc::clone(&meter))));
    account_scope.add_variable_as_val(INDEX, Box::new(IndexVal(shared.index)));

    let views = match shared.by_account.get(account_id) {
        Some(inventory) => views(&ctx.account_id_shared, inventory, shared.plan, shared.index),
        None => Vec::new(),
    };
    let mut run = AccountRun {
        ctx: &ctx,
        shared,
        meter: &meter,
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
        let mut scope = account_scope.new_inner_scope();
        scope.add_variable_as_val("resource", Box::new(Object(AccountView(&ctx))));
        scope.add_variable_as_val("region", value::text("global"));
        scope.add_variable_as_val("partner_region", value::null());
        for &rule_index in &shared.plan.account {
            let rule = &rules.rules[rule_index];
            let outcome = run.run(rule_index, rule, &scope, None);
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
    // Resource rules: one scope per region (its partner region), one child scope
    // per resource shared by every rule that reads it.
    for group in views.chunk_by(|a, b| a.finding_region() == b.finding_region()) {
        let region = group[0].finding_region();
        let mut region_scope = account_scope.new_inner_scope();
        region_scope.add_variable_as_val("region", value::text(region));
        region_scope.add_variable_as_val(
            "partner_region",
            ctx.pair
                .partner(region)
                .map_or_else(value::null, value::text),
        );
        for view in group {
            let mut scope = region_scope.new_inner_scope();
            scope.add_variable_as_val("resource", view.boxed());
            let arn = view.record.arn();
            let references_error = shared.references_errors.get(arn).copied();
            for rule_index in shared.plan.for_kind(view.record.kind()) {
                let rule = &rules.rules[rule_index];
                let outcome = run.run(rule_index, rule, &scope, references_error);
                run.record(
                    rule_index,
                    rule,
                    arn,
                    view.record.resource_type(),
                    region,
                    outcome,
                );
            }
        }
    }
    let account_gaps: Vec<(usize, &Gap)> = shared
        .inventory
        .gaps
        .iter()
        .enumerate()
        .filter(|(_, g)| g.account_id == account_id)
        .collect();
    let mut blocks: Vec<(usize, usize, bool)> = Vec::new();
    for o in gap_scope::outcomes(&account_gaps, rules, &ctx, config, &account_scope, &meter) {
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
        account_id: account_id.to_string(),
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
}

/// Why an outcome is unknown. `references_error` is the resource's own account of
/// why its references could not be read, when it has one: the reader learns that
/// the configuration was read but could not be analysed, not that it is missing.
fn unknown_reason(error: &ExecutionError, references_error: Option<&str>, meter: &Meter) -> String {
    if meter.exceeded() {
        return budget::reason();
    }
    match error {
        ExecutionError::NoSuchKey(field) => match (needs(field), references_error) {
            (Some(_), Some(why)) if REFERENCE_FIELDS.contains(&field.as_str()) => {
                format!("not assessed: `{field}` could not be read (references_error: {why})")
            }
            (Some(source), _) => format!("not collected: `{field}` (needs {source})"),
            (None, _) => format!("not collected: `{field}`"),
        },
        other => format!("could not be evaluated: {other}"),
    }
}

/// Per-account accumulation of findings, tallies and waiver use.
struct AccountRun<'a> {
    ctx: &'a AccountContext<'a>,
    shared: &'a Shared<'a>,
    meter: &'a Meter,
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
    /// Runs one rule on one resource under a fresh evaluation budget, and counts it
    /// when the budget stopped it. A panic inside the expression engine is caught
    /// and reported as `unknown`: one bad expression never ends the scan and never
    /// becomes a pass.
    fn run(
        &mut self,
        rule_index: usize,
        rule: &Rule,
        scope: &Context,
        references_error: Option<&str>,
    ) -> Outcome {
        self.meter.start();
        let meter = self.meter;
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            run_unguarded(rule, scope, references_error, meter)
        }))
        .unwrap_or_else(|_| Outcome {
            status: Status::Unknown,
            message: "could not be evaluated: the expression engine failed on this resource"
                .to_string(),
        });
        if outcome.status == Status::Unknown && self.meter.exceeded() {
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
        let shared = self.shared;
        // A pass or a failure that rests on a pair the account may not have is
        // not a finding about the account.
        if let (Some(why), true, Status::Pass | Status::Fail) = (
            &self.ctx.pair_uncertain,
            shared.plan.reads_pair[rule_index],
            outcome.status,
        ) {
            outcome = Outcome {
                status: Status::Unknown,
                message: why.clone(),
            };
        }
        let mut waiver = None;
        if outcome.status == Status::Fail {
            let candidates = shared
                .waivers_by_rule
                .get(rule.spec.id.as_str())
                .map_or(&[][..], Vec::as_slice);
            for &i in candidates {
                let w = &shared.config.waivers[i];
                if w.matches(&rule.spec.id, arn) {
                    self.waiver_hits[i] += 1;
                    if shared.waivers_in_force[i] && waiver.is_none() {
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
            Status::Pass => shared.options.include_passes,
            Status::Skip => false,
        };
        if !keep {
            return;
        }
        let strings = &shared.rule_strings[rule_index];
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

fn run_unguarded(
    rule: &Rule,
    scope: &Context,
    references_error: Option<&str>,
    meter: &Meter,
) -> Outcome {
    let unknown = |e: &ExecutionError| Outcome {
        status: Status::Unknown,
        message: unknown_reason(e, references_error, meter),
    };
    if let Some(expression) = &rule.scope {
        match expression.evaluate(scope) {
            Ok(v) => match as_bool(v.as_ref()) {
                Some(true) => {}
                Some(false) => {
                    return Outcome {
                        status: Status::Skip,
                        message: String::new(),
                    }
                }
                None => {
                    return Outcome {
                        status: Status::Unknown,
                        message: format!("scope is not a boolean: {:?}", v.as_ref()),
                    }
                }
            },
            Err(e) => return unknown(&e),
        }
    }
    match rule.condition.evaluate(scope) {
        Ok(v) => match as_bool(v.as_ref()) {
            Some(true) => Outcome {
                status: Status::Pass,
                message: String::new(),
            },
            Some(false) => {
                let message = match rule.message.evaluate(scope) {
                    Ok(m) => as_str(m.as_ref())
                        .map(str::to_string)
                        .unwrap_or_else(|| rule.spec.title.clone()),
                    Err(_) => rule.spec.title.clone(),
                };
                Outcome {
                    status: Status::Fail,
                    message,
                }
            }
            None => Outcome {
                status: Status::Unknown,
                message: format!("condition is not a boolean: {:?}", v.as_ref()),
            },
        },
        Err(e) => unknown(&e),
    }
}
