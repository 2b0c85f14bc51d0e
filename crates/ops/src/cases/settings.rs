//! The loop's settings kept as data: the classification with its limits, and the working-time
//! calendar. Shipped defaults apply until an administrator saves their own.

use crate::{Actor, OpsError};
use chrono::{NaiveDate, NaiveTime};
use jiceng_domain::cases::{Calendar, Classification};
use jiceng_domain::{Invalid, msg};
use jiceng_store::assessment::{set_setting, setting};
use jiceng_store::{Db, StoreError, Tx, audit};
use serde::{Deserialize, Serialize};

const CLASSIFICATION: &str = "cases.classification";
const CALENDAR: &str = "cases.calendar";

fn corrupt(e: serde_json::Error) -> OpsError {
    OpsError::Store(StoreError::Other(e.to_string()))
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "classification_in"))]
pub async fn classification_in(tx: &mut Tx) -> Result<Classification, OpsError> {
    match setting(tx, CLASSIFICATION).await? {
        Some(v) => serde_json::from_str(&v).map_err(corrupt),
        None => Ok(Classification::standard()),
    }
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "classification"))]
pub async fn classification(db: &Db) -> Result<Classification, OpsError> {
    classification_in(&mut db.read().await?).await
}

/// The `n` categories (小类 codes) most often chosen for cases, most used first, for the
/// short list a phone's case form offers.
pub async fn most_used_categories(db: &Db, n: i64) -> Result<Vec<String>, OpsError> {
    let mut tx = db.read().await?;
    Ok(jiceng_store::cases::category_uses::most_used(&mut tx, n).await?)
}

/// The calendar as the API and settings page carry it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CalendarDoc {
    pub day_start: String,
    pub day_end: String,
    #[serde(default)]
    pub holidays: Vec<String>,
    #[serde(default)]
    pub workdays: Vec<String>,
}

impl CalendarDoc {
    pub fn calendar(&self) -> Result<Calendar, Invalid> {
        let time = |field: &'static str, s: &str| {
            NaiveTime::parse_from_str(s.trim(), "%H:%M")
                .map_err(|_| Invalid::new(field, s, msg!("时间应写作 09:00 这样的形式")))
        };
        let dates = |field: &'static str, v: &[String]| {
            v.iter()
                .map(|d| {
                    d.trim()
                        .parse::<NaiveDate>()
                        .map_err(|_| Invalid::new(field, d, msg!("日期格式应为 2026-01-05")))
                })
                .collect::<Result<_, _>>()
        };
        Calendar::new(
            time("day_start", &self.day_start)?,
            time("day_end", &self.day_end)?,
            dates("holidays", &self.holidays)?,
            dates("workdays", &self.workdays)?,
        )
    }

    fn of(c: &Calendar) -> CalendarDoc {
        CalendarDoc {
            day_start: c.day_start.format("%H:%M").to_string(),
            day_end: c.day_end.format("%H:%M").to_string(),
            holidays: c.holidays.iter().map(ToString::to_string).collect(),
            workdays: c.workdays.iter().map(ToString::to_string).collect(),
        }
    }
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "calendar_in"))]
pub async fn calendar_in(tx: &mut Tx) -> Result<Calendar, OpsError> {
    match setting(tx, CALENDAR).await? {
        Some(v) => Ok(serde_json::from_str::<CalendarDoc>(&v)
            .map_err(corrupt)?
            .calendar()?),
        None => Ok(Calendar::default()),
    }
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "calendar"))]
pub async fn calendar(db: &Db) -> Result<CalendarDoc, OpsError> {
    Ok(CalendarDoc::of(&calendar_in(&mut db.read().await?).await?))
}

async fn save(
    db: &Db,
    actor: &Actor,
    key: &str,
    value: String,
    before: Option<String>,
) -> Result<(), OpsError> {
    let mut tx = db.write().await?;
    set_setting(&mut tx, key, &value).await?;
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "setting.save",
            target: &format!("setting:{key}"),
            path: None,
            before,
            after: Some(value),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "set_classification"))]
pub async fn set_classification(
    db: &Db,
    actor: &Actor,
    c: Classification,
) -> Result<Classification, OpsError> {
    actor.may_administer()?;
    c.validate()?;
    let before = serde_json::to_string(&classification(db).await?).ok();
    let value = serde_json::to_string(&c).expect("serialises");
    save(db, actor, CLASSIFICATION, value, before).await?;
    Ok(c)
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "set_calendar"))]
pub async fn set_calendar(
    db: &Db,
    actor: &Actor,
    doc: CalendarDoc,
) -> Result<CalendarDoc, OpsError> {
    actor.may_administer()?;
    let cal = doc.calendar()?;
    let before = serde_json::to_string(&calendar(db).await?).ok();
    let doc = CalendarDoc::of(&cal);
    save(
        db,
        actor,
        CALENDAR,
        serde_json::to_string(&doc).expect("serialises"),
        before,
    )
    .await?;
    Ok(doc)
}
