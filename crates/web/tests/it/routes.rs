//! The route table's policy column against the routes it describes: what each route asks fits
//! its path, the public and account-only surfaces are exactly the ones listed here (a new one
//! must be added knowingly).

use jiceng_web::routes::{Asks, Kind, Route};
use std::collections::BTreeSet;

fn params(path: &str) -> Vec<&str> {
    path.split('/')
        .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .collect()
}

fn listed(routes: &[Route], asks: Asks) -> BTreeSet<String> {
    routes
        .iter()
        .filter(|r| r.asks == asks)
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

#[test]
fn what_each_route_asks_fits_its_path() {
    for r in jiceng_web::route_table() {
        match r.asks {
            Asks::Record(_) => assert!(
                !params(&r.path).is_empty(),
                "{} {} names no record but asks {:?}",
                r.method,
                r.path,
                r.asks
            ),
            Asks::Scope | Asks::Account => assert!(
                params(&r.path).is_empty(),
                "{} {} takes a record from its path but asks {:?}",
                r.method,
                r.path,
                r.asks
            ),
            Asks::Public => {}
        }
        if r.kind == Kind::Probe {
            assert_eq!(r.asks, Asks::Public, "{} {}", r.method, r.path);
        }
    }
}

#[test]
fn the_public_and_account_surfaces_are_the_listed_ones() {
    let routes = jiceng_web::route_table();
    let public: BTreeSet<String> = [
        "GET /healthz",
        "GET /readyz",
        "GET /metrics",
        "GET /login",
        "POST /login",
        "GET /track",
        "POST /track/rate",
        "GET /disclosure",
        "GET /lang/{code}",
        "GET /assets/{file}",
        "GET /api",
        "POST /api/v1/session",
        "GET /api/v1/track/{code}",
        "POST /api/v1/track/{code}/rating",
        "GET /api/v1/openapi.json",
    ]
    .map(String::from)
    .into();
    assert_eq!(listed(&routes, Asks::Public), public);
    let account: BTreeSet<String> = [
        "POST /logout",
        "GET /password",
        "POST /password",
        "GET /tokens",
        "POST /tokens",
        "DELETE /api/v1/session",
        "GET /api/v1/me",
        "POST /api/v1/me/password",
        "GET /api/v1/tokens",
        "POST /api/v1/tokens",
    ]
    .map(String::from)
    .into();
    assert_eq!(listed(&routes, Asks::Account), account);
}

/// Finding 7: a read-only token is refused by one check on every route that changes state,
/// whatever the route does and whatever its body says, and the refusal writes nothing.
#[tokio::test]
async fn a_read_only_token_changes_nothing_on_any_route() {
    use axum::body::{Body, to_bytes};
    use axum::http::{Method, Request, StatusCode, header};
    use tower::ServiceExt;

    let (t, summary) = crate::city::demo().await;
    let router = jiceng_web::router(t.db.clone(), crate::pages::files_dir());
    let cookie = crate::pages::sign_in(&router, "admin", &summary.password).await;
    let session = cookie.split_once('=').unwrap().1.to_string();
    let (admin, _) = jiceng_ops::accounts::session_actor(&t.db, &session)
        .await
        .unwrap();
    let token = jiceng_ops::accounts::create_token(&t.db, &admin, "只读脚本", "read", Some(30))
        .await
        .unwrap()
        .token;
    let audit = jiceng_ops::audit::verify(&t.db, &admin)
        .await
        .unwrap()
        .entries;
    let mut writes = 0;
    for r in jiceng_web::route_table() {
        if r.kind != Kind::Api || r.method == "GET" || r.asks == Asks::Public {
            continue;
        }
        writes += 1;
        let uri = r
            .path
            .replace("{id}", "1")
            .replace("{code}", "C350302001001")
            .replace("{kind}", "branch_assembly");
        let req = Request::builder()
            .method(Method::from_bytes(r.method.as_bytes()).unwrap())
            .uri(&uri)
            .header(header::HOST, "localhost")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{}"))
            .unwrap();
        let resp = router.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let body = to_bytes(resp.into_body(), 1 << 20).await.unwrap();
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "{} {uri}: {}",
            r.method,
            String::from_utf8_lossy(&body)
        );
        assert!(String::from_utf8_lossy(&body).contains("只读令牌"));
    }
    assert!(writes > 40, "every write route was tried: {writes}");
    let after = jiceng_ops::audit::verify(&t.db, &admin)
        .await
        .unwrap()
        .entries;
    assert_eq!(after, audit, "nothing was written");
}
