//! Changing the org tree from its pages: adding an org, moving it under another parent,
//! deleting an empty one, and seating committee members.

use crate::AppState;
use crate::pages::form::{Input, Spec, Values, form_page, value};
use crate::pages::{PageResult, Viewer, error_page, go, render};
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use jiceng_domain::{OrgCategory, OrgLevel, orgs::CommitteePosition};
use jiceng_ops::OpsError;
use jiceng_ops::orgs::{self, NewOrg, NewSeat};

const ORG_FIELDS: [Spec; 10] = [
    ("parent", "org.parent", Input::Text, false),
    ("code", "org.code", Input::Text, true),
    ("name", "org.name", Input::Text, true),
    ("level", "org.level", Input::Choice(OrgLevel::CHOICES), true),
    (
        "category",
        "org.category",
        Input::Choice(OrgCategory::CHOICES),
        true,
    ),
    ("division_code", "org.division", Input::Text, true),
    ("founded_on", "org.founded", Input::Date, false),
    ("elected_on", "org.elected", Input::Date, false),
    ("project", "org.project", Input::Text, false),
    ("ends_on", "org.ends", Input::Date, false),
];

fn back_to(values: &Values) -> String {
    value(values, "parent").map_or_else(|| "/orgs".into(), |p| format!("/orgs/{p}"))
}

pub async fn new_form(v: Viewer, Query(q): Query<Values>) -> Response {
    let back = back_to(&q);
    render(&form_page(
        &v,
        "org.add",
        ("/orgs".into(), back),
        &ORG_FIELDS,
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
    let new = NewOrg {
        code: value(&f, "code"),
        name: value(&f, "name"),
        level: value(&f, "level"),
        category: value(&f, "category"),
        parent: value(&f, "parent"),
        division_code: value(&f, "division_code"),
        founded_on: value(&f, "founded_on"),
        elected_on: value(&f, "elected_on"),
        project: value(&f, "project"),
        ends_on: value(&f, "ends_on"),
    };
    match orgs::add(&s.db, &v.actor, new).await {
        Ok(o) => go(&headers, &format!("/orgs/{}", o.row.code)),
        Err(e @ OpsError::Forbidden(_)) => error_page(v.lang, &e),
        Err(e) => render(&form_page(
            &v,
            "org.add",
            ("/orgs".into(), back_to(&f)),
            &ORG_FIELDS,
            &f,
            Some(&e),
        )),
    }
}

const MOVE_FIELDS: [Spec; 1] = [("parent", "org.new_parent", Input::Text, true)];

pub async fn move_form(v: Viewer, Path(code): Path<String>) -> Response {
    render(&form_page(
        &v,
        "org.move",
        (format!("/orgs/{code}/move"), format!("/orgs/{code}")),
        &MOVE_FIELDS,
        &Values::new(),
        None,
    ))
}

pub async fn move_to(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(code): Path<String>,
    Form(f): Form<Values>,
) -> Response {
    let parent = value(&f, "parent").unwrap_or_default();
    match orgs::move_to(&s.db, &v.actor, &code, &parent).await {
        Ok(_) => go(&headers, &format!("/orgs/{code}")),
        Err(e @ OpsError::Forbidden(_)) => error_page(v.lang, &e),
        Err(e) => render(&form_page(
            &v,
            "org.move",
            (format!("/orgs/{code}/move"), format!("/orgs/{code}")),
            &MOVE_FIELDS,
            &f,
            Some(&e),
        )),
    }
}

/// Deletes the org and goes to its parent; a refusal (children, members, history) is shown
/// on the org's own page.
pub async fn delete(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> PageResult {
    let parent = orgs::show(&s.db, &v.actor, &code)
        .await?
        .ancestors
        .last()
        .map(|a| a.row.code.clone());
    match orgs::delete(&s.db, &v.actor, &code).await {
        Ok(()) => Ok(go(
            &headers,
            &parent.map_or_else(|| "/orgs".into(), |p| format!("/orgs/{p}")),
        )),
        Err(e @ OpsError::Forbidden(_)) => Err(e.into()),
        Err(e) => crate::orgs::pages::org_with(&s, &v, &code, Some(e.render(v.lang))).await,
    }
}

const SEAT_FIELDS: [Spec; 5] = [
    (
        "position",
        "seat.position",
        Input::Choice(CommitteePosition::CHOICES),
        true,
    ),
    ("member_id", "seat.member_id", Input::Text, false),
    ("unit_id", "seat.unit_id", Input::Text, false),
    ("name", "seat.name", Input::Text, false),
    ("since", "seat.since", Input::Date, false),
];

pub async fn seat_form(v: Viewer, Path(code): Path<String>) -> Response {
    render(&form_page(
        &v,
        "seat.add",
        (format!("/orgs/{code}/seats"), format!("/orgs/{code}")),
        &SEAT_FIELDS,
        &Values::new(),
        None,
    ))
}

pub async fn add_seat(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(code): Path<String>,
    Form(f): Form<Values>,
) -> Response {
    let number = |k: &str| -> Result<Option<i64>, OpsError> {
        value(&f, k)
            .map(|n| {
                n.parse::<i64>().map_err(|_| {
                    let field = if k == "unit_id" { "unit" } else { "member" };
                    jiceng_domain::Invalid::new(field, &n, jiceng_domain::msg!("应为编号（数字）"))
                        .into()
                })
            })
            .transpose()
    };
    let result = match (number("member_id"), number("unit_id")) {
        (Ok(member_id), Ok(unit_id)) => {
            let seat = NewSeat {
                position: value(&f, "position"),
                name: value(&f, "name"),
                member_id,
                unit_id,
                since: value(&f, "since"),
            };
            orgs::add_seat(&s.db, &v.actor, &code, seat)
                .await
                .map(|_| ())
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    match result {
        Ok(()) => go(&headers, &format!("/orgs/{code}")),
        Err(e @ OpsError::Forbidden(_)) => error_page(v.lang, &e),
        Err(e) => render(&form_page(
            &v,
            "seat.add",
            (format!("/orgs/{code}/seats"), format!("/orgs/{code}")),
            &SEAT_FIELDS,
            &f,
            Some(&e),
        )),
    }
}
