//! Committee seats of an org, part-time members from stationed units included.

use crate::db::on;
use crate::{StoreError, Tx, values_list};
use chrono::NaiveDate;
use jiceng_domain::orgs::CommitteePosition;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct SeatRow {
    pub id: i64,
    pub org_id: i64,
    pub position: CommitteePosition,
    pub name: String,
    pub member_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    pub part_time: bool,
    pub since: Option<NaiveDate>,
}

#[derive(Debug, Clone)]
pub struct SeatFields {
    pub org_id: i64,
    pub position: CommitteePosition,
    pub name: String,
    pub member_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub part_time: bool,
    pub since: Option<NaiveDate>,
}

pub async fn insert_many(tx: &mut Tx, seats: &[SeatFields]) -> Result<(), StoreError> {
    for chunk in seats.chunks(1000) {
        let sql = format!(
            "INSERT INTO committee_seats (org_id, position, name, member_id, unit_id, part_time, since) VALUES {}",
            values_list(tx.backend(), chunk.len(), 7)
        );
        on!(tx, c => {
            let mut q = sqlx::query(&sql);
            for s in chunk {
                q = q.bind(s.org_id).bind(s.position).bind(&s.name).bind(s.member_id).bind(s.unit_id).bind(s.part_time).bind(s.since);
            }
            q.execute(c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

/// An org's seats: secretary first, then deputies, then members.
pub async fn of_org(tx: &mut Tx, org_id: i64) -> Result<Vec<SeatRow>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, SeatRow>(
        "SELECT s.id, s.org_id, s.position, s.name, s.member_id, s.unit_id, u.name AS unit_name, s.part_time, s.since \
         FROM committee_seats s LEFT JOIN units u ON u.id = s.unit_id WHERE s.org_id = $1 \
         ORDER BY CASE s.position WHEN 'secretary' THEN 0 WHEN 'deputy' THEN 1 ELSE 2 END, s.id")
        .bind(org_id).fetch_all(c).await)?)
}

pub async fn remove(tx: &mut Tx, seat_id: i64) -> Result<u64, StoreError> {
    Ok(
        on!(tx, c => sqlx::query("DELETE FROM committee_seats WHERE id = $1").bind(seat_id).execute(c).await.map(|r| r.rows_affected()))?,
    )
}
