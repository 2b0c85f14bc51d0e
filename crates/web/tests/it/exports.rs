//! Every work list and report exports to .xlsx with the page's filters, within the actor's
//! scope; the three ledgers answer as JSON in the API.

use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode, header};
use calamine::Reader;
use tower::ServiceExt;

async fn fetch(router: &axum::Router, cookie: &str, uri: &str) -> (StatusCode, Vec<u8>) {
    let resp = router
        .clone()
        .oneshot(
            Request::get(uri)
                .header(header::HOST, "localhost")
                .header(header::COOKIE, cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let st = resp.status();
    (
        st,
        to_bytes(resp.into_body(), 1 << 26).await.unwrap().to_vec(),
    )
}

fn cells(bytes: &[u8]) -> Vec<Vec<String>> {
    let mut wb: calamine::Xlsx<_> =
        calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).expect("an .xlsx workbook");
    let first = wb.sheet_names()[0].clone();
    wb.worksheet_range(&first)
        .unwrap()
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

#[tokio::test]
async fn every_list_exports_with_its_filters_within_the_scope() {
    let (t, summary) = crate::city::demo().await;
    let router = jiceng_web::router(t.db.clone(), crate::pages::files_dir());
    let street = crate::pages::Client::sign_in(&router, &t.db, "street", &summary.password).await;
    let actor = street.actor(&t.db).await;
    let year = chrono::Datelike::year(&jiceng_domain::clock::today());
    let last = year - 1;
    for (uri, first_header, some) in [
        ("/meetings/export.xlsx".to_string(), "日期", true),
        (
            format!("/compliance/export.xlsx?period={last}"),
            "党组织代码",
            true,
        ),
        (format!("/points/export.xlsx?period={last}"), "名次", true),
        (
            format!("/assessment/export.xlsx?period={last}-Q4"),
            "名次",
            true,
        ),
        ("/rates/export.xlsx?by=department".to_string(), "", true),
        ("/service/export.xlsx".to_string(), "日期", true),
        ("/wishes/export.xlsx".to_string(), "发布日期", true),
        (format!("/cobuilding/export.xlsx?year={year}"), "年度", true),
        (
            format!("/evaluations/export.xlsx?year={last}"),
            "评价对象",
            true,
        ),
        ("/patrols/export.xlsx?days=30".to_string(), "开始", false),
        ("/needs/export.xlsx".to_string(), "编号", true),
        ("/resources/export.xlsx".to_string(), "编号", true),
        ("/projects/export.xlsx".to_string(), "编号", true),
        ("/errands/export.xlsx".to_string(), "编号", true),
        ("/problems/export.xlsx".to_string(), "编号", false),
        ("/residents/export.xlsx".to_string(), "编号", false),
    ] {
        let (st, body) = fetch(&router, &street.cookie, &uri).await;
        assert_eq!(
            st,
            StatusCode::OK,
            "{uri}: {}",
            String::from_utf8_lossy(&body)
        );
        let rows = cells(&body);
        assert_eq!(rows[0][0], first_header, "{uri}");
        if some {
            assert!(rows.len() > 1, "{uri} has rows");
        }
    }
    // The filter of the page is the filter of the sheet: held meetings only, as many as the
    // list holds.
    let (_, body) = fetch(&router, &street.cookie, "/meetings/export.xlsx?status=held").await;
    let rows = cells(&body);
    let listed = jiceng_ops::orglife::meetings::list(
        &t.db,
        &actor,
        jiceng_ops::orglife::meetings::ListMeetings {
            status: Some("held".into()),
            limit: Some(500),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(rows.len() > 1, "held meetings");
    assert!(rows[1..].iter().all(|r| r[4] == "已召开"), "{:?}", &rows[1]);
    if listed.next.is_none() {
        assert_eq!(rows.len() - 1, listed.items.len());
    }
    // Needs filtered by status hold that status alone, and as many as the list.
    let (_, body) = fetch(
        &router,
        &street.cookie,
        "/needs/export.xlsx?status=open&category=culture",
    )
    .await;
    let rows = cells(&body);
    assert!(rows.len() > 1, "open culture needs");
    assert!(
        rows[1..]
            .iter()
            .all(|r| r[12] == "待对接" && !r[3].is_empty()),
        "{:?}",
        &rows[1]
    );
    let listed = jiceng_ops::needs::list(
        &t.db,
        &actor,
        jiceng_ops::needs::ListNeeds {
            status: Some("open".into()),
            category: Some("culture".into()),
            limit: Some(500),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    if listed.next.is_none() {
        assert_eq!(rows.len() - 1, listed.items.len());
    }
    let (_, body) = fetch(
        &router,
        &street.cookie,
        "/wishes/export.xlsx?status=fulfilled",
    )
    .await;
    assert!(cells(&body)[1..].iter().all(|r| r[5] == "已实现"));
    // Another street's org answers as an org that does not exist, sheet or not.
    let (st, other) = fetch(
        &router,
        &street.cookie,
        "/meetings/export.xlsx?within=S350302002",
    )
    .await;
    let (st2, missing) = fetch(
        &router,
        &street.cookie,
        "/meetings/export.xlsx?within=NOWHERE9",
    )
    .await;
    assert_eq!(st, st2);
    assert_ne!(st, StatusCode::OK);
    assert_eq!(
        String::from_utf8_lossy(&other).replace("S350302002", "KEY"),
        String::from_utf8_lossy(&missing).replace("NOWHERE9", "KEY")
    );
    // The pages offer the export with what they show.
    let (_, page) = street.get("/meetings?status=held").await;
    assert!(page.contains("/meetings/export.xlsx?status=held"), "{page}");
}

#[tokio::test]
async fn the_three_ledgers_answer_as_json() {
    let (t, summary) = crate::city::demo().await;
    let router = jiceng_web::router(t.db.clone(), crate::pages::files_dir());
    let street = crate::pages::Client::sign_in(&router, &t.db, "street", &summary.password).await;
    let last = chrono::Datelike::year(&jiceng_domain::clock::today()) - 1;
    let community = "C350302001001";
    let json = |b: Vec<u8>| serde_json::from_slice::<serde_json::Value>(&b).unwrap();
    let (st, body) = fetch(
        &router,
        &street.cookie,
        &format!("/api/v1/orgs/{community}/ledgers/registrations?year={last}"),
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    let v = json(body);
    assert_eq!(v["org"]["code"], community);
    assert!(!v["lines"].as_array().unwrap().is_empty(), "{v}");
    let (st, body) = fetch(
        &router,
        &street.cookie,
        &format!("/api/v1/orgs/{community}/ledgers/points?year={last}"),
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    let v = json(body);
    let members = v["members"].as_array().unwrap();
    assert!(!members.is_empty());
    let totals: Vec<i64> = members
        .iter()
        .map(|m| m["total"].as_i64().unwrap())
        .collect();
    assert!(totals.windows(2).all(|w| w[0] >= w[1]), "highest first");
    // The community's own branch meetings: any branch of the street's.
    let branch = jiceng_ops::orglife::meetings::list(
        &t.db,
        &street.actor(&t.db).await,
        jiceng_ops::orglife::meetings::ListMeetings {
            status: Some("held".into()),
            from: Some(format!("{last}-01-01")),
            to: Some(format!("{last}-12-31")),
            limit: Some(1),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .items
    .remove(0)
    .row
    .org_code;
    let (st, body) = fetch(
        &router,
        &street.cookie,
        &format!("/api/v1/orgs/{branch}/ledgers/meetings?year={last}"),
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    let v = json(body);
    assert!(!v["meetings"].as_array().unwrap().is_empty(), "{v}");
    assert!(v["complies"].is_boolean());
    // Another street's community answers as missing.
    let (st, _) = fetch(
        &router,
        &street.cookie,
        &format!("/api/v1/orgs/C350302002001/ledgers/points?year={last}"),
    )
    .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
}
