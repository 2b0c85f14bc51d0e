//! /api/v1/meetings, their attachments, /api/v1/compliance and /api/v1/meeting-rules.

use super::{Body, Params};
use crate::AppState;
use crate::auth::Authed;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiceng_domain::msg;
use jiceng_ops::orglife::compliance::{self, ComplianceReport};
use jiceng_ops::orglife::files as meeting_files;
use jiceng_ops::orglife::files::Attachment;
use jiceng_ops::orglife::meetings::{self, ListMeetings, MeetingDetail, MeetingView, NewMeeting};
use jiceng_ops::{OpsError, Page};
use serde::{Deserialize, Serialize};

pub async fn list(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<ListMeetings>,
) -> Result<Json<Page<MeetingView>>, ApiError> {
    Ok(Json(meetings::list(&s.db, &a.actor, q).await?))
}

pub async fn show(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Result<Json<MeetingDetail>, ApiError> {
    Ok(Json(meetings::show(&s.db, &a.actor, id).await?))
}

pub async fn record(
    State(s): State<AppState>,
    a: Authed,
    Body(new): Body<NewMeeting>,
) -> Result<(StatusCode, Json<MeetingView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(meetings::record(&s.db, &a.actor, new).await?),
    ))
}

pub async fn update(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Body(new): Body<NewMeeting>,
) -> Result<Json<MeetingView>, ApiError> {
    Ok(Json(meetings::update(&s.db, &a.actor, id, new).await?))
}

/// One multipart field named `file`.
pub async fn attach(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    mut form: Multipart,
) -> Result<(StatusCode, Json<Attachment>), ApiError> {
    let bad = |why: String| {
        OpsError::Invalid(jiceng_domain::Invalid::new(
            "attachment",
            "",
            msg!("上传失败：{reason}", reason = why),
        ))
    };
    while let Some(field) = form.next_field().await.map_err(|e| bad(e.to_string()))? {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("").to_string();
            let bytes = field.bytes().await.map_err(|e| bad(e.to_string()))?;
            let row = meeting_files::attach(&s.db, &a.actor, &s.files, id, &name, &bytes).await?;
            return Ok((StatusCode::CREATED, Json(row)));
        }
    }
    Err(bad("file".into()).into())
}

pub async fn download(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    file_response(&s, &a.actor, id).await
}

/// The attachment's bytes with its type and name; shared with the pages.
pub async fn file_response(
    s: &AppState,
    actor: &jiceng_ops::Actor,
    id: i64,
) -> Result<Response, ApiError> {
    let (row, path) = meeting_files::open(&s.db, actor, &s.files, id).await?;
    let bytes = tokio::fs::read(&path)
        .await
        .map_err(|e| OpsError::internal(format!("{}: {e}", path.display())))?;
    let encoded: String = row
        .file_name
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    Ok((
        [
            (header::CONTENT_TYPE, row.content_type.clone()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename*=UTF-8''{encoded}"),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct ComplianceQuery {
    pub within: Option<String>,
    /// 2026, 2026-Q3 or 2026-07; the current quarter by default.
    pub period: Option<String>,
}

pub async fn compliance(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<ComplianceQuery>,
) -> Result<Json<ComplianceReport>, ApiError> {
    let period = q.period.unwrap_or_else(compliance::current_quarter);
    Ok(Json(
        compliance::report(&s.db, &a.actor, q.within.as_deref(), &period).await?,
    ))
}

#[derive(Serialize)]
pub struct RuleView {
    kind: &'static str,
    kind_label: &'static str,
    level: &'static str,
    frequency: &'static str,
}

fn views(rules: &jiceng_domain::orglife::Rules) -> Vec<RuleView> {
    rules
        .all()
        .iter()
        .map(|r| RuleView {
            kind: r.kind.code(),
            kind_label: r.kind.label(),
            level: r.level.code(),
            frequency: r.frequency.code(),
        })
        .collect()
}

pub async fn rules(State(s): State<AppState>, _a: Authed) -> Result<Json<Vec<RuleView>>, ApiError> {
    Ok(Json(views(&compliance::rules(&s.db).await?)))
}

#[derive(Deserialize)]
pub struct SetRule {
    pub level: Option<String>,
    /// monthly, quarterly or yearly; null to stop owing this kind.
    pub frequency: Option<String>,
}

pub async fn set_rule(
    State(s): State<AppState>,
    a: Authed,
    Path(kind): Path<String>,
    Body(r): Body<SetRule>,
) -> Result<Json<Vec<RuleView>>, ApiError> {
    let level = r.level.unwrap_or_else(|| "branch".into());
    let rules =
        compliance::set_rule(&s.db, &a.actor, &kind, &level, r.frequency.as_deref()).await?;
    Ok(Json(views(&rules)))
}
