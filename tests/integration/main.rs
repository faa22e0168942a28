//! The one integration-test binary: runs the real `infraplan` and the library
#![allow(missing_docs)] // test functions document themselves by name
//! on the built-in data. One module per feature.

mod data;
mod errors;
mod plan;
mod support;
