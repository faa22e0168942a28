//! The Handlebars helpers templates may use, registered in one place.
//!
//! Each is small, documented and tested here. Output is never HTML-escaped
//! (the registry uses `no_escape`), so helpers that write HCL do their own
//! quoting.

use handlebars::{
    Context, Handlebars, Helper, HelperDef, HelperResult, Output, RenderContext, RenderError,
    RenderErrorReason,
};
use serde_json::Value;

/// Registers every helper on `registry`.
pub(crate) fn register(registry: &mut Handlebars<'_>) {
    let helpers: [(&'static str, WriteText); 3] = [
        ("hcl_string", |text| Ok(hcl_string(text))),
        ("hcl_number", |text| {
            hcl_number(text).map(str::to_owned).ok_or("a number")
        }),
        ("hcl_comment", |text| Ok(hcl_comment(text))),
    ];
    for (name, write) in helpers {
        registry.register_helper(name, Box::new(TextHelper { name, write }));
    }
}

/// `{{hcl_string value}}`: a quoted HCL string literal. Escapes `\`, `"`,
/// newlines and tabs, and the template sequences `${` and `%{`, so a value can
/// never inject an expression.
pub(crate) fn hcl_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    let mut chars = text.chars().peekable();
    while let Some(character) = chars.next() {
        match character {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(character);
                out.push(character);
            }
            other if other.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(other))),
            other => out.push(other),
        }
    }
    out.push('"');
    out
}

/// `{{hcl_number value}}`: a number, written as is; anything that is not a
/// plain decimal number is an error, so a value can never become an expression.
pub(crate) fn hcl_number(text: &str) -> Option<&str> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
    let is_digits = |part: &str| !part.is_empty() && part.bytes().all(|byte| byte.is_ascii_digit());
    (is_digits(whole) && is_digits(fraction)).then_some(text)
}

/// `{{hcl_comment value}}`: text for the rest of a `#` comment line, with
/// control characters (a newline would end the comment) shown escaped.
pub(crate) fn hcl_comment(text: &str) -> String {
    crate::printable::escape_controls(text).into_owned()
}

/// The helper's one parameter as text: strings as they are, numbers and
/// booleans as JSON writes them.
fn param_text(helper: &Helper<'_>, name: &'static str) -> Result<String, RenderError> {
    let value = helper
        .param(0)
        .ok_or(RenderErrorReason::ParamNotFoundForIndex(name, 0))?
        .value();
    match value {
        Value::String(text) => Ok(text.clone()),
        Value::Number(number) => Ok(number.to_string()),
        Value::Bool(flag) => Ok(flag.to_string()),
        _ => Err(RenderErrorReason::InvalidParamType("a string, number or boolean").into()),
    }
}

/// What a helper writes for its parameter's text, or the kind of value it wanted.
type WriteText = fn(&str) -> Result<String, &'static str>;

/// A helper that writes what `write` makes of its one parameter's text.
struct TextHelper {
    name: &'static str,
    write: WriteText,
}

impl HelperDef for TextHelper {
    fn call<'reg: 'rc, 'rc>(
        &self,
        helper: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        _: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        let text = param_text(helper, self.name)?;
        let written = (self.write)(&text).map_err(RenderErrorReason::InvalidParamType)?;
        out.write(&written)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strings_are_quoted_and_escaped() {
        assert_eq!(hcl_string("plain"), "\"plain\"");
        assert_eq!(hcl_string("say \"hi\"\\n"), "\"say \\\"hi\\\"\\\\n\"");
        assert_eq!(hcl_string("line\nbreak"), "\"line\\nbreak\"");
    }

    #[test]
    fn template_sequences_cannot_inject_expressions() {
        assert_eq!(hcl_string("${var.secret}"), "\"$${var.secret}\"");
        assert_eq!(hcl_string("%{ if true }"), "\"%%{ if true }\"");
        assert_eq!(hcl_string("cost $5 or 10%"), "\"cost $5 or 10%\"");
    }

    #[test]
    fn control_characters_cannot_break_out_of_a_string() {
        assert_eq!(hcl_string("a\u{1b}b"), "\"a\\u001bb\"");
    }

    #[test]
    fn numbers_are_plain_decimals_only() {
        assert_eq!(hcl_number("30"), Some("30"));
        assert_eq!(hcl_number("0.25"), Some("0.25"));
        assert_eq!(hcl_number("-1"), Some("-1"));
        for bad in ["", "1e5", "1.", ".5", "1 + var.x", "1\n#"] {
            assert_eq!(hcl_number(bad), None, "{bad}");
        }
    }

    #[test]
    fn comments_stay_on_their_line() {
        assert_eq!(hcl_comment("Growing"), "Growing");
        assert_eq!(hcl_comment("us-east-1\nresource"), "us-east-1\\nresource");
    }

    fn render(template: &str, data: &Value) -> Result<String, handlebars::RenderError> {
        let mut registry = Handlebars::new();
        registry.set_strict_mode(true);
        registry.register_escape_fn(handlebars::no_escape);
        register(&mut registry);
        registry.render_template(template, data)
    }

    #[test]
    fn helpers_render_through_the_registry() {
        let data = json!({"name": "my-app", "zones": ["us-east-1a"], "count": 3, "size": "20"});
        assert_eq!(
            render(
                "name = {{hcl_string name}}\nn = {{hcl_number count}}\ns = {{hcl_number size}}\n# {{hcl_comment name}}",
                &data
            )
            .unwrap(),
            "name = \"my-app\"\nn = 3\ns = 20\n# my-app"
        );
    }

    #[test]
    fn helpers_refuse_the_wrong_type() {
        assert!(render("{{hcl_number name}}", &json!({"name": "x"})).is_err());
        assert!(render("{{hcl_string zones}}", &json!({"zones": []})).is_err());
    }
}
