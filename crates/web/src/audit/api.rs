//! The audit part of /api/v1.

use crate::AppState;
use crate::api::Body;
use crate::api::Params;
use crate::auth::Authed;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use jiceng_ops::Page;
use jiceng_ops::audit::archive::{self, Archive};
use jiceng_ops::audit::retention::Retention;
use jiceng_ops::audit::{self, AuditEntry, BrowseAudit, Verification};

#[utoipa::path(
    get,
    path = "/audit",
    tag = "审计",
    summary = "浏览审计日志（新在前）",
    params(BrowseAudit),
    responses((status = 200, description = "成功", body = Page<AuditEntry>))
)]
pub async fn audit(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<BrowseAudit>,
) -> Result<Json<Page<AuditEntry>>, ApiError> {
    Ok(Json(audit::browse(&s.db, &a.actor, q).await?))
}

#[utoipa::path(
    get,
    path = "/audit/verify",
    tag = "审计",
    summary = "校验审计哈希链",
    responses((status = 200, description = "成功", body = Verification))
)]
pub async fn verify(State(s): State<AppState>, a: Authed) -> Result<Json<Verification>, ApiError> {
    Ok(Json(audit::verify(&s.db, &a.actor).await?))
}

#[utoipa::path(
    get,
    path = "/audit/archives",
    tag = "审计",
    summary = "审计日志的归档（新在前）：每次归档的范围、文件与摘要",
    responses((status = 200, description = "成功", body = Vec<Archive>))
)]
pub async fn archives(
    State(s): State<AppState>,
    a: Authed,
) -> Result<Json<Vec<Archive>>, ApiError> {
    Ok(Json(archive::list(&s.db, &a.actor).await?))
}

#[utoipa::path(
    delete,
    path = "/audit/{seq}",
    tag = "审计",
    summary = "删除审计记录：任何角色都不能删除（保存期满后由操作员归档）",
    params(("seq" = i64, Path)),
    responses((status = 403, description = "不能删除", body = jiceng_ops::ErrorBody))
)]
pub async fn delete_entry(a: Authed, Path(_seq): Path<i64>) -> Result<Json<()>, ApiError> {
    audit::delete_entry(&a.actor)?;
    Ok(Json(()))
}

#[utoipa::path(
    delete,
    path = "/login-log/{id}",
    tag = "审计",
    summary = "删除登录日志：任何角色都不能删除（保存期满后由操作员归档）",
    params(("id" = i64, Path)),
    responses((status = 403, description = "不能删除", body = jiceng_ops::ErrorBody))
)]
pub async fn delete_login(a: Authed, Path(_id): Path<i64>) -> Result<Json<()>, ApiError> {
    audit::delete_entry(&a.actor)?;
    Ok(Json(()))
}

#[utoipa::path(
    get,
    path = "/log-retention",
    tag = "审计",
    summary = "审计日志和登录日志的保存期",
    responses((status = 200, description = "成功", body = Retention))
)]
pub async fn retention(State(s): State<AppState>, a: Authed) -> Result<Json<Retention>, ApiError> {
    Ok(Json(audit::retention::retention(&s.db, &a.actor).await?))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct SetRetention {
    /// Days to keep entries: 180–3650.
    pub days: i64,
}

#[utoipa::path(
    put,
    path = "/log-retention",
    tag = "审计",
    summary = "修改保存期（安全管理员；不少于 180 天）",
    request_body = SetRetention,
    responses((status = 200, description = "成功", body = Retention))
)]
pub async fn set_retention(
    State(s): State<AppState>,
    a: Authed,
    Body(b): Body<SetRetention>,
) -> Result<Json<Retention>, ApiError> {
    Ok(Json(
        audit::retention::set_retention(&s.db, &a.actor, b.days).await?,
    ))
}
