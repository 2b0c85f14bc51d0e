//! Organisational life pages: an org's meetings, planning and recording one (with the org's
//! members listed for marking absences), a meeting's record with its attachments.

use crate::AppState;
use crate::pages::{Layout, PageResult, Viewer, encode, error_page, go, render};
use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use jiceng_domain::clock;
use jiceng_domain::msg::translate;
use jiceng_domain::orglife::{MeetingKind, MeetingStatus};
use jiceng_ops::OpsError;
use jiceng_ops::members::{self, ListMembers};
use jiceng_ops::orglife::files as meeting_files;
use jiceng_ops::orglife::meetings::{self, ListMeetings, MeetingView, NewMeeting};
use std::collections::HashMap;

type Values = HashMap<String, String>;

fn value(m: &Values, k: &str) -> Option<String> {
    m.get(k)
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

pub struct MeetingLine {
    pub id: i64,
    pub date: String,
    pub org_code: String,
    pub org_name: String,
    pub kind: String,
    pub topic: String,
    pub status: String,
    pub held: bool,
    pub present: i64,
    pub expected: i64,
}

pub fn line(v: &Viewer, m: MeetingView) -> MeetingLine {
    MeetingLine {
        id: m.row.id,
        date: m.row.held_on.to_string(),
        kind: translate(v.lang, m.kind_label).to_string(),
        status: translate(v.lang, m.status_label).to_string(),
        held: m.row.status == MeetingStatus::Held,
        present: m.present,
        expected: m.row.expected,
        org_code: m.row.org_code,
        org_name: m.row.org_name,
        topic: m.row.topic,
    }
}

#[derive(Template)]
#[template(path = "orglife/meetings.html")]
struct MeetingsPage {
    l: Layout,
    f: Values,
    kinds: Vec<(&'static str, String)>,
    statuses: Vec<(&'static str, String)>,
    rows: Vec<MeetingLine>,
    first_link: String,
    next_link: String,
    error: String,
    can_write: bool,
    new_link: String,
}

fn choices(
    v: &Viewer,
    all: &'static [(&'static str, &'static str)],
) -> Vec<(&'static str, String)> {
    all.iter()
        .map(|(c, l)| (*c, translate(v.lang, l).to_string()))
        .collect()
}

pub async fn list(State(s): State<AppState>, v: Viewer, Query(q): Query<Values>) -> Response {
    let keys = ["within", "org", "kind", "status", "from", "to"];
    let base: String = keys
        .iter()
        .filter_map(|k| value(&q, k).map(|x| format!("{k}={}", encode(&x))))
        .collect::<Vec<_>>()
        .join("&");
    let query = ListMeetings {
        within: value(&q, "within"),
        org: value(&q, "org"),
        kind: value(&q, "kind"),
        status: value(&q, "status"),
        from: value(&q, "from"),
        to: value(&q, "to"),
        after: value(&q, "after"),
        limit: Some(50),
    };
    let (rows, next, error) = match meetings::list(&s.db, &v.actor, query).await {
        Ok(p) => (
            p.items.into_iter().map(|m| line(&v, m)).collect(),
            p.next,
            String::new(),
        ),
        Err(e @ OpsError::Forbidden(_)) => return error_page(v.lang, &e),
        Err(e) => (Vec::new(), None, e.render(v.lang)),
    };
    let title = v.t("nav.meetings").to_string();
    let org = value(&q, "org").or(value(&q, "within")).unwrap_or_default();
    render(&MeetingsPage {
        l: v.layout(title),
        kinds: choices(&v, MeetingKind::CHOICES),
        statuses: choices(&v, MeetingStatus::CHOICES),
        rows,
        first_link: if value(&q, "after").is_some() {
            format!("/meetings?{base}")
        } else {
            String::new()
        },
        next_link: next.map_or_else(String::new, |n: String| {
            format!("/meetings?{base}&after={}", encode(&n))
        }),
        error,
        can_write: v.actor.may_write(v.actor.scope_path()).is_ok(),
        new_link: if org.is_empty() {
            "/meetings/new".into()
        } else {
            format!("/meetings/new?org={}", encode(&org))
        },
        f: q,
    })
}

impl MeetingsPage {
    fn v(&self, k: &str) -> &str {
        self.f.get(k).map_or("", String::as_str)
    }
}

impl MeetingForm {
    fn v(&self, k: &str) -> &str {
        self.f.get(k).map_or("", String::as_str)
    }
}

pub struct AttendeeRow {
    pub id: i64,
    pub name: String,
    pub org_name: String,
    pub absent: bool,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "orglife/meeting_form.html")]
struct MeetingForm {
    l: Layout,
    action: String,
    back: String,
    f: Values,
    kinds: Vec<(&'static str, String)>,
    statuses: Vec<(&'static str, String)>,
    attendees: Vec<AttendeeRow>,
    more_members: bool,
    /// The registered service positions of the scope, to hold the meeting at (the first 200).
    positions: Vec<(i64, String)>,
    editing: bool,
    error: String,
    bad: String,
}

/// The org's members (its whole subtree), for marking who was absent; the first 500.
async fn attendees(
    s: &AppState,
    v: &Viewer,
    org: &str,
    absent: &HashMap<i64, String>,
) -> (Vec<AttendeeRow>, bool) {
    if org.is_empty() {
        return (Vec::new(), false);
    }
    let q = ListMembers {
        within: Some(org.to_string()),
        limit: Some(500),
        ..Default::default()
    };
    match members::list(&s.db, &v.actor, q).await {
        Ok(p) => (
            p.items
                .into_iter()
                .map(|m| AttendeeRow {
                    absent: absent.contains_key(&m.id),
                    reason: absent.get(&m.id).cloned().unwrap_or_default(),
                    id: m.id,
                    name: m.name,
                    org_name: m.org_name,
                })
                .collect(),
            p.next.is_some(),
        ),
        Err(_) => (Vec::new(), false),
    }
}

#[allow(clippy::too_many_arguments)]
async fn form_page(
    s: &AppState,
    v: &Viewer,
    title_key: &str,
    action: String,
    back: String,
    f: Values,
    absent: HashMap<i64, String>,
    error: Option<&OpsError>,
    editing: bool,
) -> Response {
    let org = value(&f, "org").unwrap_or_default();
    let (attendees, more_members) = attendees(s, v, &org, &absent).await;
    let title = v.t(title_key).to_string();
    let q = jiceng_ops::positions::ListPositions {
        limit: Some(200),
        ..Default::default()
    };
    let positions = jiceng_ops::positions::list(&s.db, &v.actor, q)
        .await
        .map(|p| p.items.into_iter().map(|p| (p.id, p.name)).collect())
        .unwrap_or_default();
    render(&MeetingForm {
        positions,
        l: v.layout(title),
        action,
        back,
        kinds: choices(v, MeetingKind::CHOICES),
        statuses: choices(v, &MeetingStatus::CHOICES[..2]),
        attendees,
        more_members,
        editing,
        error: error.map(|e| e.render(v.lang)).unwrap_or_default(),
        bad: error.and_then(|e| e.body().field).unwrap_or("").to_string(),
        f,
    })
}

pub async fn new_form(State(s): State<AppState>, v: Viewer, Query(q): Query<Values>) -> Response {
    let mut f = q;
    f.entry("held_on".into())
        .or_insert_with(|| clock::today().to_string());
    f.entry("status".into()).or_insert_with(|| "held".into());
    form_page(
        &s,
        &v,
        "meeting.new",
        "/meetings".into(),
        "/meetings".into(),
        f,
        HashMap::new(),
        None,
        false,
    )
    .await
}

/// The form's fields: absences arrive as repeated `absent` ids, each with its `reason_<id>`.
fn parse(pairs: &[(String, String)]) -> (Values, NewMeeting, HashMap<i64, String>) {
    let mut f = Values::new();
    let mut absent_ids = Vec::new();
    for (k, v) in pairs {
        if k == "absent" {
            absent_ids.push(v.clone());
        } else {
            f.insert(k.clone(), v.clone());
        }
    }
    let mut absent = HashMap::new();
    let list: Vec<String> = absent_ids
        .iter()
        .map(|id| {
            let reason = value(&f, &format!("reason_{id}")).unwrap_or_default();
            if let Ok(n) = id.parse() {
                absent.insert(n, reason.clone());
            }
            if reason.is_empty() {
                id.clone()
            } else {
                format!("{id}:{reason}")
            }
        })
        .collect();
    let split = |k: &str| -> Vec<String> {
        value(&f, k)
            .map(|x| {
                x.split([',', '，', ' ', '、'])
                    .filter(|p| !p.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    };
    let new = NewMeeting {
        org: value(&f, "org"),
        kind: value(&f, "kind"),
        status: value(&f, "status"),
        held_on: value(&f, "held_on"),
        place: value(&f, "place"),
        position_id: value(&f, "position_id").and_then(|p| p.parse().ok()),
        topic: value(&f, "topic"),
        host: value(&f, "host"),
        minutes: value(&f, "minutes"),
        follow_up: value(&f, "follow_up"),
        absent: list,
        visitors: split("visitors"),
        joint_orgs: split("joint_orgs"),
    };
    (f, new, absent)
}

pub async fn create(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let (f, new, absent) = parse(&pairs);
    match meetings::record(&s.db, &v.actor, new).await {
        Ok(m) => go(&headers, &format!("/meetings/{}", m.row.id)),
        Err(e @ OpsError::Forbidden(_)) => error_page(v.lang, &e),
        Err(e) => {
            form_page(
                &s,
                &v,
                "meeting.new",
                "/meetings".into(),
                "/meetings".into(),
                f,
                absent,
                Some(&e),
                false,
            )
            .await
        }
    }
}

pub async fn edit_form(State(s): State<AppState>, v: Viewer, Path(id): Path<i64>) -> PageResult {
    let d = meetings::show(&s.db, &v.actor, id).await?;
    let r = &d.meeting.row;
    let mut f = Values::new();
    let today = clock::today();
    f.insert("org".into(), r.org_code.clone());
    f.insert("kind".into(), r.kind.code().into());
    // A planned meeting whose day has come is opened for recording as held.
    let status = if r.status == MeetingStatus::Planned && r.held_on <= today {
        "held"
    } else {
        r.status.code()
    };
    f.insert("status".into(), status.into());
    f.insert("held_on".into(), r.held_on.to_string());
    f.insert("topic".into(), r.topic.clone());
    if let Some(p) = r.position_id {
        f.insert("position_id".into(), p.to_string());
    }
    for (k, val) in [
        ("place", &r.place),
        ("host", &r.host),
        ("minutes", &r.minutes),
        ("follow_up", &r.follow_up),
    ] {
        f.insert(k.into(), val.clone().unwrap_or_default());
    }
    f.insert(
        "visitors".into(),
        d.visitors
            .iter()
            .map(|(id, _)| id.to_string())
            .collect::<Vec<_>>()
            .join(","),
    );
    let absent = d
        .absences
        .iter()
        .map(|a| (a.member_id, a.reason.clone().unwrap_or_default()))
        .collect();
    Ok(form_page(
        &s,
        &v,
        "meeting.record",
        format!("/meetings/{id}"),
        format!("/meetings/{id}"),
        f,
        absent,
        None,
        true,
    )
    .await)
}

pub async fn save(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let (f, new, absent) = parse(&pairs);
    match meetings::update(&s.db, &v.actor, id, new).await {
        Ok(_) => go(&headers, &format!("/meetings/{id}")),
        Err(e @ OpsError::Forbidden(_)) => error_page(v.lang, &e),
        Err(e) => {
            form_page(
                &s,
                &v,
                "meeting.record",
                format!("/meetings/{id}"),
                format!("/meetings/{id}"),
                f,
                absent,
                Some(&e),
                true,
            )
            .await
        }
    }
}

pub struct FileLine {
    pub id: i64,
    pub name: String,
    pub size: String,
}

#[derive(Template)]
#[template(path = "orglife/meeting.html")]
struct MeetingPage {
    l: Layout,
    m: MeetingLine,
    place: String,
    host: String,
    minutes: String,
    follow_up: String,
    absences: Vec<(i64, String, String)>,
    visitors: Vec<(i64, String)>,
    files: Vec<FileLine>,
    joint: Vec<(i64, String, String)>,
    can_write: bool,
    planned: bool,
    error: String,
}

pub async fn show(State(s): State<AppState>, v: Viewer, Path(id): Path<i64>) -> PageResult {
    show_with(&s, &v, id, String::new()).await
}

async fn show_with(s: &AppState, v: &Viewer, id: i64, error: String) -> PageResult {
    let d = meetings::show(&s.db, &v.actor, id).await?;
    let can_write = v.actor.may_write(&d.meeting.row.org_path).is_ok();
    let planned = d.meeting.row.status == MeetingStatus::Planned;
    let r = &d.meeting.row;
    let (place, host, minutes, follow_up) = (
        r.where_held(),
        r.host.clone().unwrap_or_default(),
        r.minutes.clone().unwrap_or_default(),
        r.follow_up.clone().unwrap_or_default(),
    );
    let m = line(v, d.meeting);
    Ok(render(&MeetingPage {
        l: v.layout(m.topic.clone()),
        m,
        place,
        host,
        minutes,
        follow_up,
        absences: d
            .absences
            .into_iter()
            .map(|a| (a.member_id, a.name, a.reason.unwrap_or_default()))
            .collect(),
        visitors: d.visitors,
        files: d
            .attachments
            .into_iter()
            .map(|a| FileLine {
                id: a.id,
                name: a.file_name,
                size: if a.size_bytes >= 1 << 20 {
                    format!("{:.1} MB", a.size_bytes as f64 / (1 << 20) as f64)
                } else {
                    format!("{} KB", (a.size_bytes + 1023) / 1024)
                },
            })
            .collect(),
        joint: d.joint,
        can_write,
        planned,
        error,
    }))
}

pub async fn upload(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    mut form: Multipart,
) -> Response {
    let mut file = None;
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("").to_string();
            match field.bytes().await {
                Ok(b) => file = Some((name, b)),
                Err(e) => {
                    let why = jiceng_domain::msg!("上传失败：{reason}", reason = e).render(v.lang);
                    return show_with(&s, &v, id, why).await.into_response();
                }
            }
        }
    }
    let Some((name, bytes)) = file else {
        let why = jiceng_domain::msg!("请选择要导入的文件").render(v.lang);
        return show_with(&s, &v, id, why).await.into_response();
    };
    match meeting_files::attach(&s.db, &v.actor, &s.files, id, &name, &bytes).await {
        Ok(_) => go(&headers, &format!("/meetings/{id}")),
        Err(e @ OpsError::Forbidden(_)) => error_page(v.lang, &e),
        Err(e) => show_with(&s, &v, id, e.render(v.lang))
            .await
            .into_response(),
    }
}

pub async fn download(State(s): State<AppState>, v: Viewer, Path(id): Path<i64>) -> Response {
    match crate::orglife::api::file_response(&s, &v.actor, id).await {
        Ok(r) => r,
        Err(e) => error_page(v.lang, &e.0),
    }
    .into_response()
}
