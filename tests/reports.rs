//! The HTML and Markdown reports: self-contained, escaped, complete, and the
//! Markdown within a GitHub comment.

mod common;

use common::*;
use regionready::report::{html, markdown, view};
use std::path::Path;

fn html_of(report: &regionready::report::ScanReport) -> String {
    html::render(report, &rules()).expect("html renders")
}

#[test]
fn html_is_self_contained() {
    let page = html_of(&report());
    for forbidden in [
        "src=\"http",
        "src=",
        "<link",
        "@import",
        "url(http",
        "url(",
        "<script",
        "<img",
        "<iframe",
    ] {
        assert!(
            !page.contains(forbidden),
            "report.html contains {forbidden:?}"
        );
    }
    // Links a reader may follow are fine; nothing is fetched.
    // (minijinja escapes `/` as `&#x2f;`, which the browser decodes in attributes.)
    assert!(page.contains("<a href=\"https:&#x2f;&#x2f;docs.aws.amazon.com&#x2f;RR-KMS-901\">Reference documentation</a>"));
}

#[test]
fn html_escapes_inventory_text() {
    let page = html_of(&report());
    assert!(page.contains("Key in 111111111111 is single-Region &lt;script&gt;alert(1)&lt;&#x2f;script&gt; | pipe"), "message not escaped");
    assert!(page.contains("Title of RR-KMS-901 &lt;with markup&gt; &amp; | pipes"));
}

#[test]
fn html_has_every_section() {
    let page = html_of(&report());
    let r = report();
    // Executive summary: score, grade, coverage, verdict per pair, gate.
    assert!(page.contains("<section id=\"summary\">"));
    let overall = format!(
        "<div class=\"big\">{:.1}</div><div>grade {}</div>",
        r.scores.overall.unwrap_or_default(),
        r.scores.overall_grade.as_deref().unwrap_or("-")
    );
    assert!(page.contains(&overall), "missing {overall}");
    assert!(page.contains("<td class=\"nw\">us-east-1+eu-west-1</td>"));
    assert!(page.contains("<span class=\"badge not-ready\">not ready</span>"));
    assert!(page.contains("<div class=\"big gate-fail\">FAILED</div>"));
    // Heatmap: inline SVG, one cell per account and column (overall + every category).
    assert!(
        page.contains("<svg role=\"img\" aria-label=\"Readiness heatmap: accounts by category\"")
    );
    assert_eq!(
        page.matches("<rect ").count(),
        3 * (1 + regionready::rules::Category::ALL.len())
    );
    assert!(page.contains(">payments-prod (111111111111)</text>"));
    assert!(page.contains("fill=\"#d0d7de\""), "n/a cells are grey");
    // Top blockers ranked by severity then blast radius.
    assert!(page.contains("<section id=\"blockers\">"));
    let kms = page
        .find("<td><a href=\"#RR-KMS-901\">RR-KMS-901</a></td>")
        .expect("KMS blocker");
    let ddb = page
        .find("<td><a href=\"#RR-DDB-902\">RR-DDB-902</a></td>")
        .expect("DynamoDB blocker");
    assert!(kms < ddb);
    // Findings with remediation from the rules.
    assert!(page.contains("<div class=\"rule\" id=\"RR-KMS-901\">"));
    assert!(page.contains(
        "<pre><code>aws kms create-key --multi-region --description RR-KMS-901</code></pre>"
    ));
    assert!(page.contains("resource &quot;aws_kms_key&quot; &quot;kms-test-key&quot; {"));
    assert!(page.contains("<span class=\"badge new\">new</span>"));
    // Gaps, not-assessed account, unknown outcomes.
    assert!(page.contains("<span class=\"badge not-assessed\">not assessed</span> role OrganizationAccountAccessRole could not be assumed (AccessDenied)"));
    assert!(page.contains(
        "<td class=\"nw\">kms</td><td>AccessDeniedException: not authorized to perform kms:ListKeys</td>"
    ));
    assert!(page.contains("<h3>Unknown outcomes (1)</h3>"));
    // Waivers in force and expired, with expiry.
    assert!(page.contains(
        "<span class=\"badge not-ready\">expired</span></td><td class=\"nw\">RR-KMS-901</td>"
    ));
    assert!(
        page.contains("<td>Legacy ledger key, retired in Q3</td><td class=\"nw\">2026-09-30</td>")
    );
    assert!(page.contains(
        "<span class=\"badge ready\">in force</span></td><td class=\"nw\">RR-SEC-903</td>"
    ));
    // Baseline diff.
    assert!(page.contains("<strong>1 new</strong>, 2 unchanged, <strong>1 fixed</strong>"));
    assert!(page.contains("arn:aws:dynamodb:us-east-1:111111111111:table&#x2f;orders"));
    // Score method.
    assert!(page.contains("score    = 100 * Wpass &#x2f; (Wpass + Wfail + Wunknown)"));
    assert!(page.contains("Severity weights: critical 10, high 5, medium 3, low 1, info 0."));
}

#[test]
fn html_of_the_demo_scan_renders() {
    let (report, rules) = demo_report();
    let page = html::render(&report, &rules).expect("demo html");
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("<section id=\"heatmap\">"));
    assert!(!page.contains("<link") && !page.contains("src=\"http"));
}

#[test]
fn blockers_rank_by_severity_then_accounts_then_resources() {
    use regionready::evaluation::Status;
    use regionready::rules::{Category, Severity};
    let f = |id: &str, sev, arn: &str, account: &str| {
        finding(
            id,
            sev,
            Category::Kms,
            Status::Fail,
            arn,
            account,
            "us-east-1",
        )
    };
    let findings = vec![
        f("RR-A-001", Severity::High, "arn:1", "1"),
        f("RR-B-001", Severity::High, "arn:2", "1"),
        f("RR-B-001", Severity::High, "arn:3", "2"),
        f("RR-C-001", Severity::High, "arn:4", "1"),
        f("RR-C-001", Severity::High, "arn:5", "1"),
        f("RR-D-001", Severity::Critical, "arn:6", "1"),
    ];
    let ranked: Vec<(String, usize, usize)> = view::blockers(&findings)
        .into_iter()
        .map(|b| (b.rule_id, b.accounts, b.resources))
        .collect();
    assert_eq!(
        ranked,
        [
            ("RR-D-001".to_string(), 1, 1),
            ("RR-B-001".to_string(), 2, 2),
            ("RR-C-001".to_string(), 1, 2),
            ("RR-A-001".to_string(), 1, 1)
        ]
    );
}

#[test]
fn markdown_has_every_section_as_tables() {
    let text = markdown::render(&report(), &rules()).expect("markdown renders");
    assert!(text.starts_with("## regionready: multi-region readiness of us-east-1+eu-west-1\n"));
    assert!(text.contains("**Gate: FAILED**: 1 new finding(s) at or above high (fail-on high)"));
    assert!(text.contains("| us-east-1+eu-west-1 | 3 |"));
    assert!(text.contains(
        "| Account | Overall | kms | secrets | dynamodb | rds | hot-path | regions | residency |"
    ));
    assert!(text.contains("| sandbox (333333333333) (not assessed: role OrganizationAccountAccessRole could not be assumed (AccessDenied)) | n/a |"));
    assert!(text.contains("| 1 | critical | RR-KMS-901 | Title of RR-KMS-901 &lt;with markup&gt; &amp; \\| pipes | 2 | 2 |"));
    assert!(text.contains("#### CRITICAL RR-KMS-901: Title of RR-KMS-901"));
    assert!(text.contains("| `arn:aws:kms:us-east-1:111111111111:key/aaaa` | 111111111111 | us-east-1 → eu-west-1 | Key in 111111111111 is single-Region &lt;script&gt;alert(1)&lt;/script&gt; \\| pipe |"));
    assert!(text.contains("```sh\naws kms create-key --multi-region --description RR-KMS-901\n```"));
    assert!(text.contains(
        "```hcl\nresource \"aws_kms_key\" \"kms-test-key\" {\n  multi_region = true\n}\n```"
    ));
    assert!(text.contains("**new**"));
    assert!(text.contains("**1 new**, 2 unchanged, **1 fixed**"));
    assert!(text.contains("| **expired** | RR-KMS-901 | `arn:aws:kms:us-east-1:222222222222:key/bbbb` | Legacy ledger key, retired in Q3 | 2026-09-30 | 1 |"));
    assert!(text.contains("| in force | RR-SEC-903 |"));
    assert!(
        text.contains("| 333333333333 | all regions | \\* | AccessDenied: sts:AssumeRole denied |")
    );
    assert!(text.contains("score    = 100 * Wpass / (Wpass + Wfail + Wunknown)"));
    assert!(!text.contains("were left out"));
    assert!(!text.contains("<script>"));
}

#[test]
fn markdown_fits_a_github_comment_and_says_what_was_left_out() {
    let report = large_report(3_000);
    let text = markdown::render(&report, &rules()).expect("markdown renders");
    let chars = text.chars().count();
    assert!(chars <= markdown::MAX_COMMENT_CHARS, "{chars} characters");
    let view = view::build(&report, &rules(), None);
    assert_eq!(view.findings_shown + view.findings_omitted, 3_000);
    let shown = text
        .lines()
        .filter(|l| l.starts_with("| `arn:aws:kms:us-east-1:1000"))
        .count();
    let note = format!(
        "> **{} of 3000 failing findings were left out** to fit a GitHub comment (65,536 characters). The full list is in `results.json` and `report.html`",
        3_000 - shown
    );
    assert!(
        text.contains(&note),
        "missing note {note:?} in:\n{}",
        &text[text.len().saturating_sub(4000)..]
    );
    assert!(shown > 100, "only {shown} findings shown");
    // As many as fit: one more finding would not.
    let one_more = regionready::report::view::build(&report, &rules(), Some(shown + 1));
    assert_eq!(one_more.findings_shown, shown + 1);
}

#[test]
fn markdown_limit_is_exact() {
    let report = large_report(200);
    let text = markdown::render_with_limit(&report, &rules(), 20_000).expect("markdown renders");
    assert!(text.chars().count() <= 20_000);
    assert!(text.contains("failing findings were left out"));
}

/// Renders the HTML report in headless Chromium (tests/render_html.sh) when a
/// browser is installed; skipped otherwise.
#[test]
fn html_renders_in_headless_chromium() {
    if !Path::new("/usr/bin/chromium").exists() && std::env::var_os("CHROMIUM").is_none() {
        eprintln!("skipped: no chromium");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let page = dir.path().join("report.html");
    std::fs::write(&page, html_of(&report())).expect("write html");
    let png = dir.path().join("report.png");
    let out = std::process::Command::new("bash")
        .arg(repo("tests/render_html.sh"))
        .arg(&page)
        .arg(&png)
        .output()
        .expect("render_html.sh runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&png).expect("screenshot");
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    assert!(
        bytes.len() > 10_000,
        "screenshot is blank ({} bytes)",
        bytes.len()
    );
}
