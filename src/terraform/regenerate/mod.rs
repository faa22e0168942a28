//! Writing a generated folder safely: one writer at a time, a manifest of
//! what was written, three-way merges of the user's edits, atomic writes.

pub(crate) mod lock;
pub(crate) mod merge;
pub(crate) mod reconcile;
pub(crate) mod write;
