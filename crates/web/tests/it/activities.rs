//! Volunteer activities over HTTP, on the demo city: a community worker publishes one from the
//! page (a bad role line named, the title drawn as text), a member finds it among those to
//! come on the phone page and signs up, the worker shows the QR codes, and the member's
//! volunteer page and certificate answer; the API agrees.

use crate::pages::{Client, files_dir};
use axum::http::StatusCode;

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn a_worker_publishes_an_activity_a_member_signs_up_and_the_codes_are_shown() {
    let (t, summary) = crate::city::demo().await;
    let router = jiceng_web::router(t.db.clone(), files_dir());
    let worker = Client::sign_in(&router, &t.db, "worker", &summary.password).await;
    let community = worker.actor(&t.db).await.scope_code().unwrap().to_string();
    let (st, page) = worker.get("/activities").await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        page.contains("activity-form") && page.contains("data-activity="),
        "the demo's activities"
    );

    let start =
        jiceng_domain::clock::local(jiceng_domain::clock::now() + chrono::Duration::days(2));
    let at = |h: i64| {
        (start + chrono::Duration::hours(h))
            .format("%Y-%m-%d %H:%M")
            .to_string()
    };
    let form = |roles: &str| {
        format!(
            "title={}&community={community}&place={}&starts_at={}&ends_at={}&roles={}&cancel_before_hours=2",
            enc("<i>敬老院探访</i>"),
            enc("敬老院"),
            enc(&at(0)),
            enc(&at(3)),
            enc(roles)
        )
    };
    let (st, page) = worker.post_form("/activities", &form("引导员")).await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        page.contains("（roles）") && page.contains("引导员"),
        "the role line named"
    );
    let to = worker.post("/activities", &form("引导员 1")).await;
    assert!(to.starts_with("/activities/"), "{to}");
    let id: i64 = to.trim_start_matches("/activities/").parse().unwrap();
    let (_, page) = worker.get(&to).await;
    assert!(page.contains("&#60;i&#62;敬老院探访") && !page.contains("<i>敬老院探访"));

    // The member finds it among the activities to come and signs up from the phone page.
    let member = Client::sign_in(&router, &t.db, "member", &summary.password).await;
    let (_, list) = member.get("/activities").await;
    assert!(
        list.contains(&format!("data-activity=\"{id}\"")),
        "listed to come"
    );
    assert!(
        !list.contains("activity-form"),
        "a member publishes nothing"
    );
    let back = member.post(&format!("/activities/{id}/signup"), "").await;
    assert_eq!(back, to);
    let (_, page) = member.get(&to).await;
    assert!(page.contains("data-state=\"confirmed\""), "a place held");
    let (st, api) = member
        .json(
            "GET",
            &format!("/api/v1/activities/{id}"),
            &serde_json::Value::Null,
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(api["mine"]["state"], "confirmed");
    assert_eq!(
        api["roster"].as_array().unwrap().len(),
        0,
        "a member sees no roster"
    );
    // A second sign-up is named and changes nothing.
    let (st, page) = member
        .post_form(&format!("/activities/{id}/signup"), "")
        .await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        page.contains("（activity_id）"),
        "{}",
        &page[..200.min(page.len())]
    );

    // The worker's roster and QR codes; the member may not open the codes.
    let (_, page) = worker.get(&to).await;
    assert!(page.contains("data-signup="), "the roster lists the member");
    let (st, page) = worker.get(&format!("/activities/{id}/codes")).await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        page.contains(&format!("/activities/{id}/scan?code={id}.in.")) && page.contains("<svg")
    );
    let (st, _) = member.get(&format!("/activities/{id}/codes")).await;
    assert_eq!(st, StatusCode::FORBIDDEN);

    // The member's volunteer page lists the sign-up; their certificate opens.
    let (st, page) = member.get("/volunteers/me").await;
    assert_eq!(st, StatusCode::OK);
    assert!(page.contains(&format!("/activities/{id}\"")), "my sign-ups");
    let (st, page) = member.get("/volunteers/me/certificate").await;
    assert_eq!(st, StatusCode::OK);
    assert!(page.contains("志愿服务记录证明"));
    let (st, page) = worker.get("/volunteers").await;
    assert_eq!(st, StatusCode::OK);
    assert!(page.contains("data-volunteer="));
    let (st, page) = worker.get("/teams").await;
    assert_eq!(st, StatusCode::OK);
    assert!(page.contains("data-team="));
}
