//! The 问题清单 over HTTP: a community worker raises a problem (a missing owner named), turns
//! it into a case from its page, and the case page is where the link leads. On the demo city.

use crate::pages::{Client, files_dir};
use axum::http::StatusCode;

#[tokio::test]
async fn a_problem_raised_on_the_page_becomes_a_case() {
    let (t, summary) = crate::city::demo().await;
    let router = jiceng_web::router(t.db.clone(), files_dir());
    let worker = Client::sign_in(&router, &t.db, "worker", &summary.password).await;
    let community = worker.actor(&t.db).await.scope_code().unwrap().to_string();
    let (st, page) = worker
        .post_form(
            "/problems",
            &format!("community={community}&title=%E6%8E%92%E6%B0%B4%E6%B2%9F&due_on=2026-12-31"),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert!(page.contains("owner"), "the missing owner is named");
    let to = worker
        .post("/problems", &format!("community={community}&title=%E6%8E%92%E6%B0%B4%E6%B2%9F%E5%A0%B5%E5%A1%9E&owner=%E5%9F%8E%E7%AE%A1%E5%B1%80&due_on=2026-12-31"))
        .await;
    let id: i64 = to.rsplit('/').next().unwrap().parse().unwrap();
    worker
        .post(&format!("/problems/{id}/move"), "move=to_case")
        .await;
    let (_, page) = worker.get(&format!("/problems/{id}")).await;
    assert!(page.contains("已转案件"));
    let (st, body) = worker
        .json(
            "GET",
            &format!("/api/v1/problems/{id}"),
            &serde_json::Value::Null,
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let case = body["case_id"].as_i64().expect("the case");
    assert!(page.contains(&format!("href=\"/cases/{case}\"")));
    let (st, page) = worker.get(&format!("/cases/{case}")).await;
    assert_eq!(st, StatusCode::OK);
    assert!(page.contains("排水沟堵塞"));
}
