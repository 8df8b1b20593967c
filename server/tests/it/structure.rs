//! The structure of the code, checked from its text: one owner per table (README, "Who owns
//! which table"). The known crossings may only shrink.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const SQL_KEYWORDS: [&str; 5] = ["FROM", "JOIN", "INTO", "UPDATE", "TABLE"];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The rows of the markdown table between `<!-- name -->` and `<!-- /name -->` in the README:
/// first cell, second cell split on commas, backquotes removed.
fn readme_table(name: &str) -> BTreeMap<String, BTreeSet<String>> {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let start = readme.find(&format!("<!-- {name} -->")).unwrap_or_else(|| panic!("README has no <!-- {name} -->"));
    let end = readme.find(&format!("<!-- /{name} -->")).unwrap_or_else(|| panic!("README has no <!-- /{name} -->"));
    let clean = |c: &str| c.trim().trim_matches('`').to_owned();
    readme[start..end]
        .lines()
        .filter(|l| l.starts_with('|') && !l.starts_with("|---"))
        .skip(1)
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split('|').collect();
            (clean(cells[0]), cells[1].split(',').map(clean).filter(|c| !c.is_empty()).collect())
        })
        .collect()
}

/// The tables the SQLite migrations leave, applied in order: `CREATE [TEMP] TABLE [IF NOT
/// EXISTS] t` adds, `DROP TABLE [IF EXISTS] t` removes (a rebuild drops and re-creates).
fn migration_tables() -> BTreeSet<String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("migrations/sqlite"))
        .expect("migrations/sqlite")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    let mut tables = BTreeSet::new();
    for file in files {
        let sql = std::fs::read_to_string(file).expect("migration");
        let words = words(&sql);
        for (i, w) in words.iter().enumerate() {
            let name = |skip: &[&str]| {
                let mut j = i + 2;
                while words.get(j).is_some_and(|w| skip.contains(w)) {
                    j += 1;
                }
                words.get(j).map(|t| (*t).to_owned())
            };
            match (*w, words.get(i + 1).copied()) {
                ("CREATE", Some("TABLE" | "TEMP")) => {
                    tables.extend(name(&["TABLE", "IF", "NOT", "EXISTS"]));
                }
                ("DROP", Some("TABLE")) => {
                    if let Some(t) = name(&["IF", "EXISTS"]) {
                        tables.remove(&t);
                    }
                }
                _ => {}
            }
        }
    }
    tables
}

fn words(text: &str) -> Vec<&str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).filter(|w| !w.is_empty()).collect()
}

/// Which contexts (the first folder or file under server/src) name each table in SQL.
fn named_by(tables: &BTreeSet<String>) -> BTreeMap<String, BTreeSet<String>> {
    fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("read_dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(&path, files);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    let src = root().join("server/src");
    let mut files = Vec::new();
    walk(&src, &mut files);
    let mut named: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let rel = file.strip_prefix(&src).expect("under src");
        let first = rel.components().next().expect("component").as_os_str().to_string_lossy();
        let context = first.trim_end_matches(".rs").to_owned();
        let text = std::fs::read_to_string(&file).expect("source");
        for w in words(&text).windows(2) {
            if SQL_KEYWORDS.contains(&w[0]) && tables.contains(w[1]) {
                named.entry(w[1].to_owned()).or_default().insert(context.clone());
            }
        }
    }
    named
}

#[test]
fn every_table_has_one_owner_and_crossings_only_shrink() {
    let tables = migration_tables();
    assert!(tables.contains("users") && tables.contains("monitoring_frames"), "tables read: {tables:?}");
    let mut owner: BTreeMap<String, String> = BTreeMap::new();
    for (context, owned) in readme_table("table-owners") {
        for table in owned {
            let before = owner.insert(table.clone(), context.clone());
            assert!(before.is_none(), "{table} has two owners in the README: {before:?} and {context}");
        }
    }
    let unowned: Vec<&String> = tables.iter().filter(|t| !owner.contains_key(*t)).collect();
    assert!(unowned.is_empty(), "tables without an owner in the README's map: {unowned:?}");
    let stale: Vec<&String> = owner.keys().filter(|t| !tables.contains(*t)).collect();
    assert!(stale.is_empty(), "the README's map names tables no migration creates: {stale:?}");

    let allowed = readme_table("table-crossings");
    let mut found: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (table, contexts) in named_by(&tables) {
        let others: BTreeSet<String> = contexts.into_iter().filter(|c| Some(c) != owner.get(&table)).collect();
        if !others.is_empty() {
            found.insert(table, others);
        }
    }
    let mut problems = Vec::new();
    for (table, others) in &found {
        let listed = allowed.get(&format!("`{table}`")).or_else(|| allowed.get(table)).cloned().unwrap_or_default();
        let new: Vec<&String> = others.difference(&listed).collect();
        if !new.is_empty() {
            problems.push(format!("{table} (owned by {}) is named by {new:?}", owner[table]));
        }
    }
    for (table, listed) in &allowed {
        let now = found.get(table).cloned().unwrap_or_default();
        let gone: Vec<&String> = listed.difference(&now).collect();
        if !gone.is_empty() {
            problems.push(format!("{table}: {gone:?} no longer name it; remove them from the README's crossings"));
        }
    }
    assert!(problems.is_empty(), "table ownership:\n{}", problems.join("\n"));
}

/// The plumbing: what every context stands on. It names no context.
const PLUMBING: [&str; 14] = [
    "app",
    "web",
    "views",
    "i18n",
    "ops",
    "events",
    "api",
    "db",
    "error",
    "config",
    "routing",
    "wakeup",
    "heartbeat",
    "clock",
];

/// Above every context: the assembly point and what runs the program.
const TOP: [&str; 5] = ["assembly", "server", "main", "lib", "demo"];

/// Room (first folder or file under server/src) → rooms its code names as `crate::room`, with the
/// files that do; unit-test modules (`#[cfg(test)] mod …`) left out.
fn imports() -> BTreeMap<String, BTreeMap<String, BTreeSet<String>>> {
    let src = root().join("server/src");
    let mut files = Vec::new();
    let mut dirs = vec![src.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).expect("read_dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    let mut graph: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for file in files {
        let rel = file.strip_prefix(&src).expect("under src").to_string_lossy().into_owned();
        let room = rel.split('/').next().expect("room").trim_end_matches(".rs").to_owned();
        let text = std::fs::read_to_string(&file).expect("source");
        let code = text.find("#[cfg(test)]\nmod ").map_or(text.as_str(), |at| &text[..at]);
        let code: String = code.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
        for (at, _) in code.match_indices("crate::") {
            let name: String = code[at + 7..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            if name != room && !name.is_empty() && name.chars().next().is_some_and(|c| c.is_ascii_lowercase()) {
                graph.entry(room.clone()).or_default().entry(name).or_default().insert(rel.clone());
            }
        }
    }
    graph
}

#[test]
fn the_plumbing_names_no_context() {
    let graph = imports();
    let mut upward = Vec::new();
    for (room, targets) in &graph {
        if !PLUMBING.contains(&room.as_str()) {
            continue;
        }
        for (target, files) in targets {
            if !PLUMBING.contains(&target.as_str()) {
                upward.push(format!("{room} -> {target} ({files:?})"));
            }
        }
    }
    assert!(graph.len() > 10, "rooms read: {:?}", graph.keys());
    assert!(
        upward.is_empty(),
        "the plumbing imports contexts (register them in assembly.rs instead):\n{}",
        upward.join("\n")
    );
}

#[test]
fn contexts_import_each_other_without_a_circle() {
    let graph = imports();
    let is_context = |r: &str| !PLUMBING.contains(&r) && !TOP.contains(&r);
    let edges: BTreeMap<&str, Vec<&str>> = graph
        .iter()
        .filter(|(room, _)| is_context(room))
        .map(|(room, targets)| (room.as_str(), targets.keys().map(String::as_str).filter(|t| is_context(t)).collect()))
        .collect();
    // Depth-first search; a grey room met again closes a circle.
    fn visit<'a>(
        room: &'a str,
        edges: &BTreeMap<&'a str, Vec<&'a str>>,
        colour: &mut BTreeMap<&'a str, u8>,
        path: &mut Vec<&'a str>,
        circles: &mut Vec<String>,
    ) {
        colour.insert(room, 1);
        path.push(room);
        for &next in edges.get(room).map(Vec::as_slice).unwrap_or_default() {
            match colour.get(next).copied().unwrap_or(0) {
                0 => visit(next, edges, colour, path, circles),
                1 => {
                    let from = path.iter().position(|r| *r == next).unwrap_or(0);
                    circles.push(format!("{} -> {next}", path[from..].join(" -> ")));
                }
                _ => {}
            }
        }
        path.pop();
        colour.insert(room, 2);
    }
    let (mut colour, mut circles) = (BTreeMap::new(), Vec::new());
    for &room in edges.keys() {
        if !colour.contains_key(room) {
            visit(room, &edges, &mut colour, &mut Vec::new(), &mut circles);
        }
    }
    let detail = |c: &String| {
        let rooms: Vec<&str> = c.split(" -> ").collect();
        let files: Vec<String> =
            rooms.windows(2).map(|w| format!("  {} -> {}: {:?}", w[0], w[1], graph[w[0]][w[1]])).collect();
        format!("{c}\n{}", files.join("\n"))
    };
    assert!(
        circles.is_empty(),
        "contexts import each other in a circle:\n{}",
        circles.iter().map(detail).collect::<Vec<_>>().join("\n")
    );
}
