//! Every public data loader on arbitrary text: stage, price, usage,
//! scenarios, months and audit files. The first byte picks the loader; the
//! rest is the file. Loaders may refuse anything; they must never panic.

#![no_main]

use infraplan::model::prices::Catalog;
use infraplan::model::stage::Stages;
use infraplan::catalog::{SourceFile, embedded, scenarios};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn file(label: &str, text: &str) -> SourceFile {
    SourceFile::user(label.to_owned(), text.to_owned())
}

/// The built-in files of a folder, with `replace` in place of the one at `index`.
fn layered(builtin: &[(&str, &str)], index: usize, replace: &str) -> Vec<SourceFile> {
    builtin
        .iter()
        .enumerate()
        .map(|(position, (name, text))| {
            file(
                name,
                if position == index % builtin.len() {
                    replace
                } else {
                    text
                },
            )
        })
        .collect()
}

fuzz_target!(|input: &[u8]| {
    let Some((&choice, rest)) = input.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    static BUILTIN: OnceLock<(Catalog, Stages)> = OnceLock::new();
    let (catalog, stages) = BUILTIN.get_or_init(|| {
        let catalog = infraplan::catalog::prices::load(&layered(embedded::PRICES, 0, embedded::PRICES[0].1))
            .expect("the built-in prices load");
        let stages = infraplan::catalog::stages::load(
            &layered(embedded::STAGES, 0, embedded::STAGES[0].1),
            &catalog,
        )
        .expect("the built-in stages load");
        (catalog, stages)
    });
    match choice % 7 {
        0 | 1 => {
            let files = layered(embedded::STAGES, usize::from(choice / 7), text);
            let _ = infraplan::catalog::stages::load(&files, catalog);
        }
        2 => {
            let files = layered(embedded::PRICES, usize::from(choice / 7), text);
            if let Ok(catalog) = infraplan::catalog::prices::load(&files) {
                let stage_files = layered(embedded::STAGES, 0, embedded::STAGES[0].1);
                let _ = infraplan::catalog::stages::load(&stage_files, &catalog);
            }
        }
        3 => {
            let _ = infraplan::catalog::usage::load(&file("usage.json", text), stages);
        }
        4 => {
            if let Ok(specs) = scenarios::load(&file("scenarios.json", text)) {
                let platforms = ["heroku", "render", "aws"];
                for spec in specs {
                    let _ = spec.to_scenario(stages, &platforms);
                }
            }
        }
        5 => {
            let _ = scenarios::load_months(&file("months.json", text));
        }
        _ => {
            let _ = infraplan::catalog::audit::load(&file("audit.json", text));
        }
    }
});
