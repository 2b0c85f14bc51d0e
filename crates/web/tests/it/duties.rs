//! The administrator duties and the logs over HTTP: the duty roles' pages and API, the role
//! change's structured refusal, and log entries no role deletes.

use crate::api::{PW, app};
use axum::http::{Method, StatusCode};
use jiceng_ops::Actor;
use jiceng_ops::accounts::{self, NewUser};
use serde_json::json;

async fn duty_account(app: &crate::api::App, username: &str, role: &str) {
    accounts::create(
        &app._db.db,
        &Actor::operator(),
        NewUser {
            username: Some(username.into()),
            password: Some(PW.into()),
            role: Some(role.into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn the_duties_over_http() {
    let app = app().await;
    duty_account(&app, "sysadm", "system_admin").await;
    duty_account(&app, "secadm", "security_admin").await;
    duty_account(&app, "audadm", "audit_admin").await;
    let entries = || async {
        jiceng_ops::audit::verify(&app._db.db, &Actor::operator())
            .await
            .unwrap()
            .entries
    };

    // No role deletes a log entry: a structured refusal, nothing written.
    let before = entries().await;
    for who in ["audadm", "secadm", "street"] {
        let s = app.login(who).await;
        let before = entries().await;
        for uri in ["/api/v1/audit/1", "/api/v1/login-log/1"] {
            let (st, b) = app.as_user(&s, Method::DELETE, uri, None).await;
            assert_eq!(st, StatusCode::FORBIDDEN, "{who} {uri}: {b}");
            assert_eq!(b["error"]["code"], "forbidden");
            assert!(b["error"]["message"].as_str().unwrap().contains("不能删除"));
        }
        assert_eq!(entries().await, before, "{who}: nothing written");
    }
    assert!(entries().await >= before);

    // The security administrator: the retention, a role change; a second duty refused by name.
    let sec = app.login("secadm").await;
    let (st, r) = app
        .as_user(
            &sec,
            Method::PUT,
            "/api/v1/log-retention",
            Some(json!({ "days": 90 })),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    assert_eq!(r["error"]["field"], "days");
    assert_eq!(r["error"]["value"], "90");
    let (st, r) = app
        .as_user(
            &sec,
            Method::PUT,
            "/api/v1/log-retention",
            Some(json!({ "days": 400 })),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    assert_eq!(r["days"], 400);
    let (_, users) = app
        .as_user(&sec, Method::GET, "/api/v1/users?per_page=100", None)
        .await;
    let id_of = |name: &str| {
        users["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["username"] == name)
            .unwrap_or_else(|| panic!("{name} listed: {users}"))["id"]
            .as_i64()
            .unwrap()
    };
    let (st, r) = app
        .as_user(
            &sec,
            Method::PUT,
            &format!("/api/v1/users/{}/role", id_of("sysadm")),
            Some(json!({ "role": "audit_admin" })),
        )
        .await;
    // A duty account is the operator's: out of the security administrator's reach, it
    // answers as one that does not exist.
    assert_eq!(st, StatusCode::NOT_FOUND, "{r}");
    // A business account made a duty administrator: refused by name, nothing written.
    let (st, r) = app
        .as_user(
            &sec,
            Method::PUT,
            &format!("/api/v1/users/{}/role", id_of("street")),
            Some(json!({ "role": "audit_admin" })),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    assert_eq!(r["error"]["field"], "role");
    assert_eq!(r["error"]["value"], "audit_admin");
    assert!(r["error"]["message"].as_str().unwrap().contains("三员分立"));
    let (st, r) = app
        .as_user(
            &sec,
            Method::PUT,
            &format!("/api/v1/users/{}/role", id_of("worker")),
            Some(json!({ "role": "grid_worker", "scope": "B1" })),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    assert_eq!(r["role"], "grid_worker");
    // A manager resets a password over the API: a weak one is named, a good one is forced to
    // change at the owner's next sign-in.
    let street = app.login("street").await;
    let uri = format!("/api/v1/users/{}/password", id_of("secretary"));
    let (st, r) = app
        .as_user(
            &street,
            Method::POST,
            &uri,
            Some(json!({ "password": "weakpass" })),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    assert_eq!(r["error"]["field"], "password");
    let (st, r) = app
        .as_user(
            &street,
            Method::POST,
            &uri,
            Some(json!({ "password": "Reset-by-street-1" })),
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT, "{r}");
    let (st, _, signed) = app
        .call(
            Method::POST,
            "/api/v1/session",
            &[],
            Some(json!({ "username": "secretary", "password": "Reset-by-street-1" })),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(signed["must_change_password"], true, "{signed}");
    let (st, d) = app.as_user(&sec, Method::GET, "/api/v1/duties", None).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(d["split"], false);
    // Pages: the security settings, and no business page.
    let (st, _, page) = app
        .call(
            Method::GET,
            "/security",
            &[("cookie", &sec_cookie(&app).await)],
            None,
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert!(page.as_str().unwrap().contains("三员分立"));

    // The audit administrator reads and verifies, and changes nothing.
    let aud = app.login("audadm").await;
    let (st, v) = app
        .as_user(&aud, Method::GET, "/api/v1/audit/verify", None)
        .await;
    assert_eq!(st, StatusCode::OK);
    assert!(v["first_broken"].is_null(), "{v}");
    assert!(!v["keys"].as_array().unwrap().is_empty());
    let (st, _) = app
        .as_user(&aud, Method::GET, "/api/v1/audit/archives", None)
        .await;
    assert_eq!(st, StatusCode::OK);
    let (st, _) = app
        .as_user(&aud, Method::GET, "/api/v1/members", None)
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, _) = app
        .as_user(
            &aud,
            Method::PUT,
            "/api/v1/log-retention",
            Some(json!({ "days": 500 })),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (_, mine) = app
        .as_user(&aud, Method::GET, "/api/v1/audit?actor=user:audadm", None)
        .await;
    let ops: Vec<&str> = mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["operation"].as_str().unwrap())
        .collect();
    assert!(
        ops.contains(&"audit.verify") && ops.contains(&"audit.browse"),
        "{ops:?}"
    );
}

/// The security administrator's session cookie, for a page.
async fn sec_cookie(app: &crate::api::App) -> String {
    let (_, headers, _) = app
        .call(
            Method::POST,
            "/api/v1/session",
            &[],
            Some(json!({ "username": "secadm", "password": PW })),
        )
        .await;
    headers
        .get(axum::http::header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string()
}
