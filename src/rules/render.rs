//! Rules as `rules list` and `rules explain` print them.

use super::RuleSet;

/// One line per rule (id, severity, category, title) and a count.
pub fn list_text(rules: &RuleSet) -> String {
    let mut out = String::new();
    for r in &rules.rules {
        out.push_str(&format!(
            "{:<12} {:<9} {:<10} {}\n",
            r.spec.id,
            r.severity.as_str(),
            r.spec.category.as_str(),
            r.spec.title
        ));
    }
    out.push_str(&format!("{} rules\n", rules.rules.len()));
    out
}

/// The rules as a JSON array of their id, name, title, severity, category and
/// resource kind.
pub fn list_json(rules: &RuleSet) -> Result<String, serde_json::Error> {
    let list: Vec<serde_json::Value> = rules
        .rules
        .iter()
        .map(|r| {
            serde_json::json!({
                "id": r.spec.id, "name": r.spec.name, "title": r.spec.title,
                "severity": r.severity, "category": r.spec.category, "resource": r.spec.resource,
            })
        })
        .collect();
    Ok(serde_json::to_string_pretty(&list)? + "\n")
}

/// The full text of one rule, as `rules explain` prints it.
pub fn explain_text(rule: &super::Rule) -> String {
    let s = &rule.spec;
    let mut out = format!(
        "{} {} ({})\n{}\n\nseverity: {}   category: {}   evaluated per: {}   since: {}\n\nWhy it matters\n{}\n\nHow to fix\n{}\n",
        s.id,
        s.name,
        rule.origin,
        s.title,
        rule.severity,
        s.category,
        s.resource.as_str(),
        s.since,
        s.rationale.trim(),
        s.remediation.text.trim()
    );
    if let Some(cli) = &s.remediation.cli {
        out.push_str(&format!("\nAWS CLI\n{}\n", cli.trim()));
    }
    if let Some(tf) = &s.remediation.terraform {
        out.push_str(&format!("\nTerraform\n{}\n", tf.trim()));
    }
    out.push_str("\nCondition (CEL)\n");
    if let Some(scope) = &s.scope {
        out.push_str(&format!("  scope:     {}\n", scope.trim()));
    }
    out.push_str(&format!("  condition: {}\n", s.condition.trim()));
    out.push_str(&format!(
        "\nIAM permissions\n  {}\n\nMore: {}\n",
        s.permissions.join(", "),
        s.help_uri
    ));
    out
}
