//! /api/v1/cases and what the loop needs around them: departments, grids, the settings, the
//! rates, and the public tracking and rating by code.

use super::{Body, Params};
use crate::AppState;
use crate::auth::Authed;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jiceng_domain::cases::Classification;
use jiceng_ops::Page;
use jiceng_ops::cases::departments;
use jiceng_ops::cases::departments::Department;
use jiceng_ops::cases::grids::Grid;
use jiceng_ops::cases::grids::{self, NewGridInput};
use jiceng_ops::cases::intake::NewCase;
use jiceng_ops::cases::moves::{self, Move};
use jiceng_ops::cases::rates::{self, Rates, RatesQuery};
use jiceng_ops::cases::settings::{self, CalendarDoc};
use jiceng_ops::cases::views::Case;
use jiceng_ops::cases::views::{self, CaseDetail, CaseView, ListCases, Tracking};
use serde::Deserialize;

pub async fn take_in(
    State(s): State<AppState>,
    a: Authed,
    Body(new): Body<NewCase>,
) -> Result<(StatusCode, Json<Case>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(s.intake.take_in(&s.db, &a.actor, new).await?),
    ))
}

pub async fn list(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<ListCases>,
) -> Result<Json<Page<CaseView>>, ApiError> {
    Ok(Json(views::list(&s.db, &a.actor, q).await?))
}

pub async fn show(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Params(q): Params<super::members::ShowQuery>,
) -> Result<Json<CaseDetail>, ApiError> {
    Ok(Json(views::show(&s.db, &a.actor, id, q.reveal).await?))
}

pub async fn make_move(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Body(m): Body<Move>,
) -> Result<Json<Case>, ApiError> {
    Ok(Json(moves::apply(&s.db, &a.actor, id, m).await?))
}

#[derive(Deserialize)]
pub struct PageQuery {
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

pub async fn inbox(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<PageQuery>,
) -> Result<Json<Page<CaseView>>, ApiError> {
    Ok(Json(
        views::inbox(
            &s.db,
            &a.actor,
            q.page.unwrap_or(1),
            q.per_page.unwrap_or(50),
        )
        .await?,
    ))
}

pub async fn rates(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<RatesQuery>,
) -> Result<Json<Rates>, ApiError> {
    Ok(Json(rates::rates(&s.db, &a.actor, q).await?))
}

pub async fn track(
    State(s): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<Tracking>, ApiError> {
    Ok(Json(views::track(&s.db, &code).await?))
}

#[derive(Deserialize)]
pub struct Rating {
    /// The last four digits of the phone given at intake.
    pub phone: String,
    pub satisfaction: String,
}

pub async fn rate(
    State(s): State<AppState>,
    Path(code): Path<String>,
    Body(r): Body<Rating>,
) -> Result<Json<Tracking>, ApiError> {
    moves::rate_as_reporter(&s.db, &code, &r.phone, &r.satisfaction).await?;
    Ok(Json(views::track(&s.db, &code).await?))
}

pub async fn departments(
    State(s): State<AppState>,
    _a: Authed,
) -> Result<Json<Vec<Department>>, ApiError> {
    Ok(Json(departments::list(&s.db).await?))
}

#[derive(Deserialize)]
pub struct NewDepartment {
    pub code: String,
    pub name: String,
}

pub async fn add_department(
    State(s): State<AppState>,
    a: Authed,
    Body(d): Body<NewDepartment>,
) -> Result<(StatusCode, Json<Department>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(departments::add(&s.db, &a.actor, &d.code, &d.name).await?),
    ))
}

#[derive(Deserialize)]
pub struct Within {
    pub within: Option<String>,
}

pub async fn grids(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<Within>,
) -> Result<Json<Vec<Grid>>, ApiError> {
    Ok(Json(
        grids::within(&s.db, &a.actor, q.within.as_deref()).await?,
    ))
}

pub async fn add_grid(
    State(s): State<AppState>,
    a: Authed,
    Body(g): Body<NewGridInput>,
) -> Result<(StatusCode, Json<Grid>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(grids::add(&s.db, &a.actor, g).await?),
    ))
}

pub async fn classification(
    State(s): State<AppState>,
    _a: Authed,
) -> Result<Json<Classification>, ApiError> {
    Ok(Json(settings::classification(&s.db).await?))
}

pub async fn set_classification(
    State(s): State<AppState>,
    a: Authed,
    Body(c): Body<Classification>,
) -> Result<Json<Classification>, ApiError> {
    Ok(Json(
        settings::set_classification(&s.db, &a.actor, c).await?,
    ))
}

pub async fn calendar(
    State(s): State<AppState>,
    _a: Authed,
) -> Result<Json<CalendarDoc>, ApiError> {
    Ok(Json(settings::calendar(&s.db).await?))
}

pub async fn set_calendar(
    State(s): State<AppState>,
    a: Authed,
    Body(c): Body<CalendarDoc>,
) -> Result<Json<CalendarDoc>, ApiError> {
    Ok(Json(settings::set_calendar(&s.db, &a.actor, c).await?))
}

pub async fn log_patrol(
    State(s): State<AppState>,
    a: Authed,
    Body(p): Body<jiceng_ops::cases::patrols::NewPatrolInput>,
) -> Result<(StatusCode, Json<jiceng_ops::cases::patrols::Patrol>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(jiceng_ops::cases::patrols::record(&s.db, &a.actor, p).await?),
    ))
}

pub async fn my_patrols(
    State(s): State<AppState>,
    a: Authed,
) -> Result<Json<jiceng_ops::cases::patrols::Day>, ApiError> {
    Ok(Json(
        jiceng_ops::cases::patrols::my_day(&s.db, &a.actor).await?,
    ))
}

#[derive(Deserialize)]
pub struct Days {
    pub days: Option<i64>,
}

pub async fn scope_patrols(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<Days>,
) -> Result<Json<Vec<jiceng_ops::cases::patrols::Patrol>>, ApiError> {
    Ok(Json(
        jiceng_ops::cases::patrols::within(&s.db, &a.actor, q.days.unwrap_or(7)).await?,
    ))
}

pub async fn patrol_case(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Body(f): Body<jiceng_ops::cases::patrols::FindingCase>,
) -> Result<(StatusCode, Json<Case>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(jiceng_ops::cases::patrols::to_case(&s.db, &a.actor, id, f).await?),
    ))
}

pub async fn teams(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<Within>,
) -> Result<Json<Vec<jiceng_ops::cases::grids::TeamMember>>, ApiError> {
    Ok(Json(
        grids::teams(&s.db, &a.actor, q.within.as_deref()).await?,
    ))
}

pub async fn add_team_member(
    State(s): State<AppState>,
    a: Authed,
    Body(m): Body<grids::NewTeamMember>,
) -> Result<(StatusCode, Json<jiceng_ops::cases::grids::TeamMember>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(grids::add_team_member(&s.db, &a.actor, m).await?),
    ))
}

pub async fn remove_team_member(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    grids::remove_team_member(&s.db, &a.actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn places(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<Within>,
) -> Result<Json<Vec<jiceng_ops::cases::places::Place>>, ApiError> {
    Ok(Json(
        jiceng_ops::cases::places::within(&s.db, &a.actor, q.within.as_deref()).await?,
    ))
}

pub async fn add_place(
    State(s): State<AppState>,
    a: Authed,
    Body(p): Body<jiceng_ops::cases::places::NewPlaceInput>,
) -> Result<(StatusCode, Json<jiceng_ops::cases::places::Place>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(jiceng_ops::cases::places::add(&s.db, &a.actor, p).await?),
    ))
}

pub async fn remove_place(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    jiceng_ops::cases::places::remove(&s.db, &a.actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn my_cases(
    State(s): State<AppState>,
    a: Authed,
) -> Result<Json<jiceng_ops::cases::patrols::MyCases>, ApiError> {
    Ok(Json(
        jiceng_ops::cases::patrols::my_cases(&s.db, &a.actor).await?,
    ))
}
