//! The Handlebars helpers templates may use, registered in one place.
//!
//! Each is small, documented and tested here. Output is never HTML-escaped
//! (the registry uses `no_escape`), so helpers that write HCL do their own
//! quoting.

use handlebars::{
    Context, Handlebars, Helper, HelperResult, Output, RenderContext, RenderErrorReason,
};
use serde_json::Value;

/// Registers every helper on `registry`.
pub fn register(registry: &mut Handlebars<'_>) {
    registry.register_helper("hcl_string", Box::new(hcl_string_helper));
    registry.register_helper("hcl_list", Box::new(hcl_list_helper));
}

/// `{{hcl_string value}}`: a quoted HCL string literal. Escapes `\`, `"`,
/// newlines and tabs, and the template sequences `${` and `%{`, so a value can
/// never inject an expression.
pub fn hcl_string(text: &str) -> String {
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
            other => out.push(other),
        }
    }
    out.push('"');
    out
}

/// `{{hcl_list values}}`: a one-line HCL list of quoted strings, `["a", "b"]`.
pub fn hcl_list(values: &[String]) -> String {
    let items: Vec<String> = values.iter().map(|value| hcl_string(value)).collect();
    format!("[{}]", items.join(", "))
}

fn hcl_string_helper(
    helper: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let value = helper
        .param(0)
        .ok_or(RenderErrorReason::ParamNotFoundForIndex("hcl_string", 0))?
        .value();
    let text = match value {
        Value::String(text) => text.clone(),
        Value::Number(number) => number.to_string(),
        Value::Bool(flag) => flag.to_string(),
        _ => {
            return Err(RenderErrorReason::InvalidParamType("a string, number or boolean").into());
        }
    };
    out.write(&hcl_string(&text))?;
    Ok(())
}

fn hcl_list_helper(
    helper: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let value = helper
        .param(0)
        .ok_or(RenderErrorReason::ParamNotFoundForIndex("hcl_list", 0))?
        .value();
    let Value::Array(items) = value else {
        return Err(RenderErrorReason::InvalidParamType("a list of strings").into());
    };
    let strings = items
        .iter()
        .map(|item| item.as_str().map(str::to_owned))
        .collect::<Option<Vec<String>>>()
        .ok_or(RenderErrorReason::InvalidParamType("a list of strings"))?;
    out.write(&hcl_list(&strings))?;
    Ok(())
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
    fn lists_are_one_line() {
        let values = vec!["a".to_owned(), "b\"c".to_owned()];
        assert_eq!(hcl_list(&values), "[\"a\", \"b\\\"c\"]");
        assert_eq!(hcl_list(&[]), "[]");
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
        let data = json!({"name": "my-app", "zones": ["us-east-1a", "us-east-1b"], "count": 3});
        assert_eq!(
            render(
                "name = {{hcl_string name}}\nzones = {{hcl_list zones}}\nn = {{hcl_string count}}",
                &data
            )
            .unwrap(),
            "name = \"my-app\"\nzones = [\"us-east-1a\", \"us-east-1b\"]\nn = \"3\""
        );
    }

    #[test]
    fn helpers_refuse_the_wrong_type() {
        assert!(render("{{hcl_list name}}", &json!({"name": "x"})).is_err());
        assert!(render("{{hcl_string zones}}", &json!({"zones": []})).is_err());
    }
}
