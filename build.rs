//! Embeds the built-in data: every file under `stages/`, `prices/` and
//! `templates/` becomes an entry of a table in `embedded.rs`, so adding a file
//! is enough to ship it; no hand-kept list to forget.

#![allow(clippy::print_stdout)] // cargo reads a build script's instructions from its standard output

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let mut code = String::new();
    for (table, folder, suffix) in [
        ("STAGES", "stages", ".json"),
        ("PRICES", "prices", ".json"),
        ("TEMPLATES", "templates", ".hbs"),
    ] {
        println!("cargo:rerun-if-changed={folder}");
        let base = root.join(folder);
        let mut files = Vec::new();
        collect(&base, &base, suffix, &mut files);
        files.sort();
        let _ = writeln!(
            code,
            "/// `{folder}/**/*{suffix}`, by path under `{folder}/`."
        );
        let _ = writeln!(code, "pub const {table}: &[(&str, &str)] = &[");
        for relative in files {
            let _ = writeln!(
                code,
                "    ({relative:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), {:?}))),",
                format!("/{folder}/{relative}")
            );
        }
        let _ = writeln!(code, "];");
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it")).join("embedded.rs");
    fs::write(out, code).expect("OUT_DIR is writable");
}

/// Every file under `dir` ending in `suffix`, as paths relative to `base`
/// with forward slashes.
fn collect(base: &Path, dir: &Path, suffix: &str, files: &mut Vec<String>) {
    let entries = fs::read_dir(dir).unwrap_or_else(|error| panic!("{}: {error}", dir.display()));
    for entry in entries {
        let path = entry.expect("a readable folder entry").path();
        if path.is_dir() {
            collect(base, &path, suffix, files);
        } else if path.to_string_lossy().ends_with(suffix) {
            let relative = path.strip_prefix(base).expect("under base");
            let parts: Vec<String> = relative
                .components()
                .map(|part| part.as_os_str().to_string_lossy().into_owned())
                .collect();
            files.push(parts.join("/"));
        }
    }
}
