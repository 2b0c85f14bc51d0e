//! /api/v1/wishes: 微心愿 posted, listed and moved (claim, release, fulfil, withdraw).

use super::{Body, Params};
use crate::AppState;
use crate::auth::Authed;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jiceng_ops::Page;
use jiceng_ops::wishes::Wish;
use jiceng_ops::wishes::{self, ListWishes, NewWishInput, WishMoveInput};

pub async fn list(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<ListWishes>,
) -> Result<Json<Page<Wish>>, ApiError> {
    Ok(Json(wishes::list(&s.db, &a.actor, q).await?))
}

pub async fn post(
    State(s): State<AppState>,
    a: Authed,
    Body(new): Body<NewWishInput>,
) -> Result<(StatusCode, Json<Wish>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(wishes::post(&s.db, &a.actor, new).await?),
    ))
}

pub async fn act(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Body(m): Body<WishMoveInput>,
) -> Result<Json<Wish>, ApiError> {
    Ok(Json(wishes::apply(&s.db, &a.actor, id, m).await?))
}
