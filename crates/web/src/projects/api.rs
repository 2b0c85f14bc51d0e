//! /api/v1/projects: the 项目清单 made, listed and run; /api/v1/matching: the quarterly
//! matching meeting's agenda and the matches it accepts.

use crate::AppState;
use crate::api::{Body, Params};
use crate::auth::Authed;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jiceng_ops::Page;
use jiceng_ops::matching::meeting::{self, AcceptInput, AgendaQuery, MatchingAgenda};
use jiceng_ops::projects::{self, ListProjects, NewProjectInput, Project, ProjectMoveInput};

#[utoipa::path(
    get,
    path = "/projects",
    tag = "项目清单",
    summary = "范围内的项目，按建立先后倒序，含需求、资源与居民评价",
    params(ListProjects),
    responses((status = 200, description = "成功", body = Page<Project>))
)]
pub async fn list(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<ListProjects>,
) -> Result<Json<Page<Project>>, ApiError> {
    Ok(Json(projects::list(&s.db, &a.actor, q).await?))
}

#[utoipa::path(
    post,
    path = "/projects",
    tag = "项目清单",
    summary = "以待对接需求和资源建立项目（须有责任方与完成期限；动用量不超过资源余量）",
    request_body = NewProjectInput,
    responses((status = 201, description = "成功", body = Project))
)]
pub async fn create(
    State(s): State<AppState>,
    a: Authed,
    Body(p): Body<NewProjectInput>,
) -> Result<(StatusCode, Json<Project>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(projects::create(&s.db, &a.actor, p).await?),
    ))
}

#[utoipa::path(
    get,
    path = "/matching/agenda",
    tag = "项目清单",
    summary = "季度服务项目对接会：范围内待对接的需求及其推荐资源",
    params(AgendaQuery),
    responses((status = 200, description = "成功", body = MatchingAgenda))
)]
pub async fn agenda(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<AgendaQuery>,
) -> Result<Json<MatchingAgenda>, ApiError> {
    Ok(Json(meeting::agenda(&s.db, &a.actor, q).await?))
}

#[utoipa::path(
    post,
    path = "/matching/accept",
    tag = "项目清单",
    summary = "对接会确认的需求与资源一次转为项目（全部成功或全部不变）",
    request_body = AcceptInput,
    responses((status = 201, description = "成功", body = Vec<Project>))
)]
pub async fn accept(
    State(s): State<AppState>,
    a: Authed,
    Body(input): Body<AcceptInput>,
) -> Result<(StatusCode, Json<Vec<Project>>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(meeting::accept(&s.db, &a.actor, input).await?),
    ))
}

#[utoipa::path(
    get,
    path = "/projects/{id}",
    tag = "项目清单",
    summary = "一个项目",
    params(("id" = i64, Path)),
    responses((status = 200, description = "成功", body = Project))
)]
pub async fn show(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Result<Json<Project>, ApiError> {
    Ok(Json(projects::show(&s.db, &a.actor, id).await?))
}

#[utoipa::path(
    post,
    path = "/projects/{id}/moves",
    tag = "项目清单",
    summary = "开始实施、完成（需求随之满足）或终止（需求重新待对接，资源退回）",
    params(("id" = i64, Path)),
    request_body = ProjectMoveInput,
    responses((status = 200, description = "成功", body = Project))
)]
pub async fn act(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Body(m): Body<ProjectMoveInput>,
) -> Result<Json<Project>, ApiError> {
    Ok(Json(projects::apply(&s.db, &a.actor, id, m).await?))
}
