//! 红色代办 over HTTP: a resident asks from the phone, the community approves, the demo's
//! party member takes it and marks it done, the resident confirms with a rating, and the
//! member's points ledger counts it; the API answers by field. On the demo city.

use crate::pages::{Client, files_dir};
use axum::http::StatusCode;

#[tokio::test]
async fn a_residents_errand_is_run_by_a_member_and_counted() {
    let (t, summary) = crate::city::demo().await;
    let router = jiceng_web::router(t.db.clone(), files_dir());
    let member = Client::sign_in(&router, &t.db, "member", &summary.password).await;
    let member_actor = member.actor(&t.db).await;
    let me = member_actor.member_id().unwrap();
    // The community the member lives in, where the resident asks.
    let home = jiceng_ops::members::show(&t.db, &jiceng_ops::Actor::operator(), me, false)
        .await
        .unwrap();
    let division = home
        .member
        .residence_division
        .clone()
        .expect("the member lives somewhere");
    let community = {
        let mut tx = t.db.read().await.unwrap();
        jiceng_store::orgs::community_at(&mut tx, &division)
            .await
            .unwrap()
            .expect("the community of the member's division")
            .code
    };
    let admin = Client::sign_in(&router, &t.db, "admin", &summary.password).await;
    // A resident of that community signs up and is confirmed.
    let (resident, view) =
        Client::resident(&router, &t.db, "13622223333", "钱奶奶", &community).await;
    admin
        .post(
            &format!("/residents/{}/review", view.id),
            "decision=confirm",
        )
        .await;
    let (st, page) = resident
        .post_form("/errands", "kind=bills&title=x&due_at=2000-01-01+10%3A00")
        .await;
    assert_eq!(st, StatusCode::OK);
    assert!(page.contains("due_at"), "the deadline is named");
    let due = jiceng_domain::clock::local(jiceng_domain::clock::now() + chrono::Duration::days(1))
        .format("%Y-%m-%d+%H%%3A%M")
        .to_string();
    let to = resident
        .post("/errands", &format!("kind=medicine&title=%E5%B8%AE%E5%BF%99%E5%8F%96%E9%99%8D%E5%8E%8B%E8%8D%AF&due_at={due}"))
        .await;
    let id: i64 = to.rsplit('/').next().unwrap().parse().unwrap();
    let (_, page) = member.get("/errands").await;
    assert!(
        !page.contains(&format!("data-errand=\"{id}\"")),
        "waiting for review"
    );
    admin
        .post(&format!("/errands/{id}/move"), "move=approve")
        .await;
    let (_, page) = member.get("/errands").await;
    assert!(page.contains(&format!("data-errand=\"{id}\"")) && page.contains("我来办"));
    member
        .post(&format!("/errands/{id}/move"), "move=take")
        .await;
    member
        .post(
            &format!("/errands/{id}/move"),
            "move=finish&note=%E5%B7%B2%E9%80%81%E5%88%B0%E5%AE%B6",
        )
        .await;
    let (_, page) = resident.get(&format!("/errands/{id}")).await;
    assert!(page.contains("confirm-form"));
    resident
        .post(&format!("/errands/{id}/move"), "move=confirm&rating=5")
        .await;
    let (_, page) = resident.get(&format!("/errands/{id}")).await;
    assert!(page.contains("已完成") && page.contains("★★★★★"));
    // The member's points ledger counts it.
    let (st, body) = member
        .json(
            "GET",
            &format!("/api/v1/members/{me}/points"),
            &serde_json::Value::Null,
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let line = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["source"] == "errand_done")
        .cloned()
        .expect("the errand item");
    assert_eq!(line["raw"], 2);
    // The API names a bad move's field.
    let (st, body) = member
        .json(
            "POST",
            &format!("/api/v1/errands/{id}/moves"),
            &serde_json::json!({"move": "take"}),
        )
        .await;
    assert!(
        st == StatusCode::UNPROCESSABLE_ENTITY || st == StatusCode::NOT_FOUND,
        "{st} {body}"
    );
}
