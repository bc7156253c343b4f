//! Untrusted text made harmless for where it is shown.
//!
//! Account names, tags, ARNs, messages and waiver reasons come from an inventory or
//! a config that someone else may have written. Shown raw, an ESC sequence can clear
//! or rewrite a terminal, a CR or newline can forge a report line (`Gate: PASSED`),
//! and a bidirectional override can make text read differently from what it is.
//! Every writer passes such text through one of these functions, and so do error
//! messages that quote input.

use std::fmt::Write;

/// Characters that change how surrounding text is displayed without being visible
/// themselves: bidirectional controls, zero-width characters, line and paragraph
/// separators, the byte-order mark.
fn is_invisible_format(c: char) -> bool {
    matches!(c,
        '\u{061C}'
        | '\u{200B}'..='\u{200F}'
        | '\u{2028}'..='\u{202E}'
        | '\u{2060}'..='\u{2069}'
        | '\u{FEFF}')
}

/// Whether a character can control a terminal or reorder displayed text: C0 and C1
/// controls, DEL, and the invisible format characters above.
pub fn is_dangerous(c: char) -> bool {
    c.is_control() || is_invisible_format(c)
}

/// Text on one terminal line: every dangerous character, newlines included, shown
/// as a visible escape (`\x1b`, `\r`, `\n`, `<U+202E>`) so the reader sees that it
/// was there and nothing is executed or reordered.
pub fn visible(text: &str) -> String {
    if !text.chars().any(is_dangerous) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_visible(&mut out, c);
    }
    out
}

/// Like [`visible`] but keeps newlines and tabs: for multi-line text whose line
/// breaks are meant (remediation blocks) and formats where a newline cannot forge
/// anything (HTML, inside a code fence).
pub fn visible_keep_lines(text: &str) -> String {
    if !text
        .chars()
        .any(|c| c != '\n' && c != '\t' && is_dangerous(c))
    {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c == '\n' || c == '\t' {
            out.push(c);
        } else {
            push_visible(&mut out, c);
        }
    }
    out
}

fn push_visible(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if (c as u32) < 0x100 && c.is_control() => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c if is_dangerous(c) => {
            let _ = write!(out, "<U+{:04X}>", c as u32);
        }
        c => out.push(c),
    }
}

/// JSON text in which every dangerous character is a `\uXXXX` escape. The data is
/// the same once parsed; only `cat results.json` in a terminal is made safe.
/// (`serde_json` already escapes C0 controls; this adds DEL, C1 and the
/// invisible format characters.)
pub fn json_pretty<T: serde::Serialize>(value: &T) -> Result<String, serde_json::Error> {
    let mut bytes = Vec::new();
    let mut serializer = serde_json::Serializer::with_formatter(&mut bytes, SafeFormatter::new());
    value.serialize(&mut serializer)?;
    // Only valid UTF-8 is ever written: fragments are `str` and escapes are ASCII.
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// serde_json's pretty printer with dangerous characters escaped in strings.
struct SafeFormatter {
    pretty: serde_json::ser::PrettyFormatter<'static>,
}

impl SafeFormatter {
    fn new() -> SafeFormatter {
        SafeFormatter {
            pretty: serde_json::ser::PrettyFormatter::new(),
        }
    }
}

impl serde_json::ser::Formatter for SafeFormatter {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if is_dangerous(c) {
                writer.write_all(&fragment.as_bytes()[start..i])?;
                write!(writer, "\\u{:04x}", c as u32)?;
                start = i + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }

    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.pretty.begin_array(w)
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.pretty.end_array(w)
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.pretty.begin_array_value(w, first)
    }

    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.pretty.end_array_value(w)
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.pretty.begin_object(w)
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.pretty.end_object(w)
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.pretty.begin_object_key(w, first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.pretty.begin_object_value(w)
    }

    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.pretty.end_object_value(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_are_shown_not_obeyed() {
        assert_eq!(visible("a\x1b[2Jb\r\nc"), "a\\x1b[2Jb\\r\\nc");
        assert_eq!(visible("x\u{202E}y\u{9b}"), "x<U+202E>y\\x9b");
        assert_eq!(visible_keep_lines("a\nb\u{202E}"), "a\nb<U+202E>");
        assert_eq!(visible("plain"), "plain");
    }

    #[test]
    fn json_escapes_what_a_terminal_would_obey_and_round_trips() {
        let text = "a\u{1b}b\u{7f}c\u{9b}d\u{202E}e\u{2028}é";
        let json = json_pretty(&serde_json::json!({ "k": [text] })).unwrap();
        assert!(!json.chars().any(is_dangerous_but_layout), "{json:?}");
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back["k"][0], text);
        let plain = serde_json::json!({ "a": [1, "x"], "b": { "c": null } });
        assert_eq!(
            json_pretty(&plain).unwrap(),
            serde_json::to_string_pretty(&plain).unwrap()
        );
    }

    fn is_dangerous_but_layout(c: char) -> bool {
        c != '\n' && is_dangerous(c)
    }
}
