//! Meetings of orgs (三会一课, 主题党日 …): planned, held or cancelled; their absences, visitors
//! and attachments; the rules of how often each is owed; and the monthly counts compliance
//! reads.

use crate::db::on;
use crate::keyset::{Args, Scope, fetch};
use crate::{StoreError, Tx, in_list, values_list};
use chrono::{DateTime, NaiveDate, Utc};
use jiceng_domain::clock;
use jiceng_domain::orglife::{MeetingKind, MeetingStatus};
use jiceng_domain::path::upper;

const COLUMNS: &str = "m.id, m.org_id, o.code AS org_code, o.name AS org_name, m.org_path, m.kind, m.status, m.held_on, \
     m.place, m.position_id, p.name AS position_name, m.topic, m.host, m.minutes, m.follow_up, m.joint_id, m.expected, m.absent, \
     m.visitors, m.created_at, m.updated_at";
const FROM: &str =
    "FROM meetings m JOIN orgs o ON o.id = m.org_id LEFT JOIN positions p ON p.id = m.position_id";

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct MeetingRow {
    pub id: i64,
    pub org_id: i64,
    pub org_code: String,
    pub org_name: String,
    pub org_path: String,
    pub kind: MeetingKind,
    pub status: MeetingStatus,
    pub held_on: NaiveDate,
    pub place: Option<String>,
    /// The registered service position it is held at, if one was chosen.
    pub position_id: Option<i64>,
    pub position_name: Option<String>,
    pub topic: String,
    pub host: Option<String>,
    pub minutes: Option<String>,
    pub follow_up: Option<String>,
    pub joint_id: Option<i64>,
    pub expected: i64,
    pub absent: i64,
    pub visitors: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct MeetingFields {
    pub org_id: i64,
    pub org_path: String,
    pub kind: MeetingKind,
    pub status: MeetingStatus,
    pub held_on: NaiveDate,
    pub place: Option<String>,
    pub topic: String,
    pub host: Option<String>,
    pub minutes: Option<String>,
    pub follow_up: Option<String>,
    pub joint_id: Option<i64>,
    pub expected: i64,
    pub absent: i64,
    pub visitors: i64,
}

/// YYYYMM of a date, the month key compliance groups by.
pub fn month_key(d: NaiveDate) -> i64 {
    use chrono::Datelike;
    i64::from(d.year()) * 100 + i64::from(d.month())
}

pub async fn insert(tx: &mut Tx, f: &MeetingFields) -> Result<i64, StoreError> {
    let now = clock::now();
    let id: i64 = on!(tx, c => sqlx::query_scalar(
        "INSERT INTO meetings (org_id, org_path, kind, status, held_on, month, place, topic, host, minutes, follow_up, joint_id, \
         expected, absent, visitors, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id")
        .bind(f.org_id).bind(&f.org_path).bind(f.kind).bind(f.status).bind(f.held_on).bind(month_key(f.held_on))
        .bind(&f.place).bind(&f.topic).bind(&f.host).bind(&f.minutes).bind(&f.follow_up).bind(f.joint_id)
        .bind(f.expected).bind(f.absent).bind(f.visitors).bind(now).bind(now)
        .fetch_one(c).await)?;
    keep_levels(tx, id, id).await?;
    Ok(id)
}

/// Copies the district, street and community of each meeting's org onto the meetings with
/// ids in `first..=last`, for the lists of a scope.
async fn keep_levels(tx: &mut Tx, first: i64, last: i64) -> Result<(), StoreError> {
    let from = |col: &str| {
        format!("{col} = (SELECT l.{col} FROM org_levels l WHERE l.org_id = meetings.org_id)")
    };
    let sql = format!(
        "UPDATE meetings SET {}, {}, {} WHERE id >= $1 AND id <= $2",
        from("district_org_id"),
        from("street_org_id"),
        from("community_org_id")
    );
    on!(tx, c => sqlx::query(&sql).bind(first).bind(last).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Bulk insert with explicit ids, for the demo city.
pub async fn insert_many(tx: &mut Tx, rows: &[(i64, MeetingFields)]) -> Result<(), StoreError> {
    let now = clock::now();
    for chunk in rows.chunks(500) {
        let sql = format!(
            "INSERT INTO meetings (id, org_id, org_path, kind, status, held_on, month, place, topic, host, minutes, follow_up, \
             joint_id, expected, absent, visitors, created_at, updated_at) VALUES {}",
            values_list(tx.backend(), chunk.len(), 18)
        );
        on!(tx, c => {
            let mut q = sqlx::query(&sql);
            for (id, f) in chunk {
                q = q.bind(id).bind(f.org_id).bind(&f.org_path).bind(f.kind).bind(f.status).bind(f.held_on)
                    .bind(month_key(f.held_on)).bind(&f.place).bind(&f.topic).bind(&f.host).bind(&f.minutes)
                    .bind(&f.follow_up).bind(f.joint_id).bind(f.expected).bind(f.absent).bind(f.visitors)
                    .bind(now).bind(now);
            }
            q.execute(c).await.map(|r| r.rows_affected())
        })?;
        let ids = chunk.iter().map(|(id, _)| *id);
        if let (Some(first), Some(last)) = (ids.clone().min(), ids.max()) {
            keep_levels(tx, first, last).await?;
        }
    }
    Ok(())
}

pub async fn max_id(tx: &mut Tx) -> Result<i64, StoreError> {
    Ok(on!(tx, c => sqlx::query_scalar::<_, Option<i64>>("SELECT MAX(id) FROM meetings").fetch_one(c).await)?
        .unwrap_or(0))
}

/// Rewrites a meeting's record: planned → held or cancelled, or a correction.
pub async fn update(tx: &mut Tx, id: i64, f: &MeetingFields) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query(
        "UPDATE meetings SET kind = $1, status = $2, held_on = $3, month = $4, place = $5, topic = $6, host = $7, minutes = $8, \
         follow_up = $9, expected = $10, absent = $11, visitors = $12, updated_at = $13 WHERE id = $14")
        .bind(f.kind).bind(f.status).bind(f.held_on).bind(month_key(f.held_on)).bind(&f.place).bind(&f.topic)
        .bind(&f.host).bind(&f.minutes).bind(&f.follow_up).bind(f.expected).bind(f.absent).bind(f.visitors)
        .bind(clock::now()).bind(id)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Where a meeting is held, when at a registered service position.
pub async fn set_position(tx: &mut Tx, id: i64, position: Option<i64>) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("UPDATE meetings SET position_id = $2 WHERE id = $1")
        .bind(id).bind(position).execute(c).await.map(|_| ()))?;
    Ok(())
}

pub async fn set_joint(tx: &mut Tx, ids: &[i64], joint_id: i64) -> Result<(), StoreError> {
    if ids.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "UPDATE meetings SET joint_id = $1 WHERE id IN ({})",
        in_list(2, ids.len())
    );
    on!(tx, c => {
        let mut q = sqlx::query(&sql).bind(joint_id);
        for id in ids {
            q = q.bind(id);
        }
        q.execute(c).await.map(|r| r.rows_affected())
    })?;
    Ok(())
}

pub async fn by_id(tx: &mut Tx, id: i64) -> Result<Option<MeetingRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} {FROM} WHERE m.id = $1");
    Ok(on!(tx, c => sqlx::query_as::<_, MeetingRow>(&sql).bind(id).fetch_optional(c).await)?)
}

/// The meetings sharing a joint id, the given one included.
pub async fn joint(tx: &mut Tx, joint_id: i64) -> Result<Vec<MeetingRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} {FROM} WHERE m.joint_id = $1 ORDER BY m.id");
    Ok(on!(tx, c => sqlx::query_as::<_, MeetingRow>(&sql).bind(joint_id).fetch_all(c).await)?)
}

/// Which meetings to list.
#[derive(Debug, Clone, Default)]
pub struct MeetingFilter<'a> {
    pub scope: Scope,
    /// Only this org's own meetings.
    pub org_id: Option<i64>,
    pub kind: Option<&'a str>,
    pub status: Option<&'a str>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// Meetings of a filter, latest first: the `limit` after the (held_on, id) cursor.
pub async fn within(
    tx: &mut Tx,
    f: &MeetingFilter<'_>,
    after: Option<(NaiveDate, i64)>,
    limit: i64,
) -> Result<Vec<MeetingRow>, StoreError> {
    let mut a = Args::default();
    let mut wh: Vec<String> = a.scope("m.", &f.scope).into_iter().collect();
    if let Some(o) = f.org_id {
        wh.push(format!("m.org_id = {}", a.int(o)));
    }
    if let Some(k) = f.kind {
        wh.push(format!("m.kind = {}", a.text(k)));
    }
    if let Some(st) = f.status {
        wh.push(format!("m.status = {}", a.text(st)));
    }
    if let Some(d) = f.from {
        wh.push(format!("m.held_on >= {}", a.date(d)));
    }
    if let Some(d) = f.to {
        wh.push(format!("m.held_on <= {}", a.date(d)));
    }
    if let Some((d, id)) = after {
        wh.push(format!(
            "(m.held_on, m.id) < ({}, {})",
            a.date(d),
            a.int(id)
        ));
    }
    if wh.is_empty() {
        wh.push("1 = 1".into());
    }
    let sql = format!(
        "SELECT {COLUMNS} {FROM} WHERE {} ORDER BY m.held_on DESC, m.id DESC LIMIT {limit}",
        wh.join(" AND ")
    );
    fetch(tx, &sql, &a).await
}

/// Planned meetings on or after `from` of any of `org_ids`, soonest first.
pub async fn upcoming_of(
    tx: &mut Tx,
    org_ids: &[i64],
    from: NaiveDate,
    limit: i64,
) -> Result<Vec<MeetingRow>, StoreError> {
    if org_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {COLUMNS} {FROM} WHERE m.status = 'planned' AND m.held_on >= $1 AND m.org_id IN ({}) \
         ORDER BY m.held_on, m.id LIMIT $2",
        in_list(3, org_ids.len())
    );
    on!(tx, c => {
        let mut q = sqlx::query_as::<_, MeetingRow>(&sql).bind(from).bind(limit);
        for id in org_ids {
            q = q.bind(id);
        }
        q.fetch_all(c).await
    })
    .map_err(Into::into)
}

/// One org's held meetings in one month, as kept in `meeting_months`: the kinds held (one
/// bit a kind), how many, and the attendances owed and missed.
#[derive(Debug, Clone)]
pub struct MonthTally {
    pub org_id: i64,
    pub month: i64,
    pub kinds: i64,
    pub held: i64,
    pub expected: i64,
    pub absent: i64,
}

/// The aggregate columns of `meeting_months` over a group of held meetings.
pub(crate) fn month_tally() -> String {
    let bits: Vec<String> = MeetingKind::ALL
        .iter()
        .map(|k| format!("WHEN '{}' THEN {}", k.code(), k.bit()))
        .collect();
    format!(
        "SUM(DISTINCT CASE kind {} END), COUNT(*), CAST(SUM(expected) AS BIGINT), CAST(SUM(absent) AS BIGINT)",
        bits.join(" ")
    )
}

/// Counts an org's month again from its meetings, after one of them was written.
pub async fn recount_month(tx: &mut Tx, org_id: i64, month: i64) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("DELETE FROM meeting_months WHERE org_id = $1 AND month = $2")
        .bind(org_id).bind(month).execute(c).await.map(|r| r.rows_affected()))?;
    let sql = format!(
        "INSERT INTO meeting_months (org_id, month, kinds, held, expected, absent) \
         SELECT org_id, month, {} FROM meetings WHERE org_id = $1 AND month = $2 AND status = 'held' \
         GROUP BY org_id, month",
        month_tally()
    );
    on!(tx, c => sqlx::query(&sql).bind(org_id).bind(month).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Counts every org's months again, after meetings were loaded in bulk.
pub async fn recount_months(tx: &mut Tx) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("DELETE FROM meeting_months").execute(c).await.map(|r| r.rows_affected()))?;
    let sql = format!(
        "INSERT INTO meeting_months (org_id, month, kinds, held, expected, absent) \
         SELECT org_id, month, {} FROM meetings WHERE status = 'held' GROUP BY org_id, month",
        month_tally()
    );
    on!(tx, c => sqlx::query(&sql).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The kept months (YYYYMM, inclusive) of the orgs in a subtree, or of every org when `path`
/// is `None`: what compliance and attendance rates are computed from.
pub async fn month_tallies(
    tx: &mut Tx,
    path: Option<&str>,
    from_month: i64,
    to_month: i64,
) -> Result<Vec<MonthTally>, StoreError> {
    let cols = "org_id, month, kinds, held, expected, absent";
    let inner = match path {
        None => format!("SELECT {cols} FROM meeting_months WHERE month >= $1 AND month <= $2"),
        Some(_) => "SELECT t.org_id, t.month, t.kinds, t.held, t.expected, t.absent FROM meeting_months t \
             JOIN orgs o ON o.id = t.org_id WHERE t.month >= $1 AND t.month <= $2 AND o.path >= $3 AND o.path < $4"
            .to_string(),
    };
    let up = path.map(upper);
    let rows: Vec<Tally> = match tx {
        Tx::Pg(t) => pg_tallies(t, &inner, from_month, to_month, path).await?,
        Tx::PgRead(t) => pg_tallies(t, &inner, from_month, to_month, path).await?,
        _ => {
            let sql = crate::points::as_json(tx, cols, &inner);
            let json: Option<String> = match (path, &up) {
                (Some(p), Some(u)) => on!(tx, c => sqlx::query_scalar(&sql)
                    .bind(from_month).bind(to_month).bind(p).bind(u).fetch_one(c).await)?,
                _ => {
                    on!(tx, c => sqlx::query_scalar(&sql).bind(from_month).bind(to_month).fetch_one(c).await)?
                }
            };
            crate::points::parse(json)?
        }
    };
    Ok(rows
        .into_iter()
        .map(
            |(org_id, month, kinds, held, expected, absent)| MonthTally {
                org_id,
                month,
                kinds,
                held,
                expected,
                absent,
            },
        )
        .collect())
}

type Tally = (i64, i64, i64, i64, i64, i64);

/// PostgreSQL sends six arrays far faster than it builds a JSON array per row.
async fn pg_tallies(
    c: &mut sqlx::PgConnection,
    inner: &str,
    from_month: i64,
    to_month: i64,
    path: Option<&str>,
) -> Result<Vec<Tally>, StoreError> {
    let sql = format!(
        "SELECT COALESCE(array_agg(org_id), '{{}}'), COALESCE(array_agg(month), '{{}}'), \
         COALESCE(array_agg(kinds), '{{}}'), COALESCE(array_agg(held), '{{}}'), \
         COALESCE(array_agg(expected), '{{}}'), COALESCE(array_agg(absent), '{{}}') FROM ({inner}) t"
    );
    let q = sqlx::query_as(&sql).bind(from_month).bind(to_month);
    let q = match path {
        Some(p) => q.bind(p.to_string()).bind(upper(p)),
        None => q,
    };
    type Arrays = (Vec<i64>, Vec<i64>, Vec<i64>, Vec<i64>, Vec<i64>, Vec<i64>);
    let (o, m, k, h, e, a): Arrays = q.fetch_one(c).await?;
    Ok((0..o.len())
        .map(|i| (o[i], m[i], k[i], h[i], e[i], a[i]))
        .collect())
}

/// An org that owes meetings: the fields compliance shows.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct SubjectOrg {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub level: jiceng_domain::OrgLevel,
    pub path: String,
    pub subtree_member_count: i64,
}

/// Orgs within a subtree at any of `levels`, by path. SQLite reads them as one JSON array:
/// the whole city's branches are tens of thousands of rows, and its driver's cost per row is
/// larger than the query's; PostgreSQL sends rows faster than it builds the JSON.
pub async fn subject_orgs(
    tx: &mut Tx,
    path: &str,
    levels: &[&str],
) -> Result<Vec<SubjectOrg>, StoreError> {
    if levels.is_empty() {
        return Ok(Vec::new());
    }
    let up = upper(path);
    let cols = "id, code, name, level, path, subtree_member_count";
    let inner = format!(
        "SELECT {cols} FROM orgs WHERE path >= $1 AND path < $2 AND level IN ({})",
        in_list(3, levels.len())
    );
    if matches!(tx, Tx::Pg(_) | Tx::PgRead(_)) {
        let sql = format!("{inner} ORDER BY path");
        return Ok(on!(tx, c => {
            let mut q = sqlx::query_as::<_, SubjectOrg>(&sql).bind(path).bind(&up);
            for l in levels {
                q = q.bind(*l);
            }
            q.fetch_all(c).await
        })?);
    }
    let sql = crate::points::as_json(tx, cols, &inner);
    let json: Option<String> = on!(tx, c => {
        let mut q = sqlx::query_scalar(&sql).bind(path).bind(&up);
        for l in levels {
            q = q.bind(*l);
        }
        q.fetch_one(c).await
    })?;
    let mut rows: Vec<(i64, String, String, String, String, i64)> = crate::points::parse(json)?;
    // An aggregate keeps no order everywhere: sorted here.
    rows.sort_unstable_by(|a, b| a.4.cmp(&b.4));
    rows.into_iter()
        .map(|(id, code, name, level, path, subtree_member_count)| {
            Ok(SubjectOrg {
                id,
                code,
                name,
                level: jiceng_domain::OrgLevel::parse(&level)
                    .map_err(|e| StoreError::Other(e.to_string()))?,
                path,
                subtree_member_count,
            })
        })
        .collect()
}

pub async fn rules(tx: &mut Tx) -> Result<Vec<(String, String, String)>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, (String, String, String)>(
        "SELECT kind, level, frequency FROM meeting_rules ORDER BY kind").fetch_all(c).await)?)
}

/// Sets (or with `None`, removes) the rule for a kind of meeting.
pub async fn set_rule(
    tx: &mut Tx,
    kind: &str,
    rule: Option<(&str, &str)>,
) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("DELETE FROM meeting_rules WHERE kind = $1").bind(kind).execute(c).await.map(|r| r.rows_affected()))?;
    if let Some((level, frequency)) = rule {
        on!(tx, c => sqlx::query("INSERT INTO meeting_rules (kind, level, frequency) VALUES ($1, $2, $3)")
            .bind(kind).bind(level).bind(frequency).execute(c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct AbsenceRow {
    pub member_id: i64,
    pub name: String,
    pub reason: Option<String>,
}

/// Replaces a meeting's absences; `month` and `org_path` are the meeting's.
pub async fn replace_absences(
    tx: &mut Tx,
    meeting_id: i64,
    month: i64,
    org_path: &str,
    rows: &[(i64, Option<String>)],
) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("DELETE FROM meeting_absences WHERE meeting_id = $1").bind(meeting_id).execute(c).await.map(|r| r.rows_affected()))?;
    for chunk in rows.chunks(500) {
        let sql = format!(
            "INSERT INTO meeting_absences (meeting_id, member_id, reason, unexcused, month, org_path) VALUES {}",
            values_list(tx.backend(), chunk.len(), 6)
        );
        on!(tx, c => {
            let mut q = sqlx::query(&sql);
            for (member, reason) in chunk {
                q = q.bind(meeting_id).bind(member).bind(reason).bind(i64::from(reason.is_none())).bind(month).bind(org_path);
            }
            q.execute(c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

pub async fn replace_visitors(
    tx: &mut Tx,
    meeting_id: i64,
    members: &[i64],
) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("DELETE FROM meeting_visitors WHERE meeting_id = $1").bind(meeting_id).execute(c).await.map(|r| r.rows_affected()))?;
    for chunk in members.chunks(500) {
        let sql = format!(
            "INSERT INTO meeting_visitors (meeting_id, member_id) VALUES {}",
            values_list(tx.backend(), chunk.len(), 2)
        );
        on!(tx, c => {
            let mut q = sqlx::query(&sql);
            for member in chunk {
                q = q.bind(meeting_id).bind(member);
            }
            q.execute(c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

pub async fn absences(tx: &mut Tx, meeting_id: i64) -> Result<Vec<AbsenceRow>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, AbsenceRow>(
        "SELECT a.member_id, p.name, a.reason FROM meeting_absences a JOIN members p ON p.id = a.member_id \
         WHERE a.meeting_id = $1 ORDER BY p.name, a.member_id")
        .bind(meeting_id).fetch_all(c).await)?)
}

pub async fn visitors(tx: &mut Tx, meeting_id: i64) -> Result<Vec<(i64, String)>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, (i64, String)>(
        "SELECT v.member_id, p.name FROM meeting_visitors v JOIN members p ON p.id = v.member_id \
         WHERE v.meeting_id = $1 ORDER BY p.name, v.member_id")
        .bind(meeting_id).fetch_all(c).await)?)
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct AttachmentRow {
    pub id: i64,
    pub meeting_id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    #[serde(skip)]
    pub stored_as: String,
    pub created_at: DateTime<Utc>,
}

pub async fn insert_attachment(
    tx: &mut Tx,
    meeting_id: i64,
    file_name: &str,
    content_type: &str,
    size: i64,
    stored_as: &str,
) -> Result<i64, StoreError> {
    Ok(on!(tx, c => sqlx::query_scalar(
        "INSERT INTO meeting_attachments (meeting_id, file_name, content_type, size_bytes, stored_as, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
        .bind(meeting_id).bind(file_name).bind(content_type).bind(size).bind(stored_as).bind(clock::now())
        .fetch_one(c).await)?)
}

pub async fn attachments(tx: &mut Tx, meeting_id: i64) -> Result<Vec<AttachmentRow>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, AttachmentRow>(
        "SELECT id, meeting_id, file_name, content_type, size_bytes, stored_as, created_at FROM meeting_attachments \
         WHERE meeting_id = $1 ORDER BY id")
        .bind(meeting_id).fetch_all(c).await)?)
}

pub async fn attachment(tx: &mut Tx, id: i64) -> Result<Option<AttachmentRow>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, AttachmentRow>(
        "SELECT id, meeting_id, file_name, content_type, size_bytes, stored_as, created_at FROM meeting_attachments WHERE id = $1")
        .bind(id).fetch_optional(c).await)?)
}

/// Members of a subtree whose ids are among `ids`: the ones that may be marked absent.
pub async fn members_within(tx: &mut Tx, path: &str, ids: &[i64]) -> Result<Vec<i64>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let up = upper(path);
    let sql = format!(
        "SELECT id FROM members WHERE org_path >= $1 AND org_path < $2 AND id IN ({})",
        in_list(3, ids.len())
    );
    on!(tx, c => {
        let mut q = sqlx::query_scalar::<_, i64>(&sql).bind(path).bind(&up);
        for id in ids {
            q = q.bind(id);
        }
        q.fetch_all(c).await
    })
    .map_err(Into::into)
}

/// Of `ids`, the members with an active 双报到 registration at one of `community_ids`: the
/// in-service members who may attend as visitors.
pub async fn registered_with(
    tx: &mut Tx,
    community_ids: &[i64],
    ids: &[i64],
) -> Result<Vec<i64>, StoreError> {
    if ids.is_empty() || community_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT DISTINCT member_id FROM registrations WHERE ended_on IS NULL AND member_id IN ({}) AND community_org_id IN ({})",
        in_list(1, ids.len()),
        in_list(1 + ids.len(), community_ids.len())
    );
    on!(tx, c => {
        let mut q = sqlx::query_scalar::<_, i64>(&sql);
        for id in ids.iter().chain(community_ids) {
            q = q.bind(id);
        }
        q.fetch_all(c).await
    })
    .map_err(Into::into)
}

/// Every member's (org path, id), by path: the demo draws absentees from an org's subtree.
pub async fn member_paths(tx: &mut Tx) -> Result<Vec<(String, i64)>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, (String, i64)>(
        "SELECT org_path, id FROM members ORDER BY org_path, id").fetch_all(c).await)?)
}

/// Bulk insert of absences, for the demo city: (meeting, member, reason, month, org path).
pub async fn insert_absences(
    tx: &mut Tx,
    rows: &[(i64, i64, Option<&str>, i64, &str)],
) -> Result<(), StoreError> {
    for chunk in rows.chunks(1000) {
        let sql = format!(
            "INSERT INTO meeting_absences (meeting_id, member_id, reason, unexcused, month, org_path) VALUES {}",
            values_list(tx.backend(), chunk.len(), 6)
        );
        on!(tx, c => {
            let mut q = sqlx::query(&sql);
            for (m, p, r, month, path) in chunk {
                q = q.bind(m).bind(p).bind(r).bind(i64::from(r.is_none())).bind(month).bind(*path);
            }
            q.execute(c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}
