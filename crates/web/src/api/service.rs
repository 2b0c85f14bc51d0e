//! /api/v1/service-records: volunteer service recorded by communities.

use super::{Body, Params};
use crate::AppState;
use crate::auth::Authed;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jiceng_ops::Page;
use jiceng_ops::service::Service;
use jiceng_ops::service::{self, ListService, NewServiceInput};

pub async fn list(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<ListService>,
) -> Result<Json<Page<Service>>, ApiError> {
    Ok(Json(service::list(&s.db, &a.actor, q).await?))
}

pub async fn record(
    State(s): State<AppState>,
    a: Authed,
    Body(new): Body<NewServiceInput>,
) -> Result<(StatusCode, Json<Service>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(service::record(&s.db, &a.actor, new).await?),
    ))
}

pub async fn delete(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Result<Json<Service>, ApiError> {
    Ok(Json(service::delete(&s.db, &a.actor, id).await?))
}
