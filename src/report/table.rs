//! One small table type that prints as aligned text or as a Markdown table.

use crate::printable::escape_controls;

/// How a column's cells line up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Text.
    Left,
    /// Numbers and money.
    Right,
}

/// Rows of cells under a header.
#[derive(Debug, Clone)]
pub struct Table {
    header: Vec<(String, Align)>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these columns. Titles and cells may hold user text
    /// (scenario names), so control characters are shown escaped.
    pub fn new(header: &[(&str, Align)]) -> Table {
        Table {
            header: header
                .iter()
                .map(|(title, align)| (escape_controls(title).into_owned(), *align))
                .collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row; it must have one cell per column.
    pub fn row(&mut self, cells: Vec<String>) {
        debug_assert_eq!(cells.len(), self.header.len(), "one cell per column");
        self.rows.push(
            cells
                .into_iter()
                .map(|cell| escape_controls(&cell).into_owned())
                .collect(),
        );
    }

    /// Aligned plain text, columns two spaces apart, no trailing spaces.
    pub fn to_text(&self) -> String {
        let widths: Vec<usize> = (0..self.header.len())
            .map(|column| {
                self.rows
                    .iter()
                    .map(|row| width(&row[column]))
                    .chain([width(&self.header[column].0)])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let header: Vec<String> = self.header.iter().map(|(title, _)| title.clone()).collect();
        let mut out = String::new();
        for row in [&header].into_iter().chain(&self.rows) {
            let mut line = String::new();
            for (column, cell) in row.iter().enumerate() {
                if column > 0 {
                    line.push_str("  ");
                }
                let pad = " ".repeat(widths[column] - width(cell));
                match self.header[column].1 {
                    Align::Left => {
                        line.push_str(cell);
                        line.push_str(&pad);
                    }
                    Align::Right => {
                        line.push_str(&pad);
                        line.push_str(cell);
                    }
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }

    /// A GitHub-flavoured Markdown table.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let titles: Vec<&str> = self
            .header
            .iter()
            .map(|(title, _)| title.as_str())
            .collect();
        out.push_str(&format!("| {} |\n", titles.join(" | ")));
        let rules: Vec<&str> = self
            .header
            .iter()
            .map(|(_, align)| match align {
                Align::Left => "---",
                Align::Right => "---:",
            })
            .collect();
        out.push_str(&format!("| {} |\n", rules.join(" | ")));
        for row in &self.rows {
            let cells: Vec<String> = row.iter().map(|cell| cell.replace('|', "\\|")).collect();
            out.push_str(&format!("| {} |\n", cells.join(" | ")));
        }
        out
    }
}

fn width(text: &str) -> usize {
    text.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Table {
        let mut table = Table::new(&[("Item", Align::Left), ("Cost", Align::Right)]);
        table.row(vec!["Web".to_owned(), "$50.00".to_owned()]);
        table.row(vec!["Database | replica".to_owned(), "$9.00".to_owned()]);
        table
    }

    #[test]
    fn text_aligns_columns_without_trailing_spaces() {
        assert_eq!(
            sample().to_text(),
            "Item                  Cost\nWeb                 $50.00\nDatabase | replica   $9.00\n"
        );
    }

    #[test]
    fn markdown_escapes_pipes_and_right_aligns_numbers() {
        assert_eq!(
            sample().to_markdown(),
            "| Item | Cost |\n| --- | ---: |\n| Web | $50.00 |\n| Database \\| replica | $9.00 |\n"
        );
    }
}
