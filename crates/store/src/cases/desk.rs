//! The dispatcher's desk and a department's inbox, paged by keyset: each list filters by
//! equality on columns kept on the case and reads its rows in the order of an index that
//! ends with the sort (see migration 29), so a page costs the same at 10k cases and at 10M.
//! A filter on several statuses, and an inbox of dispatched and summoned cases, merge one
//! keyset read per status or per source: each reads at most a page off its index.

use super::{COLS, CaseRow};
use crate::keyset::{Args, Scope, fetch, merged};
use crate::{StoreError, Tx};
use chrono::{DateTime, Utc};
use jiceng_domain::cases::CaseStatus;

/// Which cases to list; each filter narrows.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub scope: Scope,
    pub statuses: Vec<String>,
    pub department_id: Option<i64>,
    pub street_org_id: Option<i64>,
    /// A grid, with its community (whose index the list reads).
    pub grid: Option<(i64, i64)>,
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

impl CaseFilter {
    /// Whether the list reads one (scope, status) index run per status: the city, a district
    /// or a street with no narrower index to read (a community's, a department's, a flag's).
    fn by_status(&self) -> bool {
        let scoped = matches!(
            self.scope,
            Scope::All | Scope::District(_) | Scope::Street(_)
        );
        let narrower = self.department_id.is_some()
            || self.grid.is_some()
            || self.late
            || self.reworked
            || self.returned
            || self.unsatisfied
            || self.manual_queue;
        scoped && !narrower
    }
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
        ("grid_id", f.grid.map(|g| g.0)),
        ("community_org_id", f.grid.map(|g| g.1)),
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
    let statuses: Vec<Option<&str>> = if !f.statuses.is_empty() {
        f.statuses.iter().map(|s| Some(s.as_str())).collect()
    } else if f.by_status() {
        CaseStatus::CHOICES.iter().map(|(c, _)| Some(*c)).collect()
    } else {
        vec![None]
    };
    // Several runs merge on their keys alone, which the (scope, status, received_at, id)
    // indexes hold, so only the page's own rows are read whole.
    let several = statuses.len() > 1;
    let cols = if several { "received_at, id" } else { COLS };
    let arms: Vec<String> = statuses
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
                "SELECT {cols} FROM cases WHERE {} ORDER BY {order} LIMIT {limit}",
                w.join(" AND ")
            )
        })
        .collect();
    let sql = if several {
        format!(
            "SELECT {COLS} FROM cases WHERE id IN (SELECT id FROM ({}) AS page) ORDER BY {order}",
            merged(arms, order, limit)
        )
    } else {
        merged(arms, order, limit)
    };
    fetch(tx, &sql, &a).await
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

/// The report deadlines of a department's summonses still to answer (报到) on open cases
/// within `scope`, soonest first, at most `limit`: read off the summonses' (department,
/// report time) index, where unanswered ones are few.
pub async fn summons_to_report(
    tx: &mut Tx,
    department_id: i64,
    scope: &Scope,
    limit: i64,
) -> Result<Vec<DateTime<Utc>>, StoreError> {
    #[derive(sqlx::FromRow)]
    struct Due {
        due_at: DateTime<Utc>,
    }
    let mut a = Args::default();
    let d = a.int(department_id);
    let mut cond = vec![format!(
        "s.department_id = {d} AND s.reported_at IS NULL AND c.closed_at IS NULL"
    )];
    cond.extend(a.scope("c.", scope));
    let sql = format!(
        "SELECT s.due_at FROM case_summons s JOIN cases c ON c.id = s.case_id WHERE {} \
         ORDER BY s.due_at LIMIT {limit}",
        cond.join(" AND ")
    );
    Ok(fetch::<Due>(tx, &sql, &a)
        .await?
        .into_iter()
        .map(|r| r.due_at)
        .collect())
}
