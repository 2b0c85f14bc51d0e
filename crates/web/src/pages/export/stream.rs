//! A list exported as it is read. The handler reads the list a page at a time and hands each
//! page to a blocking thread that writes it into a worksheet kept on disk (rust_xlsxwriter's
//! constant-memory mode), so no request holds the whole list; the finished file is then sent
//! from disk in chunks. At most [`AT_ONCE`] exports are built at a time; others wait.

use axum::body::{Body, Bytes};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use std::io::{Seek, SeekFrom};
use std::sync::LazyLock;
use tokio::io::AsyncReadExt;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};

/// Exports built at once across the server.
pub const AT_ONCE: usize = 2;

static TURNS: LazyLock<std::sync::Arc<Semaphore>> =
    LazyLock::new(|| std::sync::Arc::new(Semaphore::new(AT_ONCE)));

enum Part {
    Rows(Vec<Vec<String>>),
    End { truncated: bool },
}

/// A workbook of one sheet being written: a bold header row, then each page as it comes.
pub struct Sheet {
    parts: mpsc::Sender<Part>,
    built: tokio::task::JoinHandle<Result<std::fs::File, XlsxError>>,
    rows: usize,
    turn: OwnedSemaphorePermit,
}

impl Sheet {
    pub async fn start(name: &str, head: &[&str]) -> Sheet {
        let turn = TURNS
            .clone()
            .acquire_owned()
            .await
            .expect("the semaphore is never closed");
        let (parts, mut rx) = mpsc::channel::<Part>(2);
        let (name, head): (String, Vec<String>) = (
            name.to_string(),
            head.iter().map(|h| h.to_string()).collect(),
        );
        let built = tokio::task::spawn_blocking(move || {
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
            while let Some(part) = rx.blocking_recv() {
                match part {
                    Part::Rows(rows) => {
                        for row in rows {
                            for (c, v) in row.iter().enumerate() {
                                // Text cells, so ID numbers and codes never turn into 3.5E+17.
                                ws.write_string(r, c as u16, v)?;
                            }
                            r += 1;
                        }
                    }
                    Part::End { truncated } => {
                        if truncated {
                            ws.write_string(
                                r,
                                0,
                                format!("（仅导出前 {} 行，请缩小筛选范围）", super::MAX_ROWS),
                            )?;
                        }
                        break;
                    }
                }
            }
            let mut file = tempfile::tempfile()?;
            wb.save_to_writer(&mut file)?;
            file.seek(SeekFrom::Start(0))?;
            Ok(file)
        });
        Sheet {
            parts,
            built,
            rows: 0,
            turn,
        }
    }

    /// Rows written so far.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Writes a page of rows; waits while the writer is two pages behind.
    pub async fn page(&mut self, rows: Vec<Vec<String>>) {
        self.rows += rows.len();
        // A writer that stopped has an error that `finish` reports.
        let _ = self.parts.send(Part::Rows(rows)).await;
    }

    /// Ends the sheet and answers with it as the download `file`.xlsx, or a 500 logged if it
    /// could not be built.
    pub async fn finish(self, file: &str, truncated: bool) -> Response {
        let _ = self.parts.send(Part::End { truncated }).await;
        drop(self.parts);
        let built = match self.built.await {
            Ok(Ok(f)) => f,
            Ok(Err(e)) => return failed(&e),
            Err(e) => return failed(&e),
        };
        let chunks = futures_util::stream::unfold(
            (tokio::fs::File::from_std(built), self.turn),
            |(mut f, turn)| async move {
                let mut buf = vec![0; 64 * 1024];
                match f.read(&mut buf).await {
                    Ok(0) => None,
                    Ok(n) => {
                        buf.truncate(n);
                        Some((Ok(Bytes::from(buf)), (f, turn)))
                    }
                    Err(e) => Some((Err(e), (f, turn))),
                }
            },
        );
        (
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
            .into_response()
    }
}

fn failed(e: &dyn std::fmt::Display) -> Response {
    tracing::error!(error = %e, "xlsx export failed");
    (StatusCode::INTERNAL_SERVER_ERROR, "export failed").into_response()
}
