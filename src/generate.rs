//! `infraplan generate`: the plan's Terraform, rendered and written.

use std::fs;
use std::path::{Path, PathBuf};

use crate::data::roadmap::Roadmap;
use crate::error::Error;
use crate::plan::Plan;
use crate::render::context::{Naming, TemplateContext};
use crate::render::{RenderedFile, Renderer};

/// Longest app name: AWS load balancer and target group names (32 characters)
/// carry a 4-character suffix.
const MAX_NAME: usize = 28;

/// Checks `--name`: what Heroku app names and AWS resource names both accept.
pub fn check_app_name(name: &str) -> Result<(), Error> {
    let valid = (3..=MAX_NAME).contains(&name.len())
        && name.starts_with(|character: char| character.is_ascii_lowercase())
        && !name.ends_with('-')
        && !name.contains("--")
        && name.chars().all(|character| {
            character.is_ascii_lowercase() || character.is_ascii_digit() || character == '-'
        });
    if valid {
        Ok(())
    } else {
        Err(Error::usage(
            "--name",
            format!(
                "\"{name}\" is not a name Heroku and AWS both accept; use 3–{MAX_NAME} lowercase letters, digits and single hyphens, starting with a letter"
            ),
        ))
    }
}

/// Checks `--domain`: a DNS name with at least two labels, such as `app.example.com`.
pub fn check_domain(domain: &str) -> Result<(), Error> {
    let labels: Vec<&str> = domain.split('.').collect();
    let label_ok = |label: &&str| {
        (1..=63).contains(&label.len())
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|character| {
                character.is_ascii_lowercase() || character.is_ascii_digit() || character == '-'
            })
    };
    let top_level_ok = labels.last().is_some_and(|top| {
        top.len() >= 2 && top.chars().all(|character| character.is_ascii_lowercase())
    });
    if domain.len() <= 253 && labels.len() >= 2 && labels.iter().all(label_ok) && top_level_ok {
        Ok(())
    } else {
        Err(Error::usage(
            "--domain",
            format!(
                "\"{domain}\" is not a domain name; give one like app.example.com, in lowercase"
            ),
        ))
    }
}

/// Checks `--region` against the regions the catalog has prices for.
pub fn check_region(region: &str, priced: &[&str]) -> Result<(), Error> {
    if priced.contains(&region) {
        Ok(())
    } else {
        Err(Error::usage(
            "--region",
            format!(
                "no prices for \"{region}\"; the catalog prices {}; add a price file for it with --prices",
                priced.join(", ")
            ),
        ))
    }
}

/// Renders the plan's variant.
pub fn render_plan(
    renderer: &Renderer,
    plan: &Plan<'_>,
    roadmap: &Roadmap,
    naming: &Naming,
) -> Result<Vec<RenderedFile>, Error> {
    let context = TemplateContext::new(plan, roadmap, naming);
    renderer.render_variant(plan.selection.variant_name, &context)
}

/// Writes `files` into a new folder `out`, all or nothing: they are written to
/// a temporary folder beside `out` and moved into place with one rename.
pub fn write_new_folder(out: &Path, files: &[RenderedFile]) -> Result<(), Error> {
    let cannot = |reason: String| Error::CannotCreate {
        flag: "--out".to_owned(),
        path: out.to_owned(),
        reason,
    };
    if out.exists() {
        let empty = fs::read_dir(out)
            .map_err(|source| cannot(format!("cannot read it: {source}")))?
            .next()
            .is_none();
        if !empty {
            return Err(cannot(
                "exists and is not empty; give a new or empty folder".to_owned(),
            ));
        }
    }
    let staging = staging_path(out);
    let result = write_files(&staging, files).and_then(|()| {
        if out.exists() {
            fs::remove_dir(out)?;
        }
        fs::rename(&staging, out)
    });
    result.map_err(|source| {
        let _ = fs::remove_dir_all(&staging);
        cannot(format!("cannot write it: {source}"))
    })
}

/// A hidden folder beside `out`, so the final rename stays on one file system.
fn staging_path(out: &Path) -> PathBuf {
    let name = out
        .file_name()
        .map_or_else(|| "out".into(), |name| name.to_string_lossy().into_owned());
    out.with_file_name(format!(".{name}.infraplan-{}", std::process::id()))
}

fn write_files(dir: &Path, files: &[RenderedFile]) -> std::io::Result<()> {
    fs::create_dir(dir)?;
    for file in files {
        fs::write(dir.join(&file.name), &file.contents)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_names_follow_heroku_and_aws_rules() {
        for good in ["app", "acme-saas", "a1b2c3", "abcdefghijklmnopqrstuvwxyz12"] {
            assert!(check_app_name(good).is_ok(), "{good}");
        }
        for bad in [
            "ab",
            "Acme",
            "1app",
            "app-",
            "my--app",
            "my_app",
            "abcdefghijklmnopqrstuvwxyz123",
        ] {
            assert!(check_app_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn domains_need_two_valid_labels() {
        for good in ["example.com", "app.example.co.uk", "a-b.example.io"] {
            assert!(check_domain(good).is_ok(), "{good}");
        }
        for bad in [
            "localhost",
            "Example.com",
            "-a.example.com",
            "a..com",
            "example.c0m",
            "http://x.com",
        ] {
            assert!(check_domain(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn regions_must_be_priced() {
        assert!(check_region("us-east-1", &["us-east-1"]).is_ok());
        let error = check_region("eu-west-1", &["us-east-1"]).unwrap_err();
        assert_eq!(
            error.to_string(),
            "--region: no prices for \"eu-west-1\"; the catalog prices us-east-1; add a price file for it with --prices"
        );
    }
}
