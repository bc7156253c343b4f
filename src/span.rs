//! Turns byte offsets into `file:line:column` so every input error points at its source.

/// 1-based line and column of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rfind('\n').map_or(offset, |nl| offset - nl - 1) + 1;
    (line, column)
}

/// Line starts of a text, computed once, so locating many offsets in a large file
/// (a config with tens of thousands of waivers) costs a binary search each instead
/// of a scan from the top.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> LineIndex<'a> {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { text, starts }
    }

    /// 1-based line and column of a byte offset, as [`line_col`] computes them.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&start| start <= offset);
        (line, offset - self.starts[line - 1] + 1)
    }

    /// `path:line:column: message`.
    pub fn located(&self, path: &str, offset: usize, message: impl std::fmt::Display) -> String {
        let (line, column) = self.line_col(offset);
        format!("{path}:{line}:{column}: {message}")
    }
}

/// `path:line:column: message`, the one format all input errors share.
pub fn located(path: &str, text: &str, offset: usize, message: impl std::fmt::Display) -> String {
    let (line, column) = line_col(text, offset);
    format!("{path}:{line}:{column}: {message}")
}

/// A toml error as one line: the parser's span and its message without the
/// multi-line source excerpt it normally prints.
pub fn toml_error(path: &str, text: &str, error: &toml::de::Error) -> String {
    let offset = error.span().map_or(0, |s| s.start);
    let message = error
        .message()
        .lines()
        .next()
        .unwrap_or("invalid TOML")
        .trim();
    let message = crate::sanitize::visible(message);
    located(path, text, offset, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_lines_and_columns_from_one() {
        let text = "a = 1\nbb = 2\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 6), (2, 1));
        assert_eq!(line_col(text, 9), (2, 4));
    }

    #[test]
    fn the_index_agrees_with_the_scan_at_every_offset() {
        let text = "a = 1\n\nbb = 2\nccc";
        let index = LineIndex::new(text);
        for offset in 0..=text.len() + 2 {
            assert_eq!(index.line_col(offset), line_col(text, offset), "{offset}");
        }
    }
}
