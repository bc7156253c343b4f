//! The report templates (`reports/templates/`), embedded in the binary so a report
//! renders the same from any directory, and the filters they share.
//!
//! HTML templates are auto-escaped: every value from an inventory (tag values,
//! names, messages) is untrusted text. Markdown has no escaping of its own, so the
//! Markdown template passes every value through `md` (prose) or `mdcode` (inside a
//! code span).

use minijinja::{AutoEscape, Environment};

pub const HTML_TEMPLATE: &str = "report.html.j2";
pub const MARKDOWN_TEMPLATE: &str = "report.md.j2";

const HTML_SOURCE: &str = include_str!("../../reports/templates/report.html.j2");
const MARKDOWN_SOURCE: &str = include_str!("../../reports/templates/report.md.j2");

/// Escapes text for Markdown prose and table cells, on one line.
pub fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '|' | '*' | '_' | '`' | '[' | ']' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => {}
            '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Text for inside a Markdown code span in a table cell: backslashes show literally
/// there, so only the table's `|` is escaped and backticks are replaced.
pub fn md_code(text: &str) -> String {
    text.replace(['\r', '\n'], " ")
        .replace('|', "\\|")
        .replace('`', "'")
}

/// A multi-line Markdown paragraph: no raw HTML.
pub fn md_block(text: &str) -> String {
    text.replace('<', "&lt;").replace('>', "&gt;")
}

/// A code fence longer than any backtick run inside `code`.
pub fn fence(code: &str) -> String {
    let longest = code.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    "`".repeat(longest.max(2) + 1)
}

/// The template environment with both templates and the filters.
pub fn environment() -> Result<Environment<'static>, minijinja::Error> {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".html.j2") {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    env.set_trim_blocks(false);
    env.add_filter("md", |s: String| md(&s));
    env.add_filter("mdcode", |s: String| md_code(&s));
    env.add_filter("mdblock", |s: String| md_block(&s));
    env.add_function("fence", |s: String| fence(&s));
    env.add_template(HTML_TEMPLATE, HTML_SOURCE)?;
    env.add_template(MARKDOWN_TEMPLATE, MARKDOWN_SOURCE)?;
    Ok(env)
}

/// Renders a template with the report and its view.
pub fn render(
    name: &str,
    report: &super::ScanReport,
    view: &super::view::View,
) -> Result<String, String> {
    let env = environment().map_err(|e| format!("report template: {e:#}"))?;
    let template = env
        .get_template(name)
        .map_err(|e| format!("report template: {e:#}"))?;
    let context = minijinja::context! {
        r => minijinja::Value::from_serialize(report),
        v => minijinja::Value::from_serialize(view),
    };
    template
        .render(context)
        .map_err(|e| format!("{name}: {e:#}"))
}
