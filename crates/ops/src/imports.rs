//! Importing members, orgs or units from a spreadsheet: every row is checked by the same rules
//! as a typed record, in one transaction. A dry run reports every error by row and column and
//! writes nothing; a real run writes all rows or, if any row fails, none.

use crate::members::NewMember;
use crate::orgs::NewOrg;
use crate::units::NewUnit;
use crate::{Actor, OpsError};
use jiceng_domain::error::field_label;
use jiceng_domain::{Msg, msg};
use jiceng_store::{Db, Tx};
use serde::Serialize;

/// What one row of a file describes.
#[derive(Debug, Clone)]
pub enum Record {
    Member(NewMember),
    Org(NewOrg),
    Unit(NewUnit),
}

impl Record {
    fn id_number(&self) -> Option<&str> {
        match self {
            Record::Member(m) => m.id_number.as_deref(),
            _ => None,
        }
    }

    async fn add(&self, tx: &mut Tx, actor: &Actor) -> Result<(), OpsError> {
        match self {
            Record::Member(m) => crate::members::add_in(tx, actor, m).await.map(|_| ()),
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

/// A problem found in a cell (or a whole row). `column` is the column's Chinese label.
#[derive(Debug, Clone, Serialize)]
pub struct RowError {
    pub line: usize,
    pub column: &'static str,
    pub value: String,
    pub message: Msg,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub rows: usize,
    pub errors: Vec<RowError>,
    /// Rows written: all of them, or none.
    pub imported: usize,
    pub dry_run: bool,
}

/// Rows of a members' dry run checked under one hold of the write lock.
const CHUNK: usize = 500;

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
    may_import(actor)?;
    let mut errors = found;
    let mut bad: std::collections::HashSet<usize> = errors.iter().map(|e| e.line).collect();
    // A dry run of members, whose rows build on nothing earlier in the file (ID numbers seen
    // twice are caught in memory), gives the write lock up every CHUNK rows so intake and
    // other writers go on; orgs and units, which build on earlier rows, keep one transaction,
    // as does every import that writes.
    let chunked = dry_run && rows.iter().all(|r| matches!(r.record, Record::Member(_)));
    let mut tx = db.write().await?;
    let mut seen = std::collections::HashMap::new();
    for (i, row) in rows.iter().enumerate() {
        if chunked && i > 0 && i % CHUNK == 0 {
            drop(tx);
            tx = db.write().await?;
        }
        let id = row
            .record
            .id_number()
            .map(|s| s.trim().to_ascii_uppercase());
        if let Some(id) = id
            && let Some(first) = seen.insert(id.clone(), row.line)
        {
            errors.push(RowError {
                line: row.line,
                column: field_label("id_number"),
                value: jiceng_domain::id_number::mask(&id),
                message: msg!("与第 {first} 行重复", first = first),
            });
            bad.insert(row.line);
            continue;
        }
        if bad.contains(&row.line) {
            continue;
        }
        match row.record.add(&mut tx, actor).await {
            Ok(_) => {}
            Err(OpsError::Invalid(i) | OpsError::Conflict(i)) => {
                bad.insert(row.line);
                errors.push(RowError {
                    line: row.line,
                    column: field_label(i.field),
                    value: i.value,
                    message: i.message,
                });
            }
            // Access, missing records and the database stop the whole import.
            Err(e) => return Err(e),
        }
    }
    errors.sort_by_key(|e| e.line);
    let imported = if errors.is_empty() && !dry_run {
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
    })
}
