//! Organisational life: meetings planned and recorded (三会一课, 主题党日) with their files,
//! and compliance with the rules by scope and period.

pub mod compliance;
pub mod files;
pub mod ledgers;
pub mod meetings;
