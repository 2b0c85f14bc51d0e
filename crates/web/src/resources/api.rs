//! /api/v1/resources: the 资源清单 offered, listed and withdrawn; /api/v1/needs/{id}/suggestions:
//! the resources matching suggests for a need; /api/v1/matching/refresh: every need again.

use crate::AppState;
use crate::api::{Body, Params};
use crate::auth::Authed;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jiceng_ops::Page;
use jiceng_ops::matching::refresh::{self, RefreshReport};
use jiceng_ops::matching::{self, Suggestion};
use jiceng_ops::resources::{self, ListResources, NewResourceInput, Resource};

#[utoipa::path(
    get,
    path = "/resources",
    tag = "资源清单",
    summary = "范围内的资源，按提供先后倒序；联络员看本单位的",
    params(ListResources),
    responses((status = 200, description = "成功", body = Page<Resource>))
)]
pub async fn list(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<ListResources>,
) -> Result<Json<Page<Resource>>, ApiError> {
    Ok(Json(resources::list(&s.db, &a.actor, q).await?))
}

#[utoipa::path(
    post,
    path = "/resources",
    tag = "资源清单",
    summary = "向社区提供一项资源（场地、资金、专业技能、设施设备、志愿力量）",
    request_body = NewResourceInput,
    responses((status = 201, description = "成功", body = Resource))
)]
pub async fn post(
    State(s): State<AppState>,
    a: Authed,
    Body(new): Body<NewResourceInput>,
) -> Result<(StatusCode, Json<Resource>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(resources::post(&s.db, &a.actor, new).await?),
    ))
}

#[utoipa::path(
    post,
    path = "/matching/refresh",
    tag = "资源清单",
    summary = "为所有待对接需求重新计算推荐资源（管理员；另一进程正在计算时返回 null）",
    responses((status = 200, description = "成功", body = Option<RefreshReport>))
)]
pub async fn refresh(
    State(s): State<AppState>,
    a: Authed,
) -> Result<Json<Option<RefreshReport>>, ApiError> {
    Ok(Json(refresh::all(&s.db, &a.actor).await?))
}

#[utoipa::path(
    get,
    path = "/resources/{id}",
    tag = "资源清单",
    summary = "一项资源",
    params(("id" = i64, Path)),
    responses((status = 200, description = "成功", body = Resource))
)]
pub async fn show(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Result<Json<Resource>, ApiError> {
    Ok(Json(resources::show(&s.db, &a.actor, id).await?))
}

#[utoipa::path(
    post,
    path = "/resources/{id}/withdraw",
    tag = "资源清单",
    summary = "撤回一项资源（不再推荐；已用于项目的不变）",
    params(("id" = i64, Path)),
    responses((status = 200, description = "成功", body = Resource))
)]
pub async fn withdraw(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Result<Json<Resource>, ApiError> {
    Ok(Json(resources::withdraw(&s.db, &a.actor, id).await?))
}

#[utoipa::path(
    get,
    path = "/needs/{id}/suggestions",
    tag = "资源清单",
    summary = "为一条需求推荐的资源（前五），含得分与理由",
    params(("id" = i64, Path)),
    responses((status = 200, description = "成功", body = Vec<Suggestion>))
)]
pub async fn suggestions(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Result<Json<Vec<Suggestion>>, ApiError> {
    Ok(Json(matching::suggestions(&s.db, &a.actor, id).await?))
}

#[utoipa::path(
    post,
    path = "/needs/{id}/suggestions",
    tag = "资源清单",
    summary = "立即为一条需求重新计算推荐资源",
    params(("id" = i64, Path)),
    responses((status = 200, description = "成功", body = Vec<Suggestion>))
)]
pub async fn suggest(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Result<Json<Vec<Suggestion>>, ApiError> {
    Ok(Json(matching::suggest(&s.db, &a.actor, id).await?))
}
