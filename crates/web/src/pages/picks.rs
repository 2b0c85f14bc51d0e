//! The list a picker offers under its field as text is typed: each choice puts its key (an
//! org's code, a member's or a unit's id) into the field. Each feature finds its own choices
//! through its own use case, within the viewer's scope.

use crate::pages::{Layout, Viewer, render};
use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

pub(crate) struct Choice {
    pub key: String,
    pub name: String,
    /// What tells two of the same name apart (level, org, category).
    pub note: String,
    /// May be picked (browsing a tree offers the orgs above the wanted level too).
    pub pickable: bool,
    /// Where its children are listed, when it is a node of a tree being browsed.
    pub below: Option<String>,
}

impl Choice {
    pub fn leaf(key: String, name: String, note: String) -> Choice {
        Choice {
            key,
            name,
            note,
            pickable: true,
            below: None,
        }
    }
}

#[derive(Template)]
#[template(path = "picks.html")]
struct Picks {
    l: Layout,
    choices: Vec<Choice>,
    /// The key of the words said when nothing matches.
    none: &'static str,
}

/// The choices for the typed text. When nothing is typed (the field was cleared) the answer
/// is 204, which htmx leaves unswapped: a list being browsed is not wiped by a late answer.
pub(crate) fn offer(v: &Viewer, choices: Vec<Choice>, typed: bool, none: &'static str) -> Response {
    offer_in(v.layout(""), choices, typed, none)
}

/// The same in a given layout: a public page's picker, for someone not signed in.
pub(crate) fn offer_in(
    l: Layout,
    choices: Vec<Choice>,
    typed: bool,
    none: &'static str,
) -> Response {
    if !typed {
        return StatusCode::NO_CONTENT.into_response();
    }
    render(&Picks { l, choices, none })
}
