//! /api/v1/problems: the 问题清单 raised, listed, turned into cases and settled.

use crate::AppState;
use crate::api::{Body, Params};
use crate::auth::Authed;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jiceng_ops::Page;
use jiceng_ops::problems::{self, ListProblems, NewProblemInput, Problem, ProblemMoveInput};

#[utoipa::path(
    get,
    path = "/problems",
    tag = "问题清单",
    summary = "范围内需协调的问题，按提出先后倒序",
    params(ListProblems),
    responses((status = 200, description = "成功", body = Page<Problem>))
)]
pub async fn list(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<ListProblems>,
) -> Result<Json<Page<Problem>>, ApiError> {
    Ok(Json(problems::list(&s.db, &a.actor, q).await?))
}

#[utoipa::path(
    post,
    path = "/problems",
    tag = "问题清单",
    summary = "提出一个需协调的问题（须有责任方与办结期限）",
    request_body = NewProblemInput,
    responses((status = 201, description = "成功", body = Problem))
)]
pub async fn post(
    State(s): State<AppState>,
    a: Authed,
    Body(new): Body<NewProblemInput>,
) -> Result<(StatusCode, Json<Problem>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(problems::post(&s.db, &a.actor, new).await?),
    ))
}

#[utoipa::path(
    get,
    path = "/problems/{id}",
    tag = "问题清单",
    summary = "一个问题，及其转成的案件",
    params(("id" = i64, Path)),
    responses((status = 200, description = "成功", body = Problem))
)]
pub async fn show(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Result<Json<Problem>, ApiError> {
    Ok(Json(problems::show(&s.db, &a.actor, id).await?))
}

#[utoipa::path(
    post,
    path = "/problems/{id}/moves",
    tag = "问题清单",
    summary = "转为案件（进入案件闭环并保留关联）、标记解决或关闭",
    params(("id" = i64, Path)),
    request_body = ProblemMoveInput,
    responses((status = 200, description = "成功", body = Problem))
)]
pub async fn act(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Body(m): Body<ProblemMoveInput>,
) -> Result<Json<Problem>, ApiError> {
    Ok(Json(problems::apply(&s.db, &a.actor, id, m).await?))
}
