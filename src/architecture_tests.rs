//! The layering rule of ARCHITECTURE.md, checked against the source.
//!
//! Reads every file under `src/`, builds the import graph from the paths that start with
//! `crate::`, `super::` or `self::` (in `use` items and inline paths alike, test code included:
//! comments and strings do not count), and asserts:
//! - no top-level module imports one in its own layer or a layer above it ([`LAYERS`]), and the
//!   pure modules import only what is pure ([`PURE`]);
//! - no import circle between files of the crate ([`ALLOWED_CIRCLES`] lists the ones still
//!   being taken apart).
//!
//! An import of a module's own ancestor or descendant (a child using `super::X`, a parent
//! re-exporting a child's item) is the module tree, not a dependency between peers, and is not
//! an edge. For circles, an import through a re-export (`crate::catalog::CatalogEvent`) also
//! counts as an import of the file that defines the item, so a facade hides no circle.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The layers, lowest first. A top-level module may import only from layers below its own;
/// modules of one layer do not import each other. ARCHITECTURE.md shows this list verbatim.
const LAYERS: &[(&str, &[&str])] = &[
    ("foundation", &["secret", "toml_error"]),
    ("pure core, emulator", &["core", "emulator"]),
    ("ports, places", &["ports", "paths", "environment"]),
    ("adapters", &["adapters"]),
    (
        "settings, stores, log",
        &["config", "session_store", "catalog", "logging"],
    ),
    ("screens, AWS files", &["ui", "aws_files"]),
    ("engine", &["engine"]),
    ("use cases", &["workspace"]),
    ("event loop", &["runtime"]),
    ("composition root", &["compose"]),
    ("entry points", &["cli"]),
];

/// The pure modules (no IO, no tokio, no clock) and all they may import: the screen is drawn
/// from the core's state alone.
const PURE: &[&str] = &["core", "ui"];
const PURE_MAY_IMPORT: &[&str] = &["secret", "core"];

/// Upward imports still being removed by another change of issue 13.
const ALLOWED_UPWARD: &[(&str, &str)] = &[];

/// Import circles between files still being taken apart by another change of issue 13,
/// each as the set of modules in it.
const ALLOWED_CIRCLES: &[&[&str]] = &[];

/// A module: its path segments below the crate root (`core::app::state` is `["core", "app", "state"]`).
type ModPath = Vec<String>;

fn show(m: &[String]) -> String {
    m.join("::")
}

/// Replaces comments, string and char literals with spaces.
fn strip_comments_and_literals(src: &str) -> String {
    let b: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == '/' && b.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if b[i] == '*' && b.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
        } else if c == 'r' && (next == Some('"') || next == Some('#')) && !prev_is_ident(&b, i) {
            // raw string r"..." or r#"..."#
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= b.len() {
                    break;
                }
                if b[j] == '"' && (0..hashes).all(|k| b.get(j + 1 + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            i = j;
            out.push_str("\"\"");
        } else if c == '"' {
            i += 1;
            while i < b.len() && b[i] != '"' {
                if b[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == '\'' {
            // a char literal ('a', '\n', '\u{..}') or a lifetime ('a)
            if next == Some('\\') {
                i += 2;
                while i < b.len() && b[i] != '\'' {
                    i += 1;
                }
                i += 1;
                out.push_str("' '");
            } else if b.get(i + 2) == Some(&'\'') {
                i += 3;
                out.push_str("' '");
            } else {
                out.push(c);
                i += 1;
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn prev_is_ident(b: &[char], i: usize) -> bool {
    i > 0 && (b[i - 1].is_alphanumeric() || b[i - 1] == '_')
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Punct(&'static str),
}

fn tokenize(code: &str) -> Vec<Tok> {
    let b: Vec<char> = code.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_alphabetic() || c == '_' || c == '$' {
            let start = i;
            i += 1;
            while i < b.len() && (b[i].is_alphanumeric() || b[i] == '_') {
                i += 1;
            }
            let word: String = b[start..i].iter().collect();
            toks.push(Tok::Ident(word.trim_start_matches('$').to_string()));
        } else if c == ':' && b.get(i + 1) == Some(&':') {
            toks.push(Tok::Punct("::"));
            i += 2;
        } else {
            let p = match c {
                '{' => "{",
                '}' => "}",
                ',' => ",",
                ';' => ";",
                '*' => "*",
                '#' => "#",
                '[' => "[",
                ']' => "]",
                '(' => "(",
                ')' => ")",
                '=' => "=",
                '"' => "\"",
                _ => "",
            };
            if !p.is_empty() {
                toks.push(Tok::Punct(p));
            }
            i += 1;
        }
    }
    toks
}

fn is_punct(t: Option<&Tok>, p: &str) -> bool {
    matches!(t, Some(Tok::Punct(q)) if *q == p)
}

fn is_ident(t: Option<&Tok>, w: &str) -> bool {
    matches!(t, Some(Tok::Ident(q)) if q == w)
}

/// Collects the leaves of a path or `use` tree starting at `toks[i]` (just after a `::`).
fn parse_tree(
    toks: &[Tok],
    mut i: usize,
    prefix: Vec<String>,
    leaves: &mut Vec<Vec<String>>,
) -> usize {
    let mut path = prefix;
    loop {
        match toks.get(i) {
            Some(Tok::Ident(w)) if w == "self" && !path.is_empty() => {
                leaves.push(path);
                return i + 1;
            }
            Some(Tok::Ident(w)) => {
                path.push(w.clone());
                i += 1;
                if is_punct(toks.get(i), "::") {
                    i += 1;
                    continue;
                }
                leaves.push(path);
                return i;
            }
            Some(Tok::Punct("*")) => {
                leaves.push(path);
                return i + 1;
            }
            Some(Tok::Punct("{")) => {
                i += 1;
                loop {
                    if is_punct(toks.get(i), "}") || i >= toks.len() {
                        return i + 1;
                    }
                    if is_punct(toks.get(i), ",") {
                        i += 1;
                        continue;
                    }
                    let before = i;
                    i = parse_tree(toks, i, path.clone(), leaves);
                    // `x as y`
                    if is_ident(toks.get(i), "as") {
                        i += 2;
                    }
                    if i == before {
                        i += 1;
                    }
                }
            }
            _ => {
                leaves.push(path);
                return i;
            }
        }
    }
}

/// The module paths one file names (each a full path from the crate root).
fn named_paths(src: &str, module: &[String]) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    let toks = tokenize(&strip_comments_and_literals(src));
    let mut i = 0;
    while i < toks.len() {
        let after_sep = i > 0 && is_punct(toks.get(i - 1), "::");
        match path_start(&toks, i, module) {
            Some((j, base)) if !after_sep => {
                let mut leaves = Vec::new();
                i = parse_tree(&toks, j, base, &mut leaves).max(i + 1);
                paths.extend(leaves);
            }
            _ => i += 1,
        }
    }
    paths
}

/// Where a path that starts at `toks[i]` with `crate::`, `super::` or `self::` goes on: the
/// position after that start and the module it names.
fn path_start(toks: &[Tok], i: usize, module: &[String]) -> Option<(usize, ModPath)> {
    let head = match &toks[i] {
        Tok::Ident(w) if w == "crate" || w == "super" || w == "self" => w.as_str(),
        _ => return None,
    };
    if !is_punct(toks.get(i + 1), "::") {
        return None;
    }
    let mut base: ModPath = if head == "crate" {
        Vec::new()
    } else {
        module.to_vec()
    };
    let mut j = i + 2;
    if head == "super" {
        base.pop();
        while is_ident(toks.get(j), "super") && is_punct(toks.get(j + 1), "::") {
            base.pop();
            j += 2;
        }
    }
    Some((j, base))
}

/// The items a file re-exports (`pub use …;`, `pub(crate) use …;`): name → full path. A path
/// with no `crate::`/`super::`/`self::` start is a child module's (`pub use child::Item;`).
fn reexports(src: &str, module: &[String]) -> BTreeMap<String, Vec<String>> {
    let toks = tokenize(&strip_comments_and_literals(src));
    let mut out = BTreeMap::new();
    for i in 0..toks.len() {
        if !is_ident(toks.get(i), "pub") {
            continue;
        }
        let mut j = i + 1;
        if is_punct(toks.get(j), "(") {
            while j < toks.len() && !is_punct(toks.get(j), ")") {
                j += 1;
            }
            j += 1;
        }
        if !is_ident(toks.get(j), "use") {
            continue;
        }
        j += 1;
        let (start, base) = path_start(&toks, j, module).unwrap_or((j, module.to_vec()));
        let mut leaves = Vec::new();
        parse_tree(&toks, start, base, &mut leaves);
        for leaf in leaves {
            if let Some(name) = leaf.last() {
                out.insert(name.clone(), leaf);
            }
        }
    }
    out
}

/// Every `.rs` file under `dir`, with its module path.
fn module_files(src: &Path) -> BTreeMap<ModPath, PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(src, &mut files);
    let mut map = BTreeMap::new();
    for f in files {
        let Ok(rel) = f.strip_prefix(src) else {
            continue;
        };
        let mut segs: Vec<String> = rel
            .with_extension("")
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if segs == ["main"] || segs == ["architecture_tests"] {
            continue; // the binary (a crate of its own), and this file
        }
        if segs == ["lib"] || segs.last().is_some_and(|s| s == "mod") {
            segs.pop();
        }
        map.insert(segs, f);
    }
    map
}

/// The import graph, each edge between two modules of which neither contains the other.
struct Graph {
    files: BTreeMap<ModPath, PathBuf>,
    /// As written: `use crate::catalog::CatalogEvent` is an edge to `catalog`, even when it
    /// only re-exports the item (the importer still needs that module).
    edges: BTreeSet<(ModPath, ModPath)>,
    /// Also to where the item is defined, following re-exports (so a circle through a
    /// parent's `pub use` is still seen).
    file_edges: BTreeSet<(ModPath, ModPath)>,
}

fn build_graph() -> Graph {
    graph_of(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"))
}

/// The longest module `path` starts with.
fn module_of(path: &[String], files: &BTreeMap<ModPath, PathBuf>) -> ModPath {
    (0..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|m| files.contains_key(m))
        .unwrap_or_default()
}

/// The module that defines what `path` names, following re-exports.
fn defining_module(
    path: &[String],
    files: &BTreeMap<ModPath, PathBuf>,
    reexported: &BTreeMap<ModPath, BTreeMap<String, Vec<String>>>,
) -> ModPath {
    let mut path = path.to_vec();
    for _ in 0..8 {
        let module = module_of(&path, files);
        let next = path
            .get(module.len())
            .and_then(|item| reexported.get(&module)?.get(item));
        match next {
            Some(target) if *target != path[..=module.len()] => {
                let mut followed = target.clone();
                followed.extend_from_slice(&path[module.len() + 1..]);
                path = followed;
            }
            _ => return module,
        }
    }
    module_of(&path, files)
}

fn graph_of(src: &Path) -> Graph {
    let files = module_files(src);
    let texts: BTreeMap<&ModPath, String> = files
        .iter()
        .map(|(m, p)| (m, std::fs::read_to_string(p).unwrap_or_default()))
        .collect();
    let reexported: BTreeMap<ModPath, BTreeMap<String, Vec<String>>> = texts
        .iter()
        .map(|(m, text)| ((*m).clone(), reexports(text, m)))
        .collect();
    let unrelated = |a: &ModPath, b: &ModPath| !a.starts_with(b) && !b.starts_with(a);
    let mut edges = BTreeSet::new();
    let mut file_edges = BTreeSet::new();
    for (module, text) in &texts {
        for p in named_paths(text, module) {
            let written = module_of(&p, &files);
            if unrelated(module, &written) {
                edges.insert(((*module).clone(), written.clone()));
                file_edges.insert(((*module).clone(), written));
            }
            let defining = defining_module(&p, &files, &reexported);
            if unrelated(module, &defining) {
                file_edges.insert(((*module).clone(), defining));
            }
        }
    }
    Graph {
        files,
        edges,
        file_edges,
    }
}

fn layer_of(top: &str) -> Option<usize> {
    LAYERS.iter().position(|(_, mods)| mods.contains(&top))
}

/// Top-level arrows (from, to) that do not run strictly downward, or leave a pure module for an
/// impure one, with the file edges behind them.
fn upward_arrows(g: &Graph) -> BTreeMap<(String, String), Vec<String>> {
    let mut out: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for (a, b) in &g.edges {
        let (ta, tb) = (a[0].clone(), b[0].clone());
        if ta == tb {
            continue;
        }
        let up = match (layer_of(&ta), layer_of(&tb)) {
            (Some(la), Some(lb)) => lb >= la,
            _ => true,
        };
        let impure = PURE.contains(&ta.as_str()) && !PURE_MAY_IMPORT.contains(&tb.as_str());
        if up || impure {
            out.entry((ta, tb))
                .or_default()
                .push(format!("{} -> {}", show(a), show(b)));
        }
    }
    out
}

/// Strongly connected components with more than one member (Tarjan).
fn circles(
    nodes: &BTreeSet<ModPath>,
    edges: &BTreeSet<(ModPath, ModPath)>,
) -> Vec<BTreeSet<ModPath>> {
    let idx: BTreeMap<&ModPath, usize> = nodes.iter().enumerate().map(|(i, m)| (m, i)).collect();
    let names: Vec<&ModPath> = nodes.iter().collect();
    let mut adj = vec![Vec::new(); names.len()];
    for (a, b) in edges {
        if let (Some(&x), Some(&y)) = (idx.get(a), idx.get(b)) {
            adj[x].push(y);
        }
    }
    struct T<'a> {
        adj: &'a [Vec<usize>],
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on: Vec<bool>,
        stack: Vec<usize>,
        next: usize,
        out: Vec<Vec<usize>>,
    }
    fn visit(t: &mut T, v: usize) {
        t.index[v] = Some(t.next);
        t.low[v] = t.next;
        t.next += 1;
        t.stack.push(v);
        t.on[v] = true;
        for k in 0..t.adj[v].len() {
            let w = t.adj[v][k];
            match t.index[w] {
                None => {
                    visit(t, w);
                    t.low[v] = t.low[v].min(t.low[w]);
                }
                Some(iw) if t.on[w] => t.low[v] = t.low[v].min(iw),
                Some(_) => {}
            }
        }
        if Some(t.low[v]) == t.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = t.stack.pop() {
                t.on[w] = false;
                comp.push(w);
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                t.out.push(comp);
            }
        }
    }
    let n = names.len();
    let mut t = T {
        adj: &adj,
        index: vec![None; n],
        low: vec![0; n],
        on: vec![false; n],
        stack: Vec::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in 0..n {
        if t.index[v].is_none() {
            visit(&mut t, v);
        }
    }
    t.out
        .into_iter()
        .map(|c| c.into_iter().map(|i| names[i].clone()).collect())
        .collect()
}

fn file_circles(g: &Graph) -> Vec<BTreeSet<ModPath>> {
    let nodes: BTreeSet<ModPath> = g.files.keys().cloned().collect();
    circles(&nodes, &g.file_edges)
}

fn top_level_circles(g: &Graph) -> Vec<BTreeSet<ModPath>> {
    let edges: BTreeSet<(ModPath, ModPath)> = g
        .edges
        .iter()
        .filter(|(a, b)| a[0] != b[0])
        .map(|(a, b)| (vec![a[0].clone()], vec![b[0].clone()]))
        .collect();
    let nodes = edges
        .iter()
        .flat_map(|(a, b)| [a.clone(), b.clone()])
        .collect();
    circles(&nodes, &edges)
}

fn show_circle(c: &BTreeSet<ModPath>) -> String {
    c.iter().map(|m| show(m)).collect::<Vec<_>>().join(" <-> ")
}

fn is_allowed_circle(c: &BTreeSet<ModPath>) -> bool {
    ALLOWED_CIRCLES.iter().any(|allowed| {
        allowed.len() == c.len() && c.iter().all(|m| allowed.contains(&show(m).as_str()))
    })
}

/// The layer list as ARCHITECTURE.md shows it, top layer first.
fn layers_text() -> String {
    let mut s = String::new();
    for (i, (name, mods)) in LAYERS.iter().enumerate().rev() {
        let _ = writeln!(s, "{i}  {name:<22} {}", mods.join(", "));
    }
    s
}

#[test]
fn every_top_level_module_has_one_layer() {
    let g = build_graph();
    let tops: BTreeSet<&str> = g
        .files
        .keys()
        .filter(|m| m.len() == 1)
        .map(|m| m[0].as_str())
        .collect();
    let listed: Vec<&str> = LAYERS.iter().flat_map(|(_, m)| m.iter().copied()).collect();
    let listed_set: BTreeSet<&str> = listed.iter().copied().collect();
    assert_eq!(
        listed.len(),
        listed_set.len(),
        "a module is listed in two layers"
    );
    let missing: Vec<_> = tops.difference(&listed_set).collect();
    let gone: Vec<_> = listed_set.difference(&tops).collect();
    assert!(
        missing.is_empty(),
        "top-level modules with no layer in LAYERS: {missing:?}"
    );
    assert!(
        gone.is_empty(),
        "LAYERS lists modules that do not exist: {gone:?}"
    );
}

/// The arrows back up, one line each with the file edges behind it.
fn upward_report(up: &BTreeMap<(String, String), Vec<String>>) -> String {
    let mut report = String::new();
    for ((a, b), why) in up {
        let allowed = ALLOWED_UPWARD.contains(&(a.as_str(), b.as_str()));
        let mark = if allowed { " (allowed for now)" } else { "" };
        let _ = writeln!(report, "  {a} -> {b}{mark}: {}", why.join("; "));
    }
    report
}

/// The whole picture: top-level imports, arrows back up, circles (top-level and between files).
fn graph_report(g: &Graph) -> String {
    let mut tops: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (a, b) in &g.edges {
        if a[0] != b[0] {
            tops.entry(a[0].as_str()).or_default().insert(b[0].as_str());
        }
    }
    let mut out = String::from("top-level imports:\n");
    for (a, bs) in &tops {
        let to: Vec<&str> = bs.iter().copied().collect();
        let _ = writeln!(out, "  {a} -> {}", to.join(" "));
    }
    let up = upward_arrows(g);
    let _ = writeln!(out, "arrows back up: {}\n{}", up.len(), upward_report(&up));
    for (what, circles) in [
        ("top-level circles", top_level_circles(g)),
        ("circles between files", file_circles(g)),
    ] {
        let _ = writeln!(out, "{what}: {}", circles.len());
        for c in &circles {
            let _ = writeln!(out, "  {}", show_circle(c));
        }
    }
    out
}

/// `cargo test --lib architecture_tests::report -- --ignored` shows the graph and its counts
/// (of another tree's `src/` with `ROLECALL_ARCH_SRC=dir`, e.g. a `git archive` of a commit).
#[test]
#[ignore = "a report, not a check"]
fn report() {
    use std::io::Write as _;
    let g = match std::env::var_os("ROLECALL_ARCH_SRC") {
        Some(dir) => graph_of(Path::new(&dir)),
        None => build_graph(),
    };
    let _ = std::io::stdout().write_all(graph_report(&g).as_bytes());
}

#[test]
fn imports_run_only_downward() {
    let g = build_graph();
    let up = upward_arrows(&g);
    let bad: Vec<_> = up
        .keys()
        .filter(|(a, b)| !ALLOWED_UPWARD.contains(&(a.as_str(), b.as_str())))
        .collect();
    assert!(
        bad.is_empty(),
        "imports that run back up the layers (see ARCHITECTURE.md):\n{}",
        upward_report(&up)
    );
}

#[test]
fn no_import_circles_between_files() {
    let g = build_graph();
    let bad: Vec<String> = file_circles(&g)
        .iter()
        .filter(|c| !is_allowed_circle(c))
        .map(show_circle)
        .collect();
    assert!(
        bad.is_empty(),
        "import circles between files:\n  {}",
        bad.join("\n  ")
    );
}

#[test]
fn architecture_doc_shows_the_layers() {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("ARCHITECTURE.md"))
            .unwrap_or_default();
    let want = layers_text();
    assert!(
        doc.contains(&want),
        "ARCHITECTURE.md must show the layers exactly as:\n{want}"
    );
    // and its table has a row for every top-level module, in its layer
    let g = build_graph();
    let mut missing = Vec::new();
    for top in g.files.keys().filter(|m| m.len() == 1).map(|m| &m[0]) {
        let layer = layer_of(top).map_or(String::from("?"), |l| l.to_string());
        let row = |name: String| format!("| `{name}` | {layer} |");
        if !doc.contains(&row(format!("{top}/"))) && !doc.contains(&row(format!("{top}.rs"))) {
            missing.push(row(format!("{top}/ or {top}.rs")));
        }
    }
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md's module table lacks:\n{}",
        missing.join("\n")
    );
}

#[test]
fn the_graph_reader_sees_use_trees_and_inline_paths_not_comments_or_strings() {
    let src = r##"
        use crate::core::{app::state::AppState, self as c, ports::{Clock, *}};
        // use crate::cli::Nope;
        /* crate::cli::Nope /* nested */ crate::cli::Nope */
        fn f() { let s = "crate::ui::Nope"; super::sib::g(); let c = 'x'; let r = r#"crate::ui::No"#; }
        #[cfg(test)]
        mod tests { use crate::adapters::Yes; }
        pub(crate) fn h<'a>(x: &'a str) -> crate::engine::E { self::inner::k() }
    "##;
    let paths = named_paths(src, &["runtime".to_string(), "m".to_string()]);
    let got: BTreeSet<String> = paths.iter().map(|p| show(p)).collect();
    let want: BTreeSet<String> = [
        "core::app::state::AppState",
        "core",
        "core::ports::Clock",
        "core::ports",
        "runtime::sib::g",
        "engine::E",
        "runtime::m::inner::k",
        "adapters::Yes",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(got, want);
}

#[test]
fn re_exports_lead_to_the_module_that_defines_the_item() {
    let m = |s: &str| -> ModPath {
        s.split("::")
            .filter(|x| !x.is_empty())
            .map(String::from)
            .collect()
    };
    let src = "pub use x::{Item, Other as O};\npub(crate) use crate::b::Thing;\nuse y::Private;";
    let found = reexports(src, &m("a"));
    let shown: BTreeMap<&str, String> = found.iter().map(|(k, v)| (k.as_str(), show(v))).collect();
    assert_eq!(shown.get("Item").map(String::as_str), Some("a::x::Item"));
    assert_eq!(shown.get("Thing").map(String::as_str), Some("b::Thing"));
    assert!(!shown.contains_key("Private"));
    let files: BTreeMap<ModPath, PathBuf> = ["", "a", "a::x", "b"]
        .into_iter()
        .map(|s| (m(s), PathBuf::new()))
        .collect();
    let reexported = BTreeMap::from([(m("a"), found)]);
    assert_eq!(
        defining_module(&m("a::Item"), &files, &reexported),
        m("a::x")
    );
    assert_eq!(
        defining_module(&m("a::Thing::new"), &files, &reexported),
        m("b")
    );
    assert_eq!(
        defining_module(&m("a::Unknown"), &files, &reexported),
        m("a")
    );
}
