//! The 资源清单 over HTTP: a unit's liaison offers a resource from the page, the community's
//! worker finds it suggested on a need's page with its reasons, the administrator refreshes
//! every need, and the API does the same. On the demo city.

use crate::pages::{Client, files_dir};
use axum::http::StatusCode;

#[tokio::test]
async fn a_liaison_offers_a_resource_and_a_worker_sees_it_suggested() {
    let (t, summary) = crate::city::demo().await;
    let router = jiceng_web::router(t.db.clone(), files_dir());
    let worker = Client::sign_in(&router, &t.db, "worker", &summary.password).await;
    let admin = Client::sign_in(&router, &t.db, "admin", &summary.password).await;
    let community = worker.actor(&t.db).await.scope_code().unwrap().to_string();
    let to = worker
        .post(
            "/needs",
            &format!("community={community}&category=convenience.haircut&title=%E8%80%81%E4%BA%BA%E4%B8%8A%E9%97%A8%E7%90%86%E5%8F%91&people=3"),
        )
        .await;
    let need: i64 = to.rsplit('/').next().unwrap().parse().unwrap();
    let (_, page) = worker.get(&to).await;
    assert!(page.contains("id=\"suggestions\""));

    // The worker offers the community's own resource from the page (a bad day first).
    let (st, page) = worker
        .post_form(
            "/resources",
            &format!("community={community}&kind=expertise&category=convenience.haircut&title=x&capacity=0"),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert!(page.contains("capacity"), "the field is named");
    let to = worker
        .post(
            "/resources",
            &format!(
                "community={community}&owner_kind=volunteer_team&owner_name=%E7%BA%A2%E9%A9%AC%E7%94%B2&kind=volunteers&category=convenience.haircut&title=%E5%BF%97%E6%84%BF%E7%90%86%E5%8F%91%EF%BC%9A%E8%80%81%E4%BA%BA%E4%B8%8A%E9%97%A8&capacity=40&day6=1&day7=1"
            ),
        )
        .await;
    let resource: i64 = to.rsplit('/').next().unwrap().parse().unwrap();
    let (st, page) = worker.get(&to).await;
    assert_eq!(st, StatusCode::OK);
    assert!(page.contains("红马甲") && page.contains("周六、周日"));
    let (_, list) = worker.get("/resources").await;
    assert!(list.contains(&format!("data-resource=\"{resource}\"")));
    let (st, _, bytes) = worker.fetch("/resources/export.xlsx").await;
    assert_eq!(st, StatusCode::OK);
    assert!(bytes.starts_with(b"PK"));

    // Offered, it is suggested for the need at once, with its reasons.
    let (_, page) = worker.get(&format!("/needs/{need}")).await;
    let at = page.find("id=\"suggestions\"").unwrap();
    let section = &page[at..];
    assert!(
        section.contains(&format!("data-resource=\"{resource}\"")),
        "{}",
        &section[..600.min(section.len())]
    );
    assert!(section.contains("同类") && section.contains("关键词"));
    let (st, body) = worker
        .json(
            "GET",
            &format!("/api/v1/needs/{need}/suggestions"),
            &serde_json::Value::Null,
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(body[0]["resource_id"], resource);
    assert!(
        body[0]["why"]["words"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w == "理发")
    );

    // Only an administrator scores every need again.
    let (st, _) = worker
        .json("POST", "/api/v1/matching/refresh", &serde_json::Value::Null)
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, body) = admin
        .json("POST", "/api/v1/matching/refresh", &serde_json::Value::Null)
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert!(body["needs"].as_i64().unwrap() >= 1);
    let (st, body) = worker
        .json(
            "GET",
            &format!("/api/v1/needs/{need}/suggestions"),
            &serde_json::Value::Null,
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(
        body[0]["resource_id"], resource,
        "still suggested after the refresh"
    );

    // Withdrawn through the API, it is suggested no more.
    let (st, body) = worker
        .json(
            "POST",
            &format!("/api/v1/resources/{resource}/withdraw"),
            &serde_json::Value::Null,
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "withdrawn");
    let (_, body) = worker
        .json(
            "GET",
            &format!("/api/v1/needs/{need}/suggestions"),
            &serde_json::Value::Null,
        )
        .await;
    assert!(
        !body
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["resource_id"] == resource)
    );
}
