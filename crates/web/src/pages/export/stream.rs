//! A list exported as it is read. The handler reads the list a page at a time and hands each
//! page to a blocking thread that writes it into a worksheet kept on disk (rust_xlsxwriter's
//! constant-memory mode), so no request holds the whole list; the finished file is then sent
//! from disk in chunks. At most [`AT_ONCE`] workbooks are built at a time; a request that
//! waits longer than [`WAIT`] for its turn is answered 503. The writer starts with the first
//! page, so a request the list refuses (out of scope, a bad filter) starts nothing.

use axum::body::{Body, Bytes};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiceng_ops::OpsError;
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use std::io::{Seek, SeekFrom};
use std::sync::LazyLock;
use std::time::Duration;
use tokio::io::AsyncReadExt;
use tokio::sync::{Semaphore, mpsc};

/// Workbooks built at once across the server.
pub const AT_ONCE: usize = 2;
/// The longest a request waits for its turn to build one.
pub const WAIT: Duration = Duration::from_secs(30);

static TURNS: LazyLock<std::sync::Arc<Semaphore>> =
    LazyLock::new(|| std::sync::Arc::new(Semaphore::new(AT_ONCE)));

enum Part {
    Rows(Vec<Vec<String>>),
    End { truncated: bool },
}

struct Writer {
    parts: mpsc::Sender<Part>,
    built: tokio::task::JoinHandle<Result<Option<std::fs::File>, XlsxError>>,
}

/// A workbook of one sheet: a bold header row, then each page as it comes.
pub struct Sheet {
    name: String,
    head: Vec<String>,
    writer: Option<Writer>,
    rows: usize,
}

impl Sheet {
    pub fn new(name: &str, head: &[&str]) -> Sheet {
        Sheet {
            name: name.to_string(),
            head: head.iter().map(|h| h.to_string()).collect(),
            writer: None,
            rows: 0,
        }
    }

    /// Takes a turn and starts the writing thread, which holds the turn until the file is
    /// built, or until the request is dropped part-way (then it builds nothing).
    async fn start(&self) -> Result<Writer, OpsError> {
        let busy = || OpsError::busy("too many exports at once");
        let turn = tokio::time::timeout(WAIT, TURNS.clone().acquire_owned())
            .await
            .map_err(|_| busy())?
            .map_err(|_| busy())?;
        let (parts, mut rx) = mpsc::channel::<Part>(2);
        let (name, head) = (self.name.clone(), self.head.clone());
        let built = tokio::task::spawn_blocking(move || {
            let _turn = turn;
            let mut wb = Workbook::new();
            let ws = wb.add_worksheet_with_constant_memory()?;
            ws.set_name(&name)?;
            let bold = Format::new().set_bold();
            for (c, h) in head.iter().enumerate() {
                ws.set_column_width(c as u16, 16)?;
                ws.write_string_with_format(0, c as u16, h, &bold)?;
            }
            ws.set_freeze_panes(1, 0)?;
            let mut r: u32 = 1;
            loop {
                match rx.blocking_recv() {
                    Some(Part::Rows(rows)) => {
                        for row in rows {
                            for (c, v) in row.iter().enumerate() {
                                // Text cells, so ID numbers and codes never turn into 3.5E+17.
                                ws.write_string(r, c as u16, v)?;
                            }
                            r += 1;
                        }
                    }
                    Some(Part::End { truncated }) => {
                        if truncated {
                            ws.write_string(
                                r,
                                0,
                                format!("（仅导出前 {} 行，请缩小筛选范围）", super::MAX_ROWS),
                            )?;
                        }
                        break;
                    }
                    // The request was dropped: nobody will read the file.
                    None => return Ok(None),
                }
            }
            let mut file = tempfile::tempfile()?;
            wb.save_to_writer(&mut file)?;
            file.seek(SeekFrom::Start(0))?;
            Ok(Some(file))
        });
        Ok(Writer { parts, built })
    }

    /// Rows written so far.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Writes a page of rows, starting the writer with the first; waits while the writer is
    /// two pages behind. `false` when the writer has stopped (its error comes with `finish`),
    /// so the list need not be read further.
    pub async fn page(&mut self, rows: Vec<Vec<String>>) -> Result<bool, OpsError> {
        if self.writer.is_none() {
            self.writer = Some(self.start().await?);
        }
        self.rows += rows.len();
        let w = self.writer.as_ref().expect("started");
        Ok(w.parts.send(Part::Rows(rows)).await.is_ok())
    }

    /// Ends the sheet and answers with it as the download `file`.xlsx, or a 500 logged if it
    /// could not be built.
    pub async fn finish(mut self, file: &str, truncated: bool) -> Result<Response, OpsError> {
        if self.writer.is_none() {
            // An empty list: the header alone.
            self.writer = Some(self.start().await?);
        }
        let w = self.writer.take().expect("started");
        let _ = w.parts.send(Part::End { truncated }).await;
        drop(w.parts);
        let built = match w.built.await {
            Ok(Ok(Some(f))) => f,
            Ok(Ok(None)) => return Ok(failed(&"the writer stopped before the end")),
            Ok(Err(e)) => return Ok(failed(&e)),
            Err(e) => return Ok(failed(&e)),
        };
        let chunks =
            futures_util::stream::unfold(tokio::fs::File::from_std(built), |mut f| async move {
                let mut buf = vec![0; 64 * 1024];
                match f.read(&mut buf).await {
                    Ok(0) => None,
                    Ok(n) => {
                        buf.truncate(n);
                        Some((Ok(Bytes::from(buf)), f))
                    }
                    Err(e) => Some((Err(e), f)),
                }
            });
        Ok((
            [
                (
                    header::CONTENT_TYPE,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{file}.xlsx\""),
                ),
            ],
            Body::from_stream(chunks),
        )
            .into_response())
    }
}

fn failed(e: &dyn std::fmt::Display) -> Response {
    tracing::error!(error = %e, "xlsx export failed");
    (StatusCode::INTERNAL_SERVER_ERROR, "export failed").into_response()
}
