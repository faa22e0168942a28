//! The built-in data files, embedded in the binary: one table per folder.
//!
//! A test (`tests/integration/data.rs`) checks that each table lists exactly
//! the files in its folder, so a new file cannot be forgotten here.

/// `stages/*.json`, by file name.
pub const STAGES: &[(&str, &str)] = &[
    (
        "01-solo-founder.json",
        include_str!("../../stages/01-solo-founder.json"),
    ),
    (
        "02-small-team.json",
        include_str!("../../stages/02-small-team.json"),
    ),
    (
        "03-growing.json",
        include_str!("../../stages/03-growing.json"),
    ),
];

/// `prices/*.json`, by file name.
pub const PRICES: &[(&str, &str)] = &[
    ("aws.json", include_str!("../../prices/aws.json")),
    (
        "cloudflare.json",
        include_str!("../../prices/cloudflare.json"),
    ),
    ("heroku.json", include_str!("../../prices/heroku.json")),
    ("render.json", include_str!("../../prices/render.json")),
    ("sendgrid.json", include_str!("../../prices/sendgrid.json")),
];
