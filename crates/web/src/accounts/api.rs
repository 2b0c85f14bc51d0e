//! /api/v1/session, /me, /tokens, /users and /audit.

use crate::AppState;
use crate::api::{Body, PageQuery, Params};
use crate::auth::{Authed, SESSION_COOKIE};
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiceng_ops::accounts::Token;
use jiceng_ops::accounts::duties::Duties;
use jiceng_ops::accounts::roles::{self, AssignRole};
use jiceng_ops::accounts::{self, NewToken, NewUser, UserView};
use jiceng_ops::{Actor, Page};
use serde::{Deserialize, Serialize};

#[derive(Deserialize, utoipa::ToSchema)]
pub struct Login {
    pub username: String,
    pub password: String,
}

fn session_cookie(token: &str, max_age: i64) -> String {
    format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}")
}

/// Signs in: sets the session cookie and returns the CSRF token for later writes.
#[utoipa::path(
    post,
    path = "/session",
    tag = "账号",
    summary = "登录：设置会话 Cookie，返回 CSRF 令牌",
    request_body = Login,
    responses((status = 200, description = "成功"))
)]
pub async fn login(
    State(s): State<AppState>,
    crate::client::ClientAddr(from): crate::client::ClientAddr,
    crate::client::UserAgent(agent): crate::client::UserAgent,
    Body(l): Body<Login>,
) -> Result<Response, ApiError> {
    let client = accounts::login_log::Client {
        address: &from,
        agent: &agent,
    };
    let session = accounts::login(&s.db, &l.username, &l.password, client).await?;
    let cookie = session_cookie(&session.token, 12 * 3600);
    Ok(([(header::SET_COOKIE, cookie)], Json(session)).into_response())
}

#[utoipa::path(
    delete,
    path = "/session",
    tag = "账号",
    summary = "退出登录",
    responses((status = 204, description = "成功"))
)]
pub async fn logout(
    State(s): State<AppState>,
    crate::client::ClientAddr(from): crate::client::ClientAddr,
    crate::client::UserAgent(agent): crate::client::UserAgent,
    a: Authed,
) -> Result<Response, ApiError> {
    if let Some(token) = &a.session {
        let client = accounts::login_log::Client {
            address: &from,
            agent: &agent,
        };
        accounts::logout(&s.db, token, client).await?;
    }
    Ok((
        [(header::SET_COOKIE, session_cookie("", 0))],
        StatusCode::NO_CONTENT,
    )
        .into_response())
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Me {
    pub username: Option<String>,
    pub display_name: Option<String>,
    pub role: Option<String>,
    pub role_label: Option<&'static str>,
    pub scope_code: Option<String>,
    pub member_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub read_only: bool,
    pub csrf: Option<String>,
}

#[utoipa::path(
    get,
    path = "/me",
    tag = "账号",
    summary = "当前账号",
    responses((status = 200, description = "成功", body = Me))
)]
pub async fn me(a: Authed) -> Json<Me> {
    let Actor::User(u) = &a.actor else {
        return Json(Me {
            username: None,
            display_name: None,
            role: None,
            role_label: None,
            scope_code: None,
            member_id: None,
            unit_id: None,
            read_only: false,
            csrf: None,
        });
    };
    Json(Me {
        username: Some(u.username.clone()),
        display_name: Some(u.display_name.clone()),
        role: Some(u.role.code().into()),
        role_label: Some(u.role.label()),
        scope_code: u.scope_code.clone(),
        member_id: u.member_id,
        unit_id: u.unit_id,
        read_only: u.read_only,
        csrf: a.csrf.clone(),
    })
}

#[utoipa::path(
    get,
    path = "/me/agenda",
    tag = "账号",
    summary = "我的待办：网格员的巡查与待核查、部门的到期案件、党员本年积分与双报到",
    responses((status = 200, description = "成功", body = jiceng_ops::home::Agenda))
)]
pub async fn agenda(
    State(s): State<AppState>,
    a: Authed,
) -> Result<Json<jiceng_ops::home::Agenda>, ApiError> {
    Ok(Json(jiceng_ops::home::agenda(&s.db, &a.actor).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct PasswordChange {
    pub old_password: String,
    pub new_password: String,
}

#[utoipa::path(
    post,
    path = "/me/password",
    tag = "账号",
    summary = "修改本人密码（其他会话随之失效）",
    request_body = PasswordChange,
    responses((status = 204, description = "成功"))
)]
pub async fn change_password(
    State(s): State<AppState>,
    a: Authed,
    Body(p): Body<PasswordChange>,
) -> Result<StatusCode, ApiError> {
    accounts::change_password(
        &s.db,
        &a.actor,
        &p.old_password,
        &p.new_password,
        a.session.as_deref(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    get,
    path = "/tokens",
    tag = "账号",
    summary = "本人的访问令牌",
    responses((status = 200, description = "成功", body = Vec<Token>))
)]
pub async fn tokens(State(s): State<AppState>, a: Authed) -> Result<Json<Vec<Token>>, ApiError> {
    Ok(Json(accounts::tokens(&s.db, &a.actor).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewTokenRequest {
    pub name: String,
    /// "read" or "write".
    pub scope: String,
    pub expires_in_days: Option<i64>,
}

#[utoipa::path(
    post,
    path = "/tokens",
    tag = "账号",
    summary = "新建访问令牌（令牌只返回这一次）",
    request_body = NewTokenRequest,
    responses((status = 201, description = "成功", body = NewToken))
)]
pub async fn create_token(
    State(s): State<AppState>,
    a: Authed,
    Body(t): Body<NewTokenRequest>,
) -> Result<(StatusCode, Json<NewToken>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(accounts::create_token(&s.db, &a.actor, &t.name, &t.scope, t.expires_in_days).await?),
    ))
}

#[utoipa::path(
    delete,
    path = "/tokens/{id}",
    tag = "账号",
    summary = "吊销访问令牌",
    params(("id" = i64, Path)),
    responses((status = 204, description = "成功"))
)]
pub async fn revoke_token(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    accounts::revoke_token(&s.db, &a.actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    get,
    path = "/users",
    tag = "账号",
    summary = "管理范围内的账号",
    params(PageQuery),
    responses((status = 200, description = "成功", body = Page<UserView>))
)]
pub async fn users(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<PageQuery>,
) -> Result<Json<Page<UserView>>, ApiError> {
    Ok(Json(
        accounts::list(
            &s.db,
            &a.actor,
            q.page.unwrap_or(1),
            q.per_page.unwrap_or(50),
        )
        .await?,
    ))
}

#[utoipa::path(
    post,
    path = "/users",
    tag = "账号",
    summary = "新建账号",
    request_body = NewUser,
    responses((status = 201, description = "成功", body = UserView))
)]
pub async fn create_user(
    State(s): State<AppState>,
    a: Authed,
    Body(u): Body<NewUser>,
) -> Result<(StatusCode, Json<UserView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(accounts::create(&s.db, &a.actor, u).await?),
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct Activation {
    /// false deactivates the account: its sessions end and its tokens are revoked.
    pub active: bool,
}

#[utoipa::path(
    post,
    path = "/users/{id}/active",
    tag = "账号",
    summary = "停用或启用账号（停用时结束其会话并吊销其令牌）",
    params(("id" = i64, Path)),
    request_body = Activation,
    responses((status = 200, description = "成功", body = UserView))
)]
pub async fn set_active(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Body(b): Body<Activation>,
) -> Result<Json<UserView>, ApiError> {
    Ok(Json(
        accounts::set_active(&s.db, &a.actor, id, b.active).await?,
    ))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Revoked {
    pub revoked: u64,
}

#[utoipa::path(
    delete,
    path = "/users/{id}/tokens",
    tag = "账号",
    summary = "吊销某账号的全部访问令牌",
    params(("id" = i64, Path)),
    responses((status = 200, description = "成功", body = Revoked))
)]
pub async fn revoke_user_tokens(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Result<Json<Revoked>, ApiError> {
    let revoked = accounts::revoke_tokens_of(&s.db, &a.actor, id).await?;
    Ok(Json(Revoked { revoked }))
}

#[utoipa::path(
    put,
    path = "/users/{id}/role",
    tag = "账号",
    summary = "调整账号的角色和管理范围（安全管理员；三员账号的角色固定）",
    params(("id" = i64, Path)),
    request_body = AssignRole,
    responses((status = 200, description = "成功", body = UserView))
)]
pub async fn assign_role(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Body(b): Body<AssignRole>,
) -> Result<Json<UserView>, ApiError> {
    Ok(Json(roles::assign(&s.db, &a.actor, id, b).await?))
}

#[utoipa::path(
    get,
    path = "/duties",
    tag = "账号",
    summary = "三员分立：是否实行，以及各职责的启用账号数",
    responses((status = 200, description = "成功", body = Duties))
)]
pub async fn duties(State(s): State<AppState>, a: Authed) -> Result<Json<Duties>, ApiError> {
    Ok(Json(accounts::duties::duties(&s.db, &a.actor).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct Reset {
    /// The new password, under the password policy; its owner changes it at the next sign-in.
    pub password: String,
}

#[utoipa::path(
    post,
    path = "/users/{id}/password",
    tag = "账号",
    summary = "重置账号的密码并解锁（下次登录须修改；系统管理员重置的账号须安全管理员重新授权）",
    params(("id" = i64, Path)),
    request_body = Reset,
    responses((status = 204, description = "已重置"))
)]
pub async fn reset_password(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Body(b): Body<Reset>,
) -> Result<StatusCode, ApiError> {
    accounts::reset_password_of(&s.db, &a.actor, id, &b.password).await?;
    Ok(StatusCode::NO_CONTENT)
}
