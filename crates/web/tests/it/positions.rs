//! 阵地 and the service circle over HTTP, on the demo city: a community worker registers a
//! position from the page (a bad field named, the name drawn as text), finds it flagged below
//! its standard, and reads the circle of the community with siting; the API answers alike.

use crate::pages::{Client, files_dir};
use axum::http::StatusCode;

#[tokio::test]
async fn a_worker_registers_a_position_and_reads_the_service_circle() {
    let (t, summary) = crate::city::demo().await;
    let router = jiceng_web::router(t.db.clone(), files_dir());
    let worker = Client::sign_in(&router, &t.db, "worker", &summary.password).await;
    let community = worker.actor(&t.db).await.scope_code().unwrap().to_string();
    // The demo's: a 微阵地 and 支部家院 of the community (and its street's centre, run from the
    // street, beyond the worker).
    let (st, page) = worker.get("/positions").await;
    assert_eq!(st, StatusCode::OK);
    assert!(page.contains("position-form"));
    assert!(
        page.contains("微阵地</a>") && page.contains("支部家院</a>"),
        "the demo's positions are listed"
    );
    let (st, page) = worker
        .post_form(
            "/positions",
            &format!("kind=centre&name=x&org={community}&lon=abc&lat=25.4&area_m2=450"),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        page.contains("（lon）") && page.contains("abc"),
        "the field and value named"
    );
    // Where the community's buildings are: the position stands at the first one.
    let place =
        jiceng_ops::grids::places::within(&t.db, &worker.actor(&t.db).await, Some(&community))
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.kind.code() == "building")
            .expect("the demo maps buildings");
    let to = worker
        .post(
            "/positions",
            &format!(
                "kind=centre&name=%3Ci%3E%E5%85%9A%E7%BE%A4%E4%B8%AD%E5%BF%83%3C%2Fi%3E&org={community}&lon={}&lat={}&area_m2=450&hours=8%3A30-17%3A30",
                place.lon, place.lat
            ),
        )
        .await;
    assert!(to.starts_with("/positions/"), "{to}");
    let (_, page) = worker.get(&to).await;
    assert!(page.contains("&#60;i&#62;党群中心") && !page.contains("<i>党群中心"));
    assert!(page.contains("低于标准"), "450 m² is below the city's 500");
    let (_, list) = worker.get("/positions").await;
    assert!(list.contains("data-position=") && list.contains("低于标准"));

    // The street sets a standard for micro positions there; the worker is offered no form.
    assert!(!list.contains("standard-form"));
    let street = Client::sign_in(&router, &t.db, "street", &summary.password).await;
    let street_code = street.actor(&t.db).await.scope_code().unwrap().to_string();
    let (_, page) = street.get("/positions").await;
    assert!(page.contains("standard-form"));
    let to = street
        .post(
            "/positions/standards",
            &format!("org={street_code}&kind=micro&min_area_m2=60"),
        )
        .await;
    assert_eq!(to, "/positions");
    let (_, page) = street.get("/positions").await;
    assert!(page.contains("≥ 60 m²"), "the standard is listed");

    // The circle of the community: what the page shows is what the use case counts.
    let (st, page) = worker
        .get(&format!("/circle?within={community}&k=2&minutes=10"))
        .await;
    assert_eq!(st, StatusCode::OK);
    let report = jiceng_ops::positions::circle::coverage(
        &t.db,
        &worker.actor(&t.db).await,
        jiceng_ops::positions::circle::CircleQuery {
            within: Some(community.clone()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(
        report.buildings > 0 && report.within[0].buildings >= 1,
        "{report:?}"
    );
    assert!(page.contains(&format!(
        "<tr data-band=\"5\"><td>5 分钟内</td><td class=\"num\">{}</td>",
        report.within[0].buildings
    )));
    assert!(page.contains("新阵地选址"));
    assert!(
        page.contains("id=\"circle-map\"") && page.contains("\"positions\":[["),
        "the map's points are on the page"
    );
    let (st, page) = worker.get("/circle?detour=9").await;
    assert_eq!(st, StatusCode::OK);
    assert!(page.contains("（detour）"), "a bad factor is named");

    // The API: the list, the circle, and a bad kind named.
    let (st, body) = worker
        .json(
            "GET",
            &format!("/api/v1/circle?within={community}&kinds=centre"),
            &serde_json::Value::Null,
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(
        body["positions"], 1,
        "the one centre run from the community"
    );
    let (st, body) = worker
        .json(
            "GET",
            "/api/v1/circle?kinds=palace",
            &serde_json::Value::Null,
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "kind");
    let (st, body) = worker
        .json("GET", "/api/v1/positions", &serde_json::Value::Null)
        .await;
    assert_eq!(st, StatusCode::OK);
    let ours = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "<i>党群中心</i>")
        .expect("listed");
    assert_eq!(ours["below_standard"], true);
}
