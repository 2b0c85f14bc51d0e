//! Member points pages: rankings in a scope, a member's ledger (with manual entry), and the
//! entries waiting for approval.

use crate::AppState;
use crate::pages::{Layout, PageResult, Viewer, error_page, go, render};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use axum::response::Response;
use jiceng_domain::msg::translate;
use jiceng_domain::points::Source;
use jiceng_ops::OpsError;
use jiceng_ops::orglife::meetings;
use jiceng_ops::points::{self, Ledger, NewPoints, RankingQuery};
use std::collections::HashMap;

type Values = HashMap<String, String>;

fn value(m: &Values, k: &str) -> Option<String> {
    m.get(k)
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

#[derive(Template)]
#[template(path = "points/points.html")]
struct RankingPage {
    l: Layout,
    within: String,
    scheme: String,
    period: String,
    ascending: bool,
    schemes: Vec<(String, String)>,
    rows: Vec<(usize, i64, String, String, i64)>,
    members: usize,
    average: String,
    page: usize,
    prev_link: String,
    next_link: String,
    error: String,
}

pub async fn ranking(State(s): State<AppState>, v: Viewer, Query(q): Query<Values>) -> Response {
    let schemes = points::schemes(&s.db).await.unwrap_or_default();
    let scheme = value(&q, "scheme").unwrap_or_else(|| "accrual".into());
    let page = value(&q, "page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(1usize)
        .max(1);
    let ascending = value(&q, "ascending").is_some();
    let query = RankingQuery {
        within: value(&q, "within"),
        scheme: Some(scheme.clone()),
        period: value(&q, "period"),
        page: Some(page),
        per_page: Some(50),
        ascending: Some(ascending),
    };
    let title = v.t("nav.points").to_string();
    let mut out = RankingPage {
        l: v.layout(title),
        within: value(&q, "within").unwrap_or_default(),
        scheme: scheme.clone(),
        period: value(&q, "period").unwrap_or_default(),
        ascending,
        schemes: schemes
            .iter()
            .map(|x| (x.code.clone(), x.name.clone()))
            .collect(),
        rows: Vec::new(),
        members: 0,
        average: "—".into(),
        page,
        prev_link: String::new(),
        next_link: String::new(),
        error: String::new(),
    };
    match points::ranking(&s.db, &v.actor, query).await {
        Ok(r) => {
            out.period = r.period.clone();
            out.members = r.members;
            out.average = r.average.map_or("—".into(), |a| format!("{a:.1}"));
            out.rows = r
                .items
                .into_iter()
                .map(|x| (x.rank, x.member_id, x.name, x.org_name, x.total))
                .collect();
            let base = format!(
                "/points?within={}&scheme={}&period={}{}",
                crate::pages::encode(&out.within),
                crate::pages::encode(&out.scheme),
                crate::pages::encode(&out.period),
                if ascending { "&ascending=1" } else { "" }
            );
            if page > 1 {
                out.prev_link = format!("{base}&page={}", page - 1);
            }
            if page * 50 < r.members {
                out.next_link = format!("{base}&page={}", page + 1);
            }
        }
        Err(e @ OpsError::Forbidden(_)) => return error_page(v.lang, &e),
        Err(e) => out.error = e.render(v.lang),
    }
    render(&out)
}

#[derive(Template)]
#[template(path = "points/member_points.html")]
struct LedgerPage {
    l: Layout,
    d: Ledger,
    schemes: Vec<(String, String)>,
    /// (item code, name, points) of the items entered by hand.
    manual_items: Vec<(String, String, i64)>,
    /// (label, raw, counted, cap) per item.
    items: Vec<(String, i64, i64, String)>,
    meetings: Vec<(String, String, String, String)>,
    upcoming: Vec<(i64, String, String, String)>,
    can_enter: bool,
    error: String,
    f: Values,
}

impl LedgerPage {
    fn v(&self, k: &str) -> &str {
        self.f.get(k).map_or("", String::as_str)
    }

    fn hours(&self, minutes: &i64) -> String {
        crate::service::pages::hours(*minutes)
    }
}

async fn ledger_page(
    s: &AppState,
    v: &Viewer,
    id: i64,
    q: &Values,
    error: Option<&OpsError>,
    f: Values,
) -> PageResult {
    let scheme = value(q, "scheme").unwrap_or_else(|| "accrual".into());
    let d = points::ledger(&s.db, &v.actor, id, &scheme, value(q, "period").as_deref()).await?;
    let schemes = points::schemes(&s.db).await.unwrap_or_default();
    let this = schemes.iter().find(|x| x.code == d.scheme);
    let manual_items = this
        .map(|x| {
            x.items
                .iter()
                .filter(|i| i.source == Source::Manual)
                .map(|i| (i.code.clone(), i.name.clone(), i.points))
                .collect()
        })
        .unwrap_or_default();
    let items = d
        .items
        .iter()
        .map(|i| {
            (
                i.name.clone(),
                i.raw,
                i.counted,
                i.cap.map_or("—".into(), |c| c.to_string()),
            )
        })
        .collect();
    let meetings_lines = d
        .meetings
        .iter()
        .map(|m| {
            let kind = translate(v.lang, m.kind.label()).to_string();
            let state = if m.absent {
                match &m.reason {
                    Some(r) => format!("{}（{r}）", v.t("points.absent")),
                    None => v.t("points.unexcused").to_string(),
                }
            } else {
                v.t("points.attended").to_string()
            };
            (m.held_on.to_string(), kind, m.topic.clone(), state)
        })
        .collect();
    let upcoming = meetings::upcoming_for_member(&s.db, &v.actor, id)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|m| {
            (
                m.row.id,
                m.row.held_on.to_string(),
                translate(v.lang, m.kind_label).to_string(),
                m.row.topic,
            )
        })
        .collect();
    let can_enter = v.actor.may_write(v.actor.scope_path()).is_ok();
    Ok(render(&LedgerPage {
        l: v.layout(d.member_name.clone()),
        schemes: schemes
            .iter()
            .map(|x| (x.code.clone(), x.name.clone()))
            .collect(),
        manual_items,
        items,
        meetings: meetings_lines,
        upcoming,
        can_enter,
        error: error.map(|e| e.render(v.lang)).unwrap_or_default(),
        f,
        d,
    }))
}

pub async fn ledger(
    State(s): State<AppState>,
    v: Viewer,
    Path(id): Path<i64>,
    Query(q): Query<Values>,
) -> PageResult {
    ledger_page(&s, &v, id, &q, None, Values::new()).await
}

pub async fn enter(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<Values>,
) -> Response {
    let new = NewPoints {
        scheme: value(&f, "scheme"),
        item: value(&f, "item"),
        member_id: Some(id),
        occurred_on: value(&f, "occurred_on"),
        times: value(&f, "times").and_then(|t| t.parse().ok()),
        note: value(&f, "note"),
        evidence: value(&f, "evidence"),
    };
    match points::add_entry(&s.db, &v.actor, new).await {
        Ok(e) => go(
            &headers,
            &format!(
                "/members/{id}/points?scheme={}&period={}",
                e.scheme, e.period
            ),
        ),
        Err(e @ OpsError::Forbidden(_)) => error_page(v.lang, &e),
        Err(e) => {
            let mut q = Values::new();
            if let Some(sc) = value(&f, "scheme") {
                q.insert("scheme".into(), sc);
            }
            ledger_page(&s, &v, id, &q, Some(&e), f)
                .await
                .into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "points/points_pending.html")]
struct PendingPage {
    l: Layout,
    rows: Vec<jiceng_ops::points::Entry>,
    first_link: String,
    next_link: String,
    error: String,
}

async fn pending_page(s: &AppState, v: &Viewer, q: &Values, error: String) -> PageResult {
    let query = points::PendingQuery {
        after: crate::pages::form::value(q, "after"),
        limit: Some(50),
    };
    let page = points::pending(&s.db, &v.actor, query).await?;
    let (first_link, next_link) =
        crate::pages::form::keyset_links("/points/pending?", q, page.next.as_deref());
    let title = v.t("points.pending").to_string();
    Ok(render(&PendingPage {
        l: v.layout(title),
        rows: page.items,
        first_link,
        next_link,
        error,
    }))
}

pub async fn pending(State(s): State<AppState>, v: Viewer, Query(q): Query<Values>) -> PageResult {
    pending_page(&s, &v, &q, String::new()).await
}

pub async fn decide(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path((id, verdict)): Path<(i64, String)>,
) -> Response {
    match points::decide(&s.db, &v.actor, id, verdict == "approve").await {
        Ok(_) => go(&headers, "/points/pending"),
        Err(e) => pending_page(&s, &v, &Values::new(), e.render(v.lang))
            .await
            .into_response(),
    }
}
