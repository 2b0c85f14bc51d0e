//! 问题清单 pages: the scope's problems with the form to raise one, and a problem's page with
//! its case and the moves.

use crate::AppState;
use crate::pages::form::{Values, filtered_links, value};
use crate::pages::{Layout, Viewer, error_page, go, render};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use jiceng_domain::msg::translate;
use jiceng_domain::problems::ProblemStatus;
use jiceng_ops::OpsError;
use jiceng_ops::problems::{self, ListProblems, NewProblemInput, Problem, ProblemMoveInput};

#[derive(Template)]
#[template(path = "problems/problems.html")]
struct ProblemsPage {
    l: Layout,
    f: Values,
    q: Values,
    statuses: Vec<(&'static str, String)>,
    rows: Vec<(Problem, String)>,
    first_link: String,
    next_link: String,
    error: String,
}

impl ProblemsPage {
    fn v(&self, k: &str) -> &str {
        self.f.get(k).map_or("", String::as_str)
    }

    fn q(&self, k: &str) -> &str {
        self.q.get(k).map_or("", String::as_str)
    }
}

async fn page(s: &AppState, v: &Viewer, q: Values, f: Values, error: String) -> Response {
    let mut out = ProblemsPage {
        l: v.layout(v.t("nav.problems").to_string()),
        f,
        q: q.clone(),
        statuses: ProblemStatus::CHOICES
            .iter()
            .map(|(c, l)| (*c, translate(v.lang, l).to_string()))
            .collect(),
        rows: Vec::new(),
        first_link: String::new(),
        next_link: String::new(),
        error,
    };
    let query = ListProblems {
        within: value(&q, "within"),
        status: value(&q, "status"),
        after: value(&q, "after"),
        limit: Some(50),
    };
    match problems::list(&s.db, &v.actor, query).await {
        Ok(p) => {
            (out.first_link, out.next_link) =
                filtered_links("/problems", &["within", "status"], &q, p.next.as_deref());
            out.rows = p
                .items
                .into_iter()
                .map(|p| {
                    let label = translate(v.lang, p.status.label()).to_string();
                    (p, label)
                })
                .collect();
        }
        Err(e @ OpsError::Forbidden(_)) => return error_page(v.lang, &e),
        Err(e) => {
            if out.error.is_empty() {
                out.error = e.render(v.lang);
            }
        }
    }
    render(&out)
}

pub async fn list(State(s): State<AppState>, v: Viewer, Query(q): Query<Values>) -> Response {
    page(&s, &v, q, Values::new(), String::new()).await
}

pub async fn post(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Form(f): Form<Values>,
) -> Response {
    let new = NewProblemInput {
        community: value(&f, "community"),
        title: value(&f, "title"),
        detail: value(&f, "detail"),
        owner: value(&f, "owner"),
        due_on: value(&f, "due_on"),
    };
    match problems::post(&s.db, &v.actor, new).await {
        Ok(p) => go(&headers, &format!("/problems/{}", p.id)),
        Err(e @ OpsError::Forbidden(_)) => error_page(v.lang, &e),
        Err(e) => page(&s, &v, Values::new(), f, e.render(v.lang)).await,
    }
}

#[derive(Template)]
#[template(path = "problems/problem.html")]
struct ProblemPage {
    l: Layout,
    p: Problem,
    status: String,
    error: String,
}

impl ProblemPage {
    fn can(&self, m: &str) -> bool {
        self.p.offers.contains(&m)
    }
}

async fn problem_page(s: &AppState, v: &Viewer, id: i64, error: String) -> Response {
    match problems::show(&s.db, &v.actor, id).await {
        Ok(p) => render(&ProblemPage {
            l: v.layout(p.title.clone()),
            status: translate(v.lang, p.status.label()).to_string(),
            p,
            error,
        }),
        Err(e) => error_page(v.lang, &e),
    }
}

pub async fn show(State(s): State<AppState>, v: Viewer, Path(id): Path<i64>) -> Response {
    problem_page(&s, &v, id, String::new()).await
}

pub async fn act(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<Values>,
) -> Response {
    let m = ProblemMoveInput {
        action: value(&f, "move"),
        note: value(&f, "note"),
        category: value(&f, "category"),
    };
    match problems::apply(&s.db, &v.actor, id, m).await {
        Ok(_) => go(&headers, &format!("/problems/{id}")),
        Err(e @ (OpsError::Forbidden(_) | OpsError::NotFound { .. })) => error_page(v.lang, &e),
        Err(e) => problem_page(&s, &v, id, e.render(v.lang)).await,
    }
}
