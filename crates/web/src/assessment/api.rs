//! /api/v1/assessment, its weights, and rectifications of weak orgs.

use crate::AppState;
use crate::api::{Body, Params};
use crate::auth::Authed;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jiceng_domain::assessment::Weights;
use jiceng_domain::clock;
use jiceng_ops::assessment::Rectification;
use jiceng_ops::assessment::{self, Assessment, NewRectification};
use serde::Deserialize;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Query {
    pub within: Option<String>,
    /// A finished quarter, such as 2026-Q3; the last one by default.
    pub period: Option<String>,
}

pub fn last_quarter() -> String {
    jiceng_domain::orglife::Period::quarter_of(clock::today())
        .previous()
        .to_string()
}

#[utoipa::path(
    get,
    path = "/assessment",
    tag = "组织考核",
    summary = "范围内党组织的季度考核：得分、星级、排名，后 5% 列为软弱涣散",
    params(Query),
    responses((status = 200, description = "成功", body = Assessment))
)]
pub async fn quarter(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<Query>,
) -> Result<Json<Assessment>, ApiError> {
    let period = q.period.unwrap_or_else(last_quarter);
    Ok(Json(
        assessment::quarter(&s.db, &a.actor, q.within.as_deref(), &period).await?,
    ))
}

#[utoipa::path(
    get,
    path = "/assessment/weights",
    tag = "组织考核",
    summary = "考核权重",
    responses((status = 200, description = "成功", body = Weights))
)]
pub async fn weights(State(s): State<AppState>, _a: Authed) -> Result<Json<Weights>, ApiError> {
    Ok(Json(assessment::weights(&s.db).await?))
}

#[utoipa::path(
    put,
    path = "/assessment/weights",
    tag = "组织考核",
    summary = "修改考核权重（全域管理员）",
    request_body = Weights,
    responses((status = 200, description = "成功", body = Weights))
)]
pub async fn set_weights(
    State(s): State<AppState>,
    a: Authed,
    Body(w): Body<Weights>,
) -> Result<Json<Weights>, ApiError> {
    Ok(Json(assessment::set_weights(&s.db, &a.actor, w).await?))
}

#[utoipa::path(
    post,
    path = "/rectifications",
    tag = "组织考核",
    summary = "为本期被列为软弱涣散的党组织登记整改",
    request_body = NewRectification,
    responses((status = 201, description = "成功", body = Rectification))
)]
pub async fn open(
    State(s): State<AppState>,
    a: Authed,
    Body(new): Body<NewRectification>,
) -> Result<(StatusCode, Json<Rectification>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(assessment::open(&s.db, &a.actor, new).await?),
    ))
}

#[utoipa::path(
    get,
    path = "/rectifications/{id}",
    tag = "组织考核",
    summary = "一条整改记录",
    params(("id" = i64, Path)),
    responses((status = 200, description = "成功", body = Rectification))
)]
pub async fn show(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Result<Json<Rectification>, ApiError> {
    Ok(Json(assessment::show(&s.db, &a.actor, id).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct FollowUp {
    pub progress: String,
    #[serde(default)]
    pub close: bool,
}

#[utoipa::path(
    post,
    path = "/rectifications/{id}/follow-up",
    tag = "组织考核",
    summary = "记录整改进展；close 为 true 时销号",
    params(("id" = i64, Path)),
    request_body = FollowUp,
    responses((status = 200, description = "成功", body = Rectification))
)]
pub async fn follow_up(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Body(f): Body<FollowUp>,
) -> Result<Json<Rectification>, ApiError> {
    Ok(Json(
        assessment::follow_up(&s.db, &a.actor, id, &f.progress, f.close).await?,
    ))
}
