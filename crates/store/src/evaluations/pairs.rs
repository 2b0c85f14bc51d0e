//! The pairs a year owes in 双向评价, kept as rows (migration 37): which years are kept,
//! building a year from the registrations, keeping a pair and its tallies on each write, and
//! the list's reads, each a range of one index.

use crate::db::on;
use crate::keyset::{Args, fetch};
use crate::{StoreError, Tx};
use chrono::NaiveDate;
use jiceng_domain::clock;
use jiceng_domain::evaluations::{Grade, Subject};
use jiceng_domain::path::upper;

/// The pairs a registration active some day of year $1 (from $2 to $3) owes, one statement per
/// subject: the community grades the member or the unit, and the unit grades the community.
/// `only` narrows them to one community ($4) and one member or unit ($5).
fn owed(only: bool) -> [String; 3] {
    let active = "r.registered_on <= $3 AND (r.ended_on IS NULL OR r.ended_on >= $2)";
    let cols = "year, subject, community_org_id, rated_id, rater_path, evaluation_id";
    let narrow = |key: &str| {
        if only {
            format!(" AND r.community_org_id = $4 AND r.{key} = $5")
        } else {
            String::new()
        }
    };
    let (m, u) = (narrow("member_id"), narrow("unit_id"));
    [
        format!(
            "INSERT INTO evaluation_pairs ({cols}) SELECT DISTINCT $1, 'member', r.community_org_id, r.member_id, c.path, e.id \
             FROM registrations r JOIN orgs c ON c.id = r.community_org_id \
             LEFT JOIN evaluations e ON e.member_id = r.member_id AND e.year = $1 AND e.community_org_id = r.community_org_id \
             WHERE r.member_id IS NOT NULL AND {active}{m}"
        ),
        format!(
            "INSERT INTO evaluation_pairs ({cols}) SELECT DISTINCT $1, 'unit', r.community_org_id, r.unit_id, c.path, e.id \
             FROM registrations r JOIN orgs c ON c.id = r.community_org_id \
             LEFT JOIN evaluations e ON e.unit_id = r.unit_id AND e.year = $1 AND e.subject = 'unit' \
               AND e.community_org_id = r.community_org_id \
             WHERE r.unit_id IS NOT NULL AND {active}{u}"
        ),
        format!(
            "INSERT INTO evaluation_pairs ({cols}) SELECT DISTINCT $1, 'community', r.community_org_id, r.unit_id, uo.path, e.id \
             FROM registrations r JOIN units un ON un.id = r.unit_id JOIN orgs uo ON uo.id = un.org_id \
             LEFT JOIN evaluations e ON e.unit_id = r.unit_id AND e.year = $1 AND e.subject = 'community' \
               AND e.community_org_id = r.community_org_id \
             WHERE r.unit_id IS NOT NULL AND {active}{u}"
        ),
    ]
}

fn year_bounds(year: i32) -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(year, 1, 1).expect("a checked year"),
        NaiveDate::from_ymd_opt(year, 12, 31).expect("a checked year"),
    )
}

/// Every kept year.
pub async fn years(tx: &mut Tx) -> Result<Vec<i32>, StoreError> {
    Ok(on!(tx, c => sqlx::query_scalar::<_, i32>(
        "SELECT year FROM evaluation_years ORDER BY year").fetch_all(c).await)?)
}

pub async fn is_kept(tx: &mut Tx, year: i32) -> Result<bool, StoreError> {
    let n: i64 = on!(tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM evaluation_years WHERE year = $1").bind(year).fetch_one(c).await)?;
    Ok(n > 0)
}

/// Writes a year's pairs and tallies whole from the registrations and grades, and keeps it.
pub async fn keep(tx: &mut Tx, year: i32) -> Result<u64, StoreError> {
    forget(tx, year).await?;
    let (from, to) = year_bounds(year);
    let mut written = 0;
    for sql in owed(false) {
        written += on!(tx, c => sqlx::query(&sql).bind(year).bind(from).bind(to)
            .execute(c).await.map(|r| r.rows_affected()))?;
    }
    on!(tx, c => sqlx::query(
        "INSERT INTO evaluation_tallies (year, rater_path, subject, owed, done) \
         SELECT year, rater_path, subject, COUNT(*), COUNT(evaluation_id) FROM evaluation_pairs \
         WHERE year = $1 GROUP BY year, rater_path, subject")
        .bind(year).execute(c).await.map(|r| r.rows_affected()))?;
    on!(tx, c => sqlx::query("INSERT INTO evaluation_years (year, built_at) VALUES ($1, $2)")
        .bind(year).bind(clock::now()).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(written)
}

/// Stops keeping a year and drops its rows (after a bulk load that wrote around them).
pub async fn forget(tx: &mut Tx, year: i32) -> Result<(), StoreError> {
    for table in ["evaluation_pairs", "evaluation_tallies", "evaluation_years"] {
        let sql = format!("DELETE FROM {table} WHERE year = $1");
        on!(tx, c => sqlx::query(&sql).bind(year).execute(c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// Writes again, for every kept year from `from_year` on, the pairs one community owes with
/// one member or one unit, after a registration between them began or ended that year, and
/// recounts the tallies of both grading sides.
pub async fn refresh(
    tx: &mut Tx,
    community_org_id: i64,
    member_id: Option<i64>,
    unit_id: Option<i64>,
    from_year: i32,
) -> Result<(), StoreError> {
    let [member, unit, community] = owed(true);
    let (subjects, rated, statements) = match (member_id, unit_id) {
        (Some(m), _) => ("'member'", m, vec![member]),
        (None, Some(u)) => ("'unit', 'community'", u, vec![unit, community]),
        (None, None) => return Ok(()),
    };
    // The grading sides: the community, and the unit's party org for the unit's grade.
    let paths: Vec<String> = on!(tx, c => sqlx::query_scalar(
        "SELECT path FROM orgs WHERE id = $1 \
         UNION SELECT o.path FROM units u JOIN orgs o ON o.id = u.org_id WHERE u.id = $2")
        .bind(community_org_id).bind(unit_id).fetch_all(c).await)?;
    for year in years(tx).await?.into_iter().filter(|y| *y >= from_year) {
        let delete = format!(
            "DELETE FROM evaluation_pairs WHERE rated_id = $1 AND community_org_id = $2 AND year = $3 \
             AND subject IN ({subjects})"
        );
        on!(tx, c => sqlx::query(&delete).bind(rated).bind(community_org_id).bind(year)
            .execute(c).await.map(|r| r.rows_affected()))?;
        let (from, to) = year_bounds(year);
        for sql in &statements {
            on!(tx, c => sqlx::query(sql).bind(year).bind(from).bind(to).bind(community_org_id).bind(rated)
                .execute(c).await.map(|r| r.rows_affected()))?;
        }
        for path in &paths {
            retally(tx, year, path).await?;
        }
    }
    Ok(())
}

/// Counts again one grading side's tallies for a year.
async fn retally(tx: &mut Tx, year: i32, rater_path: &str) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("DELETE FROM evaluation_tallies WHERE year = $1 AND rater_path = $2")
        .bind(year).bind(rater_path).execute(c).await.map(|r| r.rows_affected()))?;
    on!(tx, c => sqlx::query(
        "INSERT INTO evaluation_tallies (year, rater_path, subject, owed, done) \
         SELECT year, rater_path, subject, COUNT(*), COUNT(evaluation_id) FROM evaluation_pairs \
         WHERE year = $1 AND rater_path = $2 GROUP BY year, rater_path, subject")
        .bind(year).bind(rater_path).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// One pair of a year, as its key names it.
pub struct PairKey {
    pub year: i32,
    pub subject: Subject,
    pub community_org_id: i64,
    pub rated_id: i64,
}

/// Notes a grade given (`Some`) or withdrawn (`None`) on its pair, when its year is kept.
pub async fn graded(
    tx: &mut Tx,
    key: &PairKey,
    evaluation_id: Option<i64>,
) -> Result<(), StoreError> {
    let (set, was, delta) = match evaluation_id {
        Some(_) => ("$5", "evaluation_id IS NULL", 1),
        None => ("NULL", "evaluation_id IS NOT NULL", -1),
    };
    let sql = format!(
        "UPDATE evaluation_pairs SET evaluation_id = {set} WHERE year = $1 AND subject = $2 \
         AND community_org_id = $3 AND rated_id = $4 AND {was} RETURNING rater_path"
    );
    let path: Option<String> = on!(tx, c => {
        let q = sqlx::query_scalar(&sql).bind(key.year).bind(key.subject.code())
            .bind(key.community_org_id).bind(key.rated_id);
        match evaluation_id {
            Some(id) => q.bind(id).fetch_optional(c).await,
            None => q.fetch_optional(c).await,
        }
    })?;
    if let Some(path) = path {
        on!(tx, c => sqlx::query(
            "UPDATE evaluation_tallies SET done = done + $1 WHERE year = $2 AND rater_path = $3 AND subject = $4")
            .bind(delta as i64).bind(key.year).bind(&path).bind(key.subject.code())
            .execute(c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// The grading side's path of a kept pair, or `None` when the year is not kept or the pair
/// not owed.
pub async fn rater_path(tx: &mut Tx, key: &PairKey) -> Result<Option<String>, StoreError> {
    Ok(on!(tx, c => sqlx::query_scalar(
        "SELECT rater_path FROM evaluation_pairs WHERE year = $1 AND subject = $2 AND community_org_id = $3 AND rated_id = $4")
        .bind(key.year).bind(key.subject.code()).bind(key.community_org_id).bind(key.rated_id)
        .fetch_optional(c).await)?)
}

/// Follows an org's subtree moved from `old` to `new` in every kept year.
pub async fn moved(tx: &mut Tx, old: &str, new: &str) -> Result<(), StoreError> {
    let up = upper(old);
    let cut = old.len() as i64 + 1;
    for year in years(tx).await? {
        for table in ["evaluation_pairs", "evaluation_tallies"] {
            let sql = format!(
                "UPDATE {table} SET rater_path = $1 || substr(rater_path, CAST($2 AS INTEGER)) \
                 WHERE year = $3 AND rater_path >= $4 AND rater_path < $5"
            );
            on!(tx, c => sqlx::query(&sql).bind(new).bind(cut).bind(year).bind(old).bind(&up)
                .execute(c).await.map(|r| r.rows_affected()))?;
        }
    }
    Ok(())
}

/// Which pairs to list: those a kept year owes whose grading side sits in a subtree.
pub struct PairQuery<'a> {
    pub year: i32,
    pub path: &'a str,
    pub subject: Option<Subject>,
    /// Only this unit's pairs (a unit liaison's view).
    pub unit_id: Option<i64>,
    pub pending_only: bool,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct PairRow {
    pub subject: Subject,
    pub community_org_id: i64,
    pub community_code: String,
    pub community_name: String,
    pub rated_id: i64,
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    pub member_id: Option<i64>,
    pub member_name: Option<String>,
    pub evaluation_id: Option<i64>,
    pub grade: Option<Grade>,
    pub comment: Option<String>,
    pub evaluated_by: Option<String>,
}

const SELECT: &str = "SELECT p.subject, p.community_org_id, c.code AS community_code, c.name AS community_name, p.rated_id, \
     u.id AS unit_id, u.name AS unit_name, m.id AS member_id, m.name AS member_name, \
     p.evaluation_id, e.grade, e.comment, e.evaluated_by \
     FROM evaluation_pairs p JOIN orgs c ON c.id = p.community_org_id \
     LEFT JOIN units u ON p.subject <> 'member' AND u.id = p.rated_id \
     LEFT JOIN members m ON p.subject = 'member' AND m.id = p.rated_id \
     LEFT JOIN evaluations e ON e.id = p.evaluation_id";

/// The query's conditions on `p`, without the cursor.
fn conditions(q: &PairQuery<'_>, a: &mut Args) -> Vec<String> {
    let mut w = vec![format!("p.year = {}", a.int(q.year.into()))];
    match q.unit_id {
        Some(unit) => {
            w.push(format!("p.rated_id = {}", a.int(unit)));
            w.push("p.subject <> 'member'".into());
        }
        None => {
            let (lo, hi) = (a.text(q.path), a.text(&upper(q.path)));
            w.push(format!("p.rater_path >= {lo} AND p.rater_path < {hi}"));
        }
    }
    if let Some(s) = q.subject {
        w.push(format!("p.subject = {}", a.text(s.code())));
    }
    if q.pending_only {
        w.push("p.evaluation_id IS NULL".into());
    }
    w
}

/// One page of the pairs by grading side, then subject, then who is graded, going on after
/// `after` (a pair shown before, with its grading side's path).
pub async fn page(
    tx: &mut Tx,
    q: &PairQuery<'_>,
    after: Option<(&PairKey, &str)>,
    limit: i64,
) -> Result<Vec<PairRow>, StoreError> {
    let mut a = Args::default();
    let mut w = conditions(q, &mut a);
    // With one subject fixed, the sort skips it, so it runs along the index that leads with it.
    let order = if q.subject.is_some() {
        "p.rater_path, p.rated_id, p.community_org_id"
    } else {
        "p.rater_path, p.subject, p.rated_id, p.community_org_id"
    };
    if let Some((key, path)) = after {
        let path = a.text(path);
        let subject = a.text(key.subject.code());
        let (rated, community) = (a.int(key.rated_id), a.int(key.community_org_id));
        w.push(if q.subject.is_some() {
            format!("(p.rater_path, p.rated_id, p.community_org_id) > ({path}, {rated}, {community})")
        } else {
            format!(
                "(p.rater_path, p.subject, p.rated_id, p.community_org_id) > ({path}, {subject}, {rated}, {community})"
            )
        });
    }
    let limit = a.int(limit);
    let sql = format!(
        "{SELECT} WHERE {} ORDER BY {order} LIMIT {limit}",
        w.join(" AND ")
    );
    fetch(tx, &sql, &a).await
}

/// Pairs owed and graded per subject: a sum over the kept tallies of the scope, or a count
/// of a unit's own few pairs.
pub async fn progress(
    tx: &mut Tx,
    q: &PairQuery<'_>,
) -> Result<Vec<(Subject, i64, i64)>, StoreError> {
    let mut a = Args::default();
    let subject = q
        .subject
        .map(|s| format!(" AND subject = {}", a.text(s.code())))
        .unwrap_or_default();
    let year = a.int(q.year.into());
    let sql = match q.unit_id {
        Some(unit) => format!(
            "SELECT subject, COUNT(*), COUNT(evaluation_id) FROM evaluation_pairs \
             WHERE year = {year} AND rated_id = {} AND subject <> 'member'{subject} GROUP BY subject ORDER BY subject",
            a.int(unit)
        ),
        None => {
            let (lo, hi) = (a.text(q.path), a.text(&upper(q.path)));
            format!(
                "SELECT subject, CAST(SUM(owed) AS BIGINT), CAST(SUM(done) AS BIGINT) FROM evaluation_tallies \
                 WHERE year = {year} AND rater_path >= {lo} AND rater_path < {hi}{subject} GROUP BY subject ORDER BY subject"
            )
        }
    };
    fetch(tx, &sql, &a).await
}
