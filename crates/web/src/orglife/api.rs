//! /api/v1/meetings, their attachments, /api/v1/compliance and /api/v1/meeting-rules.

use crate::AppState;
use crate::api::{Body, Params};
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
use jiceng_ops::orglife::ledgers;
use jiceng_ops::orglife::meetings::{self, ListMeetings, MeetingDetail, MeetingView, NewMeeting};
use jiceng_ops::{OpsError, Page};
use serde::{Deserialize, Serialize};

#[utoipa::path(
    get,
    path = "/meetings",
    tag = "组织生活",
    summary = "会议列表（范围、单个组织、类型、状态、日期区间）",
    params(ListMeetings),
    responses((status = 200, description = "成功", body = Page<MeetingView>))
)]
pub async fn list(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<ListMeetings>,
) -> Result<Json<Page<MeetingView>>, ApiError> {
    Ok(Json(meetings::list(&s.db, &a.actor, q).await?))
}

#[utoipa::path(
    get,
    path = "/meetings/{id}",
    tag = "组织生活",
    summary = "会议详情：缺席、列席、附件、联合组织",
    params(("id" = i64, Path)),
    responses((status = 200, description = "成功", body = MeetingDetail))
)]
pub async fn show(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Result<Json<MeetingDetail>, ApiError> {
    Ok(Json(meetings::show(&s.db, &a.actor, id).await?))
}

#[utoipa::path(
    post,
    path = "/meetings",
    tag = "组织生活",
    summary = "计划或记录会议（日期在今天之后为计划；joint_orgs 为联合主题党日的其他组织）",
    request_body = NewMeeting,
    responses((status = 201, description = "成功", body = MeetingView))
)]
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

#[utoipa::path(
    put,
    path = "/meetings/{id}",
    tag = "组织生活",
    summary = "修改会议记录（如把计划记录为已召开）",
    params(("id" = i64, Path)),
    request_body = NewMeeting,
    responses((status = 200, description = "成功", body = MeetingView))
)]
pub async fn update(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Body(new): Body<NewMeeting>,
) -> Result<Json<MeetingView>, ApiError> {
    Ok(Json(meetings::update(&s.db, &a.actor, id, new).await?))
}

/// One multipart field named `file`.
#[utoipa::path(
    post,
    path = "/meetings/{id}/attachments",
    tag = "组织生活",
    summary = "上传附件（multipart 字段 file；PDF、JPG、PNG、DOCX、XLSX，不超过 10 MB）",
    params(("id" = i64, Path)),
    request_body(content_type = "multipart/form-data", description = "字段 file：附件文件"),
    responses((status = 201, description = "成功", body = Attachment))
)]
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

#[utoipa::path(
    get,
    path = "/attachments/{id}",
    tag = "组织生活",
    summary = "下载附件",
    params(("id" = i64, Path)),
    responses((status = 200, description = "附件的内容；类型和文件名在响应头中", content_type = "application/octet-stream"))
)]
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

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ComplianceQuery {
    pub within: Option<String>,
    /// 2026, 2026-Q3 or 2026-07; the current quarter by default.
    pub period: Option<String>,
}

#[utoipa::path(
    get,
    path = "/compliance",
    tag = "组织生活",
    summary = "三会一课达标情况（范围、期间：2026、2026-Q3、2026-07；默认本季度）",
    params(ComplianceQuery),
    responses((status = 200, description = "成功", body = ComplianceReport))
)]
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

#[derive(Serialize, utoipa::ToSchema)]
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

#[utoipa::path(
    get,
    path = "/meeting-rules",
    tag = "组织生活",
    summary = "各类会议的召开频次规则",
    responses((status = 200, description = "成功", body = Vec<RuleView>))
)]
pub async fn rules(State(s): State<AppState>, _a: Authed) -> Result<Json<Vec<RuleView>>, ApiError> {
    Ok(Json(views(&compliance::rules(&s.db).await?)))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct SetRule {
    pub level: Option<String>,
    /// monthly, quarterly or yearly; null to stop owing this kind.
    pub frequency: Option<String>,
}

#[utoipa::path(
    put,
    path = "/meeting-rules/{kind}",
    tag = "组织生活",
    summary = "设置某类会议的频次（frequency 为 null 表示不再要求；需全域管理员）",
    params(("kind" = String, Path)),
    request_body = SetRule,
    responses((status = 200, description = "成功", body = Vec<RuleView>))
)]
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

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LedgerQuery {
    /// The year; this year by default.
    pub year: Option<i32>,
    /// The points ledger's scheme; `accrual` by default.
    pub scheme: Option<String>,
}

fn year_of(q: &LedgerQuery) -> i32 {
    q.year
        .unwrap_or_else(|| chrono::Datelike::year(&jiceng_domain::clock::today()))
}

#[utoipa::path(
    get,
    path = "/orgs/{code}/ledgers/meetings",
    tag = "组织生活",
    summary = "三会一课台账：该组织本年召开的会议（出席、缺席及原因）和是否达标",
    params(("code" = String, Path), LedgerQuery),
    responses((status = 200, description = "成功", body = ledgers::MeetingsLedger))
)]
pub async fn meetings_ledger(
    State(s): State<AppState>,
    a: Authed,
    Path(code): Path<String>,
    Params(q): Params<LedgerQuery>,
) -> Result<Json<ledgers::MeetingsLedger>, ApiError> {
    Ok(Json(
        ledgers::meetings(&s.db, &a.actor, &code, year_of(&q)).await?,
    ))
}

#[utoipa::path(
    get,
    path = "/orgs/{code}/ledgers/points",
    tag = "组织生活",
    summary = "积分台账：该组织（含下级）每名党员本年的积分，从高到低",
    params(("code" = String, Path), LedgerQuery),
    responses((status = 200, description = "成功", body = ledgers::PointsLedger))
)]
pub async fn points_ledger(
    State(s): State<AppState>,
    a: Authed,
    Path(code): Path<String>,
    Params(q): Params<LedgerQuery>,
) -> Result<Json<ledgers::PointsLedger>, ApiError> {
    let scheme = q.scheme.clone().unwrap_or_else(|| "accrual".into());
    Ok(Json(
        ledgers::points(&s.db, &a.actor, &code, year_of(&q), &scheme).await?,
    ))
}

#[utoipa::path(
    get,
    path = "/orgs/{code}/ledgers/registrations",
    tag = "组织生活",
    summary = "双报到台账：本年在该社区报到的党员和单位党组织，及党员本年在该社区的志愿服务时长",
    params(("code" = String, Path), LedgerQuery),
    responses((status = 200, description = "成功", body = ledgers::RegistrationsLedger))
)]
pub async fn registrations_ledger(
    State(s): State<AppState>,
    a: Authed,
    Path(code): Path<String>,
    Params(q): Params<LedgerQuery>,
) -> Result<Json<ledgers::RegistrationsLedger>, ApiError> {
    Ok(Json(
        ledgers::registrations(&s.db, &a.actor, &code, year_of(&q)).await?,
    ))
}
