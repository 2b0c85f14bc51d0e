//! Volunteer service records (志愿服务记录): who served, where, on which day, for how long.

use crate::db::on;
use crate::keyset::{Args, Scope, fetch};
use crate::{StoreError, Tx};
use chrono::NaiveDate;
use jiceng_domain::clock;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct ServiceRow {
    pub id: i64,
    /// The member who served, when the volunteer is one (only their hours reach points).
    pub member_id: Option<i64>,
    pub volunteer_id: Option<i64>,
    pub member_name: String,
    pub activity_id: Option<i64>,
    pub community_org_id: i64,
    pub community_code: String,
    pub community_name: String,
    pub community_path: String,
    pub served_on: NaiveDate,
    pub minutes: i64,
    pub activity: String,
    pub recorded_by: String,
}

const SELECT: &str = "SELECT s.id, s.member_id, s.volunteer_id, COALESCE(m.name, v.name) AS member_name, s.activity_id, \
     s.community_org_id, c.code AS community_code, \
     c.name AS community_name, c.path AS community_path, s.served_on, s.minutes, s.activity, s.recorded_by \
     FROM service_records s LEFT JOIN members m ON m.id = s.member_id LEFT JOIN volunteers v ON v.id = s.volunteer_id \
     JOIN orgs c ON c.id = s.community_org_id";

pub struct NewService<'a> {
    pub member_id: i64,
    /// The member's volunteer record, when they registered as one.
    pub volunteer_id: Option<i64>,
    pub community_org_id: i64,
    pub served_on: NaiveDate,
    pub minutes: i64,
    pub activity: &'a str,
    pub by: &'a str,
}

pub async fn insert(tx: &mut Tx, s: &NewService<'_>) -> Result<i64, StoreError> {
    let sql = format!(
        "INSERT INTO service_records (member_id, community_org_id, served_on, minutes, activity, recorded_by, created_at, \
         volunteer_id, district_org_id, street_org_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, {}) RETURNING id",
        crate::orgs::levels_of_community("$2")
    );
    Ok(on!(tx, c => sqlx::query_scalar(&sql)
        .bind(s.member_id).bind(s.community_org_id).bind(s.served_on).bind(s.minutes)
        .bind(s.activity).bind(s.by).bind(clock::now()).bind(s.volunteer_id).fetch_one(c).await)?)
}

pub async fn by_id(tx: &mut Tx, id: i64) -> Result<Option<ServiceRow>, StoreError> {
    let sql = format!("{SELECT} WHERE s.id = $1");
    Ok(on!(tx, c => sqlx::query_as::<_, ServiceRow>(&sql).bind(id).fetch_optional(c).await)?)
}

pub async fn delete(tx: &mut Tx, id: i64) -> Result<(), StoreError> {
    // A record an activity's confirmation wrote leaves its sign-up without one.
    on!(tx, c => sqlx::query("UPDATE signups SET service_id = NULL WHERE service_id = $1").bind(id).execute(c).await.map(|_| ()))?;
    on!(tx, c => sqlx::query("DELETE FROM service_records WHERE id = $1").bind(id).execute(c).await.map(|_| ()))?;
    Ok(())
}

/// Service done in the communities of a scope in the dates, newest first: the `limit` after
/// the (served_on, id) cursor.
pub async fn within(
    tx: &mut Tx,
    scope: &Scope,
    from: NaiveDate,
    to: NaiveDate,
    after: Option<(NaiveDate, i64)>,
    limit: i64,
) -> Result<Vec<ServiceRow>, StoreError> {
    let mut a = Args::default();
    let mut wh: Vec<String> = a.scope_with("s.", "c.path", scope).into_iter().collect();
    wh.push(format!("s.served_on >= {}", a.date(from)));
    wh.push(format!("s.served_on <= {}", a.date(to)));
    if let Some((d, id)) = after {
        wh.push(format!(
            "(s.served_on, s.id) < ({}, {})",
            a.date(d),
            a.int(id)
        ));
    }
    let sql = format!(
        "{SELECT} WHERE {} ORDER BY s.served_on DESC, s.id DESC LIMIT {limit}",
        wh.join(" AND ")
    );
    fetch(tx, &sql, &a).await
}

/// A member's service in the dates, oldest first (their points ledger).
pub async fn of_member(
    tx: &mut Tx,
    member: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<ServiceRow>, StoreError> {
    let sql = format!(
        "{SELECT} WHERE s.member_id = $1 AND s.served_on >= $2 AND s.served_on <= $3 ORDER BY s.served_on, s.id"
    );
    Ok(
        on!(tx, c => sqlx::query_as::<_, ServiceRow>(&sql).bind(member).bind(from).bind(to).fetch_all(c).await)?,
    )
}

/// Minutes each member served at one community in the dates (the 双报到 ledger).
pub async fn at_community(
    tx: &mut Tx,
    community: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(i64, i64)>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, (i64, i64)>(
        "SELECT member_id, CAST(SUM(minutes) AS BIGINT) FROM service_records WHERE community_org_id = $1 AND member_id IS NOT NULL AND served_on >= $2 AND served_on <= $3 \
         GROUP BY member_id")
        .bind(community).bind(from).bind(to).fetch_all(c).await)?)
}

/// Service of a generated city: (member, community, day, minutes, activity).
pub type GeneratedService = (i64, i64, NaiveDate, i64, &'static str);

pub async fn add_generated(tx: &mut Tx, rows: &[GeneratedService]) -> Result<(), StoreError> {
    let now = clock::now();
    let communities: Vec<i64> = rows.iter().map(|r| r.1).collect();
    let levels = crate::orgs::streets_of(tx, &communities).await?;
    for chunk in rows.chunks(500) {
        let sql = format!(
            "INSERT INTO service_records (member_id, community_org_id, served_on, minutes, activity, recorded_by, created_at, \
             district_org_id, street_org_id) VALUES {}",
            crate::values_list(tx.backend(), chunk.len(), 9)
        );
        on!(tx, c => {
            let mut q = sqlx::query(&sql);
            for (m, community, on, minutes, activity) in chunk {
                let (d, st) = levels.get(community).copied().unwrap_or_default();
                q = q.bind(m).bind(community).bind(on).bind(minutes).bind(*activity).bind("demo").bind(now)
                    .bind(d).bind(st);
            }
            q.execute(c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

/// In-service members still registered (双报到) with a community: (member, community org),
/// for the demo's service.
pub async fn registered_members(tx: &mut Tx) -> Result<Vec<(i64, i64)>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, (i64, i64)>(
        "SELECT member_id, community_org_id FROM registrations WHERE member_id IS NOT NULL AND ended_on IS NULL ORDER BY id")
        .fetch_all(c).await)?)
}
