//! An import as a job: the uploaded file is kept with the header found in it, the user may
//! correct which column is which field (remembered for the next file with the same headers),
//! then checks or imports it in the background while any server process shows its progress.
//! A job is its owner's alone: anyone else's answers as missing.

use super::records::{place, records};
use super::{Report, may_import};
use crate::{Actor, OpsError};
use chrono::{DateTime, Duration, Utc};
use jiceng_domain::imports::{Cell, Header, Kind, text};
use jiceng_domain::{Invalid, Lang, Msg, clock, msg};
use jiceng_store::Db;
use jiceng_store::import_jobs::{self as store, JobRow, NewJob};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A check not heard from for this long stopped with the process that ran it: a check
/// writes its progress twice a second.
const STALLED_AFTER: i64 = 60;
/// An import holds the write lock for its whole run, so it cannot write its progress until
/// it ends (a 100,000-row import takes under a minute): it counts as stopped only after this
/// long.
const IMPORT_STALLED_AFTER: i64 = 15 * 60;

/// How long a job in `state` may go unheard before it counts as stopped.
fn quiet_limit(state: &str) -> Duration {
    Duration::seconds(if state == "importing" {
        IMPORT_STALLED_AFTER
    } else {
        STALLED_AFTER
    })
}
/// Jobs, their files and reports are kept this long.
const KEPT_DAYS: i64 = 7;

/// Whose a job is: the account, or the operator at the command line.
fn owner(actor: &Actor) -> String {
    match actor {
        Actor::Operator { name } => name.clone(),
        Actor::User(u) => format!("user:{}", u.id),
    }
}

/// A column of the file: its header, the field it fills (none: ignored) and the first row's
/// value, to recognise it by.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct JobColumn {
    pub title: String,
    pub field: Option<String>,
    pub sample: String,
}

/// A problem as the report keeps it, in both languages.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RowProblem {
    pub line: usize,
    pub column: String,
    pub cell: Option<usize>,
    pub value: String,
    pub message: String,
    pub message_en: String,
}

impl RowProblem {
    pub fn text(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.message_en,
            _ => &self.message,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct JobReport {
    pub rows: usize,
    pub imported: usize,
    pub dry_run: bool,
    pub stopped_at: Option<usize>,
    /// What stopped the whole job, if anything did.
    pub failure: Option<String>,
    pub problems: Vec<RowProblem>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub file_name: String,
    /// The header's row number in the file.
    pub header_line: usize,
    pub columns: Vec<JobColumn>,
    /// Required fields no column fills, by their template headers.
    pub missing: Vec<&'static str>,
    /// mapping, checking, checked, importing, imported, failed or stalled.
    pub state: String,
    pub total: i64,
    pub done: i64,
    pub report: Option<JobReport>,
    pub created_at: DateTime<Utc>,
}

impl Job {
    pub fn running(&self) -> bool {
        matches!(self.state.as_str(), "checking" | "importing")
    }

    /// Whether it may be checked or imported now.
    pub fn ready(&self) -> bool {
        !self.running() && self.state != "imported" && self.missing.is_empty()
    }

    pub fn percent(&self) -> i64 {
        (self.done * 100)
            .checked_div(self.total)
            .unwrap_or(0)
            .min(100)
    }
}

/// Under what a mapping is remembered: the uploader's, for files with these headers. One
/// office's correction is not another's default.
fn remembered_as(actor: &Actor, kind: Kind, header: &Header) -> String {
    format!("{}|{}", owner(actor), header.signature(kind))
}

/// What a job keeps, as JSON text.
fn json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

fn kind_of(row: &JobRow) -> Kind {
    Kind::parse(&row.kind).unwrap_or(Kind::Members)
}

fn view(row: JobRow) -> Job {
    let kind = kind_of(&row);
    let header: Header = serde_json::from_str(&row.header).unwrap_or(Header {
        line: 0,
        titles: vec![],
        fields: vec![],
    });
    let samples: Vec<String> = serde_json::from_str(&row.samples).unwrap_or_default();
    let running = matches!(row.state.as_str(), "checking" | "importing");
    let stalled = running && clock::now() - row.updated_at > Duration::seconds(STALLED_AFTER);
    Job {
        id: row.id,
        kind: row.kind.clone(),
        file_name: row.file_name,
        header_line: header.line,
        columns: header
            .titles
            .iter()
            .enumerate()
            .map(|(i, t)| JobColumn {
                title: t.clone(),
                field: header.fields.get(i).cloned().flatten(),
                sample: samples.get(i).cloned().unwrap_or_default(),
            })
            .collect(),
        missing: header.missing(kind),
        state: if stalled { "stalled".into() } else { row.state },
        total: row.total,
        done: row.done,
        report: row.report.and_then(|r| serde_json::from_str(&r).ok()),
        created_at: row.created_at,
    }
}

/// The job `id` if it is the actor's, else not found.
async fn resolve(tx: &mut jiceng_store::Tx, actor: &Actor, id: i64) -> Result<JobRow, OpsError> {
    may_import(actor)?;
    store::by_id(tx, id)
        .await?
        .filter(|j| j.owner == owner(actor))
        .ok_or_else(|| OpsError::not_found("导入任务", id))
}

fn header_of(row: &JobRow) -> Result<Header, OpsError> {
    serde_json::from_str(&row.header)
        .map_err(|_| OpsError::Invalid(Invalid::new("file", &row.file_name, msg!("无法读取文件"))))
}

/// Keeps an uploaded sheet as a job: finds its header (applying the mapping remembered for
/// files with the same headers) and counts its rows. Nothing is checked yet.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "start"))]
pub async fn start(
    db: &Db,
    actor: &Actor,
    kind: Kind,
    file_name: &str,
    file: &[u8],
    sheet: &[Vec<Cell>],
) -> Result<Job, OpsError> {
    may_import(actor)?;
    let name = jiceng_domain::text::long("file", file_name, 200)?;
    let mut header =
        Header::find(kind, sheet).map_err(|m| OpsError::Invalid(Invalid::new("file", &name, m)))?;
    let data = || {
        sheet
            .iter()
            .skip(header.line)
            .filter(|r| r.iter().any(|c| text(c).is_some()))
    };
    let samples: Vec<String> = data()
        .next()
        .map(|r| r.iter().map(|c| text(c).unwrap_or_default()).collect())
        .unwrap_or_default();
    let total = data().count() as i64;
    let mut tx = db.write().await?;
    if let Some(fields) = store::mapping(&mut tx, &remembered_as(actor, kind, &header)).await?
        && let Ok(fields) = serde_json::from_str::<Vec<Option<String>>>(&fields)
    {
        // A mapping that no longer fits the fields is ignored, not an error.
        let mut remembered = header.clone();
        if remembered.remap(kind, &fields).is_ok() {
            header = remembered;
        }
    }
    store::purge(&mut tx, clock::now() - Duration::days(KEPT_DAYS)).await?;
    let who = owner(actor);
    let id = store::insert(
        &mut tx,
        &NewJob {
            owner: &who,
            kind: kind.code(),
            file_name: &name,
            file,
            header: &json(&header),
            samples: &json(&samples),
            total,
        },
    )
    .await?;
    let row = store::by_id(&mut tx, id)
        .await?
        .ok_or_else(|| OpsError::not_found("导入任务", id))?;
    tx.commit().await?;
    Ok(view(row))
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "show"))]
pub async fn show(db: &Db, actor: &Actor, id: i64) -> Result<Job, OpsError> {
    let mut tx = db.read().await?;
    Ok(view(resolve(&mut tx, actor, id).await?))
}

/// The actor's latest jobs, newest first.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "list"))]
pub async fn list(db: &Db, actor: &Actor) -> Result<Vec<Job>, OpsError> {
    may_import(actor)?;
    let mut tx = db.read().await?;
    Ok(store::of_owner(&mut tx, &owner(actor), 10)
        .await?
        .into_iter()
        .map(view)
        .collect())
}

/// Sets which field each column fills (none or "" ignores it), and remembers it for the
/// next file with the same headers.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "map"))]
pub async fn map(
    db: &Db,
    actor: &Actor,
    id: i64,
    fields: Vec<Option<String>>,
) -> Result<Job, OpsError> {
    let mut tx = db.write().await?;
    let row = resolve(&mut tx, actor, id).await?;
    if matches!(row.state.as_str(), "checking" | "importing" | "imported") {
        return Err(OpsError::conflict(
            "state",
            &row.state,
            msg!("任务正在运行或已导入，不能再修改列对应"),
        ));
    }
    let kind = kind_of(&row);
    let mut header = header_of(&row)?;
    header
        .remap(kind, &fields)
        .map_err(|m| OpsError::Invalid(Invalid::new("fields", "", m)))?;
    store::set_header(&mut tx, id, &json(&header)).await?;
    store::remember(
        &mut tx,
        &remembered_as(actor, kind, &header),
        &json(&header.fields),
    )
    .await?;
    let row = store::by_id(&mut tx, id)
        .await?
        .ok_or_else(|| OpsError::not_found("导入任务", id))?;
    tx.commit().await?;
    Ok(view(row))
}

/// Starts checking (`dry_run`) or importing the job: refused while it runs, after it was
/// imported, or while a required field has no column. Returns the run's number; the caller
/// then reads the file ([`file`]) and hands its cells to [`run`].
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "begin"))]
pub async fn begin(db: &Db, actor: &Actor, id: i64, dry_run: bool) -> Result<i64, OpsError> {
    let mut tx = db.write().await?;
    let row = resolve(&mut tx, actor, id).await?;
    let job = view(row.clone());
    if !job.missing.is_empty() {
        return Err(Invalid::new(
            "fields",
            job.missing.join("、"),
            msg!(
                "缺少必填列：{columns}，请在列对应中指定",
                columns = job.missing.join("、")
            ),
        )
        .into());
    }
    let to = if dry_run { "checking" } else { "importing" };
    // A stopped job may be run again, once it has been quiet as long as its state allows;
    // its old run, should it wake, then writes nothing.
    let (from, quiet_since) = if job.state == "stalled" {
        (
            [row.state.as_str(); 3],
            clock::now() - quiet_limit(&row.state),
        )
    } else {
        (
            ["mapping", "checked", "failed"],
            clock::now() + Duration::days(1),
        )
    };
    let Some(run) = store::claim(&mut tx, id, from, quiet_since, to).await? else {
        return Err(OpsError::conflict(
            "state",
            &job.state,
            msg!("任务正在运行或已导入"),
        ));
    };
    tx.commit().await?;
    Ok(run)
}

/// The job's file as uploaded.
pub async fn file(db: &Db, actor: &Actor, id: i64) -> Result<(Job, Vec<u8>), OpsError> {
    let mut tx = db.read().await?;
    let row = resolve(&mut tx, actor, id).await?;
    let bytes = store::file(&mut tx, id)
        .await?
        .ok_or_else(|| OpsError::not_found("导入任务", id))?;
    Ok((view(row), bytes))
}

fn problems(report: &Report) -> Vec<RowProblem> {
    report
        .errors
        .iter()
        .map(|e| RowProblem {
            line: e.line,
            column: e.column.clone(),
            cell: e.cell,
            value: e.value.clone(),
            message: e.message.render(Lang::Zh),
            message_en: e.message.render(Lang::En),
        })
        .collect()
}

/// Ends run `run` of a job that could not run, saying why.
pub async fn fail(db: &Db, id: i64, run: i64, why: &Msg) -> Result<(), OpsError> {
    let report = JobReport {
        rows: 0,
        imported: 0,
        dry_run: true,
        stopped_at: None,
        failure: Some(why.render(Lang::Zh)),
        problems: vec![],
    };
    let mut tx = db.write().await?;
    store::finish(&mut tx, id, run, "failed", &json(&report)).await?;
    tx.commit().await?;
    Ok(())
}

/// Checks or imports a job begun with [`begin`], from the cells of its file, keeping its
/// progress as it goes and its report at the end. Everything it meets ends up in the report:
/// this returns an error only when even that could not be written.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "run"))]
pub async fn run(
    db: &Db,
    actor: &Actor,
    (id, run): (i64, i64),
    dry_run: bool,
    sheet: Vec<Vec<Cell>>,
) -> Result<(), OpsError> {
    let row = {
        let mut tx = db.read().await?;
        resolve(&mut tx, actor, id).await?
    };
    let kind = kind_of(&row);
    let header = header_of(&row)?;
    let (rows, found) = records(kind, &header, &sheet);
    drop(sheet);
    let done = Arc::new(AtomicUsize::new(0));
    let ticker = {
        let (db, done) = (db.clone(), done.clone());
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                let n = done.load(Ordering::Relaxed) as i64;
                if let Ok(mut tx) = db.write().await
                    && store::progress(&mut tx, id, run, n).await.is_ok()
                {
                    let _ = tx.commit().await;
                }
            }
        })
    };
    let outcome = super::checked(db, actor, rows, found, dry_run, &done).await;
    ticker.abort();
    let (state, report) = match outcome {
        Ok(mut r) => {
            place(kind, &header, &mut r.errors);
            let state = if r.imported > 0 {
                "imported"
            } else {
                "checked"
            };
            (
                state,
                JobReport {
                    rows: r.rows,
                    imported: r.imported,
                    dry_run,
                    stopped_at: r.stopped_at,
                    failure: None,
                    problems: problems(&r),
                },
            )
        }
        Err(e) => (
            "failed",
            JobReport {
                rows: 0,
                imported: 0,
                dry_run,
                stopped_at: None,
                failure: Some(e.render(Lang::Zh)),
                problems: vec![],
            },
        ),
    };
    let mut tx = db.write().await?;
    store::finish(&mut tx, id, run, state, &json(&report)).await?;
    tx.commit().await?;
    Ok(())
}
