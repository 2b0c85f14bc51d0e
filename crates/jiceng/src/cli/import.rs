//! `jiceng import members|orgs|units FILE [--dry-run]`: the file read and mapped as the import
//! page maps it (header found below title rows, columns by the names people use), every row
//! checked with a progress bar, and every problem printed by row and column. Without
//! `--dry-run` all rows are written, or none if any row has a problem.

use super::output::Out;
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use jiceng_domain::imports::{Header, Kind};
use jiceng_domain::{Invalid, msg};
use jiceng_ops::imports::records::{place, records};
use jiceng_ops::imports::{self, Report};
use jiceng_ops::{Actor, Db, OpsError};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Clone, Copy, ValueEnum)]
pub enum What {
    Members,
    Orgs,
    Units,
}

#[derive(Args)]
pub struct ImportArgs {
    what: What,
    /// An .xlsx or .csv file.
    file: PathBuf,
    /// Check every row and write nothing.
    #[arg(long)]
    dry_run: bool,
}

fn bad(file: &str, why: jiceng_domain::Msg) -> OpsError {
    OpsError::Invalid(Invalid::new("file", file, why))
}

fn render(r: &Report) -> String {
    let mut lines: Vec<String> = r
        .errors
        .iter()
        .map(|e| {
            format!(
                "第 {} 行 {}：{} —— {}",
                e.line, e.column, e.value, e.message
            )
        })
        .collect();
    lines.push(if !r.errors.is_empty() {
        format!(
            "{} 行中发现 {} 个问题，未写入任何数据",
            r.rows,
            r.errors.len()
        )
    } else if r.dry_run {
        format!("{} 行检查通过，可以导入", r.rows)
    } else {
        format!("已导入 {} 行", r.imported)
    });
    lines.join("\n")
}

pub async fn run(db: &Db, actor: &Actor, args: ImportArgs, out: &Out) -> Result<(), OpsError> {
    imports::may_import(actor)?;
    let kind = match args.what {
        What::Members => Kind::Members,
        What::Orgs => Kind::Orgs,
        What::Units => Kind::Units,
    };
    let path = args.file.display().to_string();
    let size = std::fs::metadata(&args.file)
        .map_err(|e| bad(&path, msg!("无法读取文件：{reason}", reason = e)))?
        .len();
    let limit = jiceng_web::imports::sheet::MAX_UPLOAD as u64;
    if size > limit {
        return Err(bad(&path, msg!("文件超过 {mb} MB", mb = limit >> 20)));
    }
    let bytes = std::fs::read(&args.file)
        .map_err(|e| bad(&path, msg!("无法读取文件：{reason}", reason = e)))?;
    let name = args
        .file
        .file_name()
        .map_or_else(|| path.clone(), |n| n.to_string_lossy().into_owned());
    let cells = jiceng_web::imports::sheet::parse(name, bytes)
        .await
        .map_err(|m| bad(&path, m))?;
    let header = Header::find(kind, &cells).map_err(|m| bad(&path, m))?;
    let missing = header.missing(kind);
    if !missing.is_empty() {
        return Err(bad(
            &path,
            msg!(
                "第 {line} 行的表头缺少必填列：{columns}",
                line = header.line,
                columns = missing.join("、")
            ),
        ));
    }
    let (rows, found) = records(kind, &header, &cells);
    drop(cells);
    let done = Arc::new(AtomicUsize::new(0));
    let bar = ProgressBar::new(rows.len() as u64);
    if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} {elapsed}") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(if args.dry_run { "检查" } else { "导入" });
    let ticker = {
        let (bar, done) = (bar.clone(), done.clone());
        tokio::spawn(async move {
            loop {
                bar.set_position(done.load(Ordering::Relaxed) as u64);
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            }
        })
    };
    let outcome = imports::checked(db, actor, rows, found, args.dry_run, &done).await;
    ticker.abort();
    bar.finish_and_clear();
    let mut report = outcome?;
    place(kind, &header, &mut report.errors);
    out.show(&report, render);
    if report.errors.is_empty() {
        Ok(())
    } else {
        Err(bad(
            &path,
            msg!("发现 {n} 个问题，未写入任何数据", n = report.errors.len()),
        ))
    }
}
