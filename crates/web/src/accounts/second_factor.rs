//! The second factor's pages and API: enrol with a QR code, give a code after the password,
//! and an administrator's switches on the accounts they manage.

use crate::AppState;
use crate::api::Body;
use crate::auth::Authed;
use crate::error::ApiError;
use crate::pages::form::{Values, value};
use crate::pages::{Layout, PageResult, Viewer, go, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::{Form, Json};
use jiceng_ops::accounts::login_log::Client;
use jiceng_ops::accounts::second_factor::{self, Enrolment};
use serde::{Deserialize, Serialize};

#[derive(Deserialize, utoipa::ToSchema)]
pub struct Code {
    /// Six digits from the authenticator app, or a recovery code.
    pub code: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct RecoveryCodes {
    /// Each good once; shown only now.
    pub recovery_codes: Vec<String>,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct Manage {
    /// Require a second factor of the account (beside the administrator roles).
    pub required: Option<bool>,
    /// Remove its enrolment (a lost phone): it enrols again at the next sign-in.
    #[serde(default)]
    pub remove: bool,
}

#[utoipa::path(post, path = "/session/totp", tag = "账号", summary = "登录第二步：提交验证器动态码或恢复码",
    request_body = Code, responses((status = 204, description = "成功")))]
pub async fn give(
    State(s): State<AppState>,
    crate::client::ClientAddr(from): crate::client::ClientAddr,
    crate::client::UserAgent(agent): crate::client::UserAgent,
    a: Authed,
    Body(c): Body<Code>,
) -> Result<StatusCode, ApiError> {
    let token = a.session.as_deref().unwrap_or("");
    let client = Client {
        address: &from,
        agent: &agent,
    };
    second_factor::give(&s.db, &a.actor, token, &c.code, client).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/me/totp", tag = "账号", summary = "开始启用二次验证：返回密钥及其 otpauth 地址（只显示一次）",
    responses((status = 200, description = "成功", body = Enrolment)))]
pub async fn start(State(s): State<AppState>, a: Authed) -> Result<Json<Enrolment>, ApiError> {
    Ok(Json(second_factor::start_enrolment(&s.db, &a.actor).await?))
}

#[utoipa::path(post, path = "/me/totp/confirm", tag = "账号", summary = "以一个动态码确认启用二次验证，返回恢复码（只显示一次）",
    request_body = Code, responses((status = 200, description = "成功", body = RecoveryCodes)))]
pub async fn confirm(
    State(s): State<AppState>,
    a: Authed,
    Body(c): Body<Code>,
) -> Result<Json<RecoveryCodes>, ApiError> {
    let recovery_codes =
        second_factor::confirm_enrolment(&s.db, &a.actor, &c.code, a.session.as_deref()).await?;
    Ok(Json(RecoveryCodes { recovery_codes }))
}

#[utoipa::path(post, path = "/users/{id}/totp", tag = "账号", summary = "要求或不再要求某账号二次验证，或撤销其已启用的验证器",
    params(("id" = i64, Path)), request_body = Manage, responses((status = 204, description = "成功")))]
pub async fn manage(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Body(m): Body<Manage>,
) -> Result<StatusCode, ApiError> {
    second_factor::manage(&s.db, &a.actor, id, m.required, m.remove).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Template)]
#[template(path = "accounts/totp.html")]
struct TotpPage {
    l: Layout,
    /// Enrolling: the QR code (SVG) and the secret to type by hand; empty when giving a code.
    qr: String,
    secret: String,
    /// Just enrolled (or renewed): the recovery codes, shown once.
    recovery: Vec<String>,
    /// Enrolled and given this session: may renew the recovery codes.
    renewable: bool,
    error: String,
}

async fn page_with(s: &AppState, v: &Viewer, error: String) -> PageResult {
    let title = v.t("totp.title").to_string();
    let enrolled = jiceng_ops::accounts::second_factor::enrolled(&s.db, &v.actor).await?;
    let (qr, secret) = if enrolled {
        (String::new(), String::new())
    } else {
        let e = second_factor::start_enrolment(&s.db, &v.actor).await?;
        (crate::pages::qr_svg(&e.uri), e.secret)
    };
    Ok(render(&TotpPage {
        l: v.layout(title),
        qr,
        secret,
        recovery: Vec::new(),
        renewable: enrolled && !v.actor.owes_second_factor(),
        error,
    }))
}

/// Recovery codes just made (at enrolment or renewal), shown this once.
fn recovery_page(v: &Viewer, recovery: Vec<String>) -> Response {
    let title = v.t("totp.title").to_string();
    render(&TotpPage {
        l: v.layout(title),
        qr: String::new(),
        secret: String::new(),
        recovery,
        renewable: false,
        error: String::new(),
    })
}

pub async fn page(State(s): State<AppState>, v: Viewer) -> PageResult {
    page_with(&s, &v, String::new()).await
}

/// Gives a code (enrolled) or confirms the enrolment (not yet), from the page's one form.
pub async fn submit(
    State(s): State<AppState>,
    crate::client::ClientAddr(from): crate::client::ClientAddr,
    crate::client::UserAgent(agent): crate::client::UserAgent,
    v: Viewer,
    headers: HeaderMap,
    Form(f): Form<Values>,
) -> PageResult {
    let code = value(&f, "code").unwrap_or_default();
    if second_factor::enrolled(&s.db, &v.actor).await? {
        let client = Client {
            address: &from,
            agent: &agent,
        };
        return match second_factor::give(&s.db, &v.actor, &v.session, &code, client).await {
            Ok(()) => Ok(go(&headers, "/")),
            Err(e) => page_with(&s, &v, e.render(v.lang)).await,
        };
    }
    match second_factor::confirm_enrolment(&s.db, &v.actor, &code, Some(&v.session)).await {
        Ok(recovery) => Ok(recovery_page(&v, recovery)),
        Err(e) => page_with(&s, &v, e.render(v.lang)).await,
    }
}

/// Renews the recovery codes from the page, with a code from the app; the new ones are shown
/// once.
pub async fn renew_from_page(
    State(s): State<AppState>,
    v: Viewer,
    Form(f): Form<Values>,
) -> PageResult {
    let code = value(&f, "code").unwrap_or_default();
    match second_factor::renew_recovery_codes(&s.db, &v.actor, &code).await {
        Ok(recovery) => Ok(recovery_page(&v, recovery)),
        Err(e @ jiceng_ops::OpsError::Forbidden(_)) => Err(e.into()),
        Err(e) => page_with(&s, &v, e.render(v.lang)).await,
    }
}

#[utoipa::path(post, path = "/me/totp/recovery-codes", tag = "账号", summary = "以一个动态码更换恢复码：旧的全部作废，新的只显示一次",
    request_body = Code, responses((status = 200, description = "成功", body = RecoveryCodes)))]
pub async fn renew(
    State(s): State<AppState>,
    a: Authed,
    Body(c): Body<Code>,
) -> Result<Json<RecoveryCodes>, ApiError> {
    let recovery_codes = second_factor::renew_recovery_codes(&s.db, &a.actor, &c.code).await?;
    Ok(Json(RecoveryCodes { recovery_codes }))
}

pub async fn manage_from_page(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<Values>,
) -> Result<Response, crate::pages::PageError> {
    let required = value(&f, "required").map(|r| r == "1");
    let remove = value(&f, "remove").is_some();
    second_factor::manage(&s.db, &v.actor, id, required, remove).await?;
    Ok(go(&headers, "/users"))
}
