//! `--format html`: one self-contained page for an architecture review. Inline CSS
//! and an inline SVG heatmap, no script, font, image or stylesheet to fetch, so the
//! file can be attached to a ticket or opened offline and always looks the same.

use super::{templates, view, ScanReport};
use crate::rules::RuleSet;

pub fn render(report: &ScanReport, rules: &RuleSet) -> Result<String, String> {
    let view = view::build(report, rules, None);
    templates::render(templates::HTML_TEMPLATE, report, &view)
}
