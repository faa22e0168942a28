//! Helpers shared by the integration tests and the library's unit tests
//! (which include this file by path): file trees and `generate` arguments.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

/// Copies `from` into `to`, folders and permission bits included.
pub(crate) fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_tree(&path, &target);
        } else {
            fs::copy(&path, &target).unwrap();
        }
    }
}

/// Every file under `dir`, by relative path.
pub(crate) fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, files: &mut BTreeMap<String, Vec<u8>>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, files);
            } else {
                let relative = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                files.insert(relative, fs::read(&path).unwrap());
            }
        }
    }
    let mut files = BTreeMap::new();
    walk(dir, dir, &mut files);
    files
}

/// The paths whose contents differ between two trees.
pub(crate) fn differences(
    left: &BTreeMap<String, Vec<u8>>,
    right: &BTreeMap<String, Vec<u8>>,
) -> String {
    let paths: std::collections::BTreeSet<&String> = left.keys().chain(right.keys()).collect();
    let differing: Vec<&str> = paths
        .into_iter()
        .filter(|path| left.get(*path) != right.get(*path))
        .map(String::as_str)
        .collect();
    format!("differs in {differing:?}")
}

/// `generate` arguments (no program name) for stage 2 on Heroku into `out`,
/// with an MRR of $150 a customer.
pub(crate) fn generate_args(out: &Path, customers: &str) -> Vec<String> {
    let mrr = (customers.parse::<u32>().unwrap() * 150).to_string();
    [
        "generate",
        "--out",
        &out.to_string_lossy(),
        "--customers",
        customers,
        "--mrr",
        &mrr,
        "--domain",
        "example.com",
        "--paas",
        "heroku",
    ]
    .map(str::to_owned)
    .to_vec()
}
