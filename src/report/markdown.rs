//! `--format markdown`: the report as a pull-request comment. Tables instead of the
//! heatmap, and never longer than GitHub accepts in a comment: when the full list of
//! failing findings does not fit, the least severe are left out and a note says how
//! many and where the full list is.

use super::{templates, view, ScanReport};
use crate::evaluation::Status;
use crate::rules::RuleSet;

/// GitHub rejects issue and pull-request comments longer than this (characters).
pub const MAX_COMMENT_CHARS: usize = 65_536;

pub fn render(report: &ScanReport, rules: &RuleSet) -> Result<String, String> {
    render_with_limit(report, rules, MAX_COMMENT_CHARS)
}

/// Renders within `limit` characters, showing as many failing findings as fit.
pub fn render_with_limit(
    report: &ScanReport,
    rules: &RuleSet,
    limit: usize,
) -> Result<String, String> {
    let at = |max: Option<usize>| {
        templates::render(
            templates::MARKDOWN_TEMPLATE,
            report,
            &view::build(report, rules, max),
        )
    };
    let full = at(None)?;
    if full.chars().count() <= limit {
        return Ok(full);
    }
    // The largest number of findings that fits; rendering is monotonic in it.
    let failing = report
        .findings
        .iter()
        .filter(|f| f.status == Status::Fail && !f.waived)
        .count();
    let (mut lo, mut hi) = (0usize, failing);
    let mut best = None;
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let text = at(Some(mid))?;
        if text.chars().count() <= limit {
            best = Some(text);
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    match best {
        Some(text) => Ok(text),
        None => {
            // Even with no finding listed the report is too long: cut it hard.
            let text = at(Some(0))?;
            let note = "\n\n> **Report cut to fit a GitHub comment.** The full report is in `results.json` and `report.html`.\n";
            let keep = limit.saturating_sub(note.chars().count());
            let mut cut: String = text.chars().take(keep).collect();
            cut.push_str(note);
            Ok(cut)
        }
    }
}
