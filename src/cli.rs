//! Command-line interface: raw arguments -> a validated plan -> one run.
//! `main` only maps the result to an exit code (see [`crate::exit`]).

use crate::analysis::partitions::{self, RegionCheck};
use crate::collect::{self, CollectOptions};
use crate::config::{unknown_rule_ids, Config, ConfigError, DEFAULT_CONFIG};
use crate::exit::{Failure, GATE_FAILED, GATE_PASSED};
use crate::inventory::Inventory;
use crate::report::output::{report_time, write_atomically, write_stdout, PRIVATE, SHARED};
use crate::report::{self, Format};
use crate::rules::{render, RuleSet, Severity};
use crate::scan::{run_scan, Baseline, ScanOptions};
use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};

#[derive(Debug, Parser)]
#[command(
    name = "regionready",
    version,
    about = "Is your AWS estate ready to run active-active across two regions? Evidence, scores and what to fix first."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Evaluate an estate: the bundled demo, a saved inventory, or live AWS.
    Scan(ScanArgs),
    /// Read an AWS Organization live and save its inventory (no evaluation).
    Collect(CollectArgs),
    /// List or explain the rules.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Write a commented default regionready.toml.
    Init(InitArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SeverityArg {
    Critical,
    High,
    Medium,
    Low,
    Info,
}

impl From<SeverityArg> for Severity {
    fn from(s: SeverityArg) -> Severity {
        match s {
            SeverityArg::Critical => Severity::Critical,
            SeverityArg::High => Severity::High,
            SeverityArg::Medium => Severity::Medium,
            SeverityArg::Low => Severity::Low,
            SeverityArg::Info => Severity::Info,
        }
    }
}

/// Options for reaching AWS, shared by `collect` and live `scan`.
#[derive(Debug, Args, Clone)]
pub struct LiveArgs {
    /// Named profile from the shared AWS config files.
    #[arg(long)]
    pub profile: Option<String>,
    /// Region where global APIs (Organizations, STS) are called.
    #[arg(long)]
    pub region: Option<String>,
    /// Scan only these accounts (comma-separated ids).
    #[arg(long, value_delimiter = ',')]
    pub accounts: Vec<String>,
    /// Maximum AWS requests in flight.
    #[arg(long, default_value_t = collect::DEFAULT_CONCURRENCY)]
    pub concurrency: usize,
    /// No progress display on stderr.
    #[arg(long, short)]
    pub quiet: bool,
    /// External id for AssumeRole into member accounts (overrides the config).
    #[arg(long, value_name = "ID")]
    pub external_id: Option<String>,
    /// Role to read the management account with when scanning from a delegated
    /// administrator (without it, the management account is not entered).
    #[arg(long, value_name = "NAME")]
    pub management_role: Option<String>,
    /// Regions read cheaply outside each account's pair (comma-separated).
    /// Default: the 17 commercial regions enabled by default; name opt-in regions here.
    #[arg(long, value_delimiter = ',', value_name = "REGIONS")]
    pub sweep_regions: Option<Vec<String>>,
    /// Seconds one AWS operation may take, all retry attempts included.
    #[arg(long, value_name = "SECS", default_value_t = 30.0)]
    pub timeout: f64,
    /// Seconds to establish a connection.
    #[arg(long, value_name = "SECS", default_value_t = 5.0)]
    pub connect_timeout: f64,
    /// Attempts per AWS operation (adaptive retry with backoff).
    #[arg(long, value_name = "N", default_value_t = collect::DEFAULT_MAX_ATTEMPTS)]
    pub max_attempts: u32,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Scan a saved inventory file instead of live AWS.
    #[arg(long, value_name = "FILE", conflicts_with = "demo")]
    pub inventory: Option<PathBuf>,
    /// Scan the bundled demo estate (no AWS credentials needed).
    #[arg(long)]
    pub demo: bool,
    /// Configuration file (default: ./regionready.toml if present, else built-in defaults).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Extra rule files (a directory of <category>/<ID>.toml).
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// Output format; repeat with --output-dir to write several.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Vec<Format>,
    /// Write the (single) output to FILE instead of stdout.
    #[arg(long, value_name = "FILE", conflicts_with = "output_dir")]
    pub output: Option<PathBuf>,
    /// Write every requested format into DIR (regionready.sarif, report.html, report.md, results.json).
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
    /// Fail the gate on a non-waived finding at or above this severity.
    #[arg(long, value_enum, default_value = "high")]
    pub fail_on: SeverityArg,
    /// Fail the gate when the overall score is below N (0-100).
    #[arg(long, value_name = "N")]
    pub min_score: Option<f64>,
    /// Only findings absent from this previous results.json gate the run.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Also list passing outcomes in the output.
    #[arg(long)]
    pub include_passes: bool,
    /// Judge waiver expiry as of this date (YYYY-MM-DD) instead of today.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<NaiveDate>,
    #[command(flatten)]
    pub live: LiveArgs,
}

#[derive(Debug, Args)]
pub struct CollectArgs {
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Where to write the inventory JSON.
    #[arg(long, short, value_name = "FILE")]
    pub output: PathBuf,
    #[command(flatten)]
    pub live: LiveArgs,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// One line per rule.
    List {
        /// Extra rule directory to include.
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "text")]
        format: ListFormat,
    },
    /// Everything about one rule: rationale, remediation, permissions.
    Explain {
        id: String,
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to write the config.
    #[arg(long, short, default_value = "regionready.toml")]
    pub output: PathBuf,
    /// Overwrite an existing file.
    #[arg(long)]
    pub force: bool,
}

/// Runs a parsed command; returns the process exit code.
pub fn run(cli: Cli) -> Result<u8, Failure> {
    match cli.command {
        Command::Scan(args) => scan(args),
        Command::Collect(args) => collect_cmd(args),
        Command::Rules(RulesCommand::List { rules, format }) => {
            rules_list(rules.as_deref(), format)
        }
        Command::Rules(RulesCommand::Explain { id, rules }) => rules_explain(&id, rules.as_deref()),
        Command::Init(args) => init(args),
    }
}

/// The config a command uses: `--config`, else `./regionready.toml`, else defaults.
fn read_config(path: Option<&Path>) -> Result<Config, ConfigError> {
    match path {
        Some(p) => Config::load(p),
        None if Path::new("regionready.toml").is_file() => {
            Config::load(Path::new("regionready.toml"))
        }
        None => Ok(Config::default_config()),
    }
}

fn load_config(path: Option<&Path>) -> Result<Config, Failure> {
    let config = read_config(path).map_err(Failure::bad_input)?;
    warn_config(&config);
    Ok(config)
}

fn warn_config(config: &Config) {
    for warning in &config.warnings {
        eprintln!("warning: {warning}");
    }
}

fn load_rules(extra: Option<&Path>, config: &Config) -> Result<RuleSet, Failure> {
    let rules = RuleSet::load(extra, config).map_err(Failure::bad_input)?;
    for warning in &rules.warnings {
        eprintln!("warning: {warning}");
    }
    Ok(rules)
}

/// Config and rules together, so every problem of both (config errors, unknown
/// rule ids in the config, rule file errors) is reported in one run.
fn config_and_rules(
    config: Result<Config, ConfigError>,
    extra: Option<&Path>,
) -> Result<(Config, RuleSet), Failure> {
    let rules = RuleSet::load_files(extra);
    match (config, rules) {
        (Ok(config), Ok(rules)) => {
            warn_config(&config);
            let rules = rules.configure(&config).map_err(Failure::bad_input)?;
            for warning in &rules.warnings {
                eprintln!("warning: {warning}");
            }
            Ok((config, rules))
        }
        (Err(config_error), Ok(rules)) => {
            let retired = crate::rules::retired();
            let mut known: Vec<&str> = rules.rules.iter().map(|r| r.spec.id.as_str()).collect();
            known.extend(retired.iter().map(|(id, _)| id.as_str()));
            let mut errors = config_error.errors;
            errors.extend(unknown_rule_ids(
                &config_error.origin,
                &config_error.rule_mentions,
                &known,
            ));
            Err(Failure::bad_input(errors.join("\n")))
        }
        (config, Err(rule_error)) => {
            let mut errors = config.err().map(|e| e.errors).unwrap_or_default();
            errors.extend(rule_error.errors);
            Err(Failure::bad_input(errors.join("\n")))
        }
    }
}

/// A region code given on the command line, checked like one in the config.
fn check_region(flag: &str, code: &str) -> Result<(), Failure> {
    match partitions::check(code) {
        RegionCheck::Known => Ok(()),
        RegionCheck::Newer(p) => {
            eprintln!(
                "warning: --{flag}: {code:?} is not a region this build knows; accepted as a newer region of partition {}",
                p.id
            );
            Ok(())
        }
        RegionCheck::Invalid { suggestion } => {
            let hint = suggestion
                .map(|s| format!(" (did you mean {s:?}?)"))
                .unwrap_or_default();
            Err(Failure::bad_input(format!(
                "--{flag}: {code:?} is not an AWS region code{hint}"
            )))
        }
    }
}

/// `--min-score` is a score: a finite number from 0 to 100. NaN would turn the
/// gate off, and a bound outside the range would make it always fail or always pass.
fn check_min_score(min_score: Option<f64>) -> Result<(), Failure> {
    match min_score {
        Some(m) if !(m.is_finite() && (0.0..=100.0).contains(&m)) => Err(Failure::bad_input(
            format!("--min-score must be a number from 0 to 100, got {m}"),
        )),
        _ => Ok(()),
    }
}

fn collect_options(live: &LiveArgs) -> Result<CollectOptions, Failure> {
    let secs = |flag: &str, v: f64| {
        std::time::Duration::try_from_secs_f64(v)
            .ok()
            .filter(|d| !d.is_zero())
            .ok_or_else(|| {
                Failure::bad_input(format!(
                    "--{flag} must be a positive number of seconds, got {v}"
                ))
            })
    };
    if let Some(region) = &live.region {
        check_region("region", region)?;
    }
    for region in live.sweep_regions.iter().flatten() {
        check_region("sweep-regions", region)?;
    }
    Ok(CollectOptions {
        profile: live.profile.clone(),
        region: live.region.clone(),
        accounts: live.accounts.clone(),
        concurrency: live.concurrency.max(1),
        quiet: live.quiet,
        endpoint_url: None,
        external_id: live.external_id.clone(),
        management_role: live.management_role.clone(),
        sweep_regions: live.sweep_regions.clone(),
        connect_timeout: secs("connect-timeout", live.connect_timeout)?,
        operation_timeout: secs("timeout", live.timeout)?,
        max_attempts: live.max_attempts.max(1),
    })
}

fn collect_live(config: &Config, live: &LiveArgs) -> Result<Inventory, Failure> {
    let options = collect_options(live)?;
    collect::collect_blocking(config, &options)
}

fn scan(args: ScanArgs) -> Result<u8, Failure> {
    // Validate the output plan before any work, so bad usage costs nothing.
    let mut formats = args.format.clone();
    formats.dedup();
    if formats.len() > 1 && args.output_dir.is_none() {
        return Err(Failure::bad_input(
            "several --format values need --output-dir DIR",
        ));
    }
    check_min_score(args.min_score)?;
    if let Some(dir) = &args.output_dir {
        for format in &formats {
            crate::report::output::refuse_non_regular(&dir.join(format.file_name()))?;
        }
    } else if let Some(path) = &args.output {
        crate::report::output::refuse_non_regular(path)?;
    }
    let baseline = args.baseline.as_deref().map(Baseline::load).transpose()?;
    let config = match (&args.config, args.demo) {
        (Some(p), _) => Config::load(p),
        (None, true) => Ok(crate::demo::config()),
        (None, false) => read_config(None),
    };
    let (config, rules) = config_and_rules(config, args.rules.as_deref())?;
    let (inventory, source, inventory_path) = if args.demo {
        (crate::demo::inventory(), "demo", None)
    } else if let Some(path) = &args.inventory {
        let inventory = Inventory::load(path).map_err(Failure::bad_input)?;
        (inventory, "inventory", Some(path.display().to_string()))
    } else {
        let inventory = collect_live(&config, &args.live)?;
        (inventory, "live", None)
    };
    let now = report_time()?;
    let options = ScanOptions {
        fail_on: args.fail_on.into(),
        min_score: args.min_score,
        include_passes: args.include_passes,
        today: args.as_of.unwrap_or_else(|| now.date_naive()),
        generated_at: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        source: source.to_string(),
        inventory_path,
        baseline,
    };
    let report = run_scan(&inventory, &config, &rules, &options);
    for d in &report.diagnostics {
        eprintln!("warning: {}", crate::sanitize::visible(&d.message));
    }
    let mut rendered = Vec::new();
    for format in &formats {
        rendered.push((
            *format,
            report::render(*format, &report, &rules).map_err(Failure::bad_input)?,
        ));
    }
    if let Some(dir) = &args.output_dir {
        std::fs::create_dir_all(dir).map_err(|e| {
            Failure::bad_input(format!(
                "{}: cannot create output directory: {e}",
                dir.display()
            ))
        })?;
        for (format, text) in &rendered {
            write_atomically(&dir.join(format.file_name()), text, PRIVATE)?;
        }
    } else if let Some(path) = &args.output {
        write_atomically(path, &rendered[0].1, PRIVATE)?;
    } else {
        write_stdout(&rendered[0].1)?;
    }
    Ok(if report.gate.passed {
        GATE_PASSED
    } else {
        GATE_FAILED
    })
}

fn collect_cmd(args: CollectArgs) -> Result<u8, Failure> {
    crate::report::output::refuse_non_regular(&args.output)?;
    let config = load_config(args.config.as_deref())?;
    let inventory = collect_live(&config, &args.live)?;
    let text = serde_json::to_string_pretty(&inventory).map_err(Failure::bad_input)?;
    write_atomically(&args.output, &(text + "\n"), PRIVATE)?;
    eprintln!(
        "wrote {} ({} accounts, {} resources, {} gaps)",
        args.output.display(),
        inventory.accounts.len(),
        inventory.resource_count(),
        inventory.gaps.len()
    );
    Ok(GATE_PASSED)
}

fn rules_list(extra: Option<&Path>, format: ListFormat) -> Result<u8, Failure> {
    let rules = load_rules(extra, &Config::default_config())?;
    let out = match format {
        ListFormat::Text => render::list_text(&rules),
        ListFormat::Json => render::list_json(&rules).map_err(Failure::bad_input)?,
    };
    write_stdout(&out)?;
    Ok(GATE_PASSED)
}

fn rules_explain(id: &str, extra: Option<&Path>) -> Result<u8, Failure> {
    let rules = load_rules(extra, &Config::default_config())?;
    let rule = rules.get(id).ok_or_else(|| {
        match crate::rules::retired().into_iter().find(|(r, _)| r == id) {
            Some((_, reason)) => Failure::bad_input(format!("rule {id} is {reason}")),
            None => Failure::bad_input(format!(
                "unknown rule id {id:?} (regionready rules list shows them all)"
            )),
        }
    })?;
    write_stdout(&render::explain_text(rule))?;
    Ok(GATE_PASSED)
}

fn init(args: InitArgs) -> Result<u8, Failure> {
    if args.output.exists() && !args.force {
        return Err(Failure::bad_input(format!(
            "{}: already exists (use --force to overwrite)",
            args.output.display()
        )));
    }
    write_atomically(&args.output, DEFAULT_CONFIG, SHARED)?;
    eprintln!("wrote {}", args.output.display());
    Ok(GATE_PASSED)
}
