//! 资源清单 pages: the scope's resources with filters, the form to offer one, a resource's
//! page; and the buttons that score a need (or every need) again.

use crate::AppState;
use crate::pages::form::{Values, filtered_links, int, value};
use crate::pages::{Layout, Viewer, error_page, go, render};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use jiceng_domain::Role;
use jiceng_domain::msg::translate;
use jiceng_domain::resources::{OwnerKind, ResourceKind, ResourceStatus};
use jiceng_ops::OpsError;
use jiceng_ops::matching::{self, refresh};
use jiceng_ops::needs::categories::{self, NeedCategory};
use jiceng_ops::resources::{self, ListResources, NewResourceInput, Resource};

type Choices = Vec<(&'static str, String)>;

/// The weekdays a resource opens, in the viewer's language ("every day" for none named).
fn days_of(v: &Viewer, days: &str) -> String {
    if days.is_empty() {
        return v.t("resource.every_day").to_string();
    }
    days.chars()
        .filter(|c| ('1'..='7').contains(c))
        .map(|c| v.t(&format!("resource.d{c}")).to_string())
        .collect::<Vec<_>>()
        .join(v.t("resource.days_sep"))
}

fn choices(v: &Viewer, all: &[(&'static str, &'static str)]) -> Choices {
    all.iter()
        .map(|(c, l)| (*c, translate(v.lang, l).to_string()))
        .collect()
}

#[derive(Template)]
#[template(path = "resources/resources.html")]
struct ResourcesPage {
    l: Layout,
    f: Values,
    q: Values,
    statuses: Choices,
    kinds: Choices,
    owners: Choices,
    categories: Vec<NeedCategory>,
    rows: Vec<(Resource, String, String)>,
    first_link: String,
    next_link: String,
    weekdays: Vec<(u8, String)>,
    liaison: bool,
    can_refresh: bool,
    notice: String,
    error: String,
}

impl ResourcesPage {
    fn v(&self, k: &str) -> &str {
        self.f.get(k).map_or("", String::as_str)
    }

    fn q(&self, k: &str) -> &str {
        self.q.get(k).map_or("", String::as_str)
    }

    fn day_on(&self, d: &u8) -> bool {
        self.f.contains_key(&format!("day{d}"))
    }
}

async fn page(s: &AppState, v: &Viewer, q: Values, f: Values, error: String) -> Response {
    let liaison = v.actor.role() == Some(Role::UnitLiaison);
    let notice = match value(&q, "refreshed") {
        Some(n) => v.t("resource.refreshed").replace("{n}", &n),
        None => String::new(),
    };
    let mut out = ResourcesPage {
        l: v.layout(v.t("nav.resources").to_string()),
        f,
        q: q.clone(),
        statuses: choices(v, ResourceStatus::CHOICES),
        kinds: choices(v, ResourceKind::CHOICES),
        owners: choices(v, &OwnerKind::CHOICES[1..]),
        categories: categories::list(&s.db).await.unwrap_or_default(),
        rows: Vec::new(),
        first_link: String::new(),
        next_link: String::new(),
        weekdays: (1..=7u8)
            .map(|d| (d, v.t(&format!("resource.d{d}")).to_string()))
            .collect(),
        liaison,
        can_refresh: v.actor.may_administer().is_ok(),
        notice,
        error,
    };
    let query = ListResources {
        within: value(&q, "within"),
        status: value(&q, "status"),
        category: value(&q, "category"),
        after: value(&q, "after"),
        limit: Some(50),
    };
    match resources::list(&s.db, &v.actor, query).await {
        Ok(p) => {
            (out.first_link, out.next_link) = filtered_links(
                "/resources",
                &["within", "status", "category"],
                &q,
                p.next.as_deref(),
            );
            out.rows = p
                .items
                .into_iter()
                .map(|r| {
                    let kind = translate(v.lang, r.kind.label()).to_string();
                    let days = days_of(v, &r.days);
                    (r, kind, days)
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
    let numbers = (int(&f, "capacity"), int(&f, "place_id"), int(&f, "reach_m"));
    let (capacity, place_id, reach) = match numbers {
        (Ok(c), Ok(p), Ok(r)) => (c, p, r),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
            return page(&s, &v, Values::new(), f, e.render(v.lang)).await;
        }
    };
    let days: String = (1..=7u8)
        .filter(|d| f.contains_key(&format!("day{d}")))
        .map(|d| char::from(b'0' + d))
        .collect();
    let new = NewResourceInput {
        community: value(&f, "community"),
        owner_kind: value(&f, "owner_kind"),
        owner_name: value(&f, "owner_name"),
        kind: value(&f, "kind"),
        category: value(&f, "category"),
        title: value(&f, "title"),
        detail: value(&f, "detail"),
        capacity,
        measure: value(&f, "measure"),
        days: Some(days),
        available_from: value(&f, "available_from"),
        available_until: value(&f, "available_until"),
        place_id,
        reach_m: reach.map(|m| m as f64),
    };
    match resources::post(&s.db, &v.actor, new).await {
        Ok(r) => go(&headers, &format!("/resources/{}", r.id)),
        Err(e @ OpsError::Forbidden(_)) => error_page(v.lang, &e),
        Err(e) => page(&s, &v, Values::new(), f, e.render(v.lang)).await,
    }
}

#[derive(Template)]
#[template(path = "resources/resource.html")]
struct ResourcePage {
    l: Layout,
    r: Resource,
    kind: String,
    owner_kind: String,
    days: String,
    status: String,
}

pub async fn show(State(s): State<AppState>, v: Viewer, Path(id): Path<i64>) -> Response {
    match resources::show(&s.db, &v.actor, id).await {
        Ok(r) => render(&ResourcePage {
            l: v.layout(r.title.clone()),
            kind: translate(v.lang, r.kind.label()).to_string(),
            owner_kind: translate(v.lang, r.owner_kind.label()).to_string(),
            days: days_of(&v, &r.days),
            status: translate(v.lang, r.status.label()).to_string(),
            r,
        }),
        Err(e) => error_page(v.lang, &e),
    }
}

pub async fn withdraw(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    match resources::withdraw(&s.db, &v.actor, id).await {
        Ok(_) => go(&headers, &format!("/resources/{id}")),
        Err(e) => error_page(v.lang, &e),
    }
}

/// Scores one need again now, from its page.
pub async fn suggest(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    match matching::suggest(&s.db, &v.actor, id).await {
        Ok(_) => go(&headers, &format!("/needs/{id}#suggestions")),
        Err(e) => error_page(v.lang, &e),
    }
}

/// Every open need scored again, as an administrator asks.
pub async fn refresh(State(s): State<AppState>, v: Viewer, headers: HeaderMap) -> Response {
    match refresh::all(&s.db, &v.actor).await {
        Ok(Some(r)) => go(&headers, &format!("/resources?refreshed={}", r.needs)),
        Ok(None) => go(&headers, "/resources?refreshed=0"),
        Err(e) => error_page(v.lang, &e),
    }
}
