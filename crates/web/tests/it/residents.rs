//! A resident signs in on a phone with a code, registers on the first sign-in, and is
//! confirmed by a community worker; the same through the API; bad codes and registrations
//! answer by field. On the demo city.

use crate::pages::{Client, files_dir, get};
use axum::body::{Body, to_bytes};
use axum::http::{Method, Request, StatusCode, header};
use tower::ServiceExt;

fn router(db: &jiceng_ops::Db) -> axum::Router {
    jiceng_web::router_behind(
        db.clone(),
        files_dir(),
        jiceng_web::Deployment {
            codes: jiceng_ops::residents::CodeSender::Log { shown: true },
            ..Default::default()
        },
    )
}

/// A form posted without a session: status, body, where it leads and the cookie it sets.
async fn post_public(
    router: &axum::Router,
    uri: &str,
    body: &str,
    json: bool,
) -> (StatusCode, String, Option<String>, Option<String>) {
    let req = Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(header::HOST, "localhost")
        .header(
            header::CONTENT_TYPE,
            if json {
                "application/json"
            } else {
                "application/x-www-form-urlencoded"
            },
        )
        .body(Body::from(body.to_string()))
        .unwrap();
    let resp = router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let header_of = |h| {
        resp.headers()
            .get(h)
            .map(|v: &axum::http::HeaderValue| v.to_str().unwrap().to_string())
    };
    let location = header_of(header::LOCATION);
    let cookie = header_of(header::SET_COOKIE).map(|c| c.split(';').next().unwrap().to_string());
    let bytes = to_bytes(resp.into_body(), 8 << 20).await.unwrap();
    (
        status,
        String::from_utf8_lossy(&bytes).into_owned(),
        location,
        cookie,
    )
}

/// The code a demo deployment shows on the page.
fn shown_code(page: &str) -> String {
    let at = page
        .find("id=\"demo-code\">")
        .expect("the demo shows the code")
        + 15;
    page[at..at + 6].to_string()
}

#[tokio::test]
async fn a_resident_signs_up_on_a_phone_and_a_worker_confirms_them() {
    let (t, summary) = crate::city::demo().await;
    let router = router(&t.db);
    let worker = Client::sign_in(&router, &t.db, "worker", &summary.password).await;
    let community = worker
        .actor(&t.db)
        .await
        .scope_code()
        .expect("the worker's community")
        .to_string();
    let building = jiceng_ops::residents::buildings(&t.db, &community)
        .await
        .unwrap()
        .first()
        .expect("the demo maps buildings")
        .id;

    let (st, page, _) = get(&router, "/resident/login", "").await;
    assert_eq!(st, StatusCode::OK);
    assert!(page.contains("name=\"phone\""));
    let (st, page, _, _) = post_public(&router, "/resident/code", "phone=13812345678", false).await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        page.contains("138****5678"),
        "the page says where the code went"
    );
    let code = shown_code(&page);
    // A wrong code names the field and leaves the step where it was.
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let (_, page, _, cookie) = post_public(
        &router,
        "/resident/login",
        &format!("phone=13812345678&sms_code={wrong}"),
        false,
    )
    .await;
    assert!(cookie.is_none());
    assert!(page.contains("验证码不正确或已失效"), "{page}");
    // The right code for a new number asks who and where.
    let (_, page, _, cookie) = post_public(
        &router,
        "/resident/login",
        &format!("phone=13812345678&sms_code={code}"),
        false,
    )
    .await;
    assert!(cookie.is_none());
    assert!(page.contains("name=\"name\"") && page.contains("name=\"community\""));
    let (st, options, _) = get(
        &router,
        &format!("/resident/buildings?community={community}"),
        "",
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert!(options.contains(&format!("value=\"{building}\"")));
    let (st, _, to, cookie) = post_public(
        &router,
        "/resident/login",
        &format!(
            "phone=13812345678&sms_code={code}&name=%3Cb%3E%E7%8E%8B%3C%2Fb%3E&community={community}&place_id={building}"
        ),
        false,
    )
    .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    assert_eq!(to.as_deref(), Some("/resident"));
    let cookie = cookie.expect("signed in");
    let (st, page, _) = get(&router, "/resident", &cookie).await;
    assert_eq!(st, StatusCode::OK);
    assert!(page.contains("13812345678") && page.contains("待确认"));
    assert!(
        page.contains("&#60;b&#62;王") && !page.contains("<b>王"),
        "the name is escaped"
    );
    // Home leads a resident to their page; staff pages are not theirs.
    let (st, _, to) = get(&router, "/", &cookie).await;
    assert_eq!(
        (st, to.as_deref()),
        (StatusCode::SEE_OTHER, Some("/resident"))
    );
    let (st, _, _) = get(&router, "/residents", &cookie).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (_, page, _) = get(&router, "/members", &cookie).await;
    assert!(page.contains("无权操作"), "a resident reads no member list");

    // The worker sees them waiting, phone masked, and confirms them.
    let (st, page) = worker.get("/residents").await;
    assert_eq!(st, StatusCode::OK);
    assert!(page.contains("138****5678") && !page.contains("13812345678"));
    let id = jiceng_ops::residents::me(
        &t.db,
        &jiceng_ops::accounts::session_actor(&t.db, cookie.split_once('=').unwrap().1)
            .await
            .unwrap()
            .0,
    )
    .await
    .unwrap()
    .id;
    assert!(page.contains(&format!("data-resident=\"{id}\"")));
    let (st, page) = worker
        .post_form(&format!("/residents/{id}/review"), "decision=refuse")
        .await;
    assert_eq!(st, StatusCode::OK);
    assert!(page.contains("理由"), "a refusal without a reason names it");
    let to = worker
        .post(&format!("/residents/{id}/review"), "decision=confirm")
        .await;
    assert_eq!(to, "/residents");
    let (_, page, _) = get(&router, "/resident", &cookie).await;
    assert!(page.contains("已确认"));
    // A signed-out resident is sent to the code sign-in, not the staff one.
    let (_, _, to) = get(&router, "/resident", "").await;
    assert_eq!(to.as_deref(), Some("/resident/login"));
}

#[tokio::test]
async fn the_api_signs_a_resident_in_with_a_code() {
    let (t, _) = crate::city::demo().await;
    let router = router(&t.db);
    let community: String = jiceng_ops::orgs::communities_named(&t.db, "社区")
        .await
        .unwrap()
        .first()
        .unwrap()
        .row
        .code
        .clone();
    let building = jiceng_ops::residents::buildings(&t.db, &community)
        .await
        .unwrap()
        .first()
        .map(|b| b.id);
    let (st, body, _, _) =
        post_public(&router, "/api/v1/resident/code", r#"{"phone":"123"}"#, true).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    let e: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        (e["error"]["field"].as_str(), e["error"]["value"].as_str()),
        (Some("phone"), Some("123"))
    );
    let (st, body, _, _) = post_public(
        &router,
        "/api/v1/resident/code",
        r#"{"phone":"13912345678"}"#,
        true,
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let sent: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(sent["expires_in"], 300);
    let code = sent["shown_code"].as_str().unwrap().to_string();
    let (st, body, _, _) = post_public(
        &router,
        "/api/v1/resident/code",
        r#"{"phone":"13912345678"}"#,
        true,
    )
    .await;
    assert_eq!(
        st,
        StatusCode::UNPROCESSABLE_ENTITY,
        "once a minute: {body}"
    );
    let signing = serde_json::json!({
        "phone": "13912345678", "sms_code": code, "name": "赵大爷",
        "community": community, "place_id": building,
    });
    let (st, body, _, cookie) = post_public(
        &router,
        "/api/v1/resident/session",
        &signing.to_string(),
        true,
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let session: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(session["created"], true);
    assert_eq!(session["resident"]["status"], "pending");
    let cookie = cookie.unwrap();
    let (st, body, _) = get(&router, "/api/v1/resident/me", &cookie).await;
    assert_eq!(st, StatusCode::OK);
    let me: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(me["phone"], "13912345678");
    let (st, _, _) = get(&router, "/api/v1/residents", &cookie).await;
    assert_eq!(st, StatusCode::FORBIDDEN, "a resident lists no one");
    // The code is spent.
    let (st, body, _, _) = post_public(
        &router,
        "/api/v1/resident/session",
        &signing.to_string(),
        true,
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    let e: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(e["error"]["field"], "sms_code");
}
