//! Reads the built-in `roadmap.json`.

use super::{SourceFile, check_schema_version, parse};
use crate::error::Error;
use crate::model::roadmap::Roadmap;

/// The built-in `roadmap.json`.
pub const BUILTIN: &str = include_str!("../../roadmap.json");

/// Parses and checks the built-in roadmap file.
pub fn builtin() -> Result<Roadmap, Error> {
    let file = SourceFile::built_in("roadmap.json".to_owned(), BUILTIN);
    let roadmap: Roadmap = parse(&file)?;
    check_schema_version(&file.label, roadmap.schema_version)?;
    Ok(roadmap)
}
