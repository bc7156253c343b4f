//! Every malformed or hostile input regionready is known to meet, in one table:
//! the files it is given, the command, the exact exit code and the exact standard
//! error. Bad input is one line per problem naming file:line (or the flag), exit 2;
//! nothing panics, aborts or hangs; accepted-but-odd input says so on stderr.

use std::path::Path;
use std::process::{Command, Stdio};

/// Where the child's standard output goes.
#[derive(Clone, Copy)]
enum Stdout {
    Captured,
    /// A device that is always full.
    DevFull,
    /// A pipe whose reader is already gone.
    ClosedPipe,
}

struct Case {
    name: &'static str,
    /// Files to create, relative to the case's directory.
    files: Vec<(String, String)>,
    /// Extra preparation (links, FIFOs) in the case's directory.
    setup: Option<fn(&Path)>,
    args: Vec<String>,
    stdout: Stdout,
    code: i32,
    /// Exact standard error, every line.
    stderr: String,
    /// Text standard output must hold exactly once.
    once: Option<&'static str>,
}

fn case(name: &'static str, args: &[&str], code: i32, stderr: &str) -> Case {
    Case {
        name,
        files: Vec::new(),
        setup: None,
        args: args.iter().map(|a| a.to_string()).collect(),
        stdout: Stdout::Captured,
        code,
        stderr: stderr.to_string(),
        once: None,
    }
}

impl Case {
    fn file(mut self, path: &str, text: impl Into<String>) -> Case {
        self.files.push((path.to_string(), text.into()));
        self
    }

    fn setup(mut self, f: fn(&Path)) -> Case {
        self.setup = Some(f);
        self
    }

    fn once(mut self, needle: &'static str) -> Case {
        self.once = Some(needle);
        self
    }

    fn stdout(mut self, to: Stdout) -> Case {
        self.stdout = to;
        self
    }
}

const EMPTY_INVENTORY: &str = r#"{"schema_version": "2.0", "accounts": []}"#;

/// A user rule; `condition` is on line 11 and `message` on line 12.
fn rule(id: &str, resource: &str, condition: &str, message: &str) -> String {
    format!(
        r#"id = "{id}"
name = "rule-under-test"
title = "A rule under test"
severity = "high"
category = "dynamodb"
resource = "{resource}"
since = "0.1.0"
help_uri = "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GlobalTables.html"
permissions = ["dynamodb:ListTables"]
rationale = "Exercises the limits of rule expressions."
condition = '''{condition}'''
message = '''{message}'''

[remediation]
text = "Nothing to fix."
"#
    )
}

fn user_rule(condition: &str, message: &str) -> String {
    rule("RR-PAY-001", "account", condition, message)
}

const RULE_PATH: &str = "r/dynamodb/RR-PAY-001.toml";

fn nested(open: &str, close: &str, n: usize) -> String {
    format!("{}1{} == 1", open.repeat(n), close.repeat(n))
}

/// Five comprehensions over 100 elements, nested: 10^10 steps without a budget.
fn runaway() -> String {
    let list = format!(
        "[{}]",
        (0..100)
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(",")
    );
    format!("{list}.all(a, {list}.all(b, {list}.all(c, {list}.all(d, {list}.all(e, true)))))")
}

/// A 1.x inventory whose one configuration item is `configuration`.
fn legacy_inventory(configuration: &str) -> String {
    format!(
        r#"{{"schema_version": "1.0", "accounts": [{{"account_id": "111111111111", "regions": [{{"region": "us-east-1", "resources": [{{"resource_type": "AWS::Lambda::Function", "arn": "arn:aws:lambda:us-east-1:111111111111:function:f", "configuration": {configuration}}}]}}]}}]}}"#
    )
}

fn config_with(body: &str) -> String {
    format!("[regions]\npairs = [[\"us-east-1\", \"eu-west-1\"]]\n{body}")
}

fn link(target: &str, at: &Path) {
    std::os::unix::fs::symlink(target, at).expect("symlink");
}

fn cases() -> Vec<Case> {
    let scan_cfg = ["scan", "--inventory", "inv.json", "--config", "c.toml"];
    let list_rules = ["rules", "list", "--rules", "r"];
    let demo_rules = ["scan", "--demo", "--rules", "r"];
    let not_regular = |p: &str| format!("error: {p}: not a regular file; refusing to replace it\n");
    vec![
        // --- config
        case("config: malformed TOML", &scan_cfg, 2, "error: c.toml:2:36: unclosed array, expected `]`\n")
            .file("inv.json", EMPTY_INVENTORY)
            .file("c.toml", "[regions]\npairs = [[\"us-east-1\", \"eu-west-1\"]\n"),
        case("config: unknown key", &scan_cfg, 2, "error: c.toml:3:1: unknown field `sanctionned`, expected one of `pairs`, `sanctioned`, `overrides`\n")
            .file("inv.json", EMPTY_INVENTORY)
            .file("c.toml", config_with("sanctionned = [\"us-east-1\"]\n")),
        case("config: region typo gets a suggestion", &scan_cfg, 2, "error: c.toml:2:24: \"eu-wset-1\" is not an AWS region code (did you mean \"eu-west-1\"?)\n")
            .file("inv.json", EMPTY_INVENTORY)
            .file("c.toml", "[regions]\npairs = [[\"us-east-1\", \"eu-wset-1\"]]\n"),
        case("config: region of no partition", &scan_cfg, 2, "error: c.toml:3:41: \"zz-nowhere-1\" is not an AWS region code\n")
            .file("inv.json", EMPTY_INVENTORY)
            .file("c.toml", config_with("sanctioned = [\"us-east-1\", \"eu-west-1\", \"zz-nowhere-1\"]\n")),
        case("config: region newer than the build is a warning", &["scan", "--demo", "--config", "c.toml", "--format", "json"], 1, "warning: c.toml:2:24: \"me-west-1\" is not a region this build knows; accepted as a newer region of partition aws\n")
            .file("c.toml", "[regions]\npairs = [[\"us-east-1\", \"me-west-1\"]]\n"),
        case("config: pair of one region", &scan_cfg, 2, "error: c.toml:2:10: a region pair needs two different regions, got \"us-east-1\" twice\n")
            .file("inv.json", EMPTY_INVENTORY)
            .file("c.toml", "[regions]\npairs = [[\"us-east-1\", \"us-east-1\"]]\n"),
        case("config: account id of 11 digits", &scan_cfg, 2, "error: c.toml:4:21: \"11111111111\" is not a 12-digit AWS account id\n")
            .file("inv.json", EMPTY_INVENTORY)
            .file("c.toml", config_with("[organization]\ninclude_accounts = [\"11111111111\"]\n")),
        case("config: unknown severity", &scan_cfg, 2, "error: c.toml:4:14: unknown severity \"severe\" (critical, high, medium, low, info)\n")
            .file("inv.json", EMPTY_INVENTORY)
            .file("c.toml", config_with("[rules.severity]\nRR-KMS-002 = \"severe\"\n")),
        case("config: every problem in one pass, unknown rule ids included", &scan_cfg, 2, "error: c.toml:2:24: \"eu-west-9x\" is not an AWS region code (did you mean \"eu-west-1\"?)\nerror: c.toml:7:11: waiver expires must be a date YYYY-MM-DD, got next year\nerror: c.toml:3: waiver names unknown rule id \"RR-NOPE-999\"\n")
            .file("inv.json", EMPTY_INVENTORY)
            .file("c.toml", "[regions]\npairs = [[\"us-east-1\", \"eu-west-9x\"]]\n[[waivers]]\nrule = \"RR-NOPE-999\"\nresource = \"arn:aws:*\"\nreason = \"accepted\"\nexpires = \"next year\"\n"),
        case("config: waiver with an empty reason and a bad glob", &scan_cfg, 2, "error: c.toml:6:10: a waiver needs a reason\nerror: c.toml:5:12: invalid resource glob: error parsing glob 'arn:[': unclosed character class; missing ']'\n")
            .file("inv.json", EMPTY_INVENTORY)
            .file("c.toml", config_with("[[waivers]]\nrule = \"RR-KMS-002\"\nresource = \"arn:[\"\nreason = \" \"\n")),
        case("config: nesting deeper than the TOML parser allows", &scan_cfg, 2, "error: c.toml:1:85: cannot recurse further; max recursion depth met\n")
            .file("inv.json", EMPTY_INVENTORY)
            .file("c.toml", format!("x = {}{}\n", "[".repeat(5000), "]".repeat(5000))),
        // --- arguments
        case("--min-score NaN would turn the gate off", &["scan", "--demo", "--min-score", "NaN"], 2, "error: --min-score must be a number from 0 to 100, got NaN\n"),
        case("--min-score 101 could never pass", &["scan", "--demo", "--min-score", "101"], 2, "error: --min-score must be a number from 0 to 100, got 101\n"),
        case("--min-score -1 could never fail", &["scan", "--demo", "--min-score=-1"], 2, "error: --min-score must be a number from 0 to 100, got -1\n"),
        case("--min-score inf", &["scan", "--demo", "--min-score", "inf"], 2, "error: --min-score must be a number from 0 to 100, got inf\n"),
        case("unknown format, on one line", &["scan", "--demo", "--format", "pdf"], 2, "error: invalid value 'pdf' for '--format <FORMAT>' [possible values: text, json, sarif, html, markdown]\n"),
        case("--as-of that is not a date", &["scan", "--demo", "--as-of", "someday"], 2, "error: invalid value 'someday' for '--as-of <DATE>': input contains invalid characters\n"),
        case("several formats without a directory", &["scan", "--demo", "--format", "json", "--format", "text"], 2, "error: several --format values need --output-dir DIR\n"),
        case("--sweep-regions typo", &["collect", "-o", "inv.json", "--sweep-regions", "us-east-1,eu-west-l"], 2, "error: --sweep-regions: \"eu-west-l\" is not an AWS region code (did you mean \"eu-west-1\"?)\n"),
        case("--region of no partition", &["scan", "--region", "zz-nowhere-1"], 2, "error: --region: \"zz-nowhere-1\" is not an AWS region code\n"),
        case("--timeout of zero", &["collect", "-o", "inv.json", "--timeout", "0"], 2, "error: --timeout must be a positive number of seconds, got 0\n"),
        // --- inventories
        case("inventory: malformed JSON", &["scan", "--inventory", "inv.json"], 2, "error: inv.json:2:31: invalid inventory: invalid type: integer `12`, expected a string\n")
            .file("inv.json", "{\"schema_version\": \"2.0\",\n \"accounts\": [{\"account_id\": 12}]}"),
        case("inventory: missing file", &["scan", "--inventory", "nope.json"], 2, "error: nope.json: cannot read inventory: No such file or directory (os error 2)\n"),
        case("inventory: future schema_version", &["scan", "--inventory", "inv.json"], 2, "error: inv.json: unsupported inventory schema_version \"9.0\" (this build reads 1.x and 2.x, writes \"2.0\")\n")
            .file("inv.json", "{\"schema_version\": \"9.0\"}"),
        case("inventory: schema_version that is no version", &["scan", "--inventory", "inv.json"], 2, "error: inv.json: unsupported inventory schema_version \"2.x\" (this build reads 1.x and 2.x, writes \"2.0\")\n")
            .file("inv.json", "{\"schema_version\": \"2.x\"}"),
        case("inventory: a configuration item nested 100,000 levels is unknown, not an abort", &["scan", "--inventory", "inv.json", "--format", "json"], 0, "")
            .file("inv.json", legacy_inventory(&format!("{}\"arn:aws:dynamodb:eu-west-1:111111111111:table/t\"{}", "[".repeat(100_000), "]".repeat(100_000)))),
        // --- baselines
        case("baseline: future schema_version", &["scan", "--demo", "--baseline", "b.json"], 2, "error: b.json: unsupported report schema_version \"9.0\" (this build reads 1.x)\n")
            .file("b.json", "{\"schema_version\": \"9.0\", \"findings\": []}"),
        case("baseline: not a report", &["scan", "--demo", "--baseline", "b.json"], 2, "error: b.json:1:25: not a regionready JSON report: missing field `tool`\n")
            .file("b.json", "{\"schema_version\": \"1.0\"}"),
        case("baseline: missing file", &["scan", "--demo", "--baseline", "b.json"], 2, "error: b.json: cannot read baseline: No such file or directory (os error 2)\n"),
        // --- rules
        case("rule: 53 nested parentheses", &list_rules, 2, &format!("error: {RULE_PATH}:11: rule RR-PAY-001: condition nests 53 levels of brackets and ?: conditionals (at most 32)\n"))
            .file(RULE_PATH, user_rule(&nested("(", ")", 53), "'m'")),
        case("rule: 50 nested lists", &list_rules, 2, &format!("error: {RULE_PATH}:11: rule RR-PAY-001: condition nests 50 levels of brackets and ?: conditionals (at most 32)\n"))
            .file(RULE_PATH, user_rule(&nested("[", "]", 50), "'m'")),
        case("rule: 97 chained conditionals", &list_rules, 2, &format!("error: {RULE_PATH}:11: rule RR-PAY-001: condition nests 97 levels of brackets and ?: conditionals (at most 32)\n"))
            .file(RULE_PATH, user_rule(&format!("{}true", "true ? true : ".repeat(97)), "'m'")),
        case("rule: 200-term chain", &list_rules, 2, &format!("error: {RULE_PATH}:12: rule RR-PAY-001: message is more than 128 levels deep once parsed; shorten its chains of operators\n"))
            .file(RULE_PATH, user_rule("false", &vec!["'a'"; 200].join(" + "))),
        case("rule: expression over 8 KiB", &list_rules, 2, &format!("error: {RULE_PATH}:11: rule RR-PAY-001: condition is 9003 bytes long (at most 8192)\n"))
            .file(RULE_PATH, user_rule(&format!("'{}' == ''", "x".repeat(8995)), "'m'")),
        case("rule: message literal", &list_rules, 2, &format!("error: {RULE_PATH}:11: rule RR-PAY-001: condition uses a message literal, which regionready's CEL does not support\n"))
            .file(RULE_PATH, user_rule("Foo{a: 1} == 1", "'m'")),
        case("rule: one id in two files", &list_rules, 2, "error: r/b/RR-PAY-001.toml:1: rule RR-PAY-001: id is already defined in r/a/RR-PAY-001.toml; one rule id, one rule\n")
            .file("r/a/RR-PAY-001.toml", user_rule("true", "'m'"))
            .file("r/b/RR-PAY-001.toml", user_rule("true", "'m'")),
        case("rule: a built-in id", &list_rules, 2, "error: r/kms/RR-KMS-002.toml:1: rule RR-KMS-002: id is already defined in the built-in rule rules/kms/RR-KMS-002.toml; one rule id, one rule\n")
            .file("r/kms/RR-KMS-002.toml", rule("RR-KMS-002", "account", "true", "'m'")),
        case("rule: a retired built-in id", &list_rules, 2, "error: r/kms/RR-KMS-001.toml:1: rule RR-KMS-001: id was retired from the built-in rules (rules/RETIRED) and is never reused; give the rule a new id\n")
            .file("r/kms/RR-KMS-001.toml", rule("RR-KMS-001", "account", "true", "'m'")),
        case("rule: a directory link loop is followed once", &["rules", "list", "--rules", "r", "--format", "json"], 0, "")
            .file(RULE_PATH, user_rule("true", "'m'"))
            .setup(|d| link("..", &d.join("r/dynamodb/loop")))
            .once("\"id\": \"RR-PAY-001\""),
        case("rule: one file reached through two links loads once", &list_rules, 0, "")
            .file("rule.toml.txt", user_rule("true", "'m'"))
            .setup(|d| {
                for sub in ["r/a", "r/b"] {
                    std::fs::create_dir_all(d.join(sub)).unwrap();
                    link("../../rule.toml.txt", &d.join(sub).join("RR-PAY-001.toml"));
                }
            })
            .once("RR-PAY-001 "),
        // --- evaluation
        case("evaluation: a runaway comprehension stops at the budget, reported once", &demo_rules, 1, &format!("warning: rule RR-PAY-001 ({RULE_PATH}) exceeded the evaluation budget of 100000 steps on 6 resource(s); those outcomes are unknown\n"))
            .file(RULE_PATH, user_rule(&runaway(), "'m'")),
        case("evaluation: a 72-term message on worker threads", &demo_rules, 1, "")
            .file(RULE_PATH, user_rule("false", &vec!["'a'"; 72].join(" + "))),
        case("evaluation: a comprehension over a string is unknown, not a panic", &demo_rules, 1, "")
            .file(RULE_PATH, user_rule("'abc'.exists(c, true)", "'m'")),
        // --- outputs
        case("--output onto a symbolic link", &["scan", "--demo", "--output", "out.txt"], 2, &not_regular("out.txt"))
            .file("target.txt", "keep me")
            .setup(|d| link("target.txt", &d.join("out.txt"))),
        case("--output onto a FIFO", &["scan", "--demo", "--output", "fifo"], 2, &not_regular("fifo"))
            .setup(|d| {
                let made = Command::new("mkfifo").arg(d.join("fifo")).status().expect("mkfifo runs");
                assert!(made.success());
            }),
        case("--output onto a directory", &["scan", "--demo", "--output", "dir"], 2, &not_regular("dir"))
            .setup(|d| std::fs::create_dir(d.join("dir")).unwrap()),
        case("--output onto a device", &["scan", "--demo", "--output", "/dev/full"], 2, &not_regular("/dev/full")),
        case("--output-dir holding a link", &["scan", "--demo", "--format", "markdown", "--format", "json", "--output-dir", "out"], 2, &not_regular("out/report.md"))
            .file("target.txt", "keep me")
            .setup(|d| {
                std::fs::create_dir(d.join("out")).unwrap();
                link("../target.txt", &d.join("out/report.md"));
            }),
        case("collect -o onto a link", &["collect", "-o", "inv.json"], 2, &not_regular("inv.json"))
            .file("target.txt", "keep me")
            .setup(|d| link("target.txt", &d.join("inv.json"))),
        case("stdout full", &["scan", "--demo"], 2, "error: <stdout>: cannot write: No space left on device (os error 28)\n")
            .stdout(Stdout::DevFull),
        case("stdout a closed pipe", &["scan", "--demo"], 2, "error: <stdout>: cannot write: Broken pipe (os error 32)\n")
            .stdout(Stdout::ClosedPipe),
        case("rules list into a closed pipe", &["rules", "list"], 2, "error: <stdout>: cannot write: Broken pipe (os error 32)\n")
            .stdout(Stdout::ClosedPipe),
    ]
}

fn run(case: &Case) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, text) in &case.files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
    }
    if let Some(setup) = case.setup {
        setup(dir.path());
    }
    let mut command = Command::new(env!("CARGO_BIN_EXE_regionready"));
    command
        .args(&case.args)
        .current_dir(dir.path())
        .env_remove("SOURCE_DATE_EPOCH")
        .stdin(Stdio::null())
        .stderr(Stdio::piped());
    match case.stdout {
        Stdout::Captured => {
            command.stdout(Stdio::piped());
        }
        Stdout::DevFull => {
            let full = std::fs::OpenOptions::new()
                .write(true)
                .open("/dev/full")
                .unwrap();
            command.stdout(full);
        }
        Stdout::ClosedPipe => {
            // The write end of a pipe whose only reader has exited.
            let mut reader = Command::new("true")
                .stdin(Stdio::piped())
                .spawn()
                .expect("true runs");
            let writer = reader.stdin.take().expect("a pipe");
            reader.wait().expect("true exits");
            command.stdout(Stdio::from(writer));
        }
    }
    let out = command.output().expect("the binary runs");
    if let Some(needle) = case.once {
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            stdout.matches(needle).count(),
            1,
            "{}: {needle:?} should be listed once in {stdout}",
            case.name
        );
    }
    // Nothing was replaced behind a link.
    if let Ok(kept) = std::fs::read_to_string(dir.path().join("target.txt")) {
        assert_eq!(
            kept, "keep me",
            "{}: a link target was overwritten",
            case.name
        );
    }
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn every_hostile_input_gets_its_exit_code_and_exact_message() {
    let cases = cases();
    let mut failures = Vec::new();
    for case in &cases {
        let (code, stderr) = run(case);
        if code != Some(case.code) || stderr != case.stderr {
            failures.push(format!(
                "{}\n  expected {} {:?}\n  got      {:?} {:?}",
                case.name, case.code, case.stderr, code, stderr
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn the_table_covers_every_kind_of_input() {
    let cases = cases();
    for prefix in [
        "config:",
        "--min-score",
        "inventory:",
        "baseline:",
        "rule:",
        "evaluation:",
        "--output",
        "stdout",
    ] {
        assert!(
            cases.iter().any(|c| c.name.starts_with(prefix)),
            "no case for {prefix}"
        );
    }
    assert!(cases.len() >= 45, "{} cases", cases.len());
}
