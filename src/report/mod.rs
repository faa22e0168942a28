//! What commands print: typed views rendered as text, Markdown or JSON.

pub mod chart;
pub mod compare;
pub mod diff;
pub mod generate;
pub mod listing;
pub mod plan;
pub mod roadmap;
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

/// An output format for reports that also suit a spreadsheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TabularFormat {
    /// Aligned text for a terminal.
    Table,
    /// Markdown for a pull-request comment.
    Markdown,
    /// A stable, versioned shape for programs (see docs/json.md).
    Json,
    /// Comma-separated values, one row per scenario or month.
    Csv,
}

/// One CSV line: fields quoted when they hold a comma, quote or line break.
pub fn csv_row(fields: &[&str]) -> String {
    let quoted: Vec<String> = fields
        .iter()
        .map(|field| {
            if field.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", field.replace('"', "\"\""))
            } else {
                (*field).to_owned()
            }
        })
        .collect();
    format!("{}\n", quoted.join(","))
}

/// Pretty JSON with a final newline.
pub fn json<T: Serialize>(value: &T) -> String {
    let mut text = serde_json::to_string_pretty(value)
        .unwrap_or_else(|error| unreachable!("report views always serialize: {error}"));
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_only_what_needs_it() {
        assert_eq!(
            csv_row(&["a", "b c", "d,e", "say \"hi\""]),
            "a,b c,\"d,e\",\"say \"\"hi\"\"\"\n"
        );
    }
}
