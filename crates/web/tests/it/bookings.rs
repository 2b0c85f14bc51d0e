//! Shared rooms over HTTP, on the demo city: the unit's liaison registers a room from the page;
//! a community worker books it (the purpose drawn as text), is refused an overlapping slot by
//! name; a worker of another community sees the booking as a busy time only; the liaison's
//! refusal without a reason is named on the room's page.

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

/// A regional community of the demo city other than `code`.
async fn another_community(db: &jiceng_store::Db, code: &str) -> String {
    let sql = "SELECT code FROM orgs WHERE level = 'community' AND category = 'regional' AND code <> $1 ORDER BY id LIMIT 1";
    match db {
        jiceng_store::Db::Sqlite(p, _) => sqlx::query_scalar(sql).bind(code).fetch_one(p).await,
        jiceng_store::Db::Pg(p) => sqlx::query_scalar(sql).bind(code).fetch_one(p).await,
    }
    .unwrap()
}

#[tokio::test]
async fn a_units_room_is_booked_from_the_pages_and_others_see_only_the_time() {
    let (t, summary) = crate::city::demo().await;
    let router = jiceng_web::router(t.db.clone(), files_dir());
    let liaison = Client::sign_in(&router, &t.db, "liaison", &summary.password).await;
    let (st, page) = liaison.get("/rooms").await;
    assert_eq!(st, StatusCode::OK);
    assert!(page.contains("room-form"));
    let to = liaison
        .post(
            "/rooms",
            &format!(
                "name={}&opens=08%3A30&closes=17%3A30&buffer_minutes=15&shared=1&needs_approval=1",
                enc("三楼会议室")
            ),
        )
        .await;
    assert!(to.starts_with("/rooms/"), "{to}");
    let room: i64 = to.trim_start_matches("/rooms/").parse().unwrap();

    let worker = Client::sign_in(&router, &t.db, "worker", &summary.password).await;
    let community = worker.actor(&t.db).await.scope_code().unwrap().to_string();
    let day = jiceng_domain::clock::today() + chrono::Duration::days(3);
    let form = |from: &str, to: &str| {
        format!(
            "org={community}&purpose={}&starts_at={}&ends_at={}&action=book",
            enc("<b>居民议事会</b>"),
            enc(&format!("{day} {from}")),
            enc(&format!("{day} {to}"))
        )
    };
    assert_eq!(
        worker
            .post(&format!("/rooms/{room}/bookings"), &form("10:00", "11:00"))
            .await,
        to
    );
    let (_, page) = worker.get(&to).await;
    assert!(
        page.contains("&#60;b&#62;居民议事会") && !page.contains("<b>居民议事会"),
        "drawn as text"
    );
    let (st, page) = worker
        .post_form(&format!("/rooms/{room}/bookings"), &form("10:30", "11:30"))
        .await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        page.contains("（starts_at）") && page.contains("与已有预约冲突"),
        "the conflict named"
    );

    // A worker of another community sees the time alone.
    jiceng_ops::accounts::create(
        &t.db,
        &jiceng_ops::Actor::operator(),
        jiceng_ops::accounts::NewUser {
            username: Some("worker_elsewhere".into()),
            password: Some("Another-horse-43".into()),
            role: Some("community_worker".into()),
            scope: Some(another_community(&t.db, &community).await),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let elsewhere = Client::sign_in(&router, &t.db, "worker_elsewhere", "Another-horse-43").await;
    let (st, page) = elsewhere.get(&to).await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        page.contains("已被预约") && !page.contains("居民议事会"),
        "busy, nothing of who or why"
    );

    // A refusal without a reason is named on the room's page it was made from.
    let (_, page) = liaison.get(&to).await;
    let id = page
        .split("data-booking=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string();
    let (st, page) = liaison
        .post_form(
            &format!("/bookings/{id}/decision"),
            &format!("decision=refuse&reason=&back=%2Frooms%2F{room}"),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert!(page.contains("（reason）"), "the reason asked for");
    assert!(
        page.contains("三楼会议室") && page.contains("data-booking="),
        "on the room's page"
    );
}
