//! Turning the optional text fields that forms, spreadsheets and flags send into values.

use jiceng_domain::msg;
use jiceng_domain::{Invalid, text};

/// `None` for a missing or blank field, else the trimmed text.
pub fn opt(raw: &Option<String>) -> Option<&str> {
    raw.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

pub fn opt_date(
    field: &'static str,
    raw: &Option<String>,
) -> Result<Option<chrono::NaiveDate>, Invalid> {
    opt(raw).map(|s| text::date(field, s)).transpose()
}

pub fn opt_past_date(
    field: &'static str,
    raw: &Option<String>,
) -> Result<Option<chrono::NaiveDate>, Invalid> {
    opt(raw)
        .map(|s| text::past_date(field, s, crate::today()))
        .transpose()
}

pub fn required<'a>(field: &'static str, raw: &'a Option<String>) -> Result<&'a str, Invalid> {
    opt(raw).ok_or_else(|| Invalid::new(field, "", msg!("必填")))
}
