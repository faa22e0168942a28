//! The built-in data files, embedded in the binary: one table per folder,
//! written by `build.rs` from what the folders hold.

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
