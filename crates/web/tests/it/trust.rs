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

/// An upload of `bytes` as `name` to the import page, as `client`.
pub(crate) fn import(client: &crate::pages::Client, name: &str, bytes: &[u8]) -> Request<Body> {
    let boundary = "XjicengX";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"mode\"\r\n\r\ndry\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Request::post("/import")
        .header(header::HOST, "localhost")
        .header(header::COOKIE, &client.cookie)
        .header("x-csrf-token", &client.csrf)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap()
}

/// Finding 3 and the suite's upload bombs: a 5 KB workbook with cells at A1 and XFD1048576, a
/// workbook that inflates past the limit, a 200,000-row file at the upload limit and files
/// whose first bytes are not what their names say are each refused by name within a second,
/// without building what they declare; a member may not upload at all; the server answers
/// on and nothing is written.
#[tokio::test]
async fn an_upload_bomb_is_refused_before_it_is_parsed() {
    let (t, summary) = crate::city::demo().await;
    let router = jiceng_web::router(t.db.clone(), crate::pages::files_dir());
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.write_string(0, 0, "姓名").unwrap();
    ws.write_string(1_048_575, 16_383, "x").unwrap();
    let bomb = book.save_to_buffer().unwrap();
    assert!(bomb.len() < 16 << 10, "{} bytes", bomb.len());
    let member = crate::pages::Client::sign_in(&router, &t.db, "member", &summary.password).await;
    let secretary =
        crate::pages::Client::sign_in(&router, &t.db, "secretary", &summary.password).await;
    let members = t.db.clone();
    let before = jiceng_ops::audit::verify(&members, &jiceng_ops::Actor::operator())
        .await
        .unwrap()
        .entries;
    let resp = router
        .clone()
        .oneshot(import(&member, "bomb.xlsx", &bomb))
        .await
        .unwrap();
    assert_eq!(
        resp.status(),
        StatusCode::FORBIDDEN,
        "a member may not import"
    );
    // A workbook whose one entry inflates past the limit, from well under a megabyte.
    let zipped = {
        use std::io::Write;
        let mut out = std::io::Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        zip.start_file(
            "xl/worksheets/sheet1.xml",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        let chunk = vec![b'a'; 1 << 20];
        for _ in 0..65 {
            zip.write_all(&chunk).unwrap();
        }
        zip.finish().unwrap();
        out.into_inner()
    };
    assert!(zipped.len() < 1 << 20, "{} bytes", zipped.len());
    // 200,000 rows of a member file, under the 10 MiB upload limit.
    let line = "林某,350302198001010019,C350302001001,2005-07-01\n";
    let rows = "姓名,身份证号,党组织代码,入党日期\n".to_string() + &line.repeat(200_000);
    assert!(rows.len() < 10 << 20, "{} bytes", rows.len());
    for (name, bytes, named) in [
        ("bomb.xlsx", bomb.clone(), "超过 100000 行"),
        ("zipped.xlsx", zipped, "解压后超过"),
        ("members.csv", rows.into_bytes(), "超过 100000 行"),
        (
            "bomb.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1".to_vec(),
            "另存为 .xlsx",
        ),
        (
            "members.xlsx",
            b"MZ\x90\x00 not a workbook".to_vec(),
            "不是 .xlsx 工作簿",
        ),
    ] {
        let sent = std::time::Instant::now();
        let resp = router
            .clone()
            .oneshot(import(&secretary, name, &bytes))
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        assert!(
            sent.elapsed() < std::time::Duration::from_secs(1),
            "{name} refused in {:?}",
            sent.elapsed()
        );
        let page = axum::body::to_bytes(resp.into_body(), 1 << 20)
            .await
            .unwrap();
        let page = String::from_utf8_lossy(&page);
        assert!(page.contains(named), "{name}: {page}");
    }
    let (st, _) = secretary.get("/members").await;
    assert_eq!(st, StatusCode::OK, "the server answers on");
    let after = jiceng_ops::audit::verify(&members, &jiceng_ops::Actor::operator())
        .await
        .unwrap()
        .entries;
    assert_eq!(after, before, "nothing was written");
}

/// Finding 17, in part: a link reveals nothing (a cross-site link cannot plant reveal entries
/// in the audit trail); the deliberate POST reveals and is audited, and opening the edit form
/// reveals nothing either.
#[tokio::test]
async fn only_a_deliberate_post_reveals_and_is_audited() {
    let (t, summary) = crate::city::demo().await;
    let router = jiceng_web::router(t.db.clone(), crate::pages::files_dir());
    let secretary =
        crate::pages::Client::sign_in(&router, &t.db, "secretary", &summary.password).await;
    let actor = secretary.actor(&t.db).await;
    let member = jiceng_ops::members::list(&t.db, &actor, Default::default())
        .await
        .unwrap()
        .items
        .remove(0);
    let reveals = || async {
        jiceng_ops::audit::browse(
            &t.db,
            &jiceng_ops::Actor::operator(),
            jiceng_ops::audit::BrowseAudit {
                operation: Some("member.reveal".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .items
        .len()
    };
    let whole = jiceng_ops::members::show(&t.db, &jiceng_ops::Actor::operator(), member.id, true)
        .await
        .unwrap()
        .member
        .id_number;
    let before = reveals().await;
    for link in [
        format!("/members/{}?reveal=1", member.id),
        format!("/members/{}/edit", member.id),
    ] {
        let (st, page) = secretary.get(&link).await;
        assert_eq!(st, StatusCode::OK, "{link}");
        assert!(!page.contains(&whole), "masked: {link}");
    }
    assert_eq!(reveals().await, before, "links reveal nothing");
    let (st, page) = secretary
        .post_form(&format!("/members/{}/reveal", member.id), "")
        .await;
    assert_eq!(st, StatusCode::OK);
    assert!(page.contains(&whole), "the whole number is shown");
    assert_eq!(reveals().await, before + 1, "the POST is audited");
}

/// Finding 17, in part: behind an https public address every cookie is `Secure`; on plain
/// http (the default, for a local server) none is.
#[tokio::test]
async fn cookies_are_secure_behind_https() {
    let (t, summary) = crate::city::demo().await;
    for (public_url, secure) in [(Some("https://jiceng.example.gov.cn"), true), (None, false)] {
        let router = jiceng_web::router_behind(
            t.db.clone(),
            crate::pages::files_dir(),
            jiceng_web::Deployment {
                public_url: public_url.map(String::from),
                ..Default::default()
            },
        );
        let req = Request::post("/login")
            .header(header::HOST, "localhost")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!(
                "username=street&password={}&next=/",
                summary.password
            )))
            .unwrap();
        let resp = router.oneshot(req).await.unwrap();
        let cookie = resp.headers()[header::SET_COOKIE].to_str().unwrap();
        assert_eq!(
            cookie.ends_with("; Secure"),
            secure,
            "{public_url:?}: {cookie}"
        );
        assert!(cookie.contains("HttpOnly"));
    }
}

/// Finding 19: exports are streamed. The demo city's cases span more than one of the export's pages;
/// the workbook holds every one of them, once, under its header.
#[tokio::test]
async fn an_export_holds_every_row_across_its_pages() {
    use calamine::{Reader, Xlsx};
    use jiceng_store::Db;
    let (t, summary) = crate::city::demo().await;
    let router = jiceng_web::router(t.db.clone(), crate::pages::files_dir());
    let admin = crate::pages::Client::sign_in(&router, &t.db, "admin", &summary.password).await;
    let sql = "SELECT code FROM cases";
    let mut codes: Vec<String> = match &t.db {
        Db::Sqlite(p, _) => sqlx::query_scalar(sql).fetch_all(p).await,
        Db::Pg(p) => sqlx::query_scalar(sql).fetch_all(p).await,
    }
    .unwrap();
    assert!(codes.len() > 500, "more than one page: {}", codes.len());
    let req = Request::get("/cases/export.xlsx")
        .header(header::HOST, "localhost")
        .header(header::COOKIE, &admin.cookie)
        .body(Body::empty())
        .unwrap();
    let resp = router.clone().oneshot(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let bytes = axum::body::to_bytes(resp.into_body(), 256 << 20)
        .await
        .unwrap();
    let mut book = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let sheet = book.worksheet_range("案件").unwrap();
    let rows: Vec<_> = sheet.rows().collect();
    assert_eq!(rows[0][0].to_string(), "案件编号");
    let mut listed: Vec<String> = rows[1..].iter().map(|r| r[0].to_string()).collect();
    listed.sort();
    codes.sort();
    assert_eq!(listed, codes, "every case once");
}
