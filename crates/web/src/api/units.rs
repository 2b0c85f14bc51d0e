//! /api/v1/units and 双报到 of units.

use super::members::Register;
use super::{Body, Params};
use crate::AppState;
use crate::auth::Authed;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jiceng_ops::registrations::Registration;
use jiceng_ops::units::{self, ListUnits, NewUnit, UnitDetail, UnitView};
use jiceng_ops::{Page, registrations};

pub async fn list(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<ListUnits>,
) -> Result<Json<Page<UnitView>>, ApiError> {
    Ok(Json(units::list(&s.db, &a.actor, q).await?))
}

pub async fn show(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Result<Json<UnitDetail>, ApiError> {
    Ok(Json(units::show(&s.db, &a.actor, id).await?))
}

pub async fn add(
    State(s): State<AppState>,
    a: Authed,
    Body(new): Body<NewUnit>,
) -> Result<(StatusCode, Json<UnitView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(units::add(&s.db, &a.actor, new).await?),
    ))
}

pub async fn register(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Body(r): Body<Register>,
) -> Result<(StatusCode, Json<Registration>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(registrations::register_unit(&s.db, &a.actor, id, &r.community, r.on).await?),
    ))
}
