//! /api/v1/members and 双报到 of members.

use super::{Body, Params};
use crate::AppState;
use crate::auth::Authed;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jiceng_ops::members::{self, ListMembers, MemberDetail, MemberView, NewMember};
use jiceng_ops::registrations::Registration;
use jiceng_ops::{Page, registrations};
use serde::Deserialize;

pub async fn list(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<ListMembers>,
) -> Result<Json<Page<MemberView>>, ApiError> {
    Ok(Json(members::list(&s.db, &a.actor, q).await?))
}

#[derive(Deserialize)]
pub struct ShowQuery {
    #[serde(default)]
    pub reveal: bool,
}

pub async fn show(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Params(q): Params<ShowQuery>,
) -> Result<Json<MemberDetail>, ApiError> {
    Ok(Json(members::show(&s.db, &a.actor, id, q.reveal).await?))
}

pub async fn add(
    State(s): State<AppState>,
    a: Authed,
    Body(new): Body<NewMember>,
) -> Result<(StatusCode, Json<MemberView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(members::add(&s.db, &a.actor, new).await?),
    ))
}

pub async fn update(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Body(new): Body<NewMember>,
) -> Result<Json<MemberView>, ApiError> {
    Ok(Json(members::update(&s.db, &a.actor, id, new).await?))
}

#[derive(Deserialize)]
pub struct Transfer {
    pub to: String,
    pub on: Option<String>,
    pub reason: Option<String>,
}

pub async fn transfer(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Body(t): Body<Transfer>,
) -> Result<Json<MemberView>, ApiError> {
    Ok(Json(
        members::transfer(&s.db, &a.actor, id, &t.to, t.on, t.reason).await?,
    ))
}

#[derive(Deserialize)]
pub struct Register {
    /// The community org's code.
    pub community: String,
    pub on: Option<String>,
}

pub async fn register(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Body(r): Body<Register>,
) -> Result<(StatusCode, Json<Registration>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(registrations::register_member(&s.db, &a.actor, id, &r.community, r.on).await?),
    ))
}

#[derive(Deserialize)]
pub struct End {
    pub on: Option<String>,
}

pub async fn end_registration(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Body(e): Body<End>,
) -> Result<Json<Registration>, ApiError> {
    Ok(Json(registrations::end(&s.db, &a.actor, id, e.on).await?))
}
