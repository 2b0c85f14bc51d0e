//! Server-rendered pages for every role: each main page renders (no 5xx), signed-out visitors
//! are sent to sign in, and pages refuse what the role may not see.

use axum::body::{Body, to_bytes};
use axum::http::{Method, Request, StatusCode, header};
use jiceng_ops::Actor;
use jiceng_ops::demo::{self, DemoSpec, Quiet};
use jiceng_store::testing::TestDb;
use tower::ServiceExt;

async fn get(
    router: &axum::Router,
    uri: &str,
    cookie: &str,
) -> (StatusCode, String, Option<String>) {
    let req = Request::builder()
        .method(Method::GET)
        .uri(uri)
        .header(header::HOST, "localhost")
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap();
    let resp = router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let location = resp
        .headers()
        .get(header::LOCATION)
        .map(|l| l.to_str().unwrap().to_string());
    let body =
        String::from_utf8(to_bytes(resp.into_body(), 8 << 20).await.unwrap().to_vec()).unwrap();
    (status, body, location)
}

async fn sign_in(router: &axum::Router, user: &str, password: &str) -> String {
    let req = Request::builder()
        .method(Method::POST)
        .uri("/login")
        .header(header::HOST, "localhost")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!(
            "username={user}&password={password}&next=/members"
        )))
        .unwrap();
    let resp = router.clone().oneshot(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER, "{user} signs in");
    assert_eq!(resp.headers().get(header::LOCATION).unwrap(), "/members");
    resp.headers()
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn every_role_gets_its_pages() {
    let t = TestDb::new().await;
    let spec = DemoSpec {
        city: "莆田市".into(),
        scale: 0.05,
        seed: 9,
        today: None,
    };
    let summary = demo::build(&t.db, &Actor::operator(), &spec, &Quiet)
        .await
        .unwrap();
    let router = jiceng_web::router(t.db.clone());

    let (st, _, location) = get(&router, "/members", "").await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    assert_eq!(location.as_deref(), Some("/login?next=/members"));
    let (st, body, _) = get(&router, "/login", "").await;
    assert_eq!(st, StatusCode::OK);
    assert!(body.contains("<html lang=\"zh-CN\">") && body.contains("登录"));
    let (st, body, _) = get(&router, "/login", "lang=en").await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        body.contains("<html lang=\"en\">") && body.contains("Sign in"),
        "English from the same catalogue"
    );

    for account in &summary.accounts {
        let cookie = sign_in(&router, &account.username, &summary.password).await;
        for page in [
            "/",
            "/orgs",
            "/members",
            "/audit",
            "/password",
            "/members/new",
        ] {
            let (st, body, _) = get(&router, page, &cookie).await;
            assert!(
                !st.is_server_error(),
                "{} {page}: {st} {body}",
                account.username
            );
            assert!(
                st == StatusCode::OK || st == StatusCode::FORBIDDEN,
                "{} {page}: {st}",
                account.username
            );
            if page == "/audit" {
                let may = matches!(account.username.as_str(), "admin" | "street");
                assert_eq!(st == StatusCode::OK, may, "{} audit page", account.username);
            }
        }
        let (_, body, _) = get(&router, "/members", &cookie).await;
        match account.username.as_str() {
            "member" => assert!(body.contains("只能查看本人档案"), "a member sees no list"),
            _ => assert!(
                body.contains("table class=\"members\""),
                "{} sees a list",
                account.username
            ),
        }
    }
    let (st, body, _) = get(&router, "/api", "").await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        body.contains("/api/v1/members/{id}/transfer") && body.contains("组织关系转接"),
        "the API reference lists operations"
    );
    let (st, _, _) = get(&router, "/assets/htmx.min.js", "").await;
    assert_eq!(st, StatusCode::OK);
    let (st, _, _) = get(&router, "/assets/echarts.min.js", "").await;
    assert_eq!(st, StatusCode::OK);
}
