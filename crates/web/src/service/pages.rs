//! Volunteer service records: the scope's recent service with filters, recording one for a
//! member, and deleting one entered by mistake.

use crate::AppState;
use crate::pages::form::{Values, int, keyset_links, value};
use crate::pages::{Layout, Viewer, encode, error_page, go, render};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use jiceng_ops::OpsError;
use jiceng_ops::service::Service;
use jiceng_ops::service::{self, ListService, NewServiceInput};

/// Minutes as hours with at most one decimal: 90 → "1.5".
pub fn hours(minutes: i64) -> String {
    if minutes % 60 == 0 {
        (minutes / 60).to_string()
    } else {
        format!("{:.1}", minutes as f64 / 60.0)
    }
}

#[derive(Template)]
#[template(path = "service/service.html")]
struct ServicePage {
    l: Layout,
    f: Values,
    q: Values,
    rows: Vec<Service>,
    first_link: String,
    next_link: String,
    can_write: bool,
    error: String,
}

impl ServicePage {
    fn v(&self, k: &str) -> &str {
        self.f.get(k).map_or("", String::as_str)
    }

    fn q(&self, k: &str) -> &str {
        self.q.get(k).map_or("", String::as_str)
    }

    fn hours(&self, minutes: &i64) -> String {
        hours(*minutes)
    }
}

async fn page(s: &AppState, v: &Viewer, q: Values, f: Values, error: String) -> Response {
    let title = v.t("nav.service").to_string();
    let mut out = ServicePage {
        l: v.layout(title),
        f,
        q: q.clone(),
        rows: Vec::new(),
        first_link: String::new(),
        next_link: String::new(),
        can_write: v.actor.may_write(v.actor.scope_path()).is_ok(),
        error,
    };
    let query = ListService {
        within: value(&q, "within"),
        from: value(&q, "from"),
        to: value(&q, "to"),
        after: value(&q, "after"),
        limit: Some(50),
    };
    match service::list(&s.db, &v.actor, query).await {
        Ok(p) => {
            let keep: String = ["within", "from", "to"]
                .iter()
                .map(|k| format!("{k}={}&", encode(&value(&q, k).unwrap_or_default())))
                .collect();
            (out.first_link, out.next_link) =
                keyset_links(&format!("/service?{keep}"), &q, p.next.as_deref());
            out.rows = p.items;
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

pub async fn record(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Form(f): Form<Values>,
) -> Response {
    let member_id = match int(&f, "member") {
        Ok(id) => id,
        Err(e) => return page(&s, &v, Values::new(), f, e.render(v.lang)).await,
    };
    let new = NewServiceInput {
        member_id,
        community: value(&f, "community"),
        served_on: value(&f, "served_on"),
        hours: value(&f, "hours"),
        activity: value(&f, "activity"),
    };
    match service::record(&s.db, &v.actor, new).await {
        Ok(_) => go(&headers, "/service"),
        Err(e @ OpsError::Forbidden(_)) => error_page(v.lang, &e),
        Err(e) => page(&s, &v, Values::new(), f, e.render(v.lang)).await,
    }
}

pub async fn delete(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    match service::delete(&s.db, &v.actor, id).await {
        Ok(_) => go(&headers, "/service"),
        Err(e) => error_page(v.lang, &e),
    }
}
