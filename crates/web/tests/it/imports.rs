//! The import pages end to end: a sheet as an organisation department keeps it is uploaded,
//! its header found below the title, checked in the background, its problems listed by row
//! and column and downloadable as the file back with a problems column; the job is its
//! owner's alone.

use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode, header};
use tower::ServiceExt;

fn id_number(birth: &str, seq: u32) -> String {
    let first17 = format!("350302{birth}{seq:03}");
    let check = jiceng_domain::id_number::check_char(first17.as_bytes()) as char;
    format!("{first17}{check}")
}

/// A workbook with a merged title above the department's own headers: two good rows and a
/// bad one (a phone and an education nobody can read).
fn department_book(org_name: &str) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.merge_range(
        0,
        0,
        0,
        7,
        "莆田市荔城区党员信息采集表（2026年）",
        &rust_xlsxwriter::Format::new(),
    )
    .unwrap();
    let head = [
        "序号",
        "姓名",
        "公民身份号码",
        "所在党组织",
        "入党时间",
        "转正时间",
        "党员类别",
        "联系电话",
    ];
    let rows = [
        [
            "1".to_string(),
            "导入甲".into(),
            id_number("19800101", 871),
            org_name.into(),
            "2005年7月1日".into(),
            "2006-07-01".into(),
            "在职党员".into(),
            "+86 138-0594-1238".into(),
        ],
        [
            "2".to_string(),
            "导入乙".into(),
            id_number("19800101", 873),
            "C350302001001".into(),
            "2005-07-01".into(),
            "2006-07-01".into(),
            "流动党员".into(),
            "".into(),
        ],
        [
            "3".to_string(),
            "导入丙".into(),
            id_number("19800101", 875),
            "C350302001001".into(),
            "2005-07-01".into(),
            "2006-07-01".into(),
            "外星党员".into(),
            "12345".into(),
        ],
    ];
    for (c, h) in head.iter().enumerate() {
        ws.write_string(1, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32 + 2, c as u16, v).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

#[tokio::test]
async fn a_department_sheet_is_checked_in_the_background_and_its_problems_downloaded() {
    let (t, summary) = crate::city::demo().await;
    let router = jiceng_web::router(t.db.clone(), crate::pages::files_dir());
    let secretary =
        crate::pages::Client::sign_in(&router, &t.db, "secretary", &summary.password).await;
    let street = crate::pages::Client::sign_in(&router, &t.db, "street", &summary.password).await;
    let community = jiceng_ops::orgs::show(&t.db, &jiceng_ops::Actor::operator(), "C350302001001")
        .await
        .unwrap();
    let book = department_book(&community.org.row.name);
    let resp = router
        .clone()
        .oneshot(crate::trust::import(&secretary, "采集表.xlsx", &book))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let job = resp.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_string();
    assert!(job.starts_with("/import/"), "{job}");
    let (st, page) = secretary.get(&job).await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        page.contains("公民身份号码")
            && page.contains("id=\"mapping-form\"")
            && page.contains("导入甲"),
        "the columns as the file names them, with the first row: {page}"
    );
    assert!(page.contains("表头所在行 2 "), "below the title: {page}");
    // Someone else's job is not there.
    let (st, _) = street.get(&job).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, _) = street
        .post_form(&format!("{job}/run"), "mode=dry_run")
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    secretary.post(&format!("{job}/run"), "mode=dry_run").await;
    let mut page = String::new();
    for _ in 0..100 {
        page = secretary.get(&job).await.1;
        if page.contains("id=\"import-report\"") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(page.contains("发现问题，未写入任何数据（2）"), "{page}");
    assert!(
        page.contains("联系电话（联系电话）") && page.contains("党员类别（党员类别）"),
        "{page}"
    );
    assert_eq!(
        jiceng_ops::members::list(
            &t.db,
            &jiceng_ops::Actor::operator(),
            jiceng_ops::members::ListMembers {
                name: Some("导入".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .items
        .len(),
        0,
        "a check writes nothing"
    );
    // The file back, with each row's problems beside it.
    let resp = router
        .clone()
        .oneshot(
            Request::get(format!("{job}/report.xlsx"))
                .header(header::HOST, "localhost")
                .header(header::COOKIE, &secretary.cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let bytes = to_bytes(resp.into_body(), 1 << 22).await.unwrap();
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> =
        calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let first = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&first).unwrap();
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(rows[0].first().map(String::as_str), Some("行号"));
    assert_eq!(rows[0].last().map(String::as_str), Some("问题"));
    assert_eq!(rows.len(), 4, "the header and three rows: {rows:?}");
    assert_eq!(rows[3][0], "5", "the file's own row number");
    assert!(rows[3].last().unwrap().contains("联系电话"), "{rows:?}");
    assert!(
        rows[1].last().unwrap().is_empty(),
        "a good row has no problems"
    );
}
