//! /api/v1/assessment, its weights, and rectifications of weak orgs.

use super::{Body, Params};
use crate::AppState;
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

#[derive(Deserialize)]
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

pub async fn weights(State(s): State<AppState>, _a: Authed) -> Result<Json<Weights>, ApiError> {
    Ok(Json(assessment::weights(&s.db).await?))
}

pub async fn set_weights(
    State(s): State<AppState>,
    a: Authed,
    Body(w): Body<Weights>,
) -> Result<Json<Weights>, ApiError> {
    Ok(Json(assessment::set_weights(&s.db, &a.actor, w).await?))
}

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

pub async fn show(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Result<Json<Rectification>, ApiError> {
    Ok(Json(assessment::show(&s.db, &a.actor, id).await?))
}

#[derive(Deserialize)]
pub struct FollowUp {
    pub progress: String,
    #[serde(default)]
    pub close: bool,
}

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
