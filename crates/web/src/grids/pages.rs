//! The grid map: a scope's grids drawn from their polygons with the places inside them, each
//! grid's team and open cases, and the forms that change teams and places.

use crate::AppState;
use crate::pages::form::{Values, int, script_json, value};
use crate::pages::{Layout, PageResult, Viewer, error_page, go, render};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use axum::response::Response;
use jiceng_domain::grids::PlaceKind;
use jiceng_domain::msg::translate;
use jiceng_ops::OpsError;
use jiceng_ops::grids::{self, boundaries, places};

#[derive(Template)]
#[template(path = "grids/grids.html")]
struct GridsPage {
    l: Layout,
    within: String,
    /// A GeoJSON FeatureCollection of the grids, for the map.
    geojson: String,
    rows: Vec<(jiceng_ops::grids::Grid, i64)>,
    /// Per grid id: (member id, role label, name).
    teams: Vec<(i64, i64, String, String)>,
    roles: Vec<(&'static str, String)>,
    /// The places of the grid picked for managing (`?grid=`), and that grid's code.
    picked: String,
    places: Vec<PlaceLine>,
    /// Every place of the scope as map points: [lon, lat, name, kind label, kind code].
    points: String,
    /// Communities' boundaries, for the map: [{name, coords}] of their outer rings.
    outlines: String,
    /// (community code, community name, drawn by, drawn on).
    boundaries: Vec<(String, String, String, String)>,
    may_draw: bool,
    can_write: bool,
    error: String,
}

pub struct PlaceLine {
    pub id: i64,
    pub kind: String,
    pub name: String,
    pub households: i64,
    pub at: String,
}

impl GridsPage {
    fn team(&self, grid: &i64) -> Vec<&(i64, i64, String, String)> {
        self.teams.iter().filter(|t| t.0 == *grid).collect()
    }
}

pub async fn grid_map(State(s): State<AppState>, v: Viewer, Query(q): Query<Values>) -> PageResult {
    map_page(
        &s,
        &v,
        value(&q, "within").unwrap_or_default(),
        value(&q, "grid").unwrap_or_default(),
        String::new(),
    )
    .await
}

async fn map_page(
    s: &AppState,
    v: &Viewer,
    within: String,
    picked: String,
    team_error: String,
) -> PageResult {
    let title = v.t("grid.map").to_string();
    let (rows, error) = match grids::with_open_cases(&s.db, &v.actor, Some(within.as_str())).await {
        Ok(r) => (r, String::new()),
        Err(e @ OpsError::Forbidden(_)) => return Err(e.into()),
        Err(e) => (Vec::new(), e.render(v.lang)),
    };
    let teams = grids::teams(&s.db, &v.actor, Some(within.as_str()))
        .await
        .unwrap_or_default();
    let team_of = |id: i64| -> String {
        teams
            .iter()
            .filter(|t| t.grid_id == id)
            .map(|t| {
                let role = translate(v.lang, t.role.label());
                format!("{role} {}", t.name)
            })
            .collect::<Vec<_>>()
            .join("、")
    };
    let places = places::within(&s.db, &v.actor, Some(within.as_str()))
        .await
        .unwrap_or_default();
    let kind_label = |k: PlaceKind| translate(v.lang, k.label()).to_string();
    let units_of = |id: i64| -> String {
        places
            .iter()
            .filter(|p| p.grid_id == id && p.kind == PlaceKind::Unit)
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join("、")
    };
    let points = script_json(&serde_json::Value::Array(
        places
            .iter()
            .map(|p| serde_json::json!([p.lon, p.lat, p.name, kind_label(p.kind), p.kind]))
            .collect(),
    ));
    let picked_places = if picked.is_empty() {
        Vec::new()
    } else {
        places::of_grid(&s.db, &v.actor, &picked).await?
    };
    let place_lines = picked_places
        .iter()
        .map(|p| PlaceLine {
            id: p.id,
            kind: kind_label(p.kind),
            name: p.name.clone(),
            households: p.households,
            at: format!("{:.5}, {:.5}", p.lon, p.lat),
        })
        .collect();
    let features: Vec<serde_json::Value> = rows
        .iter()
        .filter_map(|(g, open)| {
            let geometry: serde_json::Value = serde_json::from_str(&g.geometry).ok()?;
            let geometry = if geometry["type"] == "Feature" { geometry["geometry"].clone() } else { geometry };
            Some(serde_json::json!({
                "type": "Feature",
                "properties": { "name": g.code, "title": g.name, "households": g.households, "buildings": g.buildings, "open": open, "team": team_of(g.id), "units": units_of(g.id) },
                "geometry": geometry,
            }))
        })
        .collect();
    let geojson =
        script_json(&serde_json::json!({ "type": "FeatureCollection", "features": features }));
    let drawn = boundaries::within(&s.db, &v.actor, Some(within.as_str()))
        .await
        .unwrap_or_default();
    let outlines = script_json(&serde_json::Value::Array(
        drawn
            .iter()
            .map(|b| {
                let g = if b.geometry["type"] == "Feature" {
                    &b.geometry["geometry"]
                } else {
                    &b.geometry
                };
                serde_json::json!({ "name": b.community_name, "coords": g["coordinates"][0] })
            })
            .collect(),
    ));
    let boundary_lines = drawn
        .into_iter()
        .map(|b| {
            let on = jiceng_domain::clock::local(b.drawn_at).date().to_string();
            (b.community_code, b.community_name, b.drawn_by, on)
        })
        .collect();
    let team_lines = teams
        .iter()
        .map(|t| {
            let role = translate(v.lang, t.role.label()).to_string();
            (t.grid_id, t.id, role, t.name.clone())
        })
        .collect();
    Ok(render(&GridsPage {
        l: v.layout(title),
        within,
        geojson,
        rows,
        teams: team_lines,
        roles: jiceng_domain::grids::TeamRole::CHOICES
            .iter()
            .map(|(c, l)| (*c, translate(v.lang, l).to_string()))
            .collect(),
        picked,
        places: place_lines,
        points,
        outlines,
        boundaries: boundary_lines,
        may_draw: boundaries::may_draw_here(&v.actor),
        can_write: v.actor.may_write(v.actor.scope_path()).is_ok(),
        error: if team_error.is_empty() {
            error
        } else {
            team_error
        },
    }))
}

pub async fn add_team_member(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Form(f): Form<Values>,
) -> Response {
    let new = grids::NewTeamMember {
        grid: value(&f, "grid"),
        role: value(&f, "role"),
        name: value(&f, "name"),
        phone: value(&f, "phone"),
        member_id: None,
    };
    match grids::add_team_member(&s.db, &v.actor, new).await {
        Ok(_) => go(&headers, "/grids"),
        Err(e @ OpsError::Forbidden(_)) => error_page(v.lang, &e),
        Err(e) => map_page(&s, &v, String::new(), String::new(), e.render(v.lang))
            .await
            .into_response(),
    }
}

pub async fn remove_team_member(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    match grids::remove_team_member(&s.db, &v.actor, id).await {
        Ok(()) => go(&headers, "/grids"),
        Err(e) => error_page(v.lang, &e),
    }
}

/// A coordinate typed into the form; one that is not a number is named.
fn coordinate(f: &Values, k: &'static str) -> Result<Option<f64>, OpsError> {
    value(f, k)
        .map(|x| {
            x.parse::<f64>().map_err(|_| {
                jiceng_domain::Invalid::new(k, &x, jiceng_domain::msg!("应为数字")).into()
            })
        })
        .transpose()
}

/// Maps a building from the grid page; the grid is the one the point falls in.
pub async fn add_place(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Form(f): Form<Values>,
) -> Response {
    let parsed = (|| -> Result<_, OpsError> {
        Ok((
            int(&f, "households")?,
            int(&f, "unit")?,
            coordinate(&f, "lon")?,
            coordinate(&f, "lat")?,
        ))
    })();
    let (households, unit_id, lon, lat) = match parsed {
        Ok(p) => p,
        Err(e) => {
            return map_page(&s, &v, String::new(), String::new(), e.render(v.lang))
                .await
                .into_response();
        }
    };
    let new = places::NewPlaceInput {
        kind: value(&f, "kind"),
        name: value(&f, "name"),
        unit_id,
        lon,
        lat,
        crs: None,
        households,
    };
    match places::add(&s.db, &v.actor, new).await {
        Ok(p) => go(&headers, &format!("/grids?grid={}", p.grid_code)),
        Err(e @ OpsError::Forbidden(_)) => error_page(v.lang, &e),
        Err(e) => map_page(&s, &v, String::new(), String::new(), e.render(v.lang))
            .await
            .into_response(),
    }
}

pub async fn remove_place(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    match places::remove(&s.db, &v.actor, id).await {
        Ok(p) => go(&headers, &format!("/grids?grid={}", p.grid_code)),
        Err(e) => error_page(v.lang, &e),
    }
}

/// Draws a community's boundary from the map page (a street's administrator).
pub async fn draw_boundary(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Form(f): Form<Values>,
) -> Response {
    let code = value(&f, "community").unwrap_or_default();
    let raw = value(&f, "geometry").unwrap_or_default();
    let drawn = match serde_json::from_str::<serde_json::Value>(&raw) {
        Ok(g) => boundaries::draw(
            &s.db,
            &v.actor,
            &code,
            Some(&g),
            jiceng_domain::datum::Datum::Wgs84,
        )
        .await
        .map(|_| ()),
        Err(_) => Err(jiceng_domain::Invalid::new(
            "polygon",
            raw.chars().take(40).collect::<String>(),
            jiceng_domain::msg!("应为 GeoJSON Polygon"),
        )
        .into()),
    };
    match drawn {
        Ok(()) => go(&headers, "/grids"),
        Err(e @ OpsError::Forbidden(_)) => error_page(v.lang, &e),
        Err(e) => map_page(&s, &v, String::new(), String::new(), e.render(v.lang))
            .await
            .into_response(),
    }
}

/// Erases a community's boundary from the map page.
pub async fn erase_boundary(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Form(f): Form<Values>,
) -> Response {
    let code = value(&f, "community").unwrap_or_default();
    match boundaries::erase(&s.db, &v.actor, &code).await {
        Ok(()) => go(&headers, "/grids"),
        Err(e) => error_page(v.lang, &e),
    }
}
