//! The case loop: departments, intake, the moves of a case (one
//! file per move or small group of moves, sharing `moves.rs`), and the rates.

mod closing;
pub mod departments;
pub mod disclosure;
mod dispatch;
pub mod escalation;
mod extension;
mod handling;
pub mod intake;
pub mod moves;
pub mod photos;
pub mod policy;
mod public;
pub mod rates;
mod rating;
mod register;
pub mod settings;
pub mod stats;
pub mod views;
