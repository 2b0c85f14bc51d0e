//! Pure rules of jiceng: validated values and the invariants of the org tree and member files.
//! Nothing here does I/O; every front door reaches these rules through the operations layer.

#[macro_use]
pub mod msg;
#[macro_use]
mod labels;

pub mod access;
pub mod assessment;
pub mod audit_chain;
pub mod cases;
pub mod clock;
pub mod cobuilding;
pub mod division;
pub mod error;
pub mod evaluation;
pub mod grid;
pub mod id_number;
pub mod member;
pub mod org;
pub mod orglife;
pub mod path;
pub mod phone;
pub mod points;
pub mod repair;
pub mod service;
pub mod stints;
pub mod text;
pub mod unit;
pub mod wish;

pub use access::Role;
pub use division::{Division, DivisionCode, DivisionLevel, TownshipKind};
pub use error::Invalid;
pub use id_number::IdNumber;
pub use member::{Categories, Category, Education, Ethnicity, Gender, MemberStatus};
pub use msg::{Label, Labels, Lang, Msg};
pub use org::{OrgCategory, OrgCode, OrgLevel};
pub use path::OrgPath;
pub use phone::Phone;
pub use unit::UnitCategory;

/// Every label the UI may show: fields and the values of every enumeration.
pub fn all_labels() -> Vec<&'static str> {
    let mut all: Vec<&'static str> = error::FIELD_LABELS.iter().map(|(_, l)| *l).collect();
    all.push("字段");
    for set in [
        Role::LABELS,
        OrgLevel::LABELS,
        OrgCategory::LABELS,
        org::CommitteePosition::LABELS,
        UnitCategory::LABELS,
        Gender::LABELS,
        MemberStatus::LABELS,
        Category::LABELS,
        Education::LABELS,
        orglife::MeetingKind::LABELS,
        orglife::MeetingStatus::LABELS,
        orglife::Frequency::LABELS,
        points::SchemeKind::LABELS,
        points::SchemePeriod::LABELS,
        points::Source::LABELS,
        evaluation::Subject::LABELS,
        cases::CaseStatus::LABELS,
        cases::Channel::LABELS,
        cases::Routing::LABELS,
        cases::Urgency::LABELS,
        cases::Supervision::LABELS,
        cases::Satisfaction::LABELS,
        cases::LimitUnit::LABELS,
        cases::Action::LABELS,
        grid::TeamRole::LABELS,
        evaluation::Grade::LABELS,
    ] {
        all.extend_from_slice(set);
    }
    all
}
