//! The login log (登录日志): its page, its export and its part of the API, for those who read
//! the audit trail.

use crate::AppState;
use crate::api::Params;
use crate::auth::Authed;
use crate::error::ApiError;
use crate::pages::export::{MAX_ROWS, stream::Sheet};
use crate::pages::form::{query_string, value};
use crate::pages::{Layout, PageResult, Viewer, error_page, render};
use askama::Template;
use axum::Json;
use axum::extract::{Query, State};
use axum::response::Response;
use jiceng_domain::clock;
use jiceng_domain::msg::translate;
use jiceng_ops::accounts::login_log::{self, BrowseLogins, LoginEntry};
use jiceng_ops::{OpsError, Page};
use std::collections::HashMap;

#[utoipa::path(
    get,
    path = "/login-log",
    tag = "账号",
    summary = "登录日志（新在前）：登录、登录失败、锁定、退出",
    params(BrowseLogins),
    responses((status = 200, description = "成功", body = Page<LoginEntry>))
)]
pub async fn api(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<BrowseLogins>,
) -> Result<Json<Page<LoginEntry>>, ApiError> {
    Ok(Json(login_log::browse(&s.db, &a.actor, q).await?))
}

struct Filters {
    username: String,
    result: String,
    from: String,
    to: String,
}

#[derive(Template)]
#[template(path = "accounts/login_log.html")]
struct LoginLogPage {
    l: Layout,
    f: Filters,
    results: Vec<(&'static str, String)>,
    /// (time, username, result, reason, address, user agent)
    rows: Vec<(String, String, String, String, String, String)>,
    next_link: String,
    error: String,
    export_query: String,
}

fn browse_of(q: &HashMap<String, String>, before: Option<i64>, limit: i64) -> BrowseLogins {
    BrowseLogins {
        username: value(q, "username"),
        result: value(q, "result"),
        from: value(q, "from"),
        to: value(q, "to"),
        before,
        limit: Some(limit),
    }
}

pub async fn page(
    State(s): State<AppState>,
    v: Viewer,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let l = v.layout(v.t("loginlog.title").to_string());
    let f = Filters {
        username: value(&q, "username").unwrap_or_default(),
        result: value(&q, "result").unwrap_or_default(),
        from: value(&q, "from").unwrap_or_default(),
        to: value(&q, "to").unwrap_or_default(),
    };
    let base = query_string(&[
        ("username", &f.username),
        ("result", &f.result),
        ("from", &f.from),
        ("to", &f.to),
    ]);
    let before = value(&q, "before").and_then(|b| b.parse().ok());
    let (rows, next_link, error) =
        match login_log::browse(&s.db, &v.actor, browse_of(&q, before, 50)).await {
            Ok(p) => {
                let next = p
                    .next
                    .map(|n| {
                        format!(
                            "/login-log?{base}{}before={n}",
                            if base.is_empty() { "" } else { "&" }
                        )
                    })
                    .unwrap_or_default();
                let rows = p.items.into_iter().map(|e| line(&v, e)).collect();
                (rows, next, String::new())
            }
            Err(e @ OpsError::Forbidden(_)) => return error_page(v.lang, &e),
            Err(e) => (Vec::new(), String::new(), e.render(v.lang)),
        };
    render(&LoginLogPage {
        l,
        f,
        results: jiceng_domain::accounts::LoginResult::CHOICES
            .iter()
            .map(|(c, label)| (*c, translate(v.lang, label).to_string()))
            .collect(),
        rows,
        next_link,
        error,
        export_query: base,
    })
}

fn line(v: &Viewer, e: LoginEntry) -> (String, String, String, String, String, String) {
    (
        clock::stamp(e.at),
        e.username,
        translate(v.lang, e.result_label).to_string(),
        e.reason
            .map(|r| translate(v.lang, &r).to_string())
            .unwrap_or_default(),
        e.address,
        e.user_agent,
    )
}

/// The filtered log as a spreadsheet, streamed.
pub async fn export(
    State(s): State<AppState>,
    v: Viewer,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let mut out = Sheet::new(
        "登录日志",
        &["时间", "用户名", "结果", "原因", "地址", "浏览器"],
    );
    let mut before = None;
    let truncated = loop {
        let p = login_log::browse(&s.db, &v.actor, browse_of(&q, before, 500)).await?;
        let rows = p
            .items
            .into_iter()
            .map(|e| {
                let (a, b, c, d, e2, f) = line(&v, e);
                vec![a, b, c, d, e2, f]
            })
            .collect();
        if !out.page(rows).await? {
            break false;
        }
        match p.next.and_then(|n| n.parse().ok()) {
            Some(n) if out.rows() < MAX_ROWS => before = Some(n),
            Some(_) => break true,
            None => break false,
        }
    };
    Ok(out.finish("登录日志", truncated).await?)
}
