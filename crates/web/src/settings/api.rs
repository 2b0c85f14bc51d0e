//! The settings part of /api/v1.

use crate::AppState;
use crate::api::Body;
use crate::auth::Authed;
use crate::error::ApiError;
use axum::Json;
use axum::extract::State;
use jiceng_domain::cases::Classification;
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
