//! Photos from the pages and the API: a grid worker's case form carries a photo; the case
//! page draws it; its copies are JPEGs without EXIF, read only by those who may read the
//! case; the tracking page shows it by code where the reporter allowed; the handler answers
//! with before/after photos through the API; a photo over the limit is named and the form
//! comes back filled in.

use crate::PHONE_PHOTO;
use crate::pages::{Client, files_dir};
use axum::http::StatusCode;

fn photo_ids(page: &str, prefix: &str) -> Vec<String> {
    page.split(prefix)
        .skip(1)
        .map(|s| {
            s.split(|c: char| !c.is_ascii_digit())
                .next()
                .unwrap()
                .to_string()
        })
        .collect()
}

fn no_exif(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xD8, 0xFF]) && !bytes.windows(4).any(|w| w == b"Exif")
}

#[tokio::test]
async fn a_case_with_photos_from_the_phone_form_to_the_tracking_page() {
    let (t, summary) = crate::city::demo().await;
    let router = jiceng_web::router(t.db.clone(), files_dir());
    let pw = &summary.password;
    let grid = Client::sign_in(&router, &t.db, "grid", pw).await;
    let member = Client::sign_in(&router, &t.db, "member", pw).await;
    let street = Client::sign_in(&router, &t.db, "street", pw).await;
    let fields = [
        ("title", "楼道堆放杂物"),
        ("category", "hazard"),
        ("community", "C350302001001"),
        ("photos_public", "1"),
    ];

    // Over the limit: named, nothing written, the form back with its title.
    let big = vec![0xFFu8; (10 << 20) + 1];
    let (st, _, page) = grid
        .post_multipart("/cases", &fields, &[("photo_intake", "big.jpg", &big[..])])
        .await;
    let page = String::from_utf8_lossy(&page);
    assert_eq!(st, StatusCode::OK);
    assert!(page.contains("文件超过 10 MB"), "{page}");
    assert!(page.contains("value=\"楼道堆放杂物\""), "the title is kept");

    let (st, to, _) = grid
        .post_multipart(
            "/cases",
            &fields,
            &[("photo_intake", "IMG_0001.JPG", PHONE_PHOTO)],
        )
        .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let case = to.unwrap();
    let (_, page) = grid.get(&case).await;
    let ids = photo_ids(&page, "src=\"/cases/photos/");
    assert_eq!(ids.len(), 1, "{page}");
    let id = &ids[0];
    for size in ["", "?size=thumb"] {
        let (st, kind, bytes) = street.fetch(&format!("/cases/photos/{id}{size}")).await;
        assert_eq!((st, kind.as_str()), (StatusCode::OK, "image/jpeg"));
        assert!(no_exif(&bytes));
    }
    // A member may not read the case: the photo answers as one that does not exist.
    let (st, _, out) = member.fetch(&format!("/cases/photos/{id}")).await;
    let (st2, _, missing) = member.fetch("/cases/photos/987654").await;
    assert_eq!(st, st2);
    let alert = |page: &[u8], key: &str| {
        String::from_utf8_lossy(page)
            .split("class=\"alert\">")
            .nth(1)
            .unwrap()
            .split('<')
            .next()
            .unwrap()
            .replace(key, "#")
    };
    assert_eq!(alert(&out, id), alert(&missing, "987654"));

    // Signed out, by tracking code.
    let code = page
        .split("class=\"muted mono\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_string();
    let mut anyone = grid.clone();
    anyone.cookie = String::new();
    let (_, _, tracking) = anyone.fetch(&format!("/track?code={code}")).await;
    let tracking = String::from_utf8_lossy(&tracking);
    assert_eq!(photo_ids(&tracking, "src=\"/track/photos/"), ids);
    let (st, _, bytes) = anyone
        .fetch(&format!("/track/photos/{id}?code={code}&size=thumb"))
        .await;
    assert_eq!(st, StatusCode::OK);
    assert!(no_exif(&bytes));
    let (st, _, _) = anyone
        .fetch(&format!("/track/photos/{id}?code=C000000XXXXXX"))
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);

    // The API: the case lists its photos; the street dispatches, the handler accepts and
    // answers with before and after photos in one multipart request.
    let case_id = case.rsplit('/').next().unwrap();
    let (_, _, json) = street.fetch(&format!("/api/v1/cases/{case_id}")).await;
    let detail: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(detail["photos"][0]["stage"], "intake");
    assert_eq!(detail["photos_public"], true);
    let (st, _, _) = street
        .post_multipart(
            &format!("/api/v1/cases/{case_id}/moves"),
            &[("json", r#"{"action":"dispatch","departments":["cgj"]}"#)],
            &[],
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let handler = Client::sign_in(&router, &t.db, "handler", pw).await;
    let (st, _, body) = handler
        .post_multipart(
            &format!("/api/v1/cases/{case_id}/moves"),
            &[("json", r#"{"action":"accept"}"#)],
            &[],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    let (st, _, body) = handler
        .post_multipart(
            &format!("/api/v1/cases/{case_id}/moves"),
            &[("json", r#"{"action":"feedback","note":"已清理"}"#)],
            &[
                ("photo_before", "before.jpg", PHONE_PHOTO),
                ("photo_after", "after.jpg", PHONE_PHOTO),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    let (_, _, json) = handler.fetch(&format!("/api/v1/cases/{case_id}")).await;
    let detail: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let stages: Vec<&str> = detail["photos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["stage"].as_str().unwrap())
        .collect();
    assert_eq!(stages, ["intake", "before", "after"]);
    let after = detail["photos"][2]["id"].as_i64().unwrap();
    let (st, kind, bytes) = handler
        .fetch(&format!("/api/v1/case-photos/{after}?size=thumb"))
        .await;
    assert_eq!((st, kind.as_str()), (StatusCode::OK, "image/jpeg"));
    assert!(no_exif(&bytes));
    // A photo of the wrong stage is refused by name in the API's error shape.
    let (st, _, body) = street
        .post_multipart(
            &format!("/api/v1/cases/{case_id}/moves"),
            &[("json", r#"{"action":"verify"}"#)],
            &[("photo_after", "late.jpg", PHONE_PHOTO)],
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    let e: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(e["error"]["field"], "photo_stage", "{e}");
}
