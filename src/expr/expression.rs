//! Rule expressions compiled with limits, so a hostile or careless rule file can
//! neither overflow a stack nor run forever.
//!
//! Three guards, each independent of the CEL interpreter's internals so they hold
//! across engine upgrades:
//! 1. a textual pre-check of size and nesting before the parser runs (the parser
//!    recurses once per bracket or `?:` level and overflows, or panics, on deep input);
//! 2. a depth check of the parsed tree, since evaluation recurses once per level
//!    (evaluation threads get a stack sized for [`MAX_AST_DEPTH`], see
//!    [`EVALUATION_STACK_BYTES`]);
//! 3. every comprehension's range is wrapped in a call to [`super::budget`], which
//!    charges the iterations to a per-evaluation budget.

use super::budget;
use cel::common::ast::{operators, CallExpr, EntryExpr, Expr, IdedExpr, LiteralValue};
use cel::common::types::CelBool;
use cel::common::value::CowVal;
use cel::{Context, ExecutionError, Value};

/// Longest expression accepted, in bytes. The longest built-in one is under 500.
pub const MAX_EXPRESSION_BYTES: usize = 8 * 1024;

/// Deepest textual nesting accepted: brackets `(`, `[`, `{` plus `?` conditionals.
/// Counted over the whole text, string literals included: a count that cannot be
/// fooled by quoting matters more than a message with many parentheses.
pub const MAX_NESTING: usize = 32;

/// Deepest parsed tree accepted. A chain of 100 `+` terms is 100 levels deep.
pub const MAX_AST_DEPTH: usize = 128;

/// The parser's own bound on nested expressions, a backstop behind the textual
/// check (which counts more than the parser does, so it speaks first).
const PARSER_MAX_RECURSION: u16 = MAX_AST_DEPTH as u16;

/// Stack of the thread that parses: generous for [`MAX_NESTING`] levels even in a
/// debug build, where the parser takes about 130 KiB per bracket level.
const PARSER_STACK_BYTES: usize = 64 << 20;

/// Stack of each evaluation thread: generous for [`MAX_AST_DEPTH`] levels even in a
/// debug build, where evaluation takes about 20 KiB per level. Only touched pages
/// are committed, so the size costs address space, not memory.
pub const EVALUATION_STACK_BYTES: usize = 32 << 20;

/// Why an expression was refused at load.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CompileError {
    #[error("is {0} bytes long (at most {MAX_EXPRESSION_BYTES})")]
    TooLong(usize),
    #[error("nests {0} levels of brackets and ?: conditionals (at most {MAX_NESTING})")]
    TooNested(usize),
    #[error("does not compile: {0}")]
    Syntax(String),
    #[error(
        "is more than {MAX_AST_DEPTH} levels deep once parsed; shorten its chains of operators"
    )]
    TooDeep,
    #[error("uses {0}, which regionready's CEL does not support")]
    Unsupported(&'static str),
}

/// A compiled rule expression, ready to evaluate under the budget.
#[derive(Debug, Clone)]
pub struct Expression {
    /// The tree as written (comprehension ranges wrapped in the budget call): what
    /// the load-time checks read.
    ast: IdedExpr,
    /// The same tree with field selections as indexes: what is evaluated.
    program: IdedExpr,
}

impl Expression {
    /// Checks, parses and prepares `source`.
    pub fn compile(source: &str) -> Result<Expression, CompileError> {
        if source.len() > MAX_EXPRESSION_BYTES {
            return Err(CompileError::TooLong(source.len()));
        }
        let nesting = textual_nesting(source);
        if nesting > MAX_NESTING {
            return Err(CompileError::TooNested(nesting));
        }
        let ast = parse_on_large_stack(source)?;
        check_tree(&ast)?;
        let ast = with_budget(ast);
        Ok(Expression {
            program: selections_as_index(ast.clone()),
            ast,
        })
    }

    /// The parsed tree (comprehension ranges wrapped in the budget call).
    pub fn ast(&self) -> &IdedExpr {
        &self.ast
    }

    /// Evaluates in `ctx`. The caller starts the budget (see [`budget::Meter`]).
    /// The result may borrow the inventory (`'v`).
    pub fn evaluate<'e, 'v>(
        &'e self,
        ctx: &'e Context<'_, 'v>,
    ) -> Result<CowVal<'e, 'v>, ExecutionError> {
        Value::resolve_val(&self.program, ctx)
    }
}

/// Upper bound of the parser's recursion: the deepest bracket nesting plus every
/// `?` (a chain of conditionals nests without brackets).
fn textual_nesting(source: &str) -> usize {
    let mut depth = 0usize;
    let mut deepest = 0usize;
    let mut conditionals = 0usize;
    for b in source.bytes() {
        match b {
            b'(' | b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b'?' => conditionals += 1,
            _ => {}
        }
    }
    deepest + conditionals
}

/// Parses on a thread of its own with a large stack, so the caller's stack size
/// (2 MiB on test threads) never matters. A panic in the parser is an error.
fn parse_on_large_stack(source: &str) -> Result<IdedExpr, CompileError> {
    let source = source.to_string();
    let spawned = std::thread::Builder::new()
        .name("regionready-cel-parse".into())
        .stack_size(PARSER_STACK_BYTES)
        .spawn(move || {
            cel::parser::Parser::new()
                .max_recursion_depth(PARSER_MAX_RECURSION)
                .parse(&source)
                .map_err(|e| first_line(&e.to_string()))
        });
    let handle =
        spawned.map_err(|e| CompileError::Syntax(format!("the parser could not start: {e}")))?;
    match handle.join() {
        Ok(result) => result.map_err(CompileError::Syntax),
        Err(_) => Err(CompileError::Syntax(
            "the CEL parser failed on this expression".into(),
        )),
    }
}

/// The parser's first line, which may quote the expression: made visible.
fn first_line(text: &str) -> String {
    crate::sanitize::visible(
        text.lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("syntax error"),
    )
}

/// Depth and supported constructs, walked with an explicit stack so the check
/// itself cannot overflow whatever the tree.
fn check_tree(root: &IdedExpr) -> Result<(), CompileError> {
    let mut pending: Vec<(&IdedExpr, usize)> = vec![(root, 1)];
    let mut deepest = 0;
    while let Some((e, depth)) = pending.pop() {
        deepest = deepest.max(depth);
        if deepest > MAX_AST_DEPTH {
            return Err(CompileError::TooDeep);
        }
        let next = depth + 1;
        match &e.expr {
            Expr::Unspecified => return Err(CompileError::Unsupported("an empty expression")),
            Expr::Struct(_) => return Err(CompileError::Unsupported("a message literal")),
            Expr::Literal(value) => {
                // Every literal the parser produces is a plain value.
                let _: &LiteralValue = value;
            }
            Expr::Ident(_) => {}
            Expr::Select(s) => pending.push((&s.operand, next)),
            Expr::Call(c) => {
                pending.extend(c.target.iter().map(|t| (t.as_ref(), next)));
                pending.extend(c.args.iter().map(|a| (a, next)));
            }
            Expr::List(l) => pending.extend(l.elements.iter().map(|x| (x, next))),
            Expr::Map(m) => {
                for entry in &m.entries {
                    match &entry.expr {
                        EntryExpr::MapEntry(me) if !me.optional => {
                            pending.push((&me.key, next));
                            pending.push((&me.value, next));
                        }
                        _ => return Err(CompileError::Unsupported("an optional or field entry")),
                    }
                }
            }
            Expr::Comprehension(c) => {
                for part in [
                    &c.iter_range,
                    &c.accu_init,
                    &c.loop_cond,
                    &c.loop_step,
                    &c.result,
                ] {
                    pending.push((part, next));
                }
            }
        }
    }
    Ok(())
}

/// Applies `f` to every direct child of `e`, in place.
fn map_children(e: &mut IdedExpr, f: &mut dyn FnMut(IdedExpr) -> IdedExpr) {
    let mut apply = |x: &mut IdedExpr| *x = f(std::mem::take(x));
    match &mut e.expr {
        Expr::Select(s) => apply(s.operand.as_mut()),
        Expr::Call(c) => {
            if let Some(t) = c.target.as_mut() {
                apply(t.as_mut());
            }
            c.args.iter_mut().for_each(&mut apply);
        }
        Expr::List(l) => l.elements.iter_mut().for_each(&mut apply),
        Expr::Map(m) => {
            for entry in &mut m.entries {
                if let EntryExpr::MapEntry(me) = &mut entry.expr {
                    apply(&mut me.key);
                    apply(&mut me.value);
                }
            }
        }
        Expr::Comprehension(c) => {
            for part in [
                &mut c.iter_range,
                &mut c.accu_init,
                &mut c.loop_cond,
                &mut c.loop_step,
                &mut c.result,
            ] {
                apply(part);
            }
        }
        Expr::Ident(_) | Expr::Literal(_) | Expr::Struct(_) | Expr::Unspecified => {}
    }
}

/// Wraps every comprehension range `r` into `@budget(r, accumulates)`. `map` and
/// `filter` rebuild their result list on each step, so they cost the square of
/// the range; `exists` and `all` cost the range. The tree is at most
/// [`MAX_AST_DEPTH`] deep here, so recursion is bounded.
fn with_budget(mut e: IdedExpr) -> IdedExpr {
    map_children(&mut e, &mut with_budget);
    if let Expr::Comprehension(c) = &mut e.expr {
        let accumulates = matches!(c.accu_init.expr, Expr::List(_));
        let range = std::mem::take(&mut c.iter_range);
        c.iter_range = IdedExpr {
            id: range.id,
            expr: Expr::Call(CallExpr {
                func_name: budget::FUNCTION.to_string(),
                target: None,
                args: vec![
                    range,
                    IdedExpr {
                        id: 0,
                        expr: Expr::Literal(LiteralValue::Boolean(CelBool::from(accumulates))),
                    },
                ],
            }),
        };
    }
    e
}

/// The tree the interpreter runs: every field selection `a.b` becomes the index
/// `a["b"]`. Both read the same key of the same value: every name an expression
/// starts from is a variable, never a type or a dotted name (the load-time check
/// holds rules to the documented variables). The interpreter resolves a
/// selection as a qualified name, joining the segments into a new string and
/// looking each prefix up in every scope; an index resolves the variable once.
/// `has(a.b)` is left as written: it tests presence, which an index cannot.
fn selections_as_index(mut e: IdedExpr) -> IdedExpr {
    map_children(&mut e, &mut selections_as_index);
    if let Expr::Select(s) = &mut e.expr {
        if !s.test {
            let operand = std::mem::take(s.operand.as_mut());
            let field = std::mem::take(&mut s.field);
            e.expr = Expr::Call(CallExpr {
                func_name: operators::INDEX.to_string(),
                target: None,
                args: vec![
                    operand,
                    IdedExpr {
                        id: 0,
                        expr: Expr::Literal(LiteralValue::String(field.into())),
                    },
                ],
            });
        }
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_counts_brackets_and_conditionals() {
        assert_eq!(textual_nesting("((a))[b]"), 2);
        assert_eq!(textual_nesting("a ? b : c ? d : e"), 2);
        assert_eq!(textual_nesting(")))"), 0);
    }

    #[test]
    fn limits_are_errors_not_overflows() {
        let deep = format!("{}1{}", "(".repeat(53), ")".repeat(53));
        assert_eq!(
            Expression::compile(&deep).unwrap_err(),
            CompileError::TooNested(53)
        );
        let chain = vec!["'a'"; 200].join(" + ");
        assert_eq!(
            Expression::compile(&chain).unwrap_err(),
            CompileError::TooDeep
        );
        let long = "a".repeat(MAX_EXPRESSION_BYTES + 1);
        assert!(matches!(
            Expression::compile(&long),
            Err(CompileError::TooLong(_))
        ));
        let ternaries = format!("{}1", "true?1:".repeat(97));
        assert!(matches!(
            Expression::compile(&ternaries),
            Err(CompileError::TooNested(97))
        ));
    }
}
