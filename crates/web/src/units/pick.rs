//! The unit picker: as a unit field is typed into, the stationed units of the viewer's scope
//! whose name holds the text are offered with their category; picking one puts its id in.

use crate::AppState;
use crate::pages::Viewer;
use crate::pages::form::{Values, value};
use crate::pages::picks::{Choice, offer};
use axum::extract::{Query, State};
use axum::response::Response;
use jiceng_domain::msg::translate;
use jiceng_ops::units::{self, ListUnits};

/// `name`: the field whose value is the text typed.
pub async fn pick(State(s): State<AppState>, v: Viewer, Query(q): Query<Values>) -> Response {
    let text = value(&q, "name").and_then(|n| value(&q, &n));
    let choices = match &text {
        Some(t) => units::list(
            &s.db,
            &v.actor,
            ListUnits {
                q: Some(t.clone()),
                per_page: Some(10),
                ..Default::default()
            },
        )
        .await
        .map(|p| p.items)
        .unwrap_or_default()
        .into_iter()
        .map(|u| {
            let note = translate(v.lang, u.category_label).to_string();
            Choice::leaf(u.row.id.to_string(), u.row.name, note)
        })
        .collect(),
        None => Vec::new(),
    };
    offer(&v, choices, text.is_some(), "pick.no_unit")
}
