//! Page handlers: each reads its form or query, calls one use case, and renders a template.

use super::{Layout, PageResult, Viewer, error_page, go, lang_of, render};
use crate::AppState;
use crate::auth::SESSION_COOKIE;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use jiceng_domain::clock;
use jiceng_domain::msg::translate;
use jiceng_domain::{Category, MemberStatus, OrgCategory, OrgLevel};
use jiceng_domain::{Lang, msg};
use jiceng_ops::audit::BrowseAudit;
use jiceng_ops::members::{ListMembers, MemberDetail, MemberView, NewMember};
use jiceng_ops::orgs::{ListOrgs, OrgView};
use jiceng_ops::{OpsError, accounts, audit, members, orgs};
use std::collections::HashMap;

type FormMap = Form<HashMap<String, String>>;

fn field(m: &HashMap<String, String>, k: &str) -> Option<String> {
    m.get(k)
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

fn dash<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map_or_else(|| "—".to_string(), T::to_string)
}

// ---- sign-in ----

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    l: Layout,
    error: String,
    username: String,
    next: String,
}

fn bare_layout(headers: &HeaderMap, key: &str) -> Layout {
    let lang = lang_of(headers);
    Layout {
        lang,
        user: String::new(),
        role: String::new(),
        csrf: String::new(),
        nav: "",
        title: super::i18n::t(lang, key).into(),
        can_audit: false,
        can_write: false,
        can_accounts: false,
        can_administer: false,
    }
}

pub async fn login_form(headers: HeaderMap, Query(q): Query<HashMap<String, String>>) -> Response {
    render(&LoginPage {
        l: bare_layout(&headers, "login.title"),
        error: String::new(),
        username: String::new(),
        next: q.get("next").cloned().unwrap_or_default(),
    })
}

/// Only local paths are followed after sign-in, never another site.
fn safe_next(next: Option<String>) -> String {
    next.filter(|n| n.starts_with('/') && !n.starts_with("//"))
        .unwrap_or_else(|| "/".into())
}

pub async fn login(State(s): State<AppState>, headers: HeaderMap, Form(f): FormMap) -> Response {
    if !crate::auth::same_origin(&headers) {
        return error_page(
            lang_of(&headers),
            &OpsError::Forbidden(msg!("拒绝跨站请求")),
        );
    }
    let username = field(&f, "username").unwrap_or_default();
    match accounts::login(
        &s.db,
        &username,
        f.get("password").map(String::as_str).unwrap_or(""),
    )
    .await
    {
        Ok(session) => {
            let cookie = format!(
                "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age=43200",
                session.token
            );
            (
                [(header::SET_COOKIE, cookie)],
                go(&headers, &safe_next(field(&f, "next"))),
            )
                .into_response()
        }
        Err(e) => render(&LoginPage {
            l: bare_layout(&headers, "login.title"),
            error: e.render(lang_of(&headers)),
            username,
            next: field(&f, "next").unwrap_or_default(),
        }),
    }
}

pub async fn logout(State(s): State<AppState>, v: Viewer, headers: HeaderMap) -> Response {
    let _ = accounts::logout(&s.db, &v.session).await;
    let clear = format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    ([(header::SET_COOKIE, clear)], go(&headers, "/login")).into_response()
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    l: Layout,
    error: String,
    saved: bool,
}

pub async fn password_form(v: Viewer) -> Response {
    let title = v.layout("", "").t("nav.password").to_string();
    render(&PasswordPage {
        l: v.layout("", title),
        error: String::new(),
        saved: false,
    })
}

pub async fn password(State(s): State<AppState>, v: Viewer, Form(f): FormMap) -> Response {
    let title = v.layout("", "").t("nav.password").to_string();
    let new = f.get("new_password").cloned().unwrap_or_default();
    if f.get("confirm") != Some(&new) {
        let error = v.layout("", "").t("password.mismatch").to_string();
        return render(&PasswordPage {
            l: v.layout("", title),
            error,
            saved: false,
        });
    }
    let old = f.get("old_password").cloned().unwrap_or_default();
    match accounts::change_password(&s.db, &v.actor, &old, &new, Some(&v.session)).await {
        Ok(()) => render(&PasswordPage {
            l: v.layout("", title),
            error: String::new(),
            saved: true,
        }),
        Err(e) => render(&PasswordPage {
            l: v.layout("", title),
            error: e.render(v.lang),
            saved: false,
        }),
    }
}

// ---- home ----

struct DueView {
    code: String,
    name: String,
    level: &'static str,
    term_due: String,
    /// Which reminder is due: within six or three months, or how long overdue.
    reminder: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    l: Layout,
    scope: String,
    members: String,
    overdue: Vec<DueView>,
    overdue_more: bool,
    due: Vec<DueView>,
    due_more: bool,
    member_id: Option<i64>,
    /// Orgs of the scope that fell short of 三会一课 last quarter, and that quarter.
    short: Option<(usize, usize, String)>,
    upcoming: Vec<(i64, String, String, String)>,
}

fn due_view(lang: Lang, o: &OrgView) -> DueView {
    use jiceng_domain::orglife::term::{TermReminder, reminder};
    let t = |k: &str| super::i18n::t(lang, k).to_string();
    let reminder = match o.row.term_due.and_then(|d| reminder(d, clock::today())) {
        Some(TermReminder::SixMonths) => t("home.due_six"),
        Some(TermReminder::ThreeMonths) => t("home.due_three"),
        Some(TermReminder::Overdue(n)) => t("home.overdue_months").replace("{n}", &n.to_string()),
        None => String::new(),
    };
    DueView {
        code: o.row.code.clone(),
        name: o.row.name.clone(),
        level: translate(lang, o.level_label),
        term_due: dash(&o.row.term_due),
        reminder,
    }
}

pub async fn home(State(s): State<AppState>, v: Viewer) -> Response {
    let l = v.layout("home", v.layout("", "").t("nav.home").to_string());
    let today = clock::today();
    let scope_org = match v.actor.scope_code() {
        Some(code) => orgs::show(&s.db, &v.actor, code)
            .await
            .ok()
            .map(|d| d.org.row),
        None => None,
    };
    let scope = scope_org
        .as_ref()
        .map_or_else(|| l.t("home.whole").to_string(), |o| o.name.clone());
    let members = match (&scope_org, v.actor.role()) {
        (_, Some(jiceng_domain::Role::Member)) => "—".to_string(),
        (Some(o), _) => o.subtree_member_count.to_string(),
        (None, _) => match orgs::list(
            &s.db,
            &v.actor,
            ListOrgs {
                level: Some("district".into()),
                per_page: Some(500),
                ..Default::default()
            },
        )
        .await
        {
            Ok(p) => p
                .items
                .iter()
                .map(|o| o.row.subtree_member_count)
                .sum::<i64>()
                .to_string(),
            Err(_) => "—".into(),
        },
    };
    let list = |before: chrono::NaiveDate| ListOrgs {
        term_due_before: Some(before.to_string()),
        per_page: Some(20),
        ..Default::default()
    };
    let (overdue, overdue_more) = match orgs::list(&s.db, &v.actor, list(today)).await {
        Ok(p) => (
            p.items.iter().map(|o| due_view(v.lang, o)).collect(),
            p.next.is_some(),
        ),
        Err(_) => (Vec::new(), false),
    };
    let soon = today + chrono::Months::new(6);
    let (due, due_more) = match orgs::list(&s.db, &v.actor, list(soon)).await {
        Ok(p) => (
            p.items
                .iter()
                .filter(|o| !o.term_overdue)
                .map(|o| due_view(v.lang, o))
                .collect(),
            p.next.is_some(),
        ),
        Err(_) => (Vec::new(), false),
    };
    // Last quarter's 三会一课 shortfalls, for scoped users (the whole deployment's report is a
    // page of its own, not a home-page figure).
    let last_quarter = jiceng_domain::orglife::Period::quarter_of(today)
        .previous()
        .to_string();
    let short = match (v.actor.scope_code(), v.actor.role()) {
        (Some(_), Some(r)) if r.reads_records() => {
            jiceng_ops::compliance::report(&s.db, &v.actor, None, &last_quarter)
                .await
                .ok()
                .map(|r| {
                    (
                        r.orgs.len() - r.complying,
                        r.orgs.len(),
                        last_quarter.clone(),
                    )
                })
        }
        _ => None,
    };
    let upcoming = match v.actor.member_id() {
        Some(id) => jiceng_ops::meetings::upcoming_for_member(&s.db, &v.actor, id)
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|m| {
                (
                    m.row.id,
                    m.row.held_on.to_string(),
                    translate(v.lang, m.kind_label).to_string(),
                    m.row.topic,
                )
            })
            .collect(),
        None => Vec::new(),
    };
    render(&HomePage {
        l,
        scope,
        members,
        overdue,
        overdue_more,
        due,
        due_more,
        member_id: v.actor.member_id(),
        short,
        upcoming,
    })
}

// ---- orgs ----

struct NodeView {
    code: String,
    dom: String,
    name: String,
    level: &'static str,
    members: i64,
    expandable: bool,
    overdue: bool,
}

fn node(lang: Lang, o: &OrgView) -> NodeView {
    NodeView {
        dom: o
            .row
            .code
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect(),
        code: o.row.code.clone(),
        name: o.row.name.clone(),
        level: translate(lang, o.level_label),
        members: o.row.subtree_member_count,
        expandable: o.row.level != OrgLevel::CentralHousehold,
        overdue: o.term_overdue,
    }
}

#[derive(Template)]
#[template(path = "orgs.html")]
struct OrgsPage {
    l: Layout,
    q: String,
    nodes: Vec<NodeView>,
}

pub async fn orgs(
    State(s): State<AppState>,
    v: Viewer,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let l = v.layout("orgs", v.layout("", "").t("nav.orgs").to_string());
    let text = field(&q, "q");
    let result = match (&text, v.actor.scope_code()) {
        (Some(t), _) => orgs::list(
            &s.db,
            &v.actor,
            ListOrgs {
                text: Some(t.clone()),
                per_page: Some(100),
                ..Default::default()
            },
        )
        .await
        .map(|p| p.items),
        (None, Some(code)) => orgs::show(&s.db, &v.actor, code).await.map(|d| vec![d.org]),
        (None, None) => orgs::list(
            &s.db,
            &v.actor,
            ListOrgs {
                level: Some("district".into()),
                per_page: Some(500),
                ..Default::default()
            },
        )
        .await
        .map(|p| p.items),
    };
    match result {
        Ok(items) => render(&OrgsPage {
            l,
            q: text.unwrap_or_default(),
            nodes: items.iter().map(|o| node(v.lang, o)).collect(),
        }),
        Err(e) => error_page(v.lang, &e),
    }
}

#[derive(Template)]
#[template(path = "org_children.html")]
struct OrgChildren {
    l: Layout,
    nodes: Vec<NodeView>,
}

pub async fn org_children(
    State(s): State<AppState>,
    v: Viewer,
    Path(code): Path<String>,
) -> Response {
    match orgs::show(&s.db, &v.actor, &code).await {
        Ok(d) => render(&OrgChildren {
            l: v.layout("orgs", ""),
            nodes: d.children.iter().map(|o| node(v.lang, o)).collect(),
        }),
        Err(e) => error_page(v.lang, &e),
    }
}

struct OrgFacts {
    code: String,
    name: String,
    level: &'static str,
    category: &'static str,
    division: String,
    founded: String,
    elected: String,
    term_due: String,
    overdue: bool,
    project: String,
    ends: String,
    members: i64,
    direct: i64,
    unit: String,
    registered_members: i64,
    registered_units: i64,
}

struct SeatView {
    position: &'static str,
    name: String,
    unit: String,
}

struct Crumb {
    code: String,
    name: String,
}

#[derive(Template)]
#[template(path = "org.html")]
struct OrgPage {
    l: Layout,
    is_community: bool,
    can_write: bool,
    /// (date, who, link)
    registrations: Vec<(String, String, String)>,
    reg_error: String,
    o: OrgFacts,
    ancestors: Vec<Crumb>,
    committee: Vec<SeatView>,
    nodes: Vec<NodeView>,
    /// Units sitting in the org's division, for a street or a community.
    units: Vec<super::units::UnitRowView>,
    units_more: bool,
}

pub async fn org(State(s): State<AppState>, v: Viewer, Path(code): Path<String>) -> PageResult {
    org_with(&s, &v, &code, None).await
}

pub(super) async fn org_with(
    s: &AppState,
    v: &Viewer,
    code: &str,
    reg_error: Option<String>,
) -> PageResult {
    let d = orgs::show(&s.db, &v.actor, code).await?;
    let r = &d.org.row;
    let is_community = r.level == OrgLevel::Community && r.category == OrgCategory::Regional;
    let registrations = if is_community {
        match jiceng_ops::registrations::of_community(&s.db, &v.actor, code, true, 1, 50).await {
            Ok(p) => p
                .items
                .into_iter()
                .map(|x| match (x.member_id, x.unit_id) {
                    (Some(m), _) => (
                        x.registered_on.to_string(),
                        format!(
                            "{}（{}）",
                            x.member_name.unwrap_or_default(),
                            v.layout("", "").t("reg.member")
                        ),
                        format!("/members/{m}"),
                    ),
                    (_, unit) => (
                        x.registered_on.to_string(),
                        format!(
                            "{}（{}）",
                            x.unit_name.unwrap_or_default(),
                            v.layout("", "").t("reg.unit")
                        ),
                        unit.map(|u| format!("/units/{u}")).unwrap_or_default(),
                    ),
                })
                .collect(),
            Err(_) => Vec::new(),
        }
    } else {
        Vec::new()
    };
    let o = OrgFacts {
        code: r.code.clone(),
        name: r.name.clone(),
        level: translate(v.lang, d.org.level_label),
        category: translate(v.lang, r.category.label()),
        division: r.division_code.clone(),
        founded: dash(&r.founded_on),
        elected: dash(&r.elected_on),
        term_due: dash(&r.term_due),
        overdue: d.org.term_overdue,
        project: r.project.clone().unwrap_or_default(),
        ends: dash(&r.ends_on),
        members: r.subtree_member_count,
        direct: r.member_count,
        unit: d.unit.as_ref().map(|u| u.name.clone()).unwrap_or_default(),
        registered_members: d.registered_members,
        registered_units: d.registered_units,
    };
    let committee = d
        .committee
        .iter()
        .map(|c| SeatView {
            position: translate(v.lang, c.position.label()),
            name: c.name.clone(),
            unit: c.unit_name.clone().unwrap_or_default(),
        })
        .collect();
    let ancestors = d
        .ancestors
        .iter()
        .map(|a| Crumb {
            code: a.row.code.clone(),
            name: a.row.name.clone(),
        })
        .collect();
    let can_write = v.actor.may_write(&r.path).is_ok();
    let holds_units = [OrgLevel::Street.code(), OrgLevel::Community.code()]
        .contains(&r.level.code())
        && r.category == OrgCategory::Regional;
    let (units, units_more) = if holds_units {
        let q = jiceng_ops::units::ListUnits {
            within: Some(r.division_code.clone()),
            per_page: Some(10),
            ..Default::default()
        };
        match jiceng_ops::units::list(&s.db, &v.actor, q).await {
            Ok(p) => (
                p.items
                    .into_iter()
                    .map(|u| super::units::row(v, u))
                    .collect(),
                p.next.is_some(),
            ),
            Err(_) => (Vec::new(), false),
        }
    } else {
        (Vec::new(), false)
    };
    let l = v.layout("orgs", r.name.clone());
    Ok(render(&OrgPage {
        l,
        is_community,
        can_write,
        registrations,
        reg_error: reg_error.unwrap_or_default(),
        o,
        ancestors,
        committee,
        nodes: d.children.iter().map(|o| node(v.lang, o)).collect(),
        units,
        units_more,
    }))
}

/// 双报到 from the community's side: a member or a unit registers here.
pub async fn org_register(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(code): Path<String>,
    Form(f): FormMap,
) -> Response {
    let number = |k: &str| field(&f, k).map(|n| n.parse::<i64>().map_err(|_| n));
    let result = match (number("member"), number("unit")) {
        (Some(Ok(m)), None) => {
            jiceng_ops::registrations::register_member(&s.db, &v.actor, m, &code, field(&f, "on"))
                .await
                .map(|_| ())
        }
        (None, Some(Ok(u))) => {
            jiceng_ops::registrations::register_unit(&s.db, &v.actor, u, &code, field(&f, "on"))
                .await
                .map(|_| ())
        }
        (Some(Err(bad)), _) | (_, Some(Err(bad))) => Err(OpsError::Invalid(
            jiceng_domain::Invalid::new("member", bad, msg!("应为编号（数字）")),
        )),
        _ => Err(OpsError::Invalid(jiceng_domain::Invalid::new(
            "member",
            "",
            msg!("请填写党员编号或单位编号中的一项"),
        ))),
    };
    match result {
        Ok(()) => go(&headers, &format!("/orgs/{code}")),
        Err(e @ OpsError::Forbidden(_)) => error_page(v.lang, &e),
        Err(e) => org_with(&s, &v, &code, Some(e.render(v.lang)))
            .await
            .into_response(),
    }
}

// ---- members ----

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
#[template(path = "members.html")]
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

fn query_string(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", super::encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

pub async fn members(
    State(s): State<AppState>,
    v: Viewer,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let l = v.layout("members", v.layout("", "").t("nav.members").to_string());
    let f = Filters {
        within: field(&q, "within").unwrap_or_default(),
        name: field(&q, "name").unwrap_or_default(),
        status: field(&q, "status").unwrap_or_default(),
        category: field(&q, "category").unwrap_or_default(),
    };
    let list = ListMembers {
        within: field(&q, "within"),
        status: field(&q, "status"),
        category: field(&q, "category"),
        name: field(&q, "name"),
        after: field(&q, "after"),
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
#[template(path = "member.html")]
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
        l: v.layout("members", m.name.clone()),
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
        evaluations: super::evaluations::lines(v, &d.evaluations),
        can_reveal: v.actor.may_reveal(),
        can_edit,
        can_register: false,
        reg_community: String::new(),
        reg_error: String::new(),
        m,
    }
}

pub async fn member(
    State(s): State<AppState>,
    v: Viewer,
    Path(id): Path<i64>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let reveal = q.get("reveal").is_some_and(|r| r == "1");
    member_with(&s, &v, id, reveal, None).await.into_response()
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
    Form(f): FormMap,
) -> Response {
    let community = field(&f, "community").unwrap_or_default();
    match jiceng_ops::registrations::register_member(
        &s.db,
        &v.actor,
        id,
        &community,
        field(&f, "on"),
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
#[template(path = "member_form.html")]
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
    let l = v.layout("members", title);
    let bad = error.and_then(|e| e.body().field);
    // Editing as a role that sees ID numbers and phones masked: left empty, they stay.
    let keep = action != "/members" && !v.actor.may_reveal();
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
        name: field(f, "name"),
        gender: field(f, "gender"),
        ethnicity: field(f, "ethnicity"),
        birth_date: field(f, "birth_date"),
        id_number: field(f, "id_number"),
        phone: field(f, "phone"),
        education: field(f, "education"),
        joined_on: field(f, "joined_on"),
        full_on: field(f, "full_on"),
        status: field(f, "status"),
        categories: field(f, "categories"),
        org: field(f, "org"),
        residence_division: field(f, "residence_division"),
        employer_unit: None,
    }
}

pub async fn member_new(v: Viewer, Query(q): Query<HashMap<String, String>>) -> Response {
    let title = v.layout("", "").t("member.add").to_string();
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
    Form(f): FormMap,
) -> Response {
    match members::add(&s.db, &v.actor, new_member(&f)).await {
        Ok(m) => go(&headers, &format!("/members/{}", m.id)),
        Err(e) => {
            let title = v.layout("", "").t("member.add").to_string();
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
    let d = members::show(&s.db, &v.actor, id, v.actor.may_reveal()).await?;
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
    let title = v.layout("", "").t("member.edit").to_string();
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
    Form(f): FormMap,
) -> Response {
    match members::update(&s.db, &v.actor, id, new_member(&f)).await {
        Ok(_) => go(&headers, &format!("/members/{id}")),
        Err(e) => {
            let title = v.layout("", "").t("member.edit").to_string();
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

// ---- audit ----

struct AuditFilters {
    actor: String,
    operation: String,
    target: String,
    from: String,
    to: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    l: Layout,
    f: AuditFilters,
    rows: Vec<(i64, String, String, String, String)>,
    next_link: String,
    error: String,
    export_query: String,
}

pub async fn audit(
    State(s): State<AppState>,
    v: Viewer,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let l = v.layout("audit", v.layout("", "").t("nav.audit").to_string());
    let f = AuditFilters {
        actor: field(&q, "actor").unwrap_or_default(),
        operation: field(&q, "operation").unwrap_or_default(),
        target: field(&q, "target").unwrap_or_default(),
        from: field(&q, "from").unwrap_or_default(),
        to: field(&q, "to").unwrap_or_default(),
    };
    let browse = BrowseAudit {
        actor: field(&q, "actor"),
        operation: field(&q, "operation"),
        target: field(&q, "target"),
        from: field(&q, "from"),
        to: field(&q, "to"),
        before: field(&q, "before").and_then(|b| b.parse().ok()),
        limit: Some(50),
    };
    let base = query_string(&[
        ("actor", &f.actor),
        ("operation", &f.operation),
        ("target", &f.target),
        ("from", &f.from),
        ("to", &f.to),
    ]);
    let (rows, next_link, error) = match audit::browse(&s.db, &v.actor, browse).await {
        Ok(p) => {
            let rows = p
                .items
                .into_iter()
                .map(|e| {
                    (
                        e.seq.unwrap_or(0),
                        clock::stamp(e.at),
                        e.actor,
                        e.operation,
                        e.target,
                    )
                })
                .collect();
            let next = p
                .next
                .map(|n| {
                    format!(
                        "/audit?{base}{}before={n}",
                        if base.is_empty() { "" } else { "&" }
                    )
                })
                .unwrap_or_default();
            (rows, next, String::new())
        }
        Err(e @ OpsError::Forbidden(_)) => return error_page(v.lang, &e),
        Err(e) => (Vec::new(), String::new(), e.render(v.lang)),
    };
    render(&AuditPage {
        l,
        f,
        rows,
        next_link,
        error,
        export_query: base,
    })
}

// ---- API reference ----

#[derive(Template)]
#[template(path = "api_docs.html")]
struct ApiDocs {
    l: Layout,
    description: String,
    groups: Vec<(&'static str, Vec<crate::api::openapi::OpView>)>,
}

/// The browsable API reference, rendered from the same table as openapi.json; works offline.
pub async fn api_docs(headers: HeaderMap) -> Response {
    render(&ApiDocs {
        l: bare_layout(&headers, "api.title"),
        description: crate::api::openapi::description(),
        groups: crate::api::openapi::grouped(),
    })
}

/// Labels shown together, each in the page's language.
fn labels(lang: Lang, ls: &[&str]) -> String {
    let sep = if lang == Lang::Zh { "、" } else { ", " };
    ls.iter()
        .map(|l| translate(lang, l))
        .collect::<Vec<_>>()
        .join(sep)
}
