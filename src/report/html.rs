//! One self-contained HTML page per report: a [`Document`] of headings,
//! prose, facts, tables and charts, printed with inline CSS and inline SVG.
//! Nothing is fetched: a content security policy forbids every request, so
//! the page reads the same opened from disk, attached to an email or
//! printed. Light and dark schemes follow the reader's system.

use crate::model::plan::Verdict;

use super::table::Table;

/// A report's content for a page.
#[derive(Debug, Clone)]
pub(crate) struct Document {
    /// The page's title and top heading.
    pub(crate) title: String,
    pub(crate) blocks: Vec<Block>,
}

/// One piece of a page.
#[derive(Debug, Clone)]
pub(crate) enum Block {
    /// A section heading.
    Heading(String),
    /// A paragraph. Prose may hold user text (scenario names), so only
    /// table cells, which hold the data's sources, get links.
    Paragraph(String),
    /// The budget verdict, with a symbol and a word as well as a colour.
    Verdict { verdict: Verdict, text: String },
    /// Labelled facts.
    Facts(Vec<(String, String)>),
    /// A table and its caption.
    Table { caption: String, table: Table },
    /// Numbered steps.
    Steps(Vec<String>),
    /// Points in no order.
    List(Vec<String>),
    /// Text laid out as the terminal shows it, for reports that are mostly
    /// prose (`stages`, `generate`).
    Preformatted(String),
    /// An inline SVG chart and its text alternative, which is also its
    /// caption.
    Chart { svg: String, summary: String },
}

impl Document {
    /// An empty document titled `title`.
    pub(crate) fn new(title: impl Into<String>) -> Document {
        Document {
            title: title.into(),
            blocks: Vec::new(),
        }
    }

    /// Appends `block`.
    pub(crate) fn push(&mut self, block: Block) -> &mut Document {
        self.blocks.push(block);
        self
    }

    /// Appends a table.
    pub(crate) fn table(&mut self, caption: impl Into<String>, table: Table) -> &mut Document {
        self.push(Block::Table {
            caption: caption.into(),
            table,
        })
    }

    /// Appends a paragraph.
    pub(crate) fn paragraph(&mut self, text: impl Into<String>) -> &mut Document {
        self.push(Block::Paragraph(text.into()))
    }

    /// Appends a heading.
    pub(crate) fn heading(&mut self, text: impl Into<String>) -> &mut Document {
        self.push(Block::Heading(text.into()))
    }

    /// The page.
    pub(crate) fn to_html(&self) -> String {
        let mut body = String::new();
        for (index, block) in self.blocks.iter().enumerate() {
            body.push_str(&block_html(block, index));
        }
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
             <meta name=\"color-scheme\" content=\"light dark\">\n\
             <meta name=\"generator\" content=\"infraplan {version}\">\n\
             <title>{title}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<main>\n\
             <h1>{title}</h1>\n{body}</main>\n<footer>Written by infraplan {version}.{sources}</footer>\n\
             </body>\n</html>\n",
            title = text(&self.title),
            version = env!("CARGO_PKG_VERSION"),
            sources = if body.contains("<a href") {
                " Every price links to the public page it was read from, with the date it was read."
            } else {
                ""
            },
        )
    }
}

/// What a page shows beyond its report's view: a chart drawn with the
/// stages' guidance, and the prices the report's stages can bill with their
/// sources. The command fills them in; JSON and text leave them out.
#[derive(Debug, Clone, Default)]
pub(crate) struct Attachments {
    /// The chart: its SVG and text alternative.
    pub(crate) chart: Option<(String, String)>,
    /// The prices and where they were read.
    pub(crate) sources: Option<Table>,
}

impl Attachments {
    /// Appends the chart, if there is one.
    pub(crate) fn chart_into(&self, document: &mut Document) {
        if let Some((svg, summary)) = &self.chart {
            document.push(Block::Chart {
                svg: svg.clone(),
                summary: summary.clone(),
            });
        }
    }

    /// Appends the prices and their sources, if known.
    pub(crate) fn sources_into(&self, document: &mut Document) {
        if let Some(sources) = &self.sources {
            document.heading("Prices and their sources");
            document.table(
                "Every list price these stages can bill, the date it was read, and the public page it was read from",
                sources.clone(),
            );
        }
    }
}

/// A block as HTML; `index` makes its ids unique on the page.
fn block_html(block: &Block, index: usize) -> String {
    match block {
        Block::Heading(heading) => format!("<h2>{}</h2>\n", text(heading)),
        Block::Paragraph(paragraph) => format!("<p>{}</p>\n", text(paragraph)),
        Block::Verdict {
            verdict,
            text: words,
        } => {
            let (class, symbol) = match verdict {
                Verdict::WithinGuidance => ("good", "✓"),
                Verdict::AboveGuidance => ("warn", "▲"),
                Verdict::OverCeiling => ("bad", "✕"),
            };
            let label = verdict.label();
            let mut word = label[..1].to_uppercase();
            word.push_str(&label[1..]);
            format!(
                "<p class=\"verdict {class}\"><span class=\"symbol\" aria-hidden=\"true\">{symbol}</span> <strong>{word}:</strong> {}</p>\n",
                text(words)
            )
        }
        Block::Facts(facts) => {
            let mut out = String::from("<dl>\n");
            for (label, value) in facts {
                out.push_str(&format!(
                    "<dt>{}</dt><dd>{}</dd>\n",
                    text(label),
                    text(value)
                ));
            }
            out.push_str("</dl>\n");
            out
        }
        Block::Table { caption, table } => {
            format!("<div class=\"scroll\">\n{}</div>\n", table.to_html(caption))
        }
        Block::Preformatted(lines) => format!("<pre>{}</pre>\n", text(lines)),
        Block::Steps(points) | Block::List(points) => {
            let items: String = points
                .iter()
                .map(|point| format!("<li>{}</li>\n", text(point)))
                .collect();
            let tag = if matches!(block, Block::Steps(_)) {
                "ol"
            } else {
                "ul"
            };
            format!("<{tag}>\n{items}</{tag}>\n")
        }
        Block::Chart { svg, summary } => {
            // The chart's own title is drawn; the figure names it for a
            // screen reader, which reads the caption in place of the lines.
            let id = format!("chart-{index}");
            format!(
                "<figure role=\"img\" aria-labelledby=\"{id}\">\n<div class=\"chart\" aria-hidden=\"true\">{}</div>\n<figcaption id=\"{id}\">{}</figcaption>\n</figure>\n",
                svg.trim_start_matches("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"),
                text(summary)
            )
        }
    }
}

/// `raw` with the characters HTML gives a meaning escaped.
pub(crate) fn text(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for character in raw.chars() {
        match character {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(character),
        }
    }
    out
}

/// `raw` escaped, each `https://` address in it a link to that address. A trailing full stop, comma or bracket ends the
/// address, as in prose.
pub(crate) fn linked(raw: &str) -> String {
    let mut out = String::new();
    let mut rest = raw;
    while let Some(start) = rest.find("https://") {
        out.push_str(&text(&rest[..start]));
        let tail = &rest[start..];
        let end = tail
            .find(|character: char| character.is_whitespace() || "<>\"'".contains(character))
            .unwrap_or(tail.len());
        let address = tail[..end].trim_end_matches(['.', ',', ')', ';', ':']);
        if address.len() == "https://".len() {
            // Nothing after the scheme: no address to link.
            out.push_str(&text(address));
            rest = &tail[address.len()..];
            continue;
        }
        // The link shows the address without its scheme, which every
        // address here shares: shorter, and as a reader would type it.
        out.push_str(&format!(
            "<a href=\"{}\">{}</a>",
            text(address),
            text(&address["https://".len()..])
        ));
        rest = &tail[address.len()..];
    }
    out.push_str(&text(rest));
    out
}

/// The page's look: system fonts, readable line length, tables that scroll
/// sideways on a phone, a dark scheme, and print without backgrounds.
const STYLE: &str = r#":root { --fg: #1b1f24; --muted: #57606a; --bg: #ffffff; --rule: #d0d7de; --stripe: #f6f8fa; --link: #0550ae;
  --good: #1a7f37; --warn: #9a6700; --bad: #cf222e; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --rule: #3d444d; --stripe: #151b23; --link: #4493f8;
    --good: #3fb950; --warn: #d29922; --bad: #f85149; }
}
html { background: var(--bg); color: var(--fg); }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; margin: 0; }
main, footer { max-width: 72rem; margin: 0 auto; padding: 1rem 1.5rem; }
footer { color: var(--muted); font-size: 13px; border-top: 1px solid var(--rule); }
h1 { font-size: 1.6rem; margin: 0.5rem 0 1rem; }
h2 { font-size: 1.2rem; margin: 1.75rem 0 0.5rem; border-bottom: 1px solid var(--rule); padding-bottom: 0.25rem; }
a { color: var(--link); overflow-wrap: anywhere; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: 0.25rem 0; }
th, td { border: 1px solid var(--rule); padding: 0.3rem 0.55rem; vertical-align: top; text-align: left; }
thead th { background: var(--stripe); }
tbody tr:nth-child(even) { background: var(--stripe); }
.num { text-align: right; white-space: nowrap; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; }
dt { font-weight: 600; }
dd { margin: 0; }
.verdict { border-left: 0.35rem solid; padding: 0.5rem 0.75rem; background: var(--stripe); }
.verdict .symbol { font-weight: 700; }
.good { border-color: var(--good); } .good .symbol { color: var(--good); }
.warn { border-color: var(--warn); } .warn .symbol { color: var(--warn); }
.bad { border-color: var(--bad); } .bad .symbol { color: var(--bad); }
figure { margin: 1rem 0; }
pre { white-space: pre-wrap; font-size: 13px; }
.chart svg { max-width: 100%; height: auto; background: #ffffff; border-radius: 4px; }
figcaption { color: var(--muted); font-size: 13px; }
@media print {
  html { background: #ffffff; color: #000000; }
  main, footer { max-width: none; padding: 0; }
  tbody tr:nth-child(even), thead th, .verdict { background: none; }
  tr, figure { break-inside: avoid; }
  a { color: #000000; }
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_addresses_linked() {
        assert_eq!(
            text("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert_eq!(
            linked("See https://aws.amazon.com/rds/pricing/. Then <b>."),
            "See <a href=\"https://aws.amazon.com/rds/pricing/\">aws.amazon.com/rds/pricing/</a>. Then &lt;b&gt;."
        );
        assert_eq!(
            linked("(https://a.example/x?a=1&b=2)"),
            "(<a href=\"https://a.example/x?a=1&amp;b=2\">a.example/x?a=1&amp;b=2</a>)"
        );
        assert_eq!(linked("no address"), "no address");
        assert_eq!(linked("see https:// later"), "see https:// later");
    }

    #[test]
    fn a_page_fetches_nothing_and_says_its_verdict_in_words() {
        let mut document = Document::new("Plan <1>");
        document.push(Block::Verdict {
            verdict: Verdict::OverCeiling,
            text: "25% of MRR".to_owned(),
        });
        let page = document.to_html();
        assert!(page.contains("<title>Plan &lt;1&gt;</title>"));
        assert!(page.contains("default-src 'none'"));
        assert!(page.contains("Over the ceiling:</strong> 25% of MRR"));
        assert!(!page.contains("src="), "no resource is loaded");
        assert!(!page.contains("<script"));
    }
}
