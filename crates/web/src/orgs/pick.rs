//! The org picker: as a code field is typed into, the orgs of the viewer's scope whose name
//! holds the text (or whose code it is) are offered under it; picking one puts its code in.

use crate::AppState;
use crate::pages::form::{Values, value};
use crate::pages::{Layout, Viewer, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use jiceng_domain::msg::translate;
use jiceng_ops::orgs::{self, ListOrgs};

#[derive(Template)]
#[template(path = "orgs/pick.html")]
struct Picks {
    l: Layout,
    /// Code, name, level.
    orgs: Vec<(String, String, String)>,
    typed: bool,
}

/// `name`: the field whose value is the text; `level`: only orgs of this level;
/// `anywhere`: communities anywhere in the city (the fields of a case's or a registration's
/// community, which may name any).
pub async fn pick(State(s): State<AppState>, v: Viewer, Query(q): Query<Values>) -> Response {
    let text = value(&q, "name").and_then(|n| value(&q, &n));
    let found = match &text {
        Some(t) if value(&q, "anywhere").is_some() => orgs::communities_named(&s.db, t).await,
        Some(t) => orgs::list(
            &s.db,
            &v.actor,
            ListOrgs {
                text: Some(t.clone()),
                level: value(&q, "level"),
                per_page: Some(10),
                ..Default::default()
            },
        )
        .await
        .map(|p| p.items),
        None => Ok(Vec::new()),
    };
    let orgs = found
        .map(|items| {
            items
                .into_iter()
                .map(|o| {
                    (
                        o.row.code,
                        o.row.name,
                        translate(v.lang, o.level_label).to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    render(&Picks {
        l: v.layout(""),
        orgs,
        typed: text.is_some(),
    })
}
