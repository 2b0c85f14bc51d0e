//! Volunteers, their teams and the team types; and the service a volunteer did in a period
//! (their certificate).

use crate::db::on;
use crate::keyset::{Args, fetch};
use crate::{StoreError, Tx};
use chrono::NaiveDate;
use jiceng_domain::clock;
use jiceng_domain::path::upper;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct VolunteerRow {
    pub id: i64,
    pub member_id: Option<i64>,
    pub resident_id: Option<i64>,
    pub name: String,
    pub phone: Option<String>,
    pub community_org_id: i64,
    pub community_name: String,
    pub org_path: String,
    pub skills: Option<String>,
    pub availability: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

const SELECT: &str = "SELECT v.id, v.member_id, v.resident_id, v.name, v.phone, v.community_org_id, \
     c.name AS community_name, v.org_path, v.skills, v.availability, v.created_at \
     FROM volunteers v JOIN orgs c ON c.id = v.community_org_id";

pub struct NewVolunteer<'a> {
    pub member_id: Option<i64>,
    pub resident_id: Option<i64>,
    pub name: &'a str,
    pub phone: Option<&'a str>,
    pub community_org_id: i64,
    pub org_path: &'a str,
    pub skills: Option<&'a str>,
    pub availability: Option<&'a str>,
    pub by: &'a str,
}

pub async fn insert(tx: &mut Tx, v: &NewVolunteer<'_>) -> Result<i64, StoreError> {
    Ok(on!(tx, c => sqlx::query_scalar(
        "INSERT INTO volunteers (member_id, resident_id, name, phone, community_org_id, org_path, skills, availability, \
         created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id")
        .bind(v.member_id).bind(v.resident_id).bind(v.name).bind(v.phone).bind(v.community_org_id).bind(v.org_path)
        .bind(v.skills).bind(v.availability).bind(v.by).bind(clock::now()).fetch_one(c).await)?)
}

/// Changes what a volunteer offers (skills, availability).
pub async fn set_offer(
    tx: &mut Tx,
    id: i64,
    skills: Option<&str>,
    availability: Option<&str>,
) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("UPDATE volunteers SET skills = $2, availability = $3 WHERE id = $1")
        .bind(id).bind(skills).bind(availability).execute(c).await.map(|_| ()))?;
    Ok(())
}

pub async fn by_id(tx: &mut Tx, id: i64) -> Result<Option<VolunteerRow>, StoreError> {
    let sql = format!("{SELECT} WHERE v.id = $1");
    Ok(on!(tx, c => sqlx::query_as::<_, VolunteerRow>(&sql).bind(id).fetch_optional(c).await)?)
}

pub async fn of_member(tx: &mut Tx, member: i64) -> Result<Option<VolunteerRow>, StoreError> {
    let sql = format!("{SELECT} WHERE v.member_id = $1");
    Ok(on!(tx, c => sqlx::query_as::<_, VolunteerRow>(&sql).bind(member).fetch_optional(c).await)?)
}

pub async fn of_resident(tx: &mut Tx, resident: i64) -> Result<Option<VolunteerRow>, StoreError> {
    let sql = format!("{SELECT} WHERE v.resident_id = $1");
    Ok(
        on!(tx, c => sqlx::query_as::<_, VolunteerRow>(&sql).bind(resident).fetch_optional(c).await)?,
    )
}

/// The volunteers of the subtree at `path`, by community and id: the `limit` after the
/// (path, id) cursor; `q` matches a name's start.
pub async fn within(
    tx: &mut Tx,
    path: &str,
    q: Option<&str>,
    after: Option<(String, i64)>,
    limit: i64,
) -> Result<Vec<VolunteerRow>, StoreError> {
    let mut a = Args::default();
    let mut wh = vec![format!(
        "v.org_path >= {} AND v.org_path < {}",
        a.text(path),
        a.text(&upper(path))
    )];
    // A name's start, within the scope's volunteers (the path range bounds the read).
    if let Some(q) = q {
        let n = q.chars().count() as i64;
        wh.push(format!(
            "substr(v.name, 1, CAST({} AS INTEGER)) = {}",
            a.int(n),
            a.text(q)
        ));
    }
    if let Some((at, id)) = after {
        wh.push(format!(
            "(v.org_path, v.id) > ({}, {})",
            a.text(&at),
            a.int(id)
        ));
    }
    let sql = format!(
        "{SELECT} WHERE {} ORDER BY v.org_path, v.id LIMIT {limit}",
        wh.join(" AND ")
    );
    fetch(tx, &sql, &a).await
}

/// The grid team's volunteer entries now name a volunteer.
pub async fn link_grid_team(tx: &mut Tx, entry: i64, volunteer: i64) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("UPDATE grid_team SET volunteer_id = $2 WHERE id = $1")
        .bind(entry).bind(volunteer).execute(c).await.map(|_| ()))?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TeamRow {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub kind_name: String,
    pub community_org_id: i64,
    pub community_code: String,
    pub community_name: String,
    pub org_path: String,
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    pub leader_id: Option<i64>,
    pub leader_name: Option<String>,
    pub members: i64,
}

const TEAM: &str = "SELECT t.id, t.name, t.kind, k.name AS kind_name, t.community_org_id, c.code AS community_code, c.name AS community_name, \
     t.org_path, t.unit_id, u.name AS unit_name, t.leader_id, l.name AS leader_name, t.members \
     FROM volunteer_teams t JOIN team_kinds k ON k.code = t.kind JOIN orgs c ON c.id = t.community_org_id \
     LEFT JOIN units u ON u.id = t.unit_id LEFT JOIN volunteers l ON l.id = t.leader_id";

pub struct NewTeam<'a> {
    pub name: &'a str,
    pub kind: &'a str,
    pub community_org_id: i64,
    pub org_path: &'a str,
    pub unit_id: Option<i64>,
    pub by: &'a str,
}

pub async fn insert_team(tx: &mut Tx, t: &NewTeam<'_>) -> Result<i64, StoreError> {
    Ok(on!(tx, c => sqlx::query_scalar(
        "INSERT INTO volunteer_teams (name, kind, community_org_id, org_path, unit_id, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
        .bind(t.name).bind(t.kind).bind(t.community_org_id).bind(t.org_path).bind(t.unit_id).bind(t.by)
        .bind(clock::now()).fetch_one(c).await)?)
}

pub async fn team(tx: &mut Tx, id: i64) -> Result<Option<TeamRow>, StoreError> {
    let sql = format!("{TEAM} WHERE t.id = $1");
    Ok(on!(tx, c => sqlx::query_as::<_, TeamRow>(&sql).bind(id).fetch_optional(c).await)?)
}

/// The teams of the subtree at `path`, by community and id, after the cursor.
pub async fn teams_within(
    tx: &mut Tx,
    path: &str,
    after: Option<(String, i64)>,
    limit: i64,
) -> Result<Vec<TeamRow>, StoreError> {
    let mut a = Args::default();
    let mut wh = vec![format!(
        "t.org_path >= {} AND t.org_path < {}",
        a.text(path),
        a.text(&upper(path))
    )];
    if let Some((at, id)) = after {
        wh.push(format!(
            "(t.org_path, t.id) > ({}, {})",
            a.text(&at),
            a.int(id)
        ));
    }
    let sql = format!(
        "{TEAM} WHERE {} ORDER BY t.org_path, t.id LIMIT {limit}",
        wh.join(" AND ")
    );
    fetch(tx, &sql, &a).await
}

/// Adds a volunteer to a team (the count kept on the team); false if already in it.
pub async fn join(
    tx: &mut Tx,
    team: i64,
    volunteer: i64,
    on: NaiveDate,
) -> Result<bool, StoreError> {
    let n = on!(tx, c => sqlx::query(
        "INSERT INTO team_members (team_id, volunteer_id, joined_on) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
        .bind(team).bind(volunteer).bind(on).execute(c).await.map(|r| r.rows_affected()))?;
    if n > 0 {
        on!(tx, c => sqlx::query("UPDATE volunteer_teams SET members = members + 1 WHERE id = $1")
            .bind(team).execute(c).await.map(|_| ()))?;
    }
    Ok(n > 0)
}

/// Takes a volunteer off a team; false if not in it. A leader leaving leaves the team without one.
pub async fn leave(tx: &mut Tx, team: i64, volunteer: i64) -> Result<bool, StoreError> {
    let n = on!(tx, c => sqlx::query("DELETE FROM team_members WHERE team_id = $1 AND volunteer_id = $2")
        .bind(team).bind(volunteer).execute(c).await.map(|r| r.rows_affected()))?;
    if n > 0 {
        on!(tx, c => sqlx::query(
            "UPDATE volunteer_teams SET members = members - 1, \
             leader_id = CASE WHEN leader_id = $2 THEN NULL ELSE leader_id END WHERE id = $1")
            .bind(team).bind(volunteer).execute(c).await.map(|_| ()))?;
    }
    Ok(n > 0)
}

pub async fn set_leader(tx: &mut Tx, team: i64, volunteer: Option<i64>) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("UPDATE volunteer_teams SET leader_id = $2 WHERE id = $1")
        .bind(team).bind(volunteer).execute(c).await.map(|_| ()))?;
    Ok(())
}

pub async fn in_team(tx: &mut Tx, team: i64, volunteer: i64) -> Result<bool, StoreError> {
    Ok(on!(tx, c => sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM team_members WHERE team_id = $1 AND volunteer_id = $2")
        .bind(team).bind(volunteer).fetch_one(c).await)?
        > 0)
}

/// A team's members, by name (a team is dozens, not thousands).
pub async fn members_of(tx: &mut Tx, team: i64) -> Result<Vec<VolunteerRow>, StoreError> {
    let sql = format!(
        "{SELECT} JOIN team_members tm ON tm.volunteer_id = v.id WHERE tm.team_id = $1 ORDER BY v.name, v.id LIMIT 2000"
    );
    Ok(on!(tx, c => sqlx::query_as::<_, VolunteerRow>(&sql).bind(team).fetch_all(c).await)?)
}

/// The teams a volunteer is in.
pub async fn teams_of(tx: &mut Tx, volunteer: i64) -> Result<Vec<TeamRow>, StoreError> {
    let sql = format!(
        "{TEAM} JOIN team_members tm ON tm.team_id = t.id WHERE tm.volunteer_id = $1 ORDER BY t.id"
    );
    Ok(on!(tx, c => sqlx::query_as::<_, TeamRow>(&sql).bind(volunteer).fetch_all(c).await)?)
}

/// The team types, in their order: (code, name).
pub async fn kinds(tx: &mut Tx) -> Result<Vec<(String, String)>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, (String, String)>(
        "SELECT code, name FROM team_kinds ORDER BY position, code").fetch_all(c).await)?)
}

/// Adds a team type, or renames one.
pub async fn set_kind(tx: &mut Tx, code: &str, name: &str) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query(
        "INSERT INTO team_kinds (code, name, position) VALUES ($1, $2, (SELECT COALESCE(MAX(position), 0) + 1 FROM team_kinds)) \
         ON CONFLICT (code) DO UPDATE SET name = excluded.name")
        .bind(code).bind(name).execute(c).await.map(|_| ()))?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ServedRow {
    pub community_path: String,
    pub served_on: NaiveDate,
    pub minutes: i64,
    pub activity: String,
    pub community_name: String,
}

/// The service of a volunteer (or, before they registered, of the member they are) in the
/// dates, oldest first. A certificate covers at most five years; a volunteer serving every
/// day of them has under 2,000 records.
pub async fn served(
    tx: &mut Tx,
    volunteer: i64,
    member: Option<i64>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<ServedRow>, StoreError> {
    let sql = "SELECT c.path AS community_path, s.served_on, s.minutes, s.activity, c.name AS community_name FROM service_records s \
         JOIN orgs c ON c.id = s.community_org_id \
         WHERE (s.volunteer_id = $1 OR (s.member_id IS NOT NULL AND s.member_id = $2)) AND s.served_on >= $3 AND s.served_on <= $4 \
         ORDER BY s.served_on, s.id LIMIT 5000";
    Ok(on!(tx, c => sqlx::query_as::<_, ServedRow>(sql)
        .bind(volunteer).bind(member.unwrap_or(-1)).bind(from).bind(to).fetch_all(c).await)?)
}

/// Who in a community might volunteer, for a generated city: the members registered there
/// (双报到) and its confirmed residents: (community, member, resident, name, phone).
pub type Candidate = (i64, Option<i64>, Option<i64>, String, Option<String>);

pub async fn candidates(tx: &mut Tx) -> Result<Vec<Candidate>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, Candidate>(
        "SELECT r.community_org_id, m.id, CAST(NULL AS BIGINT), m.name, m.phone FROM registrations r \
         JOIN members m ON m.id = r.member_id WHERE r.ended_on IS NULL \
         UNION ALL SELECT x.community_org_id, CAST(NULL AS BIGINT), x.id, x.name, x.phone FROM residents x \
         WHERE x.status = 'confirmed' ORDER BY 1, 2, 3")
        .fetch_all(c).await)?)
}

/// Writes several volunteers in one statement, registered `at`: (id, member, resident) of
/// each, in no order.
pub async fn insert_many(
    tx: &mut Tx,
    rows: &[NewVolunteer<'_>],
    at: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<(i64, Option<i64>, Option<i64>)>, StoreError> {
    if let Tx::Pg(c) = tx {
        // One statement text whatever the count (arrays), so it is prepared once.
        return Ok(sqlx::query_as(
            "INSERT INTO volunteers (member_id, resident_id, name, phone, community_org_id, org_path, skills, \
             availability, created_by, created_at) SELECT m, r, n, p, c, o, s, a, b, $10 FROM UNNEST($1::BIGINT[], \
             $2::BIGINT[], $3::TEXT[], $4::TEXT[], $5::BIGINT[], $6::TEXT[], $7::TEXT[], $8::TEXT[], $9::TEXT[]) \
             AS t (m, r, n, p, c, o, s, a, b) RETURNING id, member_id, resident_id",
        )
        .bind(rows.iter().map(|v| v.member_id).collect::<Vec<_>>())
        .bind(rows.iter().map(|v| v.resident_id).collect::<Vec<_>>())
        .bind(rows.iter().map(|v| v.name).collect::<Vec<_>>())
        .bind(rows.iter().map(|v| v.phone).collect::<Vec<_>>())
        .bind(rows.iter().map(|v| v.community_org_id).collect::<Vec<_>>())
        .bind(rows.iter().map(|v| v.org_path).collect::<Vec<_>>())
        .bind(rows.iter().map(|v| v.skills).collect::<Vec<_>>())
        .bind(rows.iter().map(|v| v.availability).collect::<Vec<_>>())
        .bind(rows.iter().map(|v| v.by).collect::<Vec<_>>())
        .bind(at)
        .fetch_all(&mut **c)
        .await?);
    }
    let mut out = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(500) {
        let sql = format!(
            "INSERT INTO volunteers (member_id, resident_id, name, phone, community_org_id, org_path, skills, \
             availability, created_by, created_at) VALUES {} RETURNING id, member_id, resident_id",
            crate::values_list(tx.backend(), chunk.len(), 10)
        );
        out.extend(on!(tx, c => {
            let mut q = sqlx::query_as::<_, (i64, Option<i64>, Option<i64>)>(&sql);
            for v in chunk {
                q = q.bind(v.member_id).bind(v.resident_id).bind(v.name).bind(v.phone)
                    .bind(v.community_org_id).bind(v.org_path).bind(v.skills).bind(v.availability)
                    .bind(v.by).bind(at);
            }
            q.fetch_all(c).await
        })?);
    }
    Ok(out)
}
