//! The home page: the viewer's scope, its members and the elections coming due.

use super::{Layout, Viewer, render};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use jiceng_domain::Lang;
use jiceng_domain::accounts::Duty;
use jiceng_domain::clock;
use jiceng_domain::msg::translate;
use jiceng_ops::orgs;
use jiceng_ops::orgs::{ListOrgs, OrgView};

use super::form::dash;

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
    /// What waits on a grid worker, a department handler or a member; none for the desk roles,
    /// whose home is their scope's figures.
    agenda: jiceng_ops::home::Agenda,
    /// The cases the agenda lists: id, code, title, status, warning.
    cases: Vec<(i64, String, String, String, String)>,
}

impl HomePage {
    /// The home is the scope's figures (the desk roles), not a role's own agenda.
    fn desk(&self) -> bool {
        self.agenda.grid.is_none()
            && self.agenda.department.is_none()
            && self.agenda.member.is_none()
    }
}

fn case_lines(
    lang: Lang,
    cases: &[jiceng_ops::cases::views::CaseView],
) -> Vec<(i64, String, String, String, String)> {
    cases
        .iter()
        .map(|c| {
            (
                c.row.id,
                c.row.code.clone(),
                c.row.title.clone(),
                translate(lang, c.status_label).to_string(),
                c.warning
                    .map(|w| translate(lang, w.label()).to_string())
                    .unwrap_or_default(),
            )
        })
        .collect()
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
    // The three administrators do no business work: each starts at their own duty's page.
    if let Some(duty) = v.actor.role().and_then(|r| r.duty()) {
        return Redirect::to(match duty {
            Duty::System => "/users",
            Duty::Security => "/security",
            Duty::Audit => "/audit",
        })
        .into_response();
    }
    if v.actor.role() == Some(jiceng_domain::Role::Resident) {
        return Redirect::to("/resident").into_response();
    }
    let l = v.layout(v.t("nav.home").to_string());
    let agenda = match jiceng_ops::home::agenda(&s.db, &v.actor).await {
        Ok(a) => a,
        Err(e) => return super::error_page(v.lang, &e),
    };
    let cases = case_lines(
        v.lang,
        match (&agenda.grid, &agenda.department) {
            (Some(g), _) => &g.cases,
            (_, Some(d)) => &d.cases,
            _ => &[],
        },
    );
    let upcoming = match v.actor.member_id() {
        Some(id) => jiceng_ops::orglife::meetings::upcoming_for_member(&s.db, &v.actor, id)
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
    let mut page = HomePage {
        l,
        scope: String::new(),
        members: String::new(),
        overdue: Vec::new(),
        overdue_more: false,
        due: Vec::new(),
        due_more: false,
        member_id: v.actor.member_id(),
        short: None,
        upcoming,
        agenda,
        cases,
    };
    if !page.desk() {
        return render(&page);
    }
    let l = &page.l;
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
            jiceng_ops::orglife::compliance::report(&s.db, &v.actor, None, &last_quarter)
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
    page.scope = scope;
    page.members = members;
    (page.overdue, page.overdue_more) = (overdue, overdue_more);
    (page.due, page.due_more) = (due, due_more);
    page.short = short;
    render(&page)
}
