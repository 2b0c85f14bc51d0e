//! A database that is gone: the API answers 503 and the page says so, neither with the
//! driver's text; both name the request's id, and the log holds the detail under that id.

use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode, header};
use jiceng_store::testing::TestDb;
use std::io::Write;
use std::sync::{Arc, Mutex};
use tower::ServiceExt;

/// Log lines written while the test runs, on its own thread.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

async fn send(router: &axum::Router, req: Request<Body>) -> (StatusCode, String, String) {
    let resp = router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let id = resp
        .headers()
        .get("x-request-id")
        .expect("every answer names its request")
        .to_str()
        .unwrap()
        .to_string();
    let body = to_bytes(resp.into_body(), 1 << 20).await.unwrap();
    (status, String::from_utf8_lossy(&body).into_owned(), id)
}

#[tokio::test]
async fn a_lost_database_answers_503_without_its_text_and_logs_it_under_the_request_id() {
    let log = Captured::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    // Other tests in this binary may have reached the span's callsite first, with no
    // subscriber of theirs, and cached that nobody wants it; ask again now that one does.
    tracing::callsite::rebuild_interest_cache();

    let t = TestDb::new().await;
    let router = jiceng_web::router(t.db.clone(), std::env::temp_dir());
    let (st, _, _) = send(
        &router,
        Request::get("/healthz").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    t.db.close().await;

    let login = Request::post("/api/v1/session")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::HOST, "localhost")
        .body(Body::from(r#"{"username":"nobody","password":"x"}"#))
        .unwrap();
    let (st, body, id) = send(&router, login).await;
    assert_eq!(st, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["error"]["code"], "unavailable");
    assert_eq!(v["error"]["request_id"], id.as_str());
    assert_eq!(v["error"]["message"], "数据库暂不可用，请稍后再试");
    for driver_text in ["pool", "closed", "sqlx", "connection", "Pool"] {
        assert!(!body.contains(driver_text), "no driver text: {body}");
    }

    let page = Request::get("/members")
        .header(header::HOST, "localhost")
        .header(header::COOKIE, "jiceng_session=whatever")
        .body(Body::empty())
        .unwrap();
    let (st, html, page_id) = send(&router, page).await;
    assert_eq!(st, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        html.contains("数据库暂不可用") && html.contains(&page_id),
        "{html}"
    );
    assert!(!html.contains("pool") && !html.contains("closed"), "{html}");
    assert_ne!(id, page_id);

    let text = log.text();
    for rid in [&id, &page_id] {
        let line = text
            .lines()
            .find(|l| l.contains(rid.as_str()) && l.contains("request failed"))
            .unwrap_or_else(|| panic!("a log line for {rid} in:\n{text}"));
        assert!(line.contains("closed pool"), "the detail is logged: {line}");
    }
}
