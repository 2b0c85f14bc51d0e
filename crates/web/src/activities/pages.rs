//! Activity pages: the scope's activities with the form to publish one (organisers) or those
//! to come (members and residents, on their phones); an activity with sign-up, the waiting
//! line and, for its organisers, the roster, attendance and hours; the QR codes to show at the
//! door and the page a scanned code opens.

use crate::AppState;
use crate::pages::form::{Values, filtered_links, value};
use crate::pages::{Layout, Viewer, error_page, go, render};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use jiceng_domain::activities::{Audience, Scan};
use jiceng_domain::clock;
use jiceng_domain::msg::translate;
use jiceng_ops::OpsError;
use jiceng_ops::activities::attendance::{self, AttendanceInput, CallOffInput, ScanInput};
use jiceng_ops::activities::signup::{self, SignupInput};
use jiceng_ops::activities::{
    self, Activity, ActivityDetail, ListActivities, ListUpcoming, NewActivityInput, RoleInput,
};
use jiceng_ops::positions::{self, ListPositions, Position};
use jiceng_ops::volunteers::teams::{self, ListTeams, Team};

/// A moment as the pages show it: Shanghai time, to the minute.
fn at(t: chrono::DateTime<chrono::Utc>) -> String {
    clock::local(t).format("%Y-%m-%d %H:%M").to_string()
}

#[derive(Template)]
#[template(path = "activities/activities.html")]
struct ListPage {
    l: Layout,
    q: Values,
    f: Values,
    /// Organisers see the scope's activities; members and residents those to come.
    organiser: bool,
    can_publish: bool,
    rows: Vec<(Activity, String, String)>,
    teams: Vec<Team>,
    positions: Vec<Position>,
    audiences: Vec<(&'static str, String)>,
    /// The no-show policy of the scope, for organisers.
    rule: Option<jiceng_ops::activities::no_shows::NoShowRule>,
    first_link: String,
    next_link: String,
    error: String,
}

impl ListPage {
    fn q(&self, k: &str) -> &str {
        self.q.get(k).map_or("", String::as_str)
    }

    fn v(&self, k: &str) -> &str {
        self.f.get(k).map_or("", String::as_str)
    }
}

async fn list_page(s: &AppState, v: &Viewer, q: Values, f: Values, error: String) -> Response {
    let organiser = v.actor.may_read(v.actor.scope_path()).is_ok();
    let can_publish = v.actor.may_write(v.actor.scope_path()).is_ok();
    let mut out = ListPage {
        l: v.layout(v.t("nav.activities").to_string()),
        q: q.clone(),
        f,
        organiser,
        can_publish,
        rows: Vec::new(),
        teams: Vec::new(),
        positions: Vec::new(),
        rule: if organiser {
            jiceng_ops::activities::no_shows::show(&s.db, &v.actor)
                .await
                .ok()
        } else {
            None
        },
        audiences: Audience::CHOICES
            .iter()
            .map(|(c, l)| (*c, translate(v.lang, l).to_string()))
            .collect(),
        first_link: String::new(),
        next_link: String::new(),
        error,
    };
    if can_publish {
        let t = ListTeams {
            within: None,
            after: None,
            limit: Some(200),
        };
        out.teams = teams::list(&s.db, &v.actor, t)
            .await
            .map(|p| p.items)
            .unwrap_or_default();
        let p = ListPositions {
            within: None,
            kind: None,
            after: None,
            limit: Some(200),
        };
        out.positions = positions::list(&s.db, &v.actor, p)
            .await
            .map(|p| p.items)
            .unwrap_or_default();
    }
    let page = if organiser {
        let query = ListActivities {
            within: value(&q, "within"),
            after: value(&q, "after"),
            limit: Some(50),
        };
        activities::list(&s.db, &v.actor, query).await
    } else {
        let query = ListUpcoming {
            after: value(&q, "after"),
            limit: Some(20),
        };
        activities::upcoming(&s.db, &v.actor, query).await
    };
    match page {
        Ok(p) => {
            (out.first_link, out.next_link) =
                filtered_links("/activities", &["within"], &q, p.next.as_deref());
            out.rows = p
                .items
                .into_iter()
                .map(|a| {
                    let status = translate(v.lang, a.status.label()).to_string();
                    let when = format!(
                        "{} – {}",
                        at(a.starts_at),
                        clock::local(a.ends_at).format("%H:%M")
                    );
                    (a, status, when)
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
    list_page(&s, &v, q, Values::new(), String::new()).await
}

pub async fn publish(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Form(f): Form<Values>,
) -> Response {
    let roles =
        match jiceng_domain::activities::role_lines(f.get("roles").map_or("", String::as_str)) {
            Ok(r) => r,
            Err(e) => {
                return list_page(&s, &v, Values::new(), f, OpsError::from(e).render(v.lang)).await;
            }
        };
    let number = |k: &'static str| crate::pages::form::int(&f, k);
    let (team_id, position_id, cancel) = match (
        number("team_id"),
        number("position_id"),
        number("cancel_before_hours"),
    ) {
        (Ok(t), Ok(p), Ok(c)) => (t, p, c),
        (Err(e), ..) | (_, Err(e), _) | (.., Err(e)) => {
            return list_page(&s, &v, Values::new(), f, e.render(v.lang)).await;
        }
    };
    let new = NewActivityInput {
        title: value(&f, "title"),
        detail: value(&f, "detail"),
        community: value(&f, "community"),
        team_id,
        position_id,
        grid: value(&f, "grid"),
        lon: None,
        lat: None,
        place: value(&f, "place"),
        starts_at: value(&f, "starts_at"),
        ends_at: value(&f, "ends_at"),
        audience: value(&f, "audience"),
        cancel_before_hours: cancel,
        roles: roles
            .into_iter()
            .map(|(name, places)| RoleInput {
                name: Some(name),
                places: Some(places),
            })
            .collect(),
    };
    match activities::publish(&s.db, &v.actor, new).await {
        Ok(d) => go(&headers, &format!("/activities/{}", d.activity.id)),
        Err(e @ OpsError::Forbidden(_)) => error_page(v.lang, &e),
        Err(e) => list_page(&s, &v, Values::new(), f, e.render(v.lang)).await,
    }
}

/// The no-show policy set from the activities page.
pub async fn set_no_show_policy(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Form(f): Form<Values>,
) -> Response {
    let number = |k: &'static str| crate::pages::form::int(&f, k);
    let input = match (number("max_no_shows"), number("pause_days")) {
        (Ok(max_no_shows), Ok(pause_days)) => jiceng_ops::activities::no_shows::NoShowInput {
            max_no_shows,
            pause_days,
        },
        (Err(e), _) | (_, Err(e)) => {
            return list_page(&s, &v, Values::new(), Values::new(), e.render(v.lang)).await;
        }
    };
    match jiceng_ops::activities::no_shows::set(&s.db, &v.actor, input).await {
        Ok(_) => go(&headers, "/activities"),
        Err(e @ OpsError::Forbidden(_)) => error_page(v.lang, &e),
        Err(e) => list_page(&s, &v, Values::new(), Values::new(), e.render(v.lang)).await,
    }
}

#[derive(Template)]
#[template(path = "activities/activity.html")]
struct ActivityPage {
    l: Layout,
    d: ActivityDetail,
    when: String,
    status: String,
    audience: String,
    /// The actor's sign-up: its state in words, and its offer's deadline.
    mine: Option<(String, String)>,
    /// The roster with each sign-up's state, check-in and check-out in words.
    roster: Vec<(jiceng_ops::activities::Signup, String, String, String)>,
    /// The activity's day, to prefill the organiser's attendance times.
    day: String,
    error: String,
}

impl ActivityPage {
    fn hours(&self, minutes: &Option<i64>) -> String {
        minutes.map_or_else(|| "—".into(), |m| format!("{:.1}", m as f64 / 60.0))
    }
}

async fn activity_page(s: &AppState, v: &Viewer, id: i64, error: String) -> Response {
    let d = match activities::show(&s.db, &v.actor, id).await {
        Ok(d) => d,
        Err(e) => return error_page(v.lang, &e),
    };
    let a = &d.activity;
    let mine = d.mine.as_ref().map(|m| {
        (
            translate(v.lang, m.state.label()).to_string(),
            m.offer_until.map(at).unwrap_or_default(),
        )
    });
    let roster = d
        .roster
        .iter()
        .map(|r| {
            (
                r.clone(),
                translate(v.lang, r.state.label()).to_string(),
                r.checked_in_at.map(at).unwrap_or_default(),
                r.checked_out_at.map(at).unwrap_or_default(),
            )
        })
        .collect();
    render(&ActivityPage {
        l: v.layout(a.title.clone()),
        when: format!(
            "{} – {}",
            at(a.starts_at),
            clock::local(a.ends_at).format("%H:%M")
        ),
        status: translate(v.lang, a.status.label()).to_string(),
        audience: translate(v.lang, a.audience.label()).to_string(),
        day: clock::local(a.starts_at).format("%Y-%m-%d").to_string(),
        mine,
        roster,
        error,
        d,
    })
}

pub async fn show(State(s): State<AppState>, v: Viewer, Path(id): Path<i64>) -> Response {
    activity_page(&s, &v, id, String::new()).await
}

/// What a form on the activity's page asks, each answered by one operation.
async fn act(
    s: &AppState,
    v: &Viewer,
    headers: &HeaderMap,
    id: i64,
    done: Result<ActivityDetail, OpsError>,
) -> Response {
    match done {
        Ok(_) => go(headers, &format!("/activities/{id}")),
        Err(e @ (OpsError::Forbidden(_) | OpsError::NotFound { .. })) => error_page(v.lang, &e),
        Err(e) => activity_page(s, v, id, e.render(v.lang)).await,
    }
}

pub async fn sign_up(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<Values>,
) -> Response {
    let done = match crate::pages::form::int(&f, "role_id") {
        Ok(role_id) => {
            s.signups
                .sign_up(&v.actor, id, SignupInput { role_id })
                .await
        }
        Err(e) => Err(e),
    };
    act(&s, &v, &headers, id, done).await
}

pub async fn cancel(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    let done = signup::cancel(&s.db, &v.actor, id).await;
    act(&s, &v, &headers, id, done).await
}

pub async fn accept(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    let done = signup::accept(&s.db, &v.actor, id).await;
    act(&s, &v, &headers, id, done).await
}

pub async fn attendance(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<Values>,
) -> Response {
    let done = match crate::pages::form::int(&f, "signup_id") {
        Ok(signup_id) => {
            let input = AttendanceInput {
                signup_id,
                checked_in_at: value(&f, "checked_in_at"),
                checked_out_at: value(&f, "checked_out_at"),
                hours: value(&f, "hours"),
            };
            attendance::record(&s.db, &v.actor, id, input).await
        }
        Err(e) => Err(e),
    };
    act(&s, &v, &headers, id, done).await
}

pub async fn call_off(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<Values>,
) -> Response {
    let done = attendance::call_off(
        &s.db,
        &v.actor,
        id,
        CallOffInput {
            reason: value(&f, "reason"),
        },
    )
    .await;
    act(&s, &v, &headers, id, done).await
}

pub async fn confirm(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    let done = attendance::confirm(&s.db, &v.actor, id).await;
    act(&s, &v, &headers, id, done).await
}

#[derive(Template)]
#[template(path = "activities/codes.html")]
struct CodesPage {
    l: Layout,
    id: i64,
    title: String,
    /// Each code: what it does, its link, the link drawn as a QR code (SVG).
    codes: Vec<(String, String, String)>,
    expires: String,
}

/// The address phones reach this server at, as the organiser's browser did.
fn origin(headers: &HeaderMap) -> String {
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".:-[]".contains(c))
        })
        .unwrap_or("localhost");
    let https = headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
        .is_some_and(|p| p.eq_ignore_ascii_case("https"));
    format!("{}://{host}", if https { "https" } else { "http" })
}

pub async fn codes(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    let c = match attendance::codes(&s.db, &v.actor, id).await {
        Ok(c) => c,
        Err(e) => return error_page(v.lang, &e),
    };
    let d = match activities::show(&s.db, &v.actor, id).await {
        Ok(d) => d,
        Err(e) => return error_page(v.lang, &e),
    };
    let base = origin(&headers);
    let code = |action: Scan, token: &str| {
        let link = format!("{base}/activities/{id}/scan?code={token}");
        let svg = crate::pages::qr_svg(&link);
        (translate(v.lang, action.label()).to_string(), link, svg)
    };
    render(&CodesPage {
        l: v.layout(v.t("activity.codes").to_string()),
        id,
        title: d.activity.title,
        codes: vec![code(Scan::In, &c.check_in), code(Scan::Out, &c.check_out)],
        expires: at(c.expires_at),
    })
}

#[derive(Template)]
#[template(path = "activities/scan.html")]
struct ScanPage {
    l: Layout,
    id: i64,
    title: String,
    code: String,
    /// 签到 or 签退, read from the code for the button (the operation checks it again).
    action: String,
    error: String,
}

async fn scan_page(s: &AppState, v: &Viewer, id: i64, code: String, error: String) -> Response {
    let d = match activities::show(&s.db, &v.actor, id).await {
        Ok(d) => d,
        Err(e) => return error_page(v.lang, &e),
    };
    let action = match code.split('.').nth(1).and_then(|a| Scan::parse(a).ok()) {
        Some(a) => translate(v.lang, a.label()).to_string(),
        None => v.t("activity.scan").to_string(),
    };
    render(&ScanPage {
        l: v.layout(v.t("activity.scan").to_string()),
        id,
        title: d.activity.title,
        code,
        action,
        error,
    })
}

/// The page a scanned code opens: the activity and one button, so a link followed by accident
/// changes nothing.
pub async fn scan_form(
    State(s): State<AppState>,
    v: Viewer,
    Path(id): Path<i64>,
    Query(q): Query<Values>,
) -> Response {
    let code = value(&q, "code").unwrap_or_default();
    scan_page(&s, &v, id, code, String::new()).await
}

pub async fn scan(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<Values>,
) -> Response {
    let code = value(&f, "code");
    match attendance::scan(&s.db, &v.actor, id, ScanInput { code: code.clone() }).await {
        Ok(_) => go(&headers, &format!("/activities/{id}")),
        Err(e @ (OpsError::Forbidden(_) | OpsError::NotFound { .. })) => error_page(v.lang, &e),
        Err(e) => scan_page(&s, &v, id, code.unwrap_or_default(), e.render(v.lang)).await,
    }
}
