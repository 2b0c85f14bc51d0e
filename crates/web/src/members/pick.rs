//! The member picker: as a member field is typed into, the members of the viewer's scope
//! whose name holds the text are offered with their branch; picking one puts their id in.

use crate::AppState;
use crate::pages::Viewer;
use crate::pages::form::{Values, value};
use crate::pages::picks::{Choice, offer};
use axum::extract::{Query, State};
use axum::response::Response;
use jiceng_ops::members::{self, ListMembers};

/// `name`: the field whose value is the text typed.
pub async fn pick(State(s): State<AppState>, v: Viewer, Query(q): Query<Values>) -> Response {
    let text = value(&q, "name").and_then(|n| value(&q, &n));
    let choices = match &text {
        Some(t) => members::list(
            &s.db,
            &v.actor,
            ListMembers {
                name: Some(t.clone()),
                limit: Some(10),
                ..Default::default()
            },
        )
        .await
        .map(|p| p.items)
        .unwrap_or_default()
        .into_iter()
        .map(|m| Choice::leaf(m.id.to_string(), m.name, m.org_name))
        .collect(),
        None => Vec::new(),
    };
    offer(&v, choices, text.is_some(), "pick.no_member")
}
