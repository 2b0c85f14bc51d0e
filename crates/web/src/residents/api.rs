//! /api/v1/resident…: a resident signs in with a code sent to their phone (a session cookie
//! and its CSRF token, as the browser gets); /api/v1/residents: the community's list and
//! its confirmation of each.

use crate::AppState;
use crate::api::{Body, Params};
use crate::auth::{Authed, SESSION_COOKIE};
use crate::client::{ClientAddr, UserAgent};
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use jiceng_ops::Page;
use jiceng_ops::accounts::login_log::Client;
use jiceng_ops::residents::{
    self, Building, CodeSent, ListResidents, ResidentSession, ResidentView, ReviewInput,
    SignInInput,
};
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CodeRequest {
    /// An 11-digit mobile number.
    pub phone: Option<String>,
}

#[utoipa::path(
    post,
    path = "/resident/code",
    tag = "居民",
    summary = "向手机发送登录验证码（5 分钟内有效；同一号码 60 秒一次，按号码和来源地址限次）",
    request_body = CodeRequest,
    responses((status = 200, description = "已发送", body = CodeSent))
)]
pub async fn send_code(
    State(s): State<AppState>,
    ClientAddr(from): ClientAddr,
    Body(r): Body<CodeRequest>,
) -> Result<Json<CodeSent>, ApiError> {
    let phone = r.phone.unwrap_or_default();
    Ok(Json(
        residents::send_code(&s.db, &s.codes, &phone, &from).await?,
    ))
}

#[utoipa::path(
    post,
    path = "/resident/session",
    tag = "居民",
    summary = "用手机验证码登录；号码首次登录时同时注册（姓名、社区、楼栋），待社区确认",
    request_body = SignInInput,
    responses((status = 200, description = "已登录：会话 Cookie 与 CSRF 令牌", body = ResidentSession))
)]
pub async fn sign_in(
    State(s): State<AppState>,
    ClientAddr(from): ClientAddr,
    UserAgent(agent): UserAgent,
    Body(input): Body<SignInInput>,
) -> Result<Response, ApiError> {
    let session = residents::sign_in(
        &s.db,
        input,
        Client {
            address: &from,
            agent: &agent,
        },
    )
    .await?;
    let cookie = format!(
        "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age=43200",
        session.token
    );
    Ok(([(header::SET_COOKIE, cookie)], Json(session)).into_response())
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BuildingsQuery {
    /// The community's org code.
    pub community: Option<String>,
}

#[utoipa::path(
    get,
    path = "/resident/buildings",
    tag = "居民",
    summary = "社区已登记的楼栋，供居民注册时选择所住楼栋",
    params(BuildingsQuery),
    responses((status = 200, description = "成功", body = Vec<Building>))
)]
pub async fn buildings(
    State(s): State<AppState>,
    Params(q): Params<BuildingsQuery>,
) -> Result<Json<Vec<Building>>, ApiError> {
    let community = q.community.unwrap_or_default();
    Ok(Json(residents::buildings(&s.db, &community).await?))
}

#[utoipa::path(
    get,
    path = "/resident/me",
    tag = "居民",
    summary = "居民本人的登记信息与确认状态",
    responses((status = 200, description = "成功", body = ResidentView))
)]
pub async fn me(State(s): State<AppState>, a: Authed) -> Result<Json<ResidentView>, ApiError> {
    Ok(Json(residents::me(&s.db, &a.actor).await?))
}

#[utoipa::path(
    get,
    path = "/residents",
    tag = "居民",
    summary = "范围内某一状态的居民（默认待确认），手机号脱敏",
    params(ListResidents),
    responses((status = 200, description = "成功", body = Page<ResidentView>))
)]
pub async fn list(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<ListResidents>,
) -> Result<Json<Page<ResidentView>>, ApiError> {
    Ok(Json(residents::list(&s.db, &a.actor, q).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ShowQuery {
    /// Show the whole phone (roles that handle personal data; audited).
    pub reveal: Option<bool>,
}

#[utoipa::path(
    get,
    path = "/residents/{id}",
    tag = "居民",
    summary = "一位居民；reveal=true 显示完整手机号（留痕）",
    params(("id" = i64, Path), ShowQuery),
    responses((status = 200, description = "成功", body = ResidentView))
)]
pub async fn show(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Params(q): Params<ShowQuery>,
) -> Result<Json<ResidentView>, ApiError> {
    let reveal = q.reveal.unwrap_or(false);
    Ok(Json(residents::get(&s.db, &a.actor, id, reveal).await?))
}

#[utoipa::path(
    post,
    path = "/residents/{id}/review",
    tag = "居民",
    summary = "社区确认或不予确认一位待确认的居民（不予确认须说明理由）",
    params(("id" = i64, Path)),
    request_body = ReviewInput,
    responses((status = 200, description = "成功", body = ResidentView))
)]
pub async fn review(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Body(r): Body<ReviewInput>,
) -> Result<Json<ResidentView>, ApiError> {
    Ok(Json(residents::review(&s.db, &a.actor, id, r).await?))
}
