//! `--format json`: the report document itself, pretty-printed.

use super::ScanReport;

pub fn render(report: &ScanReport) -> String {
    let mut text = serde_json::to_string_pretty(report).expect("a report always serializes");
    text.push('\n');
    text
}
