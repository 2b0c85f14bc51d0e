//! The quarterly org assessment page, and the rectification of weak orgs.

use crate::AppState;
use crate::pages::{Layout, PageResult, Viewer, error_page, go, render};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use axum::response::Response;
use jiceng_domain::assessment::RectificationStatus;
use jiceng_ops::OpsError;
use jiceng_ops::assessment::Rectification;
use jiceng_ops::assessment::{self, NewRectification};
use std::collections::HashMap;

type Values = HashMap<String, String>;

fn value(m: &Values, k: &str) -> Option<String> {
    m.get(k)
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "—".into(), |v| format!("{:.0}%", v * 100.0))
}

pub struct Line {
    pub rank: usize,
    pub code: String,
    pub name: String,
    pub score: String,
    pub stars: String,
    pub compliance: String,
    pub attendance: String,
    pub registration: String,
    pub evaluation: String,
    pub cases: String,
    pub commitments: String,
    pub weak: bool,
    pub rectification: Option<(i64, &'static str)>,
}

#[derive(Template)]
#[template(path = "assessment/assessment.html")]
struct Page {
    l: Layout,
    within: String,
    period: String,
    only_weak: bool,
    weights: String,
    weak: usize,
    total: usize,
    rows: Vec<Line>,
    can_write: bool,
    error: String,
}

pub async fn page(State(s): State<AppState>, v: Viewer, Query(q): Query<Values>) -> Response {
    let within = value(&q, "within").unwrap_or_default();
    let period = value(&q, "period").unwrap_or_else(crate::assessment::api::last_quarter);
    let only_weak = value(&q, "weak").is_some();
    let title = v.t("nav.assessment").to_string();
    let mut out = Page {
        l: v.layout(title),
        within: within.clone(),
        period: period.clone(),
        only_weak,
        weights: String::new(),
        weak: 0,
        total: 0,
        rows: Vec::new(),
        can_write: v.actor.may_write(v.actor.scope_path()).is_ok(),
        error: String::new(),
    };
    match assessment::quarter(
        &s.db,
        &v.actor,
        Some(within.as_str()).filter(|w| !w.is_empty()),
        &period,
    )
    .await
    {
        Ok(a) => {
            out.weights = format!(
                "{} {} · {} {} · {} {} · {} {} · {} {} · {} {}",
                out.l.t("assessment.compliance"),
                a.weights.compliance,
                out.l.t("assessment.attendance"),
                a.weights.attendance,
                out.l.t("assessment.registration"),
                a.weights.registration,
                out.l.t("assessment.evaluation"),
                a.weights.evaluation,
                out.l.t("assessment.cases"),
                a.weights.cases,
                out.l.t("assessment.commitments"),
                a.weights.commitments
            );
            out.weak = a.weak;
            out.total = a.orgs.len();
            out.rows = a
                .orgs
                .into_iter()
                .filter(|o| !only_weak || o.weak)
                .take(500)
                .map(|o| Line {
                    rank: o.rank,
                    score: o.score.map_or("—".into(), |x| format!("{x:.1}")),
                    stars: o.stars.map_or(String::new(), |n| "★".repeat(n as usize)),
                    compliance: pct(o.compliance),
                    attendance: pct(o.attendance),
                    registration: pct(o.registration),
                    evaluation: pct(o.evaluation),
                    cases: pct(o.cases),
                    commitments: pct(o.commitments),
                    weak: o.weak,
                    rectification: o.rectification.map(|r| (r.id, r.status.code())),
                    code: o.org.code,
                    name: o.org.name,
                })
                .collect();
        }
        Err(e @ OpsError::Forbidden(_)) => return error_page(v.lang, &e),
        Err(e) => out.error = e.render(v.lang),
    }
    render(&out)
}

#[derive(Template)]
#[template(path = "assessment/rectification.html")]
struct RectPage {
    l: Layout,
    r: Option<Rectification>,
    org: String,
    period: String,
    plan: String,
    error: String,
    can_write: bool,
}

pub async fn new_form(v: Viewer, Query(q): Query<Values>) -> Response {
    let title = v.t("assessment.rectify").to_string();
    render(&RectPage {
        l: v.layout(title),
        r: None,
        org: value(&q, "org").unwrap_or_default(),
        period: value(&q, "period").unwrap_or_default(),
        plan: String::new(),
        error: String::new(),
        can_write: true,
    })
}

pub async fn create(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Form(f): Form<Values>,
) -> Response {
    let new = NewRectification {
        org: value(&f, "org"),
        period: value(&f, "period"),
        plan: value(&f, "plan"),
    };
    match assessment::open(&s.db, &v.actor, new).await {
        Ok(r) => go(&headers, &format!("/rectifications/{}", r.id)),
        Err(e @ OpsError::Forbidden(_)) => error_page(v.lang, &e),
        Err(e) => {
            let title = v.t("assessment.rectify").to_string();
            render(&RectPage {
                l: v.layout(title),
                r: None,
                org: value(&f, "org").unwrap_or_default(),
                period: value(&f, "period").unwrap_or_default(),
                plan: value(&f, "plan").unwrap_or_default(),
                error: e.render(v.lang),
                can_write: true,
            })
        }
    }
}

async fn show_with(s: &AppState, v: &Viewer, id: i64, error: String) -> PageResult {
    let r = assessment::show(&s.db, &v.actor, id).await?;
    let can_write = v.actor.may_write(&r.org_path).is_ok() && r.status == RectificationStatus::Open;
    Ok(render(&RectPage {
        l: v.layout(format!("{} · {}", r.org_name, r.period)),
        org: r.org_code.clone(),
        period: r.period.clone(),
        plan: String::new(),
        r: Some(r),
        error,
        can_write,
    }))
}

pub async fn show(State(s): State<AppState>, v: Viewer, Path(id): Path<i64>) -> PageResult {
    show_with(&s, &v, id, String::new()).await
}

pub async fn follow_up(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<Values>,
) -> Response {
    let progress = value(&f, "progress").unwrap_or_default();
    match assessment::follow_up(&s.db, &v.actor, id, &progress, value(&f, "close").is_some()).await
    {
        Ok(_) => go(&headers, &format!("/rectifications/{id}")),
        Err(e @ OpsError::Forbidden(_)) => error_page(v.lang, &e),
        Err(e) => show_with(&s, &v, id, e.render(v.lang))
            .await
            .into_response(),
    }
}
