//! Organisational life (组织生活): the meetings of 三会一课 and 主题党日, the rules for how often
//! each must be held, compliance over a period, and committee-term reminders.

pub mod compliance;
pub mod meeting;
pub mod period;
pub mod term;

pub use compliance::{Frequency, Requirement, Rule, Rules, State, complies, evaluate};
pub use meeting::{MeetingKind, MeetingStatus};
pub use period::Period;
