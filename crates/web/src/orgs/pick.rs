//! The org picker: as a code field is typed into, the orgs of the viewer's scope whose name
//! holds the text (or whose code it is) are offered under it; or the scope is browsed as a
//! tree, a level at a time. Picking one puts its code in.

use crate::AppState;
use crate::pages::Viewer;
use crate::pages::form::{Values, value};
use crate::pages::picks::{Choice, offer};
use axum::extract::{Query, State};
use axum::response::Response;
use jiceng_domain::msg::translate;
use jiceng_ops::orgs::{self, ListOrgs};

/// `name`: the field whose value is the text; `level`: only orgs of this level;
/// `anywhere`: communities anywhere in the city (the fields of a case's or a registration's
/// community, which may name any); `browse`: the tree, from `under` (an org's code) or from
/// the top of the viewer's scope.
pub async fn pick(State(s): State<AppState>, v: Viewer, Query(q): Query<Values>) -> Response {
    if value(&q, "browse").is_some() {
        return browse(&s, &v, &q).await;
    }
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
    let choices = found
        .unwrap_or_default()
        .into_iter()
        .map(|o| {
            let note = translate(v.lang, o.level_label).to_string();
            Choice::leaf(o.row.code, o.row.name, note)
        })
        .collect();
    offer(&v, choices, text.is_some(), "pick.none")
}

/// One level of the scope's tree: the children of `under`, or the top of the scope. Every
/// node opens to its children; only orgs of the wanted level (any, when none) are picked.
async fn browse(s: &AppState, v: &Viewer, q: &Values) -> Response {
    let level = value(q, "level");
    let field = value(q, "name").unwrap_or_default();
    let nodes = match value(q, "under").or_else(|| v.actor.scope_code().map(str::to_string)) {
        Some(code) => orgs::show(&s.db, &v.actor, &code).await.map(|d| {
            if value(q, "under").is_some() {
                d.children
            } else {
                vec![d.org]
            }
        }),
        None => orgs::list(
            &s.db,
            &v.actor,
            ListOrgs {
                level: Some("district".into()),
                per_page: Some(50),
                ..Default::default()
            },
        )
        .await
        .map(|p| p.items),
    };
    let choices = nodes
        .unwrap_or_default()
        .into_iter()
        .map(|o| {
            let pickable = level.as_deref().is_none_or(|l| o.row.level.code() == l);
            let below = format!(
                "/orgs/pick?browse=1&name={}&level={}&under={}",
                crate::pages::encode(&field),
                crate::pages::encode(level.as_deref().unwrap_or("")),
                crate::pages::encode(&o.row.code)
            );
            Choice {
                note: translate(v.lang, o.level_label).to_string(),
                key: o.row.code,
                name: o.row.name,
                pickable,
                below: Some(below),
            }
        })
        .collect();
    offer(v, choices, true, "pick.none")
}
