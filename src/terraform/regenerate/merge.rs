//! Line-based three-way merge and unified diffs, for regenerating a folder the
//! user has edited. Pure: text in, text out.

use std::ops::Range;

use similar::{DiffOp, TextDiff};

/// One change from the base: base lines `range` become `lines`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Hunk<'a> {
    range: Range<usize>,
    lines: Vec<&'a str>,
}

/// The changes that turn `base` into `other`, as hunks over base lines.
fn hunks<'a>(base: &'a str, other: &'a str) -> Vec<Hunk<'a>> {
    let base_lines: Vec<&str> = base.split_inclusive('\n').collect();
    let other_lines: Vec<&str> = other.split_inclusive('\n').collect();
    let diff = TextDiff::from_slices(&base_lines, &other_lines);
    diff.ops()
        .iter()
        .filter(|op| !matches!(op, DiffOp::Equal { .. }))
        .map(|op| Hunk {
            range: op.old_range(),
            lines: other_lines[op.new_range()].to_vec(),
        })
        .collect()
}

/// Merges the user's edits (`ours`) and infraplan's changes (`theirs`), both
/// made to `base`. Returns `None` when they touch the same or adjacent base
/// lines differently: a conflict the user resolves.
pub(crate) fn merge3(base: &str, ours: &str, theirs: &str) -> Option<String> {
    let base_lines: Vec<&str> = base.split_inclusive('\n').collect();
    let mut ours = hunks(base, ours).into_iter().peekable();
    let mut theirs = hunks(base, theirs).into_iter().peekable();
    let mut merged = String::with_capacity(base.len());
    let mut position = 0;
    loop {
        let next = match (ours.peek(), theirs.peek()) {
            (None, None) => break,
            (Some(_), None) => ours.next(),
            (None, Some(_)) => theirs.next(),
            (Some(mine), Some(other)) => {
                // Changes that touch, including insertions at the same point, conflict
                // unless they are the same change.
                let touching =
                    mine.range.start <= other.range.end && other.range.start <= mine.range.end;
                if touching {
                    if mine != other {
                        return None;
                    }
                    theirs.next();
                    ours.next()
                } else if mine.range.start < other.range.start {
                    ours.next()
                } else {
                    theirs.next()
                }
            }
        }?;
        for line in &base_lines[position..next.range.start] {
            merged.push_str(line);
        }
        for line in &next.lines {
            merged.push_str(line);
        }
        position = next.range.end;
    }
    for line in &base_lines[position..] {
        merged.push_str(line);
    }
    Some(merged)
}

/// A unified diff from `old` to `new`, labelled with `path`; empty when equal.
pub(crate) fn unified_diff(path: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "a\nb\nc\nd\ne\nf\n";

    #[test]
    fn edits_to_different_lines_merge() {
        let ours = "a\nB (mine)\nc\nd\ne\nf\n";
        let theirs = "a\nb\nc\nd\nE (new)\nf\n";
        assert_eq!(
            merge3(BASE, ours, theirs).unwrap(),
            "a\nB (mine)\nc\nd\nE (new)\nf\n"
        );
    }

    #[test]
    fn additions_in_different_places_merge() {
        let ours = "# my note\na\nb\nc\nd\ne\nf\n";
        let theirs = "a\nb\nc\nd\ne\nf\ng\n";
        assert_eq!(
            merge3(BASE, ours, theirs).unwrap(),
            "# my note\na\nb\nc\nd\ne\nf\ng\n"
        );
    }

    #[test]
    fn edits_to_the_same_line_conflict() {
        let ours = "a\nb\nc (mine)\nd\ne\nf\n";
        let theirs = "a\nb\nc (new)\nd\ne\nf\n";
        assert_eq!(merge3(BASE, ours, theirs), None);
    }

    #[test]
    fn edits_to_adjacent_lines_conflict() {
        let ours = "a\nb\nc (mine)\nd\ne\nf\n";
        let theirs = "a\nb\nc\nd (new)\ne\nf\n";
        assert_eq!(merge3(BASE, ours, theirs), None);
    }

    #[test]
    fn the_same_change_on_both_sides_merges_once() {
        let both = "a\nb\nC\nd\ne\nf\n";
        assert_eq!(merge3(BASE, both, both).unwrap(), both);
    }

    #[test]
    fn one_sided_changes_apply() {
        let ours = "a\nb\nc\nd\ne\n";
        assert_eq!(merge3(BASE, ours, BASE).unwrap(), ours);
        assert_eq!(merge3(BASE, BASE, ours).unwrap(), ours);
    }

    #[test]
    fn diffs_are_unified_and_labelled() {
        let diff = unified_diff("main.tf", "a\nb\n", "a\nc\n");
        assert_eq!(
            diff,
            "--- a/main.tf\n+++ b/main.tf\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n"
        );
        assert_eq!(unified_diff("main.tf", "same\n", "same\n"), "");
    }
}
