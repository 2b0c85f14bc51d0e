//! 志愿服务记录证明: a volunteer's service in a period, totalled, for printing.

use super::{Volunteer, policy};
use crate::input::opt;
use crate::{Actor, OpsError};
use chrono::NaiveDate;
use jiceng_domain::{Invalid, clock, msg, text};
use jiceng_store::Db;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CertificateQuery {
    /// From, as a date: the first of this year unless asked.
    pub from: Option<String>,
    /// To, as a date: today unless asked.
    pub to: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Served {
    pub served_on: NaiveDate,
    pub minutes: i64,
    pub activity: String,
    pub community_name: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Certificate {
    pub volunteer: Volunteer,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Each service, oldest first.
    pub records: Vec<Served>,
    /// The sum of the records' minutes.
    pub minutes: i64,
    pub issued_on: NaiveDate,
}

/// The certificate of the volunteer `id` (or the actor's own when `id` is `None`).
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "certificate"))]
pub async fn issue(
    db: &Db,
    actor: &Actor,
    id: Option<i64>,
    q: CertificateQuery,
) -> Result<Certificate, OpsError> {
    let today = clock::today();
    let to = match opt(&q.to) {
        Some(d) => text::date("to", d)?,
        None => today,
    };
    let from = match opt(&q.from) {
        Some(d) => text::date("from", d)?,
        None => NaiveDate::from_ymd_opt(chrono::Datelike::year(&to), 1, 1).expect("a date"),
    };
    if from > to {
        return Err(Invalid::new("from", from, msg!("应不晚于结束日期")).into());
    }
    if (to - from).num_days() > 366 * 5 {
        return Err(Invalid::new("from", from, msg!("证明的期间不超过五年")).into());
    }
    let mut tx = db.read().await?;
    let volunteer = match id {
        Some(id) => policy::resolve(&mut tx, actor, id).await?,
        None => {
            let row = super::own(&mut tx, actor)
                .await?
                .ok_or_else(|| OpsError::not_found("志愿者", "me"))?;
            Volunteer::of(row, actor)
        }
    };
    // A reader other than the volunteer is shown the service done where they may read.
    let own =
        super::policy::is_own(actor, volunteer.member_id, volunteer.resident_id, &mut tx).await?;
    let records: Vec<Served> =
        jiceng_store::volunteers::served(&mut tx, volunteer.id, volunteer.member_id, from, to)
            .await?
            .into_iter()
            .filter(|r| own || actor.may_read(&r.community_path).is_ok())
            .map(|r| Served {
                served_on: r.served_on,
                minutes: r.minutes,
                activity: r.activity,
                community_name: r.community_name,
            })
            .collect();
    Ok(Certificate {
        minutes: records.iter().map(|r| r.minutes).sum(),
        volunteer,
        from,
        to,
        records,
        issued_on: today,
    })
}
