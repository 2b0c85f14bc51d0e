//! Who is asking: a bearer token (API clients) or a session cookie (the browser). Requests
//! that change state on a cookie session must carry the session's CSRF token and, when the
//! browser sends an Origin, come from this site.

use crate::AppState;
use crate::error::ApiError;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use jiceng_domain::msg;
use jiceng_ops::{Actor, OpsError, accounts};

pub const SESSION_COOKIE: &str = "jiceng_session";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The signed-in actor of a request.
pub struct Authed {
    pub actor: Actor,
    /// The session's secret when signed in by cookie.
    pub session: Option<String>,
    pub csrf: Option<String>,
}

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| {
            let (k, v) = kv.trim().split_once('=')?;
            (k == name).then(|| v.to_string())
        })
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

fn changes_state(m: &Method) -> bool {
    !matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Refuses a cross-site request: an Origin that is not this host.
pub fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) else {
        return true;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    origin.split_once("://").map(|(_, rest)| rest) == Some(host)
}

impl FromRequestParts<AppState> for Authed {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(token) = bearer(&parts.headers).map(str::to_string) {
            let crate::client::ClientAddr(from) =
                crate::client::ClientAddr::from_request_parts(parts, state)
                    .await
                    .unwrap_or_else(|never| match never {});
            let actor = accounts::token_actor(&state.db, &token, &from).await?;
            // The one check of a read-only token: it changes nothing, whatever the route.
            if actor.read_only() && changes_state(&parts.method) {
                return Err(OpsError::Forbidden(msg!("只读令牌不能修改数据")).into());
            }
            return Ok(Authed {
                actor,
                session: None,
                csrf: None,
            });
        }
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(OpsError::Unauthenticated(msg!("请先登录")).into());
        };
        let (actor, csrf) = accounts::session_actor(&state.db, &token).await?;
        if changes_state(&parts.method) {
            if !same_origin(&parts.headers) {
                return Err(OpsError::Forbidden(msg!("拒绝跨站请求")).into());
            }
            let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
            if sent != Some(csrf.as_str()) {
                return Err(
                    OpsError::Forbidden(msg!("缺少或错误的 CSRF 令牌（X-CSRF-Token）")).into(),
                );
            }
        }
        // A session signed in with an expired or reset password changes it, reads who it is,
        // or signs out; nothing else.
        // Paths as the API's router sees them, under /api/v1.
        let open = matches!(
            (&parts.method, parts.uri.path()),
            (&Method::POST, "/me/password") | (&Method::GET, "/me") | (&Method::DELETE, "/session")
        );
        // So does one that still owes its second factor, which it gives or enrols first.
        let second = matches!(
            (&parts.method, parts.uri.path()),
            (&Method::POST, "/session/totp")
                | (&Method::POST, "/me/totp")
                | (&Method::POST, "/me/totp/confirm")
                | (&Method::GET, "/me")
                | (&Method::DELETE, "/session")
        );
        if actor.owes_second_factor() && !second {
            return Err(OpsError::Forbidden(msg!("请先完成二次验证：输入验证器中的动态码")).into());
        }
        if actor.must_change_password() && !open {
            return Err(
                OpsError::Forbidden(msg!("请先修改密码：密码已过期或已由管理员重置")).into(),
            );
        }
        Ok(Authed {
            actor,
            session: Some(token),
            csrf: Some(csrf),
        })
    }
}
