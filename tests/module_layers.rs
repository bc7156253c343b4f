//! The top-level modules of `src/` form layers: a module uses only modules listed
//! before it, so there is no cycle between them. From the bottom up:
//!
//! 1. `sanitize`, `span`, `severity`, `exit`, `diagnostics`: leaves (text hygiene,
//!    source positions, the severity scale, exit codes, input problem codes);
//! 2. `analysis`: facts from ARNs, partitions and configuration text, no inventory;
//! 3. `kinds`: each resource kind declared once, with its lazy CEL view;
//! 4. `inventory`: the collected estate, made of kinds;
//! 5. `config`: the user's `regionready.toml`;
//! 6. `expr`: the rule language (compile, budget, functions, load-time check);
//! 7. `rules`: rule files, checked with `expr`, adjusted by `config`;
//! 8. `evaluation`, `score`, `gate`: outcomes, scores, the CI gate;
//! 9. `report`: writers of the evaluation;
//! 10. `engine`: evaluates rules against an inventory;
//! 11. `collect`, `demo`: what produces an inventory;
//! 12. `scan`, `cli`: the pipeline and the command line.
//!
//! Dependencies are read from every `crate::<module>` path in the code (comments
//! aside), `use` lines and inline paths alike, grouped imports included. A new
//! top-level module must be placed in [`LAYERS`].

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Top-level modules, lowest first: each may use only the modules before it.
const LAYERS: &[&str] = &[
    "sanitize",
    "span",
    "severity",
    "exit",
    "diagnostics",
    "analysis",
    "kinds",
    "inventory",
    "config",
    "expr",
    "rules",
    "evaluation",
    "score",
    "gate",
    "report",
    "engine",
    "collect",
    "demo",
    "scan",
    "cli",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without its comments (line comments and doc comments).
fn code(source: &str) -> String {
    let mut out = String::new();
    for line in source.lines() {
        let mut in_string = false;
        let mut prev = ' ';
        let mut cut = line.len();
        for (i, c) in line.char_indices() {
            if c == '"' && prev != '\\' {
                in_string = !in_string;
            }
            if !in_string && c == '/' && prev == '/' {
                cut = i - 1;
                break;
            }
            prev = c;
        }
        out.push_str(&line[..cut]);
        out.push('\n');
    }
    out
}

fn ident(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// The top-level modules a file's code names through `crate::`.
fn uses(code: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (at, _) in code.match_indices("crate::") {
        if code[..at].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$') {
            continue; // `$crate::`, `regionready_crate::`, ...
        }
        let rest = code[at + "crate::".len()..].trim_start();
        if let Some(group) = rest.strip_prefix('{') {
            // `crate::{a::x, b::{y, z}}`: the first segment of each top-level item.
            let mut depth = 0usize;
            let mut start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => start = true,
                    c if start && !c.is_whitespace() => {
                        found.insert(ident(&group[i..]).to_string());
                        start = false;
                    }
                    _ => {}
                }
            }
        } else {
            found.insert(ident(rest).to_string());
        }
    }
    found.retain(|m| !m.is_empty() && m != "self");
    found
}

/// Module -> the other top-level modules it uses, with a file that does.
fn graph() -> BTreeMap<String, BTreeMap<String, String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut graph: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for file in files {
        let relative = file.strip_prefix(&src).unwrap();
        let first = relative.components().next().unwrap();
        let module = Path::new(first.as_os_str())
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .to_string();
        if module == "lib" || module == "main" {
            continue;
        }
        let source = std::fs::read_to_string(&file).unwrap();
        let entry = graph.entry(module.clone()).or_default();
        for used in uses(&code(&source)) {
            if used != module {
                entry
                    .entry(used)
                    .or_insert_with(|| relative.display().to_string());
            }
        }
    }
    graph
}

#[test]
fn the_parser_reads_grouped_and_inline_paths() {
    let text = "use crate::{a::X, b::{c, d}};\nlet x = crate::e::f();\nuse $crate::g;\n";
    let found: Vec<String> = uses(text).into_iter().collect();
    assert_eq!(found, ["a", "b", "e"]);
    assert_eq!(
        code("let a = 1; // crate::x\n/// crate::y\n"),
        "let a = 1; \n\n"
    );
}

#[test]
fn every_top_level_module_has_a_layer() {
    let unplaced: Vec<String> = graph()
        .into_keys()
        .filter(|m| !LAYERS.contains(&m.as_str()))
        .collect();
    assert!(
        unplaced.is_empty(),
        "place these modules in LAYERS of tests/module_layers.rs: {unplaced:?}"
    );
}

#[test]
fn modules_use_only_lower_layers() {
    let layer = |m: &str| LAYERS.iter().position(|l| *l == m);
    let mut upward = Vec::new();
    for (module, used) in graph() {
        let Some(at) = layer(&module) else { continue };
        for (dependency, file) in used {
            if layer(&dependency).is_none_or(|d| d >= at) {
                upward.push(format!(
                    "{module} -> {dependency} (src/{file}): `{dependency}` is not below `{module}`"
                ));
            }
        }
    }
    assert!(upward.is_empty(), "{upward:#?}");
}

#[test]
fn no_cycle_between_top_level_modules() {
    let graph = graph();
    // Depth-first search for a back edge, reporting the cycle it closes.
    fn visit<'g>(
        node: &'g str,
        graph: &'g BTreeMap<String, BTreeMap<String, String>>,
        path: &mut Vec<&'g str>,
        done: &mut BTreeSet<&'g str>,
        cycles: &mut Vec<String>,
    ) {
        if let Some(i) = path.iter().position(|n| *n == node) {
            let mut cycle = path[i..].to_vec();
            cycle.push(node);
            cycles.push(cycle.join(" -> "));
            return;
        }
        if !done.insert(node) {
            return;
        }
        path.push(node);
        for next in graph.get(node).into_iter().flat_map(|m| m.keys()) {
            visit(next, graph, path, done, cycles);
        }
        path.pop();
    }
    let mut cycles = Vec::new();
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        visit(node, &graph, &mut Vec::new(), &mut done, &mut cycles);
    }
    assert!(cycles.is_empty(), "module cycles: {cycles:#?}");
}
