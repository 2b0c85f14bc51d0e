//! /api/v1/cases and what the loop needs around them: departments, grids, the settings, the
//! rates, and the public tracking and rating by code.

use super::photos::WithPhotos;
use crate::AppState;
use crate::api::{Body, Params};
use crate::auth::Authed;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jiceng_ops::Page;
use jiceng_ops::cases::departments;
use jiceng_ops::cases::departments::Department;
use jiceng_ops::cases::intake::{self, NewCase};
use jiceng_ops::cases::moves::{self, Move};
use jiceng_ops::cases::rates::{self, Rates, RatesQuery};
use jiceng_ops::cases::views::Case;
use jiceng_ops::cases::views::{self, CaseDetail, CaseView, InboxQuery, ListCases, Tracking};
use serde::Deserialize;

#[utoipa::path(
    post,
    path = "/cases",
    tag = "案件",
    summary = "受理一件诉求或事件：按网格、社区定位，有类别时即立案；同一提交标识只受理一次。带照片时以 multipart 提交：json 部分为案件，photo_intake 部分为照片",
    request_body(content(
        (NewCase = "application/json"),
        (NewCaseWithPhotos = "multipart/form-data")
    )),
    responses((status = 201, description = "成功", body = Case))
)]
pub async fn take_in(
    State(s): State<AppState>,
    a: Authed,
    WithPhotos(new, photos): WithPhotos<NewCase>,
) -> Result<(StatusCode, Json<Case>), ApiError> {
    let case = if photos.is_empty() {
        s.intake.take_in(&s.db, &a.actor, new).await?
    } else {
        intake::take_in_with_photos(&s.db, &a.actor, &s.files, new, photos).await?
    };
    Ok((StatusCode::CREATED, Json(case)))
}

#[utoipa::path(
    get,
    path = "/cases",
    tag = "案件",
    summary = "范围内的案件，按受理时间倒序，可按状态、部门、街道、网格、类别、受理日期、超期、返工、回退、不满意、待人工分拨筛选，按文字搜索（默认最近三个月，最长一年）；after 翻页",
    params(ListCases),
    responses((status = 200, description = "成功", body = Page<CaseView>))
)]
pub async fn list(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<ListCases>,
) -> Result<Json<Page<CaseView>>, ApiError> {
    Ok(Json(views::list(&s.db, &a.actor, q).await?))
}

#[utoipa::path(
    get,
    path = "/cases/{id}",
    tag = "案件",
    summary = "一件案件及其全部办理步骤和吹哨报到情况",
    params(("id" = i64, Path)),
    responses((status = 200, description = "成功", body = CaseDetail))
)]
pub async fn show(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Result<Json<CaseDetail>, ApiError> {
    Ok(Json(views::show(&s.db, &a.actor, id, false).await?))
}

#[utoipa::path(
    post,
    path = "/cases/{id}/reveal",
    tag = "案件",
    summary = "显示反映人的完整姓名和电话（记入审计；只能以 POST 请求）",
    params(("id" = i64, Path)),
    responses((status = 200, description = "成功", body = CaseDetail))
)]
pub async fn reveal(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Result<Json<CaseDetail>, ApiError> {
    Ok(Json(views::show(&s.db, &a.actor, id, true).await?))
}

#[utoipa::path(
    post,
    path = "/cases/{id}/moves",
    tag = "案件",
    summary = "办理一步：立案、派遣（多个部门即吹哨）、报到、响应、回退、延期、督办、处置反馈、核查、返工、回访、挂账、恢复、作废、重复",
    params(("id" = i64, Path)),
    request_body(content(
        (Move = "application/json"),
        (MoveWithPhotos = "multipart/form-data")
    )),
    responses((status = 200, description = "成功", body = Case))
)]
pub async fn make_move(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    WithPhotos(m, photos): WithPhotos<Move>,
) -> Result<Json<Case>, ApiError> {
    Ok(Json(if photos.is_empty() {
        moves::apply(&s.db, &a.actor, id, m).await?
    } else {
        moves::apply_with_photos(&s.db, &a.actor, &s.files, id, m, photos).await?
    }))
}

/// A case taken in with its photos, as multipart parts.
#[derive(utoipa::ToSchema)]
#[allow(
    dead_code,
    reason = "describes a multipart body in the API document only"
)]
pub(crate) struct NewCaseWithPhotos {
    /// The case as the JSON body would give it (NewCase).
    json: String,
    /// Up to 6 JPG or PNG photos of 10 MB at most, one part each.
    #[schema(value_type = Vec<String>, format = Binary)]
    photo_intake: Vec<String>,
}

/// A move with its photos, as multipart parts: 处置前/后 photos ride with feedback, 核查
/// photos with verify and rework.
#[derive(utoipa::ToSchema)]
#[allow(
    dead_code,
    reason = "describes a multipart body in the API document only"
)]
pub(crate) struct MoveWithPhotos {
    /// The move as the JSON body would give it (Move).
    json: String,
    #[schema(value_type = Vec<String>, format = Binary)]
    photo_before: Vec<String>,
    #[schema(value_type = Vec<String>, format = Binary)]
    photo_after: Vec<String>,
    #[schema(value_type = Vec<String>, format = Binary)]
    photo_verify: Vec<String>,
}

#[utoipa::path(
    get,
    path = "/inbox",
    tag = "案件",
    summary = "本部门的待办（tab=open，按时限先后）或全部（tab=all，按受理时间倒序）：派给本部门或吹哨召集本部门的案件；after 翻页",
    params(InboxQuery),
    responses((status = 200, description = "成功", body = Page<CaseView>))
)]
pub async fn inbox(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<InboxQuery>,
) -> Result<Json<Page<CaseView>>, ApiError> {
    Ok(Json(views::inbox(&s.db, &a.actor, q).await?))
}

#[utoipa::path(
    get,
    path = "/rates",
    tag = "案件",
    summary = "响应率、解决率、满意率、按期结案率、返工率、回退率和平均办理时长，按街道、部门、类别或月份分组",
    params(RatesQuery),
    responses((status = 200, description = "成功", body = Rates))
)]
pub async fn rates(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<RatesQuery>,
) -> Result<Json<Rates>, ApiError> {
    Ok(Json(rates::rates(&s.db, &a.actor, q).await?))
}

#[utoipa::path(
    get,
    path = "/track/{code}",
    tag = "案件",
    summary = "按案件编号查询办理进度（无需登录，不含个人信息）",
    params(("code" = String, Path)),
    responses((status = 200, description = "成功", body = Tracking))
)]
pub async fn track(
    State(s): State<AppState>,
    crate::client::ClientAddr(from): crate::client::ClientAddr,
    Path(code): Path<String>,
) -> Result<Json<Tracking>, ApiError> {
    Ok(Json(views::track(&s.db, &code, &from).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct Rating {
    /// The six-digit rating secret given to the reporter at intake.
    pub secret: String,
    pub satisfaction: String,
}

#[utoipa::path(
    post,
    path = "/track/{code}/rating",
    tag = "案件",
    summary = "反映人凭案件编号和受理时给出的评价码评价满意度（无需登录；评价码连续错误后须等待）",
    params(("code" = String, Path)),
    request_body = Rating,
    responses((status = 200, description = "成功", body = Tracking))
)]
pub async fn rate(
    State(s): State<AppState>,
    crate::client::ClientAddr(from): crate::client::ClientAddr,
    Path(code): Path<String>,
    Body(r): Body<Rating>,
) -> Result<Json<Tracking>, ApiError> {
    moves::rate_as_reporter(&s.db, &code, &r.secret, &r.satisfaction, &from).await?;
    Ok(Json(views::track(&s.db, &code, &from).await?))
}

#[utoipa::path(
    get,
    path = "/departments",
    tag = "案件",
    summary = "职能部门",
    responses((status = 200, description = "成功", body = Vec<Department>))
)]
pub async fn departments(
    State(s): State<AppState>,
    _a: Authed,
) -> Result<Json<Vec<Department>>, ApiError> {
    Ok(Json(departments::list(&s.db).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewDepartment {
    pub code: String,
    pub name: String,
}

#[utoipa::path(
    post,
    path = "/departments",
    tag = "案件",
    summary = "添加职能部门（全域管理员）",
    request_body = NewDepartment,
    responses((status = 201, description = "成功", body = Department))
)]
pub async fn add_department(
    State(s): State<AppState>,
    a: Authed,
    Body(d): Body<NewDepartment>,
) -> Result<(StatusCode, Json<Department>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(departments::add(&s.db, &a.actor, &d.code, &d.name).await?),
    ))
}
