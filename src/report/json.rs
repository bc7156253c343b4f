//! `--format json`: the report document itself, pretty-printed.

use super::ScanReport;

pub fn render(report: &ScanReport) -> String {
    // Dangerous characters are \u escapes: the same data, safe to `cat`.
    let mut text = crate::sanitize::json_pretty(report).expect("a report always serializes");
    text.push('\n');
    text
}
