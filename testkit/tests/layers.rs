//! Imports run one way (STYLE.md, "The house we expect"): a module imports only modules of lower
//! layers, and no modules import each other in a circle. [`check_dir`] reads the import graph of
//! a source directory and checks it against a layer table; the tests at the bottom apply it to
//! the reference server (`testkit/src/server`, table [`SERVER`], the same as the one in its
//! `mod.rs`). Another directory gets its own table and one more test calling [`check_dir`].
//!
//! How a directory is read (plain string scanning; no parser crate):
//! - **Modules.** Every `.rs` file is a module: `foo.rs` and `foo/mod.rs` are `foo`, `foo/bar.rs`
//!   is `foo::bar`; the directory's own `mod.rs` or `lib.rs` is the root, written `mod` or `lib`
//!   in a table.
//! - **Granularity.** A table entry stands for its module and every module under it that is not
//!   listed itself: `db` covers `db/accounts.rs`, while `routes::login` can sit in a lower layer
//!   than `routes`. The root entry stands for the root file only. References inside one entry are
//!   not edges. Every file must fall under an entry, and every entry must name a module.
//! - **References.** `use` declarations, grouped ones included (`use crate::{a::X, b::{Y, Z}}`),
//!   and paths in code that start with `crate::`, `super::`, `self::` or the name of a child
//!   module. `crate::` resolves against where the directory sits in its crate (`testkit/src/server`
//!   is `crate::server`); `super::` against the file and the inline modules around it (in
//!   `mod tests { use super::*; }` it is the file itself). A path is an edge to the deepest module
//!   it names; an item of the root (`super::RunningServer`) is an edge to the root. Paths that
//!   leave the directory (`crate::harness`, other crates) are not edges. Comments (doc links
//!   included), strings, character literals and `$crate` are skipped; `mod x;` declares, it does
//!   not import.
//! - **Rules.** An edge must go to a lower layer, or be listed in the table as an allowed
//!   same-layer edge (prefer none). Each violation names the file, line, edge and path. Circles
//!   are reported apart (Tarjan's strongly connected components), whatever the layers say.
//!
//! Another directory is one table and one test, e.g. for the core (its root is `lib.rs`):
//!
//! ```ignore
//! const CORE: LayerTable<'static> = LayerTable {
//!     layers: &[("ground", &["text", "secret"]), /* … */ ("root", &["lib"])],
//!     same_layer: &[],
//! };
//!
//! #[test]
//! fn the_core_imports_run_one_way() {
//!     let core = Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/src");
//!     let report = check_dir(&core, &CORE);
//!     assert!(report.is_clean(), "\n{report}");
//! }
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

// ---------------------------------------------------------------------------------------------
// The tables

/// A layer table: layers from the ground up, and the imports allowed inside one layer.
struct LayerTable<'a> {
    /// `(layer name, modules)`, lowest layer first.
    layers: &'a [(&'a str, &'a [&'a str])],
    /// `(from, to)`: imports allowed between two modules of one layer. Prefer none.
    same_layer: &'a [(&'a str, &'a str)],
}

/// The reference server's layers, as `testkit/src/server/mod.rs` documents them.
const SERVER: LayerTable<'static> = LayerTable {
    layers: &[
        (
            "ground",
            &[
                "error",
                "clock",
                "secrets",
                "totp",
                "hooks",
                "aaguid",
                "input",
                "catalogue",
                "policy_key",
            ],
        ),
        ("config", &["config"]),
        ("storage", &["db"]),
        ("mechanisms", &["rp", "passwords", "idp", "events"]),
        ("app", &["state"]),
        (
            "rules",
            &[
                "extract",
                "accounts",
                "codes",
                "step_up",
                "assertion",
                "proofs",
                "policy",
                "passkeys",
                "resets",
            ],
        ),
        ("sign-in", &["sessions"]),
        (
            "handlers",
            &[
                "routes::accounts",
                "routes::login",
                "routes::third_party",
                "routes::step_up",
                "routes::registration",
                "routes::manage",
                "routes::verify",
                "routes::policy",
                "routes::events",
                "routes::withdrawals",
                "routes::testkit",
                "routes::well_known",
                "routes::recovery",
            ],
        ),
        ("router", &["routes"]),
        ("root", &["mod"]),
        ("entry", &["serve", "fuzzing"]),
    ],
    same_layer: &[],
};

// ---------------------------------------------------------------------------------------------
// The checker

/// What a check found; empty when the imports run one way.
#[derive(Debug, Default)]
struct Report {
    /// Files in no layer, table entries that name no module, modules listed twice.
    table: Vec<String>,
    /// Imports against the layers: `file:line: from (layer) → to (layer) via path`.
    violations: Vec<String>,
    /// Every circle, one line each.
    cycles: Vec<String>,
}

impl Report {
    fn is_clean(&self) -> bool {
        self.table.is_empty() && self.violations.is_empty() && self.cycles.is_empty()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (title, lines) in [
            ("layer table", &self.table),
            ("imports against the layers", &self.violations),
            ("circles", &self.cycles),
        ] {
            if !lines.is_empty() {
                writeln!(f, "{title}:")?;
                for line in lines {
                    writeln!(f, "  {line}")?;
                }
            }
        }
        Ok(())
    }
}

/// Checks every `.rs` file under `dir` against `table`. Where `dir` sits in its crate (the
/// `crate::` path of its root) is read from the directory tree: the nearest ancestor holding a
/// `lib.rs` or `main.rs` is the crate root.
fn check_dir(dir: &Path, table: &LayerTable<'_>) -> Report {
    let mut crate_path = vec!["crate".to_owned()];
    let mut root = dir.to_path_buf();
    let mut inner = Vec::new();
    while !root.join("lib.rs").exists() && !root.join("main.rs").exists() {
        let name = root.file_name().expect("a crate root above the directory");
        inner.push(name.to_string_lossy().into_owned());
        root = root
            .parent()
            .expect("a crate root above the directory")
            .to_path_buf();
    }
    crate_path.extend(inner.into_iter().rev());
    let mut files = Vec::new();
    read_rs_files(dir, dir, &mut files);
    files.sort();
    check_sources(&files, &crate_path.join("::"), table)
}

fn read_rs_files(base: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|err| panic!("{}: {err}", dir.display()));
    for entry in entries {
        let path: PathBuf = entry.expect("directory entry").path();
        if path.is_dir() {
            read_rs_files(base, &path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            let relative = path.strip_prefix(base).expect("under the base");
            let name = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|err| panic!("{}: {err}", path.display()));
            out.push((name, text));
        }
    }
}

/// Checks `files` (`(path relative to the directory with `/`, source)`) of a directory whose root
/// is `crate_path` (`crate`, `crate::server`) against `table`.
fn check_sources(files: &[(String, String)], crate_path: &str, table: &LayerTable<'_>) -> Report {
    let mut report = Report::default();
    let crate_prefix: Vec<String> = crate_path.split("::").skip(1).map(str::to_owned).collect();
    let root_name = files
        .iter()
        .find_map(|(path, _)| match path.as_str() {
            "lib.rs" => Some("lib"),
            "mod.rs" => Some("mod"),
            _ => None,
        })
        .unwrap_or("mod");

    // Modules, from the files (and every folder above one).
    let file_modules: Vec<Module> = files.iter().map(|(path, _)| module_of(path)).collect();
    let mut modules: BTreeSet<Module> = BTreeSet::new();
    for module in &file_modules {
        for len in 0..=module.len() {
            modules.insert(module[..len].to_vec());
        }
    }

    // Table entries.
    let mut entries: BTreeMap<Module, usize> = BTreeMap::new();
    for (index, (layer, names)) in table.layers.iter().enumerate() {
        for name in *names {
            let module = entry_module(name, root_name);
            if !modules.contains(&module) {
                report
                    .table
                    .push(format!("`{name}` (layer {layer}) names no module"));
            }
            if entries.insert(module, index).is_some() {
                report.table.push(format!("`{name}` is listed twice"));
            }
        }
    }
    let unit_of = |module: &[String]| -> Option<Module> {
        if module.is_empty() {
            return entries.contains_key(module).then(Vec::new);
        }
        (1..=module.len())
            .rev()
            .map(|len| module[..len].to_vec())
            .find(|prefix| entries.contains_key(prefix))
    };
    let name_of = |unit: &[String]| -> String {
        if unit.is_empty() {
            root_name.to_owned()
        } else {
            unit.join("::")
        }
    };
    let layer_name = |unit: &[String]| table.layers[entries[unit]].0;
    let allowed: BTreeSet<(Module, Module)> = table
        .same_layer
        .iter()
        .map(|(from, to)| (entry_module(from, root_name), entry_module(to, root_name)))
        .collect();

    // Edges: (from, to) → where, first seen first.
    let mut edges: BTreeMap<(Module, Module), Vec<Site>> = BTreeMap::new();
    for ((path, text), module) in files.iter().zip(&file_modules) {
        let Some(from) = unit_of(module) else {
            report.table.push(format!(
                "{path} (module `{}`) is in no layer",
                name_of(module)
            ));
            continue;
        };
        for reference in references(&lex(text)) {
            let mut current = module.clone();
            current.extend(reference.scope.iter().cloned());
            let Some(target) = resolve(&modules, &crate_prefix, &current, &reference.path) else {
                continue;
            };
            let Some(to) = unit_of(&target) else {
                continue; // reported as a file in no layer
            };
            if to == from {
                continue;
            }
            edges.entry((from.clone(), to)).or_default().push(Site {
                file: path.clone(),
                line: reference.line,
                path: reference.path.join("::"),
            });
        }
    }

    // Layers: one line per file, line and edge, in file and line order.
    let mut against: BTreeMap<(String, usize, String, String), Vec<String>> = BTreeMap::new();
    for ((from, to), sites) in &edges {
        let (low, high) = (entries[from], entries[to]);
        let why = if high > low {
            "a higher layer"
        } else if high == low && !allowed.contains(&(from.clone(), to.clone())) {
            "its own layer"
        } else {
            continue;
        };
        for site in sites {
            let edge = format!(
                "`{}` ({}) imports `{}` ({}), {why}",
                name_of(from),
                layer_name(from),
                name_of(to),
                layer_name(to),
            );
            let paths = against
                .entry((site.file.clone(), site.line, edge, name_of(to)))
                .or_default();
            if !paths.contains(&site.path) {
                paths.push(site.path.clone());
            }
        }
    }
    for ((file, line, edge, _), paths) in against {
        report.violations.push(format!(
            "{file}:{line}: {edge}, via `{}`",
            paths.join("`, `")
        ));
    }

    // Circles.
    let nodes: Vec<Module> = entries.keys().cloned().collect();
    for component in strongly_connected(&nodes, &edges) {
        let members: BTreeSet<&Module> = component.iter().collect();
        let inside: Vec<String> = edges
            .iter()
            .filter(|((from, to), _)| members.contains(from) && members.contains(to))
            .map(|((from, to), sites)| {
                format!(
                    "{} → {} ({}:{})",
                    name_of(from),
                    name_of(to),
                    sites[0].file,
                    sites[0].line
                )
            })
            .collect();
        let names: Vec<String> = component.iter().map(|m| name_of(m)).collect();
        report.cycles.push(format!(
            "{} modules in a circle: {}; edges: {}",
            names.len(),
            names.join(", "),
            inside.join(", ")
        ));
    }
    report
}

/// A module path inside the directory (empty: the root).
type Module = Vec<String>;

/// Where an edge was seen.
#[derive(Debug, Clone)]
struct Site {
    file: String,
    line: usize,
    path: String,
}

/// The module a file is: `a/b.rs` → `a::b`, `a/mod.rs` → `a`, `mod.rs` or `lib.rs` → the root.
fn module_of(path: &str) -> Module {
    let mut parts: Vec<String> = path
        .trim_end_matches(".rs")
        .split('/')
        .map(str::to_owned)
        .collect();
    let last = parts.last().map(String::as_str);
    if last == Some("mod") || (parts.len() == 1 && last == Some("lib")) {
        parts.pop();
    }
    parts
}

/// The module a table entry names.
fn entry_module(name: &str, root_name: &str) -> Module {
    if name == root_name {
        Vec::new()
    } else {
        name.split("::").map(str::to_owned).collect()
    }
}

/// The deepest module of the directory that `path`, written in module `current` (the file's
/// module and the inline modules around the reference), names; `None` when it leaves the
/// directory or is no module path.
fn resolve(
    modules: &BTreeSet<Module>,
    crate_prefix: &[String],
    current: &[String],
    path: &[String],
) -> Option<Module> {
    let first = path.first()?;
    let mut absolute: Module = match first.as_str() {
        "crate" => {
            let rest = &path[1..];
            if !rest.starts_with(crate_prefix) {
                return None;
            }
            rest[crate_prefix.len()..].to_vec()
        }
        "super" | "self" => {
            let mut base = current.to_vec();
            let mut k = 0;
            while k < path.len() && (path[k] == "super" || path[k] == "self") {
                if path[k] == "super" {
                    base.pop()?;
                }
                k += 1;
            }
            base.extend_from_slice(&path[k..]);
            base
        }
        name => {
            let mut child = current.to_vec();
            child.push(name.to_owned());
            if !modules.contains(&child) {
                return None;
            }
            let mut base = current.to_vec();
            base.extend_from_slice(path);
            base
        }
    };
    while !absolute.is_empty() && !modules.contains(&absolute) {
        absolute.pop();
    }
    Some(absolute)
}

/// Tarjan's strongly connected components with more than one member, each sorted, in a stable
/// order.
fn strongly_connected(
    nodes: &[Module],
    edges: &BTreeMap<(Module, Module), Vec<Site>>,
) -> Vec<Vec<Module>> {
    struct Tarjan<'a> {
        next: &'a BTreeMap<usize, Vec<usize>>,
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on_stack: Vec<bool>,
        stack: Vec<usize>,
        counter: usize,
        found: Vec<Vec<usize>>,
    }
    impl Tarjan<'_> {
        fn visit(&mut self, v: usize) {
            self.index[v] = Some(self.counter);
            self.low[v] = self.counter;
            self.counter += 1;
            self.stack.push(v);
            self.on_stack[v] = true;
            for &w in self.next.get(&v).into_iter().flatten() {
                match self.index[w] {
                    None => {
                        self.visit(w);
                        self.low[v] = self.low[v].min(self.low[w]);
                    }
                    Some(index) if self.on_stack[w] => self.low[v] = self.low[v].min(index),
                    Some(_) => {}
                }
            }
            if Some(self.low[v]) == self.index[v] {
                let mut component = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    component.sort_unstable();
                    self.found.push(component);
                }
            }
        }
    }
    let position: BTreeMap<&Module, usize> =
        nodes.iter().enumerate().map(|(i, m)| (m, i)).collect();
    let mut next: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (from, to) in edges.keys() {
        if let (Some(&a), Some(&b)) = (position.get(from), position.get(to)) {
            next.entry(a).or_default().push(b);
        }
    }
    let mut tarjan = Tarjan {
        next: &next,
        index: vec![None; nodes.len()],
        low: vec![0; nodes.len()],
        on_stack: vec![false; nodes.len()],
        stack: Vec::new(),
        counter: 0,
        found: Vec::new(),
    };
    for v in 0..nodes.len() {
        if tarjan.index[v].is_none() {
            tarjan.visit(v);
        }
    }
    let mut found: Vec<Vec<Module>> = tarjan
        .found
        .into_iter()
        .map(|c| c.into_iter().map(|i| nodes[i].clone()).collect())
        .collect();
    found.sort();
    found
}

// ---------------------------------------------------------------------------------------------
// Reading Rust source: tokens, then references

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Ident(String),
    /// `::`
    PathSep,
    Punct(char),
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    line: usize,
}

/// Identifiers, `::` and punctuation with their lines; comments, strings, character literals and
/// numbers dropped. A lifetime's name comes out as an identifier, which no path starts with.
fn lex(src: &str) -> Vec<Token> {
    let chars: Vec<char> = src.chars().collect();
    let n = chars.len();
    let at = |i: usize| chars.get(i).copied();
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    while i < n {
        let c = chars[i];
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '/' && at(i + 1) == Some('/') {
            while i < n && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == Some('*') {
            let mut depth = 0;
            while i < n {
                if chars[i] == '/' && at(i + 1) == Some('*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && at(i + 1) == Some('/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    line += usize::from(chars[i] == '\n');
                    i += 1;
                }
            }
        } else if c == '"' {
            i = skip_string(&chars, i + 1, &mut line);
        } else if c == '\'' {
            i = skip_quote(&chars, i);
        } else if c.is_ascii_digit() {
            while i < n
                && (is_ident(chars[i])
                    || (chars[i] == '.' && at(i + 1).is_some_and(|d| d.is_ascii_digit())))
            {
                i += 1;
            }
        } else if is_ident(c) {
            let start = i;
            while i < n && is_ident(chars[i]) {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            match (word.as_str(), at(i)) {
                ("b" | "c", Some('"')) => {
                    i = skip_string(&chars, i + 1, &mut line);
                    continue;
                }
                ("b", Some('\'')) => {
                    i = skip_quote(&chars, i);
                    continue;
                }
                ("r" | "br" | "cr", Some('"' | '#')) => {
                    let mut j = i;
                    while at(j) == Some('#') {
                        j += 1;
                    }
                    if at(j) == Some('"') {
                        i = skip_raw_string(&chars, j + 1, j - i, &mut line);
                        continue;
                    }
                    if word == "r" && j == i + 1 && at(j).is_some_and(is_ident) {
                        // A raw identifier, `r#type`: never a keyword.
                        let start = j;
                        while j < n && is_ident(chars[j]) {
                            j += 1;
                        }
                        let name: String = chars[start..j].iter().collect();
                        out.push(Token {
                            tok: Tok::Ident(format!("r#{name}")),
                            line,
                        });
                        i = j;
                        continue;
                    }
                }
                _ => {}
            }
            out.push(Token {
                tok: Tok::Ident(word),
                line,
            });
        } else if c == ':' && at(i + 1) == Some(':') {
            out.push(Token {
                tok: Tok::PathSep,
                line,
            });
            i += 2;
        } else {
            out.push(Token {
                tok: Tok::Punct(c),
                line,
            });
            i += 1;
        }
    }
    out
}

/// Past the end of a string whose opening `"` is just before `i`.
fn skip_string(chars: &[char], mut i: usize, line: &mut usize) -> usize {
    while i < chars.len() {
        match chars[i] {
            '\\' => {
                *line += usize::from(chars.get(i + 1) == Some(&'\n'));
                i += 2;
            }
            '"' => return i + 1,
            c => {
                *line += usize::from(c == '\n');
                i += 1;
            }
        }
    }
    i
}

/// Past the end of a raw string with `hashes` `#`s whose opening `"` is just before `i`.
fn skip_raw_string(chars: &[char], mut i: usize, hashes: usize, line: &mut usize) -> usize {
    while i < chars.len() {
        if chars[i] == '"' && (1..=hashes).all(|k| chars.get(i + k) == Some(&'#')) {
            return i + 1 + hashes;
        }
        *line += usize::from(chars[i] == '\n');
        i += 1;
    }
    i
}

/// At a `'`: past a character literal, or just past the `'` of a lifetime or label.
fn skip_quote(chars: &[char], i: usize) -> usize {
    if chars.get(i + 1) == Some(&'\\') {
        let mut j = i + 3;
        while j < chars.len() && chars[j] != '\'' && chars[j] != '\n' {
            j += 1;
        }
        j + 1
    } else if chars.get(i + 2) == Some(&'\'') {
        i + 3
    } else {
        i + 1
    }
}

/// A path as written, and the inline modules (`mod tests { … }`) around it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Reference {
    line: usize,
    path: Vec<String>,
    scope: Vec<String>,
}

/// Every path of every `use` declaration, and every path of two segments or more in code.
fn references(tokens: &[Token]) -> Vec<Reference> {
    let tok = |i: usize| tokens.get(i).map(|t| &t.tok);
    let ident = |i: usize| match tok(i) {
        Some(Tok::Ident(word)) => Some(word.as_str()),
        _ => None,
    };
    let mut out = Vec::new();
    let mut depth = 0usize;
    // Inline modules: name, and the brace depth inside them.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let scope = || {
            inline
                .iter()
                .map(|(name, _)| name.clone())
                .collect::<Vec<_>>()
        };
        match &tokens[i].tok {
            Tok::Punct('{') => {
                depth += 1;
                i += 1;
            }
            Tok::Punct('}') => {
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
                depth = depth.saturating_sub(1);
                i += 1;
            }
            Tok::Ident(word) if word == "mod" => match (ident(i + 1), tok(i + 2)) {
                (Some(name), Some(Tok::Punct('{'))) => {
                    depth += 1;
                    inline.push((name.to_owned(), depth));
                    i += 3;
                }
                _ => i += 1,
            },
            Tok::Ident(word)
                if word == "use"
                    && matches!(
                        tok(i + 1),
                        Some(Tok::Ident(_) | Tok::PathSep | Tok::Punct('{'))
                    ) =>
            {
                let mut paths = Vec::new();
                i = use_tree(tokens, i + 1, &[], &mut paths);
                if tok(i) == Some(&Tok::Punct(';')) {
                    i += 1;
                }
                let scope = scope();
                out.extend(paths.into_iter().map(|(path, line)| Reference {
                    line,
                    path,
                    scope: scope.clone(),
                }));
            }
            Tok::Ident(word) => {
                let starts_path = tok(i + 1) == Some(&Tok::PathSep)
                    && !matches!(
                        i.checked_sub(1).and_then(tok),
                        Some(Tok::PathSep | Tok::Punct('$'))
                    );
                let mut path = vec![word.clone()];
                let mut j = i + 1;
                while starts_path && tok(j) == Some(&Tok::PathSep) {
                    match ident(j + 1) {
                        Some(next) => {
                            path.push(next.to_owned());
                            j += 2;
                        }
                        None => break,
                    }
                }
                if path.len() > 1 {
                    out.push(Reference {
                        line: tokens[i].line,
                        path,
                        scope: scope(),
                    });
                }
                i = j;
            }
            _ => i += 1,
        }
    }
    out
}

/// Reads one use tree at `i` under `prefix`, pushing each full path with the line of its last
/// segment; returns where it stopped.
fn use_tree(
    tokens: &[Token],
    mut i: usize,
    prefix: &[String],
    out: &mut Vec<(Vec<String>, usize)>,
) -> usize {
    let tok = |i: usize| tokens.get(i).map(|t| &t.tok);
    let line = |i: usize| tokens.get(i).map_or(0, |t| t.line);
    let mut path = prefix.to_vec();
    if tok(i) == Some(&Tok::PathSep) {
        i += 1;
    }
    loop {
        match tok(i) {
            Some(Tok::Ident(word)) => {
                // `a::{self, …}`: `self` is the prefix itself.
                if !(word == "self" && path.len() == prefix.len() && !prefix.is_empty()) {
                    path.push(word.clone());
                }
                let at = line(i);
                i += 1;
                if tok(i) == Some(&Tok::PathSep) {
                    i += 1;
                    continue;
                }
                if matches!(tok(i), Some(Tok::Ident(word)) if word == "as") {
                    i += 2;
                }
                out.push((path, at));
                return i;
            }
            Some(Tok::Punct('*')) => {
                out.push((path, line(i)));
                return i + 1;
            }
            Some(Tok::Punct('{')) => {
                i += 1;
                loop {
                    match tok(i) {
                        Some(Tok::Punct('}')) => return i + 1,
                        Some(Tok::Punct(',')) => i += 1,
                        None => return i,
                        _ => {
                            let next = use_tree(tokens, i, &path, out);
                            i = if next == i { i + 1 } else { next };
                        }
                    }
                }
            }
            _ => return i,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The checker on small examples

fn sources(files: &[(&str, &str)]) -> Vec<(String, String)> {
    files
        .iter()
        .map(|(path, text)| ((*path).to_owned(), (*text).to_owned()))
        .collect()
}

/// Three modules: `low` below `high`, `root` on top.
const THREE: LayerTable<'static> = LayerTable {
    layers: &[("ground", &["low"]), ("top", &["high"]), ("root", &["mod"])],
    same_layer: &[],
};

#[test]
fn a_downward_import_passes() {
    let files = sources(&[
        ("mod.rs", "mod high;\nmod low;\npub use high::Thing;\n"),
        (
            "high.rs",
            "use super::low::Tool;\npub struct Thing(Tool);\n",
        ),
        ("low.rs", "pub struct Tool;\n"),
    ]);
    let report = check_sources(&files, "crate::server", &THREE);
    assert!(report.is_clean(), "{report}");
}

#[test]
fn an_upward_import_fails_naming_file_line_and_edge() {
    let files = sources(&[
        ("mod.rs", "mod high;\nmod low;\n"),
        ("high.rs", "pub struct Thing;\n"),
        ("low.rs", "// low\n\nuse crate::server::high::Thing;\n"),
    ]);
    let report = check_sources(&files, "crate::server", &THREE);
    assert_eq!(
        report.violations,
        [
            "low.rs:3: `low` (ground) imports `high` (top), a higher layer, via \
          `crate::server::high::Thing`"
        ],
        "{report}"
    );
    assert!(
        report.cycles.is_empty() && report.table.is_empty(),
        "{report}"
    );
}

#[test]
fn a_circle_is_found_and_so_is_each_import_against_the_layers() {
    let files = sources(&[
        ("mod.rs", ""),
        ("high.rs", "use super::low;\nfn f() { low::g() }\n"),
        ("low.rs", "fn g() {\n    super::high::f();\n}\n"),
    ]);
    let report = check_sources(&files, "crate::server", &THREE);
    assert_eq!(
        report.cycles,
        ["2 modules in a circle: high, low; edges: high → low (high.rs:1), low → high (low.rs:2)"],
        "{report}"
    );
    assert_eq!(report.violations.len(), 1, "{report}");
    assert!(report.violations[0].starts_with("low.rs:2: `low` (ground) imports `high` (top)"));
}

#[test]
fn a_circle_through_three_modules_in_one_layer() {
    let table = LayerTable {
        layers: &[("only", &["a", "b", "c"])],
        same_layer: &[("a", "b"), ("b", "c"), ("c", "a")],
    };
    let files = sources(&[
        ("lib.rs", "mod a;\nmod b;\nmod c;\n"),
        ("a.rs", "use crate::b;\n"),
        ("b.rs", "use crate::c::X;\n"),
        ("c.rs", "pub fn f() { crate::a::g(); }\n"),
    ]);
    let report = check_sources(&files, "crate", &table);
    // The same-layer edges are allowed, the circle is not.
    assert!(report.violations.is_empty(), "{report}");
    assert_eq!(report.cycles.len(), 1, "{report}");
    assert!(report.cycles[0].starts_with("3 modules in a circle: a, b, c;"));
}

#[test]
fn grouped_uses_inline_paths_and_the_root_are_edges() {
    let table = LayerTable {
        layers: &[
            ("ground", &["a", "b", "c"]),
            ("top", &["d"]),
            ("root", &["lib"]),
        ],
        same_layer: &[],
    };
    let files = sources(&[
        (
            "lib.rs",
            "mod a;\nmod b;\nmod c;\nmod d;\npub struct Root;\n",
        ),
        ("a.rs", ""),
        ("b.rs", ""),
        ("c.rs", ""),
        (
            "d.rs",
            "use crate::{\n    a::X,\n    b::{self, Y as Z},\n};\nfn f() -> crate::c::W { super::Root }\n",
        ),
    ]);
    let report = check_sources(&files, "crate", &table);
    assert_eq!(
        report.violations,
        ["d.rs:5: `d` (top) imports `lib` (root), a higher layer, via `super::Root`"],
        "{report}"
    );
    // Turn the table upside down: every one of d's imports is reported, on its own line.
    let upside_down = LayerTable {
        layers: &[
            ("top", &["d"]),
            ("ground", &["a", "b", "c"]),
            ("root", &["lib"]),
        ],
        same_layer: &[],
    };
    let report = check_sources(&files, "crate", &upside_down);
    let lines: Vec<&str> = report
        .violations
        .iter()
        .map(|v| v.split(": ").next().unwrap_or_default())
        .collect();
    assert_eq!(lines, ["d.rs:2", "d.rs:3", "d.rs:5", "d.rs:5"], "{report}");
}

#[test]
fn what_is_not_an_import() {
    let files = sources(&[
        ("mod.rs", "mod high;\nmod low;\n"),
        ("high.rs", ""),
        (
            "low.rs",
            r####"
//! A doc link to [`super::high::Thing`] and `crate::server::high` in a comment.
/* use super::high; /* nested */ still a comment: super::high */
const A: &str = "use super::high;";
const B: &str = r#"super::high::x"#;
const C: char = '"';
fn f<'a>(x: &'a str) -> &'a str { x }
macro_rules! m { () => { $crate::server::high::x() } }
use crate::harness::Thing;
use std::collections::HashMap;
pub(crate) fn g() {}
#[cfg(test)]
mod tests {
    use super::*;
    use super::super::low::f;
}
"####,
        ),
    ]);
    let report = check_sources(&files, "crate::server", &THREE);
    assert!(report.is_clean(), "{report}");
}

#[test]
fn a_test_module_reaching_a_sibling_is_an_edge() {
    let files = sources(&[
        ("mod.rs", "mod high;\nmod low;\n"),
        ("high.rs", ""),
        (
            "low.rs",
            "#[cfg(test)]\nmod tests {\n    use super::super::high::Thing;\n}\n",
        ),
    ]);
    let report = check_sources(&files, "crate::server", &THREE);
    assert_eq!(report.violations.len(), 1, "{report}");
    assert!(report.violations[0].starts_with("low.rs:3: `low` (ground) imports `high` (top)"));
}

#[test]
fn submodules_belong_to_their_entry_unless_listed_apart() {
    let table = LayerTable {
        layers: &[
            ("storage", &["db"]),
            ("handlers", &["routes::a", "routes::b"]),
            ("router", &["routes"]),
            ("root", &["mod"]),
        ],
        same_layer: &[],
    };
    let files = sources(&[
        ("mod.rs", "mod db;\nmod routes;\n"),
        ("db/mod.rs", "mod rows;\npub use rows::Row;\n"),
        ("db/rows.rs", "pub struct Row;\nuse super::Row as _;\n"),
        (
            "routes/mod.rs",
            "mod a;\nmod b;\nfn table() { a::handler(); b::handler(); }\n",
        ),
        (
            "routes/a.rs",
            "use crate::server::db::Row;\npub fn handler() {}\n",
        ),
        (
            "routes/b.rs",
            "use super::a;\npub fn handler() { a::handler() }\n",
        ),
    ]);
    let report = check_sources(&files, "crate::server", &table);
    assert_eq!(
        report.violations,
        [
            "routes/b.rs:1: `routes::b` (handlers) imports `routes::a` (handlers), its own layer, \
          via `super::a`"
        ],
        "{report}"
    );
}

#[test]
fn the_table_must_cover_every_file_and_name_real_modules() {
    let files = sources(&[
        ("mod.rs", ""),
        ("high.rs", ""),
        ("low.rs", ""),
        ("stray.rs", ""),
    ]);
    let table = LayerTable {
        layers: &[
            ("ground", &["low", "typo"]),
            ("top", &["high", "low"]),
            ("root", &["mod"]),
        ],
        same_layer: &[],
    };
    let report = check_sources(&files, "crate::server", &table);
    assert_eq!(
        report.table,
        [
            "`typo` (layer ground) names no module",
            "`low` is listed twice",
            "stray.rs (module `stray`) is in no layer",
        ],
        "{report}"
    );
}

#[test]
fn a_directory_is_read_where_it_sits_in_its_crate() {
    let base = std::env::temp_dir().join(format!("layers-{}", std::process::id()));
    let server = base.join("src/server");
    std::fs::create_dir_all(server.join("db")).expect("folders");
    for (path, text) in [
        ("src/lib.rs", "mod server;\n"),
        ("src/server/mod.rs", "mod db;\nmod high;\nmod low;\n"),
        ("src/server/db/mod.rs", "mod rows;\n"),
        ("src/server/db/rows.rs", "use crate::server::high::Thing;\n"),
        ("src/server/high.rs", "use crate::server::low::Tool;\n"),
        ("src/server/low.rs", ""),
    ] {
        std::fs::write(base.join(path), text).expect("file");
    }
    let table = LayerTable {
        layers: &[
            ("ground", &["low", "db"]),
            ("top", &["high"]),
            ("root", &["mod"]),
        ],
        same_layer: &[],
    };
    let report = check_dir(&server, &table);
    let _ = std::fs::remove_dir_all(&base);
    assert_eq!(
        report.violations,
        [
            "db/rows.rs:1: `db` (ground) imports `high` (top), a higher layer, via \
          `crate::server::high::Thing`"
        ],
        "{report}"
    );
}

// ---------------------------------------------------------------------------------------------
// The reference server

fn server_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src/server")
}

#[test]
fn the_reference_server_imports_run_one_way() {
    let report = check_dir(&server_dir(), &SERVER);
    assert!(report.is_clean(), "\n{report}");
}

/// The table in `server/mod.rs`'s docs (the `text` block under "## Layers", top layer first; a
/// line that starts with spaces goes on with the layer above it) is the one tested here.
#[test]
fn the_server_documents_the_tested_table() {
    let text = std::fs::read_to_string(server_dir().join("mod.rs")).expect("server/mod.rs");
    let docs: Vec<&str> = text
        .lines()
        .filter_map(|line| line.strip_prefix("//!"))
        .map(|line| line.strip_prefix(' ').unwrap_or(line))
        .collect();
    let heading = docs
        .iter()
        .position(|line| *line == "## Layers")
        .expect("a \"## Layers\" section");
    let block: Vec<&str> = docs[heading..]
        .iter()
        .skip_while(|line| **line != "```text")
        .skip(1)
        .take_while(|line| **line != "```")
        .copied()
        .collect();
    let mut documented: Vec<(String, Vec<String>)> = Vec::new();
    for line in block {
        let mut words = line.split_whitespace().filter(|word| *word != "·");
        if !line.starts_with(' ') {
            let name = words.next().expect("a layer name");
            documented.push((name.to_owned(), Vec::new()));
        }
        let (_, modules) = documented.last_mut().expect("a layer first");
        modules.extend(words.map(str::to_owned));
    }
    documented.reverse();
    let tested: Vec<(String, Vec<String>)> = SERVER
        .layers
        .iter()
        .map(|(name, modules)| {
            let modules = modules.iter().map(|m| (*m).to_owned()).collect();
            ((*name).to_owned(), modules)
        })
        .collect();
    assert_eq!(documented, tested);
}

// ---------------------------------------------------------------------------------------------
// The core

/// The core's layers, from the ground up (documented in `core/src/lib.rs` and
/// docs/architecture.md).
const CORE: LayerTable<'static> = LayerTable {
    layers: &[
        ("ground", &["text", "secret", "vocabulary", "encoding"]),
        ("error", &["error"]),
        ("contract", &["config", "wire", "platform"]),
        ("edges", &["webauthn", "store", "http"]),
        ("mechanisms (0)", &["ceremony", "policy"]),
        ("mechanisms (1)", &["session"]),
        ("mechanisms (2)", &["registration", "verification"]),
        (
            "journeys",
            &[
                "enable",
                "sign_in",
                "passkeys_page",
                "scenarios",
                "recovery",
            ],
        ),
        ("client", &["client"]),
        ("root", &["lib"]),
    ],
    same_layer: &[],
};

fn core_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/src")
}

#[test]
fn the_core_imports_run_one_way() {
    let report = check_dir(&core_dir(), &CORE);
    assert!(report.is_clean(), "\n{report}");
}

/// The table in `core/src/lib.rs`'s docs (a markdown table, top layer first) names the same
/// modules in the same order as the one tested here.
#[test]
fn the_core_documents_the_tested_table() {
    let text = std::fs::read_to_string(core_dir().join("lib.rs")).expect("core/src/lib.rs");
    let documented: Vec<Vec<String>> = text
        .lines()
        .filter_map(|line| line.strip_prefix("//! | "))
        .filter(|row| !row.starts_with("layer") && !row.starts_with("---"))
        .map(|row| {
            let modules = row.split('|').nth(1).unwrap_or_default();
            modules
                .split(',')
                .map(|m| m.trim().trim_matches('`').to_owned())
                .filter(|m| !m.is_empty())
                .collect()
        })
        .collect();
    let tested: Vec<Vec<String>> = CORE
        .layers
        .iter()
        .rev()
        .filter(|(name, _)| *name != "root")
        .map(|(_, modules)| modules.iter().map(|m| (*m).to_owned()).collect())
        .collect();
    assert_eq!(documented, tested);
}
