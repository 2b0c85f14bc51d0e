//! 我的: the signed-in account, where it works, and the pages about itself (password,
//! sessions, tokens, a member's own file), reached from the header and the phone's tab bar.

use crate::pages::{Layout, Viewer, render};
use askama::Template;
use axum::response::Response;
use jiceng_ops::Actor;
use jiceng_ops::console::{Area, may_use};

#[derive(Template)]
#[template(path = "accounts/me.html")]
struct MePage {
    l: Layout,
    username: String,
    scope: String,
    member: Option<i64>,
    tokens: bool,
}

pub async fn page(v: Viewer) -> Response {
    let (username, scope) = match &v.actor {
        Actor::User(u) => (
            u.username.clone(),
            u.scope_code
                .clone()
                .unwrap_or_else(|| v.t("me.whole").to_string()),
        ),
        Actor::Operator { name } => (name.clone(), v.t("me.whole").to_string()),
    };
    render(&MePage {
        username,
        scope,
        member: v.actor.member_id(),
        tokens: may_use(&v.actor, Area::Tokens),
        l: v.layout(v.t("tab.me").to_string()),
    })
}
