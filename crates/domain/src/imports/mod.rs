//! Importing spreadsheets as people keep them: repairing cells ([`cells`]) and finding which
//! row holds the headers and which column is which field ([`columns`]).

mod cells;
pub mod columns;

pub use cells::{Cell, date, id_number, normalize, text};
pub use columns::{Column, Header, Kind};
