//! The grids part of /api/v1.

use crate::AppState;
use crate::api::{Body, Params};
use crate::auth::Authed;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jiceng_ops::OpsError;
use jiceng_ops::cases::views::Case;
use jiceng_ops::grids::Grid;
use jiceng_ops::grids::boundaries::{self, Boundary};
use jiceng_ops::grids::patrols::ScopePatrols;
use jiceng_ops::grids::{self, NewGridInput};
use serde::Deserialize;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Within {
    pub within: Option<String>,
}

#[utoipa::path(
    get,
    path = "/grids",
    tag = "网格",
    summary = "范围内的网格及其多边形",
    params(Within),
    responses((status = 200, description = "成功", body = Vec<Grid>))
)]
pub async fn grids(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<Within>,
) -> Result<Json<Vec<Grid>>, ApiError> {
    Ok(Json(
        grids::within(&s.db, &a.actor, q.within.as_deref()).await?,
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Near {
    /// WGS-84.
    pub lon: f64,
    pub lat: f64,
}

#[utoipa::path(
    get,
    path = "/grids/near",
    tag = "网格",
    summary = "某点周围约一公里内、本人可见的网格（最多 50 个）：上报案件时在小地图上显示和修正位置",
    params(Near),
    responses((status = 200, description = "成功", body = Vec<Grid>))
)]
pub async fn near(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<Near>,
) -> Result<Json<Vec<Grid>>, ApiError> {
    Ok(Json(grids::near(&s.db, &a.actor, q.lon, q.lat).await?))
}

#[utoipa::path(
    post,
    path = "/grids",
    tag = "网格",
    summary = "在社区下划定网格（编码为社区代码加三位序号）",
    request_body = NewGridInput,
    responses((status = 201, description = "成功", body = Grid))
)]
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

#[utoipa::path(
    post,
    path = "/patrols",
    tag = "网格",
    summary = "登记一次走访巡查（本地时间，可带轨迹点）",
    request_body = jiceng_ops::grids::patrols::NewPatrolInput,
    responses((status = 201, description = "成功", body = jiceng_ops::grids::patrols::Patrol))
)]
pub async fn log_patrol(
    State(s): State<AppState>,
    a: Authed,
    Body(p): Body<jiceng_ops::grids::patrols::NewPatrolInput>,
) -> Result<(StatusCode, Json<jiceng_ops::grids::patrols::Patrol>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(jiceng_ops::grids::patrols::record(&s.db, &a.actor, p).await?),
    ))
}

#[utoipa::path(
    get,
    path = "/patrols",
    tag = "网格",
    summary = "本人今日巡查时长与每日目标，及近 7 天的巡查",
    responses((status = 200, description = "成功", body = jiceng_ops::grids::patrols::Day))
)]
pub async fn my_patrols(
    State(s): State<AppState>,
    a: Authed,
) -> Result<Json<jiceng_ops::grids::patrols::Day>, ApiError> {
    Ok(Json(
        jiceng_ops::grids::patrols::my_day(&s.db, &a.actor).await?,
    ))
}

#[utoipa::path(
    get,
    path = "/patrols/scope",
    tag = "网格",
    summary = "范围内近若干天的巡查",
    params(ScopePatrols),
    responses((status = 200, description = "成功", body = jiceng_ops::Page<jiceng_ops::grids::patrols::Patrol>))
)]
pub async fn scope_patrols(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<ScopePatrols>,
) -> Result<Json<jiceng_ops::Page<jiceng_ops::grids::patrols::Patrol>>, ApiError> {
    Ok(Json(
        jiceng_ops::grids::patrols::within(&s.db, &a.actor, q).await?,
    ))
}

#[utoipa::path(
    post,
    path = "/patrols/{id}/case",
    tag = "网格",
    summary = "把巡查发现一步转为案件（定位到巡查的网格）",
    params(("id" = i64, Path)),
    request_body = jiceng_ops::grids::patrols::FindingCase,
    responses((status = 201, description = "成功", body = Case))
)]
pub async fn patrol_case(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Body(f): Body<jiceng_ops::grids::patrols::FindingCase>,
) -> Result<(StatusCode, Json<Case>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(jiceng_ops::grids::patrols::to_case(&s.db, &a.actor, id, f).await?),
    ))
}

#[utoipa::path(
    get,
    path = "/grid-teams",
    tag = "网格",
    summary = "范围内各网格的队伍：网格长、专兼职网格员、信息员、志愿者",
    params(Within),
    responses((status = 200, description = "成功", body = Vec<jiceng_ops::grids::TeamMember>))
)]
pub async fn teams(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<Within>,
) -> Result<Json<Vec<jiceng_ops::grids::TeamMember>>, ApiError> {
    Ok(Json(
        grids::teams(&s.db, &a.actor, q.within.as_deref()).await?,
    ))
}

#[utoipa::path(
    post,
    path = "/grid-teams",
    tag = "网格",
    summary = "为网格添加队伍成员（每个网格一名网格长）",
    request_body = grids::NewTeamMember,
    responses((status = 201, description = "成功", body = jiceng_ops::grids::TeamMember))
)]
pub async fn add_team_member(
    State(s): State<AppState>,
    a: Authed,
    Body(m): Body<grids::NewTeamMember>,
) -> Result<(StatusCode, Json<jiceng_ops::grids::TeamMember>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(grids::add_team_member(&s.db, &a.actor, m).await?),
    ))
}

#[utoipa::path(
    delete,
    path = "/grid-teams/{id}",
    tag = "网格",
    summary = "移出网格队伍",
    params(("id" = i64, Path)),
    responses((status = 204, description = "成功"))
)]
pub async fn remove_team_member(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    grids::remove_team_member(&s.db, &a.actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    get,
    path = "/grid-places",
    tag = "网格",
    summary = "范围内各网格的点位：楼栋（含户数）和驻区单位",
    params(Within),
    responses((status = 200, description = "成功", body = Vec<jiceng_ops::grids::places::Place>))
)]
pub async fn places(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<Within>,
) -> Result<Json<Vec<jiceng_ops::grids::places::Place>>, ApiError> {
    Ok(Json(
        jiceng_ops::grids::places::within(&s.db, &a.actor, q.within.as_deref()).await?,
    ))
}

#[utoipa::path(
    post,
    path = "/grid-places",
    tag = "网格",
    summary = "标注点位：按经纬度归入所在网格；楼栋的户数计入网格",
    request_body = jiceng_ops::grids::places::NewPlaceInput,
    responses((status = 201, description = "成功", body = jiceng_ops::grids::places::Place))
)]
pub async fn add_place(
    State(s): State<AppState>,
    a: Authed,
    Body(p): Body<jiceng_ops::grids::places::NewPlaceInput>,
) -> Result<(StatusCode, Json<jiceng_ops::grids::places::Place>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(jiceng_ops::grids::places::add(&s.db, &a.actor, p).await?),
    ))
}

#[utoipa::path(
    delete,
    path = "/grid-places/{id}",
    tag = "网格",
    summary = "删除点位（楼栋从网格的楼栋数和户数中减去）",
    params(("id" = i64, Path)),
    responses((status = 204, description = "成功"))
)]
pub async fn remove_place(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    jiceng_ops::grids::places::remove(&s.db, &a.actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    get,
    path = "/patrols/my-cases",
    tag = "网格",
    summary = "网格员手机端：本人网格内待核查的案件和其他未办结案件（各至多 50 件）",
    responses((status = 200, description = "成功", body = jiceng_ops::grids::patrols::MyCases))
)]
pub async fn my_cases(
    State(s): State<AppState>,
    a: Authed,
) -> Result<Json<jiceng_ops::grids::patrols::MyCases>, ApiError> {
    Ok(Json(
        jiceng_ops::grids::patrols::my_cases(&s.db, &a.actor).await?,
    ))
}

/// A community's boundary as drawn: a GeoJSON Polygon, WGS-84.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct BoundaryInput {
    #[schema(value_type = Object)]
    pub geometry: Option<serde_json::Value>,
    /// wgs84 (the default) or gcj02 (Chinese web maps' coordinates), converted to WGS-84.
    pub crs: Option<String>,
}

#[utoipa::path(
    get,
    path = "/communities/{code}/boundary",
    tag = "网格",
    summary = "社区边界（未划定时为 null）",
    params(("code" = String, Path, description = "社区党组织代码")),
    responses((status = 200, description = "成功", body = Option<Boundary>))
)]
pub async fn boundary(
    State(s): State<AppState>,
    a: Authed,
    Path(code): Path<String>,
) -> Result<Json<Option<Boundary>>, ApiError> {
    Ok(Json(boundaries::of(&s.db, &a.actor, &code).await?))
}

#[utoipa::path(
    put,
    path = "/communities/{code}/boundary",
    tag = "网格",
    summary = "划定或重划社区边界（街道）：社区的网格须在边界之内，且不与其他社区的边界重叠",
    params(("code" = String, Path, description = "社区党组织代码")),
    request_body = BoundaryInput,
    responses((status = 200, description = "成功", body = Boundary))
)]
pub async fn draw_boundary(
    State(s): State<AppState>,
    a: Authed,
    Path(code): Path<String>,
    Body(b): Body<BoundaryInput>,
) -> Result<Json<Boundary>, ApiError> {
    Ok(Json(
        boundaries::draw(
            &s.db,
            &a.actor,
            &code,
            b.geometry.as_ref(),
            jiceng_ops::grids::datum(&b.crs).map_err(OpsError::from)?,
        )
        .await?,
    ))
}

#[utoipa::path(
    delete,
    path = "/communities/{code}/boundary",
    tag = "网格",
    summary = "撤销社区边界（街道）",
    params(("code" = String, Path, description = "社区党组织代码")),
    responses((status = 204, description = "成功"))
)]
pub async fn erase_boundary(
    State(s): State<AppState>,
    a: Authed,
    Path(code): Path<String>,
) -> Result<StatusCode, ApiError> {
    boundaries::erase(&s.db, &a.actor, &code).await?;
    Ok(StatusCode::NO_CONTENT)
}
