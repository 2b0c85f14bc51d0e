//! Findings of the trust review that show over HTTP, each as the request that reproduced it.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use tower::ServiceExt;

/// Finding 16: after sign-in only a path on this site is followed; `/\evil.example`, which
/// browsers read as another host, lands on the home page.
#[tokio::test]
async fn sign_in_follows_no_path_to_another_site() {
    let (t, summary) = crate::city::demo().await;
    let router = jiceng_web::router(t.db.clone(), crate::pages::files_dir());
    for (next, lands) in [
        ("%2F%5Cevil.example", "/"),
        ("%2F%2Fevil.example", "/"),
        ("https%3A%2F%2Fevil.example", "/"),
        ("%2Fmembers%3Fwithin%3DC1", "/members?within=C1"),
    ] {
        let req = Request::post("/login")
            .header(header::HOST, "localhost")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!(
                "username=street&password={}&next={next}",
                summary.password
            )))
            .unwrap();
        let resp = router.clone().oneshot(req).await.unwrap();
        assert_eq!(resp.status(), StatusCode::SEE_OTHER);
        assert_eq!(resp.headers()[header::LOCATION], lands, "next={next}");
    }
    let req = Request::get("/lang/en")
        .header(header::HOST, "localhost")
        .header(header::REFERER, "https://evil.example/")
        .body(Body::empty())
        .unwrap();
    let resp = router.clone().oneshot(req).await.unwrap();
    assert_eq!(
        resp.headers()[header::LOCATION],
        "/",
        "the language switch stays here"
    );
}
