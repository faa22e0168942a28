//! infraplan: plan, price and generate the infrastructure a SaaS needs at each
//! growth stage of the CoodLoom infrastructure roadmap.
//!
//! Layers, each importing only those before it (a test keeps it so):
//! [`model`] computes without I/O or sentences; [`catalog`] reads and
//! validates the data files into model types; [`report`] words the model's
//! values as tables, Markdown, CSV and JSON; `terraform` renders, writes
//! and safely regenerates Terraform; [`app`] parses the command line and runs
//! each command. `error`, `input` and `printable` are shared by the layers
//! above the model. Only `main.rs` touches the process.
//!
//! The library's API is deliberate and small: [`run`] a parsed
//! [`app::cli::Cli`] into an [`Outcome`]; [`load_data`] and the pure
//! [`model`] to price scenarios in code; [`catalog`] to read data files;
//! [`error`] for what can fail and its exit codes; the output formats in
//! [`report`]. Rendering, writing and the report views are the crate's own
//! (`pub(crate)`), so the compiler sees their dead code and no test hook is
//! public.

pub mod app;
pub mod catalog;
pub mod error;
pub(crate) mod input;
pub mod model;
pub(crate) mod printable;
pub mod report;
pub(crate) mod terraform;

pub use app::{Outcome, load_data, run, scenario_from};
pub use input::MAX_INPUT_BYTES;
