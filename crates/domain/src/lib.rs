//! Pure rules of jiceng: validated values and the invariants of the org tree and member files.
//! Nothing here does I/O; every front door reaches these rules through the operations layer.

#[macro_use]
pub mod msg;
#[macro_use]
mod labels;

pub mod accounts;
pub mod activities;
pub mod assessment;
pub mod audit;
pub mod bookings;
pub mod cases;
pub mod circle;
pub mod clock;
pub mod cobuilding;
pub mod datum;
pub mod division;
pub mod errands;
pub mod error;
pub mod evaluations;
pub mod grids;
pub mod id_number;
pub mod imports;
pub mod keyset;
pub mod matching;
pub mod members;
pub mod needs;
pub mod orglife;
pub mod orgs;
pub mod passwords;
pub mod path;
pub mod phone;
pub mod points;
pub mod positions;
pub mod problems;
pub mod projects;
pub mod residents;
pub mod resources;
pub mod service;
pub mod stints;
pub mod text;
pub mod throttle;
pub mod totp;
pub mod units;
pub mod wishes;
pub mod words;

pub use accounts::Role;
pub use division::{Division, DivisionCode, DivisionLevel, TownshipKind};
pub use error::Invalid;
pub use id_number::IdNumber;
pub use members::{Categories, Category, Education, Ethnicity, Gender, MemberStatus};
pub use msg::{Label, Labels, Lang, Msg};
pub use orgs::{OrgCategory, OrgCode, OrgLevel};
pub use path::OrgPath;
pub use phone::Phone;
pub use units::UnitCategory;

/// Every label the UI may show: fields and the values of every enumeration.
pub fn all_labels() -> Vec<&'static str> {
    let mut all: Vec<&'static str> = error::FIELD_LABELS.iter().map(|(_, l)| *l).collect();
    all.push("字段");
    for set in [
        Role::LABELS,
        accounts::Duty::LABELS,
        OrgLevel::LABELS,
        OrgCategory::LABELS,
        orgs::CommitteePosition::LABELS,
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
        evaluations::Subject::LABELS,
        cases::CaseStatus::LABELS,
        cases::Channel::LABELS,
        cases::Routing::LABELS,
        cases::Urgency::LABELS,
        cases::Supervision::LABELS,
        cases::Satisfaction::LABELS,
        cases::LimitUnit::LABELS,
        cases::Action::LABELS,
        grids::TeamRole::LABELS,
        grids::PlaceKind::LABELS,
        evaluations::Grade::LABELS,
        cases::StepAction::LABELS,
        cases::Warning::LABELS,
        cases::PhotoStage::LABELS,
        datum::Datum::LABELS,
        points::EntryStatus::LABELS,
        assessment::RectificationStatus::LABELS,
        accounts::TokenScope::LABELS,
        DivisionLevel::LABELS,
        wishes::WishStatus::LABELS,
        wishes::WishMove::LABELS,
        positions::PositionKind::LABELS,
        activities::SignupState::LABELS,
        activities::Audience::LABELS,
        activities::ActivityStatus::LABELS,
        activities::Scan::LABELS,
        bookings::BookingState::LABELS,
        bookings::Repeat::LABELS,
        residents::ResidentStatus::LABELS,
        residents::Review::LABELS,
        needs::NeedStatus::LABELS,
        needs::NeedUrgency::LABELS,
        needs::NeedSource::LABELS,
        needs::MetBy::LABELS,
        needs::NeedMove::LABELS,
        resources::ResourceKind::LABELS,
        resources::OwnerKind::LABELS,
        resources::ResourceStatus::LABELS,
        projects::ProjectStatus::LABELS,
        projects::ProjectMove::LABELS,
        errands::ErrandStatus::LABELS,
        errands::ErrandKind::LABELS,
        errands::ErrandMove::LABELS,
        problems::ProblemStatus::LABELS,
        problems::ProblemMove::LABELS,
    ] {
        all.extend_from_slice(set);
    }
    all
}
