//! Renders a stage variant's Terraform from Handlebars templates.
//!
//! One strict registry (a missing value is an error, not an empty string),
//! HTML escaping off, every template and partial registered up front.
//! Built-in templates are embedded ([`crate::catalog::embedded::TEMPLATES`]);
//! `--templates DIR` replaces them file by file (`DIR/aws/network.tf.hbs`).
//! A variant renders every template in the folder named after it
//! (`templates/heroku/`) and in the folders it shares with other variants
//! ([`SHARED_FOLDERS`]: `templates/paas/` for Heroku and Render), its own
//! file winning over a shared one of the same name; `templates/partials/`
//! holds pieces any template includes.

pub(crate) mod context;
pub(crate) mod generate;
pub(crate) mod helpers;
pub(crate) mod regenerate;
pub(crate) mod report;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use handlebars::Handlebars;
use indexmap::IndexMap;

use crate::error::{Error, Problem};
use crate::model::stage::Stages;
use context::TemplateContext;

const PARTIALS: &str = "partials/";
const SUFFIX: &str = ".hbs";

/// A template file: its path under `templates/` and its text.
#[derive(Debug, Clone)]
pub(crate) struct TemplateFile {
    /// `aws/network.tf.hbs`.
    pub path: String,
    /// What messages call it.
    pub label: String,
    /// The template.
    pub text: String,
}

/// A rendered file: its name in the output folder and its contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RenderedFile {
    /// `network.tf`.
    pub name: String,
    /// The contents, LF line endings, one final newline.
    pub contents: String,
}

/// Built-in templates layered with a user folder.
pub(crate) fn load_templates(
    builtin: &[(&str, &str)],
    override_dir: Option<&Path>,
) -> Result<Vec<TemplateFile>, Error> {
    let mut files: IndexMap<String, TemplateFile> = builtin
        .iter()
        .map(|(path, text)| {
            let file = TemplateFile {
                path: (*path).to_owned(),
                label: format!("templates/{path}"),
                text: (*text).to_owned(),
            };
            ((*path).to_owned(), file)
        })
        .collect();
    if let Some(dir) = override_dir {
        for path in template_paths(dir, dir)? {
            let relative = path
                .strip_prefix(dir)
                .map(|relative| relative.to_string_lossy().replace('\\', "/"))
                .unwrap_or_default();
            let text = crate::input::read_text(&path).map_err(|source| Error::NoInput {
                flag: "--templates".to_owned(),
                path: path.clone(),
                reason: source.to_string(),
            })?;
            let label = path.display().to_string();
            files.insert(
                relative.clone(),
                TemplateFile {
                    path: relative,
                    label,
                    text,
                },
            );
        }
    }
    files.sort_keys();
    Ok(files.into_values().collect())
}

fn template_paths(root: &Path, dir: &Path) -> Result<Vec<std::path::PathBuf>, Error> {
    let unreadable = |reason: String| Error::NoInput {
        flag: "--templates".to_owned(),
        path: root.to_owned(),
        reason,
    };
    let mut paths = Vec::new();
    for entry in fs::read_dir(dir).map_err(|source| unreadable(source.to_string()))? {
        let path = entry
            .map_err(|source| unreadable(source.to_string()))?
            .path();
        if path.is_dir() {
            paths.extend(template_paths(root, &path)?);
        } else if path.to_string_lossy().ends_with(SUFFIX) {
            paths.push(path);
        }
    }
    Ok(paths)
}

/// Template folders a variant renders besides its own, after it.
const SHARED_FOLDERS: &[(&str, &[&str])] = &[("heroku", &["paas"]), ("render", &["paas"])];

/// The folders whose templates `variant` renders, its own first.
fn folders_of(variant: &str) -> Vec<&str> {
    let shared = SHARED_FOLDERS
        .iter()
        .filter(|(name, _)| *name == variant)
        .flat_map(|(_, folders)| folders.iter().copied());
    std::iter::once(variant).chain(shared).collect()
}

/// Generated files that exist only when the plan has a component: a
/// variant's file name and the component's id.
const FILES_FOR_COMPONENTS: &[(&str, &str)] = &[("cdn.tf", "cdn")];

/// The component ids `text` names as `components.ID`.
fn component_names(text: &str) -> Vec<&str> {
    text.match_indices("components.")
        .map(|(start, found)| {
            let rest = &text[start + found.len()..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            &rest[..end]
        })
        .filter(|name| !name.is_empty())
        .collect()
}

/// Every `components.ID` a template names must be a component of its
/// variant in some stage (a partial's, of any variant): a typo would
/// otherwise read as a missing component and silently drop Terraform.
pub(crate) fn check_component_names(
    templates: &[TemplateFile],
    stages: &Stages,
) -> Result<(), Error> {
    let mut known: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for stage in stages.all() {
        for (variant, spec) in &stage.variants {
            let ids = known.entry(variant.as_str()).or_default();
            ids.extend(
                spec.components
                    .iter()
                    .map(|component| component.id.as_str()),
            );
        }
    }
    let everywhere: BTreeSet<&str> = known.values().flatten().copied().collect();
    for template in templates {
        // A folder's templates may name the components of every variant
        // that renders it; partials, those of any variant.
        let ids: BTreeSet<&str> = match template.path.split_once('/') {
            Some((folder, _)) if folder != PARTIALS.trim_end_matches('/') => known
                .iter()
                .filter(|(variant, _)| folders_of(variant).contains(&folder))
                .flat_map(|(_, ids)| ids.iter().copied())
                .collect(),
            _ => everywhere.clone(),
        };
        for name in component_names(&template.text) {
            if !ids.contains(name) {
                return Err(Error::data(
                    &template.label,
                    format!("components.{name}"),
                    Problem::UnknownComponent {
                        name: name.to_owned(),
                        known: ids.iter().map(|id| (*id).to_owned()).collect(),
                    },
                ));
            }
        }
    }
    Ok(())
}

/// The templates `variant` can render: its folders' and the partials. Only
/// these are parsed: parsing is most of what generating costs.
pub(crate) fn templates_for(templates: Vec<TemplateFile>, variant: &str) -> Vec<TemplateFile> {
    let folders = folders_of(variant);
    templates
        .into_iter()
        .filter(|template| {
            template.path.starts_with(PARTIALS)
                || template
                    .path
                    .split_once('/')
                    .is_some_and(|(folder, _)| folders.contains(&folder))
        })
        .collect()
}

/// The registry with every template and partial parsed.
pub(crate) struct Renderer {
    registry: Handlebars<'static>,
    templates: Vec<TemplateFile>,
}

impl Renderer {
    /// Parses every template; a syntax error names the file.
    pub(crate) fn new(templates: Vec<TemplateFile>) -> Result<Renderer, Error> {
        let mut registry = Handlebars::new();
        registry.set_strict_mode(true);
        registry.register_escape_fn(handlebars::no_escape);
        helpers::register(&mut registry);
        for template in &templates {
            let parsed = match template.path.strip_prefix(PARTIALS) {
                Some(partial) => {
                    let name = partial.trim_end_matches(SUFFIX);
                    registry.register_partial(name, &template.text)
                }
                None => registry.register_template_string(&template.path, &template.text),
            };
            parsed.map_err(|error| {
                Error::data(
                    &template.label,
                    "",
                    Problem::NotATemplate(error.to_string()),
                )
            })?;
        }
        Ok(Renderer {
            registry,
            templates,
        })
    }

    /// Renders the templates of `variant`'s folder, in name order, that the
    /// plan calls for: every one, except those [`FILES_FOR_COMPONENTS`] ties
    /// to a component the plan lacks. A template that renders to nothing is
    /// an error: which files exist is decided here, not by whitespace.
    pub(crate) fn render_variant(
        &self,
        variant: &str,
        context: &TemplateContext,
    ) -> Result<Vec<RenderedFile>, Error> {
        // Each file name once: from the variant's own folder if it has it,
        // else from the first shared folder that does.
        let mut chosen: BTreeMap<String, &TemplateFile> = BTreeMap::new();
        for folder in folders_of(variant) {
            let prefix = format!("{folder}/");
            for template in &self.templates {
                if let Some(name) = template.path.strip_prefix(&prefix) {
                    chosen
                        .entry(name.trim_end_matches(SUFFIX).to_owned())
                        .or_insert(template);
                }
            }
        }
        let mut rendered = Vec::new();
        for (name, template) in chosen {
            let needed = FILES_FOR_COMPONENTS
                .iter()
                .filter(|(file, _)| *file == name)
                .all(|(_, component)| context.has_component(component));
            if !needed {
                continue;
            }
            let text = self
                .registry
                .render(&template.path, context)
                .map_err(|error| {
                    Error::data(
                        &template.label,
                        "",
                        Problem::CannotRender(error.to_string()),
                    )
                })?;
            let contents = normalize(&text);
            if contents.trim().is_empty() {
                return Err(Error::data(&template.label, "", Problem::RendersToNothing));
            }
            rendered.push(RenderedFile { name, contents });
        }
        if rendered.is_empty() {
            return Err(Error::data(
                "templates",
                variant,
                Problem::NoTemplates(variant.to_owned()),
            ));
        }
        Ok(rendered)
    }
}

/// LF line endings, no trailing spaces, no runs of blank lines, one final newline.
fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = 0;
    for line in text.replace("\r\n", "\n").lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank_run += 1;
            if blank_run > 1 || out.is_empty() {
                continue;
            }
        } else {
            blank_run = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn component_names_are_found_in_expressions() {
        assert_eq!(
            component_names("{{#if components.cdn}}x{{components.web.instances}} components."),
            ["cdn", "web"]
        );
    }

    #[test]
    fn output_is_normalized() {
        assert_eq!(
            normalize("\n\na = 1  \r\n\n\n\nb = 2\n\n"),
            "a = 1\n\nb = 2\n"
        );
    }
}
