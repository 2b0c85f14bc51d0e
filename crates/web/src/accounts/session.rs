//! Signing in and out, and changing one's password.

use crate::AppState;
use crate::auth::SESSION_COOKIE;
use crate::pages::{Layout, Viewer, error_page, go, lang_of, render};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use jiceng_domain::msg;
use jiceng_ops::{OpsError, accounts};
use std::collections::HashMap;

use crate::pages::form::{Values, value};

#[derive(Template)]
#[template(path = "accounts/login.html")]
struct LoginPage {
    l: Layout,
    error: String,
    username: String,
    next: String,
}

pub(crate) fn bare_layout(headers: &HeaderMap, key: &str) -> Layout {
    let lang = lang_of(headers);
    crate::pages::public_layout(lang, crate::pages::i18n::t(lang, key))
}

pub async fn login_form(headers: HeaderMap, Query(q): Query<HashMap<String, String>>) -> Response {
    render(&LoginPage {
        l: bare_layout(&headers, "login.title"),
        error: String::new(),
        username: String::new(),
        next: q.get("next").cloned().unwrap_or_default(),
    })
}

/// Only local paths are followed after sign-in, never another site.
fn safe_next(next: Option<String>) -> String {
    next.as_deref()
        .and_then(crate::pages::local_path)
        .unwrap_or("/")
        .to_string()
}

pub async fn login(
    State(s): State<AppState>,
    crate::client::ClientAddr(from): crate::client::ClientAddr,
    crate::client::UserAgent(agent): crate::client::UserAgent,
    headers: HeaderMap,
    Form(f): Form<Values>,
) -> Response {
    if !crate::auth::same_origin(&headers) {
        return error_page(
            lang_of(&headers),
            &OpsError::Forbidden(msg!("拒绝跨站请求")),
        );
    }
    let username = value(&f, "username").unwrap_or_default();
    match accounts::login(
        &s.db,
        &username,
        f.get("password").map(String::as_str).unwrap_or(""),
        accounts::login_log::Client {
            address: &from,
            agent: &agent,
        },
    )
    .await
    {
        Ok(session) => {
            let cookie = format!(
                "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age=43200",
                session.token
            );
            (
                [(header::SET_COOKIE, cookie)],
                go(&headers, &safe_next(value(&f, "next"))),
            )
                .into_response()
        }
        Err(e) => render(&LoginPage {
            l: bare_layout(&headers, "login.title"),
            error: e.render(lang_of(&headers)),
            username,
            next: value(&f, "next").unwrap_or_default(),
        }),
    }
}

pub async fn logout(
    State(s): State<AppState>,
    crate::client::ClientAddr(from): crate::client::ClientAddr,
    crate::client::UserAgent(agent): crate::client::UserAgent,
    v: Viewer,
    headers: HeaderMap,
) -> Response {
    let client = accounts::login_log::Client {
        address: &from,
        agent: &agent,
    };
    let _ = accounts::logout(&s.db, &v.session, client).await;
    let clear = format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    ([(header::SET_COOKIE, clear)], go(&headers, "/login")).into_response()
}

#[derive(Template)]
#[template(path = "accounts/password.html")]
struct PasswordPage {
    l: Layout,
    error: String,
    saved: bool,
    /// The password policy, as its rule reads.
    rule: String,
    /// Signed in with an expired or reset password: nothing else opens until it is changed.
    forced: bool,
}

async fn rule(s: &AppState, v: &Viewer) -> String {
    accounts::passwords::policy(&s.db)
        .await
        .map(|p| p.describe().render(v.lang))
        .unwrap_or_default()
}

pub async fn password_form(State(s): State<AppState>, v: Viewer) -> Response {
    let title = v.t("nav.password").to_string();
    render(&PasswordPage {
        l: v.layout(title),
        error: String::new(),
        saved: false,
        rule: rule(&s, &v).await,
        forced: v.actor.must_change_password(),
    })
}

pub async fn password(State(s): State<AppState>, v: Viewer, Form(f): Form<Values>) -> Response {
    let title = v.t("nav.password").to_string();
    let new = f.get("new_password").cloned().unwrap_or_default();
    if f.get("confirm") != Some(&new) {
        let error = v.t("password.mismatch").to_string();
        return render(&PasswordPage {
            l: v.layout(title),
            error,
            saved: false,
            rule: rule(&s, &v).await,
            forced: v.actor.must_change_password(),
        });
    }
    let old = f.get("old_password").cloned().unwrap_or_default();
    match accounts::change_password(&s.db, &v.actor, &old, &new, Some(&v.session)).await {
        Ok(()) => render(&PasswordPage {
            l: v.layout(title),
            error: String::new(),
            saved: true,
            rule: rule(&s, &v).await,
            forced: false,
        }),
        Err(e) => render(&PasswordPage {
            l: v.layout(title),
            error: e.render(v.lang),
            saved: false,
            rule: rule(&s, &v).await,
            forced: v.actor.must_change_password(),
        }),
    }
}
