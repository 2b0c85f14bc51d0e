//! The resident's own page, and the community's list of residents with the confirmation
//! queue first: each pending resident confirmed, or refused with a reason, in place.

use crate::AppState;
use crate::pages::form::{Values, filtered_links, value};
use crate::pages::{Layout, Viewer, error_page, go, render};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use jiceng_domain::msg::translate;
use jiceng_domain::residents::ResidentStatus;
use jiceng_ops::OpsError;
use jiceng_ops::residents::{self, ListResidents, ResidentView, ReviewInput};

#[derive(Template)]
#[template(path = "residents/me.html")]
struct MePage {
    l: Layout,
    r: ResidentView,
    status: String,
}

pub async fn me(State(s): State<AppState>, v: Viewer) -> Response {
    match residents::me(&s.db, &v.actor).await {
        Ok(r) => render(&MePage {
            l: v.layout(v.t("resident.mine").to_string()),
            status: translate(v.lang, r.status.label()).to_string(),
            r,
        }),
        Err(e) => error_page(v.lang, &e),
    }
}

#[derive(Template)]
#[template(path = "residents/list.html")]
struct ListPage {
    l: Layout,
    q: Values,
    statuses: Vec<(&'static str, String)>,
    rows: Vec<(ResidentView, String)>,
    first_link: String,
    next_link: String,
    error: String,
}

impl ListPage {
    fn q(&self, k: &str) -> &str {
        self.q.get(k).map_or("", String::as_str)
    }

    /// The status shown: pending unless another was asked for.
    fn shown(&self, code: &str) -> bool {
        match self.q.get("status").map(String::as_str) {
            None | Some("") => code == ResidentStatus::Pending.code(),
            Some(s) => s == code,
        }
    }
}

async fn page(s: &AppState, v: &Viewer, q: Values, error: String) -> Response {
    let mut out = ListPage {
        l: v.layout(v.t("nav.residents").to_string()),
        q: q.clone(),
        statuses: ResidentStatus::CHOICES
            .iter()
            .map(|(c, l)| (*c, translate(v.lang, l).to_string()))
            .collect(),
        rows: Vec::new(),
        first_link: String::new(),
        next_link: String::new(),
        error,
    };
    let query = ListResidents {
        within: value(&q, "within"),
        status: value(&q, "status"),
        after: value(&q, "after"),
        limit: Some(50),
    };
    match residents::list(&s.db, &v.actor, query).await {
        Ok(p) => {
            (out.first_link, out.next_link) =
                filtered_links("/residents", &["within", "status"], &q, p.next.as_deref());
            out.rows = p
                .items
                .into_iter()
                .map(|r| {
                    let label = translate(v.lang, r.status.label()).to_string();
                    (r, label)
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
    page(&s, &v, q, String::new()).await
}

pub async fn review(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<Values>,
) -> Response {
    let input = ReviewInput {
        decision: value(&f, "decision"),
        reason: value(&f, "reason"),
    };
    match residents::review(&s.db, &v.actor, id, input).await {
        Ok(_) => go(&headers, "/residents"),
        Err(e @ (OpsError::Forbidden(_) | OpsError::NotFound { .. })) => error_page(v.lang, &e),
        Err(e) => page(&s, &v, Values::new(), e.render(v.lang)).await,
    }
}
