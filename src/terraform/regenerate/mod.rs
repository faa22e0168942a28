//! Writing a generated folder safely: one writer at a time, a manifest of
//! what was written, three-way merges of the user's edits, atomic writes.

pub mod lock;
pub mod merge;
pub mod reconcile;
pub mod write;
