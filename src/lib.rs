//! infraplan: plan, price and generate the infrastructure a SaaS needs at each
//! growth stage of the CoodLoom infrastructure roadmap.
//!
//! Layers, each importing only those before it (a test keeps it so):
//! [`model`] computes without I/O or sentences; [`catalog`] reads and
//! validates the data files into model types; [`report`] words the model's
//! values as tables, Markdown, CSV and JSON; [`terraform`] renders, writes
//! and safely regenerates Terraform; [`app`] parses the command line and runs
//! each command. `error`, `input` and `printable` are shared by the layers
//! above the model. Only `main.rs` touches the process.

pub mod app;
pub mod catalog;
pub mod error;
pub mod input;
pub mod model;
pub mod printable;
pub mod report;
pub mod terraform;

pub use app::{Outcome, load_data, run, scenario_from};
