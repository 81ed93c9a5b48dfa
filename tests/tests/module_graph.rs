//! The modules of the CLI and of the mock form no import cycle: each module
//! uses only modules below it, so every module but the top can be compiled and
//! unit-tested with only what it stands on. Read from the sources: a module
//! names another as `crate::other` (in a `use` or a path); a name re-exported
//! by the crate root counts as the module it comes from.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The crate root's name in the graph.
const ROOT: &str = "<root>";

type Graph = BTreeMap<String, BTreeSet<String>>;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ sits in the workspace").to_path_buf()
}

/// The text of a file without comments and without its trailing unit tests
/// (`#[cfg(test)] mod tests`), which may use anything.
fn code_of(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(at) => &text[..at],
        None => &text[..],
    };
    text.lines().map(|l| l.split("//").next().unwrap_or_default()).collect::<Vec<_>>().join("\n")
}

/// Every `crate::<name>` in the code.
fn crate_paths(code: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let before = rest[..at].chars().last();
        rest = &rest[at + "crate::".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue; // e.g. `ttv_crate::`
        }
        if rest.starts_with('{') {
            let inner = &rest[1..rest.find('}').unwrap_or(rest.len())];
            names.extend(inner.split(',').filter_map(|p| first_ident(p.trim())));
        } else if let Some(name) = first_ident(rest) {
            names.insert(name);
        }
    }
    names
}

fn first_ident(s: &str) -> Option<String> {
    let name: String = s.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
    (!name.is_empty()).then_some(name)
}

/// Names the crate root re-exports, and the module each comes from
/// (`pub use config::{MockConfig, MockTls};`).
fn reexports(root_code: &str) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    for stmt in root_code.split(';') {
        let stmt = stmt.trim();
        let Some(path) = stmt.strip_prefix("pub use ") else { continue };
        let Some((module, items)) = path.split_once("::") else { continue };
        let items = items.trim_start_matches('{').trim_end_matches('}');
        for item in items.split(',') {
            let item = item.trim();
            let exported = item.rsplit(" as ").next().unwrap_or(item).trim();
            if let Some(name) = first_ident(exported) {
                map.insert(name, module.to_owned());
            }
        }
    }
    map
}

/// The module graph of the crate whose sources are in `src`, by top-level module.
fn graph(src: &Path, root_file: &str) -> Graph {
    let root_code = code_of(&src.join(root_file));
    let exports = reexports(&root_code);
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    for entry in std::fs::read_dir(src).expect("read src") {
        let path = entry.expect("entry").path();
        let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_owned();
        if path.is_dir() {
            for sub in std::fs::read_dir(&path).expect("read dir") {
                let sub = sub.expect("entry").path();
                if sub.extension().is_some_and(|e| e == "rs") {
                    files.push((name.clone(), sub));
                }
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            let module = if ["main", "lib"].contains(&name.as_str()) { ROOT.to_owned() } else { name };
            files.push((module, path));
        }
    }
    let modules: BTreeSet<String> = files.iter().map(|(m, _)| m.clone()).collect();
    let mut graph = Graph::new();
    for (module, path) in &files {
        let edges = graph.entry(module.clone()).or_default();
        for name in crate_paths(&code_of(path)) {
            let target = if modules.contains(&name) {
                name
            } else {
                exports.get(&name).cloned().unwrap_or_else(|| ROOT.to_owned())
            };
            if &target != module {
                edges.insert(target);
            }
        }
    }
    graph
}

/// The strongly connected components with more than one module (Tarjan).
fn cycles(graph: &Graph) -> Vec<Vec<String>> {
    struct State<'g> {
        graph: &'g Graph,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        on_stack: BTreeSet<&'g str>,
        found: Vec<Vec<String>>,
    }
    fn visit<'g>(s: &mut State<'g>, v: &'g str) {
        let i = s.index.len();
        s.index.insert(v, i);
        s.low.insert(v, i);
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in s.graph.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !s.index.contains_key(w) {
                visit(s, w);
                let lw = s.low[w];
                let lv = s.low.get_mut(v).expect("visited");
                *lv = (*lv).min(lw);
            } else if s.on_stack.contains(w) {
                let iw = s.index[w];
                let lv = s.low.get_mut(v).expect("visited");
                *lv = (*lv).min(iw);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.push(w.to_owned());
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.found.push(component);
            }
        }
    }
    let mut s = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.found
}

fn assert_acyclic(crate_dir: &str, root_file: &str) {
    let graph = graph(&workspace().join(crate_dir).join("src"), root_file);
    let found = cycles(&graph);
    let shown: Vec<String> = graph.iter().map(|(m, uses)| format!("  {m} -> {uses:?}")).collect();
    assert!(
        found.is_empty(),
        "{crate_dir}: modules that import each other in a circle: {found:?}\nthe graph:\n{}",
        shown.join("\n")
    );
}

#[test]
fn cli_modules_form_no_cycle() {
    assert_acyclic("cli", "main.rs");
}

#[test]
fn mock_modules_form_no_cycle() {
    assert_acyclic("mock", "lib.rs");
}

#[test]
fn the_checker_finds_a_cycle_and_follows_reexports() {
    let mut g = Graph::new();
    g.entry("a".into()).or_default().insert("b".into());
    g.entry("b".into()).or_default().insert("c".into());
    g.entry("c".into()).or_default().insert("a".into());
    g.entry("d".into()).or_default().insert("a".into());
    assert_eq!(cycles(&g), vec![vec!["a".to_owned(), "b".into(), "c".into()]]);
    let paths = crate_paths("use crate::run::{Ctx};\nlet x = crate::{args, output::Format};\nttv_crate::no;");
    assert_eq!(paths, ["args", "output", "run"].into_iter().map(String::from).collect());
    let exports = reexports("mod config;\npub use config::{MockConfig, MockTls as Tls};\npub use server::MockServer;");
    assert_eq!(exports.get("Tls").map(String::as_str), Some("config"));
    assert_eq!(exports.get("MockServer").map(String::as_str), Some("server"));
}
