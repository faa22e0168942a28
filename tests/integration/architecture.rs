//! The layers import only the layers before them: `model` nothing but
//! `printable`; `catalog` the model; `report` the model and catalog;
//! `terraform` those and the report; `app` anything. Test code is not counted.

use std::collections::BTreeSet;
use std::path::Path;

use crate::support::project_dir;

/// What each layer may import besides itself.
const ALLOWED: [(&str, &[&str]); 4] = [
    ("model", &["printable"]),
    ("catalog", &["model", "error", "input", "printable"]),
    ("report", &["model", "catalog", "printable"]),
    (
        "terraform",
        &["model", "catalog", "report", "error", "input", "printable"],
    ),
];

fn rust_files(dir: &Path, found: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            found.push(path);
        }
    }
}

/// The top-level modules `code` names as `crate::NAME`, before its tests.
fn crate_imports(code: &str) -> BTreeSet<String> {
    let code = code.split("#[cfg(test)]").next().unwrap_or("");
    assert!(
        !code.contains("use crate::{"),
        "name each layer in its own `use` line so this test can see it"
    );
    code.match_indices("crate::")
        .map(|(at, _)| {
            code[at + "crate::".len()..]
                .chars()
                .take_while(|ch| ch.is_ascii_alphanumeric() || *ch == '_')
                .collect()
        })
        .collect()
}

#[test]
fn layers_import_only_the_layers_before_them() {
    let mut checked = 0;
    for (layer, allowed) in ALLOWED {
        let mut files = Vec::new();
        rust_files(&project_dir().join("src").join(layer), &mut files);
        assert!(!files.is_empty(), "src/{layer} has no files");
        for file in files {
            let code = std::fs::read_to_string(&file).unwrap();
            for imported in crate_imports(&code) {
                assert!(
                    imported == layer || allowed.contains(&imported.as_str()),
                    "{} imports crate::{imported}, which {layer} may not",
                    file.display()
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 30, "{checked} files");
}
