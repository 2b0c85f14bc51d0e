//! 双向评价: the yearly grades exchanged between a community and the units and in-service
//! members registered with it, and the pairs that owe one.

use crate::db::on;
use crate::{StoreError, Tx};
use chrono::{DateTime, NaiveDate, Utc};
use jiceng_domain::clock;
use jiceng_domain::evaluations::{Grade, Subject};
use jiceng_domain::path::upper;

pub mod pairs;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct EvaluationRow {
    pub id: i64,
    pub year: i32,
    pub subject: Subject,
    pub community_org_id: i64,
    pub community_code: String,
    pub community_name: String,
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    pub member_id: Option<i64>,
    pub member_name: Option<String>,
    pub grade: Grade,
    pub comment: Option<String>,
    pub evaluated_by: String,
    pub evaluated_at: DateTime<Utc>,
}

const SELECT: &str = "SELECT e.id, e.year, e.subject, e.community_org_id, c.code AS community_code, c.name AS community_name, \
     e.unit_id, u.name AS unit_name, e.member_id, m.name AS member_name, e.grade, e.comment, e.evaluated_by, e.evaluated_at \
     FROM evaluations e JOIN orgs c ON c.id = e.community_org_id \
     LEFT JOIN units u ON u.id = e.unit_id LEFT JOIN members m ON m.id = e.member_id";

pub struct NewEvaluation<'a> {
    pub year: i32,
    pub subject: &'a str,
    pub community_org_id: i64,
    pub unit_id: Option<i64>,
    pub member_id: Option<i64>,
    pub grade: &'a str,
    pub comment: Option<&'a str>,
    pub by: &'a str,
}

pub async fn insert(tx: &mut Tx, e: &NewEvaluation<'_>) -> Result<i64, StoreError> {
    Ok(on!(tx, c => sqlx::query_scalar(
        "INSERT INTO evaluations (year, subject, community_org_id, unit_id, member_id, grade, comment, evaluated_by, evaluated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id")
        .bind(e.year).bind(e.subject).bind(e.community_org_id).bind(e.unit_id).bind(e.member_id)
        .bind(e.grade).bind(e.comment).bind(e.by).bind(clock::now()).fetch_one(c).await)?)
}

pub async fn by_id(tx: &mut Tx, id: i64) -> Result<Option<EvaluationRow>, StoreError> {
    let sql = format!("{SELECT} WHERE e.id = $1");
    Ok(on!(tx, c => sqlx::query_as::<_, EvaluationRow>(&sql).bind(id).fetch_optional(c).await)?)
}

pub async fn delete(tx: &mut Tx, id: i64) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("DELETE FROM evaluations WHERE id = $1").bind(id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Every evaluation a member received, newest year first.
pub async fn of_member(tx: &mut Tx, member_id: i64) -> Result<Vec<EvaluationRow>, StoreError> {
    let sql = format!("{SELECT} WHERE e.member_id = $1 ORDER BY e.year DESC, e.id DESC");
    Ok(on!(tx, c => sqlx::query_as::<_, EvaluationRow>(&sql).bind(member_id).fetch_all(c).await)?)
}

/// Every evaluation a unit received or gave, newest year first.
pub async fn of_unit(tx: &mut Tx, unit_id: i64) -> Result<Vec<EvaluationRow>, StoreError> {
    let sql = format!("{SELECT} WHERE e.unit_id = $1 ORDER BY e.year DESC, e.subject, e.id DESC");
    Ok(on!(tx, c => sqlx::query_as::<_, EvaluationRow>(&sql).bind(unit_id).fetch_all(c).await)?)
}

/// Whether the member or unit was registered with the community at some time in the dates.
pub async fn registered_between(
    tx: &mut Tx,
    community_org_id: i64,
    member_id: Option<i64>,
    unit_id: Option<i64>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<bool, StoreError> {
    let n: i64 = on!(tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM registrations WHERE community_org_id = $1 AND (member_id = $2 OR unit_id = $3) \
         AND registered_on <= $4 AND (ended_on IS NULL OR ended_on >= $5)")
        .bind(community_org_id).bind(member_id).bind(unit_id).bind(to).bind(from).fetch_one(c).await)?;
    Ok(n > 0)
}

/// Grades received by the orgs of a subtree in the given years, counted per org, year and
/// grade: a unit's party org for its unit, a member's org for the member, the community for
/// itself.
pub async fn received_per_org(
    tx: &mut Tx,
    path: &str,
    years: (i32, i32),
) -> Result<Vec<(i64, i32, String, i64)>, StoreError> {
    let up = upper(path);
    let sql = "SELECT org_id, year, grade, COUNT(*) FROM ( \
         SELECT o.id AS org_id, o.path AS path, e.year, e.grade FROM evaluations e JOIN units u ON u.id = e.unit_id \
           JOIN orgs o ON o.id = u.org_id WHERE e.subject = 'unit' \
         UNION ALL SELECT m.org_id, m.org_path, e.year, e.grade FROM evaluations e JOIN members m ON m.id = e.member_id \
         UNION ALL SELECT c.id, c.path, e.year, e.grade FROM evaluations e JOIN orgs c ON c.id = e.community_org_id \
           WHERE e.subject = 'community') x \
         WHERE path >= $1 AND path < $2 AND year IN ($3, $4) GROUP BY org_id, year, grade";
    Ok(
        on!(tx, c => sqlx::query_as::<_, (i64, i32, String, i64)>(sql)
        .bind(path).bind(&up).bind(years.0).bind(years.1).fetch_all(c).await)?,
    )
}

/// For the demo city: grades most pairs a year owes in one statement, spread over the grades
/// by a hash of the ids, leaving about one pair in eight ungraded. Returns how many it wrote.
pub async fn grade_demo_year(tx: &mut Tx, year: i32, by: &str) -> Result<u64, StoreError> {
    let from = NaiveDate::from_ymd_opt(year, 1, 1).expect("valid year");
    let to = NaiveDate::from_ymd_opt(year, 12, 31).expect("valid year");
    let grade = |k: &str| {
        format!(
            "CASE ({k} * 37 + community_org_id * 11) % 20 WHEN 0 THEN 'poor' WHEN 1 THEN 'fair' WHEN 2 THEN 'fair' \
             WHEN 3 THEN 'fair' WHEN 4 THEN 'good' WHEN 5 THEN 'good' WHEN 6 THEN 'good' WHEN 7 THEN 'good' \
             WHEN 8 THEN 'good' WHEN 9 THEN 'good' WHEN 10 THEN 'good' ELSE 'excellent' END"
        )
    };
    let active = "registered_on <= $2 AND (ended_on IS NULL OR ended_on >= $3)";
    let cols = "year, subject, community_org_id, unit_id, member_id, grade, comment, evaluated_by, evaluated_at";
    let mut written = 0;
    for (subject, key, salt) in [
        ("member", "member_id", 0),
        ("unit", "unit_id", 3),
        ("community", "unit_id", 5),
    ] {
        let (unit, member) = if key == "member_id" {
            ("CAST(NULL AS BIGINT)", "member_id")
        } else {
            ("unit_id", "CAST(NULL AS BIGINT)")
        };
        let sql = format!(
            "INSERT INTO evaluations ({cols}) SELECT $1, '{subject}', community_org_id, {unit}, {member}, {}, NULL, $4, $5 \
             FROM (SELECT DISTINCT community_org_id, {key} FROM registrations WHERE {key} IS NOT NULL AND {active}) r \
             WHERE ({key} * 13 + {salt}) % 8 <> 0",
            grade(key)
        );
        written += on!(tx, c => sqlx::query(&sql).bind(year).bind(to).bind(from).bind(by).bind(clock::now())
            .execute(c).await.map(|r| r.rows_affected()))?;
    }
    Ok(written)
}
