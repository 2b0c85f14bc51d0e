//! 阵地 pages: the scope's positions with the form to register one (those below their
//! floor-area standard flagged), a position's page, and the service circle with siting.

use crate::AppState;
use crate::pages::form::{Values, decimal, filtered_links, int, script_json, value};
use crate::pages::{Layout, Viewer, error_page, go, render};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use jiceng_domain::msg::translate;
use jiceng_domain::positions::PositionKind;
use jiceng_ops::OpsError;
use jiceng_ops::positions::circle::{self, CircleQuery, CircleReport, Site, SitingReport};
use jiceng_ops::positions::standards::{self, Standard, StandardInput};
use jiceng_ops::positions::{self, ListPositions, NewPositionInput, Position};

type Choices = Vec<(&'static str, String)>;

fn kinds(v: &Viewer) -> Choices {
    PositionKind::CHOICES
        .iter()
        .map(|(c, l)| (*c, translate(v.lang, l).to_string()))
        .collect()
}

#[derive(Template)]
#[template(path = "positions/positions.html")]
struct PositionsPage {
    l: Layout,
    f: Values,
    q: Values,
    kinds: Choices,
    rows: Vec<(Position, String)>,
    standards: Vec<(Standard, String)>,
    first_link: String,
    next_link: String,
    can_register: bool,
    can_set_standard: bool,
    error: String,
}

impl PositionsPage {
    fn v(&self, k: &str) -> &str {
        self.f.get(k).map_or("", String::as_str)
    }

    fn q(&self, k: &str) -> &str {
        self.q.get(k).map_or("", String::as_str)
    }
}

async fn page(s: &AppState, v: &Viewer, q: Values, f: Values, error: String) -> Response {
    let mut out = PositionsPage {
        l: v.layout(v.t("nav.positions").to_string()),
        f,
        q: q.clone(),
        kinds: kinds(v),
        rows: Vec::new(),
        standards: standards::list(&s.db, &v.actor)
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|st| {
                let kind = translate(v.lang, st.kind.label()).to_string();
                (st, kind)
            })
            .collect(),
        first_link: String::new(),
        next_link: String::new(),
        can_register: v.actor.may_write(v.actor.scope_path()).is_ok(),
        can_set_standard: positions::policy::may_set_standard(&v.actor, v.actor.scope_path())
            .is_ok(),
        error,
    };
    let query = ListPositions {
        within: value(&q, "within"),
        kind: value(&q, "kind"),
        after: value(&q, "after"),
        limit: Some(50),
    };
    match positions::list(&s.db, &v.actor, query).await {
        Ok(p) => {
            (out.first_link, out.next_link) =
                filtered_links("/positions", &["within", "kind"], &q, p.next.as_deref());
            out.rows = p
                .items
                .into_iter()
                .map(|p| {
                    let kind = translate(v.lang, p.kind.label()).to_string();
                    (p, kind)
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

pub async fn register(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Form(f): Form<Values>,
) -> Response {
    let numbers = (decimal(&f, "lon"), decimal(&f, "lat"), int(&f, "area_m2"));
    let (lon, lat, area) = match numbers {
        (Ok(x), Ok(y), Ok(a)) => (x, y, a),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
            return page(&s, &v, Values::new(), f, e.render(v.lang)).await;
        }
    };
    let new = NewPositionInput {
        kind: value(&f, "kind"),
        name: value(&f, "name"),
        org: value(&f, "org"),
        unit_id: None,
        lon,
        lat,
        area_m2: area,
        rooms: value(&f, "rooms"),
        facilities: value(&f, "facilities"),
        hours: value(&f, "hours"),
    };
    match positions::register(&s.db, &v.actor, new).await {
        Ok(p) => go(&headers, &format!("/positions/{}", p.id)),
        Err(e @ OpsError::Forbidden(_)) => error_page(v.lang, &e),
        Err(e) => page(&s, &v, Values::new(), f, e.render(v.lang)).await,
    }
}

/// A floor-area standard set (or, with no area, taken away) from the page.
pub async fn set_standard(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Form(f): Form<Values>,
) -> Response {
    let input = match int(&f, "min_area_m2") {
        Ok(m2) => StandardInput {
            org: value(&f, "org"),
            kind: value(&f, "kind"),
            min_area_m2: m2,
        },
        Err(e) => return page(&s, &v, Values::new(), f, e.render(v.lang)).await,
    };
    match standards::set(&s.db, &v.actor, input).await {
        Ok(_) => go(&headers, "/positions"),
        Err(e @ OpsError::Forbidden(_)) => error_page(v.lang, &e),
        Err(e) => page(&s, &v, Values::new(), f, e.render(v.lang)).await,
    }
}

#[derive(Template)]
#[template(path = "positions/position.html")]
struct PositionPage {
    l: Layout,
    p: Position,
    kind: String,
}

pub async fn show(State(s): State<AppState>, v: Viewer, Path(id): Path<i64>) -> Response {
    match positions::show(&s.db, &v.actor, id).await {
        Ok(p) => render(&PositionPage {
            l: v.layout(p.name.clone()),
            kind: translate(v.lang, p.kind.label()).to_string(),
            p,
        }),
        Err(e) => error_page(v.lang, &e),
    }
}

#[derive(Template)]
#[template(path = "positions/circle.html")]
struct CirclePage {
    l: Layout,
    q: Values,
    kinds: Choices,
    report: Option<CircleReport>,
    siting: Option<SitingReport>,
    /// Each suggested site with what it is, in the viewer's language.
    sites: Vec<(Site, String)>,
    /// The map's points as JSON for a script block: positions, buildings beyond, new sites.
    map: String,
    error: String,
}

impl CirclePage {
    fn q(&self, k: &str) -> &str {
        self.q.get(k).map_or("", String::as_str)
    }

    fn pct(&self, x: &Option<f64>) -> String {
        x.map_or_else(|| "—".into(), |x| format!("{:.1}%", x * 100.0))
    }
}

/// The circle of a scope, and siting when asked for (`k`).
pub async fn circle(State(s): State<AppState>, v: Viewer, Query(q): Query<Values>) -> Response {
    let mut out = CirclePage {
        l: v.layout(v.t("nav.circle").to_string()),
        q: q.clone(),
        kinds: kinds(&v),
        report: None,
        siting: None,
        sites: Vec::new(),
        map: String::new(),
        error: String::new(),
    };
    let asked = (
        decimal(&q, "detour"),
        decimal(&q, "speed"),
        int(&q, "k"),
        int(&q, "minutes"),
    );
    let query = match asked {
        (Ok(detour), Ok(speed), Ok(k), Ok(minutes)) => CircleQuery {
            within: value(&q, "within"),
            kinds: value(&q, "kinds"),
            detour,
            speed,
            k,
            minutes,
        },
        (Err(e), ..) | (_, Err(e), ..) | (_, _, Err(e), _) | (.., Err(e)) => {
            out.error = e.render(v.lang);
            return render(&out);
        }
    };
    let siting_asked = query.k.is_some();
    match circle::coverage(&s.db, &v.actor, query.clone()).await {
        Ok(r) => out.report = Some(r),
        Err(e @ OpsError::Forbidden(_)) => return error_page(v.lang, &e),
        Err(e) => out.error = e.render(v.lang),
    }
    if siting_asked && out.error.is_empty() {
        match circle::siting(&s.db, &v.actor, query).await {
            Ok(r) => {
                out.sites = r
                    .sites
                    .iter()
                    .map(|site| {
                        (
                            site.clone(),
                            v.t(&format!("circle.what_{}", site.what)).to_string(),
                        )
                    })
                    .collect();
                out.siting = Some(r);
            }
            Err(e) => out.error = e.render(v.lang),
        }
    }
    if let Some(r) = &out.report {
        let sites: Vec<serde_json::Value> = out
            .sites
            .iter()
            .map(|(s, what)| {
                serde_json::json!([s.lon, s.lat, format!("{}（{what}）", s.name), s.adds])
            })
            .collect();
        out.map = script_json(&serde_json::json!({
            "positions": r.position_points.iter().map(|p| [p.0, p.1]).collect::<Vec<_>>(),
            "beyond": r.beyond.iter().map(|b| serde_json::json!([b.lon, b.lat, b.households])).collect::<Vec<_>>(),
            "sites": sites,
        }));
    }
    render(&out)
}
