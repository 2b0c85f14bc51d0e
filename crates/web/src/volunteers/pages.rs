//! Volunteer pages: a member's or resident's own registration with their sign-ups and
//! certificate; the volunteers of a scope; one volunteer; the teams and one team.

use crate::AppState;
use crate::pages::form::{Values, filtered_links, int, value};
use crate::pages::{Layout, Viewer, error_page, go, render};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use jiceng_ops::OpsError;
use jiceng_ops::activities::{self, Signup};
use jiceng_ops::volunteers::certificate::{self, Certificate, CertificateQuery};
use jiceng_ops::volunteers::teams::{
    self, ListTeams, NewTeamInput, Team, TeamDetail, TeamKind, TeamMemberInput,
};
use jiceng_ops::volunteers::{self, ListVolunteers, Volunteer, VolunteerDetail, VolunteerInput};

fn day(t: chrono::DateTime<chrono::Utc>) -> String {
    jiceng_domain::clock::local(t)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

#[derive(Template)]
#[template(path = "volunteers/me.html")]
struct MePage {
    l: Layout,
    me: Option<Volunteer>,
    signups: Vec<(Signup, String, String)>,
    error: String,
}

async fn me_page(s: &AppState, v: &Viewer, error: String) -> Response {
    let me = match volunteers::me(&s.db, &v.actor).await {
        Ok(m) => m,
        Err(e) => return error_page(v.lang, &e),
    };
    let signups = activities::mine(&s.db, &v.actor)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|x| {
            let state = jiceng_domain::msg::translate(v.lang, x.state.label()).to_string();
            let at = day(x.activity_starts_at);
            (x, state, at)
        })
        .collect();
    render(&MePage {
        l: v.layout(v.t("nav.volunteer_me").to_string()),
        me,
        signups,
        error,
    })
}

pub async fn me(State(s): State<AppState>, v: Viewer) -> Response {
    me_page(&s, &v, String::new()).await
}

pub async fn register_me(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Form(f): Form<Values>,
) -> Response {
    let input = VolunteerInput {
        skills: value(&f, "skills"),
        availability: value(&f, "availability"),
    };
    match volunteers::register_me(&s.db, &v.actor, input).await {
        Ok(_) => go(&headers, "/volunteers/me"),
        Err(e @ OpsError::Forbidden(_)) => error_page(v.lang, &e),
        Err(e) => me_page(&s, &v, e.render(v.lang)).await,
    }
}

#[derive(Template)]
#[template(path = "volunteers/volunteers.html")]
struct ListPage {
    l: Layout,
    q: Values,
    rows: Vec<Volunteer>,
    first_link: String,
    next_link: String,
    error: String,
}

impl ListPage {
    fn q(&self, k: &str) -> &str {
        self.q.get(k).map_or("", String::as_str)
    }
}

pub async fn list(State(s): State<AppState>, v: Viewer, Query(q): Query<Values>) -> Response {
    let mut out = ListPage {
        l: v.layout(v.t("nav.volunteers").to_string()),
        q: q.clone(),
        rows: Vec::new(),
        first_link: String::new(),
        next_link: String::new(),
        error: String::new(),
    };
    let query = ListVolunteers {
        within: value(&q, "within"),
        q: value(&q, "q"),
        after: value(&q, "after"),
        limit: Some(50),
    };
    match volunteers::list(&s.db, &v.actor, query).await {
        Ok(p) => {
            (out.first_link, out.next_link) =
                filtered_links("/volunteers", &["within", "q"], &q, p.next.as_deref());
            out.rows = p.items;
        }
        Err(e @ OpsError::Forbidden(_)) => return error_page(v.lang, &e),
        Err(e) => out.error = e.render(v.lang),
    }
    render(&out)
}

#[derive(Template)]
#[template(path = "volunteers/volunteer.html")]
struct VolunteerPage {
    l: Layout,
    d: VolunteerDetail,
}

pub async fn show(State(s): State<AppState>, v: Viewer, Path(id): Path<i64>) -> Response {
    match volunteers::show(&s.db, &v.actor, id).await {
        Ok(d) => render(&VolunteerPage {
            l: v.layout(d.volunteer.name.clone()),
            d,
        }),
        Err(e) => error_page(v.lang, &e),
    }
}

#[derive(Template)]
#[template(path = "volunteers/certificate.html")]
struct CertificatePage {
    l: Layout,
    c: Certificate,
    hours: String,
}

async fn certificate_page(s: &AppState, v: &Viewer, id: Option<i64>, q: Values) -> Response {
    let query = CertificateQuery {
        from: value(&q, "from"),
        to: value(&q, "to"),
    };
    match certificate::issue(&s.db, &v.actor, id, query).await {
        Ok(c) => render(&CertificatePage {
            l: v.layout(v.t("volunteer.certificate").to_string()),
            hours: format!("{:.1}", c.minutes as f64 / 60.0),
            c,
        }),
        Err(e) => error_page(v.lang, &e),
    }
}

pub async fn my_certificate(
    State(s): State<AppState>,
    v: Viewer,
    Query(q): Query<Values>,
) -> Response {
    certificate_page(&s, &v, None, q).await
}

pub async fn certificate(
    State(s): State<AppState>,
    v: Viewer,
    Path(id): Path<i64>,
    Query(q): Query<Values>,
) -> Response {
    certificate_page(&s, &v, Some(id), q).await
}

#[derive(Template)]
#[template(path = "volunteers/teams.html")]
struct TeamsPage {
    l: Layout,
    q: Values,
    f: Values,
    kinds: Vec<TeamKind>,
    rows: Vec<Team>,
    first_link: String,
    next_link: String,
    can_found: bool,
    error: String,
}

impl TeamsPage {
    fn q(&self, k: &str) -> &str {
        self.q.get(k).map_or("", String::as_str)
    }

    fn v(&self, k: &str) -> &str {
        self.f.get(k).map_or("", String::as_str)
    }
}

async fn teams_page(s: &AppState, v: &Viewer, q: Values, f: Values, error: String) -> Response {
    let mut out = TeamsPage {
        l: v.layout(v.t("nav.teams").to_string()),
        q: q.clone(),
        f,
        kinds: teams::kinds(&s.db).await.unwrap_or_default(),
        rows: Vec::new(),
        first_link: String::new(),
        next_link: String::new(),
        can_found: v.actor.may_write(v.actor.scope_path()).is_ok(),
        error,
    };
    let query = ListTeams {
        within: value(&q, "within"),
        after: value(&q, "after"),
        limit: Some(50),
    };
    match teams::list(&s.db, &v.actor, query).await {
        Ok(p) => {
            (out.first_link, out.next_link) =
                filtered_links("/teams", &["within"], &q, p.next.as_deref());
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

pub async fn teams(State(s): State<AppState>, v: Viewer, Query(q): Query<Values>) -> Response {
    teams_page(&s, &v, q, Values::new(), String::new()).await
}

pub async fn found(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Form(f): Form<Values>,
) -> Response {
    let new = NewTeamInput {
        name: value(&f, "name"),
        kind: value(&f, "kind"),
        community: value(&f, "community"),
        unit_id: None,
    };
    match teams::found(&s.db, &v.actor, new).await {
        Ok(t) => go(&headers, &format!("/teams/{}", t.id)),
        Err(e @ OpsError::Forbidden(_)) => error_page(v.lang, &e),
        Err(e) => teams_page(&s, &v, Values::new(), f, e.render(v.lang)).await,
    }
}

#[derive(Template)]
#[template(path = "volunteers/team.html")]
struct TeamPage {
    l: Layout,
    d: TeamDetail,
    /// The community's volunteers not yet in the team, to add.
    candidates: Vec<Volunteer>,
    error: String,
}

async fn team_page(s: &AppState, v: &Viewer, id: i64, error: String) -> Response {
    let d = match teams::show(&s.db, &v.actor, id).await {
        Ok(d) => d,
        Err(e) => return error_page(v.lang, &e),
    };
    let candidates = if d.team.may_keep {
        let q = ListVolunteers {
            within: Some(d.team.community_code.clone()),
            q: None,
            after: None,
            limit: Some(500),
        };
        volunteers::list(&s.db, &v.actor, q)
            .await
            .map(|p| p.items)
            .unwrap_or_default()
            .into_iter()
            .filter(|c| !d.members.iter().any(|m| m.id == c.id))
            .collect()
    } else {
        Vec::new()
    };
    render(&TeamPage {
        l: v.layout(d.team.name.clone()),
        d,
        candidates,
        error,
    })
}

pub async fn team(State(s): State<AppState>, v: Viewer, Path(id): Path<i64>) -> Response {
    team_page(&s, &v, id, String::new()).await
}

pub async fn join(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<Values>,
) -> Response {
    let input = match int(&f, "volunteer_id") {
        Ok(volunteer_id) => TeamMemberInput {
            volunteer_id,
            leader: value(&f, "leader").is_some(),
        },
        Err(e) => return team_page(&s, &v, id, e.render(v.lang)).await,
    };
    match teams::join(&s.db, &v.actor, id, input).await {
        Ok(_) => go(&headers, &format!("/teams/{id}")),
        Err(e @ (OpsError::Forbidden(_) | OpsError::NotFound { .. })) => error_page(v.lang, &e),
        Err(e) => team_page(&s, &v, id, e.render(v.lang)).await,
    }
}

pub async fn leave(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path((id, volunteer)): Path<(i64, i64)>,
) -> Response {
    match teams::leave(&s.db, &v.actor, id, volunteer).await {
        Ok(_) => go(&headers, &format!("/teams/{id}")),
        Err(e) => error_page(v.lang, &e),
    }
}
