//! Load-time check of a compiled CEL expression against the documented model.

use super::functions;
use crate::kinds::fields_doc::{ACCOUNT_FIELDS, VARIABLES};
use crate::kinds::ResourceKind;
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
            if !VARIABLES.iter().any(|v| v.name == name)
                && !bound.contains(name)
                && !name.starts_with('@')
            {
                problems.push(format!("unknown variable `{name}`"));
            }
        }
        Expr::Select(select) => {
            if let Expr::Ident(base) = &select.operand.expr {
                if !bound.contains(base) {
                    let fields: Option<Vec<&str>> = match base.as_str() {
                        "resource" => Some(kind.fields().iter().map(|f| f.name).collect()),
                        "account" => Some(ACCOUNT_FIELDS.iter().map(|f| f.name).collect()),
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
            if !is_operator && !functions::is_known(name) {
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
