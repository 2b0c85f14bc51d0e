//! The case loop: departments, grids and what lies in them, intake, the moves of a case, and the rates.

pub mod departments;
pub mod disclosure;
pub mod escalation;
pub mod grids;
pub mod intake;
pub mod moves;
pub mod patrols;
pub mod places;
pub mod policy;
pub mod rates;
pub mod settings;
pub mod stats;
pub mod views;
