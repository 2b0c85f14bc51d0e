//! What taking a batch of sign-ups reads and writes: each a statement for the whole batch
//! (IN lists and multi-row inserts), so a batch costs a few statements however many it
//! carries.

use super::{ActivityRow, RoleRow, SELECT};
use crate::db::on;
use crate::{StoreError, Tx};
use chrono::{DateTime, Utc};
use jiceng_domain::activities::SignupState;
use jiceng_domain::clock;
use jiceng_domain::residents::ResidentStatus;

/// `$from, …` for `n` values; an IN list of none names no row (no id is 0).
fn list(from: usize, n: usize) -> String {
    match n {
        0 => "0".to_string(),
        n => crate::in_list(from, n),
    }
}

/// The PostgreSQL connection of `tx`, if it is one: there a list is bound as one array, so a
/// statement's text is the same whatever the batch's size and is prepared once.
fn pg(tx: &mut Tx) -> Option<&mut sqlx::PgConnection> {
    match tx {
        Tx::Pg(t) => Some(&mut **t),
        Tx::PgRead(c) => Some(&mut **c),
        _ => None,
    }
}

/// The rows of `sql` whose `{}` stands for the place of the list `ids`: `= ANY($1)` on
/// PostgreSQL, an IN list on SQLite.
macro_rules! among {
    ($tx:expr, $row:ty, $sql:expr, $ids:expr) => {{
        let ids: &[i64] = $ids;
        match pg($tx) {
            Some(c) => sqlx::query_as::<_, $row>(&$sql.replace("{}", "= ANY($1)"))
                .bind(ids)
                .fetch_all(c)
                .await,
            None => {
                let sql = $sql.replace("{}", &format!("IN ({})", list(1, ids.len())));
                on!($tx, c => {
                    let mut q = sqlx::query_as::<_, $row>(&sql);
                    for id in ids {
                        q = q.bind(id);
                    }
                    q.fetch_all(c).await
                })
            }
        }
    }};
}

pub async fn by_ids(tx: &mut Tx, ids: &[i64]) -> Result<Vec<ActivityRow>, StoreError> {
    Ok(among!(
        tx,
        ActivityRow,
        format!("{SELECT} WHERE a.id {{}}"),
        ids
    )?)
}

pub async fn roles_of(tx: &mut Tx, activities: &[i64]) -> Result<Vec<RoleRow>, StoreError> {
    let sql = "SELECT id, activity_id, name, places, taken, waiting FROM activity_roles \
               WHERE activity_id {} ORDER BY id";
    Ok(among!(tx, RoleRow, sql, activities)?)
}

/// A member or resident as signing up reads them: where they belong, and their volunteer
/// record if they have one.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SignerRow {
    /// How the actor names them: the member's id, or the resident's user id.
    pub key: i64,
    pub member_id: Option<i64>,
    pub resident_id: Option<i64>,
    pub name: String,
    pub phone: Option<String>,
    /// A resident's standing with their community.
    pub resident_status: Option<ResidentStatus>,
    pub district_org_id: Option<i64>,
    pub community_org_id: Option<i64>,
    pub community_name: Option<String>,
    pub community_path: Option<String>,
    pub volunteer_id: Option<i64>,
    pub volunteer_name: Option<String>,
    pub volunteer_path: Option<String>,
}

/// The members `ids` as signing up reads them.
pub async fn members(tx: &mut Tx, ids: &[i64]) -> Result<Vec<SignerRow>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    // The levels are looked up by key, row by row (scalar subqueries): as a join, PostgreSQL's
    // planner, taking a list's length to be 10, read and hashed every org's levels instead.
    let sql = "SELECT m.id AS key, m.id AS member_id, CAST(NULL AS BIGINT) AS resident_id, m.name, m.phone, \
         CAST(NULL AS TEXT) AS resident_status, \
         (SELECT l.district_org_id FROM org_levels l WHERE l.org_id = m.org_id) AS district_org_id, \
         c.id AS community_org_id, c.name AS community_name, \
         c.path AS community_path, v.id AS volunteer_id, v.name AS volunteer_name, v.org_path AS volunteer_path \
         FROM members m LEFT JOIN orgs c ON c.id = (SELECT l.community_org_id FROM org_levels l WHERE l.org_id = m.org_id) \
         LEFT JOIN volunteers v ON v.member_id = m.id WHERE m.id {}";
    Ok(among!(tx, SignerRow, sql, ids)?)
}

/// The residents of the users `ids` as signing up reads them.
pub async fn residents(tx: &mut Tx, users: &[i64]) -> Result<Vec<SignerRow>, StoreError> {
    if users.is_empty() {
        return Ok(Vec::new());
    }
    let sql = "SELECT r.user_id AS key, CAST(NULL AS BIGINT) AS member_id, r.id AS resident_id, r.name, r.phone, \
         r.status AS resident_status, \
         (SELECT l.district_org_id FROM org_levels l WHERE l.org_id = r.community_org_id) AS district_org_id, \
         r.community_org_id, c.name AS community_name, \
         r.community_path, v.id AS volunteer_id, v.name AS volunteer_name, v.org_path AS volunteer_path \
         FROM residents r JOIN orgs c ON c.id = r.community_org_id \
         LEFT JOIN volunteers v ON v.resident_id = r.id WHERE r.user_id {}";
    Ok(among!(tx, SignerRow, sql, users)?)
}

/// The states of these volunteers' sign-ups for these activities: (activity, volunteer,
/// state), of every pair of the two lists.
pub async fn states(
    tx: &mut Tx,
    activities: &[i64],
    volunteers: &[i64],
) -> Result<Vec<(i64, i64, SignupState)>, StoreError> {
    if activities.is_empty() || volunteers.is_empty() {
        return Ok(Vec::new());
    }
    let sql = "SELECT activity_id, volunteer_id, state FROM signups WHERE activity_id";
    if let Some(c) = pg(tx) {
        return Ok(
            sqlx::query_as(&format!("{sql} = ANY($1) AND volunteer_id = ANY($2)"))
                .bind(activities)
                .bind(volunteers)
                .fetch_all(c)
                .await?,
        );
    }
    let sql = format!(
        "{sql} IN ({}) AND volunteer_id IN ({})",
        list(1, activities.len()),
        list(1 + activities.len(), volunteers.len())
    );
    Ok(on!(tx, c => {
        let mut q = sqlx::query_as::<_, (i64, i64, SignupState)>(&sql);
        for id in activities.iter().chain(volunteers) {
            q = q.bind(id);
        }
        q.fetch_all(c).await
    })?)
}

/// These volunteers' no-shows on activities starting on or after `since`: (volunteer, how
/// many, the start of the last), for those with any.
pub async fn no_shows(
    tx: &mut Tx,
    volunteers: &[i64],
    since: DateTime<Utc>,
) -> Result<Vec<(i64, i64, Option<DateTime<Utc>>)>, StoreError> {
    if volunteers.is_empty() {
        return Ok(Vec::new());
    }
    let sql = "SELECT s.volunteer_id, COUNT(*), MAX(a.starts_at) FROM signups s JOIN activities a ON a.id = s.activity_id \
         WHERE s.no_show AND a.starts_at >= $1 AND s.volunteer_id";
    if let Some(c) = pg(tx) {
        return Ok(
            sqlx::query_as(&format!("{sql} = ANY($2) GROUP BY s.volunteer_id"))
                .bind(since)
                .bind(volunteers)
                .fetch_all(c)
                .await?,
        );
    }
    let sql = format!(
        "{sql} IN ({}) GROUP BY s.volunteer_id",
        list(2, volunteers.len())
    );
    Ok(on!(tx, c => {
        let mut q = sqlx::query_as::<_, (i64, i64, Option<DateTime<Utc>>)>(&sql).bind(since);
        for v in volunteers {
            q = q.bind(v);
        }
        q.fetch_all(c).await
    })?)
}

/// A sign-up to write: (activity, role, volunteer, state, whether the pair has a row already,
/// a sign-up brought back).
pub type NewSignup = (i64, i64, i64, SignupState, bool);

/// Writes several sign-ups as [`super::put_signup`] does one, queued in the given order a
/// microsecond apart (a line orders by the time queued, and a sign-up brought back keeps its
/// older id): (id, activity, volunteer) of each, in no order. A pair without a row is inserted
/// plainly (no conflict to look for); one brought back takes the upsert.
pub async fn put(tx: &mut Tx, rows: &[NewSignup]) -> Result<Vec<(i64, i64, i64)>, StoreError> {
    let now = clock::now();
    let mut out = Vec::with_capacity(rows.len());
    for again in [false, true] {
        let some: Vec<(usize, &NewSignup)> = rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.4 == again)
            .collect();
        if !some.is_empty() {
            out.extend(put_some(tx, &some, again, now).await?);
        }
    }
    Ok(out)
}

/// Rows of [`put`], each with its place in the batch (its time queued).
async fn put_some(
    tx: &mut Tx,
    rows: &[(usize, &NewSignup)],
    again: bool,
    now: DateTime<Utc>,
) -> Result<Vec<(i64, i64, i64)>, StoreError> {
    let mut out = Vec::with_capacity(rows.len());
    let queued = |i: usize| now + chrono::Duration::microseconds(i as i64);
    let insert = "INSERT INTO signups (activity_id, role_id, volunteer_id, state, queued_at, created_at, updated_at)";
    let tail = match again {
        false => "RETURNING id, activity_id, volunteer_id",
        true => {
            "ON CONFLICT (activity_id, volunteer_id) DO UPDATE SET role_id = excluded.role_id, state = excluded.state, \
             queued_at = excluded.queued_at, offer_until = NULL, checked_in_at = NULL, checked_out_at = NULL, minutes = NULL, \
             no_show = FALSE, service_id = NULL, updated_at = excluded.updated_at RETURNING id, activity_id, volunteer_id"
        }
    };
    if let Some(c) = pg(tx) {
        let sql = format!(
            "{insert} SELECT a, r, v, s, q, $6, $6 FROM UNNEST($1::BIGINT[], $2::BIGINT[], $3::BIGINT[], $4::TEXT[], \
             $5::TIMESTAMPTZ[]) AS t (a, r, v, s, q) {tail}"
        );
        return Ok(sqlx::query_as(&sql)
            .bind(rows.iter().map(|(_, x)| x.0).collect::<Vec<_>>())
            .bind(rows.iter().map(|(_, x)| x.1).collect::<Vec<_>>())
            .bind(rows.iter().map(|(_, x)| x.2).collect::<Vec<_>>())
            .bind(rows.iter().map(|(_, x)| x.3.code()).collect::<Vec<_>>())
            .bind(rows.iter().map(|(i, _)| queued(*i)).collect::<Vec<_>>())
            .bind(now)
            .fetch_all(c)
            .await?);
    }
    for chunk in rows.chunks(500) {
        let sql = format!(
            "{insert} VALUES {} {tail}",
            crate::values_list(tx.backend(), chunk.len(), 7)
        );
        out.extend(on!(tx, c => {
            let mut q = sqlx::query_as::<_, (i64, i64, i64)>(&sql);
            for (i, (a, r, v, s, _)) in chunk {
                q = q.bind(a).bind(r).bind(v).bind(s.code()).bind(queued(*i)).bind(now).bind(now);
            }
            q.fetch_all(c).await
        })?);
    }
    Ok(out)
}
