//! The grid worker's phone page: today's patrol time against the target, logging a patrol,
//! turning a finding into a case, and the cases of the worker's grids that wait on them.

use crate::AppState;
use crate::cases::pages::{category_groups, local};
use crate::pages::form::{Values, value};
use crate::pages::{Layout, PageResult, Viewer, error_page, go, render};
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use axum::response::Response;
use jiceng_domain::msg::translate;
use jiceng_ops::OpsError;
use jiceng_ops::cases::settings;

pub struct PatrolLine {
    pub id: i64,
    pub grid: String,
    pub from: String,
    pub to: String,
    pub minutes: i64,
    pub visits: i64,
    pub findings: String,
    pub cases: i64,
}

#[derive(Template)]
#[template(path = "grids/patrols.html")]
struct PatrolsPage {
    l: Layout,
    f: Values,
    grids: Vec<(String, String)>,
    groups: Vec<(String, Vec<(String, String)>)>,
    minutes: i64,
    target: i64,
    percent: i64,
    rows: Vec<PatrolLine>,
    verifying: Vec<CaseLine>,
    open: Vec<CaseLine>,
    error: String,
}

/// A case of the worker's grids, as a phone shows it.
pub struct CaseLine {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub status: String,
    pub warning: &'static str,
    pub received: String,
}

fn case_lines(v: &Viewer, cases: Vec<jiceng_ops::cases::views::CaseView>) -> Vec<CaseLine> {
    cases
        .into_iter()
        .map(|c| CaseLine {
            id: c.row.id,
            code: c.row.code,
            title: c.row.title,
            status: translate(v.lang, c.status_label).to_string(),
            warning: c.warning.map_or("", |w| w.code()),
            received: local(c.row.received_at),
        })
        .collect()
}

impl PatrolsPage {
    fn v(&self, k: &str) -> &str {
        self.f.get(k).map_or("", String::as_str)
    }
}

async fn patrols_page(s: &AppState, v: &Viewer, f: Values, error: String) -> PageResult {
    use jiceng_ops::grids::patrols;
    let day = patrols::my_day(&s.db, &v.actor).await?;
    let grids = patrols::my_grids(&s.db, &v.actor)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|g| (g.code, g.name))
        .collect();
    let mine = patrols::my_cases(&s.db, &v.actor).await?;
    let classification = settings::classification(&s.db).await.ok();
    let groups = classification
        .as_ref()
        .map(category_groups)
        .unwrap_or_default();
    let title = v.t("patrol.title").to_string();
    Ok(render(&PatrolsPage {
        l: v.layout(title),
        grids,
        groups,
        minutes: day.minutes,
        target: day.target_minutes,
        percent: (day.progress * 100.0).round() as i64,
        rows: day
            .patrols
            .into_iter()
            .map(|p| PatrolLine {
                id: p.id,
                grid: p.grid_name,
                from: local(p.started_at),
                to: local(p.ended_at),
                minutes: p.minutes,
                visits: p.visits,
                findings: p.findings.unwrap_or_default(),
                cases: p.cases,
            })
            .collect(),
        verifying: case_lines(v, mine.verifying),
        open: case_lines(v, mine.open),
        error,
        f,
    }))
}

/// The form opens on the last hour, to the minute, in Shanghai time as yyyy-mm-dd hh:mm.
pub async fn patrols(State(s): State<AppState>, v: Viewer) -> PageResult {
    let now = jiceng_domain::clock::local(jiceng_domain::clock::now());
    let at = |t: chrono::NaiveDateTime| t.format("%Y-%m-%d %H:%M").to_string();
    let f = Values::from([
        (
            "started_at".to_string(),
            at(now - chrono::Duration::hours(1)),
        ),
        ("ended_at".to_string(), at(now)),
    ]);
    patrols_page(&s, &v, f, String::new()).await
}

pub async fn log_patrol(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Form(f): Form<Values>,
) -> Response {
    let new = jiceng_ops::grids::patrols::NewPatrolInput {
        grid: value(&f, "grid"),
        started_at: value(&f, "started_at"),
        ended_at: value(&f, "ended_at"),
        visits: value(&f, "visits").and_then(|x| x.parse().ok()),
        findings: value(&f, "findings"),
        track: None,
    };
    match jiceng_ops::grids::patrols::record(&s.db, &v.actor, new).await {
        Ok(_) => go(&headers, "/patrols"),
        Err(e @ OpsError::Forbidden(_)) => error_page(v.lang, &e),
        Err(e) => patrols_page(&s, &v, f, e.render(v.lang))
            .await
            .into_response(),
    }
}

pub async fn patrol_case(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<Values>,
) -> Response {
    let finding = jiceng_ops::grids::patrols::FindingCase {
        category: value(&f, "category"),
        ..Default::default()
    };
    match jiceng_ops::grids::patrols::to_case(&s.db, &v.actor, id, finding).await {
        Ok(c) => go(&headers, &format!("/cases/{}", c.id)),
        Err(e @ OpsError::Forbidden(_)) => error_page(v.lang, &e),
        Err(e) => patrols_page(&s, &v, Values::new(), e.render(v.lang))
            .await
            .into_response(),
    }
}
