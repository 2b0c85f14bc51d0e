//! 共驻共建 pages: the year's agreements in the viewer's scope with their progress, signing a
//! new one, and an agreement's commitments marked fulfilled (or taken back) in place.

use crate::AppState;
use crate::pages::form::{Values, int, keyset_links, value};
use crate::pages::{Layout, PageResult, Viewer, encode, error_page, go, render};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use axum::response::Response;
use chrono::Datelike;
use jiceng_domain::clock;
use jiceng_ops::OpsError;
use jiceng_ops::cobuilding::Agreement;
use jiceng_ops::cobuilding::Commitment;
use jiceng_ops::cobuilding::{self, CommitmentInput, ListAgreements, NewAgreementInput};

#[derive(Template)]
#[template(path = "cobuilding/cobuilding.html")]
struct ListPage {
    l: Layout,
    f: Values,
    year: i32,
    rows: Vec<Agreement>,
    first_link: String,
    next_link: String,
    can_sign: bool,
    error: String,
}

impl ListPage {
    fn v(&self, k: &str) -> &str {
        self.f.get(k).map_or("", String::as_str)
    }
}

fn year_of(f: &Values) -> Result<Option<i32>, OpsError> {
    Ok(int(f, "year")?.map(|y| i32::try_from(y).unwrap_or(i32::MAX)))
}

async fn list_page(s: &AppState, v: &Viewer, q: Values, form: Values, error: String) -> Response {
    let (year, error) = match year_of(&q) {
        Ok(y) => (y.unwrap_or_else(|| clock::today().year()), error),
        Err(e) => (clock::today().year(), e.render(v.lang)),
    };
    let title = v.t("nav.cobuilding").to_string();
    let mut out = ListPage {
        l: v.layout(title),
        f: if form.is_empty() { q.clone() } else { form },
        year,
        rows: Vec::new(),
        first_link: String::new(),
        next_link: String::new(),
        can_sign: v.actor.may_write(v.actor.scope_path()).is_ok(),
        error,
    };
    let query = ListAgreements {
        within: value(&q, "within"),
        year: Some(year),
        after: value(&q, "after"),
        limit: Some(50),
    };
    match cobuilding::list(&s.db, &v.actor, query).await {
        Ok(p) => {
            let base = format!(
                "/cobuilding?year={year}&within={}&",
                encode(&value(&q, "within").unwrap_or_default())
            );
            (out.first_link, out.next_link) = keyset_links(&base, &q, p.next.as_deref());
            out.rows = p.items;
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
    list_page(&s, &v, q, Values::new(), String::new()).await
}

pub async fn sign(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Form(f): Form<Values>,
) -> Response {
    let (unit_id, year) = match (int(&f, "unit"), year_of(&f)) {
        (Ok(u), Ok(y)) => (u, y),
        (Err(e), _) | (_, Err(e)) => {
            return list_page(&s, &v, Values::new(), f, e.render(v.lang)).await;
        }
    };
    let new = NewAgreementInput {
        unit_id,
        org: value(&f, "org"),
        year,
        signed_on: value(&f, "signed_on"),
        commitments: Vec::new(),
        lines: value(&f, "lines"),
    };
    match cobuilding::sign(&s.db, &v.actor, new).await {
        Ok(d) => go(&headers, &format!("/cobuilding/{}", d.agreement.id)),
        Err(e @ OpsError::Forbidden(_)) => error_page(v.lang, &e),
        Err(e) => list_page(&s, &v, Values::new(), f, e.render(v.lang)).await,
    }
}

#[derive(Template)]
#[template(path = "cobuilding/agreement.html")]
struct DetailPage {
    l: Layout,
    a: Agreement,
    items: Vec<Commitment>,
    today: String,
    can_write: bool,
    can_mark: bool,
    error: String,
    /// The agreement's content, each with where it leads and its status.
    lists: Vec<(jiceng_ops::cobuilding::ListItem, String, String)>,
}

impl DetailPage {
    fn state(&self, c: &Commitment) -> &'static str {
        match c.done_on {
            Some(d) if d <= c.due_on => "agreement.on_time",
            Some(_) => "agreement.late",
            None if c.due_on.to_string() < self.today => "agreement.overdue",
            None => "agreement.pending",
        }
    }
}

/// An item's status as its own list labels it, in the viewer's language.
fn status_label(v: &Viewer, list: &str, code: &str) -> String {
    use jiceng_domain::msg::translate;
    let label = match list {
        "needs" => jiceng_domain::needs::NeedStatus::parse(code).map(|s| s.label()),
        "resources" => jiceng_domain::resources::ResourceStatus::parse(code).map(|s| s.label()),
        "projects" => jiceng_domain::projects::ProjectStatus::parse(code).map(|s| s.label()),
        _ => jiceng_domain::problems::ProblemStatus::parse(code).map(|s| s.label()),
    };
    label.map_or_else(|_| code.to_string(), |l| translate(v.lang, l).to_string())
}

async fn detail(s: &AppState, v: &Viewer, id: i64, error: String) -> PageResult {
    let d = cobuilding::show(&s.db, &v.actor, id).await?;
    let a = d.agreement;
    Ok(render(&DetailPage {
        l: v.layout(format!("{} · {}", a.unit_name, a.year)),
        can_write: v.actor.may_write(&a.org_path).is_ok(),
        can_mark: v
            .actor
            .may_act_for(None, Some(a.unit_id), &a.org_path)
            .is_ok(),
        lists: d
            .lists
            .into_iter()
            .map(|i| {
                let href = format!("/{}/{}", i.list, i.id);
                let status = status_label(v, &i.list, &i.status);
                (i, href, status)
            })
            .collect(),
        a,
        items: d.commitments,
        today: clock::today().to_string(),
        error,
    }))
}

pub async fn show(State(s): State<AppState>, v: Viewer, Path(id): Path<i64>) -> PageResult {
    detail(&s, &v, id, String::new()).await
}

/// Renews the agreement for the next year, carrying over what is still open.
pub async fn renew(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    match cobuilding::renew(&s.db, &v.actor, id).await {
        Ok(d) => go(&headers, &format!("/cobuilding/{}", d.agreement.id)),
        Err(e @ (OpsError::Forbidden(_) | OpsError::NotFound { .. })) => error_page(v.lang, &e),
        Err(e) => detail(&s, &v, id, e.render(v.lang)).await.into_response(),
    }
}

pub async fn add_commitment(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<Values>,
) -> Response {
    let c = CommitmentInput {
        title: value(&f, "title"),
        due_on: value(&f, "due_on"),
    };
    match cobuilding::add_commitment(&s.db, &v.actor, id, c).await {
        Ok(_) => go(&headers, &format!("/cobuilding/{id}")),
        Err(e @ OpsError::Forbidden(_)) => error_page(v.lang, &e),
        Err(e) => detail(&s, &v, id, e.render(v.lang)).await.into_response(),
    }
}

pub async fn mark(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<Values>,
) -> Response {
    let undo = value(&f, "undo").is_some();
    let back = value(&f, "agreement")
        .and_then(|a| a.parse::<i64>().ok())
        .unwrap_or_default();
    match cobuilding::set_done(&s.db, &v.actor, id, value(&f, "on"), undo).await {
        Ok(c) => go(&headers, &format!("/cobuilding/{}", c.agreement_id)),
        Err(e @ OpsError::Forbidden(_)) => error_page(v.lang, &e),
        Err(e) => detail(&s, &v, back, e.render(v.lang)).await.into_response(),
    }
}
