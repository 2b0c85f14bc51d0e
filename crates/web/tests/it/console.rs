//! The console per role: every link of the sidebar and of the phone's tab bar opens for the
//! role that sees it, administrators' links are not shown to those who work in the field, and
//! the trail names where the page sits; on the demo city.

use crate::pages::{files_dir, get, sign_in};
use axum::http::StatusCode;

/// The addresses of the links in one part of a page (`<aside class="side"` …).
fn links(page: &str, part: &str, end: &str) -> Vec<String> {
    let Some(start) = page.find(part) else {
        return Vec::new();
    };
    let rest = &page[start..];
    let rest = &rest[..rest.find(end).unwrap_or(rest.len())];
    rest.split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(|h| h.replace("&amp;", "&"))
        .collect()
}

#[tokio::test]
async fn each_role_sees_only_links_it_may_open() {
    let (t, summary) = crate::city::demo().await;
    let router = jiceng_web::router(t.db.clone(), files_dir());
    for account in &summary.accounts {
        let cookie = sign_in(&router, &account.username, &summary.password).await;
        let (st, home, _) = get(&router, "/", &cookie).await;
        assert_eq!(st, StatusCode::OK, "{}", account.username);
        let side = links(&home, "<aside class=\"side\"", "</aside>");
        let tabs = links(&home, "<nav class=\"tabbar\"", "</nav>");
        assert!(side.len() > 1, "{}: {side:?}", account.username);
        for href in side.iter().chain(&tabs) {
            let (st, _, _) = get(&router, href, &cookie).await;
            assert_eq!(st, StatusCode::OK, "{} opens {href}", account.username);
        }
        let role = jiceng_domain::Role::parse(account.role).unwrap().code();
        for admin_link in ["/tokens", "/import", "/audit", "/api", "/users"] {
            if matches!(role, "grid_worker" | "member") {
                assert!(
                    !side.iter().any(|h| h == admin_link),
                    "{role} is not shown {admin_link}"
                );
            }
        }
        match role {
            "grid_worker" => assert_eq!(
                tabs,
                ["/patrols", "/cases?status=verifying", "/cases/new", "/me"],
                "the grid worker's tab bar"
            ),
            "member" => {
                assert_eq!(tabs.len(), 6, "the member's tab bar: {tabs:?}");
                assert_eq!(tabs[4], "/activities", "{tabs:?}");
                assert!(tabs[1].ends_with("/meetings"), "{tabs:?}");
                assert!(tabs[2].ends_with("/points"), "{tabs:?}");
            }
            _ => assert!(tabs.is_empty(), "{role} works at a desk: {tabs:?}"),
        }
    }
    // The trail names the page's domain and its link.
    let cookie = sign_in(&router, "street", &summary.password).await;
    let (_, page, _) = get(&router, "/points/pending", &cookie).await;
    let trail = &page[page.find("<nav class=\"trail\"").expect("a trail")..];
    let trail = &trail[..trail.find("</nav>").unwrap()];
    assert!(
        trail.contains("积分与考核") && trail.contains("积分审批"),
        "{trail}"
    );
    assert!(
        page.contains("<a href=\"/points/pending\" class=\"on\" aria-current=\"page\">"),
        "the closest link is marked, not /points"
    );
}

/// The number shown in the stat card whose label is `label`.
fn stat(page: &str, label: &str) -> Option<String> {
    let at = page.find(&format!("<div class=\"label\">{label}</div>"))?;
    let rest = &page[at..];
    let value = &rest[rest.find("<div class=\"value")?..];
    let value = &value[value.find('>')? + 1..];
    Some(
        value
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '+')
            .collect(),
    )
}

#[tokio::test]
async fn each_role_s_home_shows_its_own_work() {
    use crate::pages::Client;
    let (t, summary) = crate::city::demo().await;
    let router = jiceng_web::router(t.db.clone(), files_dir());
    // A fresh whistle to two departments, the demo handler's among them, waits for reports.
    let op = jiceng_ops::Actor::operator();
    let whistled = jiceng_ops::cases::intake::take_in(
        &t.db,
        &op,
        jiceng_ops::cases::intake::NewCase {
            title: Some("路面塌陷".into()),
            category: Some("road".into()),
            community: Some("C350302001001".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    jiceng_ops::cases::moves::apply(
        &t.db,
        &op,
        whistled.id,
        jiceng_ops::cases::moves::Move {
            action: Some("dispatch".into()),
            departments: vec!["cgj".into(), "zjj".into()],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    for account in &summary.accounts {
        let role = jiceng_domain::Role::parse(account.role).unwrap();
        let client = Client::sign_in(&router, &t.db, &account.username, &summary.password).await;
        let actor = client.actor(&t.db).await;
        let (st, home) = client.get("/").await;
        assert_eq!(st, StatusCode::OK);
        let scope_figures = home.contains("范围内党员");
        match role.code() {
            "grid_worker" => {
                let day = jiceng_ops::grids::patrols::my_day(&t.db, &actor)
                    .await
                    .unwrap();
                let mine = jiceng_ops::grids::patrols::my_cases(&t.db, &actor)
                    .await
                    .unwrap();
                assert_eq!(stat(&home, "今日巡查"), Some(day.minutes.to_string()));
                assert_eq!(
                    stat(&home, "待我核查"),
                    Some(mine.verifying.len().to_string())
                );
                let late = mine
                    .open
                    .iter()
                    .filter(|c| c.warning == Some(jiceng_domain::cases::Warning::Overdue))
                    .count();
                assert_eq!(stat(&home, "网格内超期案件"), Some(late.to_string()));
                assert!(!scope_figures, "a grid worker's home is their day");
            }
            "department_handler" => {
                let q = jiceng_ops::cases::views::InboxQuery {
                    limit: Some(200),
                    ..Default::default()
                };
                let inbox = jiceng_ops::cases::views::inbox(&t.db, &actor, q)
                    .await
                    .unwrap();
                let late = inbox
                    .items
                    .iter()
                    .filter(|c| c.warning == Some(jiceng_domain::cases::Warning::Overdue))
                    .count();
                assert_eq!(stat(&home, "已超期"), Some(late.to_string()), "{home}");
                let open = format!(
                    "{}{}",
                    inbox.items.len(),
                    if inbox.next.is_some() { "+" } else { "" }
                );
                assert_eq!(stat(&home, "待办（含吹哨报到）"), Some(open));
                for c in inbox.items.iter().take(5) {
                    assert!(
                        home.contains(&format!("href=\"/cases/{}\"", c.row.id)),
                        "the first cases are listed"
                    );
                }
                assert!(home.contains("href=\"/inbox\""));
                assert!(!scope_figures, "a handler's home is the department's inbox");
                // Summonses to report: recounted over the inbox's cases, whose summonses
                // for this department are not yet answered.
                let mine = actor.department_id().unwrap();
                let mut waiting = 0;
                for c in &inbox.items {
                    let d = jiceng_ops::cases::views::show(&t.db, &actor, c.row.id, false)
                        .await
                        .unwrap();
                    waiting += d
                        .summons
                        .iter()
                        .filter(|s| s.department_id == mine && s.reported_at.is_none())
                        .count();
                }
                assert!(inbox.next.is_none(), "the demo's inbox is one page");
                assert!(waiting > 0, "the demo's department has whistles to answer");
                assert_eq!(
                    stat(&home, "吹哨待报到"),
                    Some(waiting.to_string()),
                    "{home}"
                );
            }
            "member" => {
                let id = actor.member_id().unwrap();
                let year = chrono::Datelike::year(&jiceng_domain::clock::today()).to_string();
                let ledger = jiceng_ops::points::ledger(&t.db, &actor, id, "accrual", Some(&year))
                    .await
                    .unwrap();
                assert_eq!(
                    stat(&home, &format!("{year} 年积分")),
                    Some(ledger.total.to_string())
                );
                assert!(home.contains("双报到社区"));
                // The 会议 tab lists the meetings planned for the member, soonest first.
                let planned = jiceng_ops::orglife::meetings::upcoming_for_member(&t.db, &actor, id)
                    .await
                    .unwrap();
                assert!(
                    !planned.is_empty(),
                    "the demo plans meetings for its member"
                );
                let (st, mine) = client.get(&format!("/members/{id}/meetings")).await;
                assert_eq!(st, StatusCode::OK);
                assert_eq!(
                    mine.matches("<li><strong>").count(),
                    planned.len(),
                    "{mine}"
                );
                let mut at = 0;
                for m in &planned {
                    let found = mine[at..]
                        .find(&m.row.topic)
                        .unwrap_or_else(|| panic!("{} in order", m.row.topic));
                    at += found + m.row.topic.len();
                }
                // The place among the branch's members, as the branch's ranking has it.
                let file = jiceng_ops::members::show(&t.db, &actor, id, false)
                    .await
                    .unwrap();
                let q = jiceng_ops::points::RankingQuery {
                    within: Some(file.member.org_code.clone()),
                    period: Some(year.clone()),
                    per_page: Some(500),
                    ..Default::default()
                };
                let ranking = jiceng_ops::points::ranking(&t.db, &jiceng_ops::Actor::operator(), q)
                    .await
                    .unwrap();
                let mine = ranking.items.iter().find(|r| r.member_id == id).unwrap();
                let place = format!("在本支部 {} 名党员中排第 {} 名", ranking.members, mine.rank);
                assert!(home.contains(&place), "{place}: {home}");
                let q = jiceng_ops::wishes::ListWishes {
                    status: Some("open".into()),
                    limit: Some(200),
                    ..Default::default()
                };
                let open = jiceng_ops::wishes::list(&t.db, &actor, q).await.unwrap();
                assert_eq!(
                    stat(&home, "可认领的微心愿"),
                    Some(format!(
                        "{}{}",
                        open.items.len(),
                        if open.next.is_some() { "+" } else { "" }
                    ))
                );
                // Service this year, from the city's records as the operator pages them.
                let (mut minutes, mut after) = (0, None);
                loop {
                    let q = jiceng_ops::service::ListService {
                        from: Some(format!("{year}-01-01")),
                        after: after.take(),
                        limit: Some(500),
                        ..Default::default()
                    };
                    let p = jiceng_ops::service::list(&t.db, &jiceng_ops::Actor::operator(), q)
                        .await
                        .unwrap();
                    minutes += p
                        .items
                        .iter()
                        .filter(|s| s.member_id == Some(id))
                        .map(|s| s.minutes)
                        .sum::<i64>();
                    match p.next {
                        Some(n) => after = Some(n),
                        None => break,
                    }
                }
                assert_eq!(
                    stat(&home, "本年志愿服务"),
                    Some((minutes / 60).to_string())
                );
                assert!(
                    !scope_figures && !home.contains("全域"),
                    "a member is shown their own year, not a scope"
                );
            }
            "community_secretary" | "community_worker" => {
                let today = jiceng_domain::clock::today();
                let month = format!(
                    "{}-{:02}",
                    chrono::Datelike::year(&today),
                    chrono::Datelike::month(&today)
                );
                let report = jiceng_ops::orglife::compliance::report(&t.db, &actor, None, &month)
                    .await
                    .unwrap();
                let owed = report
                    .orgs
                    .iter()
                    .filter(|o| o.pending > 0 || !o.missed.is_empty())
                    .count();
                assert!(owed > 0, "a month in progress owes meetings in the demo");
                assert_eq!(stat(&home, "本月三会一课未完成"), Some(owed.to_string()));
                let q = jiceng_ops::points::PendingQuery {
                    limit: Some(200),
                    ..Default::default()
                };
                let pending = jiceng_ops::points::pending(&t.db, &actor, q).await.unwrap();
                assert_eq!(
                    stat(&home, "待审批积分"),
                    Some(pending.items.len().to_string())
                );
                let q = jiceng_ops::wishes::ListWishes {
                    status: Some("claimed".into()),
                    limit: Some(200),
                    ..Default::default()
                };
                let claimed = jiceng_ops::wishes::list(&t.db, &actor, q).await.unwrap();
                assert_eq!(
                    stat(&home, "待确认心愿"),
                    Some(claimed.items.len().to_string())
                );
                let q = jiceng_ops::cobuilding::ListAgreements {
                    year: Some(chrono::Datelike::year(&today)),
                    limit: Some(500),
                    ..Default::default()
                };
                let agreements = jiceng_ops::cobuilding::list(&t.db, &actor, q)
                    .await
                    .unwrap();
                let soon = today + chrono::Days::new(30);
                let due = jiceng_ops::cobuilding::commitments_of(&t.db, &actor, &agreements.items)
                    .await
                    .unwrap()
                    .iter()
                    .filter(|c| c.done_on.is_none() && c.due_on <= soon)
                    .count();
                assert_eq!(stat(&home, "30 天内到期的共建承诺"), Some(due.to_string()));
                assert!(scope_figures, "and the scope's figures below");
            }
            _ => assert!(scope_figures, "{}: the scope's figures", account.username),
        }
    }
}

#[tokio::test]
async fn the_org_picker_offers_the_orgs_of_the_scope_alone() {
    use crate::pages::Client;
    let (t, summary) = crate::city::demo().await;
    let router = jiceng_web::router(t.db.clone(), files_dir());
    let street = Client::sign_in(&router, &t.db, "street", &summary.password).await;
    let scope = street.actor(&t.db).await.scope_path().to_string();
    let all = jiceng_ops::orgs::list(
        &t.db,
        &jiceng_ops::Actor::operator(),
        jiceng_ops::orgs::ListOrgs {
            level: Some("community".into()),
            per_page: Some(500),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .items;
    let inside = all.iter().find(|o| o.row.path.starts_with(&scope)).unwrap();
    let outside = all
        .iter()
        .find(|o| !o.row.path.starts_with(&scope))
        .unwrap();
    // Percent-encoded as a browser sends it.
    let ask = |name: &str| {
        let q: String = name.bytes().map(|b| format!("%{b:02X}")).collect();
        format!("/orgs/pick?name=q&level=community&q={q}")
    };
    let (st, found) = street.get(&ask(&inside.row.name)).await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        found.contains(&format!("data-code=\"{}\"", inside.row.code)),
        "{found}"
    );
    let (_, other) = street.get(&ask(&outside.row.name)).await;
    assert!(
        !other.contains(&format!("data-code=\"{}\"", outside.row.code)),
        "another street's community is not offered: {other}"
    );
    assert!(other.contains("范围内没有匹配的党组织"), "{other}");
    // A case's or a registration's community may be any: that picker finds it for a grid
    // worker too, by name, and offers nothing but communities.
    let grid = Client::sign_in(&router, &t.db, "grid", &summary.password).await;
    let q: String = outside
        .row
        .name
        .bytes()
        .map(|b| format!("%{b:02X}"))
        .collect();
    let (st, found) = grid
        .get(&format!("/orgs/pick?name=q&anywhere=1&q={q}"))
        .await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        found.contains(&format!("data-code=\"{}\"", outside.row.code)),
        "{found}"
    );
    assert!(!found.contains("党支部"), "{found}");

    // Browsing the tree: the top of the street's scope, whose node opens to its communities,
    // which are picked; another street's node does not open.
    let street_code = street.actor(&t.db).await.scope_code().unwrap().to_string();
    let (_, top) = street
        .get("/orgs/pick?browse=1&name=community&level=community")
        .await;
    assert!(top.contains(&format!("under={street_code}")), "{top}");
    assert!(
        !top.contains(&format!("data-code=\"{street_code}\"")),
        "a street is not a community"
    );
    let (_, below) = street
        .get(&format!(
            "/orgs/pick?browse=1&name=community&level=community&under={street_code}"
        ))
        .await;
    assert!(
        below.contains(&format!("data-code=\"{}\"", inside.row.code)),
        "{below}"
    );
    let other_street = outside
        .row
        .path
        .trim_matches('/')
        .split('/')
        .nth(1)
        .unwrap();
    let other_street = jiceng_ops::orgs::list(
        &t.db,
        &jiceng_ops::Actor::operator(),
        jiceng_ops::orgs::ListOrgs {
            level: Some("street".into()),
            per_page: Some(500),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .items
    .into_iter()
    .find(|o| o.row.id.to_string() == other_street)
    .unwrap();
    let (st, refused) = street
        .get(&format!(
            "/orgs/pick?browse=1&name=community&level=community&under={}",
            other_street.row.code
        ))
        .await;
    assert_eq!(st, StatusCode::OK);
    assert!(!refused.contains("data-code"), "{refused}");
    assert!(refused.contains("范围内没有匹配的党组织"), "{refused}");

    // Members and units are picked by name within the scope.
    let street_actor = street.actor(&t.db).await;
    let op = jiceng_ops::Actor::operator();
    let members_of = |who: jiceng_ops::Actor| {
        let db = t.db.clone();
        async move {
            jiceng_ops::members::list(
                &db,
                &who,
                jiceng_ops::members::ListMembers {
                    limit: Some(500),
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .items
        }
    };
    let mine = members_of(street_actor.clone()).await;
    let all = members_of(op.clone()).await;
    let near = &mine[0];
    let far = all
        .iter()
        .find(|m| !mine.iter().any(|x| x.id == m.id))
        .unwrap();
    let ask = |path: &str, name: &str| {
        let q: String = name.bytes().map(|b| format!("%{b:02X}")).collect();
        format!("{path}?name=q&q={q}")
    };
    let (_, found) = street.get(&ask("/members/pick", &near.name)).await;
    assert!(
        found.contains(&format!("data-code=\"{}\"", near.id)),
        "{found}"
    );
    let (st, other) = street.get(&ask("/members/pick", &far.name)).await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        !other.contains(&format!("data-code=\"{}\"", far.id)),
        "{other}"
    );
    let units_of = |who: jiceng_ops::Actor| {
        let db = t.db.clone();
        async move {
            jiceng_ops::units::list(
                &db,
                &who,
                jiceng_ops::units::ListUnits {
                    per_page: Some(500),
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .items
        }
    };
    let ours = units_of(street_actor).await;
    let theirs = units_of(op).await;
    let unit = &ours[0];
    let (_, found) = street.get(&ask("/units/pick", &unit.row.name)).await;
    assert!(
        found.contains(&format!("data-code=\"{}\"", unit.row.id)),
        "{found}"
    );
    let far = theirs
        .iter()
        .find(|u| !ours.iter().any(|x| x.row.id == u.row.id))
        .expect("a unit of another street");
    let (st, other) = street.get(&ask("/units/pick", &far.row.name)).await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        !other.contains(&format!("data-code=\"{}\"", far.row.id)),
        "{other}"
    );
}
