//! A member's own meetings on the phone (the 会议 tab): the planned meetings of their org and
//! the orgs above it, soonest first.

use crate::AppState;
use crate::pages::{Layout, PageResult, Viewer, render};
use askama::Template;
use axum::extract::{Path, State};
use jiceng_domain::msg::translate;
use jiceng_ops::orglife::meetings;

pub struct Upcoming {
    pub on: String,
    pub kind: String,
    pub topic: String,
    pub org: String,
    pub place: String,
}

#[derive(Template)]
#[template(path = "orglife/member_meetings.html")]
struct MinePage {
    l: Layout,
    member_id: i64,
    upcoming: Vec<Upcoming>,
}

pub async fn page(State(s): State<AppState>, v: Viewer, Path(id): Path<i64>) -> PageResult {
    let upcoming = meetings::upcoming_for_member(&s.db, &v.actor, id)
        .await?
        .into_iter()
        .map(|m| Upcoming {
            on: m.row.held_on.to_string(),
            kind: translate(v.lang, m.kind_label).to_string(),
            place: m.row.where_held(),
            topic: m.row.topic,
            org: m.row.org_name,
        })
        .collect();
    Ok(render(&MinePage {
        l: v.layout(v.t("mine.meetings").to_string()),
        member_id: id,
        upcoming,
    }))
}
