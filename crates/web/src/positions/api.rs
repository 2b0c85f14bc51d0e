//! /api/v1/positions, /api/v1/position-standards and /api/v1/circle: service positions
//! registered and listed, their floor-area standards, the N-minute service circle and siting.

use crate::AppState;
use crate::api::{Body, Params};
use crate::auth::Authed;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jiceng_ops::Page;
use jiceng_ops::positions::circle::{self, CircleQuery, CircleReport, SitingReport};
use jiceng_ops::positions::standards::{self, Standard, StandardInput};
use jiceng_ops::positions::{self, ListPositions, NewPositionInput, Position};

#[utoipa::path(
    get,
    path = "/positions",
    tag = "阵地",
    summary = "范围内的阵地，按所属组织",
    params(ListPositions),
    responses((status = 200, description = "成功", body = Page<Position>))
)]
pub async fn list(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<ListPositions>,
) -> Result<Json<Page<Position>>, ApiError> {
    Ok(Json(positions::list(&s.db, &a.actor, q).await?))
}

#[utoipa::path(
    post,
    path = "/positions",
    tag = "阵地",
    summary = "登记一处阵地（位置、面积、房间与设施、开放时间、所属组织）；低于面积标准的标出",
    request_body = NewPositionInput,
    responses((status = 201, description = "成功", body = Position))
)]
pub async fn register(
    State(s): State<AppState>,
    a: Authed,
    Body(new): Body<NewPositionInput>,
) -> Result<(StatusCode, Json<Position>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(positions::register(&s.db, &a.actor, new).await?),
    ))
}

#[utoipa::path(
    get,
    path = "/positions/{id}",
    tag = "阵地",
    summary = "一处阵地",
    params(("id" = i64, Path)),
    responses((status = 200, description = "成功", body = Position))
)]
pub async fn show(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Result<Json<Position>, ApiError> {
    Ok(Json(positions::show(&s.db, &a.actor, id).await?))
}

#[utoipa::path(
    get,
    path = "/position-standards",
    tag = "阵地",
    summary = "阵地面积标准（按类型和地方；最具体的一条适用）",
    responses((status = 200, description = "成功", body = Vec<Standard>))
)]
pub async fn standards(
    State(s): State<AppState>,
    a: Authed,
) -> Result<Json<Vec<Standard>>, ApiError> {
    Ok(Json(standards::list(&s.db, &a.actor).await?))
}

#[utoipa::path(
    put,
    path = "/position-standards",
    tag = "阵地",
    summary = "设定或取消某类阵地在本区（或全市）的面积标准",
    request_body = StandardInput,
    responses((status = 200, description = "成功", body = Vec<Standard>))
)]
pub async fn set_standard(
    State(s): State<AppState>,
    a: Authed,
    Body(input): Body<StandardInput>,
) -> Result<Json<Vec<Standard>>, ApiError> {
    Ok(Json(standards::set(&s.db, &a.actor, input).await?))
}

#[utoipa::path(
    get,
    path = "/circle",
    tag = "阵地",
    summary = "服务圈：范围内居民楼和住户在 5、10、15 分钟步行内有阵地的比例，及圈外的楼",
    params(CircleQuery),
    responses((status = 200, description = "成功", body = CircleReport))
)]
pub async fn coverage(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<CircleQuery>,
) -> Result<Json<CircleReport>, ApiError> {
    Ok(Json(circle::coverage(&s.db, &a.actor, q).await?))
}

#[utoipa::path(
    get,
    path = "/circle/siting",
    tag = "阵地",
    summary = "选址：k 处新阵地放在哪里能让最多圈外住户进入服务圈，及任何选法的上界",
    params(CircleQuery),
    responses((status = 200, description = "成功", body = SitingReport))
)]
pub async fn siting(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<CircleQuery>,
) -> Result<Json<SitingReport>, ApiError> {
    Ok(Json(circle::siting(&s.db, &a.actor, q).await?))
}
