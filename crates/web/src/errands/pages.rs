//! 红色代办 pages: a resident asks on the phone and confirms; a member takes errands of the
//! communities they live in or are registered with and marks them done; the community
//! reviews, records errands for residents without phones, and sees them all.

use crate::AppState;
use crate::pages::form::{Values, filtered_links, int, value};
use crate::pages::{Layout, Viewer, error_page, go, render};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use jiceng_domain::Role;
use jiceng_domain::errands::{ErrandKind, ErrandStatus};
use jiceng_domain::msg::translate;
use jiceng_ops::OpsError;
use jiceng_ops::errands::{self, Errand, ErrandMoveInput, ListErrands, NewErrandInput};

type Choices = Vec<(&'static str, String)>;

#[derive(Template)]
#[template(path = "errands/errands.html")]
struct ErrandsPage {
    l: Layout,
    f: Values,
    q: Values,
    statuses: Choices,
    kinds: Choices,
    rows: Vec<(Errand, String, String)>,
    first_link: String,
    next_link: String,
    resident: bool,
    /// The community's writers record errands for residents without phones.
    for_others: bool,
    due_default: String,
    error: String,
}

impl ErrandsPage {
    fn v(&self, k: &str) -> &str {
        self.f.get(k).map_or("", String::as_str)
    }

    fn q(&self, k: &str) -> &str {
        self.q.get(k).map_or("", String::as_str)
    }
}

fn local(t: &chrono::DateTime<chrono::Utc>) -> String {
    jiceng_domain::clock::local(*t)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

async fn page(s: &AppState, v: &Viewer, q: Values, f: Values, error: String) -> Response {
    let resident = v.actor.role() == Some(Role::Resident);
    let choices = |all: &[(&'static str, &'static str)]| -> Choices {
        all.iter()
            .map(|(c, l)| (*c, translate(v.lang, l).to_string()))
            .collect()
    };
    let mut out = ErrandsPage {
        l: v.layout(v.t("nav.errands").to_string()),
        f,
        q: q.clone(),
        statuses: choices(ErrandStatus::CHOICES),
        kinds: choices(ErrandKind::CHOICES),
        rows: Vec::new(),
        first_link: String::new(),
        next_link: String::new(),
        resident,
        for_others: v.actor.may_write(v.actor.scope_path()).is_ok(),
        due_default: local(&(jiceng_domain::clock::now() + chrono::Duration::days(1))),
        error,
    };
    let query = ListErrands {
        within: value(&q, "within"),
        status: value(&q, "status"),
        after: value(&q, "after"),
        limit: Some(50),
    };
    match errands::list(&s.db, &v.actor, query).await {
        Ok(p) => {
            (out.first_link, out.next_link) =
                filtered_links("/errands", &["within", "status"], &q, p.next.as_deref());
            out.rows = p
                .items
                .into_iter()
                .map(|e| {
                    let status = translate(v.lang, e.status.label()).to_string();
                    let due = local(&e.due_at);
                    (e, status, due)
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
    let new = NewErrandInput {
        community: value(&f, "community"),
        kind: value(&f, "kind"),
        title: value(&f, "title"),
        detail: value(&f, "detail"),
        due_at: value(&f, "due_at"),
        for_whom: value(&f, "for_whom"),
        need_id: match int(&f, "need_id") {
            Ok(n) => n,
            Err(e) => return page(&s, &v, Values::new(), f, e.render(v.lang)).await,
        },
    };
    match errands::post(&s.db, &v.actor, new).await {
        Ok(e) => go(&headers, &format!("/errands/{}", e.id)),
        Err(e @ OpsError::Forbidden(_)) => error_page(v.lang, &e),
        Err(e) => page(&s, &v, Values::new(), f, e.render(v.lang)).await,
    }
}

#[derive(Template)]
#[template(path = "errands/errand.html")]
struct ErrandPage {
    l: Layout,
    e: Errand,
    status: String,
    kind: String,
    due: String,
    hold: String,
    /// A community writer assigns the errand to a member by name.
    assigns: bool,
    error: String,
}

impl ErrandPage {
    fn can(&self, m: &str) -> bool {
        self.e.offers.contains(&m)
    }
}

async fn errand_page(s: &AppState, v: &Viewer, id: i64, error: String) -> Response {
    match errands::show(&s.db, &v.actor, id).await {
        Ok(e) => render(&ErrandPage {
            l: v.layout(e.title.clone()),
            status: translate(v.lang, e.status.label()).to_string(),
            kind: translate(v.lang, e.kind.label()).to_string(),
            due: local(&e.due_at),
            hold: e.hold_until.as_ref().map(local).unwrap_or_default(),
            assigns: v.actor.may_write(&e.community_path).is_ok(),
            e,
            error,
        }),
        Err(e) => error_page(v.lang, &e),
    }
}

pub async fn show(State(s): State<AppState>, v: Viewer, Path(id): Path<i64>) -> Response {
    errand_page(&s, &v, id, String::new()).await
}

pub async fn act(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<Values>,
) -> Response {
    let parsed = (int(&f, "member_id"), int(&f, "rating"));
    let (member_id, rating) = match parsed {
        (Ok(m), Ok(r)) => (m, r),
        (Err(e), _) | (_, Err(e)) => return errand_page(&s, &v, id, e.render(v.lang)).await,
    };
    let m = ErrandMoveInput {
        action: value(&f, "move"),
        member_id,
        note: value(&f, "note"),
        rating,
    };
    match errands::apply(&s.db, &v.actor, id, m).await {
        Ok(_) => go(&headers, &format!("/errands/{id}")),
        Err(e @ (OpsError::Forbidden(_) | OpsError::NotFound { .. })) => error_page(v.lang, &e),
        Err(e) => errand_page(&s, &v, id, e.render(v.lang)).await,
    }
}
