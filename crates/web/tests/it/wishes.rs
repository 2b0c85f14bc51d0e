//! Residents' micro-wishes over HTTP: a resident posts one from the phone, the community
//! reviews it on its page (a refusal must say why), and the API posts, moves and rates alike;
//! one resident reaches nothing of another's. On the demo city.

use crate::pages::{Client, files_dir};
use axum::http::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_residents_wish_is_reviewed_on_the_page_and_rated_through_the_api() {
    let (t, summary) = crate::city::demo().await;
    let router = jiceng_web::router(t.db.clone(), files_dir());
    let worker = Client::sign_in(&router, &t.db, "worker", &summary.password).await;
    let community = worker.actor(&t.db).await.scope_code().unwrap().to_string();
    let (resident, view) =
        Client::resident(&router, &t.db, "13633334444", "孙奶奶", &community).await;
    let (st, _) = resident
        .post_form(
            "/wishes",
            "title=%E6%83%B3%E8%A6%81%E6%94%B6%E9%9F%B3%E6%9C%BA",
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "not before they are confirmed");
    worker
        .post(
            &format!("/residents/{}/review", view.id),
            "decision=confirm",
        )
        .await;

    // From the phone: the title shaped like markup is drawn as text; it waits for review.
    let to = resident
        .post(
            "/wishes",
            "title=%3Cb%3E%E6%94%B6%E9%9F%B3%E6%9C%BA%3C%2Fb%3E&detail=%E8%80%B3%E8%83%8C",
        )
        .await;
    assert_eq!(to, "/wishes?status=pending");
    let (_, page) = resident.get("/wishes").await;
    assert!(page.contains("&#60;b&#62;收音机") && !page.contains("<b>收音机"));
    assert!(page.contains("待审核") && page.contains("wish-form"));
    let mine = jiceng_ops::wishes::list(&t.db, &resident.actor(&t.db).await, Default::default())
        .await
        .unwrap()
        .items[0]
        .id;

    // The community sees who asked, and may approve or refuse it; a refusal names why.
    let (_, page) = worker.get("/wishes?status=pending").await;
    assert!(page.contains(&format!("data-wish=\"{mine}\"")) && page.contains("孙奶奶"));
    assert!(page.contains("value=\"approve\"") && page.contains("value=\"refuse\""));
    let (st, page) = worker
        .post_form(&format!("/wishes/{mine}/move"), "move=refuse&reason=")
        .await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        page.contains("role=\"alert\"") && page.contains("（reason）"),
        "the field is named: {}",
        &page[..400.min(page.len())]
    );
    let (_, page) = worker.get("/wishes?status=pending").await;
    assert!(
        page.contains(&format!("data-wish=\"{mine}\"")),
        "still waiting: nothing written"
    );
    worker
        .post(&format!("/wishes/{mine}/move"), "move=approve")
        .await;

    // Over the API: posted pending, rated only once fulfilled, another resident reaches none.
    let (st, body) = resident
        .json(
            "POST",
            "/api/v1/wishes",
            &json!({ "title": "想要一副老花镜" }),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{body}");
    assert_eq!(
        (body["status"].as_str(), body["resident_post"].as_bool()),
        (Some("pending"), Some(true))
    );
    let (st, body) = resident
        .json(
            "POST",
            &format!("/api/v1/wishes/{mine}/rating"),
            &json!({ "rating": 5 }),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "rating");
    let (other, other_view) =
        Client::resident(&router, &t.db, "13633335555", "李爷爷", &community).await;
    worker
        .post(
            &format!("/residents/{}/review", other_view.id),
            "decision=confirm",
        )
        .await;
    for (method, uri, body) in [
        (
            "POST",
            format!("/api/v1/wishes/{mine}/rating"),
            json!({ "rating": 5 }),
        ),
        (
            "POST",
            format!("/api/v1/wishes/{mine}/moves"),
            json!({ "move": "withdraw" }),
        ),
    ] {
        let (st, body) = other.json(method, &uri, &body).await;
        assert_eq!(st, StatusCode::NOT_FOUND, "{uri}: {body}");
    }
    let (st, body) = other
        .json("GET", "/api/v1/wishes", &serde_json::Value::Null)
        .await;
    assert_eq!(st, StatusCode::OK);
    assert!(body["items"].as_array().unwrap().is_empty(), "{body}");
}
