//! 微心愿 pages: the scope's wishes by status with the moves each allows in place (a
//! resident's wish reviewed, claimed, fulfilled), and posting a new one. A party member on a
//! phone sees the open wishes of the communities they are registered with and claims one with
//! a tap; a resident posts their own wishes, follows them and rates them once fulfilled.

use crate::AppState;
use crate::pages::form::{Values, filtered_links, int, value};
use crate::pages::{Layout, Viewer, error_page, go, render};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use jiceng_domain::clock;
use jiceng_domain::msg::translate;
use jiceng_domain::wishes::WishStatus;
use jiceng_ops::OpsError;
use jiceng_ops::needs::RatingInput;
use jiceng_ops::wishes::Wish;
use jiceng_ops::wishes::{self, ListWishes, NewWishInput, WishMoveInput};

#[derive(Template)]
#[template(path = "wishes/wishes.html")]
struct WishesPage {
    l: Layout,
    f: Values,
    q: Values,
    statuses: Vec<(&'static str, String)>,
    /// Each wish with its status label and the moves the viewer may make on it.
    rows: Vec<(Wish, String, Vec<&'static str>)>,
    first_link: String,
    next_link: String,
    can_post: bool,
    /// A resident, who posts to their own community and sees their own wishes.
    resident: bool,
    today: String,
    error: String,
}

impl WishesPage {
    fn v(&self, k: &str) -> &str {
        self.f.get(k).map_or("", String::as_str)
    }

    fn q(&self, k: &str) -> &str {
        self.q.get(k).map_or("", String::as_str)
    }

    fn can(&self, offers: &[&str], m: &str) -> bool {
        offers.contains(&m)
    }
}

async fn page(s: &AppState, v: &Viewer, q: Values, f: Values, error: String) -> Response {
    let title = v.t("nav.wishes").to_string();
    let mut out = WishesPage {
        l: v.layout(title),
        f,
        q: q.clone(),
        statuses: WishStatus::CHOICES
            .iter()
            .map(|(c, l)| (*c, translate(v.lang, l).to_string()))
            .collect(),
        rows: Vec::new(),
        first_link: String::new(),
        next_link: String::new(),
        can_post: v.actor.may_write(v.actor.scope_path()).is_ok(),
        resident: v.actor.role() == Some(jiceng_domain::Role::Resident),
        today: clock::today().to_string(),
        error,
    };
    let query = ListWishes {
        within: value(&q, "within"),
        status: value(&q, "status"),
        after: value(&q, "after"),
        limit: Some(50),
    };
    match wishes::list(&s.db, &v.actor, query).await {
        Ok(p) => {
            (out.first_link, out.next_link) =
                filtered_links("/wishes", &["within", "status"], &q, p.next.as_deref());
            out.rows = p
                .items
                .into_iter()
                .map(|w| {
                    let label = translate(v.lang, w.status.label()).to_string();
                    let offers = wishes::policy::offers(&v.actor, &w);
                    (w, label, offers)
                })
                .collect();
        }
        Err(e @ OpsError::Forbidden(_)) => return error_page(v.lang, &e),
        Err(e) => {
            if out.error.is_empty() {
                out.error = e.render(v.lang);
            }
        }
    }
    render(&out)
}

pub async fn list(State(s): State<AppState>, v: Viewer, Query(q): Query<Values>) -> Response {
    page(&s, &v, q, Values::new(), String::new()).await
}

pub async fn post(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Form(f): Form<Values>,
) -> Response {
    let new = NewWishInput {
        community: value(&f, "community"),
        title: value(&f, "title"),
        detail: value(&f, "detail"),
        resident: value(&f, "resident"),
    };
    match wishes::post(&s.db, &v.actor, new).await {
        Ok(w) => go(&headers, &format!("/wishes?status={}", w.status.code())),
        Err(e @ OpsError::Forbidden(_)) => error_page(v.lang, &e),
        Err(e) => page(&s, &v, Values::new(), f, e.render(v.lang)).await,
    }
}

pub async fn act(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<Values>,
) -> Response {
    // The "claim for a member" form names the member; left empty it must not fall back to
    // the signed-in writer's own membership.
    let member_id = match int(&f, "member") {
        Ok(None) if value(&f, "for_member").is_some() => Err(OpsError::from(
            jiceng_domain::Invalid::new("member", "", jiceng_domain::msg!("必填")),
        )),
        other => other,
    };
    let member_id = match member_id {
        Ok(id) => id,
        Err(e) => return page(&s, &v, Values::new(), Values::new(), e.render(v.lang)).await,
    };
    let m = WishMoveInput {
        action: value(&f, "move"),
        member_id,
        on: value(&f, "on"),
        reason: value(&f, "reason"),
    };
    let back = value(&f, "back").unwrap_or_else(|| "/wishes".into());
    let back = if back.starts_with("/wishes") {
        back
    } else {
        "/wishes".into()
    };
    match wishes::apply(&s.db, &v.actor, id, m).await {
        Ok(_) => go(&headers, &back),
        Err(e @ OpsError::Forbidden(_)) => error_page(v.lang, &e),
        Err(e) => page(&s, &v, Values::new(), Values::new(), e.render(v.lang)).await,
    }
}

/// The resident rates a fulfilled wish of theirs.
pub async fn rate(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<Values>,
) -> Response {
    let input = match int(&f, "rating") {
        Ok(rating) => RatingInput {
            rating,
            note: value(&f, "note"),
        },
        Err(e) => return page(&s, &v, Values::new(), Values::new(), e.render(v.lang)).await,
    };
    match wishes::rate(&s.db, &v.actor, id, input).await {
        Ok(_) => go(&headers, "/wishes"),
        Err(e @ (OpsError::Forbidden(_) | OpsError::NotFound { .. })) => error_page(v.lang, &e),
        Err(e) => page(&s, &v, Values::new(), Values::new(), e.render(v.lang)).await,
    }
}
