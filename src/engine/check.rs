//! Load-time check of a compiled CEL expression against the documented model.

use super::fields::{resource_fields, ACCOUNT_FIELDS, FUNCTIONS, VARIABLES};
use crate::rules::ResourceKind;
use cel::common::ast::{EntryExpr, Expr, IdedExpr};

/// Fields that existed once, with what to use instead: a rule written for an older
/// release fails at load with the way forward, not with "unknown field".
fn removed_field(base: &str, field: &str) -> Option<String> {
    (base == "resource" && field == "configuration").then(|| {
        "`resource.configuration` was removed: configuration items are no longer kept \
         (they can hold secret values); use `resource.references` (target, region, path, role)"
            .to_string()
    })
}

/// Problems with an expression: unknown variables, functions, or fields of
/// `resource` / `account`. Empty when the expression only uses the model.
pub fn check_expression(kind: ResourceKind, expression: &super::Expression) -> Vec<String> {
    let mut problems = Vec::new();
    let mut bound: Vec<String> = Vec::new();
    walk(kind, expression.ast(), &mut bound, &mut problems);
    problems.sort();
    problems.dedup();
    problems
}

fn walk(kind: ResourceKind, e: &IdedExpr, bound: &mut Vec<String>, problems: &mut Vec<String>) {
    match &e.expr {
        Expr::Ident(name) => {
            if !VARIABLES.contains(&name.as_str())
                && !bound.contains(name)
                && !name.starts_with('@')
            {
                problems.push(format!("unknown variable `{name}`"));
            }
        }
        Expr::Select(select) => {
            if let Expr::Ident(base) = &select.operand.expr {
                if !bound.contains(base) {
                    let fields = match base.as_str() {
                        "resource" => Some(resource_fields(kind)),
                        "account" => Some(ACCOUNT_FIELDS.to_vec()),
                        _ => None,
                    };
                    if let Some(fields) = fields {
                        if let Some(why) = removed_field(base, &select.field) {
                            problems.push(why);
                        } else if !fields.contains(&select.field.as_str()) {
                            problems.push(format!(
                                "unknown field `{base}.{}` for resource kind {}",
                                select.field,
                                kind.as_str()
                            ));
                        }
                    }
                }
            }
            walk(kind, &select.operand, bound, problems);
        }
        Expr::Call(call) => {
            let name = call.func_name.as_str();
            let is_operator = !name.starts_with(|c: char| c.is_ascii_alphabetic());
            if !is_operator && !FUNCTIONS.contains(&name) {
                problems.push(format!("unknown function `{name}`"));
            }
            if let Some(target) = &call.target {
                walk(kind, target, bound, problems);
            }
            for arg in &call.args {
                walk(kind, arg, bound, problems);
            }
        }
        Expr::Comprehension(c) => {
            walk(kind, &c.iter_range, bound, problems);
            walk(kind, &c.accu_init, bound, problems);
            bound.push(c.iter_var.clone());
            bound.push(c.accu_var.clone());
            if let Some(second) = &c.iter_var2 {
                bound.push(second.clone());
            }
            walk(kind, &c.loop_cond, bound, problems);
            walk(kind, &c.loop_step, bound, problems);
            walk(kind, &c.result, bound, problems);
            bound.truncate(bound.len() - 2 - usize::from(c.iter_var2.is_some()));
        }
        Expr::List(l) => {
            for item in &l.elements {
                walk(kind, item, bound, problems);
            }
        }
        Expr::Map(m) => {
            for entry in &m.entries {
                if let EntryExpr::MapEntry(me) = &entry.expr {
                    walk(kind, &me.key, bound, problems);
                    walk(kind, &me.value, bound, problems);
                }
            }
        }
        Expr::Struct(s) => {
            for entry in &s.entries {
                if let EntryExpr::StructField(f) = &entry.expr {
                    walk(kind, &f.value, bound, problems);
                }
            }
        }
        Expr::Literal(_) | Expr::Unspecified => {}
    }
}

/// Every field name an expression selects (`x.field` or `has(x.field)`), on any
/// operand: the set of view fields evaluation must build.
pub fn selected_fields(
    expression: &super::Expression,
    out: &mut std::collections::HashSet<String>,
) {
    fn walk(e: &IdedExpr, out: &mut std::collections::HashSet<String>) {
        match &e.expr {
            Expr::Select(s) => {
                out.insert(s.field.clone());
                walk(&s.operand, out);
            }
            Expr::Call(c) => {
                if let Some(t) = &c.target {
                    walk(t, out);
                }
                c.args.iter().for_each(|a| walk(a, out));
            }
            Expr::Comprehension(c) => {
                for x in [
                    &c.iter_range,
                    &c.accu_init,
                    &c.loop_cond,
                    &c.loop_step,
                    &c.result,
                ] {
                    walk(x, out);
                }
            }
            Expr::List(l) => l.elements.iter().for_each(|x| walk(x, out)),
            Expr::Map(m) => {
                for en in &m.entries {
                    match &en.expr {
                        EntryExpr::MapEntry(me) => {
                            walk(&me.key, out);
                            walk(&me.value, out);
                        }
                        EntryExpr::StructField(f) => walk(&f.value, out),
                    }
                }
            }
            Expr::Struct(st) => {
                for en in &st.entries {
                    if let EntryExpr::StructField(f) = &en.expr {
                        walk(&f.value, out);
                    }
                }
            }
            _ => {}
        }
    }
    walk(expression.ast(), out);
}

/// Whether an expression depends on the account's region pair (`pair`,
/// `partner_region` or `account.pair`): its outcome is unknown when the pair is.
pub fn reads_pair(expression: &super::Expression) -> bool {
    fn walk(e: &IdedExpr) -> bool {
        match &e.expr {
            Expr::Ident(name) => name == "pair" || name == "partner_region",
            Expr::Select(s) => {
                (s.field == "pair" && matches!(&s.operand.expr, Expr::Ident(b) if b == "account"))
                    || walk(&s.operand)
            }
            Expr::Call(c) => c.target.as_deref().is_some_and(walk) || c.args.iter().any(walk),
            Expr::Comprehension(c) => [
                &c.iter_range,
                &c.accu_init,
                &c.loop_cond,
                &c.loop_step,
                &c.result,
            ]
            .iter()
            .any(|x| walk(x)),
            Expr::List(l) => l.elements.iter().any(walk),
            Expr::Map(m) => m.entries.iter().any(|en| match &en.expr {
                EntryExpr::MapEntry(me) => walk(&me.key) || walk(&me.value),
                EntryExpr::StructField(f) => walk(&f.value),
            }),
            Expr::Struct(st) => st.entries.iter().any(|en| match &en.expr {
                EntryExpr::StructField(f) => walk(&f.value),
                EntryExpr::MapEntry(me) => walk(&me.value),
            }),
            _ => false,
        }
    }
    walk(expression.ast())
}
