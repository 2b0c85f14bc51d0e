//! Cases, their steps and whistle summons, departments, grids, and the counts behind the
//! rates, kept up to date on every move.

use crate::db::on;
use crate::{StoreError, Tx};
use chrono::{DateTime, Utc};
use jiceng_domain::cases::{CaseStatus, Channel, Routing, Satisfaction, Supervision, Urgency};
use jiceng_domain::clock;
use jiceng_domain::path::upper;

pub mod category_uses;
mod desk;
pub mod photos;
pub use crate::keyset::Scope;
pub use desk::{CaseFilter, InboxRow, InboxTab, inbox, list, summons_to_report};

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct DepartmentRow {
    pub id: i64,
    pub code: String,
    pub name: String,
}

pub async fn add_department(tx: &mut Tx, code: &str, name: &str) -> Result<i64, StoreError> {
    Ok(on!(tx, c => sqlx::query_scalar(
        "INSERT INTO departments (code, name, created_at) VALUES ($1, $2, $3) RETURNING id")
        .bind(code).bind(name).bind(clock::now()).fetch_one(c).await)?)
}

pub async fn departments(tx: &mut Tx) -> Result<Vec<DepartmentRow>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, DepartmentRow>(
        "SELECT id, code, name FROM departments ORDER BY code").fetch_all(c).await)?)
}

pub async fn department_by_code(
    tx: &mut Tx,
    code: &str,
) -> Result<Option<DepartmentRow>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, DepartmentRow>(
        "SELECT id, code, name FROM departments WHERE code = $1").bind(code).fetch_optional(c).await)?)
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct GridRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub community_org_id: i64,
    pub branch_org_id: Option<i64>,
    pub geometry: String,
    pub households: i64,
    pub buildings: i64,
}

pub struct NewGrid<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub community_org_id: i64,
    pub branch_org_id: Option<i64>,
    pub geometry: &'a str,
    pub bbox: (f64, f64, f64, f64),
    pub households: i64,
    pub buildings: i64,
}

pub async fn add_grid(tx: &mut Tx, g: &NewGrid<'_>) -> Result<i64, StoreError> {
    Ok(on!(tx, c => sqlx::query_scalar(
        "INSERT INTO grids (code, name, community_org_id, branch_org_id, geometry, min_lon, min_lat, max_lon, max_lat, \
         households, buildings, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id")
        .bind(g.code).bind(g.name).bind(g.community_org_id).bind(g.branch_org_id).bind(g.geometry)
        .bind(g.bbox.0).bind(g.bbox.1).bind(g.bbox.2).bind(g.bbox.3).bind(g.households).bind(g.buildings)
        .bind(clock::now()).fetch_one(c).await)?)
}

const GRID: &str = "SELECT id, code, name, community_org_id, branch_org_id, geometry, households, buildings FROM grids";

/// A grid found in the bounding-box index, without its polygon: its box and the polygon's
/// length are what a cache of parsed polygons checks its copy against.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GridBox {
    pub id: i64,
    pub min_lon: f64,
    pub min_lat: f64,
    pub max_lon: f64,
    pub max_lat: f64,
    pub geometry_len: i64,
}

/// Grids whose bounding box holds the point, by code, without their polygons.
pub async fn grid_boxes_around(
    tx: &mut Tx,
    lon: f64,
    lat: f64,
) -> Result<Vec<GridBox>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, GridBox>(
        "SELECT id, min_lon, min_lat, max_lon, max_lat, CAST(length(geometry) AS BIGINT) AS geometry_len FROM grids \
         WHERE min_lon <= $1 AND max_lon >= $1 AND min_lat <= $2 AND max_lat >= $2 ORDER BY code")
        .bind(lon).bind(lat).fetch_all(c).await)?)
}

/// Grids whose bounding box meets the box (min lon, min lat, max lon, max lat).
pub async fn grids_meeting_box(
    tx: &mut Tx,
    (x0, y0, x1, y1): (f64, f64, f64, f64),
) -> Result<Vec<GridRow>, StoreError> {
    let sql = format!(
        "{GRID} WHERE min_lon < $3 AND max_lon > $1 AND min_lat < $4 AND max_lat > $2 ORDER BY code"
    );
    Ok(
        on!(tx, c => sqlx::query_as::<_, GridRow>(&sql).bind(x0).bind(y0).bind(x1).bind(y1).fetch_all(c).await)?,
    )
}

pub async fn grid_by_code(tx: &mut Tx, code: &str) -> Result<Option<GridRow>, StoreError> {
    let sql = format!("{GRID} WHERE code = $1");
    Ok(on!(tx, c => sqlx::query_as::<_, GridRow>(&sql).bind(code).fetch_optional(c).await)?)
}

pub async fn grid_by_id(tx: &mut Tx, id: i64) -> Result<Option<GridRow>, StoreError> {
    let sql = format!("{GRID} WHERE id = $1");
    Ok(on!(tx, c => sqlx::query_as::<_, GridRow>(&sql).bind(id).fetch_optional(c).await)?)
}

/// Grids of the communities in a subtree.
pub async fn grids_within(tx: &mut Tx, path: &str) -> Result<Vec<GridRow>, StoreError> {
    let sql = "SELECT g.id, g.code, g.name, g.community_org_id, g.branch_org_id, g.geometry, g.households, g.buildings \
         FROM grids g JOIN orgs o ON o.id = g.community_org_id WHERE o.path >= $1 AND o.path < $2 ORDER BY g.code";
    let up = upper(path);
    Ok(on!(tx, c => sqlx::query_as::<_, GridRow>(sql).bind(path).bind(&up).fetch_all(c).await)?)
}

/// A case as stored: its facts and its current state.
#[derive(Debug, Clone, Default, sqlx::FromRow, serde::Serialize)]
pub struct CaseRow {
    pub id: i64,
    pub code: String,
    #[serde(skip)]
    pub idempotency_key: Option<String>,
    pub channel: Channel,
    pub category: Option<String>,
    pub category_top: Option<String>,
    pub urgency: Urgency,
    pub status: CaseStatus,
    pub title: String,
    pub description: Option<String>,
    pub address: Option<String>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub routed: Routing,
    pub grid_id: Option<i64>,
    pub community_org_id: Option<i64>,
    pub street_org_id: Option<i64>,
    pub district_org_id: Option<i64>,
    pub org_path: String,
    pub reporter_name: Option<String>,
    pub reporter_phone: Option<String>,
    pub department_id: Option<i64>,
    pub received_at: DateTime<Utc>,
    pub registered_at: Option<DateTime<Utc>>,
    pub dispatched_at: Option<DateTime<Utc>>,
    pub response_due_at: Option<DateTime<Utc>>,
    pub responded_at: Option<DateTime<Utc>>,
    pub due_at: Option<DateTime<Utc>>,
    pub feedback_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub extensions: i64,
    pub extension_pending: bool,
    pub supervision: Option<Supervision>,
    pub suspended_from: Option<CaseStatus>,
    pub satisfaction: Option<Satisfaction>,
    pub reworks: i64,
    pub returns: i64,
    pub duplicate_of: Option<i64>,
    pub created_by: String,
}

const COLS: &str = "id, code, idempotency_key, channel, category, category_top, urgency, status, title, description, address, \
     lon, lat, routed, grid_id, community_org_id, street_org_id, district_org_id, org_path, reporter_name, reporter_phone, department_id, \
     received_at, registered_at, dispatched_at, response_due_at, responded_at, due_at, feedback_at, closed_at, extensions, \
     extension_pending, supervision, suspended_from, satisfaction, reworks, returns, duplicate_of, created_by";

/// Writes new cases (ids ignored) in one statement per few hundred; returns (code, id).
pub async fn insert_new(tx: &mut Tx, rows: &[CaseRow]) -> Result<Vec<(String, i64)>, StoreError> {
    let cols = COLS.trim_start_matches("id, ");
    let n = cols.split(',').count();
    let mut out = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(400) {
        let sql = format!(
            "INSERT INTO cases ({cols}) VALUES {} RETURNING code, id",
            crate::values_list(tx.backend(), chunk.len(), n)
        );
        let got: Vec<(String, i64)> = on!(tx, c => {
            let mut q = sqlx::query_as(&sql);
            for r in chunk {
                q = q.bind(&r.code).bind(&r.idempotency_key).bind(r.channel).bind(&r.category)
                    .bind(&r.category_top).bind(r.urgency).bind(r.status).bind(&r.title).bind(&r.description)
                    .bind(&r.address).bind(r.lon).bind(r.lat).bind(r.routed).bind(r.grid_id).bind(r.community_org_id)
                    .bind(r.street_org_id).bind(r.district_org_id).bind(&r.org_path).bind(&r.reporter_name).bind(&r.reporter_phone)
                    .bind(r.department_id).bind(r.received_at).bind(r.registered_at).bind(r.dispatched_at)
                    .bind(r.response_due_at).bind(r.responded_at).bind(r.due_at).bind(r.feedback_at).bind(r.closed_at)
                    .bind(r.extensions).bind(r.extension_pending).bind(r.supervision).bind(r.suspended_from)
                    .bind(r.satisfaction).bind(r.reworks).bind(r.returns).bind(r.duplicate_of).bind(&r.created_by);
            }
            q.fetch_all(c).await
        })?;
        out.extend(got);
    }
    Ok(out)
}

/// Writes back every field a move may change.
pub async fn save(tx: &mut Tx, r: &CaseRow) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query(
        "UPDATE cases SET category = $1, category_top = $2, urgency = $3, status = $4, routed = $5, grid_id = $6, \
         community_org_id = $7, street_org_id = $8, org_path = $9, department_id = $10, registered_at = $11, \
         dispatched_at = $12, response_due_at = $13, responded_at = $14, due_at = $15, feedback_at = $16, closed_at = $17, \
         extensions = $18, extension_pending = $19, supervision = $20, suspended_from = $21, satisfaction = $22, \
         reworks = $23, returns = $24, duplicate_of = $25, district_org_id = $26 WHERE id = $27")
        .bind(&r.category).bind(&r.category_top).bind(r.urgency).bind(r.status).bind(r.routed).bind(r.grid_id)
        .bind(r.community_org_id).bind(r.street_org_id).bind(&r.org_path).bind(r.department_id).bind(r.registered_at)
        .bind(r.dispatched_at).bind(r.response_due_at).bind(r.responded_at).bind(r.due_at).bind(r.feedback_at)
        .bind(r.closed_at).bind(r.extensions).bind(r.extension_pending).bind(r.supervision).bind(r.suspended_from)
        .bind(r.satisfaction).bind(r.reworks).bind(r.returns).bind(r.duplicate_of).bind(r.district_org_id).bind(r.id)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn by_id(tx: &mut Tx, id: i64) -> Result<Option<CaseRow>, StoreError> {
    let sql = format!("SELECT {COLS} FROM cases WHERE id = $1");
    Ok(on!(tx, c => sqlx::query_as::<_, CaseRow>(&sql).bind(id).fetch_optional(c).await)?)
}

pub async fn by_code(tx: &mut Tx, code: &str) -> Result<Option<CaseRow>, StoreError> {
    let sql = format!("SELECT {COLS} FROM cases WHERE code = $1");
    Ok(on!(tx, c => sqlx::query_as::<_, CaseRow>(&sql).bind(code).fetch_optional(c).await)?)
}

pub async fn by_key(tx: &mut Tx, key: &str) -> Result<Option<CaseRow>, StoreError> {
    let sql = format!("SELECT {COLS} FROM cases WHERE idempotency_key = $1");
    Ok(on!(tx, c => sqlx::query_as::<_, CaseRow>(&sql).bind(key).fetch_optional(c).await)?)
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct StepRow {
    pub id: i64,
    pub action: jiceng_domain::cases::StepAction,
    pub actor: String,
    pub at: DateTime<Utc>,
    pub note: Option<String>,
    pub department_id: Option<i64>,
    pub department_name: Option<String>,
}

pub async fn add_step(
    tx: &mut Tx,
    case_id: i64,
    action: &str,
    actor: &str,
    at: DateTime<Utc>,
    note: Option<&str>,
    department_id: Option<i64>,
) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query(
        "INSERT INTO case_steps (case_id, action, actor, at, note, department_id) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(case_id).bind(action).bind(actor).bind(at).bind(note).bind(department_id)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn steps(tx: &mut Tx, case_id: i64) -> Result<Vec<StepRow>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, StepRow>(
        "SELECT s.id, s.action, s.actor, s.at, s.note, s.department_id, d.name AS department_name \
         FROM case_steps s LEFT JOIN departments d ON d.id = s.department_id WHERE s.case_id = $1 ORDER BY s.id")
        .bind(case_id).fetch_all(c).await)?)
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct SummonsRow {
    pub department_id: i64,
    pub department_name: String,
    pub summoned_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub reported_at: Option<DateTime<Utc>>,
    pub reported_by: Option<String>,
}

pub async fn summon(
    tx: &mut Tx,
    case_id: i64,
    department_id: i64,
    at: DateTime<Utc>,
    due: DateTime<Utc>,
    received_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query(
        "INSERT INTO case_summons (case_id, department_id, summoned_at, due_at, received_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(case_id).bind(department_id).bind(at).bind(due).bind(received_at).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn summons(tx: &mut Tx, case_id: i64) -> Result<Vec<SummonsRow>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, SummonsRow>(
        "SELECT s.department_id, d.name AS department_name, s.summoned_at, s.due_at, s.reported_at, s.reported_by \
         FROM case_summons s JOIN departments d ON d.id = s.department_id WHERE s.case_id = $1 ORDER BY d.code")
        .bind(case_id).fetch_all(c).await)?)
}

/// Marks a summoned department as reported; false when it was not summoned or already had.
pub async fn report(
    tx: &mut Tx,
    case_id: i64,
    department_id: i64,
    at: DateTime<Utc>,
    by: &str,
) -> Result<bool, StoreError> {
    let n = on!(tx, c => sqlx::query(
        "UPDATE case_summons SET reported_at = $1, reported_by = $2 WHERE case_id = $3 AND department_id = $4 AND reported_at IS NULL")
        .bind(at).bind(by).bind(case_id).bind(department_id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// The counts one move adds to the rates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delta {
    pub received: i64,
    pub dispatched: i64,
    pub responded_on_time: i64,
    pub returned: i64,
    pub closed: i64,
    pub closed_on_time: i64,
    pub reworked: i64,
    pub handling_minutes: i64,
    pub followed_up: i64,
    pub satisfied: i64,
}

const STAT_COLS: [&str; 10] = [
    "received",
    "dispatched",
    "responded_on_time",
    "returned",
    "closed",
    "closed_on_time",
    "reworked",
    "handling_minutes",
    "followed_up",
    "satisfied",
];

impl std::ops::AddAssign for Delta {
    fn add_assign(&mut self, d: Delta) {
        self.received += d.received;
        self.dispatched += d.dispatched;
        self.responded_on_time += d.responded_on_time;
        self.returned += d.returned;
        self.closed += d.closed;
        self.closed_on_time += d.closed_on_time;
        self.reworked += d.reworked;
        self.handling_minutes += d.handling_minutes;
        self.followed_up += d.followed_up;
        self.satisfied += d.satisfied;
    }
}

impl Delta {
    fn values(&self) -> [i64; 10] {
        [
            self.received,
            self.dispatched,
            self.responded_on_time,
            self.returned,
            self.closed,
            self.closed_on_time,
            self.reworked,
            self.handling_minutes,
            self.followed_up,
            self.satisfied,
        ]
    }
}

/// Adds a move's counts to its (month, street, department, category) row: the holder's in
/// `case_stats`, or a summoned department's share in `case_shared_stats`.
pub async fn bump(
    tx: &mut Tx,
    shared: bool,
    month: i64,
    street: i64,
    department: i64,
    category_top: &str,
    d: &Delta,
) -> Result<(), StoreError> {
    let cols = STAT_COLS.join(", ");
    let params: Vec<String> = (5..5 + STAT_COLS.len()).map(|i| format!("${i}")).collect();
    let table = if shared {
        "case_shared_stats"
    } else {
        "case_stats"
    };
    let sets: Vec<String> = STAT_COLS
        .iter()
        .map(|c| format!("{c} = {table}.{c} + excluded.{c}"))
        .collect();
    let sql = format!(
        "INSERT INTO {table} (month, street_org_id, department_id, category_top, {cols}) VALUES ($1, $2, $3, $4, {}) \
         ON CONFLICT (month, street_org_id, department_id, category_top) DO UPDATE SET {}",
        params.join(", "),
        sets.join(", ")
    );
    on!(tx, c => {
        let mut q = sqlx::query(&sql).bind(month).bind(street).bind(department).bind(category_top);
        for v in d.values() {
            q = q.bind(v);
        }
        q.execute(c).await.map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Summed counts for one group of a breakdown.
#[derive(Debug, Clone, Default, sqlx::FromRow, serde::Serialize)]
pub struct StatsRow {
    pub key: String,
    pub received: i64,
    pub dispatched: i64,
    pub responded_on_time: i64,
    pub returned: i64,
    pub closed: i64,
    pub closed_on_time: i64,
    pub reworked: i64,
    pub handling_minutes: i64,
    pub followed_up: i64,
    pub satisfied: i64,
}

/// How to break the counts down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    All,
    Street,
    Department,
    Category,
    Month,
}

/// Sums the counts of the months, optionally for one street and/or department, grouped.
/// Figures by department, or of one, add the summoned departments' shares: a department
/// answers for the cases it was summoned to as well as those it holds.
pub async fn stats(
    tx: &mut Tx,
    from_month: i64,
    to_month: i64,
    street: Option<i64>,
    department: Option<i64>,
    by: By,
) -> Result<Vec<StatsRow>, StoreError> {
    let key = match by {
        By::All => "'all'",
        By::Street => "CAST(street_org_id AS TEXT)",
        By::Department => "CAST(department_id AS TEXT)",
        By::Category => "category_top",
        By::Month => "CAST(month AS TEXT)",
    };
    let sums: Vec<String> = STAT_COLS
        .iter()
        .map(|c| format!("CAST(COALESCE(SUM({c}), 0) AS BIGINT) AS {c}"))
        .collect();
    let cols = format!(
        "month, street_org_id, department_id, category_top, {}",
        STAT_COLS.join(", ")
    );
    let from = if by == By::Department || department.is_some() {
        format!("(SELECT {cols} FROM case_stats UNION ALL SELECT {cols} FROM case_shared_stats) s")
    } else {
        "case_stats".to_string()
    };
    let sql = format!(
        "SELECT {key} AS key, {} FROM {from} WHERE month >= $1 AND month <= $2 \
         AND ($3 IS NULL OR street_org_id = $3) AND ($4 IS NULL OR department_id = $4) GROUP BY 1 ORDER BY 1",
        sums.join(", ")
    );
    Ok(on!(tx, c => sqlx::query_as::<_, StatsRow>(&sql)
        .bind(from_month).bind(to_month).bind(street).bind(department).fetch_all(c).await)?)
}

/// Writes many cases with their ids, for generated cities.
pub async fn insert_many(tx: &mut Tx, rows: &[CaseRow]) -> Result<(), StoreError> {
    let n = COLS.split(',').count();
    for chunk in rows.chunks(400) {
        let sql = format!(
            "INSERT INTO cases ({COLS}) VALUES {}",
            crate::values_list(tx.backend(), chunk.len(), n)
        );
        on!(tx, c => {
            let mut q = sqlx::query(&sql);
            for r in chunk {
                q = q.bind(r.id).bind(&r.code).bind(&r.idempotency_key).bind(r.channel).bind(&r.category)
                    .bind(&r.category_top).bind(r.urgency).bind(r.status).bind(&r.title).bind(&r.description)
                    .bind(&r.address).bind(r.lon).bind(r.lat).bind(r.routed).bind(r.grid_id).bind(r.community_org_id)
                    .bind(r.street_org_id).bind(r.district_org_id).bind(&r.org_path).bind(&r.reporter_name).bind(&r.reporter_phone)
                    .bind(r.department_id).bind(r.received_at).bind(r.registered_at).bind(r.dispatched_at)
                    .bind(r.response_due_at).bind(r.responded_at).bind(r.due_at).bind(r.feedback_at).bind(r.closed_at)
                    .bind(r.extensions).bind(r.extension_pending).bind(r.supervision).bind(r.suspended_from)
                    .bind(r.satisfaction).bind(r.reworks).bind(r.returns).bind(r.duplicate_of).bind(&r.created_by);
            }
            q.execute(c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

/// A step of a generated case: (case id, action, actor, at, note, department).
pub type StepSeed = (
    i64,
    &'static str,
    String,
    DateTime<Utc>,
    Option<String>,
    Option<i64>,
);

pub async fn add_steps(tx: &mut Tx, rows: &[StepSeed]) -> Result<(), StoreError> {
    for chunk in rows.chunks(2000) {
        let sql = format!(
            "INSERT INTO case_steps (case_id, action, actor, at, note, department_id) VALUES {}",
            crate::values_list(tx.backend(), chunk.len(), 6)
        );
        on!(tx, c => {
            let mut q = sqlx::query(&sql);
            for (id, action, actor, at, note, d) in chunk {
                q = q.bind(id).bind(*action).bind(actor).bind(at).bind(note).bind(d);
            }
            q.execute(c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

/// A generated summons: case, department, summoned, due, reported, and the case's receipt.
pub type SummonsSeed = (
    i64,
    i64,
    DateTime<Utc>,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    DateTime<Utc>,
);

pub async fn add_summons(tx: &mut Tx, rows: &[SummonsSeed]) -> Result<(), StoreError> {
    for chunk in rows.chunks(2000) {
        let sql = format!(
            "INSERT INTO case_summons (case_id, department_id, summoned_at, due_at, reported_at, reported_by, received_at) VALUES {}",
            crate::values_list(tx.backend(), chunk.len(), 7)
        );
        on!(tx, c => {
            let mut q = sqlx::query(&sql);
            for (id, d, at, due, rep, received) in chunk {
                q = q.bind(id).bind(d).bind(at).bind(due).bind(rep).bind(rep.map(|_| "demo")).bind(received);
            }
            q.execute(c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

/// Grids of a generated city, with their ids.
pub async fn add_grids(tx: &mut Tx, rows: &[(i64, NewGrid<'_>)]) -> Result<(), StoreError> {
    for chunk in rows.chunks(500) {
        let sql = format!(
            "INSERT INTO grids (id, code, name, community_org_id, branch_org_id, geometry, min_lon, min_lat, max_lon, max_lat, \
             households, buildings, created_at) VALUES {}",
            crate::values_list(tx.backend(), chunk.len(), 13)
        );
        let now = clock::now();
        on!(tx, c => {
            let mut q = sqlx::query(&sql);
            for (id, g) in chunk {
                q = q.bind(id).bind(g.code).bind(g.name).bind(g.community_org_id).bind(g.branch_org_id).bind(g.geometry)
                    .bind(g.bbox.0).bind(g.bbox.1).bind(g.bbox.2).bind(g.bbox.3).bind(g.households).bind(g.buildings).bind(now);
            }
            q.execute(c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

/// The highest case id so far (0 for none).
/// The department holding the most cases, by code, with how many (for the bench).
pub async fn busiest_department(tx: &mut Tx) -> Result<Option<(String, i64)>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, (String, i64)>(
        "SELECT d.code, x.n FROM (SELECT department_id, COUNT(*) AS n FROM cases \
         WHERE department_id IS NOT NULL GROUP BY department_id ORDER BY n DESC LIMIT 1) x \
         JOIN departments d ON d.id = x.department_id")
        .fetch_optional(c).await)?)
}

pub async fn max_id(tx: &mut Tx) -> Result<i64, StoreError> {
    Ok(on!(tx, c => sqlx::query_scalar::<_, Option<i64>>("SELECT MAX(id) FROM cases").fetch_one(c).await)?
        .unwrap_or(0))
}

/// Open cases per grid of a subtree, for the map.
pub async fn open_per_grid(tx: &mut Tx, path: &str) -> Result<Vec<(i64, i64)>, StoreError> {
    let up = upper(path);
    Ok(on!(tx, c => sqlx::query_as::<_, (i64, i64)>(
        "SELECT grid_id, COUNT(*) FROM cases WHERE grid_id IS NOT NULL AND closed_at IS NULL \
         AND status NOT IN ('invalid', 'duplicate') AND org_path >= $1 AND org_path < $2 GROUP BY grid_id")
        .bind(path).bind(&up).fetch_all(c).await)?)
}

/// Open, dispatched cases past their deadline and not yet under red supervision:
/// (id, dispatched, due, supervision).
pub async fn overdue(
    tx: &mut Tx,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<(i64, DateTime<Utc>, DateTime<Utc>, Option<String>)>, StoreError> {
    let sql = format!(
        "SELECT id, dispatched_at, due_at, supervision FROM cases WHERE closed_at IS NULL AND due_at < $1 \
         AND dispatched_at IS NOT NULL AND status IN ('dispatched', 'handling', 'verifying') \
         AND (supervision IS NULL OR supervision <> 'red') ORDER BY due_at LIMIT {limit}"
    );
    Ok(on!(tx, c => sqlx::query_as(&sql).bind(now).fetch_all(c).await)?)
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct TeamRow {
    pub id: i64,
    pub grid_id: i64,
    pub role: jiceng_domain::grids::TeamRole,
    pub name: String,
    pub phone: Option<String>,
    pub member_id: Option<i64>,
}

pub async fn add_team_member(
    tx: &mut Tx,
    grid_id: i64,
    role: &str,
    name: &str,
    phone: Option<&str>,
    member_id: Option<i64>,
) -> Result<i64, StoreError> {
    Ok(on!(tx, c => sqlx::query_scalar(
        "INSERT INTO grid_team (grid_id, role, name, phone, member_id, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
        .bind(grid_id).bind(role).bind(name).bind(phone).bind(member_id).bind(clock::now()).fetch_one(c).await)?)
}

pub async fn remove_team_member(tx: &mut Tx, id: i64) -> Result<Option<TeamRow>, StoreError> {
    let row = on!(tx, c => sqlx::query_as::<_, TeamRow>(
        "SELECT id, grid_id, role, name, phone, member_id FROM grid_team WHERE id = $1").bind(id).fetch_optional(c).await)?;
    on!(tx, c => sqlx::query("DELETE FROM grid_team WHERE id = $1").bind(id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(row)
}

/// The teams of a subtree's grids.
pub async fn teams_within(tx: &mut Tx, path: &str) -> Result<Vec<TeamRow>, StoreError> {
    let up = upper(path);
    Ok(on!(tx, c => sqlx::query_as::<_, TeamRow>(
        "SELECT t.id, t.grid_id, t.role, t.name, t.phone, t.member_id FROM grid_team t JOIN grids g ON g.id = t.grid_id \
         JOIN orgs o ON o.id = g.community_org_id WHERE o.path >= $1 AND o.path < $2 ORDER BY t.grid_id, t.role, t.id")
        .bind(path).bind(&up).fetch_all(c).await)?)
}

/// A case's rating secret, as its digest, with the failed tries against it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RatingRow {
    pub case_id: i64,
    pub secret_digest: String,
    pub failures: i32,
    pub blocked_until: Option<DateTime<Utc>>,
}

/// Keeps the rating secrets (digests) of cases just taken in.
pub async fn insert_rating_secrets(tx: &mut Tx, rows: &[(i64, String)]) -> Result<(), StoreError> {
    for chunk in rows.chunks(400) {
        let sql = format!(
            "INSERT INTO case_rating (case_id, secret_digest) VALUES {}",
            crate::values_list(tx.backend(), chunk.len(), 2)
        );
        on!(tx, c => {
            let mut q = sqlx::query(&sql);
            for (id, digest) in chunk {
                q = q.bind(id).bind(digest);
            }
            q.execute(c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

pub async fn rating_of(tx: &mut Tx, case_id: i64) -> Result<Option<RatingRow>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, RatingRow>(
        "SELECT case_id, secret_digest, failures, blocked_until FROM case_rating WHERE case_id = $1")
        .bind(case_id).fetch_optional(c).await)?)
}

pub async fn set_rating_failures(
    tx: &mut Tx,
    case_id: i64,
    failures: i32,
    blocked_until: Option<DateTime<Utc>>,
) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("UPDATE case_rating SET failures = $1, blocked_until = $2 WHERE case_id = $3")
        .bind(failures).bind(blocked_until).bind(case_id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}
