//! /api/v1/evaluations: the 双向评价 pairs a year owes, grading one, withdrawing a grade.

use crate::AppState;
use crate::api::{Body, Params};
use crate::auth::Authed;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jiceng_ops::evaluations::Evaluation;
use jiceng_ops::evaluations::{self, ListPairs, NewEvaluation, Pairs};

#[utoipa::path(
    get,
    path = "/evaluations",
    tag = "双向评价",
    summary = "某年度范围内应做的双向评价及已给等次",
    params(ListPairs),
    responses((status = 200, description = "成功", body = Pairs))
)]
pub async fn pairs(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<ListPairs>,
) -> Result<Json<Pairs>, ApiError> {
    Ok(Json(evaluations::pairs(&s.db, &a.actor, q).await?))
}

#[utoipa::path(
    post,
    path = "/evaluations",
    tag = "双向评价",
    summary = "给出一项评价：社区评单位或党员，单位评社区；同一对象同一年度只能一次",
    request_body = NewEvaluation,
    responses((status = 201, description = "成功", body = Evaluation))
)]
pub async fn rate(
    State(s): State<AppState>,
    a: Authed,
    Body(new): Body<NewEvaluation>,
) -> Result<(StatusCode, Json<Evaluation>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(evaluations::rate(&s.db, &a.actor, new).await?),
    ))
}

#[utoipa::path(
    delete,
    path = "/evaluations/{id}",
    tag = "双向评价",
    summary = "撤回一项评价",
    params(("id" = i64, Path)),
    responses((status = 200, description = "成功", body = Evaluation))
)]
pub async fn withdraw(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Result<Json<Evaluation>, ApiError> {
    Ok(Json(evaluations::withdraw(&s.db, &a.actor, id).await?))
}
