//! The console around every signed-in page: a left sidebar grouped by domain, the trail to
//! the page, and on phones a bottom tab bar for the roles that work on them. Each link is
//! shown only if the actor's console offers its area (`jiceng_ops::console::may_use`).

use jiceng_ops::Actor;
use jiceng_ops::console::{Area, may_use};

/// A link of the sidebar or the tab bar; `label` is a key of the strings catalogue.
#[derive(Debug, Clone)]
pub struct Link {
    pub href: String,
    pub label: &'static str,
    pub on: bool,
}

/// A group of the sidebar: a domain of work and the links the actor may open in it.
#[derive(Debug, Clone)]
pub struct Group {
    pub label: &'static str,
    pub links: Vec<Link>,
}

/// A link of the sidebar as written here: its area, address and label.
type Entry = (Area, &'static str, &'static str);

/// The sidebar's groups in order, each link with its area.
const GROUPS: &[(&str, &[Entry])] = &[
    (
        "console.orgs",
        &[
            (Area::Orgs, "/orgs", "nav.orgs"),
            (Area::Members, "/members", "nav.members"),
            (Area::Units, "/units", "nav.units"),
            (Area::Import, "/import", "nav.import"),
        ],
    ),
    (
        "console.orglife",
        &[
            (Area::Meetings, "/meetings", "console.meetings"),
            (Area::Compliance, "/compliance", "nav.compliance"),
        ],
    ),
    (
        "console.points",
        &[
            (Area::Points, "/points", "nav.points"),
            (
                Area::PendingPoints,
                "/points/pending",
                "console.pending_points",
            ),
            (Area::Assessment, "/assessment", "nav.assessment"),
            (Area::Evaluations, "/evaluations", "nav.evaluations"),
        ],
    ),
    (
        "console.cobuilding",
        &[
            (Area::Cobuilding, "/cobuilding", "nav.cobuilding"),
            (Area::Service, "/service", "nav.service"),
            (Area::Wishes, "/wishes", "nav.wishes"),
            (Area::Residents, "/residents", "nav.residents"),
            (Area::Needs, "/needs", "nav.needs"),
            (Area::Resources, "/resources", "nav.resources"),
            (Area::Projects, "/projects", "nav.projects"),
            (Area::Matching, "/matching", "nav.matching"),
            (Area::Errands, "/errands", "nav.errands"),
            (Area::Problems, "/problems", "nav.problems"),
            (Area::Positions, "/positions", "nav.positions"),
            (Area::Circle, "/circle", "nav.circle"),
            (Area::Volunteers, "/volunteers", "nav.volunteers"),
            (Area::Volunteers, "/teams", "nav.teams"),
            (Area::Activities, "/activities", "nav.activities"),
            (Area::Rooms, "/rooms", "nav.rooms"),
            (Area::Bookings, "/bookings", "nav.bookings"),
            (Area::NeedFigures, "/needs/figures", "nav.need_figures"),
        ],
    ),
    (
        "console.grids",
        &[
            (Area::Cases, "/cases", "nav.cases"),
            (Area::NewCase, "/cases/new", "console.new_case"),
            (Area::Inbox, "/inbox", "console.inbox"),
            (Area::Grids, "/grids", "console.grids_map"),
            (Area::Patrols, "/patrols", "console.patrols"),
            (Area::Rates, "/rates", "console.rates"),
        ],
    ),
    (
        "console.system",
        &[
            (Area::Users, "/users", "nav.users"),
            (Area::Settings, "/settings", "nav.settings"),
            (Area::Security, "/security", "nav.security"),
            (Area::Audit, "/audit", "nav.audit"),
            (Area::LoginLog, "/login-log", "console.login_log"),
            (Area::Tokens, "/tokens", "nav.tokens"),
            (Area::ApiDocs, "/api", "nav.api"),
        ],
    ),
];

/// Whether `href` is the page at `path` or a page below it (`/cases` for `/cases/12`).
fn leads_to(href: &str, path: &str) -> bool {
    let href = path_of(href);
    path == href || (href != "/" && path.starts_with(href) && path[href.len()..].starts_with('/'))
}

/// The path a link leads to, without its query.
fn path_of(href: &str) -> &str {
    href.split('?').next().unwrap_or(href)
}

/// Marks the one link that leads to `path` most closely (by its path: the query of a link
/// filters its page, it does not make it closer).
fn mark<'a>(links: impl Iterator<Item = &'a mut Link>, path: &str) {
    let mut best: Option<&mut Link> = None;
    for l in links {
        if leads_to(&l.href, path)
            && best
                .as_ref()
                .is_none_or(|b| path_of(&l.href).len() > path_of(&b.href).len())
        {
            best = Some(l);
        }
    }
    if let Some(l) = best {
        l.on = true;
    }
}

/// The sidebar for the actor, with the link to the page at `path` marked.
pub fn sidebar(actor: &Actor, path: &str) -> Vec<Group> {
    let mut groups: Vec<Group> = GROUPS
        .iter()
        .map(|(label, links)| Group {
            label,
            links: links
                .iter()
                .filter(|(area, _, _)| may_use(actor, *area))
                .map(|(_, href, label)| Link {
                    href: href.to_string(),
                    label,
                    on: false,
                })
                .collect(),
        })
        .filter(|g| !g.links.is_empty())
        .collect();
    mark(groups.iter_mut().flat_map(|g| g.links.iter_mut()), path);
    groups
}

/// The trail to the page: its group and its link, when the sidebar holds it.
pub fn trail(groups: &[Group]) -> Option<(&'static str, Link)> {
    groups
        .iter()
        .find_map(|g| g.links.iter().find(|l| l.on).map(|l| (g.label, l.clone())))
}

/// The phone's tab bar, for the roles that work on phones: none for the others.
pub fn tabs(actor: &Actor, path: &str) -> Vec<Link> {
    use jiceng_domain::Role;
    let link = |href: String, label| Link {
        href,
        label,
        on: false,
    };
    let mut tabs = match (actor.role(), actor.member_id()) {
        (Some(Role::GridWorker), _) => vec![
            link("/patrols".into(), "tab.patrols"),
            link("/cases?status=verifying".into(), "tab.verify"),
            link("/cases/new".into(), "tab.report"),
            link("/me".into(), "tab.me"),
        ],
        (Some(Role::Resident), _) => vec![
            link("/resident".into(), "tab.home"),
            link("/needs".into(), "tab.needs"),
            link("/wishes".into(), "tab.wishes"),
            link("/errands".into(), "tab.errands"),
            link("/activities".into(), "tab.activities"),
        ],
        (Some(Role::Member), Some(id)) => vec![
            link("/".into(), "tab.home"),
            link(format!("/members/{id}/meetings"), "tab.meetings"),
            link(format!("/members/{id}/points"), "tab.points"),
            link("/wishes".into(), "tab.wishes"),
            link("/activities".into(), "tab.activities"),
            link("/me".into(), "tab.me"),
        ],
        _ => Vec::new(),
    };
    mark(tabs.iter_mut(), path);
    tabs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_leads_to_its_page_and_the_pages_below_it() {
        assert!(leads_to("/cases", "/cases"));
        assert!(leads_to("/cases", "/cases/12"));
        assert!(!leads_to("/cases", "/casesx"));
        assert!(leads_to("/", "/"));
        assert!(!leads_to("/", "/cases"));
        assert!(leads_to("/cases?status=verifying", "/cases"));
    }

    #[test]
    fn the_closest_link_is_marked_alone() {
        let mut links = [
            Link {
                href: "/points".into(),
                label: "a",
                on: false,
            },
            Link {
                href: "/points/pending".into(),
                label: "b",
                on: false,
            },
        ];
        mark(links.iter_mut(), "/points/pending");
        assert_eq!(
            links.iter().map(|l| l.on).collect::<Vec<_>>(),
            [false, true]
        );
        let mut tabs = [
            Link {
                href: "/cases?status=verifying".into(),
                label: "a",
                on: false,
            },
            Link {
                href: "/cases/new".into(),
                label: "b",
                on: false,
            },
        ];
        mark(tabs.iter_mut(), "/cases/new");
        assert_eq!(
            tabs.iter().map(|l| l.on).collect::<Vec<_>>(),
            [false, true],
            "a query does not bring a link closer"
        );
    }
}
