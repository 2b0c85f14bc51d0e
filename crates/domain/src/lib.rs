//! Pure rules of jiceng: validated values and the invariants of the org tree and member files.
//! Nothing here does I/O; every front door reaches these rules through the operations layer.

#[macro_use]
mod labels;

pub mod access;
pub mod audit_chain;
pub mod division;
pub mod error;
pub mod id_number;
pub mod member;
pub mod org;
pub mod path;
pub mod phone;
pub mod repair;
pub mod text;
pub mod unit;

pub use access::Role;
pub use division::{Division, DivisionCode, DivisionLevel, TownshipKind};
pub use error::Invalid;
pub use id_number::IdNumber;
pub use member::{Categories, Category, Education, Ethnicity, Gender, MemberStatus};
pub use org::{OrgCategory, OrgCode, OrgLevel};
pub use path::OrgPath;
pub use phone::Phone;
pub use unit::UnitCategory;
