//! The case loop: departments, grids and what lies in them, intake, the moves of a case (one
//! file per move or small group of moves, sharing `moves.rs`), and the rates.

mod closing;
pub mod departments;
pub mod disclosure;
mod dispatch;
pub mod escalation;
mod extension;
pub mod grids;
mod handling;
pub mod intake;
pub mod moves;
pub mod patrols;
pub mod places;
pub mod policy;
pub mod rates;
mod register;
pub mod settings;
pub mod stats;
pub mod views;
