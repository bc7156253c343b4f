//! Bounded fuzzing of the three parsers that read what users hand in: the config,
//! rule files (TOML and the CEL inside) and inventories. Each input is a valid seed
//! put through random mutations (inserted brackets and quotes, deep nesting,
//! control and bidi characters, huge numbers, cut and duplicated slices).
//!
//! Properties: nothing panics, aborts or hangs; every error is one line naming the
//! file; whatever loads also evaluates without an engine failure.
//!
//! Each target runs `REGIONREADY_FUZZ_CASES` cases (default 1000), from a fixed seed
//! so a CI failure reproduces; set `REGIONREADY_FUZZ_SEED` to explore further.

use proptest::prelude::*;
use proptest::test_runner::{Config as RunnerConfig, RngAlgorithm, TestRng, TestRunner};
use regionready::config::{Config, DEFAULT_CONFIG};
use regionready::engine::{evaluate, EvaluateOptions};
use regionready::inventory::Inventory;
use regionready::rules::{parse_rule, RuleSet};

fn runner() -> TestRunner {
    let cases = std::env::var("REGIONREADY_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let seed: u64 = std::env::var("REGIONREADY_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(9);
    let mut seed_bytes = [0u8; 32];
    seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
    TestRunner::new_with_rng(
        RunnerConfig {
            cases,
            max_shrink_iters: 200,
            failure_persistence: None,
            ..RunnerConfig::default()
        },
        TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes),
    )
}

/// One edit of a text.
#[derive(Debug, Clone)]
enum Mutation {
    Insert(prop::sample::Index, String),
    Delete(prop::sample::Index, usize),
    Duplicate(prop::sample::Index, usize, usize),
}

/// Fragments that stress parsers: structure, nesting, quoting, numbers, CEL.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("[".to_string()),
        Just("]".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just("\"".to_string()),
        Just("'".to_string()),
        Just("'''".to_string()),
        Just("\n".to_string()),
        Just(" = ".to_string()),
        Just(",".to_string()),
        Just("\\".to_string()),
        Just("(".repeat(60)),
        Just("[".repeat(300)),
        Just("{\"a\":".repeat(200)),
        Just(" ? true : ".repeat(40)),
        Just(" + 'a'".repeat(150)),
        Just(".exists(x, ".to_string()),
        Just(".map(x, [x, x])".to_string()),
        Just("resource.".to_string()),
        Just("account.".to_string()),
        Just("has(".to_string()),
        Just("size(".to_string()),
        Just("\u{1b}[2J".to_string()),
        Just("\u{202E}".to_string()),
        Just("\u{0}".to_string()),
        Just("1e999".to_string()),
        Just("-9223372036854775808".to_string()),
        Just("18446744073709551616".to_string()),
        Just("NaN".to_string()),
        Just("2026-13-45".to_string()),
        Just("us-east-1".to_string()),
        Just("zz-nowhere-1".to_string()),
        "[ -~]{0,16}",
        any::<String>().prop_map(|s| s.chars().take(8).collect()),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<prop::sample::Index>(), fragment()).prop_map(|(at, s)| Mutation::Insert(at, s)),
        2 => (any::<prop::sample::Index>(), 1usize..64).prop_map(|(at, n)| Mutation::Delete(at, n)),
        1 => (any::<prop::sample::Index>(), 1usize..200, 1usize..4)
            .prop_map(|(at, n, times)| Mutation::Duplicate(at, n, times)),
    ]
}

/// The nearest char boundary at or before `i`.
fn boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn apply(seed: &str, mutations: &[Mutation]) -> String {
    let mut text = seed.to_string();
    for m in mutations {
        match m {
            Mutation::Insert(at, s) => {
                let i = boundary(&text, at.index(text.len() + 1));
                text.insert_str(i, s);
            }
            Mutation::Delete(at, n) => {
                let i = boundary(&text, at.index(text.len() + 1));
                let j = boundary(&text, i + n);
                text.replace_range(i..j, "");
            }
            Mutation::Duplicate(at, n, times) => {
                let i = boundary(&text, at.index(text.len() + 1));
                let j = boundary(&text, i + n);
                let slice = text[i..j].repeat(*times);
                text.insert_str(j, &slice);
            }
        }
    }
    text
}

fn mutated(seeds: Vec<String>) -> impl Strategy<Value = String> {
    (
        prop::sample::select(seeds),
        prop::collection::vec(mutation(), 1..6),
    )
        .prop_map(|(seed, ms)| apply(&seed, &ms))
}

fn assert_error_lines(errors: &[String], origin: &str) -> Result<(), TestCaseError> {
    prop_assert!(!errors.is_empty());
    for line in errors {
        prop_assert!(!line.contains('\n'), "not one line: {line:?}");
        prop_assert!(line.starts_with(origin), "does not name {origin}: {line:?}");
    }
    Ok(())
}

const CONFIG_SEED: &str = r#"[regions]
pairs = [["us-east-1", "eu-west-1"], ["ap-southeast-2", "ap-southeast-4"]]
sanctioned = ["us-east-1", "eu-west-1", "ap-southeast-2", "ap-southeast-4"]

[[regions.overrides]]
ou = "Australia"
pair = ["ap-southeast-2", "ap-southeast-4"]

[residency]
tag_key = "data-residency"
require_tag = true
classes = { eu = ["eu-west-1"], au = ["ap-southeast-2", "ap-southeast-4"] }

[organization]
role_name = "RegionReadyReadOnly"
include_accounts = ["111111111111"]

[rules]
disable = ["RR-RES-002"]
severity = { RR-KMS-001 = "critical" }

[[waivers]]
rule = "RR-KMS-001"
resource = "arn:aws:kms:us-east-1:111111111111:key/*"
reason = "Accepted until the migration."
expires = 2027-06-30
"#;

#[test]
fn config_parser_never_panics_and_names_the_file() {
    let seeds = vec![DEFAULT_CONFIG.to_string(), CONFIG_SEED.to_string()];
    runner()
        .run(&mutated(seeds), |text| {
            match Config::parse(&text, "c.toml") {
                Ok(_) => {}
                Err(e) => assert_error_lines(&e.errors, "c.toml:")?,
            }
            Ok(())
        })
        .unwrap();
}

fn builtin_rule_texts() -> Vec<String> {
    let mut texts = Vec::new();
    let mut dirs = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/rules"
    ))];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "toml") {
                texts.push(std::fs::read_to_string(path).unwrap());
            }
        }
    }
    texts.sort();
    texts
}

/// The demo estate, to evaluate whatever rule loads.
fn demo() -> (Inventory, Config) {
    (regionready::demo::inventory(), regionready::demo::config())
}

fn options() -> EvaluateOptions {
    EvaluateOptions {
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap_or_default(),
        include_passes: false,
    }
}

/// The message of an outcome whose evaluation panicked inside the CEL engine: a
/// panic is contained, but a rule that reaches it should have been refused at load.
const ENGINE_FAILURE: &str = "the expression engine failed";

/// Loads one rule file: an error must be one line per problem naming the file; a
/// rule that loads must evaluate on the demo estate without an engine failure.
fn load_and_evaluate(
    text: &str,
    inventory: &Inventory,
    config: &Config,
) -> Result<(), TestCaseError> {
    match parse_rule(text, "r.toml", None) {
        Err(e) => assert_error_lines(&e.errors, "r.toml:")?,
        Ok(rule) => {
            let rules = RuleSet {
                rules: vec![rule],
                warnings: Vec::new(),
            };
            let evaluation = evaluate(inventory, config, &rules, &options());
            for f in &evaluation.findings {
                prop_assert!(!f.message.contains(ENGINE_FAILURE), "{text}");
            }
        }
    }
    Ok(())
}

#[test]
fn rule_loader_never_panics_and_what_loads_evaluates() {
    let (inventory, config) = demo();
    runner()
        .run(&mutated(builtin_rule_texts()), |text| {
            load_and_evaluate(&text, &inventory, &config)
        })
        .unwrap();
}

/// CEL built from tokens, dropped into a valid rule: the expression language
/// itself, beyond what mutating whole files reaches.
fn cel_expression() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("resource".to_string()),
        Just("account".to_string()),
        Just("region".to_string()),
        Just("partner_region".to_string()),
        Just(".arn".to_string()),
        Just(".tags".to_string()),
        Just(".region".to_string()),
        Just(".references".to_string()),
        Just(".name".to_string()),
        Just(".exists(x, ".to_string()),
        Just(".all(x, ".to_string()),
        Just(".map(x, ".to_string()),
        Just(".filter(x, ".to_string()),
        Just("x".to_string()),
        Just("size(".to_string()),
        Just("has(".to_string()),
        Just("int(".to_string()),
        Just("string(".to_string()),
        Just("region_of(".to_string()),
        Just("join(".to_string()),
        Just("(".to_string()),
        Just(")".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just(", ".to_string()),
        Just(": ".to_string()),
        Just(" ? ".to_string()),
        Just(" == ".to_string()),
        Just(" != ".to_string()),
        Just(" && ".to_string()),
        Just(" || ".to_string()),
        Just(" + ".to_string()),
        Just(" - ".to_string()),
        Just(" * ".to_string()),
        Just(" / ".to_string()),
        Just(" % ".to_string()),
        Just(" in ".to_string()),
        Just("!".to_string()),
        Just("-".to_string()),
        Just("0".to_string()),
        Just("1".to_string()),
        Just("9223372036854775807".to_string()),
        Just("1.5".to_string()),
        Just("2u".to_string()),
        Just("true".to_string()),
        Just("null".to_string()),
        Just("'s'".to_string()),
        Just("b'x'".to_string()),
        Just("r'\\d'".to_string()),
        Just(".matches('[')".to_string()),
        Just(".startsWith(".to_string()),
        Just("[1, 2, 3]".to_string()),
        Just("{'k': 1}".to_string()),
        Just("Foo{a: 1}".to_string()),
    ];
    prop::collection::vec(token, 1..40).prop_map(|t| t.concat())
}

/// Well-formed CEL of random shape: operators, macros, conditionals, literals,
/// calls, indexing and field selection over the model, nested a few levels. It
/// reaches evaluation far more often than token soup.
fn cel_tree() -> impl Strategy<Value = String> {
    let leaf = prop::sample::select(vec![
        "resource",
        "account",
        "region",
        "partner_region",
        "x",
        "1",
        "-1",
        "0",
        "9223372036854775807",
        "2u",
        "1.5",
        "true",
        "null",
        "'s'",
        "''",
        "[]",
        "{}",
        "resource.arn",
        "resource.tags",
        "resource.references",
        "resource.region",
        "account.tags",
    ])
    .prop_map(str::to_string);
    let operator = prop::sample::select(vec![
        "+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "&&", "||", "in",
    ]);
    let function = prop::sample::select(vec![
        "size",
        "string",
        "int",
        "uint",
        "double",
        "region_of",
        "type",
        "!",
    ]);
    let field = prop::sample::select(vec!["arn", "name", "region", "tags", "multi_region", "x"]);
    let macro_name = prop::sample::select(vec!["exists", "all", "map", "filter", "exists_one"]);
    leaf.prop_recursive(6, 64, 4, move |inner| {
        prop_oneof![
            (inner.clone(), operator.clone(), inner.clone())
                .prop_map(|(a, op, b)| format!("({a} {op} {b})")),
            (inner.clone(), macro_name.clone(), inner.clone())
                .prop_map(|(r, m, b)| format!("{r}.{m}(x, {b})")),
            (inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(c, a, b)| format!("({c} ? {a} : {b})")),
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(", "))),
            (inner.clone(), inner.clone()).prop_map(|(k, v)| format!("{{{k}: {v}}}")),
            (function.clone(), inner.clone()).prop_map(|(f, a)| format!("{f}({a})")),
            (inner.clone(), inner.clone()).prop_map(|(a, i)| format!("{a}[{i}]")),
            (inner.clone(), field.clone()).prop_map(|(a, f)| format!("{a}.{f}")),
            (inner.clone(), field.clone()).prop_map(|(a, f)| format!("has({a}.{f})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("join({a}, {b})")),
            (inner.clone(), inner).prop_map(|(a, b)| format!("{a}.startsWith({b})")),
        ]
    })
}

fn rule_with(condition: &str, message: &str) -> String {
    let quote = |s: &str| toml::Value::String(s.to_string()).to_string();
    format!(
        r#"id = "RR-FUZ-001"
name = "fuzzed"
title = "A fuzzed rule"
severity = "high"
category = "kms"
resource = "any_resource"
since = "0.1.0"
help_uri = "https://docs.aws.amazon.com/kms/"
permissions = ["kms:DescribeKey"]
rationale = "Fuzzing."
condition = {}
message = {}

[remediation]
text = "None."
"#,
        quote(condition),
        quote(message)
    )
}

#[test]
fn cel_expressions_never_panic_or_overflow() {
    let (inventory, config) = demo();
    let expression = || prop_oneof![cel_expression(), cel_tree()];
    runner()
        .run(&(expression(), expression()), |(condition, message)| {
            load_and_evaluate(&rule_with(&condition, &message), &inventory, &config)
        })
        .unwrap();
}

#[test]
fn inventory_loader_never_panics_and_what_loads_evaluates() {
    let (demo_inventory, _) = demo();
    let demo_json = serde_json::to_string_pretty(&demo_inventory).unwrap();
    let small = r#"{"schema_version": "1.0", "accounts": [{"account_id": "111111111111", "regions": [{"region": "us-east-1", "resources": [{"resource_type": "AWS::Lambda::Function", "arn": "arn:aws:lambda:us-east-1:111111111111:function:f", "configuration": {"environment": {"variables": {"T": "arn:aws:dynamodb:eu-west-1:111111111111:table/t"}}}}]}]}], "gaps": [{"account_id": "111111111111", "service": "kms", "error_code": "AccessDenied", "message": "denied"}]}"#;
    let config = Config::default_config();
    let rules = RuleSet::builtin().unwrap();
    runner()
        .run(&mutated(vec![demo_json, small.to_string()]), |text| {
            match Inventory::from_json(text.as_bytes(), "inv.json") {
                // An inconsistent inventory lists every problem, one line each.
                Err(e) => assert_error_lines(
                    &e.to_string()
                        .lines()
                        .map(str::to_string)
                        .collect::<Vec<_>>(),
                    "inv.json",
                )?,
                Ok(inventory) => {
                    let evaluation = evaluate(&inventory, &config, &rules, &options());
                    for f in &evaluation.findings {
                        prop_assert!(!f.message.contains(ENGINE_FAILURE));
                    }
                }
            }
            Ok(())
        })
        .unwrap();
}
