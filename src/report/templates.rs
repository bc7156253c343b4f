//! The report templates (`reports/templates/`), embedded in the binary so a report
//! renders the same from any directory, and the filters they share.
//!
//! Every value from an inventory, a config or a rule file (tag values, names,
//! messages, waiver reasons) is untrusted text. HTML templates are auto-escaped.
//! Markdown has no escaping of its own, so the formatter escapes every string for
//! Markdown prose by default; filters choose another context (`mdcode` inside a
//! code span, `mdblock` for a paragraph, `mdfenced` inside a fence, `mdurl` for a
//! link target).

use crate::sanitize;
use minijinja::value::ValueKind;
use minijinja::{AutoEscape, Environment, Value};

pub const HTML_TEMPLATE: &str = "report.html.j2";
pub const MARKDOWN_TEMPLATE: &str = "report.md.j2";

const HTML_SOURCE: &str = include_str!("../../reports/templates/report.html.j2");
const MARKDOWN_SOURCE: &str = include_str!("../../reports/templates/report.md.j2");

/// Escapes text for Markdown prose and table cells, on one line: no emphasis,
/// heading, code, link, image or table syntax, no raw HTML or comment, no
/// autolink (`://`, `www.`, `@` are broken up by escapes), and no terminal control
/// or bidirectional character (shown visibly).
pub fn md(text: &str) -> String {
    let chars: Vec<char> = sanitize::visible(text).chars().collect();
    let mut out = String::with_capacity(chars.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        let before = |s: &str| {
            let n = s.chars().count();
            i >= n && chars[i - n..i].iter().copied().eq(s.chars())
        };
        match c {
            '\\' | '|' | '*' | '_' | '`' | '[' | ']' | '#' | '~' | '!' | '@' => {
                out.push('\\');
                out.push(c);
            }
            // `scheme://` and `www.` start an autolink.
            ':' if chars.get(i + 1) == Some(&'/') && chars.get(i + 2) == Some(&'/') => {
                out.push_str("\\:");
            }
            '.' if before("www") || before("WWW") => out.push_str("\\."),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            c => out.push(c),
        }
    }
    out
}

/// Text for inside a Markdown code span in a table cell: backslashes show literally
/// there, so only the table's `|` is escaped and backticks are replaced.
pub fn md_code(text: &str) -> String {
    let text = sanitize::visible(text);
    let mut out = String::with_capacity(text.len() + 4);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '|' => out.push_str("\\|"),
            '`' => out.push('\''),
            // A table reads `\\|` as an escaped backslash and a cell break: a
            // backslash before a pipe is shown as a look-alike instead.
            '\\' if chars.peek() == Some(&'|') => out.push('\u{29F5}'),
            c => out.push(c),
        }
    }
    out
}

/// A multi-line Markdown paragraph from a rule file: no raw HTML, no control.
pub fn md_block(text: &str) -> String {
    sanitize::visible_keep_lines(text)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The body of a code fence opened with [`fence`]: literal, so only controls go.
pub fn md_fenced(text: &str) -> String {
    sanitize::visible_keep_lines(text)
}

/// A link target: percent-encoded outside a small safe set, so it cannot close the
/// link or add a title; anything but an https URL becomes `#`.
pub fn md_url(url: &str) -> String {
    if !url.starts_with("https://") {
        return "#".to_string();
    }
    let mut out = String::with_capacity(url.len());
    for b in url.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~:/?#@!$&'*+,;=%".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A code fence longer than any backtick run inside `code`.
pub fn fence(code: &str) -> String {
    let longest = code.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    "`".repeat(longest.max(2) + 1)
}

/// What a template writes for `{{ value }}`. Escaping is the default, not a filter
/// to remember: in Markdown every string is [`md`]-escaped unless a filter already
/// made it safe; in HTML every string is escaped and its dangerous characters shown.
fn formatter(
    out: &mut minijinja::Output,
    state: &minijinja::State,
    value: &Value,
) -> Result<(), minijinja::Error> {
    let markdown = state.name().ends_with(".md.j2");
    if value.is_safe() || value.is_none() || value.is_undefined() {
        return minijinja::escape_formatter(out, state, value);
    }
    let text = match value.as_str() {
        Some(s) => s.to_string(),
        None if markdown && matches!(value.kind(), ValueKind::Number | ValueKind::Bool) => {
            return minijinja::escape_formatter(out, state, value);
        }
        None if markdown => value.to_string(),
        None => return minijinja::escape_formatter(out, state, value),
    };
    if markdown {
        out.write_str(&md(&text)).map_err(minijinja::Error::from)
    } else {
        minijinja::escape_formatter(
            out,
            state,
            &Value::from(sanitize::visible_keep_lines(&text)),
        )
    }
}

fn safe(text: String) -> Value {
    Value::from_safe_string(text)
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
    env.set_formatter(formatter);
    env.set_trim_blocks(false);
    env.add_filter("md", |s: String| safe(md(&s)));
    env.add_filter("mdcode", |s: String| safe(md_code(&s)));
    env.add_filter("mdblock", |s: String| safe(md_block(&s)));
    env.add_filter("mdfenced", |s: String| safe(md_fenced(&s)));
    env.add_filter("mdurl", |s: String| safe(md_url(&s)));
    env.add_function("fence", |s: String| safe(fence(&s)));
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
