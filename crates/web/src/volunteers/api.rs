//! /api/v1/volunteers and /api/v1/teams: members and residents registering as volunteers,
//! the volunteers of a scope, their certificates of service, and the teams they form.

use crate::AppState;
use crate::api::{Body, Params};
use crate::auth::Authed;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jiceng_ops::Page;
use jiceng_ops::volunteers::certificate::{self, Certificate, CertificateQuery};
use jiceng_ops::volunteers::teams::{
    self, ListTeams, NewTeamInput, Team, TeamDetail, TeamKind, TeamKindInput, TeamMemberInput,
};
use jiceng_ops::volunteers::{self, ListVolunteers, Volunteer, VolunteerDetail, VolunteerInput};

#[utoipa::path(
    get,
    path = "/volunteers/me",
    tag = "志愿服务",
    summary = "本人的志愿者登记（未登记为 null）",
    responses((status = 200, description = "成功", body = Option<Volunteer>))
)]
pub async fn me(State(s): State<AppState>, a: Authed) -> Result<Json<Option<Volunteer>>, ApiError> {
    Ok(Json(volunteers::me(&s.db, &a.actor).await?))
}

#[utoipa::path(
    put,
    path = "/volunteers/me",
    tag = "志愿服务",
    summary = "党员或居民登记为志愿者，或修改特长与可服务时间",
    request_body = VolunteerInput,
    responses((status = 200, description = "成功", body = Volunteer))
)]
pub async fn register_me(
    State(s): State<AppState>,
    a: Authed,
    Body(input): Body<VolunteerInput>,
) -> Result<Json<Volunteer>, ApiError> {
    Ok(Json(volunteers::register_me(&s.db, &a.actor, input).await?))
}

#[utoipa::path(
    get,
    path = "/volunteers/me/certificate",
    tag = "志愿服务",
    summary = "本人的志愿服务记录证明（一段期间内的服务与总时长）",
    params(CertificateQuery),
    responses((status = 200, description = "成功", body = Certificate))
)]
pub async fn my_certificate(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<CertificateQuery>,
) -> Result<Json<Certificate>, ApiError> {
    Ok(Json(certificate::issue(&s.db, &a.actor, None, q).await?))
}

#[utoipa::path(
    get,
    path = "/volunteers",
    tag = "志愿服务",
    summary = "范围内的志愿者，按社区",
    params(ListVolunteers),
    responses((status = 200, description = "成功", body = Page<Volunteer>))
)]
pub async fn list(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<ListVolunteers>,
) -> Result<Json<Page<Volunteer>>, ApiError> {
    Ok(Json(volunteers::list(&s.db, &a.actor, q).await?))
}

#[utoipa::path(
    get,
    path = "/volunteers/{id}",
    tag = "志愿服务",
    summary = "一位志愿者及其所在队伍",
    params(("id" = i64, Path)),
    responses((status = 200, description = "成功", body = VolunteerDetail))
)]
pub async fn show(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Result<Json<VolunteerDetail>, ApiError> {
    Ok(Json(volunteers::show(&s.db, &a.actor, id).await?))
}

#[utoipa::path(
    get,
    path = "/volunteers/{id}/certificate",
    tag = "志愿服务",
    summary = "一位志愿者的志愿服务记录证明",
    params(("id" = i64, Path), CertificateQuery),
    responses((status = 200, description = "成功", body = Certificate))
)]
pub async fn certificate(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Params(q): Params<CertificateQuery>,
) -> Result<Json<Certificate>, ApiError> {
    Ok(Json(
        certificate::issue(&s.db, &a.actor, Some(id), q).await?,
    ))
}

#[utoipa::path(
    get,
    path = "/teams",
    tag = "志愿服务",
    summary = "范围内的志愿服务队",
    params(ListTeams),
    responses((status = 200, description = "成功", body = Page<Team>))
)]
pub async fn teams(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<ListTeams>,
) -> Result<Json<Page<Team>>, ApiError> {
    Ok(Json(teams::list(&s.db, &a.actor, q).await?))
}

#[utoipa::path(
    post,
    path = "/teams",
    tag = "志愿服务",
    summary = "组建一支志愿服务队（类型、所属社区或单位）",
    request_body = NewTeamInput,
    responses((status = 201, description = "成功", body = Team))
)]
pub async fn found(
    State(s): State<AppState>,
    a: Authed,
    Body(new): Body<NewTeamInput>,
) -> Result<(StatusCode, Json<Team>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(teams::found(&s.db, &a.actor, new).await?),
    ))
}

#[utoipa::path(
    get,
    path = "/teams/{id}",
    tag = "志愿服务",
    summary = "一支队伍及其队员",
    params(("id" = i64, Path)),
    responses((status = 200, description = "成功", body = TeamDetail))
)]
pub async fn team(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Result<Json<TeamDetail>, ApiError> {
    Ok(Json(teams::show(&s.db, &a.actor, id).await?))
}

#[utoipa::path(
    post,
    path = "/teams/{id}/members",
    tag = "志愿服务",
    summary = "把本社区的一位志愿者加入队伍（可设为队长）",
    params(("id" = i64, Path)),
    request_body = TeamMemberInput,
    responses((status = 200, description = "成功", body = Team))
)]
pub async fn join(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Body(input): Body<TeamMemberInput>,
) -> Result<Json<Team>, ApiError> {
    Ok(Json(teams::join(&s.db, &a.actor, id, input).await?))
}

#[utoipa::path(
    delete,
    path = "/teams/{id}/members/{volunteer_id}",
    tag = "志愿服务",
    summary = "把一位队员移出队伍",
    params(("id" = i64, Path), ("volunteer_id" = i64, Path)),
    responses((status = 200, description = "成功", body = Team))
)]
pub async fn leave(
    State(s): State<AppState>,
    a: Authed,
    Path((id, volunteer)): Path<(i64, i64)>,
) -> Result<Json<Team>, ApiError> {
    Ok(Json(teams::leave(&s.db, &a.actor, id, volunteer).await?))
}

#[utoipa::path(
    get,
    path = "/team-kinds",
    tag = "志愿服务",
    summary = "志愿服务队的类型",
    responses((status = 200, description = "成功", body = Vec<TeamKind>))
)]
pub async fn kinds(State(s): State<AppState>, _a: Authed) -> Result<Json<Vec<TeamKind>>, ApiError> {
    Ok(Json(teams::kinds(&s.db).await?))
}

#[utoipa::path(
    post,
    path = "/team-kinds",
    tag = "志愿服务",
    summary = "增加或更名一种队伍类型（区级管理员）",
    request_body = TeamKindInput,
    responses((status = 200, description = "成功", body = Vec<TeamKind>))
)]
pub async fn set_kind(
    State(s): State<AppState>,
    a: Authed,
    Body(input): Body<TeamKindInput>,
) -> Result<Json<Vec<TeamKind>>, ApiError> {
    Ok(Json(teams::set_kind(&s.db, &a.actor, input).await?))
}
