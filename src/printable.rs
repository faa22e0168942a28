//! User text made safe to print on one line of a terminal: control characters
//! (newlines, escape sequences) are shown escaped, and values echoed in
//! messages are cut to a short prefix.

use std::borrow::Cow;

/// The most characters of a user's value an error message echoes.
pub(crate) const MAX_ECHOED_CHARS: usize = 40;

/// `text` with every control character escaped (`\n`, `\t`, `\u{1b}`), so it
/// can neither break a line nor drive the terminal.
pub(crate) fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for character in text.chars() {
        match character {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            other if other.is_control() => out.push_str(&other.escape_unicode().to_string()),
            other => out.push(other),
        }
    }
    Cow::Owned(out)
}

/// A user's value as an error message echoes it: control characters escaped
/// and at most [`MAX_ECHOED_CHARS`] characters, with `…` when cut.
pub(crate) fn shown(value: &str) -> String {
    cut(&escape_controls(value), MAX_ECHOED_CHARS)
}

/// A path as a message names it: escaped, and cut at 200 characters.
pub(crate) fn shown_path(path: &std::path::Path) -> String {
    cut(&escape_controls(&path.display().to_string()), 200)
}

/// A value as one word of a POSIX shell command a message suggests: bare when
/// it is plainly safe, else in single quotes.
pub(crate) fn shell_word(value: &str) -> String {
    let plain = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:@%+,".contains(c));
    if plain {
        value.to_owned()
    } else {
        format!("'{}'", value.replace('\'', "'\\''"))
    }
}

fn cut(text: &str, most: usize) -> String {
    match text.char_indices().nth(most) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_words_are_quoted_only_when_needed() {
        assert_eq!(shell_word("target/acme-stage3"), "target/acme-stage3");
        assert_eq!(shell_word("my folder"), "'my folder'");
        assert_eq!(shell_word("it's"), "'it'\\''s'");
        assert_eq!(shell_word(""), "''");
        assert_eq!(shell_word("$(rm -rf ~)"), "'$(rm -rf ~)'");
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(escape_controls("plain name"), "plain name");
        assert_eq!(escape_controls("a\nb\tc"), "a\\nb\\tc");
        assert_eq!(escape_controls("\u{1b}[31mred"), "\\u{1b}[31mred");
    }

    #[test]
    fn echoed_values_are_cut_to_a_prefix() {
        let long = "x".repeat(100);
        let echoed = shown(&long);
        assert_eq!(echoed.chars().count(), MAX_ECHOED_CHARS + 1);
        assert!(echoed.ends_with('…'));
        assert_eq!(shown("fly"), "fly");
        assert_eq!(shown("é".repeat(41).as_str()).chars().count(), 41);
    }
}
