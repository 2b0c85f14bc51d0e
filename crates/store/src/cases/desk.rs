//! The dispatcher's desk and a department's inbox, paged by keyset: each list filters by
//! equality on columns kept on the case and reads its rows in the order of an index that
//! ends with the sort (see migration 29), so a page costs the same at 10k cases and at 10M.
//! A filter on several statuses, and an inbox of dispatched and summoned cases, merge one
//! keyset read per status or per source: each reads at most a page off its index.

use super::{COLS, CaseRow};
use crate::db::on;
use crate::{StoreError, Tx};
use chrono::{DateTime, Utc};
use jiceng_domain::path::upper;

/// Where a list looks: equality on the level a case keeps, or, for an org with no level
/// column (below a community, or outside the district tree), a range over the path.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Scope {
    #[default]
    All,
    District(i64),
    Street(i64),
    Community(i64),
    Path(String),
}

/// Which cases to list; each filter narrows.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub scope: Scope,
    pub statuses: Vec<String>,
    pub department_id: Option<i64>,
    pub street_org_id: Option<i64>,
    pub grid_id: Option<i64>,
    pub category_top: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// Closed after the deadline, or open past it.
    pub late: bool,
    pub reworked: bool,
    pub returned: bool,
    pub unsatisfied: bool,
    pub manual_queue: bool,
    /// Part of a title, code or address; the caller bounds the date window.
    pub text: Option<String>,
}

enum Arg {
    Text(String),
    Int(i64),
    Time(DateTime<Utc>),
}

/// A statement's arguments, numbered as they are added.
#[derive(Default)]
struct Args(Vec<Arg>);

impl Args {
    fn add(&mut self, a: Arg) -> String {
        self.0.push(a);
        format!("${}", self.0.len())
    }

    fn int(&mut self, v: i64) -> String {
        self.add(Arg::Int(v))
    }

    fn time(&mut self, v: DateTime<Utc>) -> String {
        self.add(Arg::Time(v))
    }

    fn text(&mut self, v: &str) -> String {
        self.add(Arg::Text(v.to_string()))
    }

    /// The scope's condition on the case table aliased `t`.
    fn scope(&mut self, t: &str, scope: &Scope) -> Option<String> {
        let (col, id) = match scope {
            Scope::All => return None,
            Scope::District(id) => ("district_org_id", *id),
            Scope::Street(id) => ("street_org_id", *id),
            Scope::Community(id) => ("community_org_id", *id),
            Scope::Path(p) => {
                let (lo, hi) = (self.text(p), self.text(&upper(p)));
                return Some(format!("{t}org_path >= {lo} AND {t}org_path < {hi}"));
            }
        };
        Some(format!("{t}{col} = {}", self.int(id)))
    }
}

async fn fetch<R>(tx: &mut Tx, sql: &str, args: &Args) -> Result<Vec<R>, StoreError>
where
    R: Send + Unpin,
    R: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>,
    R: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
{
    Ok(on!(tx, c => {
        let mut q = sqlx::query_as::<_, R>(sql);
        for a in &args.0 {
            q = match a {
                Arg::Text(v) => q.bind(v),
                Arg::Int(v) => q.bind(v),
                Arg::Time(v) => q.bind(v),
            };
        }
        q.fetch_all(c).await
    })?)
}

/// Reads of one list merged by their sort key: each arm is already sorted and limited.
fn merged(arms: Vec<String>, order: &str, limit: i64) -> String {
    if arms.len() == 1 {
        return arms.into_iter().next().unwrap_or_default();
    }
    let parts: Vec<String> = arms
        .into_iter()
        .enumerate()
        .map(|(i, a)| format!("SELECT * FROM ({a}) AS arm{i}"))
        .collect();
    format!(
        "{} ORDER BY {order} LIMIT {limit}",
        parts.join(" UNION ALL ")
    )
}

/// Cases of a filter, newest first: the `limit` after the (received_at, id) cursor.
pub async fn list(
    tx: &mut Tx,
    f: &CaseFilter,
    after: Option<(DateTime<Utc>, i64)>,
    limit: i64,
) -> Result<Vec<CaseRow>, StoreError> {
    let mut a = Args::default();
    let mut wh: Vec<String> = a.scope("", &f.scope).into_iter().collect();
    for (col, v) in [
        ("department_id", f.department_id),
        ("street_org_id", f.street_org_id),
        ("grid_id", f.grid_id),
    ] {
        if let Some(v) = v {
            wh.push(format!("{col} = {}", a.int(v)));
        }
    }
    if let Some(c) = &f.category_top {
        wh.push(format!("category_top = {}", a.text(c)));
    }
    if let Some(t) = &f.text {
        let p = a.text(&format!("%{t}%"));
        wh.push(format!(
            "(title LIKE {p} OR code LIKE {p} OR address LIKE {p})"
        ));
    }
    if let Some(v) = f.from {
        wh.push(format!("received_at >= {}", a.time(v)));
    }
    if let Some(v) = f.to {
        wh.push(format!("received_at < {}", a.time(v)));
    }
    if f.late {
        // The partial index's condition, then the clock.
        wh.push("due_at IS NOT NULL AND (closed_at IS NULL OR closed_at > due_at)".into());
        wh.push("COALESCE(closed_at, CURRENT_TIMESTAMP) > due_at".into());
    }
    for (on, cond) in [
        (f.reworked, "reworks > 0"),
        (f.returned, "returns > 0"),
        (f.unsatisfied, "satisfaction = 'unsatisfied'"),
        (f.manual_queue, "routed = 'manual'"),
    ] {
        if on {
            wh.push(cond.into());
        }
    }
    if let Some((t, id)) = after {
        wh.push(format!(
            "(received_at, id) < ({}, {})",
            a.time(t),
            a.int(id)
        ));
    }
    let order = "received_at DESC, id DESC";
    let statuses: Vec<Option<&String>> = if f.statuses.is_empty() {
        vec![None]
    } else {
        f.statuses.iter().map(Some).collect()
    };
    let arms = statuses
        .into_iter()
        .map(|s| {
            let mut w = wh.clone();
            if let Some(s) = s {
                w.push(format!("status = {}", a.text(s)));
            }
            if w.is_empty() {
                w.push("1 = 1".into());
            }
            format!(
                "SELECT {COLS} FROM cases WHERE {} ORDER BY {order} LIMIT {limit}",
                w.join(" AND ")
            )
        })
        .collect();
    fetch(tx, &merged(arms, order, limit), &a).await
}

/// A department's inbox lists: what it has to do, soonest due first (cases it holds that are
/// open, and whistles it has not yet answered, by the whistle's deadline), or every case it
/// holds or was summoned to, newest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InboxTab {
    Open,
    All,
}

/// A case in an inbox with the time it sorts by (its deadline, or when it was received).
#[derive(Debug, sqlx::FromRow)]
pub struct InboxRow {
    #[sqlx(flatten)]
    pub case: CaseRow,
    pub sort_at: DateTime<Utc>,
}

/// One page of a department's inbox within `scope`, after the (sort time, id) cursor.
pub async fn inbox(
    tx: &mut Tx,
    department_id: i64,
    scope: &Scope,
    tab: InboxTab,
    after: Option<(DateTime<Utc>, i64)>,
    limit: i64,
) -> Result<Vec<InboxRow>, StoreError> {
    let mut a = Args::default();
    let d = a.int(department_id);
    let held_scope = a.scope("", scope);
    let summoned_scope = a.scope("c.", scope);
    let cursor = after.map(|(t, id)| (a.time(t), a.int(id)));
    let prefixed: Vec<String> = COLS.split(',').map(|c| format!("c.{}", c.trim())).collect();
    let prefixed = prefixed.join(", ");
    let (held_key, summons_key, cmp, dir, held_cond, summons_cond) = match tab {
        InboxTab::Open => (
            "due_at",
            "s.due_at",
            ">",
            "",
            " AND closed_at IS NULL AND due_at IS NOT NULL",
            " AND s.reported_at IS NULL AND c.closed_at IS NULL",
        ),
        InboxTab::All => ("received_at", "s.received_at", "<", " DESC", "", ""),
    };
    let mut held = vec![format!("department_id = {d}{held_cond}")];
    let mut summoned = vec![format!(
        "s.department_id = {d}{summons_cond} AND (c.department_id IS NULL OR c.department_id <> {d})"
    )];
    held.extend(held_scope);
    summoned.extend(summoned_scope);
    if let Some((t, id)) = &cursor {
        held.push(format!("({held_key}, id) {cmp} ({t}, {id})"));
        summoned.push(format!("({summons_key}, s.case_id) {cmp} ({t}, {id})"));
    }
    let arms = vec![
        format!(
            "SELECT {COLS}, {held_key} AS sort_at FROM cases WHERE {} \
             ORDER BY {held_key}{dir}, id{dir} LIMIT {limit}",
            held.join(" AND ")
        ),
        format!(
            "SELECT {prefixed}, {summons_key} AS sort_at FROM case_summons s JOIN cases c ON c.id = s.case_id \
             WHERE {} ORDER BY {summons_key}{dir}, s.case_id{dir} LIMIT {limit}",
            summoned.join(" AND ")
        ),
    ];
    fetch(
        tx,
        &merged(arms, &format!("sort_at{dir}, id{dir}"), limit),
        &a,
    )
    .await
}
