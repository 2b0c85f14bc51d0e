//! /api/v1/points: schemes, rankings, a member's ledger, manual entries and their approval.

use super::{Body, Params};
use crate::AppState;
use crate::auth::Authed;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jiceng_domain::points::Scheme;
use jiceng_ops::points::Entry;
use jiceng_ops::points::{self, Ledger, NewPoints, Ranking, RankingQuery};
use serde::Deserialize;

pub async fn schemes(State(s): State<AppState>, _a: Authed) -> Result<Json<Vec<Scheme>>, ApiError> {
    Ok(Json(points::schemes(&s.db).await?))
}

pub async fn save_scheme(
    State(s): State<AppState>,
    a: Authed,
    Path(code): Path<String>,
    Body(mut scheme): Body<Scheme>,
) -> Result<Json<Scheme>, ApiError> {
    scheme.code = code;
    Ok(Json(points::save_scheme(&s.db, &a.actor, scheme).await?))
}

pub async fn ranking(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<RankingQuery>,
) -> Result<Json<Ranking>, ApiError> {
    Ok(Json(points::ranking(&s.db, &a.actor, q).await?))
}

#[derive(Deserialize)]
pub struct LedgerQuery {
    pub scheme: Option<String>,
    pub period: Option<String>,
}

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

pub async fn pending(State(s): State<AppState>, a: Authed) -> Result<Json<Vec<Entry>>, ApiError> {
    Ok(Json(points::pending(&s.db, &a.actor).await?))
}

pub async fn approve(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Result<Json<Entry>, ApiError> {
    Ok(Json(points::decide(&s.db, &a.actor, id, true).await?))
}

pub async fn reject(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Result<Json<Entry>, ApiError> {
    Ok(Json(points::decide(&s.db, &a.actor, id, false).await?))
}
