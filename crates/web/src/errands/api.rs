//! /api/v1/errands: 红色代办 asked, listed and moved.

use crate::AppState;
use crate::api::{Body, Params};
use crate::auth::Authed;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jiceng_ops::Page;
use jiceng_ops::errands::{self, Errand, ErrandMoveInput, ListErrands, NewErrandInput};

#[utoipa::path(
    get,
    path = "/errands",
    tag = "红色代办",
    summary = "范围内的代办；居民看本人的，党员看所住与报到社区待接单的和本人接的",
    params(ListErrands),
    responses((status = 200, description = "成功", body = Page<Errand>))
)]
pub async fn list(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<ListErrands>,
) -> Result<Json<Page<Errand>>, ApiError> {
    Ok(Json(errands::list(&s.db, &a.actor, q).await?))
}

#[utoipa::path(
    post,
    path = "/errands",
    tag = "红色代办",
    summary = "请求一项代办（居民的待社区审核；工作人员为无账号的居民登记）",
    request_body = NewErrandInput,
    responses((status = 201, description = "成功", body = Errand))
)]
pub async fn post(
    State(s): State<AppState>,
    a: Authed,
    Body(new): Body<NewErrandInput>,
) -> Result<(StatusCode, Json<Errand>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(errands::post(&s.db, &a.actor, new).await?),
    ))
}

#[utoipa::path(
    get,
    path = "/errands/{id}",
    tag = "红色代办",
    summary = "一项代办，及当前用户可做的操作",
    params(("id" = i64, Path)),
    responses((status = 200, description = "成功", body = Errand))
)]
pub async fn show(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Result<Json<Errand>, ApiError> {
    Ok(Json(errands::show(&s.db, &a.actor, id).await?))
}

#[utoipa::path(
    post,
    path = "/errands/{id}/moves",
    tag = "红色代办",
    summary = "审核、接单、放弃、办结、确认完成（计入党员积分）或撤回",
    params(("id" = i64, Path)),
    request_body = ErrandMoveInput,
    responses((status = 200, description = "成功", body = Errand))
)]
pub async fn act(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Body(m): Body<ErrandMoveInput>,
) -> Result<Json<Errand>, ApiError> {
    Ok(Json(errands::apply(&s.db, &a.actor, id, m).await?))
}
