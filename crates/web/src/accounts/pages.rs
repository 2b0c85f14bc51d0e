//! Accounts from the web: the accounts within one's scope, creating one, and one's own
//! personal access tokens for API clients (shown once, revocable).

use crate::AppState;
use crate::pages::form::{Input, Spec, Values, form_page, value};
use crate::pages::{Layout, PageResult, Viewer, error_page, go, render};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use axum::response::Response;
use jiceng_domain::Role;
use jiceng_domain::accounts::{BUSINESS_ROLES, TokenScope};
use jiceng_domain::msg::translate;
use jiceng_ops::OpsError;
use jiceng_ops::accounts::{self, NewUser};

pub struct UserLine {
    pub id: i64,
    pub active: bool,
    /// The viewer may deactivate it and revoke its tokens (ops' policy said so).
    pub manageable: bool,
    /// The viewer may give it another role and scope (ops' policy said so).
    pub securable: bool,
    pub role_code: &'static str,
    pub scope_code: String,
    pub username: String,
    pub name: String,
    pub role: String,
    pub scope: String,
    pub state: &'static str,
}

#[derive(Template)]
#[template(path = "accounts/users.html")]
struct UsersPage {
    l: Layout,
    rows: Vec<UserLine>,
    /// May add accounts (the security administrator only gives roles).
    can_add: bool,
    roles: Vec<(&'static str, String)>,
    error: String,
    page: i64,
    prev_link: String,
    next_link: String,
}

pub async fn list(State(s): State<AppState>, v: Viewer, Query(q): Query<Values>) -> PageResult {
    let page = value(&q, "page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(1i64)
        .max(1);
    users_page(&s, &v, page, String::new()).await
}

async fn users_page(s: &AppState, v: &Viewer, page: i64, error: String) -> PageResult {
    let p = accounts::list(&s.db, &v.actor, page, 50).await?;
    let rows = p
        .items
        .into_iter()
        .map(|u| UserLine {
            state: if !u.active {
                "user.disabled"
            } else if !u.granted {
                "user.pending"
            } else if u.locked {
                "user.locked"
            } else {
                "user.active"
            },
            id: u.id,
            active: u.active,
            manageable: u.manageable,
            securable: u.securable,
            role_code: u.role.code(),
            scope_code: u.scope_code.clone().unwrap_or_default(),
            username: u.username,
            name: u.display_name,
            role: translate(v.lang, u.role_label).to_string(),
            scope: u
                .scope_code
                .or(u.unit_id.map(|id| format!("#{id}")))
                .or(u.member_id.map(|id| format!("#{id}")))
                .unwrap_or_else(|| "—".into()),
        })
        .collect();
    let title = v.t("nav.users").to_string();
    Ok(render(&UsersPage {
        l: v.layout(title),
        rows,
        can_add: v
            .actor
            .may_manage_account(Role::Member, v.actor.scope_path())
            .is_ok(),
        roles: BUSINESS_ROLES
            .iter()
            .map(|(c, l)| (*c, translate(v.lang, l).to_string()))
            .collect(),
        error,
        page,
        prev_link: if page > 1 {
            format!("/users?page={}", page - 1)
        } else {
            String::new()
        },
        next_link: if p.next.is_some() {
            format!("/users?page={}", page + 1)
        } else {
            String::new()
        },
    }))
}

const USER_FIELDS: [Spec; 8] = [
    ("username", "user.username", Input::Text, true),
    ("display_name", "user.name", Input::Text, false),
    ("password", "user.password", Input::Text, true),
    ("role", "user.role", Input::Choice(BUSINESS_ROLES), true),
    ("scope", "user.scope", Input::Text, false),
    ("member_id", "user.member_id", Input::Text, false),
    ("unit_id", "user.unit_id", Input::Text, false),
    ("department", "user.department", Input::Text, false),
];

fn number(f: &Values, k: &'static str, field: &'static str) -> Result<Option<i64>, OpsError> {
    value(f, k)
        .map(|n| {
            n.parse::<i64>().map_err(|_| {
                jiceng_domain::Invalid::new(field, &n, jiceng_domain::msg!("应为编号（数字）"))
                    .into()
            })
        })
        .transpose()
}

pub async fn new_form(v: Viewer) -> Response {
    render(&form_page(
        &v,
        "user.add",
        ("/users".into(), "/users".into()),
        &USER_FIELDS,
        &Values::new(),
        None,
    ))
}

pub async fn create(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Form(f): Form<Values>,
) -> Response {
    let result = async {
        let new = NewUser {
            username: value(&f, "username"),
            display_name: value(&f, "display_name"),
            password: value(&f, "password"),
            role: value(&f, "role"),
            scope: value(&f, "scope"),
            member_id: number(&f, "member_id", "member")?,
            unit_id: number(&f, "unit_id", "unit")?,
            department: value(&f, "department"),
        };
        accounts::create(&s.db, &v.actor, new).await
    }
    .await;
    match result {
        Ok(_) => go(&headers, "/users"),
        Err(e @ OpsError::Forbidden(_)) => error_page(v.lang, &e),
        Err(e) => {
            // The password is never sent back into the page.
            let mut kept = f.clone();
            kept.remove("password");
            render(&form_page(
                &v,
                "user.add",
                ("/users".into(), "/users".into()),
                &USER_FIELDS,
                &kept,
                Some(&e),
            ))
        }
    }
}

/// Gives an account another role and scope from its row; a refusal of the values is shown
/// above the list.
pub async fn assign_role(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<Values>,
) -> PageResult {
    let a = accounts::roles::AssignRole {
        role: value(&f, "role"),
        scope: value(&f, "scope"),
    };
    match accounts::roles::assign(&s.db, &v.actor, id, a).await {
        Ok(_) => Ok(go(&headers, "/users")),
        Err(e @ (OpsError::Invalid(_) | OpsError::Conflict(_))) => {
            users_page(&s, &v, 1, e.render(v.lang)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Resets an account's password from its row; a refused password is named above the list
/// (and never sent back into the page).
pub async fn reset_password(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<Values>,
) -> PageResult {
    let new = value(&f, "password").unwrap_or_default();
    match accounts::reset_password_of(&s.db, &v.actor, id, &new).await {
        Ok(()) => Ok(go(&headers, "/users")),
        Err(e @ (OpsError::Invalid(_) | OpsError::Conflict(_))) => {
            users_page(&s, &v, 1, e.render(v.lang)).await
        }
        Err(e) => Err(e.into()),
    }
}

pub struct TokenLine {
    pub id: i64,
    pub name: String,
    pub scope: &'static str,
    pub created: String,
    pub expires: String,
    pub last_used: String,
    pub revoked: bool,
}

#[derive(Template)]
#[template(path = "accounts/tokens.html")]
struct TokensPage {
    l: Layout,
    rows: Vec<TokenLine>,
    /// The secret of a token just created, shown this once.
    fresh: String,
    error: String,
}

fn when(t: Option<chrono::DateTime<chrono::Utc>>) -> String {
    t.map(|t| {
        t.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8"))
            .format("%Y-%m-%d %H:%M")
            .to_string()
    })
    .unwrap_or_else(|| "—".into())
}

async fn tokens_page(s: &AppState, v: &Viewer, fresh: String, error: String) -> PageResult {
    let rows = accounts::tokens(&s.db, &v.actor).await?;
    let title = v.t("nav.tokens").to_string();
    Ok(render(&TokensPage {
        l: v.layout(title),
        rows: rows
            .into_iter()
            .map(|t| TokenLine {
                id: t.id,
                name: t.name,
                scope: if t.scope == TokenScope::Write {
                    "token.write"
                } else {
                    "token.read"
                },
                created: when(Some(t.created_at)),
                expires: when(t.expires_at),
                last_used: when(t.last_used_at),
                revoked: t.revoked_at.is_some(),
            })
            .collect(),
        fresh,
        error,
    }))
}

pub async fn tokens(State(s): State<AppState>, v: Viewer) -> PageResult {
    tokens_page(&s, &v, String::new(), String::new()).await
}

pub async fn create_token(State(s): State<AppState>, v: Viewer, Form(f): Form<Values>) -> Response {
    let days = match value(&f, "days").map(|d| d.parse::<i64>()) {
        None => None,
        Some(Ok(d)) => Some(d),
        Some(Err(_)) => {
            let e = OpsError::Invalid(jiceng_domain::Invalid::new(
                "expires_in_days",
                value(&f, "days").unwrap_or_default(),
                jiceng_domain::msg!("应在 1 到 3650 天之间"),
            ));
            return tokens_page(&s, &v, String::new(), e.render(v.lang))
                .await
                .into_response();
        }
    };
    let name = value(&f, "name").unwrap_or_default();
    let scope = value(&f, "scope").unwrap_or_else(|| "read".into());
    match accounts::create_token(&s.db, &v.actor, &name, &scope, days).await {
        Ok(t) => tokens_page(&s, &v, t.token, String::new())
            .await
            .into_response(),
        Err(e) => tokens_page(&s, &v, String::new(), e.render(v.lang))
            .await
            .into_response(),
    }
}

pub async fn revoke_token(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    match accounts::revoke_token(&s.db, &v.actor, id).await {
        Ok(()) => go(&headers, "/tokens"),
        Err(e) => error_page(v.lang, &e),
    }
}

pub async fn set_active(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<Values>,
) -> PageResult {
    let active = value(&f, "active").as_deref() == Some("1");
    accounts::set_active(&s.db, &v.actor, id, active).await?;
    Ok(go(&headers, "/users"))
}

pub async fn revoke_user_tokens(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> PageResult {
    accounts::revoke_tokens_of(&s.db, &v.actor, id).await?;
    Ok(go(&headers, "/users"))
}
