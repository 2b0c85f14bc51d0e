//! The import pages: download a template, upload a sheet as people keep it, see and correct
//! which column is which field, check it (dry run) and import it in the background with a
//! progress bar, every problem listed by row and column and downloadable as the file back
//! with a column of problems.

use super::{report, runner, sheet};
use crate::AppState;
use crate::pages::export::{workbook, xlsx};
use crate::pages::form::Values;
use crate::pages::{Layout, PageResult, Viewer, error_page, go, render};
use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use jiceng_domain::Msg;
use jiceng_domain::imports::{Column, Kind};
use jiceng_domain::msg;
use jiceng_ops::OpsError;
use jiceng_ops::imports::jobs::{self, Job};
use jiceng_ops::imports::may_import;

use super::sheet::MAX_UPLOAD;

/// Problems listed on the page; the downloadable report has them all.
const SHOWN: usize = 500;

#[derive(Template)]
#[template(path = "imports/import.html")]
struct ImportPage {
    l: Layout,
    kind: &'static str,
    jobs: Vec<Job>,
    error: String,
}

#[derive(Template)]
#[template(path = "imports/job.html")]
struct JobPage {
    l: Layout,
    job: Job,
    fields: &'static [Column],
    error: String,
}

impl JobPage {
    fn shown_problems(&self) -> impl Iterator<Item = &jiceng_ops::imports::jobs::RowProblem> {
        self.job
            .report
            .iter()
            .flat_map(|r| r.problems.iter())
            .take(SHOWN)
    }

    fn text<'a>(&self, p: &'a jiceng_ops::imports::jobs::RowProblem) -> &'a str {
        p.text(self.l.lang)
    }

    /// The file's own header for the column a problem is in, in brackets.
    fn title_of(&self, p: &jiceng_ops::imports::jobs::RowProblem) -> String {
        p.cell
            .and_then(|c| self.job.columns.get(c))
            .map(|c| format!("（{}）", c.title))
            .unwrap_or_default()
    }
}

fn layout(v: &Viewer) -> Layout {
    let title = v.t("import.title").to_string();
    v.layout(title)
}

async fn import_page(s: &AppState, v: &Viewer, kind: Kind, error: String) -> Response {
    match jobs::list(&s.db, &v.actor).await {
        Ok(jobs) => render(&ImportPage {
            l: layout(v),
            kind: kind.code(),
            jobs,
            error,
        }),
        Err(e) => error_page(v.lang, &e),
    }
}

pub async fn form(State(s): State<AppState>, v: Viewer) -> Response {
    import_page(&s, &v, Kind::Members, String::new()).await
}

pub async fn template(v: Viewer, Query(q): Query<Values>) -> Response {
    if let Err(e) = may_import(&v.actor) {
        return error_page(v.lang, &e);
    }
    let kind = q
        .get("kind")
        .and_then(|k| Kind::parse(k))
        .unwrap_or(Kind::Members);
    let head: Vec<&str> = kind.template().map(|c| c.header).collect();
    let example: Vec<String> = kind
        .template()
        .map(|c| example(kind, c.field).to_string())
        .collect();
    xlsx(
        &format!("{}-template", kind.code()),
        workbook("导入", &head, &[example], false),
    )
}

/// The template's example row, a value for each field.
fn example(kind: Kind, field: &str) -> &'static str {
    match (kind, field) {
        (Kind::Members, "name") => "林小红",
        (Kind::Members, "id_number") => "350302198503040128",
        (Kind::Members, "org") => "C350302001001",
        (Kind::Members, "gender") => "女",
        (Kind::Members, "ethnicity") => "汉族",
        (Kind::Members, "birth_date") => "1985-03-04",
        (Kind::Members, "phone") => "13800138000",
        (Kind::Members, "education") => "大学本科",
        (Kind::Members, "joined_on") => "2010-07-01",
        (Kind::Members, "full_on") => "2011-07-01",
        (Kind::Members, "status") => "正式",
        (Kind::Members, "categories") => "在职,流动",
        (Kind::Members, "residence_division") => "350302001001",
        (Kind::Orgs, "code") => "350302001001901",
        (Kind::Orgs, "name") => "太平社区第901网格党支部",
        (Kind::Orgs, "level") => "党支部",
        (Kind::Orgs, "category") => "网格党支部",
        (Kind::Orgs, "parent") => "C350302001001",
        (Kind::Orgs, "division_code") | (Kind::Units, "division_code") => "350302001001",
        (Kind::Orgs, "founded_on") => "2020-05-01",
        (Kind::Orgs, "elected_on") => "2024-05-01",
        (Kind::Units, "name") => "莆田市某某科技有限公司",
        (Kind::Units, "category") => "非公企业",
        (Kind::Units, "address") => "龙桥街道100号",
        _ => "",
    }
}

/// What an upload form sent: the kind and the file.
pub(super) struct Upload {
    pub kind: Kind,
    pub file: Option<(String, Vec<u8>)>,
}

/// Reads the upload's fields; an upload cut off or over the limit is named.
pub(super) async fn upload_of(mut form: Multipart) -> Result<Upload, Msg> {
    let too_big = |e: &dyn std::fmt::Display| {
        msg!(
            "上传失败（文件上限 {mb} MB）：{reason}",
            mb = MAX_UPLOAD >> 20,
            reason = e.to_string()
        )
    };
    let mut up = Upload {
        kind: Kind::Members,
        file: None,
    };
    while let Some(field) = form.next_field().await.map_err(|e| too_big(&e))? {
        match field.name() {
            Some("file") => {
                let name = field.file_name().unwrap_or("upload.xlsx").to_string();
                let bytes = field.bytes().await.map_err(|e| too_big(&e))?;
                up.file = Some((name, bytes.to_vec()));
            }
            Some("kind") => {
                up.kind = field
                    .text()
                    .await
                    .ok()
                    .and_then(|k| Kind::parse(&k))
                    .unwrap_or(Kind::Members);
            }
            _ => {}
        }
    }
    Ok(up)
}

/// Keeps the uploaded sheet as a job and shows its columns.
pub async fn upload(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    form: Multipart,
) -> Response {
    // Asked before a byte of the file is read.
    if let Err(e) = may_import(&v.actor) {
        return error_page(v.lang, &e);
    }
    let up = match upload_of(form).await {
        Ok(up) => up,
        Err(m) => return import_page(&s, &v, Kind::Members, layout(&v).msg(&m)).await,
    };
    let kind = up.kind;
    let Some((name, bytes)) = up.file.filter(|f| !f.1.is_empty()) else {
        let why = layout(&v).msg(&msg!("请选择要导入的文件"));
        return import_page(&s, &v, kind, why).await;
    };
    let cells = match sheet::parse(name.clone(), bytes.clone()).await {
        Ok(c) => c,
        Err(m) => return import_page(&s, &v, kind, layout(&v).msg(&m)).await,
    };
    match jobs::start(&s.db, &v.actor, kind, &name, &bytes, &cells).await {
        Ok(job) => go(&headers, &format!("/import/{}", job.id)),
        Err(e @ OpsError::Invalid(_)) => {
            let why = e.render(v.lang);
            import_page(&s, &v, kind, why).await
        }
        Err(e) => error_page(v.lang, &e),
    }
}

fn job_page(v: &Viewer, job: Job, error: String) -> Response {
    let fields = Kind::parse(&job.kind).unwrap_or(Kind::Members).columns();
    render(&JobPage {
        l: layout(v),
        job,
        fields,
        error,
    })
}

pub async fn show(State(s): State<AppState>, v: Viewer, Path(id): Path<i64>) -> PageResult {
    let job = jobs::show(&s.db, &v.actor, id).await?;
    Ok(job_page(&v, job, String::new()))
}

/// The mapping form's columns, `col0`, `col1` …: a field's code, or empty to ignore it.
pub async fn map(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<Values>,
) -> PageResult {
    let job = jobs::show(&s.db, &v.actor, id).await?;
    let fields = (0..job.columns.len())
        .map(|i| f.get(&format!("col{i}")).cloned())
        .collect();
    match jobs::map(&s.db, &v.actor, id, fields).await {
        Ok(_) => Ok(go(&headers, &format!("/import/{id}"))),
        Err(e @ (OpsError::Invalid(_) | OpsError::Conflict(_))) => {
            let why = e.render(v.lang);
            Ok(job_page(&v, job, why))
        }
        Err(e) => Err(e.into()),
    }
}

/// Starts checking (mode=dry_run) or importing (mode=commit) in the background.
pub async fn run(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<Values>,
) -> PageResult {
    let dry_run = f.get("mode").map(String::as_str) != Some("commit");
    match runner::start(&s, &v.actor, id, dry_run).await {
        Ok(()) => Ok(go(&headers, &format!("/import/{id}"))),
        Err(e @ (OpsError::Invalid(_) | OpsError::Conflict(_))) => {
            let job = jobs::show(&s.db, &v.actor, id).await?;
            let why = e.render(v.lang);
            Ok(job_page(&v, job, why))
        }
        Err(e) => Err(e.into()),
    }
}

/// The file back with a column of each row's problems.
pub async fn report_xlsx(State(s): State<AppState>, v: Viewer, Path(id): Path<i64>) -> PageResult {
    let (job, bytes) = jobs::file(&s.db, &v.actor, id).await?;
    let cells = sheet::parse(job.file_name.clone(), bytes)
        .await
        .map_err(|m| OpsError::Invalid(jiceng_domain::Invalid::new("file", &job.file_name, m)))?;
    Ok(report::file(&job, &cells, v.lang).await?)
}
