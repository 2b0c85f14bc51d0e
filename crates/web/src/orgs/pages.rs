//! The org tree: the lazy tree and search, one org's page, and 双报到 from the community's side.

use crate::AppState;
use crate::pages::{Layout, PageResult, Viewer, error_page, go, render};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use jiceng_domain::msg::translate;
use jiceng_domain::{Lang, msg};
use jiceng_domain::{OrgCategory, OrgLevel};
use jiceng_ops::orgs::{ListOrgs, OrgView};
use jiceng_ops::{OpsError, orgs};
use std::collections::HashMap;

use crate::pages::form::{Values, dash, value};

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
#[template(path = "orgs/orgs.html")]
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
    let l = v.layout(v.t("nav.orgs").to_string());
    let text = value(&q, "q");
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
#[template(path = "orgs/org_children.html")]
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
            l: v.layout(""),
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
#[template(path = "orgs/org.html")]
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
    units: Vec<crate::units::pages::UnitRowView>,
    units_more: bool,
}

pub async fn org(State(s): State<AppState>, v: Viewer, Path(code): Path<String>) -> PageResult {
    org_with(&s, &v, &code, None).await
}

pub(crate) async fn org_with(
    s: &AppState,
    v: &Viewer,
    code: &str,
    reg_error: Option<String>,
) -> PageResult {
    let d = orgs::show(&s.db, &v.actor, code).await?;
    let r = &d.org.row;
    let is_community = r.level == OrgLevel::Community && r.category == OrgCategory::Regional;
    let registrations = if is_community {
        match jiceng_ops::registrations::of_community(&s.db, &v.actor, code, true, None, 50).await {
            Ok(p) => p
                .items
                .into_iter()
                .map(|x| match (x.member_id, x.unit_id) {
                    (Some(m), _) => (
                        x.registered_on.to_string(),
                        format!(
                            "{}（{}）",
                            x.member_name.unwrap_or_default(),
                            v.t("reg.member")
                        ),
                        format!("/members/{m}"),
                    ),
                    (_, unit) => (
                        x.registered_on.to_string(),
                        format!("{}（{}）", x.unit_name.unwrap_or_default(), v.t("reg.unit")),
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
                    .map(|u| crate::units::pages::row(v, u))
                    .collect(),
                p.next.is_some(),
            ),
            Err(_) => (Vec::new(), false),
        }
    } else {
        (Vec::new(), false)
    };
    let l = v.layout(r.name.clone());
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
    Form(f): Form<Values>,
) -> Response {
    let number = |k: &str| value(&f, k).map(|n| n.parse::<i64>().map_err(|_| n));
    let result = match (number("member"), number("unit")) {
        (Some(Ok(m)), None) => {
            jiceng_ops::registrations::register_member(&s.db, &v.actor, m, &code, value(&f, "on"))
                .await
                .map(|_| ())
        }
        (None, Some(Ok(u))) => {
            jiceng_ops::registrations::register_unit(&s.db, &v.actor, u, &code, value(&f, "on"))
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
