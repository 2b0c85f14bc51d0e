//! Booking pages: the rooms one may book or keeps, with the form to register one; a room with
//! its calendar, the booking form (each occurrence previewed with its conflicts), the keepers'
//! approvals and closed days; and the bookings of one's scope.

use crate::AppState;
use crate::pages::form::{Values, filtered_links, value};
use crate::pages::{Layout, Viewer, error_page, go, local_path, render};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use jiceng_domain::bookings::Repeat;
use jiceng_domain::clock;
use jiceng_domain::msg::translate;
use jiceng_ops::OpsError;
use jiceng_ops::bookings::Booking;
use jiceng_ops::bookings::book::{self, BookingInput, ListBookings, Occurrence};
use jiceng_ops::bookings::decide::{self, DecisionInput};
use jiceng_ops::bookings::rooms::{self, ClosureInput, ListRooms, NewRoomInput, Room, RoomDetail};

fn at(t: chrono::DateTime<chrono::Utc>) -> String {
    clock::local(t).format("%Y-%m-%d %H:%M").to_string()
}

/// A booking as a row shows it: the booking, its state in words, its times.
type Shown = (Booking, String, String);

fn shown(v: &Viewer, b: Booking) -> Shown {
    let state = translate(v.lang, b.state.label()).to_string();
    let when = format!(
        "{} – {}",
        at(b.starts_at),
        clock::local(b.ends_at).format("%H:%M")
    );
    (b, state, when)
}

#[derive(Template)]
#[template(path = "bookings/rooms.html")]
struct RoomsPage {
    l: Layout,
    f: Values,
    rows: Vec<Room>,
    first_link: String,
    next_link: String,
    can_register: bool,
    error: String,
}

impl RoomsPage {
    fn v(&self, k: &str) -> &str {
        self.f.get(k).map_or("", String::as_str)
    }
}

async fn rooms_page(s: &AppState, v: &Viewer, q: Values, f: Values, error: String) -> Response {
    let mut out = RoomsPage {
        l: v.layout(v.t("nav.rooms").to_string()),
        f,
        rows: Vec::new(),
        first_link: String::new(),
        next_link: String::new(),
        can_register: v.actor.may_write(v.actor.scope_path()).is_ok()
            || v.actor.role() == Some(jiceng_domain::Role::UnitLiaison),
        error,
    };
    match rooms::list(
        &s.db,
        &v.actor,
        ListRooms {
            after: value(&q, "after"),
            limit: Some(50),
        },
    )
    .await
    {
        Ok(p) => {
            (out.first_link, out.next_link) = filtered_links("/rooms", &[], &q, p.next.as_deref());
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
    rooms_page(&s, &v, q, Values::new(), String::new()).await
}

pub async fn register(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Form(f): Form<Values>,
) -> Response {
    let number = |k: &'static str| crate::pages::form::int(&f, k);
    let (capacity, buffer, release) = match (
        number("capacity"),
        number("buffer_minutes"),
        number("release_minutes"),
    ) {
        (Ok(c), Ok(b), Ok(r)) => (c, b, r),
        (Err(e), ..) | (_, Err(e), _) | (.., Err(e)) => {
            return rooms_page(&s, &v, Values::new(), f, e.render(v.lang)).await;
        }
    };
    let new = NewRoomInput {
        name: value(&f, "name"),
        org: value(&f, "org"),
        position_id: None,
        unit_id: v.actor.unit_id().filter(|_| value(&f, "org").is_none()),
        capacity,
        opens: value(&f, "opens"),
        closes: value(&f, "closes"),
        closed_weekdays: value(&f, "closed_weekdays"),
        buffer_minutes: buffer,
        release_minutes: release,
        shared: value(&f, "shared").is_some(),
        needs_approval: value(&f, "needs_approval").is_some(),
        facilities: value(&f, "facilities"),
    };
    match rooms::register(&s.db, &v.actor, new).await {
        Ok(r) => go(&headers, &format!("/rooms/{}", r.id)),
        Err(e @ OpsError::Forbidden(_)) => error_page(v.lang, &e),
        Err(e) => rooms_page(&s, &v, Values::new(), f, e.render(v.lang)).await,
    }
}

#[derive(Template)]
#[template(path = "bookings/room.html")]
struct RoomPage {
    l: Layout,
    d: RoomDetail,
    calendar: Vec<Shown>,
    f: Values,
    repeats: Vec<(&'static str, String)>,
    /// The occurrences of the booking asked about, with their conflicts.
    preview: Vec<(Occurrence, String)>,
    error: String,
}

impl RoomPage {
    fn v(&self, k: &str) -> &str {
        self.f.get(k).map_or("", String::as_str)
    }
}

async fn room_page(
    s: &AppState,
    v: &Viewer,
    id: i64,
    f: Values,
    preview: Vec<Occurrence>,
    error: String,
) -> Response {
    let d = match rooms::show(&s.db, &v.actor, id).await {
        Ok(d) => d,
        Err(e) => return error_page(v.lang, &e),
    };
    let calendar = d.calendar.iter().cloned().map(|b| shown(v, b)).collect();
    render(&RoomPage {
        l: v.layout(d.room.name.clone()),
        calendar,
        f,
        repeats: Repeat::CHOICES
            .iter()
            .map(|(c, l)| (*c, translate(v.lang, l).to_string()))
            .collect(),
        preview: preview
            .into_iter()
            .map(|o| {
                let when = format!(
                    "{} – {}",
                    at(o.starts_at),
                    clock::local(o.ends_at).format("%H:%M")
                );
                (o, when)
            })
            .collect(),
        error,
        d,
    })
}

pub async fn show(State(s): State<AppState>, v: Viewer, Path(id): Path<i64>) -> Response {
    room_page(&s, &v, id, Values::new(), Vec::new(), String::new()).await
}

pub async fn book(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<Values>,
) -> Response {
    let count = match crate::pages::form::int(&f, "count") {
        Ok(c) => c.map(|c| c.clamp(0, i64::from(u32::MAX)) as u32),
        Err(e) => return room_page(&s, &v, id, f, Vec::new(), e.render(v.lang)).await,
    };
    let input = BookingInput {
        org: value(&f, "org"),
        purpose: value(&f, "purpose"),
        starts_at: value(&f, "starts_at"),
        ends_at: value(&f, "ends_at"),
        repeat: value(&f, "repeat"),
        count,
        skip_conflicts: value(&f, "skip_conflicts").is_some(),
    };
    if value(&f, "action").as_deref() == Some("preview") {
        return match book::preview(&s.db, &v.actor, id, input).await {
            Ok(p) => room_page(&s, &v, id, f, p, String::new()).await,
            Err(e @ (OpsError::Forbidden(_) | OpsError::NotFound { .. })) => error_page(v.lang, &e),
            Err(e) => room_page(&s, &v, id, f, Vec::new(), e.render(v.lang)).await,
        };
    }
    match book::book(&s.db, &v.actor, id, input).await {
        Ok(_) => go(&headers, &format!("/rooms/{id}")),
        Err(e @ (OpsError::Forbidden(_) | OpsError::NotFound { .. })) => error_page(v.lang, &e),
        Err(e) => room_page(&s, &v, id, f, Vec::new(), e.render(v.lang)).await,
    }
}

pub async fn close_day(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<Values>,
) -> Response {
    match rooms::close_day(
        &s.db,
        &v.actor,
        id,
        ClosureInput {
            day: value(&f, "day"),
        },
    )
    .await
    {
        Ok(_) => go(&headers, &format!("/rooms/{id}")),
        Err(e @ (OpsError::Forbidden(_) | OpsError::NotFound { .. })) => error_page(v.lang, &e),
        Err(e) => room_page(&s, &v, id, Values::new(), Vec::new(), e.render(v.lang)).await,
    }
}

#[derive(Template)]
#[template(path = "bookings/bookings.html")]
struct BookingsPage {
    l: Layout,
    q: Values,
    /// Waiting for the actor's decision, in the rooms they keep.
    queue: Vec<Shown>,
    /// Whether the actor reads the bookings of a scope (a unit's liaison keeps rooms only).
    lists: bool,
    rows: Vec<Shown>,
    first_link: String,
    next_link: String,
    error: String,
}

impl BookingsPage {
    fn q(&self, k: &str) -> &str {
        self.q.get(k).map_or("", String::as_str)
    }
}

async fn bookings_page(s: &AppState, v: &Viewer, q: Values, error: String) -> Response {
    let lists = v.actor.may_read(v.actor.scope_path()).is_ok();
    let mut out = BookingsPage {
        l: v.layout(v.t("nav.bookings").to_string()),
        q: q.clone(),
        queue: book::to_decide(&s.db, &v.actor)
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|b| shown(v, b))
            .collect(),
        lists,
        rows: Vec::new(),
        first_link: String::new(),
        next_link: String::new(),
        error,
    };
    if !lists {
        return render(&out);
    }
    let query = ListBookings {
        within: value(&q, "within"),
        after: value(&q, "after"),
        limit: Some(50),
    };
    match book::list(&s.db, &v.actor, query).await {
        Ok(p) => {
            (out.first_link, out.next_link) =
                filtered_links("/bookings", &["within"], &q, p.next.as_deref());
            out.rows = p.items.into_iter().map(|b| shown(v, b)).collect();
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

pub async fn bookings(State(s): State<AppState>, v: Viewer, Query(q): Query<Values>) -> Response {
    bookings_page(&s, &v, q, String::new()).await
}

pub async fn decide(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<Values>,
) -> Response {
    let input = DecisionInput {
        decision: value(&f, "decision"),
        reason: value(&f, "reason"),
    };
    let back = value(&f, "back")
        .filter(|b| local_path(b).is_some())
        .unwrap_or_else(|| "/bookings".into());
    match decide::decide(&s.db, &v.actor, id, input).await {
        Ok(_) => go(&headers, &back),
        Err(e @ (OpsError::Forbidden(_) | OpsError::NotFound { .. })) => error_page(v.lang, &e),
        // The error is shown on the page the decision was made from.
        Err(e) => match back
            .strip_prefix("/rooms/")
            .and_then(|r| r.parse::<i64>().ok())
        {
            Some(room) => {
                room_page(&s, &v, room, Values::new(), Vec::new(), e.render(v.lang)).await
            }
            None => bookings_page(&s, &v, Values::new(), e.render(v.lang)).await,
        },
    }
}
