//! Stationed units (驻区单位): the list with search and export, a unit's page with its 双报到
//! history, registering it with a community, and adding a unit.

use crate::AppState;
use crate::pages::form::{Input, Spec, Values, form_page, value};
use crate::pages::{Layout, PageResult, Viewer, error_page, go, render};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use axum::response::Response;
use jiceng_domain::UnitCategory;
use jiceng_domain::msg::translate;
use jiceng_ops::units::{self, ListUnits, NewUnit, UnitView};
use jiceng_ops::{OpsError, registrations};

pub struct UnitRowView {
    pub id: i64,
    pub name: String,
    pub category: String,
    pub division: String,
    pub org_code: String,
    pub org_name: String,
    pub address: String,
}

pub fn row(v: &Viewer, u: UnitView) -> UnitRowView {
    let r = u.row;
    UnitRowView {
        id: r.id,
        name: r.name,
        category: translate(v.lang, u.category_label).to_string(),
        division: r.division_code,
        org_code: r.org_code.unwrap_or_default(),
        org_name: r.org_name.unwrap_or_default(),
        address: r.address.unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "units/units.html")]
struct UnitsPage {
    l: Layout,
    within: String,
    q: String,
    rows: Vec<UnitRowView>,
    page: i64,
    prev_link: String,
    next_link: String,
    export_query: String,
    error: String,
    can_add: bool,
}

fn query_string(within: &str, q: &str) -> String {
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    format!("within={}&q={}", enc(within), enc(q))
}

pub async fn list(State(s): State<AppState>, v: Viewer, Query(q): Query<Values>) -> Response {
    let within = value(&q, "within").unwrap_or_default();
    let text = value(&q, "q").unwrap_or_default();
    let page = value(&q, "page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(1i64)
        .max(1);
    let query = ListUnits {
        within: value(&q, "within"),
        q: value(&q, "q"),
        page: Some(page),
        per_page: Some(50),
    };
    let base = query_string(&within, &text);
    let (rows, more, error) = match units::list(&s.db, &v.actor, query).await {
        Ok(p) => (
            p.items.into_iter().map(|u| row(&v, u)).collect(),
            p.next.is_some(),
            String::new(),
        ),
        Err(e @ OpsError::Forbidden(_)) => return error_page(v.lang, &e),
        Err(e) => (Vec::new(), false, e.render(v.lang)),
    };
    let title = v.t("nav.units").to_string();
    render(&UnitsPage {
        l: v.layout(title),
        prev_link: if page > 1 {
            format!("/units?{base}&page={}", page - 1)
        } else {
            String::new()
        },
        next_link: if more {
            format!("/units?{base}&page={}", page + 1)
        } else {
            String::new()
        },
        export_query: base,
        within,
        q: text,
        rows,
        page,
        error,
        can_add: v.actor.may_write(v.actor.scope_path()).is_ok(),
    })
}

pub struct RegView {
    pub id: i64,
    pub community: String,
    pub on: String,
    pub ended: String,
}

#[derive(Template)]
#[template(path = "units/unit.html")]
struct UnitPage {
    l: Layout,
    u: UnitRowView,
    registrations: Vec<RegView>,
    evaluations: Vec<String>,
    /// (grid code, "lon, lat", place id) where the unit is mapped.
    place: Option<(String, String, i64)>,
    agreements: Vec<jiceng_ops::cobuilding::Agreement>,
    can_write: bool,
    reg_error: String,
}

pub async fn show(State(s): State<AppState>, v: Viewer, Path(id): Path<i64>) -> PageResult {
    show_with(&s, &v, id, None).await
}

async fn show_with(s: &AppState, v: &Viewer, id: i64, reg_error: Option<String>) -> PageResult {
    let d = units::show(&s.db, &v.actor, id).await?;
    let can_write = v
        .actor
        .may_write_division(&d.unit.row.division_code)
        .is_ok();
    let evaluations = crate::evaluations::pages::lines(v, &d.evaluations);
    let registrations = d
        .registrations
        .into_iter()
        .map(|r| RegView {
            id: r.id,
            community: r.community_name,
            on: r.registered_on.to_string(),
            ended: r.ended_on.map(|e| e.to_string()).unwrap_or_default(),
        })
        .collect();
    let place = d
        .place
        .map(|p| (p.grid_code, format!("{:.5}, {:.5}", p.lon, p.lat), p.id));
    let agreements = d.agreements;
    let u = row(v, d.unit);
    Ok(render(&UnitPage {
        l: v.layout(u.name.clone()),
        u,
        registrations,
        evaluations,
        place,
        agreements,
        can_write,
        reg_error: reg_error.unwrap_or_default(),
    }))
}

/// 双报到 from the unit's side: its party org registers with a community.
pub async fn register(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<Values>,
) -> Response {
    let community = value(&f, "community").unwrap_or_default();
    match registrations::register_unit(&s.db, &v.actor, id, &community, value(&f, "on")).await {
        Ok(_) => go(&headers, &format!("/units/{id}")),
        Err(e @ OpsError::Forbidden(_)) => error_page(v.lang, &e),
        Err(e) => show_with(&s, &v, id, Some(e.render(v.lang)))
            .await
            .into_response(),
    }
}

/// Ends a registration, from whichever page listed it (`back`).
pub async fn end_registration(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<Values>,
) -> Response {
    let back = value(&f, "back")
        .filter(|b| b.starts_with('/') && !b.starts_with("//"))
        .unwrap_or_else(|| "/".into());
    match registrations::end(&s.db, &v.actor, id, value(&f, "on")).await {
        Ok(_) => go(&headers, &back),
        Err(e) => error_page(v.lang, &e),
    }
}

const UNIT_FIELDS: [Spec; 5] = [
    ("name", "unit.name", Input::Text, true),
    (
        "category",
        "unit.category",
        Input::Choice(UnitCategory::CHOICES),
        true,
    ),
    ("division_code", "unit.division", Input::Text, true),
    ("address", "unit.address", Input::Text, false),
    ("org", "unit.org", Input::Text, false),
];

pub async fn new_form(v: Viewer, Query(q): Query<Values>) -> Response {
    render(&form_page(
        &v,
        "unit.add",
        ("/units".into(), "/units".into()),
        &UNIT_FIELDS,
        &q,
        None,
    ))
}

pub async fn create(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Form(f): Form<Values>,
) -> Response {
    let new = NewUnit {
        name: value(&f, "name"),
        category: value(&f, "category"),
        division_code: value(&f, "division_code"),
        address: value(&f, "address"),
        org: value(&f, "org"),
    };
    match units::add(&s.db, &v.actor, new).await {
        Ok(u) => go(&headers, &format!("/units/{}", u.row.id)),
        Err(e @ OpsError::Forbidden(_)) => error_page(v.lang, &e),
        Err(e) => render(&form_page(
            &v,
            "unit.add",
            ("/units".into(), "/units".into()),
            &UNIT_FIELDS,
            &f,
            Some(&e),
        )),
    }
}
