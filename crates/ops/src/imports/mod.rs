//! Importing members, orgs or units from a spreadsheet: every row is checked by the same rules
//! as a typed record, in one transaction. A dry run reports every problem by row and column
//! and writes nothing; a real run writes all rows or, if any row fails, none. [`records`]
//! turns a sheet's cells into rows; [`jobs`] runs a large file in the background.

pub mod jobs;
pub mod records;

use crate::later::Later;
use crate::members::NewMember;
use crate::orgs::NewOrg;
use crate::refusal::Refusal;
use crate::units::NewUnit;
use crate::{Actor, OpsError};
use jiceng_domain::error::field_label;
use jiceng_domain::{Msg, msg};
use jiceng_store::{Db, Tx};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};

/// What one row of a file describes.
#[derive(Debug, Clone)]
pub enum Record {
    Member(NewMember),
    /// A row naming a member's number (编号): corrects that member's file.
    Correction(String, NewMember),
    Org(NewOrg),
    Unit(NewUnit),
}

impl Record {
    /// What no two rows of a file may share, with the column it is in: a member's ID number,
    /// an org's code, the party org a unit is bound to. Caught in memory, so a dry run's
    /// chunks need not see each other's rows.
    fn unique_key(&self) -> Option<(&'static str, String)> {
        // ID numbers compare without case (a final x is X); org codes as written.
        let key = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        match self {
            Record::Member(m) => key(&m.id_number).map(|k| ("id_number", k.to_ascii_uppercase())),
            Record::Correction(n, _) => key(&Some(n.clone())).map(|k| ("number", k)),
            Record::Org(o) => key(&o.code).map(|k| ("code", k)),
            Record::Unit(u) => key(&u.org).map(|k| ("org", k)),
        }
    }

    /// The in-file code of the org this row builds on, if it is an org under another.
    fn parent(&self) -> Option<String> {
        match self {
            Record::Org(o) => o.parent.as_deref().map(|s| s.trim().to_string()),
            _ => None,
        }
    }

    async fn add(&self, tx: &mut Tx, actor: &Actor, later: &mut Later) -> Result<(), Refusal> {
        match self {
            Record::Member(m) => crate::members::add_in(tx, actor, m, later)
                .await
                .map(|_| ()),
            Record::Correction(n, m) => {
                crate::members::correct_in(tx, actor, n, m.clone(), later).await
            }
            Record::Org(o) => crate::orgs::add_in(tx, actor, o).await.map(|_| ()),
            Record::Unit(u) => crate::units::add_in(tx, actor, u).await.map(|_| ()),
        }
    }
}

/// One row of the file: its line number (as the spreadsheet shows it) and what it holds.
#[derive(Debug, Clone)]
pub struct Row {
    pub line: usize,
    pub record: Record,
}

/// A problem found in a cell (or a whole row). `column` is the field's Chinese label; `cell`
/// the file's column it came from (0 for A), where the file has one.
#[derive(Debug, Clone, Serialize)]
pub struct RowError {
    pub line: usize,
    pub column: String,
    pub cell: Option<usize>,
    pub value: String,
    pub message: Msg,
}

impl RowError {
    pub fn new(line: usize, field: &str, value: impl Into<String>, message: Msg) -> RowError {
        RowError {
            line,
            column: field_label(field).to_string(),
            cell: None,
            value: value.into(),
            message,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub rows: usize,
    pub errors: Vec<RowError>,
    /// Rows written: all of them, or none.
    pub imported: usize,
    pub dry_run: bool,
    /// Checking stopped at this line once [`MAX_PROBLEMS`] were found.
    pub stopped_at: Option<usize>,
}

/// Problems reported before checking stops: a file with more needs fixing as a whole.
pub const MAX_PROBLEMS: usize = 10_000;

/// How long a dry run holds the write lock before letting waiting writers in.
const HOLD: std::time::Duration = std::time::Duration::from_millis(20);

/// The rows added in earlier holds of the lock that `row` builds on, nearest the root first:
/// its parent, if the file added it before `start`, and that parent's parent, and so on; each
/// at most once per hold (`again` remembers those added since `start`).
fn ancestors_before(
    rows: &[Row],
    row: &Row,
    start: usize,
    good_orgs: &HashMap<String, usize>,
    again: &mut HashSet<usize>,
) -> Vec<usize> {
    let mut chain = Vec::new();
    let mut parent = row.record.parent();
    while let Some(&at) = parent.and_then(|code| good_orgs.get(&code)) {
        if at >= start || !again.insert(at) {
            break;
        }
        chain.push(at);
        parent = rows[at].record.parent();
    }
    chain.reverse();
    chain
}

/// May the actor import at all? Importing writes records within the actor's scope, so only the
/// scope's writers may, and this is asked before an uploaded file is read.
pub fn may_import(actor: &Actor) -> Result<(), OpsError> {
    actor.may_write(actor.scope_path())
}

/// Checks, and unless `dry_run` writes, the rows. `found` holds problems the reader already
/// met while repairing cells; any of them, or any row the rules refuse, means nothing is
/// written.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "rows"))]
pub async fn rows(
    db: &Db,
    actor: &Actor,
    rows: Vec<Row>,
    found: Vec<RowError>,
    dry_run: bool,
) -> Result<Report, OpsError> {
    checked(db, actor, rows, found, dry_run, &AtomicUsize::new(0)).await
}

/// As [`rows`], counting the rows done in `done` as it goes, for a progress bar.
pub async fn checked(
    db: &Db,
    actor: &Actor,
    rows: Vec<Row>,
    found: Vec<RowError>,
    dry_run: bool,
    done: &AtomicUsize,
) -> Result<Report, OpsError> {
    may_import(actor)?;
    let mut stopped_at = None;
    // A cell the reader could not repair is reported once: not again as missing.
    let repaired: HashSet<(usize, String)> =
        found.iter().map(|e| (e.line, e.column.clone())).collect();
    let mut errors = found;
    // The reader's problems count toward the cap too: a file with a bad column in every row
    // is reported up to it, not row by row to the end.
    if errors.len() >= MAX_PROBLEMS {
        errors.sort_by_key(|e| e.line);
        errors.truncate(MAX_PROBLEMS);
        stopped_at = errors.last().map(|e| e.line);
    }
    // A dry run gives the write lock up every HOLD, so intake and other writers go on while a
    // large file is checked, and rolls each hold's rows back. Rows sharing what must be
    // unique are caught in memory; an org under an org of an earlier hold finds it again
    // because its in-file ancestors are added first, silently, to the new transaction. An
    // import that writes keeps one transaction: all rows or none.
    let mut tx = db.write().await?;
    // Counts and audit entries are written at the end; a dry run, rolled back, needs none.
    let mut later = Later::default();
    let (mut held, mut start) = (std::time::Instant::now(), 0);
    let mut again = HashSet::new();
    let mut seen: HashMap<(&'static str, String), usize> = HashMap::new();
    let mut good_orgs: HashMap<String, usize> = HashMap::new();
    for (i, row) in rows.iter().enumerate() {
        done.store(i, Ordering::Relaxed);
        if stopped_at.is_some_and(|at| row.line > at) || errors.len() >= MAX_PROBLEMS {
            stopped_at = Some(row.line);
            break;
        }
        if dry_run && held.elapsed() >= HOLD {
            later = Later::default();
            drop(tx);
            tx = db.write().await?;
            (held, start) = (std::time::Instant::now(), i);
            again.clear();
        }
        if let Some((column, key)) = row.record.unique_key()
            && let Some(&first) = seen.get(&(column, key.clone()))
        {
            let value = if column == "id_number" {
                jiceng_domain::id_number::mask(&key)
            } else {
                key
            };
            errors.push(RowError::new(
                row.line,
                column,
                value,
                msg!("与第 {first} 行重复", first = first),
            ));
            continue;
        }
        if let Some(k) = row.record.unique_key() {
            seen.insert(k, row.line);
        }
        for earlier in ancestors_before(&rows, row, start, &good_orgs, &mut again) {
            // Checked already; added again only for the rows that build on it.
            let _ = rows[earlier].record.add(&mut tx, actor, &mut later).await;
        }
        match row.record.add(&mut tx, actor, &mut later).await {
            Ok(_) => {
                if let (Record::Org(_), Some((_, code))) = (&row.record, row.record.unique_key()) {
                    good_orgs.insert(code, i);
                }
            }
            Err(Refusal::Problems(problems)) => {
                for p in problems {
                    if let OpsError::Invalid(i) | OpsError::Conflict(i) = p {
                        let e = RowError::new(row.line, i.field, i.value, i.message);
                        if !repaired.contains(&(e.line, e.column.clone())) {
                            errors.push(e);
                        }
                    }
                }
            }
            // Access, missing records and the database stop the whole import.
            Err(Refusal::Stop(e)) => return Err(e),
        }
    }
    done.store(rows.len(), Ordering::Relaxed);
    errors.sort_by_key(|e| e.line);
    let imported = if errors.is_empty() && stopped_at.is_none() && !dry_run {
        later.flush(&mut tx).await?;
        tx.commit().await?;
        rows.len()
    } else {
        drop(tx);
        0
    };
    if dry_run {
        // A dry run writes nothing but is audited like the import it rehearses: it tells
        // its actor which ID numbers are registered.
        let mut tx = db.write().await?;
        jiceng_store::audit::append(
            &mut tx,
            jiceng_store::audit::Entry {
                actor: &actor.audit_name(),
                operation: "import.dry_run",
                target: "import",
                path: Some(actor.scope_path()),
                before: None,
                after: Some(format!(
                    "{{\"rows\":{},\"errors\":{}}}",
                    rows.len(),
                    errors.len()
                )),
            },
        )
        .await?;
        tx.commit().await?;
    }
    Ok(Report {
        rows: rows.len(),
        errors,
        imported,
        dry_run,
        stopped_at,
    })
}
