//! No module imports a module above it in the pipeline.
//!
//! Reads every library source file, takes each `crate::module` path outside comments (and each
//! `crate::Name` re-exported at the crate root, resolved through `src/lib.rs`), and checks that
//! the module it names stands at or below the importing module in [`LAYERS`]. A new module must be
//! placed in the list; a cycle cannot pass.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The library's modules, bottom first: a module may use itself and those listed before it.
const LAYERS: &[&str] = &[
    // shared leaves: errors, dates, hashing, the document graph
    "error",
    "date",
    "hash",
    "graph",
    // compressed streams (gzip, zstd, bzip2, xz): read by the corpus, written by outputs
    "compression",
    // the names of option values (as_str, FromStr), used by every stage's options
    "names",
    // 1. input
    "corpus",
    // 2. text → shingles (the boilerplate filter is applied while shingling)
    "tokenize",
    "boilerplate",
    "shingle",
    // 3. signatures
    "minhash",
    "spill",
    "sketch",
    // 4. candidates
    "lsh",
    // 5. verification
    "verify",
    // 6. clusters
    "cluster",
    // the parameters of every stage, then the linking stage that reads them
    "config",
    "link",
    // orchestration
    "source",
    "results",
    "pipeline",
    "explain",
    "oracle",
    // persistence and output
    "format",
    "index",
    "output",
];

fn rank(module: &str) -> Option<usize> {
    LAYERS.iter().position(|&m| m == module)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "bin") {
                rust_files(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to (`src/index/segment.rs` → `index`).
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel.components().next().unwrap().as_os_str().to_string_lossy().into_owned();
    first.trim_end_matches(".rs").to_string()
}

/// Names re-exported at the crate root (`pub use module::{A, B}`) → their module.
fn root_exports(lib: &str) -> HashMap<String, String> {
    let mut map = HashMap::new();
    let flat = lib.replace('\n', " ");
    for stmt in flat.split(';') {
        let Some(rest) = stmt.trim().strip_prefix("pub use ") else { continue };
        let Some((module, names)) = rest.split_once("::") else { continue };
        let names = names.trim().trim_start_matches('{').trim_end_matches('}');
        for name in names.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            map.insert(name.to_string(), module.trim().to_string());
        }
    }
    map
}

/// The code of a line, without a trailing `//` comment (doc comments are whole-line comments).
fn code(line: &str) -> &str {
    let t = line.trim_start();
    if t.starts_with("//") {
        return "";
    }
    match line.find("//") {
        Some(i) if !line[..i].contains('"') => &line[..i],
        _ => line,
    }
}

/// Every `crate::x` path in `text` (outside comments) with its line number.
fn crate_paths(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = code(line);
        let mut rest = line;
        while let Some(i) = rest.find("crate::") {
            let after = &rest[i + "crate::".len()..];
            let name: String = after.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if !name.is_empty() {
                out.push((n + 1, name));
            }
            rest = after;
        }
        // `use crate::{a, b::C}` groups
        if let Some(i) = line.find("crate::{") {
            let group = &line[i + "crate::{".len()..];
            for part in group.split([',', '}']) {
                let name: String = part.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                if !name.is_empty() {
                    out.push((n + 1, name));
                }
            }
        }
    }
    out
}

#[test]
fn no_module_imports_one_above_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    let exports = root_exports(&lib);
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut violations = Vec::new();
    let mut checked = 0;
    for file in files {
        let module = module_of(&src, &file);
        if module == "lib" {
            continue;
        }
        let Some(own) = rank(&module) else {
            violations.push(format!("{}: module {module:?} is not placed in LAYERS", file.display()));
            continue;
        };
        let text = std::fs::read_to_string(&file).unwrap();
        for (line, name) in crate_paths(&text) {
            // Root items shared by every stage.
            if matches!(name.as_str(), "DocId" | "Error" | "ErrorKind" | "Result") {
                continue;
            }
            let target = if name.starts_with(char::is_uppercase) {
                match exports.get(&name) {
                    Some(m) => m.clone(),
                    None => {
                        violations.push(format!("{}:{line}: crate::{name} is not a root re-export", file.display()));
                        continue;
                    }
                }
            } else {
                name
            };
            checked += 1;
            match rank(&target) {
                Some(r) if r <= own => {}
                Some(_) => violations.push(format!(
                    "{}:{line}: {module} (layer {own}) uses {target}, which is above it",
                    file.display()
                )),
                None => violations.push(format!("{}:{line}: unknown module {target:?}", file.display())),
            }
        }
    }
    assert!(checked > 50, "the check read the imports ({checked})");
    assert!(violations.is_empty(), "layering violations:\n{}", violations.join("\n"));
}
