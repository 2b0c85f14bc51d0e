//! An import's problems as the file back: its header row and every data row as uploaded,
//! led by the row's number in the file and followed by a column naming the row's problems.

use crate::pages::export::stream::Sheet;
use axum::response::Response;
use jiceng_domain::Lang;
use jiceng_domain::imports::{Cell, text};
use jiceng_domain::msg::translate;
use jiceng_ops::OpsError;
use jiceng_ops::imports::jobs::Job;
use std::collections::HashMap;

/// Rows handed to the writer at a time.
const PAGE: usize = 2_000;

pub async fn file(job: &Job, cells: &[Vec<Cell>], lang: Lang) -> Result<Response, OpsError> {
    let line_head = translate(lang, "行号");
    let problems_head = translate(lang, "问题");
    let mut head: Vec<&str> = vec![line_head];
    head.extend(job.columns.iter().map(|c| c.title.as_str()));
    head.push(problems_head);
    let mut by_line: HashMap<usize, Vec<String>> = HashMap::new();
    if let Some(r) = &job.report {
        for p in &r.problems {
            by_line.entry(p.line).or_default().push(format!(
                "{}：{}",
                translate(lang, &p.column),
                p.text(lang)
            ));
        }
    }
    let width = job.columns.len();
    let mut out = Sheet::new("问题", &head);
    let mut page = Vec::with_capacity(PAGE);
    for (i, row) in cells.iter().enumerate().skip(job.header_line) {
        if row.iter().all(|c| text(c).is_none()) {
            continue;
        }
        let line = i + 1;
        let mut r = vec![line.to_string()];
        r.extend((0..width).map(|c| row.get(c).and_then(text).unwrap_or_default()));
        r.push(by_line.remove(&line).unwrap_or_default().join("；"));
        page.push(r);
        if page.len() == PAGE && !out.page(std::mem::take(&mut page)).await? {
            break;
        }
    }
    if !page.is_empty() {
        out.page(page).await?;
    }
    out.finish(&format!("import-{}-problems", job.id), false)
        .await
}
