//! `--format sarif`: a SARIF 2.1.0 log for GitHub code scanning and other SARIF
//! consumers, built with the typed `serde-sarif` structs.
//!
//! Cloud resources have no source file, so each result gets a deliberate, stable
//! fallback location: a relative URI `aws/<account>/<region>/<service>/<resource-id>`
//! under the `AWS` base id (declared in `run.originalUriBaseIds` as `aws:///`), line
//! 1, plus the ARN as a logical location. The fingerprint is a hash of rule id + ARN,
//! so an alert keeps its identity across scans however the message changes.
//!
//! Only failing findings are results (waived ones carry an external suppression).
//! Unknown outcomes and collection gaps are not results: nothing was proven wrong, so
//! they are tool execution notifications, where they still say what was not assessed.
//! Expired waivers are notifications too: their findings are plain results again.
//!
//! GitHub accepts at most [`MAX_RESULTS_PER_RUN`] results per run. Beyond that the
//! least severe results are cut (findings are sorted most severe first, unwaived
//! before waived) and the cut is stated in a notification and in
//! `run.properties.resultsOmitted`; `results.json` always has everything.

use super::ScanReport;
use crate::evaluation::{Finding, ReportedGap, Status, WaiverStatus};
use crate::rules::{Rule, RuleSet, Severity};
use serde_json::{json, Value};
use serde_sarif::sarif::{
    ArtifactLocation, Invocation, Location, LogicalLocation, Message, MultiformatMessageString,
    Notification, PhysicalLocation, PropertyBag, Region, ReportingConfiguration,
    ReportingDescriptor, ReportingDescriptorReference, Result as SarifResult, ResultLevel, Run,
    RunAutomationDetails, Sarif, Suppression, Tool, ToolComponent,
};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};

/// GitHub code scanning rejects runs with more results than this.
pub const MAX_RESULTS_PER_RUN: usize = 25_000;

/// `$schema` of the log: the OASIS 2.1.0 schema (errata 01).
pub const SARIF_SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// Project home, for `tool.driver.informationUri`: the `repository` of Cargo.toml,
/// or this address when the manifest has none.
pub fn information_uri() -> &'static str {
    match env!("CARGO_PKG_REPOSITORY") {
        "" => "https://github.com/regionready/regionready",
        uri => uri,
    }
}

/// The uriBaseId every result location is relative to.
pub const URI_BASE_ID: &str = "AWS";

/// Renders the report as a SARIF log with GitHub's result limit.
pub fn render(report: &ScanReport, rules: &RuleSet) -> String {
    render_with_limit(report, rules, MAX_RESULTS_PER_RUN)
}

/// Renders with an explicit result cap (tests use small ones).
pub fn render_with_limit(report: &ScanReport, rules: &RuleSet, max_results: usize) -> String {
    let log = build(report, rules, max_results);
    let mut text =
        crate::sanitize::json_pretty(&log).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}

/// SARIF level of a severity: critical and high block, medium warns, the rest notes.
pub fn level(severity: Severity) -> ResultLevel {
    match severity {
        Severity::Critical | Severity::High => ResultLevel::Error,
        Severity::Medium => ResultLevel::Warning,
        Severity::Low | Severity::Info => ResultLevel::Note,
    }
}

/// GitHub's `security-severity` (a CVSS-like 0.0-10.0 string); none for info.
pub fn security_severity(severity: Severity) -> Option<&'static str> {
    match severity {
        Severity::Critical => Some("9.5"),
        Severity::High => Some("8.0"),
        Severity::Medium => Some("5.5"),
        Severity::Low => Some("2.0"),
        Severity::Info => None,
    }
}

/// Stable fingerprint of a finding: the first 32 hex digits of sha256(rule id | ARN).
pub fn fingerprint(rule_id: &str, arn: &str) -> String {
    let digest = Sha256::digest(format!("{rule_id}|{arn}").as_bytes());
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// The relative URI of a resource: `aws/<account>/<region>/<service>/<resource-id>`.
/// Region-less (global) resources use `global`; every segment is percent-encoded
/// except the `/` inside the resource id (`table/payments`).
pub fn resource_uri(finding: &Finding) -> String {
    let mut parts = finding.resource_arn.splitn(6, ':');
    let (service, resource) = match (parts.next(), parts.next(), parts.next(), parts.nth(2)) {
        (Some("arn"), Some(_), Some(service), Some(resource))
            if !service.is_empty() && !resource.is_empty() =>
        {
            (service.to_string(), resource.to_string())
        }
        _ => (
            finding.resource_type.replace("::", "-").to_lowercase(),
            finding.resource_arn.clone(),
        ),
    };
    let region = if finding.region.is_empty() {
        "global"
    } else {
        &finding.region
    };
    format!(
        "aws/{}/{}/{}/{}",
        encode(&finding.account_id, false),
        encode(region, false),
        encode(&service, false),
        encode(&resource, true)
    )
}

fn encode(text: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'.' | b'_' | b'~')
            || (keep_slash && b == b'/');
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    if out.is_empty() {
        out.push('-');
    }
    out
}

fn bag(tags: Option<Vec<String>>, entries: BTreeMap<String, Value>) -> PropertyBag {
    match tags {
        Some(tags) => PropertyBag::builder()
            .tags(tags)
            .additional_properties(entries)
            .build(),
        None => PropertyBag::builder()
            .additional_properties(entries)
            .build(),
    }
}

fn entries(pairs: &[(&str, Value)]) -> BTreeMap<String, Value> {
    pairs
        .iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

/// The driver's rule table: every loaded rule, then any rule a finding names that is
/// not loaded (a report read back with another rule set), described from the finding.
struct RuleTable {
    descriptors: Vec<ReportingDescriptor>,
    index: HashMap<String, usize>,
}

impl RuleTable {
    fn new(rules: &RuleSet, findings: &[Finding]) -> RuleTable {
        let mut table = RuleTable {
            descriptors: Vec::new(),
            index: HashMap::new(),
        };
        for rule in &rules.rules {
            table.push(rule.spec.id.clone(), descriptor(rule));
        }
        for f in findings {
            if !table.index.contains_key(&*f.rule_id) {
                table.push(f.rule_id.to_string(), fallback_descriptor(f));
            }
        }
        table
    }

    fn push(&mut self, id: String, descriptor: ReportingDescriptor) {
        self.index.insert(id, self.descriptors.len());
        self.descriptors.push(descriptor);
    }
}

fn rule_properties(category: &str, severity: Severity, precision: &str) -> PropertyBag {
    let tags = vec![
        "security".to_string(),
        "resilience".to_string(),
        "multi-region".to_string(),
        category.to_string(),
    ];
    let mut props = entries(&[("precision", json!(precision))]);
    if let Some(s) = security_severity(severity) {
        props.insert("security-severity".into(), json!(s));
    }
    bag(Some(tags), props)
}

/// Help text of a rule: remediation, then the AWS CLI and Terraform snippets.
pub fn help_text(rule: &Rule) -> (String, String) {
    let r = &rule.spec.remediation;
    let mut text = r.text.trim().to_string();
    let mut markdown = r.text.trim().to_string();
    if let Some(cli) = r.cli.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        text.push_str(&format!("\n\nAWS CLI:\n{cli}"));
        markdown.push_str(&format!("\n\n**AWS CLI**\n\n```sh\n{cli}\n```"));
    }
    if let Some(tf) = r
        .terraform
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        text.push_str(&format!("\n\nTerraform:\n{tf}"));
        markdown.push_str(&format!("\n\n**Terraform**\n\n```hcl\n{tf}\n```"));
    }
    if !rule.spec.help_uri.is_empty() {
        text.push_str(&format!("\n\nMore: {}", rule.spec.help_uri));
        markdown.push_str(&format!("\n\n[Reference]({})", rule.spec.help_uri));
    }
    (text, markdown)
}

fn descriptor(rule: &Rule) -> ReportingDescriptor {
    let s = &rule.spec;
    let (text, markdown) = help_text(rule);
    let config = ReportingConfiguration::builder()
        .level(json!(level(rule.severity)))
        .build();
    let builder = ReportingDescriptor::builder()
        .id(s.id.clone())
        .name(s.name.clone())
        .short_description(
            MultiformatMessageString::builder()
                .text(s.title.trim())
                .build(),
        )
        .full_description(
            MultiformatMessageString::builder()
                .text(s.rationale.trim())
                .build(),
        )
        .help(
            MultiformatMessageString::builder()
                .text(text)
                .markdown(markdown)
                .build(),
        )
        .default_configuration(config)
        .properties(rule_properties(
            s.category.as_str(),
            rule.severity,
            &s.precision,
        ));
    if s.help_uri.is_empty() {
        builder.build()
    } else {
        let mut d = builder.build();
        d.help_uri = Some(s.help_uri.clone());
        d
    }
}

fn fallback_descriptor(f: &Finding) -> ReportingDescriptor {
    let config = ReportingConfiguration::builder()
        .level(json!(level(f.severity)))
        .build();
    ReportingDescriptor::builder()
        .id(f.rule_id.to_string())
        .name(f.rule_name.to_string())
        .short_description(
            MultiformatMessageString::builder()
                .text(f.title.to_string())
                .build(),
        )
        .default_configuration(config)
        .properties(rule_properties(f.category.as_str(), f.severity, "medium"))
        .build()
}

fn result(f: &Finding, table: &RuleTable) -> SarifResult {
    let uri = resource_uri(f);
    let physical = PhysicalLocation::builder()
        .artifact_location(
            ArtifactLocation::builder()
                .uri(uri)
                .uri_base_id(URI_BASE_ID)
                .build(),
        )
        .region(Region::builder().start_line(1).build())
        .build();
    let logical = LogicalLocation::builder()
        .fully_qualified_name(f.resource_arn.clone())
        .name(
            f.resource_arn
                .rsplit([':', '/'])
                .next()
                .unwrap_or(&f.resource_arn)
                .to_string(),
        )
        .kind("resource")
        .build();
    let location = Location::builder()
        .physical_location(physical)
        .logical_locations(vec![logical])
        .build();
    let text = format!(
        "{} [{} in account {}, region {}]",
        f.message.trim_end_matches('.'),
        f.resource_arn,
        f.account_id,
        if f.region.is_empty() {
            "global"
        } else {
            &f.region
        }
    );
    let props = entries(&[
        ("account", json!(&*f.account_id)),
        ("region", json!(&*f.region)),
        (
            "partnerRegion",
            f.partner_region
                .as_deref()
                .map_or(Value::Null, |p| json!(p)),
        ),
        ("regionPair", json!(&*f.region_pair)),
        ("category", json!(f.category.as_str())),
        ("severity", json!(f.severity.as_str())),
        ("resourceType", json!(&*f.resource_type)),
        ("resourceArn", json!(&f.resource_arn)),
    ]);
    let mut fingerprints = BTreeMap::new();
    fingerprints.insert(
        "primaryLocationLineHash".to_string(),
        fingerprint(&f.rule_id, &f.resource_arn),
    );
    let mut r = SarifResult::builder()
        .rule_id(f.rule_id.to_string())
        .level(level(f.severity))
        .message(Message::builder().text(text).build())
        .locations(vec![location])
        .partial_fingerprints(fingerprints)
        .properties(bag(None, props))
        .build();
    r.rule_index = table.index.get(&*f.rule_id).map(|i| *i as i64);
    r.baseline_state = f
        .new
        .map(|new| json!(if new { "new" } else { "unchanged" }));
    if f.waived {
        let (justification, expires) = match &f.waiver {
            Some(w) => (
                w.reason.clone(),
                w.expires
                    .map(|d| json!(d.to_string()))
                    .unwrap_or(Value::Null),
            ),
            None => (
                "waived in the regionready configuration".to_string(),
                Value::Null,
            ),
        };
        let suppression = Suppression::builder()
            .kind(json!("external"))
            .status(json!("accepted"))
            .justification(justification)
            .properties(bag(None, entries(&[("expires", expires)])))
            .build();
        r.suppressions = Some(vec![suppression]);
    }
    r
}

fn notification(
    text: String,
    props: BTreeMap<String, Value>,
    rule: Option<(&str, Option<usize>)>,
) -> Notification {
    let mut n = Notification::builder()
        .level(json!("warning"))
        .message(Message::builder().text(text).build())
        .properties(bag(None, props))
        .build();
    n.associated_rule = rule.map(|(id, index)| {
        let mut r = ReportingDescriptorReference::builder()
            .id(id.to_string())
            .build();
        r.index = index.map(|i| i as i64);
        r
    });
    n
}

fn unknown_notification(f: &Finding, table: &RuleTable) -> Notification {
    let text = format!(
        "Not assessed: {} on {} (account {}, region {}): {}",
        f.rule_id,
        f.resource_arn,
        f.account_id,
        if f.region.is_empty() {
            "global"
        } else {
            &f.region
        },
        f.message
    );
    let props = entries(&[
        ("kind", json!("unknown-outcome")),
        ("account", json!(&*f.account_id)),
        ("region", json!(&*f.region)),
        ("service", json!(service_of(&f.resource_arn))),
        ("resourceArn", json!(&f.resource_arn)),
        ("regionPair", json!(&*f.region_pair)),
    ]);
    notification(
        text,
        props,
        Some((&f.rule_id, table.index.get(&*f.rule_id).copied())),
    )
}

fn gap_notification(g: &ReportedGap) -> Notification {
    let region = g.region.as_deref().unwrap_or("all regions");
    let blocks = if g.blocks.is_empty() {
        String::new()
    } else {
        format!(" (left unknown: {})", g.blocks.join(", "))
    };
    let text = format!(
        "Collection gap: could not read {} in account {} ({}): {} {}{blocks}",
        g.service, g.account_id, region, g.error_code, g.message
    );
    let props = entries(&[
        ("kind", json!("collection-gap")),
        ("account", json!(&g.account_id)),
        (
            "region",
            g.region.as_deref().map_or(Value::Null, |r| json!(r)),
        ),
        ("service", json!(&g.service)),
        ("operation", json!(&g.operation)),
        ("errorCode", json!(&g.error_code)),
        ("blocks", json!(&g.blocks)),
    ]);
    notification(text, props, None)
}

/// An expired waiver stops suppressing its findings; say so where CI looks.
fn expired_waiver_notification(w: &WaiverStatus) -> Notification {
    let expires = w.expires.map(|d| d.to_string()).unwrap_or_default();
    let text = format!(
        "Waiver expired on {expires} and no longer applies: {} {} ({})",
        w.rule_id, w.resource, w.reason
    );
    let props = entries(&[
        ("kind", json!("waiver-expired")),
        ("ruleId", json!(&w.rule_id)),
        ("resource", json!(&w.resource)),
        ("expires", json!(expires)),
        ("findings", json!(w.matched)),
    ]);
    notification(text, props, None)
}

fn service_of(arn: &str) -> String {
    arn.split(':').nth(2).unwrap_or_default().to_string()
}

/// `automationDetails.id`: the run category GitHub keys alerts on, then a slash.
pub fn automation_id(report: &ScanReport) -> String {
    format!("regionready/{}/", report.scope.region_pairs.join(","))
}

/// Builds the SARIF log.
pub fn build(report: &ScanReport, rules: &RuleSet, max_results: usize) -> Sarif {
    let table = RuleTable::new(rules, &report.findings);
    let mut failing: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.status == Status::Fail)
        .collect();
    // Most severe first, unwaived before waived: what is cut is the least important.
    failing.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.waived.cmp(&b.waived)));
    let total = failing.len();
    let kept = total.min(max_results);
    let omitted = total - kept;
    let results: Vec<SarifResult> = failing[..kept].iter().map(|f| result(f, &table)).collect();

    let mut notes: Vec<Notification> = Vec::new();
    if omitted > 0 {
        let text = format!(
            "{omitted} of {total} failing findings were left out of this SARIF log: GitHub code scanning accepts at most {max_results} results per run. The least severe were cut; results.json and report.html list them all."
        );
        let props = entries(&[
            ("kind", json!("results-omitted")),
            ("resultsOmitted", json!(omitted)),
            ("resultsTotal", json!(total)),
        ]);
        notes.push(notification(text, props, None));
    }
    notes.extend(
        report
            .findings
            .iter()
            .filter(|f| f.status == Status::Unknown)
            .map(|f| unknown_notification(f, &table)),
    );
    notes.extend(report.gaps.iter().map(gap_notification));
    notes.extend(
        report
            .waivers
            .iter()
            .filter(|w| w.state == "expired")
            .map(expired_waiver_notification),
    );
    let invocation_props = entries(&[
        ("asOf", json!(&report.scope.as_of)),
        ("source", json!(&report.scope.source)),
        ("gatePassed", json!(report.gate.passed)),
        ("gateReasons", json!(&report.gate.reasons)),
    ]);
    let mut invocation = Invocation::builder()
        .execution_successful(true)
        .properties(bag(None, invocation_props))
        .build();
    if !notes.is_empty() {
        invocation.tool_execution_notifications = Some(notes);
    }

    let driver = ToolComponent::builder()
        .name(report.tool.name.clone())
        .version(report.tool.version.clone())
        .semantic_version(report.tool.version.clone())
        .information_uri(information_uri())
        .rules(table.descriptors)
        .build();
    let mut base_ids = BTreeMap::new();
    base_ids.insert(
        URI_BASE_ID.to_string(),
        ArtifactLocation::builder()
            .uri("aws:///")
            .description(
                Message::builder()
                    .text("AWS resources, as aws/<account>/<region>/<service>/<resource-id>")
                    .build(),
            )
            .build(),
    );
    let run_props = entries(&[
        ("resultsTotal", json!(total)),
        ("resultsOmitted", json!(omitted)),
        ("overallScore", json!(report.scores.overall)),
        ("overallGrade", json!(report.scores.overall_grade)),
        ("overallCoverage", json!(report.scores.overall_coverage)),
        ("regionPairs", json!(&report.scope.region_pairs)),
        ("generatedAt", json!(&report.generated_at)),
    ]);
    let run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .automation_details(
            RunAutomationDetails::builder()
                .id(automation_id(report))
                .build(),
        )
        .original_uri_base_ids(base_ids)
        .invocations(vec![invocation])
        .results(results)
        .properties(bag(None, run_props))
        .build();
    Sarif::builder()
        .schema(SARIF_SCHEMA_URI)
        .version(json!("2.1.0"))
        .runs(vec![run])
        .build()
}
