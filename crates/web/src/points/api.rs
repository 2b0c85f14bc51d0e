//! /api/v1/points: schemes, rankings, a member's ledger, manual entries and their approval.

use crate::AppState;
use crate::api::{Body, Params};
use crate::auth::Authed;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jiceng_domain::points::Scheme;
use jiceng_ops::Page;
use jiceng_ops::points::Entry;
use jiceng_ops::points::{self, Ledger, NewPoints, PendingQuery, Ranking, RankingQuery};
use serde::Deserialize;

#[utoipa::path(
    get,
    path = "/points/schemes",
    tag = "党员积分",
    summary = "积分方案（类别树、项目、分值、上限、是否需佐证/审核、来源）",
    responses((status = 200, description = "成功", body = Vec<Scheme>))
)]
pub async fn schemes(State(s): State<AppState>, _a: Authed) -> Result<Json<Vec<Scheme>>, ApiError> {
    Ok(Json(points::schemes(&s.db).await?))
}

#[utoipa::path(
    put,
    path = "/points/schemes/{code}",
    tag = "党员积分",
    summary = "保存积分方案（校验循环、负上限等；需全域管理员）",
    params(("code" = String, Path)),
    request_body = Scheme,
    responses((status = 200, description = "成功", body = Scheme))
)]
pub async fn save_scheme(
    State(s): State<AppState>,
    a: Authed,
    Path(code): Path<String>,
    Body(mut scheme): Body<Scheme>,
) -> Result<Json<Scheme>, ApiError> {
    scheme.code = code;
    Ok(Json(points::save_scheme(&s.db, &a.actor, scheme).await?))
}

#[utoipa::path(
    get,
    path = "/points/ranking",
    tag = "党员积分",
    summary = "范围内党员积分排名（并列同名次）",
    params(RankingQuery),
    responses((status = 200, description = "成功", body = Ranking))
)]
pub async fn ranking(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<RankingQuery>,
) -> Result<Json<Ranking>, ApiError> {
    Ok(Json(points::ranking(&s.db, &a.actor, q).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LedgerQuery {
    pub scheme: Option<String>,
    pub period: Option<String>,
}

#[utoipa::path(
    get,
    path = "/members/{id}/points",
    tag = "党员积分",
    summary = "党员积分台账：各项目、会议明细、手工登记",
    params(("id" = i64, Path), LedgerQuery),
    responses((status = 200, description = "成功", body = Ledger))
)]
pub async fn ledger(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Params(q): Params<LedgerQuery>,
) -> Result<Json<Ledger>, ApiError> {
    let scheme = q.scheme.unwrap_or_else(|| "accrual".into());
    Ok(Json(
        points::ledger(&s.db, &a.actor, id, &scheme, q.period.as_deref()).await?,
    ))
}

#[utoipa::path(
    post,
    path = "/points/entries",
    tag = "党员积分",
    summary = "手工登记积分（待审核；检查佐证与每期上限）",
    request_body = NewPoints,
    responses((status = 201, description = "成功", body = Entry))
)]
pub async fn add_entry(
    State(s): State<AppState>,
    a: Authed,
    Body(new): Body<NewPoints>,
) -> Result<(StatusCode, Json<Entry>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(points::add_entry(&s.db, &a.actor, new).await?),
    ))
}

#[utoipa::path(
    get,
    path = "/points/pending",
    tag = "党员积分",
    summary = "范围内待审核的积分登记",
    params(PendingQuery),
    responses((status = 200, description = "成功", body = Page<Entry>))
)]
pub async fn pending(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<PendingQuery>,
) -> Result<Json<Page<Entry>>, ApiError> {
    Ok(Json(points::pending(&s.db, &a.actor, q).await?))
}

#[utoipa::path(
    post,
    path = "/points/entries/{id}/approve",
    tag = "党员积分",
    summary = "审核通过（不能审核自己登记的）",
    params(("id" = i64, Path)),
    responses((status = 200, description = "成功", body = Entry))
)]
pub async fn approve(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Result<Json<Entry>, ApiError> {
    Ok(Json(points::decide(&s.db, &a.actor, id, true).await?))
}

#[utoipa::path(
    post,
    path = "/points/entries/{id}/reject",
    tag = "党员积分",
    summary = "审核不通过",
    params(("id" = i64, Path)),
    responses((status = 200, description = "成功", body = Entry))
)]
pub async fn reject(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Result<Json<Entry>, ApiError> {
    Ok(Json(points::decide(&s.db, &a.actor, id, false).await?))
}
