//! Party members: the filtered list, one member's file, adding and editing.

use crate::AppState;
use crate::pages::{Layout, PageResult, Viewer, error_page, go, render};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use jiceng_domain::Lang;
use jiceng_domain::msg::translate;
use jiceng_domain::{Category, MemberStatus};
use jiceng_ops::members::{ListMembers, MemberDetail, MemberView, NewMember};
use jiceng_ops::{OpsError, members};
use std::collections::HashMap;

use crate::pages::form::{Values, dash, labels, query_string, value};

struct Filters {
    within: String,
    name: String,
    status: String,
    category: String,
}

struct Row {
    id: i64,
    name: String,
    gender: &'static str,
    status: &'static str,
    categories: String,
    org_code: String,
    org_name: String,
    id_number: String,
}

#[derive(Template)]
#[template(path = "members/members.html")]
struct MembersPage {
    l: Layout,
    f: Filters,
    statuses: Vec<(&'static str, &'static str)>,
    categories: Vec<(&'static str, &'static str)>,
    rows: Vec<Row>,
    total: String,
    next_link: String,
    first_link: String,
    error: String,
    can_add: bool,
    export_query: String,
}

pub async fn members(
    State(s): State<AppState>,
    v: Viewer,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let l = v.layout(v.t("nav.members").to_string());
    let f = Filters {
        within: value(&q, "within").unwrap_or_default(),
        name: value(&q, "name").unwrap_or_default(),
        status: value(&q, "status").unwrap_or_default(),
        category: value(&q, "category").unwrap_or_default(),
    };
    let list = ListMembers {
        within: value(&q, "within"),
        status: value(&q, "status"),
        category: value(&q, "category"),
        name: value(&q, "name"),
        after: value(&q, "after"),
        limit: Some(50),
    };
    let base = query_string(&[
        ("within", &f.within),
        ("name", &f.name),
        ("status", &f.status),
        ("category", &f.category),
    ]);
    let (rows, total, next_link, error) = match members::list(&s.db, &v.actor, list).await {
        Ok(p) => {
            let total = p
                .total
                .map(|n| l.t("member.total").replace("{n}", &n.to_string()))
                .unwrap_or_default();
            let next = p
                .next
                .map(|n| {
                    format!(
                        "/members?{base}{}after={n}",
                        if base.is_empty() { "" } else { "&" }
                    )
                })
                .unwrap_or_default();
            (
                p.items.into_iter().map(|m| row(v.lang, m)).collect(),
                total,
                next,
                String::new(),
            )
        }
        Err(e) => (Vec::new(), String::new(), String::new(), e.render(v.lang)),
    };
    let first_link = if q.contains_key("after") {
        format!("/members?{base}")
    } else {
        String::new()
    };
    let can_add = v.actor.may_write(v.actor.scope_path()).is_ok();
    render(&MembersPage {
        l,
        f,
        statuses: MemberStatus::ALL
            .iter()
            .map(|s| (s.code(), translate(v.lang, s.label())))
            .collect(),
        categories: Category::ALL
            .iter()
            .map(|c| (c.code(), translate(v.lang, c.label())))
            .collect(),
        rows,
        total,
        next_link,
        first_link,
        error,
        can_add,
        export_query: base,
    })
}

fn row(lang: Lang, m: MemberView) -> Row {
    Row {
        id: m.id,
        gender: translate(lang, m.gender),
        status: translate(lang, m.status),
        categories: labels(lang, &m.categories),
        org_code: m.org_code,
        org_name: m.org_name,
        id_number: m.id_number,
        name: m.name,
    }
}

#[derive(Template)]
#[template(path = "members/member.html")]
struct MemberPage {
    l: Layout,
    m: MemberView,
    phone: String,
    education: String,
    full_on: String,
    categories: String,
    residence: String,
    transfers: Vec<String>,
    registrations: Vec<String>,
    evaluations: Vec<String>,
    can_reveal: bool,
    can_edit: bool,
    can_register: bool,
    reg_community: String,
    reg_error: String,
}

fn member_page(v: &Viewer, d: MemberDetail, can_edit: bool) -> MemberPage {
    let m = d.member;
    MemberPage {
        l: v.layout(m.name.clone()),
        phone: dash(&m.phone),
        education: translate(v.lang, m.education.unwrap_or("—")).to_string(),
        full_on: dash(&m.full_on),
        categories: if m.categories.is_empty() {
            "—".into()
        } else {
            labels(v.lang, &m.categories)
        },
        residence: dash(&m.residence_division),
        transfers: d
            .transfers
            .iter()
            .map(|t| {
                format!(
                    "{}：{} → {}{}",
                    t.transferred_on,
                    t.from_org_name,
                    t.to_org_name,
                    t.reason
                        .as_ref()
                        .map(|r| format!("（{r}）"))
                        .unwrap_or_default()
                )
            })
            .collect(),
        registrations: d
            .registrations
            .iter()
            .map(|r| {
                format!(
                    "{}：{}{}",
                    r.registered_on,
                    r.community_name,
                    r.ended_on.map(|e| format!(" — {e}")).unwrap_or_default()
                )
            })
            .collect(),
        evaluations: crate::evaluations::pages::lines(v, &d.evaluations),
        can_reveal: v.actor.may_reveal(),
        can_edit,
        can_register: false,
        reg_community: String::new(),
        reg_error: String::new(),
        m,
    }
}

pub async fn member(State(s): State<AppState>, v: Viewer, Path(id): Path<i64>) -> Response {
    member_with(&s, &v, id, false, None).await.into_response()
}

/// The member page with the whole ID number and phone: a deliberate POST, audited, which no
/// link can trigger.
pub async fn member_reveal(State(s): State<AppState>, v: Viewer, Path(id): Path<i64>) -> Response {
    member_with(&s, &v, id, true, None).await.into_response()
}

/// The member page, with the 双报到 form when the viewer may register this member.
async fn member_with(
    s: &AppState,
    v: &Viewer,
    id: i64,
    reveal: bool,
    reg_error: Option<String>,
) -> PageResult {
    let d = members::show(&s.db, &v.actor, id, reveal).await?;
    let employed = d.member.categories.contains(&Category::Employed.label());
    let active = d.registrations.iter().any(|r| r.ended_on.is_none());
    let community = if employed && !active {
        jiceng_ops::registrations::residence_community(&s.db, &v.actor, id)
            .await
            .ok()
            .flatten()
    } else {
        None
    };
    let can_edit = d.writable;
    let mut page = member_page(v, d, can_edit);
    page.can_register = community.is_some() || reg_error.is_some();
    page.reg_community = community.map(|c| c.code).unwrap_or_default();
    page.reg_error = reg_error.unwrap_or_default();
    Ok(render(&page))
}

pub async fn member_register(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<Values>,
) -> Response {
    let community = value(&f, "community").unwrap_or_default();
    match jiceng_ops::registrations::register_member(
        &s.db,
        &v.actor,
        id,
        &community,
        value(&f, "on"),
    )
    .await
    {
        Ok(_) => go(&headers, &format!("/members/{id}")),
        Err(e @ OpsError::Forbidden(_)) => error_page(v.lang, &e),
        Err(e) => member_with(&s, &v, id, false, Some(e.render(v.lang)))
            .await
            .into_response(),
    }
}

struct FieldView {
    name: &'static str,
    label: String,
    value: String,
    kind: &'static str,
    hint: String,
    placeholder: String,
    required: bool,
    error: bool,
}

#[derive(Template)]
#[template(path = "members/member_form.html")]
struct MemberForm {
    l: Layout,
    action: String,
    back: String,
    fields: Vec<FieldView>,
    error: String,
}

/// (form name, catalogue key, kind, required)
const MEMBER_FIELDS: [(&str, &str, &str, bool); 13] = [
    ("name", "member.name", "text", true),
    ("id_number", "member.id_number", "text", true),
    ("org", "member.org", "text", true),
    ("gender", "member.gender", "text", false),
    ("ethnicity", "member.ethnicity", "text", false),
    ("birth_date", "member.birth", "date", false),
    ("phone", "member.phone", "text", false),
    ("education", "member.education", "text", false),
    ("joined_on", "member.joined", "date", true),
    ("full_on", "member.full", "date", false),
    ("status", "member.status", "text", false),
    ("categories", "member.categories", "text", false),
    ("residence_division", "member.residence", "text", false),
];

fn member_form(
    v: &Viewer,
    title: String,
    action: String,
    back: String,
    values: &HashMap<String, String>,
    error: Option<&OpsError>,
) -> MemberForm {
    let l = v.layout(title);
    let bad = error.and_then(|e| e.body().field);
    // Editing shows ID numbers and phones masked (opening a form reveals nothing): left
    // empty, they stay.
    let keep = action != "/members";
    let fields = MEMBER_FIELDS
        .iter()
        .map(|(name, key, kind, required)| FieldView {
            name,
            label: l.t(key).to_string(),
            value: values.get(*name).cloned().unwrap_or_default(),
            kind,
            hint: if *name == "categories" {
                l.t("member.categories_hint").to_string()
            } else {
                String::new()
            },
            placeholder: if keep && matches!(*name, "id_number" | "phone") {
                l.t("member.keep").to_string()
            } else {
                String::new()
            },
            required: *required && !(keep && *name == "id_number"),
            error: bad == Some(*name),
        })
        .collect();
    MemberForm {
        l,
        action,
        back,
        fields,
        error: error.map(|e| e.render(v.lang)).unwrap_or_default(),
    }
}

fn new_member(f: &HashMap<String, String>) -> NewMember {
    NewMember {
        name: value(f, "name"),
        gender: value(f, "gender"),
        ethnicity: value(f, "ethnicity"),
        birth_date: value(f, "birth_date"),
        id_number: value(f, "id_number"),
        phone: value(f, "phone"),
        education: value(f, "education"),
        joined_on: value(f, "joined_on"),
        full_on: value(f, "full_on"),
        status: value(f, "status"),
        categories: value(f, "categories"),
        org: value(f, "org"),
        residence_division: value(f, "residence_division"),
        employer_unit: None,
    }
}

pub async fn member_new(v: Viewer, Query(q): Query<HashMap<String, String>>) -> Response {
    let title = v.t("member.add").to_string();
    render(&member_form(
        &v,
        title,
        "/members".into(),
        "/members".into(),
        &q,
        None,
    ))
}

pub async fn member_create(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Form(f): Form<Values>,
) -> Response {
    match members::add(&s.db, &v.actor, new_member(&f)).await {
        Ok(m) => go(&headers, &format!("/members/{}", m.id)),
        Err(e) => {
            let title = v.t("member.add").to_string();
            render(&member_form(
                &v,
                title,
                "/members".into(),
                "/members".into(),
                &f,
                Some(&e),
            ))
        }
    }
}

pub async fn member_edit(State(s): State<AppState>, v: Viewer, Path(id): Path<i64>) -> PageResult {
    let d = members::show(&s.db, &v.actor, id, false).await?;
    let m = &d.member;
    let mut values = HashMap::new();
    let mut put = |k: &str, val: String| {
        values.insert(k.to_string(), val);
    };
    put("name", m.name.clone());
    put("gender", m.gender.to_string());
    put("ethnicity", m.ethnicity.clone());
    put("birth_date", m.birth_date.to_string());
    put(
        "id_number",
        if m.masked {
            String::new()
        } else {
            m.id_number.clone()
        },
    );
    put(
        "phone",
        if m.masked {
            String::new()
        } else {
            m.phone.clone().unwrap_or_default()
        },
    );
    put("education", m.education.unwrap_or("").to_string());
    put("joined_on", m.joined_on.to_string());
    put(
        "full_on",
        m.full_on.map(|d| d.to_string()).unwrap_or_default(),
    );
    put("status", m.status.to_string());
    put("categories", m.categories.join(","));
    put("org", m.org_code.clone());
    put(
        "residence_division",
        m.residence_division.clone().unwrap_or_default(),
    );
    let title = v.t("member.edit").to_string();
    Ok(render(&member_form(
        &v,
        title,
        format!("/members/{id}"),
        format!("/members/{id}"),
        &values,
        None,
    )))
}

pub async fn member_save(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<Values>,
) -> Response {
    match members::update(&s.db, &v.actor, id, new_member(&f)).await {
        Ok(_) => go(&headers, &format!("/members/{id}")),
        Err(e) => {
            let title = v.t("member.edit").to_string();
            render(&member_form(
                &v,
                title,
                format!("/members/{id}"),
                format!("/members/{id}"),
                &f,
                Some(&e),
            ))
        }
    }
}
