//! The one integration-test binary: runs the real `infraplan` and the library
//! on the built-in data. One module per feature.
#![allow(missing_docs)] // test functions document themselves by name
#![allow(clippy::print_stderr)] // a check skipped for a missing tool says so

mod architecture;
mod audit;
mod checklist;
mod cloudflare;
mod completions;
mod concurrency;
mod data;
mod errors;
mod generate;
mod html;
mod moves;
mod plan;
mod properties;
mod regenerate;
mod scenarios;
mod schemas;
mod shared;
mod simulation;
mod support;
mod terraform;
mod widths;
mod workflows;
