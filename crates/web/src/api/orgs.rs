//! /api/v1/orgs

use super::{Body, Params};
use crate::AppState;
use crate::auth::Authed;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jiceng_ops::orgs::Seat;
use jiceng_ops::orgs::{self, ListOrgs, NewOrg, NewSeat, OrgDetail, OrgView};
use jiceng_ops::registrations::Registration;
use jiceng_ops::{Page, registrations};
use serde::Deserialize;

pub async fn list(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<ListOrgs>,
) -> Result<Json<Page<OrgView>>, ApiError> {
    Ok(Json(orgs::list(&s.db, &a.actor, q).await?))
}

pub async fn show(
    State(s): State<AppState>,
    a: Authed,
    Path(code): Path<String>,
) -> Result<Json<OrgDetail>, ApiError> {
    Ok(Json(orgs::show(&s.db, &a.actor, &code).await?))
}

pub async fn add(
    State(s): State<AppState>,
    a: Authed,
    Body(new): Body<NewOrg>,
) -> Result<(StatusCode, Json<OrgView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(orgs::add(&s.db, &a.actor, new).await?),
    ))
}

#[derive(Deserialize)]
pub struct MoveTo {
    pub parent: String,
}

pub async fn move_to(
    State(s): State<AppState>,
    a: Authed,
    Path(code): Path<String>,
    Body(m): Body<MoveTo>,
) -> Result<Json<OrgView>, ApiError> {
    Ok(Json(
        orgs::move_to(&s.db, &a.actor, &code, &m.parent).await?,
    ))
}

pub async fn delete(
    State(s): State<AppState>,
    a: Authed,
    Path(code): Path<String>,
) -> Result<StatusCode, ApiError> {
    orgs::delete(&s.db, &a.actor, &code).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn add_seat(
    State(s): State<AppState>,
    a: Authed,
    Path(code): Path<String>,
    Body(seat): Body<NewSeat>,
) -> Result<(StatusCode, Json<Vec<Seat>>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(orgs::add_seat(&s.db, &a.actor, &code, seat).await?),
    ))
}

#[derive(Deserialize)]
pub struct RegistrationQuery {
    #[serde(default)]
    pub all: bool,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

pub async fn registrations(
    State(s): State<AppState>,
    a: Authed,
    Path(code): Path<String>,
    Params(q): Params<RegistrationQuery>,
) -> Result<Json<Page<Registration>>, ApiError> {
    let page = registrations::of_community(
        &s.db,
        &a.actor,
        &code,
        !q.all,
        q.page.unwrap_or(1),
        q.per_page.unwrap_or(50),
    )
    .await?;
    Ok(Json(page))
}
