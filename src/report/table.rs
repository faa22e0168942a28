//! One small table type that prints as aligned text fitted to a terminal, or
//! as a Markdown table.
//!
//! Text is fitted to a width: text columns wrap (at spaces, or after `.`,
//! `-` and `/` in a long word), numbers are never cut, and columns marked
//! [`Align::Below`] print as indented lines under their row. `--wide` turns
//! fitting off: every column inline, one line per cell line.

use std::borrow::Cow;

use crate::printable::escape_controls;

/// How a column's cells line up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    /// Text, wrapped when the table is too wide.
    Left,
    /// Numbers and money: never wrapped or cut.
    Right,
    /// Long text (a basis, a reason, a source): in fitted text, indented
    /// lines under the row, titled; inline otherwise.
    Below,
}

/// How wide text output may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fit {
    /// Fit to this many columns.
    Columns(usize),
    /// No limit: every column inline at its natural width (`--wide`).
    Wide,
}

/// The narrowest a wrapped text column gets before the table overflows.
const MIN_TEXT_COLUMN: usize = 10;
/// Indent of the lines printed under a row.
const BELOW_INDENT: &str = "    ";

/// Rows of cells under a header.
#[derive(Debug, Clone)]
pub(crate) struct Table {
    header: Vec<(String, Align)>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these columns. Titles and cells may hold user text
    /// (scenario names), so control characters are shown escaped.
    pub(crate) fn new(header: &[(&str, Align)]) -> Table {
        Table {
            header: header
                .iter()
                .map(|(title, align)| (escape_controls(title).into_owned(), *align))
                .collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row; it must have one cell per column. A line break in a cell
    /// starts a new line within it (one item per line).
    pub(crate) fn row(&mut self, cells: Vec<String>) {
        debug_assert_eq!(cells.len(), self.header.len(), "one cell per column");
        self.rows.push(
            cells
                .into_iter()
                .map(|cell| {
                    cell.split('\n')
                        .map(|line| escape_controls(line).into_owned())
                        .collect::<Vec<_>>()
                        .join("\n")
                })
                .collect(),
        );
    }

    /// Aligned plain text, columns two spaces apart, no trailing spaces,
    /// fitted as `fit` says.
    pub(crate) fn to_text(&self, fit: Fit) -> String {
        let inline: Vec<usize> = (0..self.header.len())
            .filter(|&column| fit == Fit::Wide || self.header[column].1 != Align::Below)
            .collect();
        let natural: Vec<usize> = inline
            .iter()
            .map(|&column| {
                self.rows
                    .iter()
                    .map(|row| widest_line(&row[column]))
                    .chain([width(&self.header[column].0)])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let aligns: Vec<Align> = inline.iter().map(|&column| self.header[column].1).collect();
        let widths = match fit {
            Fit::Wide => natural,
            Fit::Columns(total) => fitted_widths(&natural, &aligns, total),
        };
        let mut out = String::new();
        let header: Vec<String> = inline
            .iter()
            .map(|&column| self.header[column].0.clone())
            .collect();
        push_row(&mut out, &header, &widths, &aligns);
        for row in &self.rows {
            let cells: Vec<String> = inline.iter().map(|&column| row[column].clone()).collect();
            push_row(&mut out, &cells, &widths, &aligns);
            if let Fit::Columns(total) = fit {
                self.push_below(&mut out, row, total);
            }
        }
        out
    }

    /// The row's [`Align::Below`] cells as titled, wrapped, indented lines.
    fn push_below(&self, out: &mut String, row: &[String], total: usize) {
        let room = total
            .saturating_sub(BELOW_INDENT.len())
            .max(MIN_TEXT_COLUMN * 2);
        for (column, (title, align)) in self.header.iter().enumerate() {
            if *align != Align::Below || row[column].is_empty() {
                continue;
            }
            let text = if title.is_empty() {
                row[column].clone()
            } else {
                format!("{title}: {}", row[column])
            };
            for line in wrap(&text, room) {
                out.push_str(BELOW_INDENT);
                out.push_str(&line);
                out.push('\n');
            }
        }
    }

    /// A GitHub-flavoured Markdown table, every column inline.
    pub(crate) fn to_markdown(&self) -> String {
        let mut out = String::new();
        // A `|` in a title (a scenario's name) or a cell would end it.
        let titles: Vec<String> = self
            .header
            .iter()
            .map(|(title, _)| title.replace('|', "\\|"))
            .collect();
        out.push_str(&format!("| {} |\n", titles.join(" | ")));
        let rules: Vec<&str> = self
            .header
            .iter()
            .map(|(_, align)| match align {
                Align::Left | Align::Below => "---",
                Align::Right => "---:",
            })
            .collect();
        out.push_str(&format!("| {} |\n", rules.join(" | ")));
        for row in &self.rows {
            let cells: Vec<String> = row
                .iter()
                .map(|cell| cell.replace('|', "\\|").replace('\n', "<br>"))
                .collect();
            out.push_str(&format!("| {} |\n", cells.join(" | ")));
        }
        out
    }
}

impl Table {
    /// An HTML table: a caption, header cells that scope their column and
    /// row, number columns aligned right, URLs in cells as links. Every
    /// column is inline; a cell's lines are kept apart.
    pub(crate) fn to_html(&self, caption: &str) -> String {
        let class = |align: Align| match align {
            Align::Right => " class=\"num\"",
            Align::Left | Align::Below => "",
        };
        let mut out = format!(
            "<table>\n<caption>{}</caption>\n<thead><tr>",
            super::html::text(caption)
        );
        for (title, align) in &self.header {
            // A column of row names has no title: an empty data cell, not
            // an empty header, for a screen reader.
            if title.is_empty() {
                out.push_str("<td></td>");
                continue;
            }
            out.push_str(&format!(
                "<th scope=\"col\"{}>{}</th>",
                class(*align),
                super::html::text(title)
            ));
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for row in &self.rows {
            out.push_str("<tr>");
            for (column, ((_, align), cell)) in self.header.iter().zip(row).enumerate() {
                let lines: Vec<String> = cell.split('\n').map(super::html::linked).collect();
                // The first cell names its row, for a screen reader.
                let tag = if column == 0 {
                    "th scope=\"row\""
                } else {
                    "td"
                };
                out.push_str(&format!(
                    "<{tag}{}>{}</{}>",
                    class(*align),
                    lines.join("<br>"),
                    &tag[..2]
                ));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table>\n");
        out
    }
}

/// Prose fitted as `fit` says: each line of `text` wrapped at spaces, its
/// continuation lines indented by `hang` spaces past its own indent.
pub(crate) fn paragraphs(text: &str, fit: Fit, hang: usize) -> String {
    let Fit::Columns(total) = fit else {
        return text.to_owned();
    };
    let mut out = String::new();
    for line in text.lines() {
        let indent = line.len() - line.trim_start().len();
        let room = total.saturating_sub(indent + hang).max(MIN_TEXT_COLUMN * 2);
        let first_room = total.saturating_sub(indent).max(MIN_TEXT_COLUMN * 2);
        let body = line.trim_start();
        let mut first = wrap(body, first_room).into_iter();
        out.push_str(&line[..indent]);
        out.push_str(&first.next().unwrap_or_default());
        out.push('\n');
        let rest = first.collect::<Vec<_>>().join(" ");
        if !rest.is_empty() {
            for continuation in wrap(&rest, room) {
                out.push_str(&" ".repeat(indent + hang));
                out.push_str(&continuation);
                out.push('\n');
            }
        }
    }
    out
}

/// Column widths within `total`: natural when they fit; otherwise numbers
/// keep theirs and text columns share what is left, the narrow ones whole
/// first, none below [`MIN_TEXT_COLUMN`] (or its natural width). When even
/// that does not fit, the table is wider than `total`: numbers are not cut.
fn fitted_widths(natural: &[usize], aligns: &[Align], total: usize) -> Vec<usize> {
    let gaps = 2 * natural.len().saturating_sub(1);
    if natural.iter().sum::<usize>() + gaps <= total {
        return natural.to_vec();
    }
    let fixed: usize = natural
        .iter()
        .zip(aligns)
        .filter(|(_, align)| **align == Align::Right)
        .map(|(width, _)| width)
        .sum();
    let mut widths: Vec<usize> = natural
        .iter()
        .zip(aligns)
        .map(|(&width, align)| match align {
            Align::Right => width,
            Align::Left | Align::Below => width.min(MIN_TEXT_COLUMN),
        })
        .collect();
    let text: Vec<usize> = (0..natural.len())
        .filter(|&column| aligns[column] != Align::Right)
        .collect();
    let mut left = total
        .saturating_sub(gaps + fixed)
        .saturating_sub(text.iter().map(|&column| widths[column]).sum());
    // Water-filling: share what is left evenly; a column that needs less than
    // its share takes only what it needs, and the rest is shared again.
    loop {
        let hungry: Vec<usize> = text
            .iter()
            .copied()
            .filter(|&column| widths[column] < natural[column])
            .collect();
        if hungry.is_empty() || left == 0 {
            break;
        }
        let share = (left / hungry.len()).max(1);
        for column in hungry {
            let grant = share.min(natural[column] - widths[column]).min(left);
            widths[column] += grant;
            left -= grant;
        }
    }
    widths
}

/// One table row, its cells wrapped to `widths`, as one or more lines.
fn push_row(out: &mut String, cells: &[String], widths: &[usize], aligns: &[Align]) {
    let wrapped: Vec<Vec<Cow<'_, str>>> = cells
        .iter()
        .zip(widths)
        .zip(aligns)
        .map(|((cell, &width), align)| match align {
            Align::Right => cell.split('\n').map(Cow::Borrowed).collect(),
            Align::Left | Align::Below => wrap(cell, width),
        })
        .collect();
    let height = wrapped.iter().map(Vec::len).max().unwrap_or(1);
    for index in 0..height {
        let line_start = out.len();
        for (column, lines) in wrapped.iter().enumerate() {
            if column > 0 {
                out.push_str("  ");
            }
            let cell = lines.get(index).map_or("", |line| line);
            let pad = std::iter::repeat_n(' ', widths[column].saturating_sub(width(cell)));
            match aligns[column] {
                Align::Right => {
                    out.extend(pad);
                    out.push_str(cell);
                }
                Align::Left | Align::Below => {
                    out.push_str(cell);
                    out.extend(pad);
                }
            }
        }
        let kept = out[line_start..].trim_end().len();
        out.truncate(line_start + kept);
        out.push('\n');
    }
}

/// `text` in lines of at most `room` characters: each of its own lines
/// wrapped at spaces, and a word longer than `room` broken after a `.`, `-`
/// or `/` where it can be, else where it must. (A broken word's pieces never
/// share a line: each is the longest that fits.) A line that already fits,
/// with single spaces between words, is kept as it is.
fn wrap(text: &str, room: usize) -> Vec<Cow<'_, str>> {
    let room = room.max(1);
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let plain =
            !paragraph.starts_with(' ') && !paragraph.ends_with(' ') && !paragraph.contains("  ");
        if plain && width(paragraph) <= room {
            lines.push(Cow::Borrowed(paragraph));
            continue;
        }
        let mut line = String::new();
        let mut line_width = 0;
        for word in paragraph.split(' ').filter(|word| !word.is_empty()) {
            for piece in split_word(word, room) {
                let piece_width = width(piece);
                if line_width > 0 && line_width + 1 + piece_width > room {
                    lines.push(Cow::Owned(std::mem::take(&mut line)));
                    line_width = 0;
                }
                if line_width > 0 {
                    line.push(' ');
                    line_width += 1;
                }
                line.push_str(piece);
                line_width += piece_width;
            }
        }
        lines.push(Cow::Owned(line));
    }
    lines
}

/// A word as pieces no longer than `room` characters.
fn split_word(word: &str, room: usize) -> impl Iterator<Item = &str> {
    let mut rest = word;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let cut = match rest.char_indices().nth(room) {
            None => rest.len(),
            Some((limit, _)) => rest[..limit]
                .rfind(['.', '-', '/'])
                .map_or(limit, |position| position + 1),
        };
        let (piece, tail) = rest.split_at(cut);
        rest = tail;
        Some(piece)
    })
}

fn widest_line(cell: &str) -> usize {
    cell.split('\n').map(width).max().unwrap_or(0)
}

fn width(text: &str) -> usize {
    text.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escapes_pipes_in_titles_and_cells() {
        let mut table = Table::new(&[("a|b", Align::Left), ("n", Align::Right)]);
        table.row(vec!["x|y".to_owned(), "1".to_owned()]);
        assert_eq!(
            table.to_markdown(),
            "| a\\|b | n |\n| --- | ---: |\n| x\\|y | 1 |\n"
        );
    }

    fn sample() -> Table {
        let mut table = Table::new(&[("Item", Align::Left), ("Cost", Align::Right)]);
        table.row(vec!["Web".to_owned(), "$50.00".to_owned()]);
        table.row(vec!["Database | replica".to_owned(), "$9.00".to_owned()]);
        table
    }

    #[test]
    fn text_aligns_columns_without_trailing_spaces() {
        assert_eq!(
            sample().to_text(Fit::Columns(80)),
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

    #[test]
    fn narrow_tables_wrap_text_and_never_cut_numbers() {
        let text = sample().to_text(Fit::Columns(16));
        assert_eq!(
            text,
            "Item          Cost\nWeb         $50.00\nDatabase |   $9.00\nreplica\n"
        );
        assert!(text.contains("$50.00") && text.contains("$9.00"));
    }

    #[test]
    fn below_columns_print_under_their_row_when_fitted_and_inline_when_wide() {
        let mut table = Table::new(&[
            ("SKU", Align::Left),
            ("Monthly", Align::Right),
            ("Basis", Align::Below),
        ]);
        table.row(vec![
            "aws.s3.standard-storage".to_owned(),
            "$1.38".to_owned(),
            "30 customers × 2 GB of uploads kept in S3".to_owned(),
        ]);
        assert_eq!(
            table.to_text(Fit::Columns(32)),
            "SKU                      Monthly\naws.s3.standard-storage    $1.38\n    Basis: 30 customers × 2 GB\n    of uploads kept in S3\n"
        );
        assert_eq!(
            table.to_text(Fit::Wide),
            "SKU                      Monthly  Basis\naws.s3.standard-storage    $1.38  30 customers × 2 GB of uploads kept in S3\n"
        );
    }

    #[test]
    fn paragraphs_wrap_with_a_hanging_indent() {
        assert_eq!(
            paragraphs(
                "Verdict: within guidance for this stage\n  - a lever",
                Fit::Columns(24),
                2
            ),
            "Verdict: within guidance\n  for this stage\n  - a lever\n"
        );
        assert_eq!(paragraphs("one two", Fit::Wide, 2), "one two");
    }

    #[test]
    fn long_words_break_after_dots_and_hyphens() {
        assert_eq!(
            wrap("aws.route53.health-check-feature-non-aws", 14),
            ["aws.route53.", "health-check-", "feature-non-", "aws"]
        );
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
    }

    #[test]
    fn cells_keep_their_own_lines() {
        let mut table = Table::new(&[("Month", Align::Right), ("Upgrades", Align::Left)]);
        table.row(vec!["4-6".to_owned(), "+ Redis\n~ Web app".to_owned()]);
        assert_eq!(
            table.to_text(Fit::Columns(80)),
            "Month  Upgrades\n  4-6  + Redis\n       ~ Web app\n"
        );
        assert!(table.to_markdown().contains("+ Redis<br>~ Web app"));
    }

    #[test]
    fn widths_share_what_is_left_and_stop_at_the_minimum() {
        let aligns = [Align::Left, Align::Right, Align::Left];
        assert_eq!(fitted_widths(&[5, 6, 100], &aligns, 40), [5, 6, 25]);
        assert_eq!(fitted_widths(&[50, 6, 100], &aligns, 40), [15, 6, 15]);
        assert_eq!(fitted_widths(&[50, 6, 100], &aligns, 10), [10, 6, 10]);
    }
}
