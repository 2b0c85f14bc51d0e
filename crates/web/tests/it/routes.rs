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
