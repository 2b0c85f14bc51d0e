//! 共驻共建: agreements between stationed units and communities (or streets), their
//! commitments, and the counts of commitments due and fulfilled on time that the assessment
//! reads.

use crate::db::on;
use crate::{StoreError, Tx};
use chrono::NaiveDate;
use jiceng_domain::clock;
use jiceng_domain::path::upper;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct AgreementRow {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub org_id: i64,
    pub org_code: String,
    pub org_name: String,
    pub org_path: String,
    pub year: i32,
    pub signed_on: NaiveDate,
    pub created_by: String,
    /// Commitments listed, fulfilled, fulfilled by their due date, and past due undone.
    pub items: i64,
    pub done: i64,
    pub on_time: i64,
    pub overdue: i64,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct CommitmentRow {
    pub id: i64,
    pub agreement_id: i64,
    pub title: String,
    pub due_on: NaiveDate,
    pub done_on: Option<NaiveDate>,
    pub done_by: Option<String>,
}

/// `$1` is today, for the overdue count.
const SELECT: &str = "SELECT a.id, a.unit_id, u.name AS unit_name, a.org_id, o.code AS org_code, o.name AS org_name, \
     a.org_path, a.year, a.signed_on, a.created_by, \
     COUNT(c.id) AS items, \
     COALESCE(SUM(CASE WHEN c.done_on IS NOT NULL THEN 1 ELSE 0 END), 0) AS done, \
     COALESCE(SUM(CASE WHEN c.done_on IS NOT NULL AND c.done_on <= c.due_on THEN 1 ELSE 0 END), 0) AS on_time, \
     COALESCE(SUM(CASE WHEN c.done_on IS NULL AND c.due_on < $1 THEN 1 ELSE 0 END), 0) AS overdue \
     FROM agreements a JOIN units u ON u.id = a.unit_id JOIN orgs o ON o.id = a.org_id \
     LEFT JOIN commitments c ON c.agreement_id = a.id";

const GROUP: &str = "GROUP BY a.id, a.unit_id, u.name, a.org_id, o.code, o.name, a.org_path, a.year, a.signed_on, a.created_by";

pub struct NewAgreement<'a> {
    pub unit_id: i64,
    pub org_id: i64,
    pub org_path: &'a str,
    pub year: i32,
    pub signed_on: NaiveDate,
    pub by: &'a str,
}

pub async fn insert(tx: &mut Tx, a: &NewAgreement<'_>) -> Result<i64, StoreError> {
    Ok(on!(tx, c => sqlx::query_scalar(
        "INSERT INTO agreements (unit_id, org_id, org_path, year, signed_on, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
        .bind(a.unit_id).bind(a.org_id).bind(a.org_path).bind(a.year).bind(a.signed_on).bind(a.by)
        .bind(clock::now()).fetch_one(c).await)?)
}

pub async fn add_commitment(
    tx: &mut Tx,
    agreement: i64,
    title: &str,
    due_on: NaiveDate,
) -> Result<i64, StoreError> {
    Ok(on!(tx, c => sqlx::query_scalar(
        "INSERT INTO commitments (agreement_id, title, due_on, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
        .bind(agreement).bind(title).bind(due_on).bind(clock::now()).fetch_one(c).await)?)
}

pub async fn by_id(
    tx: &mut Tx,
    id: i64,
    today: NaiveDate,
) -> Result<Option<AgreementRow>, StoreError> {
    let sql = format!("{SELECT} WHERE a.id = $2 {GROUP}");
    Ok(
        on!(tx, c => sqlx::query_as::<_, AgreementRow>(&sql).bind(today).bind(id).fetch_optional(c).await)?,
    )
}

/// Agreements made with the orgs of a subtree in a year, by org and then as signed (id), a
/// page after `after` (org path, id).
pub async fn within(
    tx: &mut Tx,
    path: &str,
    year: i32,
    today: NaiveDate,
    after: Option<(&str, i64)>,
    limit: i64,
) -> Result<Vec<AgreementRow>, StoreError> {
    let up = upper(path);
    let (from, id) = after.unwrap_or((path, 0));
    let sql = format!(
        "{SELECT} WHERE a.year = $2 AND a.org_path >= $3 AND a.org_path < $4 \
         AND (a.org_path, a.id) > ($5, $6) {GROUP} \
         ORDER BY a.org_path, a.id LIMIT $7"
    );
    Ok(
        on!(tx, c => sqlx::query_as::<_, AgreementRow>(&sql).bind(today).bind(year).bind(path).bind(&up)
        .bind(from).bind(id).bind(limit).fetch_all(c).await)?,
    )
}

/// A unit's agreements, newest year first.
pub async fn of_unit(
    tx: &mut Tx,
    unit: i64,
    today: NaiveDate,
) -> Result<Vec<AgreementRow>, StoreError> {
    let sql = format!("{SELECT} WHERE a.unit_id = $2 {GROUP} ORDER BY a.year DESC");
    Ok(
        on!(tx, c => sqlx::query_as::<_, AgreementRow>(&sql).bind(today).bind(unit).fetch_all(c).await)?,
    )
}

pub async fn commitments(tx: &mut Tx, agreement: i64) -> Result<Vec<CommitmentRow>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, CommitmentRow>(
        "SELECT id, agreement_id, title, due_on, done_on, done_by FROM commitments WHERE agreement_id = $1 ORDER BY due_on, id")
        .bind(agreement).fetch_all(c).await)?)
}

/// The commitments of several agreements, by agreement and due date.
pub async fn commitments_of(
    tx: &mut Tx,
    agreements: &[i64],
) -> Result<Vec<CommitmentRow>, StoreError> {
    if agreements.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT id, agreement_id, title, due_on, done_on, done_by FROM commitments WHERE agreement_id IN ({}) ORDER BY agreement_id, due_on, id",
        crate::in_list(1, agreements.len())
    );
    Ok(on!(tx, c => {
        let mut q = sqlx::query_as::<_, CommitmentRow>(&sql);
        for id in agreements {
            q = q.bind(id);
        }
        q.fetch_all(c).await
    })?)
}

pub async fn commitment(tx: &mut Tx, id: i64) -> Result<Option<CommitmentRow>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, CommitmentRow>(
        "SELECT id, agreement_id, title, due_on, done_on, done_by FROM commitments WHERE id = $1")
        .bind(id).fetch_optional(c).await)?)
}

/// Marks a commitment fulfilled on a day, or (with `None`) not fulfilled after all.
pub async fn set_done(
    tx: &mut Tx,
    id: i64,
    on: Option<NaiveDate>,
    by: Option<&str>,
) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("UPDATE commitments SET done_on = $1, done_by = $2 WHERE id = $3")
        .bind(on).bind(by).bind(id).execute(c).await.map(|_| ()))?;
    Ok(())
}

/// Per org of a subtree: commitments due in the dates and how many were fulfilled by their
/// due date. Both sides count: the community (or street) the agreement is with, and the
/// unit's own party org.
pub async fn due_per_org(
    tx: &mut Tx,
    path: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(i64, i64, i64)>, StoreError> {
    let on_time = "COALESCE(SUM(CASE WHEN c.done_on IS NOT NULL AND c.done_on <= c.due_on THEN 1 ELSE 0 END), 0)";
    let sql = format!(
        "SELECT a.org_id, COUNT(*), {on_time} FROM commitments c JOIN agreements a ON a.id = c.agreement_id \
         WHERE c.due_on >= $1 AND c.due_on <= $2 AND a.org_path >= $3 AND a.org_path < $4 GROUP BY a.org_id \
         UNION ALL \
         SELECT u.org_id, COUNT(*), {on_time} FROM commitments c JOIN agreements a ON a.id = c.agreement_id \
         JOIN units u ON u.id = a.unit_id JOIN orgs o ON o.id = u.org_id \
         WHERE c.due_on >= $1 AND c.due_on <= $2 AND o.path >= $3 AND o.path < $4 GROUP BY u.org_id"
    );
    let up = upper(path);
    Ok(
        on!(tx, c => sqlx::query_as::<_, (i64, i64, i64)>(&sql).bind(from).bind(to).bind(path).bind(&up).fetch_all(c).await)?,
    )
}

/// A generated commitment: (title, due, fulfilled on).
pub type GeneratedCommitment = (String, NaiveDate, Option<NaiveDate>);

/// Agreements of a generated city, with their commitments, written with ids of their own in
/// multi-row inserts (the caller syncs the id sequences on PostgreSQL).
pub async fn add_generated(
    tx: &mut Tx,
    agreements: &[(NewAgreement<'_>, Vec<GeneratedCommitment>)],
) -> Result<usize, StoreError> {
    let now = clock::now();
    let first: i64 = on!(tx, c => sqlx::query_scalar::<_, Option<i64>>("SELECT MAX(id) FROM agreements").fetch_one(c).await)?
        .unwrap_or(0)
        + 1;
    let numbered: Vec<(i64, &NewAgreement<'_>, &Vec<GeneratedCommitment>)> = agreements
        .iter()
        .enumerate()
        .map(|(i, (a, items))| (first + i as i64, a, items))
        .collect();
    for chunk in numbered.chunks(500) {
        let sql = format!(
            "INSERT INTO agreements (id, unit_id, org_id, org_path, year, signed_on, created_by, created_at) VALUES {}",
            crate::values_list(tx.backend(), chunk.len(), 8)
        );
        on!(tx, c => {
            let mut q = sqlx::query(&sql);
            for (id, a, _) in chunk {
                q = q.bind(id).bind(a.unit_id).bind(a.org_id).bind(a.org_path).bind(a.year).bind(a.signed_on)
                    .bind(a.by).bind(now);
            }
            q.execute(c).await.map(|r| r.rows_affected())
        })?;
    }
    let items: Vec<(i64, &str, &GeneratedCommitment)> = numbered
        .iter()
        .flat_map(|(id, a, items)| items.iter().map(move |c| (*id, a.by, c)))
        .collect();
    for chunk in items.chunks(500) {
        let sql = format!(
            "INSERT INTO commitments (agreement_id, title, due_on, done_on, done_by, created_at) VALUES {}",
            crate::values_list(tx.backend(), chunk.len(), 6)
        );
        on!(tx, c => {
            let mut q = sqlx::query(&sql);
            for (id, by, (title, due, done)) in chunk {
                q = q.bind(id).bind(title).bind(due).bind(done).bind(done.map(|_| *by)).bind(now);
            }
            q.execute(c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(items.len())
}

/// Units registered (双报到) with a community and still registered: (unit, community org,
/// its path), one community per unit, for the demo's agreements.
pub async fn registered_units(tx: &mut Tx) -> Result<Vec<(i64, i64, String)>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, (i64, i64, String)>(
        "SELECT r.unit_id, r.community_org_id, o.path FROM registrations r JOIN orgs o ON o.id = r.community_org_id \
         WHERE r.id IN (SELECT MIN(id) FROM registrations WHERE unit_id IS NOT NULL AND ended_on IS NULL GROUP BY unit_id) \
         ORDER BY r.unit_id")
        .fetch_all(c).await)?)
}

/// Every community-level regional org: (id, path), for the demo.
pub async fn communities(tx: &mut Tx) -> Result<Vec<(i64, String)>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, (i64, String)>(
        "SELECT id, path FROM orgs WHERE level = 'community' AND category = 'regional' ORDER BY id")
        .fetch_all(c).await)?)
}

/// The lists kept as an agreement's content: (table, the column naming the unit, the
/// statuses still open).
const LISTS: [(&str, &str, &str); 4] = [
    ("needs", "unit_id", "'pending', 'open', 'in_project'"),
    ("resources", "unit_id", "'active'"),
    ("projects", "owner_unit_id", "'planned', 'under_way'"),
    ("problems", "unit_id", "'open', 'in_case'"),
];

/// A unit's agreement of a year: (id, the path of the org it is with).
pub async fn of_unit_year(
    tx: &mut Tx,
    unit: i64,
    year: i64,
) -> Result<Option<(i64, String)>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, (i64, String)>(
        "SELECT id, org_path FROM agreements WHERE unit_id = $1 AND year = $2")
        .bind(unit).bind(year).fetch_optional(c).await)?)
}

/// Makes a unit's needs, resources, projects and problems of a year, in the agreement's org
/// subtree and of no agreement yet, the agreement's content.
pub async fn attach(
    tx: &mut Tx,
    agreement: i64,
    unit: i64,
    path: &str,
    year: i64,
) -> Result<(), StoreError> {
    let up = upper(path);
    for (table, unit_col, _) in LISTS {
        let sql = format!(
            "UPDATE {table} SET agreement_id = $1 WHERE {unit_col} = $2 AND year = $3 AND community_path >= $4 \
             AND community_path < $5 AND agreement_id IS NULL"
        );
        on!(tx, c => sqlx::query(&sql).bind(agreement).bind(unit).bind(year).bind(path).bind(&up)
            .execute(c).await.map(|_| ()))?;
    }
    Ok(())
}

/// Carries what is still open of an agreement's lists over to another; how many of each.
pub async fn carry(tx: &mut Tx, from: i64, to: i64) -> Result<[u64; 4], StoreError> {
    let mut out = [0; 4];
    for (i, (table, _, open)) in LISTS.into_iter().enumerate() {
        let sql = format!(
            "UPDATE {table} SET agreement_id = $1 WHERE agreement_id = $2 AND status IN ({open})"
        );
        out[i] = on!(tx, c => sqlx::query(&sql).bind(to).bind(from).execute(c).await.map(|r| r.rows_affected()))?;
    }
    Ok(out)
}

/// One item of an agreement's lists.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ListItem {
    pub list: String,
    pub id: i64,
    pub title: String,
    pub status: String,
}

/// Most items of each list an agreement's page shows.
const SHOWN: i64 = 200;

/// An agreement's content: its needs, resources, projects and problems, newest first.
pub async fn lists(tx: &mut Tx, agreement: i64) -> Result<Vec<ListItem>, StoreError> {
    let mut out = Vec::new();
    for (table, _, _) in LISTS {
        let sql = format!(
            "SELECT '{table}' AS list, id, title, status FROM {table} WHERE agreement_id = $1 ORDER BY id DESC LIMIT {SHOWN}"
        );
        out.extend(
            on!(tx, c => sqlx::query_as::<_, ListItem>(&sql).bind(agreement).fetch_all(c).await)?,
        );
    }
    Ok(out)
}

/// Every agreement: (id, unit, org path, year).
pub async fn all(tx: &mut Tx) -> Result<Vec<(i64, i64, String, i64)>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, (i64, i64, String, i64)>(
        "SELECT id, unit_id, org_path, CAST(year AS BIGINT) FROM agreements ORDER BY id")
        .fetch_all(c).await)?)
}
