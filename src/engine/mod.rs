//! Evaluates rules against an inventory. Pure: no I/O, no clock (the date waivers are
//! judged against is an input), so a saved inventory always gives the same findings.

mod account;
mod coverage;
mod gap_scope;
mod index;
mod index_val;
mod merge;
mod plan;
mod run;
mod scp;

pub use crate::expr::{
    check_expression, CompileError, Expression, RuleFunction, EVALUATION_BUDGET,
    EVALUATION_STACK_BYTES, FUNCTIONS, MAX_AST_DEPTH, MAX_EXPRESSION_BYTES, MAX_NESTING,
    STANDARD_FUNCTIONS,
};

use crate::config::Config;
use crate::evaluation::Evaluation;
use crate::inventory::Inventory;
use crate::rules::RuleSet;
use chrono::NaiveDate;
use rayon::prelude::*;
use std::collections::HashMap;

/// Inputs of an evaluation besides inventory, config and rules.
#[derive(Debug, Clone)]
pub struct EvaluateOptions {
    /// The date waivers are judged against.
    pub today: NaiveDate,
    /// Keep `pass` outcomes as findings (they are always counted in scores).
    pub include_passes: bool,
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

/// Evaluates every rule on every in-scope resource and account: a plan from the
/// rules, one evaluation per account (in parallel), then one merge.
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
    let plan = plan::Plan::of(rules);
    let index = index::Index::build(inventory);
    let root = crate::expr::root_context();
    let mut waivers_by_rule: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, w) in config.waivers.iter().enumerate() {
        waivers_by_rule.entry(w.rule.as_str()).or_default().push(i);
    }
    let shared = run::Shared {
        inventory,
        config,
        rules,
        options,
        plan: &plan,
        index: &index,
        root: &root,
        rule_strings: rules
            .rules
            .iter()
            .map(|r| run::RuleStrings {
                id: r.spec.id.as_str().into(),
                name: r.spec.name.as_str().into(),
                title: r.spec.title.as_str().into(),
            })
            .collect(),
        by_account: inventory
            .accounts
            .iter()
            .map(|a| (a.account_id.as_str(), a))
            .collect(),
        references_errors: inventory
            .accounts
            .iter()
            .flat_map(|a| a.regions.iter())
            .flat_map(|r| r.resources.iter())
            .filter_map(|r| Some((r.arn.as_str(), r.references_error.as_deref()?)))
            .collect(),
        waivers_by_rule,
        waivers_in_force: config
            .waivers
            .iter()
            .map(|w| !w.is_expired(options.today))
            .collect(),
    };
    let account_ids: Vec<String> = inventory
        .account_ids()
        .into_iter()
        .filter(|id| config.account_in_scope(id))
        .collect();
    let results: Vec<run::AccountResult> = account_ids
        .par_iter()
        .map(|account_id| run::account(&shared, account_id))
        .collect();
    merge::merge(results, &account_ids, inventory, config, rules, options)
}
