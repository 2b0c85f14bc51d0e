//! 组织关系转接 from the member's page: the member moves to another org, and the history keeps
//! where they came from.

use crate::AppState;
use crate::pages::form::{Input, Spec, Values, form_page, value};
use crate::pages::{Viewer, error_page, go, render};
use axum::Form;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use jiceng_ops::{OpsError, members};

const FIELDS: [Spec; 3] = [
    ("org", "transfer.to", Input::Text, true),
    ("transferred_on", "transfer.date", Input::Date, false),
    ("reason", "transfer.reason", Input::Text, false),
];

pub async fn form(v: Viewer, Path(id): Path<i64>) -> Response {
    render(&form_page(
        &v,
        "transfer.title",
        (format!("/members/{id}/transfer"), format!("/members/{id}")),
        &FIELDS,
        &Values::new(),
        None,
    ))
}

pub async fn save(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<Values>,
) -> Response {
    let to = value(&f, "org").unwrap_or_default();
    let on = value(&f, "transferred_on");
    match members::transfer(&s.db, &v.actor, id, &to, on, value(&f, "reason")).await {
        Ok(_) => go(&headers, &format!("/members/{id}")),
        Err(e @ OpsError::Forbidden(_)) => error_page(v.lang, &e),
        Err(e) => render(&form_page(
            &v,
            "transfer.title",
            (format!("/members/{id}/transfer"), format!("/members/{id}")),
            &FIELDS,
            &f,
            Some(&e),
        )),
    }
}
