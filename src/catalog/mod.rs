//! The data infraplan runs on: stages, prices and usage overrides.
//!
//! Built-in files are embedded in the binary through one table per folder
//! ([`embedded`]); `--stages DIR` and `--prices DIR` replace built-in files of the
//! same name and add new ones. Every file is parsed strictly
//! (`deny_unknown_fields`, decimals as strings) and then validated as a whole,
//! and every error names the file and the key.

pub mod audit;
pub mod embedded;
pub mod prices;
pub mod roadmap;
pub mod scenarios;
pub mod stages;
pub mod usage;

use std::borrow::Cow;
use std::fs;
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::de::DeserializeOwned;

use crate::error::{Error, Problem};

/// The one schema version every data file carries today.
pub const SCHEMA_VERSION: u32 = 1;

/// One data file: where it came from (for messages) and its text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// What messages call it: `stages/01-solo-founder.json` or the user's path.
    pub label: String,
    /// The file's contents.
    pub text: Cow<'static, str>,
    /// Embedded in the binary, where a test has already checked it strictly.
    pub(crate) built_in: bool,
}

impl SourceFile {
    /// A file embedded in the binary.
    pub fn built_in(label: String, text: &'static str) -> Self {
        SourceFile {
            label,
            text: Cow::Borrowed(text),
            built_in: true,
        }
    }

    /// A file the user gave, checked in full.
    pub fn user(label: String, text: String) -> Self {
        SourceFile {
            label,
            text: Cow::Owned(text),
            built_in: false,
        }
    }
}

/// Built-in files merged with a user folder: same name replaces, new name adds.
///
/// The result is ordered by file name, so a folder's order never depends on the
/// file system.
pub fn layered_files(
    folder: &str,
    builtin: &[(&str, &'static str)],
    override_dir: Option<&Path>,
    flag: &str,
) -> Result<Vec<SourceFile>, Error> {
    let mut files: IndexMap<String, SourceFile> = builtin
        .iter()
        .map(|(name, text)| {
            let file = SourceFile::built_in(format!("{folder}/{name}"), text);
            ((*name).to_owned(), file)
        })
        .collect();
    if let Some(dir) = override_dir {
        for path in json_files_in(dir, flag)? {
            let text = crate::input::read_text(&path).map_err(|source| Error::NoInput {
                flag: flag.to_owned(),
                path: path.clone(),
                reason: source.to_string(),
            })?;
            let name = path
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default();
            let label = path.display().to_string();
            files.insert(name, SourceFile::user(label, text));
        }
    }
    files.sort_keys();
    Ok(files.into_values().collect())
}

fn json_files_in(dir: &Path, flag: &str) -> Result<Vec<PathBuf>, Error> {
    let unreadable = |reason: String| Error::NoInput {
        flag: flag.to_owned(),
        path: dir.to_owned(),
        reason,
    };
    let entries = fs::read_dir(dir).map_err(|source| unreadable(source.to_string()))?;
    let mut paths = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|source| unreadable(source.to_string()))?
            .path();
        if path
            .extension()
            .is_some_and(|extension| extension == "json")
        {
            paths.push(path);
        }
    }
    if paths.is_empty() {
        return Err(unreadable(
            "it holds no .json files to layer over the built-in data".to_owned(),
        ));
    }
    paths.sort();
    Ok(paths)
}

/// Parses `file` strictly as `T`, naming the key path of any error. A UTF-8
/// byte-order mark is skipped; a key given twice in one object is an error
/// (JSON parsers disagree on which one wins).
///
/// The plain parse runs first: the key path is only worked out for a file that
/// fails, and built-in files skip the duplicate-key scan, which a test runs on
/// each of them, so a run on the built-in data pays for one parse.
pub fn parse<T: DeserializeOwned>(file: &SourceFile) -> Result<T, Error> {
    let text = file.text.strip_prefix('\u{feff}').unwrap_or(&file.text);
    if !file.built_in
        && let Some((path, key)) = duplicate_key(text)
    {
        return Err(Error::data(&file.label, path, Problem::KeyTwice(key)));
    }
    serde_json::from_str(text).map_err(|plain| {
        let mut deserializer = serde_json::Deserializer::from_str(text);
        match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
            Err(error) => {
                let key = error.path().to_string();
                // serde_path_to_error says `.` or `?` for the document itself.
                let key = if key == "." || key == "?" {
                    String::new()
                } else {
                    key
                };
                Error::data(
                    &file.label,
                    key,
                    Problem::Malformed(error.inner().to_string()),
                )
            }
            // Only trailing text after the value fails the plain parse here.
            Ok(_) => Error::data(&file.label, "", Problem::Malformed(plain.to_string())),
        }
    })
}

/// The first key given twice in one JSON object: the path of the object
/// (`variants.heroku`) and the key. `None` when there is none, or the text is
/// not JSON (the real parse reports that).
fn duplicate_key(text: &str) -> Option<(String, String)> {
    let mut found = None;
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let seed = KeyWalk {
        path: String::new(),
        found: &mut found,
    };
    let _ = serde::de::DeserializeSeed::deserialize(seed, &mut deserializer);
    found
}

/// Walks any JSON value, remembering the first duplicate key it meets.
struct KeyWalk<'a> {
    path: String,
    found: &'a mut Option<(String, String)>,
}

impl<'de> serde::de::DeserializeSeed<'de> for KeyWalk<'_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for KeyWalk<'_> {
    type Value = ();

    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0;
        loop {
            let child = KeyWalk {
                path: format!("{}[{index}]", self.path),
                found: &mut *self.found,
            };
            if seq.next_element_seed(child)?.is_none() {
                return Ok(());
            }
            index += 1;
        }
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = std::collections::HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if !seen.insert(key.clone()) {
                *self.found = Some((self.path, key));
                return Err(serde::de::Error::custom("duplicate key"));
            }
            let path = if self.path.is_empty() {
                key
            } else {
                format!("{}.{key}", self.path)
            };
            map.next_value_seed(KeyWalk {
                path,
                found: &mut *self.found,
            })?;
        }
        Ok(())
    }
}

/// Checks a file's `schema_version`.
pub fn check_schema_version(file: &str, version: u32) -> Result<(), Error> {
    if version == SCHEMA_VERSION {
        Ok(())
    } else {
        Err(Error::data(
            file,
            "schema_version",
            Problem::SchemaVersion {
                found: version,
                reads: SCHEMA_VERSION,
            },
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Sample {
        #[serde(deserialize_with = "crate::model::exact::decimal")]
        price: Decimal,
    }

    fn file(text: &str) -> SourceFile {
        SourceFile::user("sample.json".to_owned(), text.to_owned())
    }

    #[test]
    fn decimals_are_read_exactly_from_strings_and_integers() {
        let sample: Sample = parse(&file(r#"{"price": "0.0000166667"}"#)).unwrap();
        assert_eq!(sample.price.to_string(), "0.0000166667");
        let sample: Sample = parse(&file(r#"{"price": 25}"#)).unwrap();
        assert_eq!(sample.price, Decimal::from(25));
    }

    #[test]
    fn floats_are_refused_with_the_key() {
        let error = parse::<Sample>(&file(r#"{"price": 0.1}"#)).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("sample.json: price: write 0.1 as a string"),
            "{error}"
        );
    }

    #[test]
    fn a_key_given_twice_is_an_error_naming_it() {
        let error = parse::<Sample>(&file(r#"{"price": "1", "price": "2"}"#)).unwrap_err();
        assert_eq!(
            error.to_string(),
            "sample.json: the key \"price\" is given twice; keep one"
        );
        assert_eq!(
            duplicate_key(r#"{"a": [{"b": 1}, {"c": {"d": 1, "d": 2}}]}"#),
            Some(("a[1].c".to_owned(), "d".to_owned()))
        );
        assert_eq!(duplicate_key(r#"{"a": {"d": 1}, "b": {"d": 2}}"#), None);
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        let sample: Sample = parse(&file("\u{feff}{\"price\": \"2\"}")).unwrap();
        assert_eq!(sample.price, Decimal::TWO);
    }

    #[test]
    fn unknown_fields_name_the_file() {
        let error = parse::<Sample>(&file(r#"{"price": "1", "cost": "2"}"#)).unwrap_err();
        assert!(
            error.to_string().contains("unknown field `cost`"),
            "{error}"
        );
        assert!(error.to_string().starts_with("sample.json: "), "{error}");
    }

    /// Built-in files skip the per-SKU and per-stage checks at run time
    /// because this test runs them: the same bytes, read as a user's files,
    /// pass every check and load to the same data.
    #[test]
    fn built_in_data_passes_every_check_a_users_file_gets() {
        let as_user = |folder: &str, files: &[(&str, &'static str)]| -> Vec<SourceFile> {
            files
                .iter()
                .map(|(name, text)| {
                    SourceFile::user(format!("{folder}/{name}"), (*text).to_owned())
                })
                .collect()
        };
        let built_in = |folder: &str, files: &[(&str, &'static str)]| -> Vec<SourceFile> {
            files
                .iter()
                .map(|(name, text)| SourceFile::built_in(format!("{folder}/{name}"), text))
                .collect()
        };
        let checked_catalog = prices::load(&as_user("prices", embedded::PRICES)).unwrap();
        assert!(!checked_catalog.is_built_in());
        let checked = stages::load(&as_user("stages", embedded::STAGES), &checked_catalog).unwrap();
        let catalog = prices::load(&built_in("prices", embedded::PRICES)).unwrap();
        assert!(catalog.is_built_in());
        let trusted = stages::load(&built_in("stages", embedded::STAGES), &catalog).unwrap();
        assert_eq!(format!("{checked:?}"), format!("{trusted:?}"));
        let skus = |catalog: &crate::model::prices::Catalog| {
            format!("{:?}", catalog.skus().collect::<Vec<_>>())
        };
        assert_eq!(skus(&checked_catalog), skus(&catalog));
    }

    /// Built-in files skip the duplicate-key scan at run time because this
    /// test runs it on each of them.
    #[test]
    fn built_in_files_give_no_key_twice() {
        let built_in = embedded::STAGES
            .iter()
            .chain(embedded::PRICES)
            .copied()
            .chain([("roadmap.json", roadmap::BUILTIN)]);
        for (name, text) in built_in {
            assert_eq!(duplicate_key(text), None, "{name}");
        }
    }

    #[test]
    fn a_folder_replaces_built_in_files_by_name() {
        let dir = std::env::temp_dir().join(format!("infraplan-layer-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("b.json"), "user b").unwrap();
        fs::write(dir.join("c.json"), "user c").unwrap();
        fs::write(dir.join("notes.txt"), "ignored").unwrap();
        let builtin = [("a.json", "built-in a"), ("b.json", "built-in b")];
        let files = layered_files("stages", &builtin, Some(&dir), "--stages").unwrap();
        let texts: Vec<&str> = files.iter().map(|file| &*file.text).collect();
        assert_eq!(texts, ["built-in a", "user b", "user c"]);
        assert_eq!(files[0].label, "stages/a.json");
        assert!(files[1].label.ends_with("b.json"));
        fs::remove_dir_all(dir).unwrap();
    }
}
