//! Turning the optional text fields that forms, spreadsheets and flags send into values.

use jiceng_domain::clock;
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
        .map(|s| text::past_date(field, s, clock::today()))
        .transpose()
}

/// A list's `after` as its previous page gave it: the last row's id.
pub fn after_id(raw: &Option<String>) -> Result<Option<i64>, Invalid> {
    opt(raw)
        .map(|a| {
            a.parse::<i64>()
                .map_err(|_| Invalid::new("after", a, msg!("应为上一页给出的 next")))
        })
        .transpose()
}

pub fn required<'a>(field: &'static str, raw: &'a Option<String>) -> Result<&'a str, Invalid> {
    opt(raw).ok_or_else(|| Invalid::new(field, "", msg!("必填")))
}

/// Reads a JSON string or number as text, so the API may send `2025`, `1.5` or `"2025"` for a field
/// that forms send as text.
pub fn text_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Text(String),
        Int(i64),
        Float(f64),
    }
    Ok(
        <Option<Raw> as serde::Deserialize>::deserialize(d)?.map(|r| match r {
            Raw::Text(s) => s,
            Raw::Int(n) => n.to_string(),
            Raw::Float(x) => x.to_string(),
        }),
    )
}

/// A resident's rating of what was done for them (a need met, a wish fulfilled).
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct RatingInput {
    /// 1–5 stars.
    pub rating: Option<i64>,
    pub note: Option<String>,
}

impl RatingInput {
    /// The stars and the note, checked before anything is read.
    pub(crate) fn checked(&self) -> Result<(i64, Option<String>), Invalid> {
        let rating = jiceng_domain::needs::rating(
            self.rating
                .ok_or_else(|| Invalid::new("rating", "", msg!("必填")))?,
        )?;
        let note = opt(&self.note)
            .map(|n| text::long("note", n, 300))
            .transpose()?;
        Ok((rating, note))
    }
}

/// A list's `after` cursor written as `path~id` (lists by org path, then id).
pub fn path_cursor(raw: &Option<String>) -> Result<Option<(String, i64)>, Invalid> {
    match opt(raw) {
        Some(raw) => Ok(Some(
            raw.rsplit_once('~')
                .and_then(|(p, id)| Some((p.to_string(), id.parse::<i64>().ok()?)))
                .ok_or_else(|| Invalid::new("after", raw, msg!("应为上一页给出的 next")))?,
        )),
        None => Ok(None),
    }
}

/// A `path~id` cursor must lie within the subtree the list reads.
pub fn cursor_within(after: &Option<(String, i64)>, path: &str) -> Result<(), Invalid> {
    match after {
        Some((p, _)) if !p.starts_with(path) => {
            Err(Invalid::new("after", p, msg!("应为上一页给出的 next")))
        }
        _ => Ok(()),
    }
}
