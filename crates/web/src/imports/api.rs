//! /api/v1/imports: a sheet uploaded as a job, its column mapping corrected, then checked or
//! imported in the background; the job answers with its progress and, when done, its report.

use super::{pages, runner, sheet};
use crate::AppState;
use crate::api::Body;
use crate::auth::Authed;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use jiceng_domain::{Invalid, msg};
use jiceng_ops::OpsError;
use jiceng_ops::imports::jobs::{self, Job};
use jiceng_ops::imports::may_import;
use serde::Deserialize;

fn bad_file(value: &str, why: jiceng_domain::Msg) -> ApiError {
    OpsError::Invalid(Invalid::new("file", value, why)).into()
}

#[utoipa::path(
    post,
    path = "/imports",
    tag = "导入",
    summary = "上传要导入的表格（multipart 字段 kind：members、orgs 或 units；file：.xlsx 或 .csv，不超过 10 MB、10 万行）；找出表头和各列对应的字段",
    request_body(content_type = "multipart/form-data", description = "字段 kind 和 file"),
    responses((status = 201, description = "成功", body = Job))
)]
pub async fn upload(
    State(s): State<AppState>,
    a: Authed,
    form: Multipart,
) -> Result<(StatusCode, Json<Job>), ApiError> {
    // Asked before a byte of the file is read.
    may_import(&a.actor)?;
    let up = pages::upload_of(form).await.map_err(|m| bad_file("", m))?;
    let (name, bytes) = up
        .file
        .filter(|f| !f.1.is_empty())
        .ok_or_else(|| bad_file("", msg!("请选择要导入的文件")))?;
    let cells = sheet::parse(name.clone(), bytes.clone())
        .await
        .map_err(|m| bad_file(&name, m))?;
    let job = jobs::start(&s.db, &a.actor, up.kind, &name, &bytes, &cells).await?;
    Ok((StatusCode::CREATED, Json(job)))
}

#[utoipa::path(
    get,
    path = "/imports/{id}",
    tag = "导入",
    summary = "导入任务：各列对应、进度，完成后的报告（每个问题的行号、列和说明）",
    params(("id" = i64, Path)),
    responses((status = 200, description = "成功", body = Job))
)]
pub async fn show(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Result<Json<Job>, ApiError> {
    Ok(Json(jobs::show(&s.db, &a.actor, id).await?))
}

/// Which field each of the file's columns fills, in the file's order.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct Mapping {
    /// A field's code per column (as `columns[].field`), or null to ignore the column.
    pub fields: Vec<Option<String>>,
}

#[utoipa::path(
    put,
    path = "/imports/{id}/mapping",
    tag = "导入",
    summary = "更正各列对应的字段；同样表头的下一个文件沿用",
    params(("id" = i64, Path)),
    request_body = Mapping,
    responses((status = 200, description = "成功", body = Job))
)]
pub async fn map(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Body(m): Body<Mapping>,
) -> Result<Json<Job>, ApiError> {
    Ok(Json(jobs::map(&s.db, &a.actor, id, m.fields).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RunInput {
    /// true: check every row and write nothing; false: import all rows, or none if any fails.
    pub dry_run: bool,
}

#[utoipa::path(
    post,
    path = "/imports/{id}/run",
    tag = "导入",
    summary = "在后台检查（dry_run）或导入；用 GET /imports/{id} 查看进度和报告",
    params(("id" = i64, Path)),
    request_body = RunInput,
    responses((status = 202, description = "已开始", body = Job))
)]
pub async fn run(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Body(r): Body<RunInput>,
) -> Result<(StatusCode, Json<Job>), ApiError> {
    runner::start(&s, &a.actor, id, r.dry_run).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(jobs::show(&s.db, &a.actor, id).await?),
    ))
}
