//! Party members' e-files, their transfers, and subtree pages.

use crate::db::on;
use crate::{StoreError, Tx, values_list};
use chrono::{DateTime, NaiveDate, Utc};
use jiceng_domain::clock;
use jiceng_domain::path::upper;
use jiceng_domain::{Education, Gender, MemberStatus};

const COLUMNS: &str = "id, name, gender, ethnicity, birth_date, id_number, phone, education, joined_on, full_on, status, \
     categories, org_id, org_path, residence_division, employer_unit_id, created_at, updated_at";

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, serde::Deserialize)]
pub struct MemberRow {
    pub id: i64,
    pub name: String,
    pub gender: Gender,
    pub ethnicity: String,
    pub birth_date: NaiveDate,
    pub id_number: String,
    pub phone: Option<String>,
    pub education: Option<Education>,
    pub joined_on: NaiveDate,
    pub full_on: Option<NaiveDate>,
    pub status: MemberStatus,
    pub categories: i64,
    pub org_id: i64,
    pub org_path: String,
    pub residence_division: Option<String>,
    pub employer_unit_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A member's fields as written; the org placement is passed separately.
#[derive(Debug, Clone)]
pub struct MemberFields {
    pub name: String,
    pub gender: Gender,
    pub ethnicity: String,
    pub birth_date: NaiveDate,
    pub id_number: String,
    pub phone: Option<String>,
    pub education: Option<Education>,
    pub joined_on: NaiveDate,
    pub full_on: Option<NaiveDate>,
    pub status: MemberStatus,
    pub categories: i64,
    pub residence_division: Option<String>,
    pub employer_unit_id: Option<i64>,
}

pub async fn insert(
    tx: &mut Tx,
    f: &MemberFields,
    org_id: i64,
    org_path: &str,
) -> Result<i64, StoreError> {
    let now = clock::now();
    Ok(on!(tx, c => sqlx::query_scalar(
        "INSERT INTO members (name, gender, ethnicity, birth_date, id_number, phone, education, joined_on, full_on, status, \
         categories, org_id, org_path, residence_division, employer_unit_id, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16) RETURNING id")
        .bind(&f.name).bind(f.gender).bind(&f.ethnicity).bind(f.birth_date).bind(&f.id_number).bind(&f.phone)
        .bind(f.education).bind(f.joined_on).bind(f.full_on).bind(f.status).bind(f.categories).bind(org_id)
        .bind(org_path).bind(&f.residence_division).bind(f.employer_unit_id).bind(now)
        .fetch_one(c).await)?)
}

/// Inserts many members with ids chosen by the caller (bulk loads into an empty table).
/// Org counts are not touched: call `orgs::recount` afterwards.
pub async fn insert_many(
    tx: &mut Tx,
    rows: &[(i64, i64, &str, MemberFields)],
) -> Result<(), StoreError> {
    let now = clock::now();
    for chunk in rows.chunks(1000) {
        let sql = format!(
            "INSERT INTO members (id, name, gender, ethnicity, birth_date, id_number, phone, education, joined_on, full_on, \
             status, categories, org_id, org_path, residence_division, employer_unit_id, created_at, updated_at) VALUES {}",
            values_list(tx.backend(), chunk.len(), 18)
        );
        on!(tx, c => {
            let mut q = sqlx::query(&sql);
            for (id, org_id, org_path, f) in chunk {
                q = q.bind(id).bind(&f.name).bind(f.gender).bind(&f.ethnicity).bind(f.birth_date).bind(&f.id_number)
                    .bind(&f.phone).bind(f.education).bind(f.joined_on).bind(f.full_on).bind(f.status)
                    .bind(f.categories).bind(org_id).bind(*org_path).bind(&f.residence_division)
                    .bind(f.employer_unit_id).bind(now).bind(now);
            }
            q.execute(c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

pub async fn update_fields(tx: &mut Tx, id: i64, f: &MemberFields) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query(
        "UPDATE members SET name = $1, gender = $2, ethnicity = $3, birth_date = $4, id_number = $5, phone = $6, \
         education = $7, joined_on = $8, full_on = $9, status = $10, categories = $11, residence_division = $12, \
         employer_unit_id = $13, updated_at = $14 WHERE id = $15")
        .bind(&f.name).bind(f.gender).bind(&f.ethnicity).bind(f.birth_date).bind(&f.id_number).bind(&f.phone)
        .bind(f.education).bind(f.joined_on).bind(f.full_on).bind(f.status).bind(f.categories)
        .bind(&f.residence_division).bind(f.employer_unit_id).bind(clock::now()).bind(id)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn by_id(tx: &mut Tx, id: i64) -> Result<Option<MemberRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM members WHERE id = $1");
    Ok(on!(tx, c => sqlx::query_as::<_, MemberRow>(&sql).bind(id).fetch_optional(c).await)?)
}

pub async fn by_id_number(tx: &mut Tx, id_number: &str) -> Result<Option<MemberRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM members WHERE id_number = $1");
    Ok(on!(tx, c => sqlx::query_as::<_, MemberRow>(&sql).bind(id_number).fetch_optional(c).await)?)
}

/// Filters for a page of members.
#[derive(Debug, Clone, Default)]
pub struct MemberFilter {
    pub status: Option<String>,
    /// Members having this category bit.
    pub category_bit: Option<i64>,
    /// Exact name.
    pub name: Option<String>,
}

/// A page of members within the subtree at `path`, ordered by (org_path, id). `after` is the
/// last row of the previous page, so every page is one index range scan however deep.
pub async fn page_in_subtree(
    tx: &mut Tx,
    path: &str,
    filter: &MemberFilter,
    after: Option<(&str, i64)>,
    limit: i64,
) -> Result<Vec<MemberRow>, StoreError> {
    let up = upper(path);
    let (from_path, from_id) = after.unwrap_or((path, 0));
    // The page comes back as one JSON array in one row: handing rows one by one across the
    // SQLite driver's thread costs more than the query itself. Only the two aggregate
    // functions' names differ between the backends.
    let (agg, array) = match tx.backend() {
        crate::Backend::Sqlite => ("json_group_array", "json_array"),
        crate::Backend::Postgres => ("json_agg", "json_build_array"),
    };
    let sql = format!(
        "SELECT CAST({agg}({array}({COLUMNS}) ORDER BY org_path, id) AS TEXT) FROM (\
         SELECT {COLUMNS} FROM members WHERE org_path >= $1 AND org_path < $2 \
         AND (org_path > $1 OR id > $3) \
         AND ($4 IS NULL OR status = $4) AND ($5 IS NULL OR (categories & $5) <> 0) AND ($6 IS NULL OR name = $6) \
         ORDER BY org_path, id LIMIT $7) page"
    );
    let json: Option<String> = on!(tx, c => sqlx::query_scalar(&sql)
        .bind(from_path).bind(&up).bind(from_id).bind(&filter.status).bind(filter.category_bit).bind(&filter.name)
        .bind(limit).fetch_one(c).await)?;
    match json {
        Some(text) => serde_json::from_str(&text)
            .map_err(|e| StoreError::Other(format!("成员分页结果无法解析：{e}"))),
        None => Ok(Vec::new()),
    }
}

/// A member's org path, for a paging cursor.
pub async fn path_of(tx: &mut Tx, id: i64) -> Result<Option<String>, StoreError> {
    Ok(
        on!(tx, c => sqlx::query_scalar("SELECT org_path FROM members WHERE id = $1").bind(id).fetch_optional(c).await)?,
    )
}

/// Moves a member to another org (paths and counts are the caller's job through `orgs`).
pub async fn set_org(tx: &mut Tx, id: i64, org_id: i64, org_path: &str) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("UPDATE members SET org_id = $1, org_path = $2, updated_at = $3 WHERE id = $4")
        .bind(org_id).bind(org_path).bind(clock::now()).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct TransferRow {
    pub id: i64,
    pub member_id: i64,
    pub from_org_id: i64,
    pub from_org_name: String,
    pub to_org_id: i64,
    pub to_org_name: String,
    pub transferred_on: NaiveDate,
    pub reason: Option<String>,
}

pub async fn record_transfer(
    tx: &mut Tx,
    member_id: i64,
    from: i64,
    to: i64,
    on_date: NaiveDate,
    reason: Option<&str>,
) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query(
        "INSERT INTO transfers (member_id, from_org_id, to_org_id, transferred_on, reason, recorded_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(member_id).bind(from).bind(to).bind(on_date).bind(reason).bind(clock::now()).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn transfers(tx: &mut Tx, member_id: i64) -> Result<Vec<TransferRow>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, TransferRow>(
        "SELECT t.id, t.member_id, t.from_org_id, f.name AS from_org_name, t.to_org_id, o.name AS to_org_name, \
         t.transferred_on, t.reason FROM transfers t JOIN orgs f ON f.id = t.from_org_id JOIN orgs o ON o.id = t.to_org_id \
         WHERE t.member_id = $1 ORDER BY t.transferred_on, t.id")
        .bind(member_id).fetch_all(c).await)?)
}

pub async fn count(tx: &mut Tx) -> Result<i64, StoreError> {
    Ok(on!(tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM members").fetch_one(c).await)?)
}

pub async fn max_id(tx: &mut Tx) -> Result<i64, StoreError> {
    let v: Option<i64> =
        on!(tx, c => sqlx::query_scalar("SELECT MAX(id) FROM members").fetch_one(c).await)?;
    Ok(v.unwrap_or(0))
}

/// The current org of each of the given members: (member, org).
pub async fn orgs_of(tx: &mut Tx, ids: &[i64]) -> Result<Vec<(i64, i64)>, StoreError> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        let sql = format!(
            "SELECT id, org_id FROM members WHERE id IN ({})",
            crate::in_list(1, chunk.len())
        );
        let rows = on!(tx, c => {
            let mut q = sqlx::query_as::<_, (i64, i64)>(&sql);
            for id in chunk {
                q = q.bind(id);
            }
            q.fetch_all(c).await
        })?;
        out.extend(rows);
    }
    Ok(out)
}
