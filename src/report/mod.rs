//! What commands print: typed views rendered as text, Markdown or JSON.

pub mod generate;
pub mod listing;
pub mod plan;
pub mod table;

use clap::ValueEnum;
use serde::Serialize;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned text for a terminal.
    Table,
    /// A stable, versioned shape for programs (see docs/json.md).
    Json,
    /// Markdown for a pull-request comment.
    Markdown,
}

/// Pretty JSON with a final newline.
pub fn json<T: Serialize>(value: &T) -> String {
    let mut text = serde_json::to_string_pretty(value)
        .unwrap_or_else(|error| unreachable!("report views always serialize: {error}"));
    text.push('\n');
    text
}
