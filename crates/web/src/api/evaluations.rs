//! /api/v1/evaluations: the 双向评价 pairs a year owes, grading one, withdrawing a grade.

use super::{Body, Params};
use crate::AppState;
use crate::auth::Authed;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jiceng_ops::evaluations::Evaluation;
use jiceng_ops::evaluations::{self, ListPairs, NewEvaluation, Pairs};

pub async fn pairs(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<ListPairs>,
) -> Result<Json<Pairs>, ApiError> {
    Ok(Json(evaluations::pairs(&s.db, &a.actor, q).await?))
}

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

pub async fn withdraw(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Result<Json<Evaluation>, ApiError> {
    Ok(Json(evaluations::withdraw(&s.db, &a.actor, id).await?))
}
