//! The audit part of /api/v1.

use crate::AppState;
use crate::api::Params;
use crate::auth::Authed;
use crate::error::ApiError;
use axum::Json;
use axum::extract::State;
use jiceng_ops::Page;
use jiceng_ops::audit::AuditEntry;
use jiceng_ops::audit::{self, BrowseAudit, Verification};

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
