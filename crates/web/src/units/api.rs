//! /api/v1/units and 双报到 of units.

use crate::AppState;
use crate::api::{Body, Params};
use crate::auth::Authed;
use crate::error::ApiError;
use crate::members::api::Register;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jiceng_ops::registrations::Registration;
use jiceng_ops::units::{self, ListUnits, NewUnit, UnitDetail, UnitView};
use jiceng_ops::{Page, registrations};

#[utoipa::path(
    get,
    path = "/units",
    tag = "驻区单位",
    summary = "驻区单位列表（按区划，可按名称搜索）",
    params(ListUnits),
    responses((status = 200, description = "成功", body = Page<UnitView>))
)]
pub async fn list(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<ListUnits>,
) -> Result<Json<Page<UnitView>>, ApiError> {
    Ok(Json(units::list(&s.db, &a.actor, q).await?))
}

#[utoipa::path(
    get,
    path = "/units/{id}",
    tag = "驻区单位",
    summary = "驻区单位详情和双报到",
    params(("id" = i64, Path)),
    responses((status = 200, description = "成功", body = UnitDetail))
)]
pub async fn show(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Result<Json<UnitDetail>, ApiError> {
    Ok(Json(units::show(&s.db, &a.actor, id).await?))
}

#[utoipa::path(
    post,
    path = "/units",
    tag = "驻区单位",
    summary = "新建驻区单位",
    request_body = NewUnit,
    responses((status = 201, description = "成功", body = UnitView))
)]
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

#[utoipa::path(
    post,
    path = "/units/{id}/registrations",
    tag = "双报到",
    summary = "单位党组织到所在社区报到",
    params(("id" = i64, Path)),
    request_body = Register,
    responses((status = 201, description = "成功", body = Registration))
)]
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
