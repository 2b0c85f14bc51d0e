//! Online sessions (在线用户): one's own sessions, and for a manager of accounts those of the
//! accounts they manage, each with a button that ends it; and the same over the API.

use crate::AppState;
use crate::api::Params;
use crate::auth::Authed;
use crate::error::ApiError;
use crate::pages::{Layout, PageResult, Viewer, go, render};
use askama::Template;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use jiceng_domain::clock;
use jiceng_ops::accounts::sessions::{self, OnlineSession};
use serde::Deserialize;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Which {
    /// Every session of the accounts the caller manages, not only the caller's own.
    #[serde(default)]
    pub all: bool,
}

#[utoipa::path(
    get,
    path = "/sessions",
    tag = "账号",
    summary = "在线会话：本人的，或（all=true）所管理账号的",
    params(Which),
    responses((status = 200, description = "成功", body = Vec<OnlineSession>))
)]
pub async fn list(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<Which>,
) -> Result<Json<Vec<OnlineSession>>, ApiError> {
    Ok(Json(
        sessions::list(&s.db, &a.actor, q.all, a.session.as_deref()).await?,
    ))
}

#[utoipa::path(
    delete,
    path = "/sessions/{id}",
    tag = "账号",
    summary = "结束一个会话（本人的，或强制所管理账号下线）",
    params(("id" = String, Path, description = "会话编号")),
    responses((status = 204, description = "成功"))
)]
pub async fn end(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    sessions::end(&s.db, &a.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// (id, account, address, browser, started, last used, this session)
type Line = (String, String, String, String, String, String, bool);

#[derive(Template)]
#[template(path = "accounts/sessions.html")]
struct SessionsPage {
    l: Layout,
    mine: Vec<Line>,
    /// Others' sessions, for a manager of accounts; empty otherwise.
    others: Vec<Line>,
    manages: bool,
}

fn line(s: OnlineSession) -> Line {
    (
        s.id,
        format!("{}（{}）", s.display_name, s.username),
        s.address,
        s.user_agent,
        clock::stamp(s.started_at),
        clock::stamp(s.last_seen),
        s.current,
    )
}

pub async fn page(State(s): State<AppState>, v: Viewer) -> PageResult {
    let mine = sessions::list(&s.db, &v.actor, false, Some(&v.session)).await?;
    let all = sessions::list(&s.db, &v.actor, true, Some(&v.session)).await?;
    let manages = jiceng_ops::console::may_use(&v.actor, jiceng_ops::console::Area::Users);
    let title = v.t("sessions.title").to_string();
    let me = match &v.actor {
        jiceng_ops::Actor::User(u) => u.username.as_str(),
        jiceng_ops::Actor::Operator { .. } => "",
    };
    Ok(render(&SessionsPage {
        l: v.layout(title),
        others: all
            .into_iter()
            .filter(|x| x.username != me)
            .map(line)
            .collect(),
        mine: mine.into_iter().map(line).collect(),
        manages,
    }))
}

pub async fn end_from_page(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, crate::pages::PageError> {
    sessions::end(&s.db, &v.actor, &id).await?;
    Ok(go(&headers, "/sessions"))
}
