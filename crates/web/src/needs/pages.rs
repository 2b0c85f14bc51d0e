//! 需求清单 pages: the scope's needs with filters and the form to post one (a resident on a
//! phone sees their own and posts to their community); a need's page with the moves the
//! viewer may make; the figures; the categories.

use crate::AppState;
use crate::pages::form::{Values, filtered_links, int, value};
use crate::pages::{Layout, Viewer, error_page, go, render};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use jiceng_domain::Role;
use jiceng_domain::msg::translate;
use jiceng_domain::needs::{MetBy, NeedStatus, NeedUrgency};
use jiceng_ops::OpsError;
use jiceng_ops::needs::categories::{self, CategoryInput, NeedCategory};
use jiceng_ops::needs::figures::{self, FiguresQuery, NeedFigures};
use jiceng_ops::needs::{self, ListNeeds, Need, NeedMoveInput, NewNeedInput, RatingInput};

type Choices = Vec<(&'static str, String)>;

fn choices(v: &Viewer, all: &[(&'static str, &'static str)]) -> Choices {
    all.iter()
        .map(|(c, l)| (*c, translate(v.lang, l).to_string()))
        .collect()
}

#[derive(Template)]
#[template(path = "needs/needs.html")]
struct NeedsPage {
    l: Layout,
    f: Values,
    q: Values,
    statuses: Choices,
    urgencies: Choices,
    categories: Vec<NeedCategory>,
    rows: Vec<(Need, String)>,
    first_link: String,
    next_link: String,
    /// A resident: their own needs, and the form without a community.
    resident: bool,
    can_post: bool,
    error: String,
}

impl NeedsPage {
    fn v(&self, k: &str) -> &str {
        self.f.get(k).map_or("", String::as_str)
    }

    fn q(&self, k: &str) -> &str {
        self.q.get(k).map_or("", String::as_str)
    }
}

async fn page(s: &AppState, v: &Viewer, q: Values, f: Values, error: String) -> Response {
    let resident = v.actor.role() == Some(Role::Resident);
    let mut out = NeedsPage {
        l: v.layout(
            v.t(if resident { "need.mine" } else { "nav.needs" })
                .to_string(),
        ),
        f,
        q: q.clone(),
        statuses: choices(v, NeedStatus::CHOICES),
        urgencies: choices(v, NeedUrgency::CHOICES),
        categories: categories::list(&s.db).await.unwrap_or_default(),
        rows: Vec::new(),
        first_link: String::new(),
        next_link: String::new(),
        resident,
        can_post: needs::policy::posts_needs(&v.actor),
        error,
    };
    let query = ListNeeds {
        within: value(&q, "within"),
        status: value(&q, "status"),
        category: value(&q, "category"),
        after: value(&q, "after"),
        limit: Some(50),
    };
    match needs::list(&s.db, &v.actor, query).await {
        Ok(p) => {
            (out.first_link, out.next_link) = filtered_links(
                "/needs",
                &["within", "status", "category"],
                &q,
                p.next.as_deref(),
            );
            out.rows = p
                .items
                .into_iter()
                .map(|n| {
                    let label = translate(v.lang, n.status.label()).to_string();
                    (n, label)
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
    let parsed = (int(&f, "place_id"), int(&f, "people"));
    let (place_id, people) = match parsed {
        (Ok(p), Ok(n)) => (p, n),
        (Err(e), _) | (_, Err(e)) => {
            return page(&s, &v, Values::new(), f, e.render(v.lang)).await;
        }
    };
    let new = NewNeedInput {
        community: value(&f, "community"),
        category: value(&f, "category"),
        title: value(&f, "title"),
        detail: value(&f, "detail"),
        place_id,
        urgency: value(&f, "urgency"),
        people,
        wanted_from: value(&f, "wanted_from"),
        wanted_until: value(&f, "wanted_until"),
    };
    match needs::post(&s.db, &v.actor, new).await {
        Ok(n) => go(&headers, &format!("/needs/{}", n.id)),
        Err(e @ OpsError::Forbidden(_)) => error_page(v.lang, &e),
        Err(e) => page(&s, &v, Values::new(), f, e.render(v.lang)).await,
    }
}

#[derive(Template)]
#[template(path = "needs/need.html")]
struct NeedPage {
    l: Layout,
    n: Need,
    status: String,
    urgency: String,
    source: String,
    met_by: String,
    ways: Choices,
    repeats: Vec<Need>,
    suggestions: Vec<jiceng_ops::matching::Suggestion>,
    /// The viewer may score the need again (its community's writers).
    may_manage: bool,
    today: String,
    error: String,
}

impl NeedPage {
    fn can(&self, m: &str) -> bool {
        self.n.offers.contains(&m)
    }
}

async fn need_page(s: &AppState, v: &Viewer, id: i64, error: String) -> Response {
    let n = match needs::show(&s.db, &v.actor, id).await {
        Ok(n) => n,
        Err(e) => return error_page(v.lang, &e),
    };
    let repeats = if n.offers.contains(&"merge") {
        needs::repeats(&s.db, &v.actor, id)
            .await
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let suggestions = jiceng_ops::matching::suggestions(&s.db, &v.actor, id)
        .await
        .unwrap_or_default();
    render(&NeedPage {
        l: v.layout(n.title.clone()),
        suggestions,
        may_manage: needs::policy::may_manage(&v.actor, &n).is_ok(),
        status: translate(v.lang, n.status.label()).to_string(),
        urgency: translate(v.lang, n.urgency.label()).to_string(),
        source: translate(v.lang, n.source.label()).to_string(),
        met_by: n
            .met_by
            .map(|m| translate(v.lang, m.label()).to_string())
            .unwrap_or_default(),
        ways: choices(v, MetBy::CHOICES),
        repeats,
        today: jiceng_domain::clock::today().to_string(),
        n,
        error,
    })
}

pub async fn show(State(s): State<AppState>, v: Viewer, Path(id): Path<i64>) -> Response {
    need_page(&s, &v, id, String::new()).await
}

pub async fn act(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<Values>,
) -> Response {
    let into = match int(&f, "into") {
        Ok(i) => i,
        Err(e) => return need_page(&s, &v, id, e.render(v.lang)).await,
    };
    let m = NeedMoveInput {
        action: value(&f, "move"),
        into,
        met_by: value(&f, "met_by"),
        on: value(&f, "on"),
        note: value(&f, "note"),
    };
    match needs::apply(&s.db, &v.actor, id, m).await {
        Ok(_) => go(&headers, &format!("/needs/{id}")),
        Err(e @ (OpsError::Forbidden(_) | OpsError::NotFound { .. })) => error_page(v.lang, &e),
        Err(e) => need_page(&s, &v, id, e.render(v.lang)).await,
    }
}

pub async fn rate(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<Values>,
) -> Response {
    let rating = match int(&f, "rating") {
        Ok(r) => r,
        Err(e) => return need_page(&s, &v, id, e.render(v.lang)).await,
    };
    let input = RatingInput {
        rating,
        note: value(&f, "note"),
    };
    match needs::rate(&s.db, &v.actor, id, input).await {
        Ok(_) => go(&headers, &format!("/needs/{id}")),
        Err(e @ (OpsError::Forbidden(_) | OpsError::NotFound { .. })) => error_page(v.lang, &e),
        Err(e) => need_page(&s, &v, id, e.render(v.lang)).await,
    }
}

#[derive(Template)]
#[template(path = "needs/figures.html")]
struct FiguresPage {
    l: Layout,
    q: Values,
    fig: Option<NeedFigures>,
    error: String,
}

impl FiguresPage {
    fn q(&self, k: &str) -> &str {
        self.q.get(k).map_or("", String::as_str)
    }

    fn pct(&self, x: &f64) -> String {
        format!("{:.1}%", x * 100.0)
    }
}

pub async fn figures(State(s): State<AppState>, v: Viewer, Query(q): Query<Values>) -> Response {
    let year = match int(&q, "year") {
        Ok(y) => y.map(|y| y as i32),
        Err(e) => {
            return render(&FiguresPage {
                l: v.layout(v.t("nav.need_figures").to_string()),
                q,
                fig: None,
                error: e.render(v.lang),
            });
        }
    };
    let query = FiguresQuery {
        within: value(&q, "within"),
        year,
    };
    let (fig, error) = match figures::figures(&s.db, &v.actor, query).await {
        Ok(f) => (Some(f), String::new()),
        Err(e @ OpsError::Forbidden(_)) => return error_page(v.lang, &e),
        Err(e) => (None, e.render(v.lang)),
    };
    render(&FiguresPage {
        l: v.layout(v.t("nav.need_figures").to_string()),
        q,
        fig,
        error,
    })
}

#[derive(Template)]
#[template(path = "needs/categories.html")]
struct CategoriesPage {
    l: Layout,
    categories: Vec<NeedCategory>,
    may_edit: bool,
    f: Values,
    error: String,
}

impl CategoriesPage {
    fn v(&self, k: &str) -> &str {
        self.f.get(k).map_or("", String::as_str)
    }
}

async fn categories_page(s: &AppState, v: &Viewer, f: Values, error: String) -> Response {
    render(&CategoriesPage {
        l: v.layout(v.t("need.categories").to_string()),
        categories: categories::list(&s.db).await.unwrap_or_default(),
        may_edit: v.actor.may_administer().is_ok(),
        f,
        error,
    })
}

pub async fn categories(State(s): State<AppState>, v: Viewer) -> Response {
    categories_page(&s, &v, Values::new(), String::new()).await
}

pub async fn put_category(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Form(f): Form<Values>,
) -> Response {
    let input = CategoryInput {
        code: value(&f, "code"),
        name: value(&f, "name"),
    };
    match categories::put(&s.db, &v.actor, input).await {
        Ok(_) => go(&headers, "/needs/categories"),
        Err(e @ OpsError::Forbidden(_)) => error_page(v.lang, &e),
        Err(e) => categories_page(&s, &v, f, e.render(v.lang)).await,
    }
}
