//! /api/v1/orgs

use crate::AppState;
use crate::api::{Body, Params};
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

#[utoipa::path(
    get,
    path = "/orgs",
    tag = "党组织",
    summary = "列出党组织（子树、层级、类别、名称或代码、换届到期）",
    params(ListOrgs),
    responses((status = 200, description = "成功", body = Page<OrgView>))
)]
pub async fn list(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<ListOrgs>,
) -> Result<Json<Page<OrgView>>, ApiError> {
    Ok(Json(orgs::list(&s.db, &a.actor, q).await?))
}

#[utoipa::path(
    get,
    path = "/orgs/{code}",
    tag = "党组织",
    summary = "党组织详情：上级、下级、委员会、所属单位、双报到",
    params(("code" = String, Path)),
    responses((status = 200, description = "成功", body = OrgDetail))
)]
pub async fn show(
    State(s): State<AppState>,
    a: Authed,
    Path(code): Path<String>,
) -> Result<Json<OrgDetail>, ApiError> {
    Ok(Json(orgs::show(&s.db, &a.actor, &code).await?))
}

#[utoipa::path(
    post,
    path = "/orgs",
    tag = "党组织",
    summary = "新建党组织",
    request_body = NewOrg,
    responses((status = 201, description = "成功", body = OrgView))
)]
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

#[derive(Deserialize, utoipa::ToSchema)]
pub struct MoveTo {
    pub parent: String,
}

#[utoipa::path(
    post,
    path = "/orgs/{code}/move",
    tag = "党组织",
    summary = "连同子树和党员移到新的上级",
    params(("code" = String, Path)),
    request_body = MoveTo,
    responses((status = 200, description = "成功", body = OrgView))
)]
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

#[utoipa::path(
    delete,
    path = "/orgs/{code}",
    tag = "党组织",
    summary = "删除没有下级、党员和历史记录的党组织",
    params(("code" = String, Path)),
    responses((status = 204, description = "成功"))
)]
pub async fn delete(
    State(s): State<AppState>,
    a: Authed,
    Path(code): Path<String>,
) -> Result<StatusCode, ApiError> {
    orgs::delete(&s.db, &a.actor, &code).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    post,
    path = "/orgs/{code}/seats",
    tag = "党组织",
    summary = "增加委员（含驻区单位兼职委员）",
    params(("code" = String, Path)),
    request_body = NewSeat,
    responses((status = 201, description = "成功", body = Vec<Seat>))
)]
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

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegistrationQuery {
    #[serde(default)]
    pub all: bool,
    /// The `next` of the page before.
    pub after: Option<String>,
    /// Rows a page, 50 unless asked (1–500).
    pub limit: Option<i64>,
}

#[utoipa::path(
    get,
    path = "/orgs/{code}/registrations",
    tag = "双报到",
    summary = "社区的报到记录，最新报到在前；after 翻页",
    params(("code" = String, Path), RegistrationQuery),
    responses((status = 200, description = "成功", body = Page<Registration>))
)]
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
        q.after.as_deref(),
        q.limit.unwrap_or(50),
    )
    .await?;
    Ok(Json(page))
}
