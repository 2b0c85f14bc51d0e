//! 项目清单 pages: the scope's projects, a form to make one from needs and a resource, and a
//! project's page with its needs, what it draws, the residents' rating and the moves.

use crate::AppState;
use crate::pages::form::{Values, filtered_links, int, value};
use crate::pages::{Layout, Viewer, error_page, go, render};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use jiceng_domain::msg::translate;
use jiceng_domain::projects::ProjectStatus;
use jiceng_ops::OpsError;
use jiceng_ops::projects::{
    self, DrawInput, ListProjects, NewProjectInput, Project, ProjectMoveInput,
};

#[derive(Template)]
#[template(path = "projects/projects.html")]
struct ProjectsPage {
    l: Layout,
    f: Values,
    q: Values,
    statuses: Vec<(&'static str, String)>,
    rows: Vec<(Project, String)>,
    first_link: String,
    next_link: String,
    can_make: bool,
    error: String,
}

impl ProjectsPage {
    fn v(&self, k: &str) -> &str {
        self.f.get(k).map_or("", String::as_str)
    }

    fn q(&self, k: &str) -> &str {
        self.q.get(k).map_or("", String::as_str)
    }
}

async fn page(s: &AppState, v: &Viewer, q: Values, f: Values, error: String) -> Response {
    let mut out = ProjectsPage {
        l: v.layout(v.t("nav.projects").to_string()),
        f,
        q: q.clone(),
        statuses: ProjectStatus::CHOICES
            .iter()
            .map(|(c, l)| (*c, translate(v.lang, l).to_string()))
            .collect(),
        rows: Vec::new(),
        first_link: String::new(),
        next_link: String::new(),
        can_make: projects::policy::may_manage(&v.actor, v.actor.scope_path()).is_ok(),
        error,
    };
    let query = ListProjects {
        within: value(&q, "within"),
        status: value(&q, "status"),
        after: value(&q, "after"),
        limit: Some(30),
    };
    match projects::list(&s.db, &v.actor, query).await {
        Ok(p) => {
            (out.first_link, out.next_link) =
                filtered_links("/projects", &["within", "status"], &q, p.next.as_deref());
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

/// Need ids as typed: "12, 15" or "12 15".
fn ids(raw: &str) -> Result<Vec<i64>, OpsError> {
    raw.split(|c: char| c == ',' || c == '，' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.trim_start_matches('#').parse::<i64>().map_err(|_| {
                jiceng_domain::Invalid::new("needs", s, jiceng_domain::msg!("应为需求编号")).into()
            })
        })
        .collect()
}

pub async fn create(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Form(f): Form<Values>,
) -> Response {
    let parsed = (
        ids(f.get("needs").map_or("", String::as_str)),
        int(&f, "resource_id"),
        int(&f, "amount"),
    );
    let (needs, resource, amount) = match parsed {
        (Ok(n), Ok(r), Ok(a)) => (n, r, a),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
            return page(&s, &v, Values::new(), f, e.render(v.lang)).await;
        }
    };
    let input = NewProjectInput {
        title: value(&f, "title"),
        owner: value(&f, "owner"),
        needs,
        resources: resource
            .map(|resource_id| DrawInput {
                resource_id,
                amount: amount.unwrap_or(0),
            })
            .into_iter()
            .collect(),
        starts_on: value(&f, "starts_on"),
        ends_on: value(&f, "ends_on"),
    };
    match projects::create(&s.db, &v.actor, input).await {
        Ok(p) => go(&headers, &format!("/projects/{}", p.id)),
        Err(e @ OpsError::Forbidden(_)) => error_page(v.lang, &e),
        Err(e) => page(&s, &v, Values::new(), f, e.render(v.lang)).await,
    }
}

#[derive(Template)]
#[template(path = "projects/project.html")]
struct ProjectPage {
    l: Layout,
    p: Project,
    status: String,
    today: String,
    error: String,
}

impl ProjectPage {
    fn can(&self, m: &str) -> bool {
        self.p.offers.contains(&m)
    }

    fn stars(&self, r: &f64) -> String {
        format!("{r:.1}")
    }
}

async fn project_page(s: &AppState, v: &Viewer, id: i64, error: String) -> Response {
    match projects::show(&s.db, &v.actor, id).await {
        Ok(p) => render(&ProjectPage {
            l: v.layout(p.title.clone()),
            status: translate(v.lang, p.status.label()).to_string(),
            today: jiceng_domain::clock::today().to_string(),
            p,
            error,
        }),
        Err(e) => error_page(v.lang, &e),
    }
}

pub async fn show(State(s): State<AppState>, v: Viewer, Path(id): Path<i64>) -> Response {
    project_page(&s, &v, id, String::new()).await
}

pub async fn act(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<Values>,
) -> Response {
    let m = ProjectMoveInput {
        action: value(&f, "move"),
        note: value(&f, "note"),
        on: value(&f, "on"),
    };
    match projects::apply(&s.db, &v.actor, id, m).await {
        Ok(_) => go(&headers, &format!("/projects/{id}")),
        Err(e @ (OpsError::Forbidden(_) | OpsError::NotFound { .. })) => error_page(v.lang, &e),
        Err(e) => project_page(&s, &v, id, e.render(v.lang)).await,
    }
}
