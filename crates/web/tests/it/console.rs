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
                assert_eq!(tabs.len(), 4, "the member's tab bar: {tabs:?}");
                assert!(tabs[1].ends_with("/points"), "{tabs:?}");
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
