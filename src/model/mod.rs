//! The pure domain: money, stage and price specifications, stage selection,
//! costing, plans, moves between plans, comparisons and projections. No I/O
//! and no sentences: every function computes typed values, and the report
//! layer words them. Imports nothing from the layers above.

pub mod audit;
pub mod checklist;
pub mod compare;
pub mod cost;
pub mod diff;
pub mod economics;
pub mod exact;
pub mod histogram;
pub mod limits;
pub mod money;
pub mod plan;
pub mod prices;
pub mod projection;
pub mod roadmap;
pub mod select;
pub mod sensitivity;
pub mod simulation;
pub mod stage;
pub mod usage;
