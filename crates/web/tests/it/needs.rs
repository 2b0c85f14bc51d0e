//! The 需求清单 over HTTP: a community worker posts and meets a need from the pages, a
//! resident posts from the phone and rates it, the export and the figures agree with the
//! list, and the API does the same. On the demo city.

use crate::pages::{Client, files_dir};
use axum::http::StatusCode;

fn id_of(location: &str) -> i64 {
    location.rsplit('/').next().unwrap().parse().unwrap()
}

#[tokio::test]
async fn a_worker_posts_a_need_a_resident_posts_one_and_rates_it_met() {
    let (t, summary) = crate::city::demo().await;
    let router = jiceng_web::router(t.db.clone(), files_dir());
    let worker = Client::sign_in(&router, &t.db, "worker", &summary.password).await;
    let community = worker.actor(&t.db).await.scope_code().unwrap().to_string();

    // A bad field is named on the form and nothing is written.
    let (st, page) = worker
        .post_form(
            "/needs",
            &format!("community={community}&category=convenience&title=x"),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        page.contains("请选择具体的小类"),
        "{}",
        &page[..200.min(page.len())]
    );
    let to = worker
        .post(
            "/needs",
            &format!(
                "community={community}&category=convenience.haircut&title=%3Cscript%3Ealert(1)%3C%2Fscript%3E%E7%90%86%E5%8F%91&people=4&urgency=urgent"
            ),
        )
        .await;
    let id = id_of(&to);
    let (st, page) = worker.get(&to).await;
    assert_eq!(st, StatusCode::OK);
    assert!(page.contains("&#60;script&#62;") && !page.contains("<script>alert"));
    assert!(page.contains("标记已满足"), "the worker may mark it met");
    let (_, list) = worker.get("/needs?status=open").await;
    assert!(list.contains(&format!("data-need=\"{id}\"")));
    // The export holds the need the list shows.
    let (st, _, bytes) = worker.fetch("/needs/export.xlsx?status=open").await;
    assert_eq!(st, StatusCode::OK);
    assert!(bytes.starts_with(b"PK"), "an xlsx file");
    let to = worker
        .post(
            &format!("/needs/{id}/move"),
            "move=meet&met_by=direct&note=%E5%B7%B2%E4%B8%8A%E9%97%A8",
        )
        .await;
    assert_eq!(to, format!("/needs/{id}"));
    let (_, page) = worker.get(&to).await;
    assert!(page.contains("已满足"));
    // The figures page shows what the figures use case counts.
    let (st, page) = worker.get("/needs/figures").await;
    assert_eq!(st, StatusCode::OK);
    let fig =
        jiceng_ops::needs::figures::figures(&t.db, &worker.actor(&t.db).await, Default::default())
            .await
            .unwrap();
    assert!(fig.met >= 1);
    assert!(page.contains(&format!("<div class=\"value\">{}</div>", fig.collected)));

    // A confirmed resident posts from the phone; it waits for review; once met they rate it.
    let (resident, view) =
        Client::resident(&router, &t.db, "13611112222", "周阿姨", &community).await;
    let (st, page) = resident
        .post_form(
            "/needs",
            "category=culture.sports&title=%E6%83%B3%E5%AD%A6%E5%A4%AA%E6%9E%81",
        )
        .await;
    assert_eq!(
        st,
        StatusCode::FORBIDDEN,
        "not confirmed yet: {}",
        &page[..200.min(page.len())]
    );
    worker
        .post(
            &format!("/residents/{}/review", view.id),
            "decision=confirm",
        )
        .await;
    let to = resident
        .post(
            "/needs",
            "category=culture.sports&title=%E6%83%B3%E5%AD%A6%E5%A4%AA%E6%9E%81",
        )
        .await;
    let mine = id_of(&to);
    let (_, page) = resident.get("/needs").await;
    assert!(page.contains("想学太极") && page.contains("待审核"));
    assert!(
        !page.contains(&format!("data-need=\"{id}\"")),
        "only their own"
    );
    let (st, _) = resident.get(&format!("/needs/{id}")).await;
    assert_eq!(st, StatusCode::NOT_FOUND, "another's need is not found");
    worker
        .post(&format!("/needs/{mine}/move"), "move=approve")
        .await;
    worker
        .post(
            &format!("/needs/{mine}/move"),
            "move=meet&met_by=volunteering",
        )
        .await;
    let (_, page) = resident.get(&format!("/needs/{mine}")).await;
    assert!(
        page.contains("rate-form"),
        "the resident is offered a rating"
    );
    let to = resident
        .post(
            &format!("/needs/{mine}/rating"),
            "rating=4&note=%E5%BE%88%E5%A5%BD",
        )
        .await;
    let (_, page) = resident.get(&to).await;
    assert!(page.contains("★★★★☆") && !page.contains("rate-form"));
}

#[tokio::test]
async fn the_api_posts_moves_and_lists_needs() {
    let (t, summary) = crate::city::demo().await;
    let router = jiceng_web::router(t.db.clone(), files_dir());
    let worker = Client::sign_in(&router, &t.db, "worker", &summary.password).await;
    let community = worker.actor(&t.db).await.scope_code().unwrap().to_string();
    let (st, body) = worker
        .json("POST", "/api/v1/needs", &serde_json::json!({"community": community, "category": "employment.training", "title": "电工培训", "people": 0}))
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "people");
    let (st, body) = worker
        .json("POST", "/api/v1/needs", &serde_json::json!({"community": community, "category": "employment.training", "title": "电工培训", "people": 8}))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{body}");
    let id = body["id"].as_i64().unwrap();
    assert_eq!(body["status"], "open");
    let (st, body) = worker
        .json(
            "POST",
            &format!("/api/v1/needs/{id}/moves"),
            &serde_json::json!({"move": "close"}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "note");
    let (st, body) = worker
        .json(
            "POST",
            &format!("/api/v1/needs/{id}/moves"),
            &serde_json::json!({"move": "close", "note": "已由街道统一安排"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "closed");
    let (st, body) = worker
        .json(
            "GET",
            "/api/v1/needs?status=closed",
            &serde_json::Value::Null,
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["id"] == id)
    );
    let (st, body) = worker
        .json("GET", "/api/v1/need-categories", &serde_json::Value::Null)
        .await;
    assert_eq!(st, StatusCode::OK);
    assert!(body.as_array().unwrap().len() > 20);
    let (st, _) = worker
        .json(
            "PUT",
            "/api/v1/need-categories",
            &serde_json::json!({"code": "culture.opera", "name": "戏曲"}),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "a worker keeps no categories");
}

/// The demo's lists are Yiwu's proportions and its kept figures are a recount of its rows.
#[tokio::test]
async fn the_demo_lists_add_up() {
    use jiceng_ops::needs::figures::{self, FiguresQuery};
    let (t, summary) = crate::city::demo().await;
    assert!(summary.needs >= 8 * summary.communities);
    assert!(summary.resources >= 3 * summary.communities);
    assert!(summary.projects > 0 && summary.errands > 0);
    let op = jiceng_ops::Actor::operator();
    let count = |sql: &'static str| {
        let db = t.db.clone();
        async move {
            match &db {
                jiceng_store::Db::Sqlite(p, _) => sqlx::query_scalar::<_, i64>(sql)
                    .fetch_one(p)
                    .await
                    .unwrap(),
                jiceng_store::Db::Pg(p) => sqlx::query_scalar::<_, i64>(sql)
                    .fetch_one(p)
                    .await
                    .unwrap(),
            }
        }
    };
    let year = chrono::Datelike::year(&jiceng_domain::clock::today());
    let mut collected = 0;
    let mut met = 0;
    for y in [year - 1, year] {
        let f = figures::figures(
            &t.db,
            &op,
            FiguresQuery {
                within: None,
                year: Some(y),
            },
        )
        .await
        .unwrap();
        collected += f.collected;
        met += f.met;
    }
    assert_eq!(
        collected,
        count("SELECT COUNT(*) FROM needs WHERE status IN ('open', 'in_project', 'met', 'closed')")
            .await
    );
    assert_eq!(
        met,
        count("SELECT COUNT(*) FROM needs WHERE status = 'met'").await
    );
    assert!(
        met * 10 >= collected * 6,
        "most needs met, as in Yiwu: {met} of {collected}"
    );
    assert_eq!(
        count("SELECT CAST(COALESCE(SUM(used), 0) AS BIGINT) FROM resources").await,
        count("SELECT CAST(COALESCE(SUM(pr.amount), 0) AS BIGINT) FROM project_resources pr JOIN projects p ON p.id = pr.project_id WHERE p.status <> 'dropped'").await,
        "what resources have used is what projects drew"
    );
    assert!(
        count("SELECT COUNT(*) FROM need_suggestions").await > 0,
        "open needs have suggestions"
    );
    let culture = count("SELECT COUNT(*) FROM needs WHERE top_category = 'culture'").await as f64;
    let all = count("SELECT COUNT(*) FROM needs").await as f64;
    assert!(
        (culture / all - 0.39).abs() < 0.06,
        "文化娱乐 about 39%: {}",
        culture / all
    );
}
