//! The matching meeting and the 项目清单 over HTTP: a worker ticks a need at the meeting with
//! the suggested resource, the project is made, run and finished from its page, and the API
//! does the same. On the demo city.

use crate::pages::{Client, files_dir};
use axum::http::StatusCode;

#[tokio::test]
async fn a_need_matched_at_the_meeting_becomes_a_project_that_meets_it() {
    let (t, summary) = crate::city::demo().await;
    let router = jiceng_web::router(t.db.clone(), files_dir());
    let worker = Client::sign_in(&router, &t.db, "worker", &summary.password).await;
    let community = worker.actor(&t.db).await.scope_code().unwrap().to_string();
    let need = worker
        .post("/needs", &format!("community={community}&category=culture.elderly&title=%E8%80%81%E5%B9%B4%E5%90%88%E5%94%B1%E5%9B%A2%E6%8E%92%E7%BB%83%E5%9C%BA%E5%9C%B0&people=20"))
        .await;
    let need: i64 = need.rsplit('/').next().unwrap().parse().unwrap();
    let resource = worker
        .post("/resources", &format!("community={community}&kind=venue&category=culture.elderly&title=%E7%A4%BE%E5%8C%BA%E5%A4%9A%E5%8A%9F%E8%83%BD%E5%8E%85%EF%BC%8C%E8%80%81%E5%B9%B4%E5%90%88%E5%94%B1%E6%8E%92%E7%BB%83&capacity=30&measure=%E4%BA%BA"))
        .await;
    let resource: i64 = resource.rsplit('/').next().unwrap().parse().unwrap();

    let (st, page) = worker.get("/matching").await;
    assert_eq!(st, StatusCode::OK);
    let at = page
        .find(&format!("data-need=\"{need}\""))
        .expect("the need is on the agenda");
    assert!(page[at..].contains(&format!("name=\"resource_{need}\" value=\"{resource}\"")));
    // A tick without a resource is named; nothing is made.
    let (st, page) = worker
        .post_form("/matching/accept", &format!("accept_{need}=1"))
        .await;
    assert_eq!(st, StatusCode::OK);
    assert!(page.contains(&format!("#{need}")) && page.contains("resource_id"));
    let to = worker
        .post(
            "/matching/accept",
            &format!("accept_{need}=1&resource_{need}={resource}&amount_{need}=20"),
        )
        .await;
    assert_eq!(to, "/projects?status=planned&made=1");
    let (_, page) = worker.get(&to).await;
    assert!(page.contains("对接会已建立 1 个项目"));
    let project = jiceng_ops::projects::list(&t.db, &worker.actor(&t.db).await, Default::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|p| p.needs.iter().any(|n| n.id == need))
        .expect("the project");
    let (_, page) = worker.get(&format!("/needs/{need}")).await;
    assert!(page.contains("项目实施中"));
    let (_, page) = worker.get(&format!("/resources/{resource}")).await;
    assert!(
        page.contains("10 / 30"),
        "what is left after the project drew 20"
    );
    worker
        .post(&format!("/projects/{}/move", project.id), "move=start")
        .await;
    let (st, page) = worker
        .post_form(&format!("/projects/{}/move", project.id), "move=finish")
        .await;
    assert_eq!(st, StatusCode::OK);
    assert!(page.contains("note"), "an outcome is asked for");
    worker
        .post(
            &format!("/projects/{}/move", project.id),
            "move=finish&note=%E6%AF%8F%E5%91%A8%E4%BA%8C%E4%B8%8B%E5%8D%88%E5%BC%80%E6%94%BE",
        )
        .await;
    let (_, page) = worker.get(&format!("/projects/{}", project.id)).await;
    assert!(page.contains("已完成") && page.contains("每周二下午开放"));
    let (_, page) = worker.get(&format!("/needs/{need}")).await;
    assert!(page.contains("已满足") && page.contains("服务项目"));
    let (st, _, bytes) = worker.fetch("/projects/export.xlsx").await;
    assert_eq!(st, StatusCode::OK);
    assert!(bytes.starts_with(b"PK"));
}

#[tokio::test]
async fn the_api_makes_and_runs_projects() {
    let (t, summary) = crate::city::demo().await;
    let router = jiceng_web::router(t.db.clone(), files_dir());
    let worker = Client::sign_in(&router, &t.db, "worker", &summary.password).await;
    let community = worker.actor(&t.db).await.scope_code().unwrap().to_string();
    let (_, n) = worker
        .json("POST", "/api/v1/needs", &serde_json::json!({"community": community, "category": "employment.training", "title": "家政技能培训", "people": 15}))
        .await;
    let (_, r) = worker
        .json("POST", "/api/v1/resources", &serde_json::json!({"community": community, "kind": "expertise", "category": "employment.training", "title": "职业学校家政培训", "capacity": 10}))
        .await;
    let (st, body) = worker
        .json("POST", "/api/v1/projects", &serde_json::json!({"title": "家政培训", "needs": [n["id"]], "resources": [{"resource_id": r["id"], "amount": 11}], "starts_on": "2026-01-01", "ends_on": "2026-12-31"}))
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "amount");
    let (st, body) = worker
        .json("GET", "/api/v1/matching/agenda", &serde_json::Value::Null)
        .await;
    assert_eq!(st, StatusCode::OK);
    let item = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["need"]["id"] == n["id"])
        .unwrap()
        .clone();
    assert!(
        item["suggestions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["resource_id"] == r["id"]),
        "{item}"
    );
    let (st, body) = worker
        .json(
            "POST",
            "/api/v1/matching/accept",
            &serde_json::json!({"matches": [{"need_id": n["id"], "resource_id": r["id"]}]}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{body}");
    assert_eq!(
        body[0]["resources"][0]["amount"], 10,
        "the need's people, at most what is left"
    );
    let id = body[0]["id"].as_i64().unwrap();
    let (st, body) = worker
        .json(
            "POST",
            &format!("/api/v1/projects/{id}/moves"),
            &serde_json::json!({"move": "drop", "note": "培训学校停课"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "dropped");
    let (_, need) = worker
        .json(
            "GET",
            &format!("/api/v1/needs/{}", n["id"]),
            &serde_json::Value::Null,
        )
        .await;
    assert_eq!(need["status"], "open");
}
