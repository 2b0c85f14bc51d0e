//! 双报到: members and units registered with a community.

use crate::db::on;
use crate::keyset::{Args, fetch};
use crate::{StoreError, Tx, values_list};
use chrono::NaiveDate;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct RegistrationRow {
    pub id: i64,
    pub community_org_id: i64,
    pub community_name: String,
    pub member_id: Option<i64>,
    pub member_name: Option<String>,
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    pub registered_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
}

const SELECT: &str = "SELECT r.id, r.community_org_id, o.name AS community_name, r.member_id, m.name AS member_name, \
     r.unit_id, u.name AS unit_name, r.registered_on, r.ended_on \
     FROM registrations r JOIN orgs o ON o.id = r.community_org_id \
     LEFT JOIN members m ON m.id = r.member_id LEFT JOIN units u ON u.id = r.unit_id";

/// One registration: exactly one of `member_id` and `unit_id` is set.
#[derive(Debug, Clone)]
pub struct NewRegistration {
    pub community_org_id: i64,
    pub member_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub registered_on: NaiveDate,
}

pub async fn insert(tx: &mut Tx, r: &NewRegistration) -> Result<i64, StoreError> {
    Ok(on!(tx, c => sqlx::query_scalar(
        "INSERT INTO registrations (community_org_id, member_id, unit_id, registered_on) VALUES ($1, $2, $3, $4) RETURNING id")
        .bind(r.community_org_id).bind(r.member_id).bind(r.unit_id).bind(r.registered_on).fetch_one(c).await)?)
}

pub async fn insert_many(tx: &mut Tx, rows: &[NewRegistration]) -> Result<(), StoreError> {
    for chunk in rows.chunks(1000) {
        let sql = format!(
            "INSERT INTO registrations (community_org_id, member_id, unit_id, registered_on) VALUES {}",
            values_list(tx.backend(), chunk.len(), 4)
        );
        on!(tx, c => {
            let mut q = sqlx::query(&sql);
            for r in chunk {
                q = q.bind(r.community_org_id).bind(r.member_id).bind(r.unit_id).bind(r.registered_on);
            }
            q.execute(c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

pub async fn by_id(tx: &mut Tx, id: i64) -> Result<Option<RegistrationRow>, StoreError> {
    let sql = format!("{SELECT} WHERE r.id = $1");
    Ok(on!(tx, c => sqlx::query_as::<_, RegistrationRow>(&sql).bind(id).fetch_optional(c).await)?)
}

pub async fn end(tx: &mut Tx, id: i64, ended_on: NaiveDate) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("UPDATE registrations SET ended_on = $1 WHERE id = $2").bind(ended_on).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn of_member(tx: &mut Tx, member_id: i64) -> Result<Vec<RegistrationRow>, StoreError> {
    let sql = format!("{SELECT} WHERE r.member_id = $1 ORDER BY r.registered_on DESC, r.id DESC");
    Ok(on!(tx, c => sqlx::query_as::<_, RegistrationRow>(&sql).bind(member_id).fetch_all(c).await)?)
}

pub async fn of_unit(tx: &mut Tx, unit_id: i64) -> Result<Vec<RegistrationRow>, StoreError> {
    let sql = format!("{SELECT} WHERE r.unit_id = $1 ORDER BY r.registered_on DESC, r.id DESC");
    Ok(on!(tx, c => sqlx::query_as::<_, RegistrationRow>(&sql).bind(unit_id).fetch_all(c).await)?)
}

/// Registrations with a community, newest first, one page at a time.
pub async fn of_community(
    tx: &mut Tx,
    org_id: i64,
    active_only: bool,
    after: Option<(NaiveDate, i64)>,
    limit: i64,
) -> Result<Vec<RegistrationRow>, StoreError> {
    let mut a = Args::default();
    let mut wh = vec![format!("r.community_org_id = {}", a.int(org_id))];
    if active_only {
        wh.push("r.ended_on IS NULL".into());
    }
    if let Some((d, id)) = after {
        wh.push(format!(
            "(r.registered_on, r.id) < ({}, {})",
            a.date(d),
            a.int(id)
        ));
    }
    let sql = format!(
        "{SELECT} WHERE {} ORDER BY r.registered_on DESC, r.id DESC LIMIT {limit}",
        wh.join(" AND ")
    );
    fetch(tx, &sql, &a).await
}

/// (members, units) actively registered with a community.
pub async fn community_counts(tx: &mut Tx, org_id: i64) -> Result<(i64, i64), StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, (i64, i64)>(
        "SELECT COUNT(member_id), COUNT(unit_id) FROM registrations WHERE community_org_id = $1 AND ended_on IS NULL")
        .bind(org_id).fetch_one(c).await)?)
}
