//! Member points: stored schemes, manual entries, and the set-based reads points are computed
//! from (meetings held per org, absences and visits per member, 双报到 in a period).

use crate::db::on;
use crate::{StoreError, Tx, in_list};
use chrono::{DateTime, NaiveDate, Utc};
use jiceng_domain::clock;
use jiceng_domain::path::upper;

pub mod kept;

pub async fn schemes(tx: &mut Tx) -> Result<Vec<(String, String)>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, (String, String)>(
        "SELECT code, document FROM points_schemes ORDER BY code").fetch_all(c).await)?)
}

pub async fn save_scheme(
    tx: &mut Tx,
    code: &str,
    name: &str,
    document: &str,
) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("DELETE FROM points_schemes WHERE code = $1").bind(code).execute(c).await.map(|r| r.rows_affected()))?;
    on!(tx, c => sqlx::query("INSERT INTO points_schemes (code, name, document, updated_at) VALUES ($1, $2, $3, $4)")
        .bind(code).bind(name).bind(document).bind(clock::now()).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct EntryRow {
    pub id: i64,
    pub scheme: String,
    pub item: String,
    pub member_id: i64,
    pub member_name: String,
    pub member_path: String,
    pub period: String,
    pub occurred_on: NaiveDate,
    pub points: i64,
    pub note: Option<String>,
    pub evidence: Option<String>,
    pub status: jiceng_domain::points::EntryStatus,
    pub created_by: String,
    pub decided_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

const ENTRY: &str = "SELECT e.id, e.scheme, e.item, e.member_id, p.name AS member_name, e.member_path, e.period, e.occurred_on, \
     e.points, e.note, e.evidence, e.status, e.created_by, e.decided_by, e.created_at, e.decided_at \
     FROM points_entries e JOIN members p ON p.id = e.member_id";

pub struct NewEntry<'a> {
    pub scheme: &'a str,
    pub item: &'a str,
    pub member_id: i64,
    pub member_path: &'a str,
    pub period: &'a str,
    pub occurred_on: NaiveDate,
    pub points: i64,
    pub note: Option<&'a str>,
    pub evidence: Option<&'a str>,
    pub created_by: &'a str,
}

pub async fn insert_entry(tx: &mut Tx, e: &NewEntry<'_>) -> Result<i64, StoreError> {
    Ok(on!(tx, c => sqlx::query_scalar(
        "INSERT INTO points_entries (scheme, item, member_id, member_path, period, occurred_on, points, note, evidence, status, \
         created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', $10, $11) RETURNING id")
        .bind(e.scheme).bind(e.item).bind(e.member_id).bind(e.member_path).bind(e.period).bind(e.occurred_on)
        .bind(e.points).bind(e.note).bind(e.evidence).bind(e.created_by).bind(clock::now())
        .fetch_one(c).await)?)
}

pub async fn entry(tx: &mut Tx, id: i64) -> Result<Option<EntryRow>, StoreError> {
    let sql = format!("{ENTRY} WHERE e.id = $1");
    Ok(on!(tx, c => sqlx::query_as::<_, EntryRow>(&sql).bind(id).fetch_optional(c).await)?)
}

pub async fn decide(tx: &mut Tx, id: i64, status: &str, by: &str) -> Result<u64, StoreError> {
    Ok(on!(tx, c => sqlx::query(
        "UPDATE points_entries SET status = $1, decided_by = $2, decided_at = $3 WHERE id = $4 AND status = 'pending'")
        .bind(status).bind(by).bind(clock::now()).bind(id).execute(c).await.map(|r| r.rows_affected()))?)
}

pub async fn entries_of(
    tx: &mut Tx,
    member_id: i64,
    scheme: &str,
    period: &str,
) -> Result<Vec<EntryRow>, StoreError> {
    let sql = format!(
        "{ENTRY} WHERE e.member_id = $1 AND e.scheme = $2 AND e.period = $3 ORDER BY e.occurred_on, e.id"
    );
    Ok(
        on!(tx, c => sqlx::query_as::<_, EntryRow>(&sql).bind(member_id).bind(scheme).bind(period).fetch_all(c).await)?,
    )
}

/// Pending entries within a subtree, oldest first, a page after `after` (entered at, id).
pub async fn pending_within(
    tx: &mut Tx,
    path: &str,
    after: Option<(DateTime<Utc>, i64)>,
    limit: i64,
) -> Result<Vec<EntryRow>, StoreError> {
    let mut a = crate::keyset::Args::default();
    let mut cond = vec![
        "e.status = 'pending'".to_string(),
        format!("e.member_path >= {}", a.text(path)),
        format!("e.member_path < {}", a.text(&upper(path))),
    ];
    if let Some((at, id)) = after {
        cond.push(format!(
            "(e.created_at, e.id) > ({}, {})",
            a.time(at),
            a.int(id)
        ));
    }
    let sql = format!(
        "{ENTRY} WHERE {} ORDER BY e.created_at, e.id LIMIT {}",
        cond.join(" AND "),
        a.int(limit)
    );
    crate::keyset::fetch(tx, &sql, &a).await
}

/// Runs `inner` (a SELECT of `cols`) and hands back all its rows as one JSON array in one row:
/// for the hundreds of thousands of rows a ranking reads, the SQLite driver's per-row cost is
/// larger than the query's.
pub(crate) fn as_json(tx: &Tx, cols: &str, inner: &str) -> String {
    let (agg, array) = match tx.backend() {
        crate::Backend::Sqlite => ("json_group_array", "json_array"),
        crate::Backend::Postgres => ("json_agg", "json_build_array"),
    };
    format!("SELECT CAST({agg}({array}({cols})) AS TEXT) FROM ({inner}) t")
}

pub(crate) fn parse<T: serde::de::DeserializeOwned>(
    json: Option<String>,
) -> Result<Vec<T>, StoreError> {
    match json {
        None => Ok(Vec::new()),
        Some(j) => serde_json::from_str(&j).map_err(|e| StoreError::Other(e.to_string())),
    }
}

/// Meetings held per org within a subtree between two months (YYYYMM). Grouping by `+org_id`
/// (not a bare column) keeps SQLite from walking the per-org index to skip the sort, which
/// reads the whole table instead of the months asked for; the same goes for absences below.
pub async fn held_per_org(
    tx: &mut Tx,
    path: &str,
    from: i64,
    to: i64,
) -> Result<Vec<(i64, i64)>, StoreError> {
    let up = upper(path);
    let sql = as_json(
        tx,
        "org_id, n",
        "SELECT +org_id AS org_id, COUNT(*) AS n FROM meetings WHERE status = 'held' AND month >= $1 AND month <= $2 \
         AND org_path >= $3 AND org_path < $4 GROUP BY +org_id",
    );
    let json: Option<String> = on!(tx, c => sqlx::query_scalar(&sql)
        .bind(from).bind(to).bind(path).bind(&up).fetch_one(c).await)?;
    parse(json)
}

/// Orgs of a subtree as (id, parent id), parents before children.
pub async fn org_parents(tx: &mut Tx, path: &str) -> Result<Vec<(i64, Option<i64>)>, StoreError> {
    let up = upper(path);
    let (agg, array) = match tx.backend() {
        crate::Backend::Sqlite => ("json_group_array", "json_array"),
        crate::Backend::Postgres => ("json_agg", "json_build_array"),
    };
    // Ordered inside the aggregate: a subquery's order does not survive aggregation everywhere.
    let sql = format!(
        "SELECT CAST({agg}({array}(id, parent_id) ORDER BY path) AS TEXT) FROM orgs WHERE path >= $1 AND path < $2"
    );
    let json: Option<String> =
        on!(tx, c => sqlx::query_scalar(&sql).bind(path).bind(&up).fetch_one(c).await)?;
    parse(json)
}

/// Members of a subtree as (id, org id).
pub async fn members_within(tx: &mut Tx, path: &str) -> Result<Vec<(i64, i64)>, StoreError> {
    let up = upper(path);
    match tx {
        Tx::Pg(t) => pg_members_within(t, path, &up).await,
        Tx::PgRead(t) => pg_members_within(t, path, &up).await,
        _ => {
            let sql = as_json(tx, "id, org_id", MEMBERS_WITHIN);
            let json: Option<String> =
                on!(tx, c => sqlx::query_scalar(&sql).bind(path).bind(&up).fetch_one(c).await)?;
            parse(json)
        }
    }
}

const MEMBERS_WITHIN: &str =
    "SELECT id, org_id FROM members WHERE org_path >= $1 AND org_path < $2";

/// PostgreSQL sends two arrays far faster than it builds a JSON array per member.
async fn pg_members_within(
    c: &mut sqlx::PgConnection,
    path: &str,
    up: &str,
) -> Result<Vec<(i64, i64)>, StoreError> {
    let sql = format!(
        "SELECT COALESCE(array_agg(id), '{{}}'), COALESCE(array_agg(org_id), '{{}}') FROM ({MEMBERS_WITHIN}) t"
    );
    let (ids, orgs): (Vec<i64>, Vec<i64>) = sqlx::query_as(&sql)
        .bind(path)
        .bind(up)
        .fetch_one(c)
        .await?;
    Ok(ids.into_iter().zip(orgs).collect())
}

/// Per member of a subtree: visits to meetings held in the months (at any org).
pub async fn visits_within(
    tx: &mut Tx,
    path: &str,
    from: i64,
    to: i64,
) -> Result<Vec<(i64, i64)>, StoreError> {
    let up = upper(path);
    let sql = as_json(
        tx,
        "member_id, n",
        "SELECT v.member_id, COUNT(*) AS n FROM meeting_visitors v JOIN meetings m ON m.id = v.meeting_id \
         JOIN members p ON p.id = v.member_id WHERE m.status = 'held' AND m.month >= $1 AND m.month <= $2 \
         AND p.org_path >= $3 AND p.org_path < $4 GROUP BY v.member_id",
    );
    let json: Option<String> = on!(tx, c => sqlx::query_scalar(&sql)
        .bind(from).bind(to).bind(path).bind(&up).fetch_one(c).await)?;
    parse(json)
}

/// Per member of a subtree (where they belong now): minutes of volunteer service recorded in
/// the dates.
pub async fn service_within(
    tx: &mut Tx,
    path: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(i64, i64)>, StoreError> {
    let up = upper(path);
    let sql = as_json(
        tx,
        "member_id, n",
        "SELECT s.member_id, SUM(s.minutes) AS n FROM service_records s JOIN members p ON p.id = s.member_id \
         WHERE p.org_path >= $1 AND p.org_path < $2 AND s.served_on >= $3 AND s.served_on <= $4 GROUP BY s.member_id",
    );
    let json: Option<String> = on!(tx, c => sqlx::query_scalar(&sql)
        .bind(path).bind(&up).bind(from).bind(to).fetch_one(c).await)?;
    parse(json)
}

/// Members with a 双报到 registration active at some time in the dates; the caller keeps
/// those in its scope, which is cheaper than joining every registration to its member here.
pub async fn registered_between(
    tx: &mut Tx,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<i64>, StoreError> {
    let sql = as_json(
        tx,
        "member_id",
        "SELECT DISTINCT member_id FROM registrations WHERE member_id IS NOT NULL \
         AND registered_on <= $1 AND (ended_on IS NULL OR ended_on >= $2)",
    );
    let json: Option<String> =
        on!(tx, c => sqlx::query_scalar(&sql).bind(to).bind(from).fetch_one(c).await)?;
    Ok(parse::<(i64,)>(json)?.into_iter().map(|r| r.0).collect())
}

/// Names of members by id.
pub async fn names(tx: &mut Tx, ids: &[i64]) -> Result<Vec<(i64, String, String)>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT p.id, p.name, o.name FROM members p JOIN orgs o ON o.id = p.org_id WHERE p.id IN ({})",
        in_list(1, ids.len())
    );
    on!(tx, c => {
        let mut q = sqlx::query_as::<_, (i64, String, String)>(&sql);
        for id in ids {
            q = q.bind(id);
        }
        q.fetch_all(c).await
    })
    .map_err(Into::into)
}

/// The held meetings a member was expected at in the months (their org and those above it),
/// with whether they were absent and the reason: the lines of their ledger.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct MeetingLine {
    pub meeting_id: i64,
    pub held_on: NaiveDate,
    pub kind: jiceng_domain::orglife::MeetingKind,
    pub topic: String,
    pub org_name: String,
    pub absent: bool,
    pub reason: Option<String>,
}

/// Bounded by dates rather than month keys so both branches walk `meetings_org` (org, date):
/// with a month range PostgreSQL's generic plan also scans the months' index for every org.
pub async fn member_meetings(
    tx: &mut Tx,
    member_id: i64,
    org_ids: &[i64],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<MeetingLine>, StoreError> {
    if org_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT m.id AS meeting_id, m.held_on, m.kind, m.topic, o.name AS org_name, \
         (a.member_id IS NOT NULL) AS absent, a.reason \
         FROM meetings m JOIN orgs o ON o.id = m.org_id \
         LEFT JOIN meeting_absences a ON a.meeting_id = m.id AND a.member_id = $1 \
         WHERE m.status = 'held' AND m.held_on >= $2 AND m.held_on <= $3 AND m.org_id IN ({}) \
         UNION ALL \
         SELECT m.id, m.held_on, m.kind, m.topic, o.name, FALSE, NULL FROM meeting_visitors v \
         JOIN meetings m ON m.id = v.meeting_id JOIN orgs o ON o.id = m.org_id \
         WHERE v.member_id = $1 AND m.status = 'held' AND m.held_on >= $2 AND m.held_on <= $3 \
         ORDER BY 2, 1",
        in_list(4, org_ids.len())
    );
    on!(tx, c => {
        let mut q = sqlx::query_as::<_, MeetingLine>(&sql).bind(member_id).bind(from).bind(to);
        for id in org_ids {
            q = q.bind(id);
        }
        q.fetch_all(c).await
    })
    .map_err(Into::into)
}

/// Whether one member had a 双报到 registration active at some point between two dates.
pub async fn member_registered(
    tx: &mut Tx,
    member_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<bool, StoreError> {
    let n: i64 = on!(tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM registrations WHERE member_id = $1 AND registered_on <= $2 AND (ended_on IS NULL OR ended_on >= $3)")
        .bind(member_id).bind(to).bind(from).fetch_one(c).await)?;
    Ok(n > 0)
}

/// Bulk insert of entries already approved, for the demo city:
/// (scheme, item, member, member path, period, date, points, evidence).
pub type DemoEntry<'a> = (
    &'a str,
    &'a str,
    i64,
    &'a str,
    String,
    NaiveDate,
    i64,
    &'a str,
);

pub async fn insert_approved_many(tx: &mut Tx, rows: &[DemoEntry<'_>]) -> Result<(), StoreError> {
    let now = clock::now();
    for chunk in rows.chunks(500) {
        let sql = format!(
            "INSERT INTO points_entries (scheme, item, member_id, member_path, period, occurred_on, points, evidence, status, \
             created_by, decided_by, created_at, decided_at) VALUES {}",
            crate::values_list(tx.backend(), chunk.len(), 13)
        );
        on!(tx, c => {
            let mut q = sqlx::query(&sql);
            for (scheme, item, member, path, period, on, points, evidence) in chunk {
                q = q.bind(*scheme).bind(*item).bind(member).bind(*path).bind(period).bind(on).bind(points)
                    .bind(*evidence).bind("approved").bind("demo").bind("demo").bind(now).bind(now);
            }
            q.execute(c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

/// Transfers after `after` of the members now in a subtree, by member and day: (member, from
/// org, to org, day). Few members move in a period, so their meetings are counted one by one.
pub async fn transfers_within(
    tx: &mut Tx,
    path: &str,
    after: NaiveDate,
) -> Result<Vec<(i64, i64, i64, NaiveDate)>, StoreError> {
    let up = upper(path);
    Ok(
        on!(tx, c => sqlx::query_as::<_, (i64, i64, i64, NaiveDate)>(
        "SELECT t.member_id, t.from_org_id, t.to_org_id, t.transferred_on FROM transfers t JOIN members p ON p.id = t.member_id \
         WHERE p.org_path >= $1 AND p.org_path < $2 AND t.transferred_on > $3 ORDER BY t.member_id, t.transferred_on, t.id")
        .bind(path).bind(&up).bind(after).fetch_all(c).await)?,
    )
}

/// The days the given orgs held meetings in the dates, one row per meeting.
pub async fn held_days(
    tx: &mut Tx,
    org_ids: &[i64],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(i64, NaiveDate)>, StoreError> {
    if org_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT org_id, held_on FROM meetings WHERE status = 'held' AND held_on >= $1 AND held_on <= $2 AND org_id IN ({})",
        in_list(3, org_ids.len())
    );
    on!(tx, c => {
        let mut q = sqlx::query_as::<_, (i64, NaiveDate)>(&sql).bind(from).bind(to);
        for id in org_ids {
            q = q.bind(id);
        }
        q.fetch_all(c).await
    })
    .map_err(Into::into)
}

/// Per member now in a subtree: absences (all, and without a reason) in the months at
/// meetings of their org or an org above it, as their ledger lists them.
pub async fn member_absences_within(
    tx: &mut Tx,
    path: &str,
    from: i64,
    to: i64,
) -> Result<Vec<(i64, i64, i64)>, StoreError> {
    let up = upper(path);
    let sql = as_json(
        tx,
        "member_id, n, unexcused",
        "SELECT a.member_id, COUNT(*) AS n, CAST(SUM(a.unexcused) AS BIGINT) AS unexcused FROM meeting_absences a \
         JOIN members p ON p.id = a.member_id WHERE a.month >= $1 AND a.month <= $2 \
         AND p.org_path >= $3 AND p.org_path < $4 AND substr(p.org_path, 1, length(a.org_path)) = a.org_path \
         GROUP BY a.member_id",
    );
    let json: Option<String> = on!(tx, c => sqlx::query_scalar(&sql)
        .bind(from).bind(to).bind(path).bind(&up).fetch_one(c).await)?;
    parse(json)
}

/// Approved manual points per (member, item) of the members now in a subtree.
pub async fn member_approved_within(
    tx: &mut Tx,
    path: &str,
    scheme: &str,
    period: &str,
) -> Result<Vec<(i64, String, i64)>, StoreError> {
    let up = upper(path);
    let sql = as_json(
        tx,
        "member_id, item, n",
        "SELECT e.member_id, e.item, CAST(SUM(e.points) AS BIGINT) AS n FROM points_entries e \
         JOIN members p ON p.id = e.member_id WHERE e.scheme = $1 AND e.period = $2 AND e.status = 'approved' \
         AND p.org_path >= $3 AND p.org_path < $4 GROUP BY e.member_id, e.item",
    );
    let json: Option<String> = on!(tx, c => sqlx::query_scalar(&sql)
        .bind(scheme).bind(period).bind(path).bind(&up).fetch_one(c).await)?;
    parse(json)
}

/// Members who left a subtree after a day (transferred from an org in it) and are now
/// elsewhere: their stints there still count the subtree's meetings.
pub async fn left_within(
    tx: &mut Tx,
    path: &str,
    after: NaiveDate,
) -> Result<Vec<i64>, StoreError> {
    let up = upper(path);
    Ok(on!(tx, c => sqlx::query_scalar::<_, i64>(
        "SELECT DISTINCT t.member_id FROM transfers t JOIN orgs o ON o.id = t.from_org_id \
         JOIN members p ON p.id = t.member_id WHERE o.path >= $1 AND o.path < $2 AND t.transferred_on > $3 \
         AND NOT (p.org_path >= $1 AND p.org_path < $2) ORDER BY t.member_id")
        .bind(path).bind(&up).bind(after).fetch_all(c).await)?)
}

/// Members now in a subtree with a 双报到 registration active at some time in the dates: a
/// subtree's recount reads only its members' registrations, not the city's.
pub async fn registered_within(
    tx: &mut Tx,
    path: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<i64>, StoreError> {
    Ok(on!(tx, c => sqlx::query_scalar::<_, i64>(
        "SELECT DISTINCT r.member_id FROM registrations r JOIN members p ON p.id = r.member_id \
         WHERE p.org_path >= $1 AND p.org_path < $2 AND r.registered_on <= $3 AND (r.ended_on IS NULL OR r.ended_on >= $4)")
        .bind(path).bind(upper(path)).bind(to).bind(from).fetch_all(c).await)?)
}

/// Per member now in a subtree: wishes they claimed and saw fulfilled in the dates.
pub async fn wishes_within(
    tx: &mut Tx,
    path: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(i64, i64)>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, (i64, i64)>(
        "SELECT w.member_id, COUNT(*) FROM wishes w JOIN members p ON p.id = w.member_id \
         WHERE p.org_path >= $1 AND p.org_path < $2 AND w.status = 'fulfilled' AND w.fulfilled_on >= $3 \
         AND w.fulfilled_on <= $4 GROUP BY w.member_id")
        .bind(path).bind(upper(path)).bind(from).bind(to).fetch_all(c).await)?)
}

/// Meetings held per org of a subtree between two dates, read org by org on `meetings_org`
/// (org, date): a subtree's months of meetings are a small part of the city's.
pub async fn held_per_org_within(
    tx: &mut Tx,
    path: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(i64, i64)>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, (i64, i64)>(
        "SELECT m.org_id, COUNT(*) FROM orgs o JOIN meetings m ON m.org_id = o.id \
         WHERE o.path >= $1 AND o.path < $2 AND m.held_on >= $3 AND m.held_on <= $4 AND m.status = 'held' \
         GROUP BY m.org_id")
        .bind(path).bind(upper(path)).bind(from).bind(to).fetch_all(c).await)?)
}

/// The same per member of a subtree, read member by member on `service_member` (member,
/// date): `CROSS JOIN` keeps SQLite from reading the whole city's year of service instead.
pub async fn member_service_within(
    tx: &mut Tx,
    path: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(i64, i64)>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, (i64, i64)>(
        "SELECT s.member_id, CAST(SUM(s.minutes) AS BIGINT) FROM members p CROSS JOIN service_records s \
         WHERE s.member_id = p.id AND p.org_path >= $1 AND p.org_path < $2 AND s.served_on >= $3 AND s.served_on <= $4 \
         GROUP BY s.member_id")
        .bind(path).bind(upper(path)).bind(from).bind(to).fetch_all(c).await)?)
}
