//! The case loop: departments, grids, intake, the moves of a case, and the rates.

pub mod departments;
