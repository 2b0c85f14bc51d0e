//! The settings part of /api/v1.

use crate::AppState;
use crate::api::Body;
use crate::auth::Authed;
use crate::error::ApiError;
use axum::Json;
use axum::extract::State;
use jiceng_domain::cases::Classification;
use jiceng_domain::passwords::PasswordPolicy;
use jiceng_ops::accounts::passwords;
use jiceng_ops::cases::settings::{self, CalendarDoc};

#[utoipa::path(
    get,
    path = "/case-classification",
    tag = "案件",
    summary = "案件分类（大类、小类）及办理时限",
    responses((status = 200, description = "成功", body = Classification))
)]
pub async fn classification(
    State(s): State<AppState>,
    _a: Authed,
) -> Result<Json<Classification>, ApiError> {
    Ok(Json(settings::classification(&s.db).await?))
}

#[utoipa::path(
    put,
    path = "/case-classification",
    tag = "案件",
    summary = "修改案件分类及时限（全域管理员）",
    request_body = Classification,
    responses((status = 200, description = "成功", body = Classification))
)]
pub async fn set_classification(
    State(s): State<AppState>,
    a: Authed,
    Body(c): Body<Classification>,
) -> Result<Json<Classification>, ApiError> {
    Ok(Json(
        settings::set_classification(&s.db, &a.actor, c).await?,
    ))
}

#[utoipa::path(
    get,
    path = "/case-calendar",
    tag = "案件",
    summary = "工作时间与节假日",
    responses((status = 200, description = "成功", body = CalendarDoc))
)]
pub async fn calendar(
    State(s): State<AppState>,
    _a: Authed,
) -> Result<Json<CalendarDoc>, ApiError> {
    Ok(Json(settings::calendar(&s.db).await?))
}

#[utoipa::path(
    put,
    path = "/case-calendar",
    tag = "案件",
    summary = "修改工作时间与节假日（全域管理员）",
    request_body = CalendarDoc,
    responses((status = 200, description = "成功", body = CalendarDoc))
)]
pub async fn set_calendar(
    State(s): State<AppState>,
    a: Authed,
    Body(c): Body<CalendarDoc>,
) -> Result<Json<CalendarDoc>, ApiError> {
    Ok(Json(settings::set_calendar(&s.db, &a.actor, c).await?))
}

#[utoipa::path(
    get,
    path = "/password-policy",
    tag = "账号",
    summary = "密码策略（长度、字符种类、历史、有效天数）",
    responses((status = 200, description = "成功", body = PasswordPolicy))
)]
pub async fn password_policy(
    State(s): State<AppState>,
    _a: Authed,
) -> Result<Json<PasswordPolicy>, ApiError> {
    Ok(Json(passwords::policy(&s.db).await?))
}

#[utoipa::path(
    put,
    path = "/password-policy",
    tag = "账号",
    summary = "修改密码策略（全域管理员；不低于 8 位、3 种字符）",
    request_body = PasswordPolicy,
    responses((status = 200, description = "成功", body = PasswordPolicy))
)]
pub async fn set_password_policy(
    State(s): State<AppState>,
    a: Authed,
    Body(p): Body<PasswordPolicy>,
) -> Result<Json<PasswordPolicy>, ApiError> {
    Ok(Json(passwords::set_policy(&s.db, &a.actor, p).await?))
}
