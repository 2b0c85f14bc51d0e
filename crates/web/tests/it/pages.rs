//! Server-rendered pages for every role: each main page renders (no 5xx), signed-out visitors
//! are sent to sign in, and pages refuse what the role may not see.

use axum::body::{Body, to_bytes};
use axum::http::{Method, Request, StatusCode, header};
use jiceng_ops::Actor;
use tower::ServiceExt;

pub(crate) async fn get(
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
    let bytes = to_bytes(resp.into_body(), 8 << 20).await.unwrap();
    (
        status,
        String::from_utf8_lossy(&bytes).into_owned(),
        location,
    )
}

pub(crate) async fn sign_in(router: &axum::Router, user: &str, password: &str) -> String {
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
    let (t, summary) = crate::city::demo().await;
    let router = jiceng_web::router(t.db.clone(), files_dir());

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
            "/units",
            "/units/new",
            "/orgs/new",
            "/users",
            "/tokens",
            "/meetings",
            "/compliance",
            "/points",
            "/assessment",
            "/evaluations",
            "/cases",
            "/cases/new",
            "/rates",
            "/grids",
            "/inbox",
            "/track?code=NOPE",
            "/disclosure",
            "/patrols",
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
        let (_, home, _) = get(&router, "/", &cookie).await;
        match account.username.as_str() {
            "secretary" | "street" => assert!(
                home.contains("三会一课达标 · ")
                    && (home.contains("未达标") || home.contains("全部达标")),
                "last quarter's compliance on the home page"
            ),
            "member" => assert!(home.contains("积分台账"), "a member reaches their points"),
            _ => {}
        }
        let (_, body, _) = get(&router, "/members", &cookie).await;
        match account.username.as_str() {
            "member" => {
                assert!(body.contains("只能查看本人档案"), "a member sees no list");
                let (_, en, _) = get(&router, "/members", &format!("{cookie}; lang=en")).await;
                assert!(
                    en.contains("a member may see only their own file") && !en.contains("只能查看"),
                    "the refusal is worded in English too: {en}"
                );
            }
            _ => assert!(
                body.contains("table class=\"members\""),
                "{} sees a list",
                account.username
            ),
        }
    }
    let admin = sign_in(&router, "secretary", &summary.password).await;
    for export in ["/members/export.xlsx", "/orgs/export.xlsx"] {
        let req = Request::builder()
            .uri(export)
            .header(header::HOST, "localhost")
            .header(header::COOKIE, &admin)
            .body(Body::empty())
            .unwrap();
        let resp = router.clone().oneshot(req).await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "{export}");
        assert!(
            resp.headers()[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .contains("spreadsheetml")
        );
        let bytes = to_bytes(resp.into_body(), 64 << 20).await.unwrap();
        assert!(
            bytes.starts_with(b"PK") && bytes.len() > 2000,
            "{export} is an xlsx file"
        );
    }
    let (st, body, _) = get(&router, "/members/export.xlsx?within=S350302002", &admin).await;
    assert!(!st.is_success(), "no export outside the scope");
    assert!(body.contains("没有这个代码的党组织"), "{body}");
    let (st, _, _) = get(&router, "/audit/export.xlsx", &admin).await;
    assert_eq!(
        st,
        StatusCode::FORBIDDEN,
        "a secretary does not read the audit trail"
    );
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

pub(crate) async fn post_form(
    router: &axum::Router,
    uri: &str,
    cookie: &str,
    csrf: &str,
    body: &str,
) -> (StatusCode, String) {
    let req = Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(header::HOST, "localhost")
        .header(header::COOKIE, cookie)
        .header("x-csrf-token", csrf)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body.to_string()))
        .unwrap();
    let resp = router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    (
        status,
        String::from_utf8(to_bytes(resp.into_body(), 8 << 20).await.unwrap().to_vec()).unwrap(),
    )
}

#[tokio::test]
async fn dual_registration_from_the_community_page() {
    use jiceng_ops::members::{self, ListMembers};
    let (t, summary) = crate::city::demo().await;
    let op = Actor::operator();
    let router = jiceng_web::router(t.db.clone(), files_dir());
    // An employed member living in 太平社区 who has not registered yet.
    let mut candidate = None;
    let mut after = None;
    while candidate.is_none() {
        let page = members::list(
            &t.db,
            &op,
            ListMembers {
                category: Some("employed".into()),
                after: after.clone(),
                limit: Some(500),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        for m in &page.items {
            if m.residence_division.as_deref() == Some("350302001001")
                && members::show(&t.db, &op, m.id, false)
                    .await
                    .unwrap()
                    .registrations
                    .is_empty()
            {
                candidate = Some(m.clone());
                break;
            }
        }
        after = page.next.clone();
        assert!(
            after.is_some() || candidate.is_some(),
            "the demo has such a member"
        );
    }
    let m = candidate.unwrap();
    let cookie = sign_in(&router, "secretary", &summary.password).await;
    let token = cookie.split_once('=').unwrap().1.to_string();
    let (_, csrf) = jiceng_ops::accounts::session_actor(&t.db, &token)
        .await
        .unwrap();

    let (st, body) = post_form(
        &router,
        "/orgs/C350302001001/registrations",
        &cookie,
        &csrf,
        "member=abc",
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        body.contains("class=\"alert\"") && body.contains("abc"),
        "a bad number is named"
    );
    let (st, _) = post_form(
        &router,
        "/orgs/C350302001001/registrations",
        &cookie,
        "wrong",
        &format!("member={}", m.id),
    )
    .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "CSRF token required");
    let (st, _) = post_form(
        &router,
        "/orgs/C350302001001/registrations",
        &cookie,
        &csrf,
        &format!("member={}&on=2025-03-01", m.id),
    )
    .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let (_, page, _) = get(&router, "/orgs/C350302001001", &cookie).await;
    assert!(
        page.contains(&m.name) && page.contains("2025-03-01"),
        "shown on the community's side"
    );
    let admin = sign_in(&router, "admin", &summary.password).await;
    let (_, page, _) = get(&router, &format!("/members/{}", m.id), &admin).await;
    assert!(
        page.contains("2025-03-01") && page.contains("中共太平社区委员会"),
        "shown on the member's side"
    );
}

/// The location a form post redirected to (303 See Other).
pub(crate) async fn post_redirect(
    router: &axum::Router,
    uri: &str,
    cookie: &str,
    csrf: &str,
    body: &str,
) -> String {
    let req = Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(header::HOST, "localhost")
        .header(header::COOKIE, cookie)
        .header("x-csrf-token", csrf)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body.to_string()))
        .unwrap();
    let resp = router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let location = resp
        .headers()
        .get(header::LOCATION)
        .map(|l| l.to_str().unwrap().to_string());
    let page = to_bytes(resp.into_body(), 8 << 20).await.unwrap();
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "{uri} {body}: {}",
        String::from_utf8_lossy(&page)
    );
    location.unwrap()
}

#[tokio::test]
async fn orgs_units_and_seats_from_their_pages() {
    let (t, summary) = crate::city::demo().await;
    let router = jiceng_web::router(t.db.clone(), files_dir());
    let c = Client::sign_in(&router, &t.db, "secretary", &summary.password).await;
    let community = "C350302001001";
    a_branch_and_group_are_added_and_a_secretary_seated(&c, community).await;
    an_org_with_children_is_moved_before_it_is_deleted(&c, community).await;
    a_unit_is_added_searched_shown_and_exported(&c).await;
    a_unit_registers_with_the_community_and_ends_it(&c, community).await;
    a_member_is_transferred_from_their_page(&c, &t.db, community).await;
    accounts_and_tokens_within_the_scope(&c).await;
}

/// A form with an error keeps what was typed and names the field; two branches and a group
/// are added under the community, and one secretary seated per org.
async fn a_branch_and_group_are_added_and_a_secretary_seated(c: &Client, community: &str) {
    let (st, page) = c.get(&format!("/orgs/new?parent={community}")).await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        page.contains(&format!("value=\"{community}\"")),
        "the parent is filled in"
    );
    let branch = |code: &str, name: &str, level: &str| {
        format!(
            "parent={community}&code={code}&name={name}&level={level}&category=regional&division_code=350302001001&founded_on=2020-01-01&elected_on=2023-01-01"
        )
    };
    let (st, page) = c
        .post_form("/orgs", &branch("TB1", "测试第一支部", ""))
        .await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        page.contains("组织层级") && page.contains("测试第一支部"),
        "{page}"
    );
    let to = c
        .post("/orgs", &branch("TB1", "测试第一支部", "branch"))
        .await;
    assert_eq!(to, "/orgs/TB1");
    c.post("/orgs", &branch("TB2", "测试第二支部", "branch"))
        .await;
    let group = "parent=TB1&code=TG1&name=测试党小组&level=group&category=regional&division_code=350302001001";
    c.post("/orgs", group).await;

    c.post(
        "/orgs/TB1/seats",
        "position=secretary&name=郑测试&since=2023-01-01",
    )
    .await;
    let (_, page) = c.get("/orgs/TB1").await;
    assert!(
        page.contains("郑测试") && page.contains("测试党小组"),
        "seat and child shown"
    );
    let (st, page) = c
        .post_form("/orgs/TB1/seats", "position=secretary&name=林重复")
        .await;
    assert_eq!(st, StatusCode::OK);
    assert!(page.contains("该组织已有书记"), "one secretary per org");
}

/// Deleting an org with children is refused on its page; moving the child and then deleting
/// works.
async fn an_org_with_children_is_moved_before_it_is_deleted(c: &Client, community: &str) {
    let (st, page) = c.post_form("/orgs/TB1/delete", "").await;
    assert_eq!(st, StatusCode::OK);
    assert!(page.contains("个下级党组织，不能删除"), "{page}");
    let (st, page) = c.post_form("/orgs/TG1/move", "parent=TG1").await;
    assert_eq!(st, StatusCode::OK);
    assert!(page.contains("不能把党组织移到它自己或它的下级之下"));
    c.post("/orgs/TG1/move", "parent=TB2").await;
    let (_, page) = c.get("/orgs/TB2").await;
    assert!(page.contains("测试党小组"), "moved under the second branch");
    let to = c.post("/orgs/TB1/delete", "").await;
    assert_eq!(to, format!("/orgs/{community}"));
    let (st, _) = c.get("/orgs/TB1").await;
    assert_eq!(st, StatusCode::NOT_FOUND);
}

/// Units: a bad division is named, a good unit is listed, searched, shown and exported.
async fn a_unit_is_added_searched_shown_and_exported(c: &Client) {
    let (st, page) = c
        .post_form(
            "/units",
            "name=测试科技公司&category=private_enterprise&division_code=999999999999",
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        page.contains("行政区划代码") && page.contains("999999999999"),
        "{page}"
    );
    let to = c.post("/units", "name=测试科技公司&category=private_enterprise&division_code=350302001001&address=胜利路1号",
    )
    .await;
    assert!(to.starts_with("/units/"));
    let (_, page) = c.get(&to).await;
    assert!(
        page.contains("测试科技公司") && page.contains("胜利路1号") && page.contains("非公企业")
    );
    let (_, page) = c.get("/units?q=%E6%B5%8B%E8%AF%95%E7%A7%91%E6%8A%80").await;
    assert!(page.contains(&format!("href=\"{to}\"")), "found by name");
    let (_, page) = c.get("/units?q=nothing-like-this").await;
    assert!(
        page.contains("没有符合条件的驻区单位"),
        "an empty search says so"
    );
    let (st, xlsx) = c.get("/units/export.xlsx?q=%E6%B5%8B%E8%AF%95").await;
    assert_eq!(st, StatusCode::OK);
    assert!(xlsx.starts_with("PK"), "an xlsx file");
}

/// 双报到 from the unit's side (an unknown community is named), then ended from the same page.
async fn a_unit_registers_with_the_community_and_ends_it(c: &Client, community: &str) {
    c.post("/orgs", "parent=C350302001001&code=TU1&name=测试公司党支部&level=branch&category=unit&division_code=350302001001",
    )
    .await;
    let unit = c
        .post(
            "/units",
            "name=测试物业公司&category=private_enterprise&division_code=350302001001&org=TU1",
        )
        .await;
    let (st, page) = c
        .post_form(&format!("{unit}/register"), "community=NOPE")
        .await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        page.contains("NOPE") && page.contains("class=\"alert\""),
        "{page}"
    );
    c.post(
        &format!("{unit}/register"),
        &format!("community={community}&on=2025-05-01"),
    )
    .await;
    let (_, page) = c.get(&unit).await;
    assert!(
        page.contains("2025-05-01") && page.contains("报到中"),
        "{page}"
    );
    let reg = page
        .split("/registrations/")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap()
        .to_string();
    let back = c
        .post(
            &format!("/registrations/{reg}/end"),
            &format!("back={unit}&on=2025-06-01"),
        )
        .await;
    assert_eq!(back, unit);
    let (_, page) = c.get(&unit).await;
    assert!(
        page.contains("2025-06-01") && !page.contains("报到中"),
        "ended"
    );
}

/// 组织关系转接 from the member's page: an unknown org is named, a known one takes them.
async fn a_member_is_transferred_from_their_page(c: &Client, db: &jiceng_ops::Db, community: &str) {
    let someone = jiceng_ops::members::list(
        db,
        &Actor::operator(),
        jiceng_ops::members::ListMembers {
            within: Some(community.into()),
            limit: Some(1),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .items
    .remove(0);
    let transfer = format!("/members/{}/transfer", someone.id);
    let (st, page) = c.post_form(&transfer, "org=NOWHERE").await;
    assert_eq!(st, StatusCode::OK);
    assert!(page.contains("NOWHERE") && page.contains("class=\"alert\""));
    c.post(&transfer, "org=TB2&reason=工作调动").await;
    let (_, page) = c.get(&format!("/members/{}", someone.id)).await;
    assert!(
        page.contains("测试第二支部") && page.contains("工作调动"),
        "{page}"
    );
}

/// Accounts within the scope (a short password is named and not echoed), personal access
/// tokens shown once and revoked, and another street's units out of scope.
async fn accounts_and_tokens_within_the_scope(c: &Client) {
    let (st, page) = c
        .post_form(
            "/users",
            "username=newworker&password=short&role=community_worker&scope=C350302001001",
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        page.contains("至少 8 位") && !page.contains("value=\"short\""),
        "{page}"
    );
    c.post("/users", "username=newworker&display_name=新社工&password=Abcdefg123&role=community_worker&scope=C350302001001",
    )
    .await;
    let (_, page) = c.get("/users").await;
    assert!(page.contains("newworker") && page.contains("新社工"));
    let (st, page) = c
        .post_form("/tokens", "name=统计脚本&scope=read&days=30")
        .await;
    assert_eq!(st, StatusCode::OK);
    assert!(page.contains("jct_") && page.contains("统计脚本"), "{page}");
    let id = page
        .split("/tokens/")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap()
        .to_string();
    c.post(&format!("/tokens/{id}/revoke"), "").await;
    let (_, page) = c.get("/tokens").await;
    assert!(
        page.contains("已吊销") && !page.contains("jct_"),
        "revoked, secret not shown again"
    );

    let (st, _) = c.get("/units?within=350302002").await;
    assert_eq!(
        st,
        StatusCode::FORBIDDEN,
        "another street's units are out of scope"
    );
}

/// A fresh directory for uploaded files, per test.
pub(crate) fn files_dir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!(
        "jiceng-test-files-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[tokio::test]
async fn meetings_compliance_ledger_and_attachments_from_the_pages() {
    let (t, summary) = crate::city::demo().await;
    let router = jiceng_web::router(t.db.clone(), files_dir());
    let cookie = sign_in(&router, "secretary", &summary.password).await;
    let token = cookie.split_once('=').unwrap().1.to_string();
    let (_, csrf) = jiceng_ops::accounts::session_actor(&t.db, &token)
        .await
        .unwrap();
    // A new branch owes a committee meeting and a themed day in 2025-03, and held neither.
    post_redirect(
        &router,
        "/orgs",
        &cookie,
        &csrf,
        "parent=C350302001001&code=TM1&name=会议测试支部&level=branch&category=regional&division_code=350302001001",
    )
    .await;
    let someone = jiceng_ops::members::add(
        &t.db,
        &Actor::operator(),
        jiceng_ops::members::NewMember {
            name: Some("会议甲".into()),
            id_number: Some("350302198503040991".into()),
            joined_on: Some("2010-07-01".into()),
            full_on: Some("2011-07-01".into()),
            org: Some("TM1".into()),
            ..Default::default()
        },
    )
    .await;
    let someone = match someone {
        Ok(m) => m.id,
        Err(e) => panic!("{e}"),
    };
    let (st, page, _) = get(&router, "/compliance?within=TM1&period=2025-03", &cookie).await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        page.contains("未达标") && page.contains("支委会 2025-03"),
        "{page}"
    );

    let (_, form, _) = get(&router, "/meetings/new?org=TM1", &cookie).await;
    assert!(
        form.contains("会议甲"),
        "the org's members are listed for marking absences"
    );
    let (st, page) = post_form(
        &router,
        "/meetings",
        &cookie,
        &csrf,
        "org=TM1&kind=branch_committee&status=held&held_on=2099-03-10&topic=研究工作",
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert!(page.contains("已召开的会议不能晚于今天"), "{page}");
    let meeting = post_redirect(
        &router,
        "/meetings",
        &cookie,
        &csrf,
        &format!("org=TM1&kind=branch_committee&status=held&held_on=2025-03-10&topic=研究工作&absent={someone}&reason_{someone}=出差"),
    )
    .await;
    let (_, page, _) = get(&router, &meeting, &cookie).await;
    assert!(
        page.contains("会议甲") && page.contains("出差") && page.contains("0 / 1"),
        "{page}"
    );
    post_redirect(
        &router,
        "/meetings",
        &cookie,
        &csrf,
        "org=TM1&kind=themed_day&held_on=2025-03-01&topic=志愿服务进小区",
    )
    .await;
    let (_, page, _) = get(&router, "/compliance?within=TM1&period=2025-03", &cookie).await;
    assert!(
        page.contains("tag ok") && !page.contains("tag bad"),
        "now it complies: {page}"
    );

    // The ledger of the year, as a page and as a workbook.
    let (_, page, _) = get(&router, "/orgs/TM1/ledger?year=2025", &cookie).await;
    assert!(
        page.contains("研究工作")
            && page.contains("志愿服务进小区")
            && page.contains("会议甲（出差）")
    );
    let (st, xlsx, _) = get(&router, "/orgs/TM1/ledger.xlsx?year=2025", &cookie).await;
    assert_eq!(st, StatusCode::OK);
    assert!(xlsx.starts_with("PK"));

    // An attachment: a PDF is kept and served back; a renamed program is refused.
    let id = meeting.rsplit('/').next().unwrap();
    let upload = |name: &str, bytes: &[u8]| {
        let boundary = "XjicengX";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        Request::builder()
            .method(Method::POST)
            .uri(format!("/meetings/{id}/attachments"))
            .header(header::HOST, "localhost")
            .header(header::COOKIE, &cookie)
            .header("x-csrf-token", &csrf)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Body::from(body))
            .unwrap()
    };
    let resp = router
        .clone()
        .oneshot(upload("签到表.pdf", b"%PDF-1.4 test"))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let resp = router
        .clone()
        .oneshot(upload("tool.pdf", b"MZ\x90\x00"))
        .await
        .unwrap();
    let page =
        String::from_utf8_lossy(&to_bytes(resp.into_body(), 1 << 20).await.unwrap()).into_owned();
    assert!(page.contains("文件内容与扩展名不符"), "{page}");
    let (_, page, _) = get(&router, &meeting, &cookie).await;
    assert!(page.contains("签到表.pdf"));
    let file = page
        .split("/attachments/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let (st, body, _) = get(&router, &format!("/attachments/{file}"), &cookie).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(body, "%PDF-1.4 test");
    // Another street's org is refused exactly as a code that does not exist.
    let (st, page, _) = get(&router, "/compliance?within=S350302002", &cookie).await;
    let (st2, missing, _) = get(&router, "/compliance?within=NOWHERE9", &cookie).await;
    assert_eq!(st, st2);
    assert!(page.contains("没有这个代码的党组织") && missing.contains("没有这个代码的党组织"));
}

#[tokio::test]
async fn points_ledger_entry_approval_and_ranking_pages() {
    let (t, summary) = crate::city::demo().await;
    let router = jiceng_web::router(t.db.clone(), files_dir());
    let session = |cookie: String| async {
        let token = cookie.split_once('=').unwrap().1.to_string();
        let (_, csrf) = jiceng_ops::accounts::session_actor(&t.db, &token)
            .await
            .unwrap();
        (cookie, csrf)
    };
    let (sec, sec_csrf) = session(sign_in(&router, "secretary", &summary.password).await).await;
    let (street, street_csrf) = session(sign_in(&router, "street", &summary.password).await).await;
    let m = jiceng_ops::members::list(
        &t.db,
        &Actor::operator(),
        jiceng_ops::members::ListMembers {
            within: Some("C350302001001".into()),
            limit: Some(1),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .items
    .remove(0);
    let year = (chrono::Datelike::year(&jiceng_domain::clock::today()) - 1).to_string();
    let ledger = format!("/members/{}/points?scheme=accrual&period={year}", m.id);
    let total = |page: &str| -> i64 {
        page.split("id=\"points-total\">")
            .nth(1)
            .unwrap()
            .split('<')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    let (st, page, _) = get(&router, &ledger, &sec).await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        page.contains("参加组织生活"),
        "the record-based items are listed"
    );
    let before = total(&page);

    let (st, page) = post_form(
        &router,
        &format!("/members/{}/points", m.id),
        &sec,
        &sec_csrf,
        &format!("scheme=accrual&item=task&times=1&occurred_on={year}-06-01"),
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert!(page.contains("该项目须附佐证材料"), "{page}");
    post_redirect(
        &router,
        &format!("/members/{}/points", m.id),
        &sec,
        &sec_csrf,
        &format!("scheme=accrual&item=task&times=2&occurred_on={year}-06-01&evidence=照片"),
    )
    .await;
    let (_, page, _) = get(&router, &ledger, &sec).await;
    assert_eq!(total(&page), before, "pending points do not count");
    assert!(page.contains("待审核"));
    let (_, pending, _) = get(&router, "/points/pending", &street).await;
    let id = pending
        .split("/points/entries/")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_string();
    let (_, page) = post_form(
        &router,
        &format!("/points/entries/{id}/approve"),
        &sec,
        &sec_csrf,
        "",
    )
    .await;
    assert!(page.contains("不能审核自己登记的积分"), "{page}");
    post_redirect(
        &router,
        &format!("/points/entries/{id}/approve"),
        &street,
        &street_csrf,
        "",
    )
    .await;
    let (_, page, _) = get(&router, &ledger, &sec).await;
    assert_eq!(total(&page), before + 10);

    let (st, page, _) = get(
        &router,
        &format!("/points?within=C350302001001&scheme=accrual&period={year}"),
        &sec,
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert!(page.contains("table class=\"ranking\""), "{page}");
    let (st, page, _) = get(&router, "/points?within=S350302002", &sec).await;
    assert!(
        page.contains("没有这个代码的党组织"),
        "another street reads as missing"
    );
    assert!(!page.contains("table class=\"ranking\""), "{st}");

    // The yearly ledgers of the community, generated from the same records.
    let (st, page, _) = get(
        &router,
        &format!("/orgs/C350302001001/ledger/points?year={year}"),
        &sec,
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        page.contains(&m.name) && page.contains("党员积分台账"),
        "{page}"
    );
    let (st, xlsx, _) = get(
        &router,
        &format!("/orgs/C350302001001/ledger/points?year={year}&format=xlsx"),
        &sec,
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert!(xlsx.starts_with("PK"));
    let regs = jiceng_ops::registrations::of_community(
        &t.db,
        &Actor::operator(),
        "C350302001001",
        false,
        None,
        500,
    )
    .await
    .unwrap()
    .items;
    let (st, page, _) = get(
        &router,
        "/orgs/C350302001001/ledger/registrations?year=2099",
        &sec,
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    let listed = page.matches("<tr><td>").count();
    let active = regs.iter().filter(|r| r.ended_on.is_none()).count();
    assert_eq!(
        listed, active,
        "only registrations still active reach into 2099"
    );
}

#[tokio::test]
async fn assessment_flags_the_weak_and_records_their_rectification() {
    let (t, summary) = crate::city::demo().await;
    let router = jiceng_web::router(t.db.clone(), files_dir());
    let cookie = sign_in(&router, "street", &summary.password).await;
    let token = cookie.split_once('=').unwrap().1.to_string();
    let (_, csrf) = jiceng_ops::accounts::session_actor(&t.db, &token)
        .await
        .unwrap();
    let (st, page, _) = get(&router, "/assessment?weak=1", &cookie).await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        page.contains("tag bad"),
        "the bottom 5% are flagged: {page}"
    );
    let link = page
        .split("/rectifications/new?")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .replace("&amp;", "&");
    let org = link
        .split("org=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_string();
    let period = link.split("period=").nth(1).unwrap().to_string();
    let (st, page) = post_form(
        &router,
        "/rectifications",
        &cookie,
        &csrf,
        &format!("org={org}&period={period}"),
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert!(page.contains("整改措施"), "a plan is required: {page}");
    let rect = post_redirect(
        &router,
        "/rectifications",
        &cookie,
        &csrf,
        &format!("org={org}&period={period}&plan=约谈书记，补开会议"),
    )
    .await;
    let (_, page, _) = get(&router, &rect, &cookie).await;
    assert!(page.contains("整改中") && page.contains("约谈书记"));
    post_redirect(
        &router,
        &format!("{rect}/follow-up"),
        &cookie,
        &csrf,
        "progress=已补开&close=1",
    )
    .await;
    let (_, page, _) = get(&router, &rect, &cookie).await;
    assert!(page.contains("已销号") && page.contains("已补开"));
    let (_, page, _) = get(
        &router,
        &format!("/assessment?weak=1&period={period}"),
        &cookie,
    )
    .await;
    assert!(
        page.contains(&format!("href=\"{rect}\"")),
        "the assessment links the rectification"
    );
}

#[tokio::test]
async fn administrators_change_rules_weights_and_schemes_from_settings() {
    let (t, summary) = crate::city::demo().await;
    let router = jiceng_web::router(t.db.clone(), files_dir());
    let sec = sign_in(&router, "secretary", &summary.password).await;
    let (st, _, _) = get(&router, "/settings", &sec).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let admin = sign_in(&router, "admin", &summary.password).await;
    let token = admin.split_once('=').unwrap().1.to_string();
    let (_, csrf) = jiceng_ops::accounts::session_actor(&t.db, &token)
        .await
        .unwrap();
    let (st, page, _) = get(&router, "/settings", &admin).await;
    assert_eq!(st, StatusCode::OK, "{page}");
    let mut form = String::new();
    for (kind, level, freq) in [
        ("branch_assembly", "branch", "quarterly"),
        ("branch_committee", "branch", "monthly"),
        ("group_meeting", "group", "monthly"),
        ("party_lecture", "branch", "yearly"),
        ("themed_day", "branch", "monthly"),
        ("life_meeting", "branch", "yearly"),
        ("democratic_review", "branch", ""),
    ] {
        form.push_str(&format!("level_{kind}={level}&freq_{kind}={freq}&"));
    }
    post_redirect(&router, "/settings/rules", &admin, &csrf, &form).await;
    let rules = jiceng_ops::orglife::compliance::rules(&t.db).await.unwrap();
    assert_eq!(rules.all().len(), 6, "democratic review no longer owed");
    assert!(
        rules
            .all()
            .iter()
            .any(|r| r.kind.code() == "party_lecture" && r.frequency.code() == "yearly")
    );
    let (st, page) = post_form(
        &router,
        "/settings/weights",
        &admin,
        &csrf,
        "compliance=abc&attendance=1&registration=1&evaluation=0&cases=0",
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert!(page.contains("compliance=abc"), "{page}");
    post_redirect(
        &router,
        "/settings/weights",
        &admin,
        &csrf,
        "compliance=2&attendance=1&registration=1&evaluation=0.5&cases=0.3&commitments=0.4",
    )
    .await;
    let w = jiceng_ops::assessment::weights(&t.db).await.unwrap();
    assert_eq!((w.compliance, w.evaluation, w.commitments), (2.0, 0.5, 0.4));
    let mut scheme = jiceng_domain::points::twelve_point_scheme();
    scheme.categories[0].parent = Some("life".into());
    let doc = serde_json::to_string(&scheme).unwrap();
    let body = format!(
        "document={}",
        doc.bytes().map(|b| format!("%{b:02X}")).collect::<String>()
    );
    let (st, page) = post_form(&router, "/settings/schemes", &admin, &csrf, &body).await;
    assert_eq!(st, StatusCode::OK);
    assert!(page.contains("类别的上级形成了循环"), "{page}");
    // The case calendar and classification are documents too, checked before they are kept.
    let encode = |doc: &str| {
        format!(
            "document={}",
            doc.bytes().map(|b| format!("%{b:02X}")).collect::<String>()
        )
    };
    let (_, page) = post_form(
        &router,
        "/settings/calendar",
        &admin,
        &csrf,
        &encode(r#"{"day_start":"17:00","day_end":"09:00"}"#),
    )
    .await;
    assert!(page.contains("下班时间应晚于上班时间"), "{page}");
    post_redirect(
        &router,
        "/settings/calendar",
        &admin,
        &csrf,
        &encode(
            r#"{"day_start":"08:30","day_end":"17:30","holidays":["2027-01-01"],"workdays":[]}"#,
        ),
    )
    .await;
    let cal = jiceng_ops::cases::settings::calendar(&t.db).await.unwrap();
    assert_eq!((cal.day_start.as_str(), cal.holidays.len()), ("08:30", 1));
    let mut c = jiceng_domain::cases::Classification::standard();
    c.max_extensions = 2;
    post_redirect(
        &router,
        "/settings/classification",
        &admin,
        &csrf,
        &encode(&serde_json::to_string(&c).unwrap()),
    )
    .await;
    let kept = jiceng_ops::cases::settings::classification(&t.db)
        .await
        .unwrap();
    assert_eq!(kept.max_extensions, 2);
    let (_, page) = post_form(
        &router,
        "/settings/classification",
        &admin,
        &csrf,
        "document={",
    )
    .await;
    assert!(page.contains("JSON"), "{page}");
}

/// The value of a hidden input named `name` in an HTML fragment.
fn hidden(html: &str, name: &str) -> String {
    html.split(&format!("name=\"{name}\" value=\""))
        .nth(1)
        .unwrap_or_else(|| panic!("no {name} in {html}"))
        .split('"')
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn the_evaluation_desk_grades_a_pair_once() {
    let (t, summary) = crate::city::demo().await;
    let router = jiceng_web::router(t.db.clone(), files_dir());
    let cookie = sign_in(&router, "street", &summary.password).await;
    let token = cookie.split_once('=').unwrap().1.to_string();
    let (_, csrf) = jiceng_ops::accounts::session_actor(&t.db, &token)
        .await
        .unwrap();
    let (st, page, _) = get(&router, "/evaluations?pending=1&subject=unit", &cookie).await;
    assert_eq!(st, StatusCode::OK);
    let form = page
        .split("<form method=\"post\" action=\"/evaluations\"")
        .nth(1)
        .expect("a pair still owed")
        .split("</form>")
        .next()
        .unwrap();
    let (year, community, unit) = (
        hidden(form, "year"),
        hidden(form, "community"),
        hidden(form, "unit"),
    );
    let body = format!(
        "year={year}&subject=unit&community={community}&unit={unit}&member=&grade=&back_pending=1&back_subject=unit"
    );
    let (st, page) = post_form(&router, "/evaluations", &cookie, &csrf, &body).await;
    assert_eq!(st, StatusCode::OK);
    assert!(page.contains("评价等次") && page.contains("必填"), "{page}");
    let back = post_redirect(
        &router,
        "/evaluations",
        &cookie,
        &csrf,
        &body.replace("grade=", "grade=good&comment=共建项目按期完成"),
    )
    .await;
    assert_eq!(back, "/evaluations?subject=unit&pending=1");
    let (_, file, _) = get(&router, &format!("/units/{unit}"), &cookie).await;
    assert!(file.contains("良好（共建项目按期完成）"), "{file}");
    let (_, page) = post_form(
        &router,
        "/evaluations",
        &cookie,
        &csrf,
        &body.replace("grade=", "grade=excellent"),
    )
    .await;
    assert!(
        page.contains("已经做过"),
        "a second grade is refused: {page}"
    );
}

#[tokio::test]
async fn cobuilding_service_and_wishes_from_the_pages() {
    let (t, summary) = crate::city::demo().await;
    assert!(summary.commitments > 0, "the demo signs agreements");
    let router = jiceng_web::router(t.db.clone(), files_dir());
    let cookie = sign_in(&router, "street", &summary.password).await;
    let token = cookie.split_once('=').unwrap().1.to_string();
    let (_, csrf) = jiceng_ops::accounts::session_actor(&t.db, &token)
        .await
        .unwrap();
    let (st, page, _) = get(&router, "/cobuilding", &cookie).await;
    assert_eq!(st, StatusCode::OK);
    let link = page
        .split("<a href=\"/cobuilding/")
        .nth(1)
        .expect("the demo's agreements of this year")
        .split('"')
        .next()
        .unwrap()
        .to_string();
    // A commitment added from the agreement's page, open until it is marked (the demo's own
    // may all be done late in the year).
    let today = jiceng_domain::clock::today().to_string();
    let back = post_redirect(
        &router,
        &format!("/cobuilding/{link}/commitments"),
        &cookie,
        &csrf,
        &format!("title=开放党群活动室&due_on={today}"),
    )
    .await;
    assert_eq!(back, format!("/cobuilding/{link}"));
    let (_, page, _) = get(&router, &back, &cookie).await;
    let pending = page
        .split("<form method=\"post\" action=\"/commitments/")
        .skip(1)
        .find(|f| f.split("</form>").next().unwrap().contains("name=\"on\""))
        .expect("a commitment not yet fulfilled")
        .split('/')
        .next()
        .unwrap()
        .to_string();
    let (st, page) = post_form(
        &router,
        &format!("/commitments/{pending}/done"),
        &cookie,
        &csrf,
        &format!("agreement={link}&on=2099-01-01"),
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert!(page.contains("不能晚于今天"), "{page}");
    let back = post_redirect(
        &router,
        &format!("/commitments/{pending}/done"),
        &cookie,
        &csrf,
        &format!("agreement={link}&on={today}"),
    )
    .await;
    assert_eq!(back, format!("/cobuilding/{link}"));
    let (_, page, _) = get(&router, &back, &cookie).await;
    let row = page
        .split(&format!("data-item=\"{pending}\""))
        .nth(1)
        .unwrap()
        .split("</tr>")
        .next()
        .unwrap();
    assert!(row.contains(&today) && row.contains("撤销完成"), "{row}");
    // Signing again for a unit that already has this year's agreement is refused by name.
    let (_, page, _) = get(&router, &format!("/cobuilding/{link}"), &cookie).await;
    let unit = page
        .split("<a href=\"/units/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let org = page
        .split("<a href=\"/orgs/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let (st, page) = post_form(
        &router,
        "/cobuilding",
        &cookie,
        &csrf,
        &format!(
            "unit={unit}&org={org}&lines=开放停车场|{}-12-31",
            &today[..4]
        ),
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert!(page.contains("已签订共建协议"), "{page}");
    let (_, file, _) = get(&router, &format!("/units/{unit}"), &cookie).await;
    assert!(
        file.contains(&format!("/cobuilding/{link}")),
        "the unit page lists it"
    );

    // Volunteer service: the demo's records, one more recorded, and the member's ledger.
    let (st, page, _) = get(&router, "/service", &cookie).await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        page.contains("/service/") && page.contains("/delete"),
        "the demo's service of the last 90 days: {page}"
    );
    let (_, list, _) = get(&router, "/members", &cookie).await;
    let member = list
        .split("<td><a href=\"/members/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let form = |hours: &str| {
        format!("member={member}&community={org}&hours={hours}&activity=页面测试服务")
    };
    let (st, page) = post_form(&router, "/service", &cookie, &csrf, &form("1.2")).await;
    assert_eq!(st, StatusCode::OK);
    assert!(page.contains("以半小时计"), "{page}");
    post_redirect(&router, "/service", &cookie, &csrf, &form("2.5")).await;
    let (_, ledger, _) = get(&router, &format!("/members/{member}/points"), &cookie).await;
    assert!(
        ledger.contains("页面测试服务") && ledger.contains("志愿服务时长"),
        "{ledger}"
    );
    let (_, sheet, _) = get(
        &router,
        &format!("/orgs/{org}/ledger/registrations?year={}", &today[..4]),
        &cookie,
    )
    .await;
    assert!(sheet.contains("本年在本社区志愿服务"), "{sheet}");

    // A micro-wish posted, claimed for a member, and confirmed fulfilled.
    let (st, page, _) = get(&router, "/wishes", &cookie).await;
    assert_eq!(st, StatusCode::OK);
    assert!(page.contains("data-wish="), "the demo's wishes: {page}");
    let (st, page) = post_form(
        &router,
        "/wishes",
        &cookie,
        &csrf,
        &format!("community={org}&title="),
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert!(page.contains("必填"), "{page}");
    post_redirect(
        &router,
        "/wishes",
        &cookie,
        &csrf,
        &format!("community={org}&title=页面测试心愿&resident=王奶奶"),
    )
    .await;
    let (_, page, _) = get(&router, "/wishes?status=open", &cookie).await;
    let wish = page
        .split("data-wish=\"")
        .find(|x| x.split("</li>").next().unwrap().contains("页面测试心愿"))
        .expect("the new wish is open")
        .split('"')
        .next()
        .unwrap()
        .to_string();
    for body in [
        format!("move=claim&member={member}"),
        "move=fulfil".to_string(),
    ] {
        post_redirect(
            &router,
            &format!("/wishes/{wish}/move"),
            &cookie,
            &csrf,
            &body,
        )
        .await;
    }
    let (_, page, _) = get(&router, "/wishes?status=fulfilled", &cookie).await;
    assert!(page.contains("页面测试心愿"), "{page}");
    let (_, ledger, _) = get(&router, &format!("/members/{member}/points"), &cookie).await;
    assert!(
        ledger.contains("页面测试心愿"),
        "the wish is on the member's ledger"
    );
}

/// A signed-in browser on the router: its cookie and CSRF token.
#[derive(Clone)]
pub(crate) struct Client {
    router: axum::Router,
    pub(crate) cookie: String,
    pub(crate) csrf: String,
}

impl Client {
    pub(crate) async fn sign_in(
        router: &axum::Router,
        db: &jiceng_ops::Db,
        user: &str,
        pw: &str,
    ) -> Client {
        let cookie = sign_in(router, user, pw).await;
        let token = cookie.split_once('=').unwrap().1.to_string();
        let (_, csrf) = jiceng_ops::accounts::session_actor(db, &token)
            .await
            .unwrap();
        Client {
            router: router.clone(),
            cookie,
            csrf,
        }
    }

    /// The client of a session already open (a resident's, signed in with a code).
    pub(crate) async fn with_cookie(
        router: &axum::Router,
        db: &jiceng_ops::Db,
        cookie: &str,
    ) -> Client {
        let token = cookie.split_once('=').unwrap().1.to_string();
        let (_, csrf) = jiceng_ops::accounts::session_actor(db, &token)
            .await
            .unwrap();
        Client {
            router: router.clone(),
            cookie: cookie.to_string(),
            csrf,
        }
    }

    /// A resident of `community` signed up with a code (in its first mapped building): their
    /// client and record, not yet confirmed.
    pub(crate) async fn resident(
        router: &axum::Router,
        db: &jiceng_ops::Db,
        phone: &str,
        name: &str,
        community: &str,
    ) -> (Client, jiceng_ops::residents::ResidentView) {
        use jiceng_ops::residents::{self, CodeSender, SignInInput};
        let shown = CodeSender::Log { shown: true };
        let sent = residents::send_code(db, &shown, phone, "test")
            .await
            .unwrap();
        let building = residents::buildings(db, community)
            .await
            .unwrap()
            .first()
            .map(|b| b.id);
        let s = residents::sign_in(
            db,
            SignInInput {
                phone: Some(phone.into()),
                sms_code: sent.shown_code,
                name: Some(name.into()),
                community: Some(community.into()),
                place_id: building,
            },
            "test",
        )
        .await
        .unwrap();
        let cookie = format!("jiceng_session={}", s.token);
        (Client::with_cookie(router, db, &cookie).await, s.resident)
    }

    /// A JSON request of the API on the session (a null body sends none); the answer parsed.
    pub(crate) async fn json(
        &self,
        method: &str,
        uri: &str,
        body: &serde_json::Value,
    ) -> (StatusCode, serde_json::Value) {
        let req = Request::builder()
            .method(Method::from_bytes(method.as_bytes()).unwrap())
            .uri(uri)
            .header(header::HOST, "localhost")
            .header(header::COOKIE, &self.cookie)
            .header("x-csrf-token", &self.csrf)
            .header(header::CONTENT_TYPE, "application/json");
        let body = if body.is_null() {
            Body::empty()
        } else {
            Body::from(body.to_string())
        };
        let resp = self
            .router
            .clone()
            .oneshot(req.body(body).unwrap())
            .await
            .unwrap();
        let status = resp.status();
        let bytes = to_bytes(resp.into_body(), 8 << 20).await.unwrap();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null),
        )
    }

    /// Posts a form that must redirect; returns where to.
    pub(crate) async fn post(&self, uri: &str, body: &str) -> String {
        post_redirect(&self.router, uri, &self.cookie, &self.csrf, body).await
    }

    pub(crate) async fn post_form(&self, uri: &str, body: &str) -> (StatusCode, String) {
        post_form(&self.router, uri, &self.cookie, &self.csrf, body).await
    }

    pub(crate) async fn get(&self, uri: &str) -> (StatusCode, String) {
        let (st, body, _) = get(&self.router, uri, &self.cookie).await;
        (st, body)
    }

    /// Sends a multipart body (text fields, then files as (field, file name, bytes)); the
    /// status, where it redirects and the body's bytes.
    pub(crate) async fn post_multipart(
        &self,
        uri: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> (StatusCode, Option<String>, Vec<u8>) {
        let boundary = "XjicengPhotosX";
        let mut body = Vec::new();
        for (k, v) in fields {
            body.extend(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .into_bytes(),
            );
        }
        for (k, name, bytes) in files {
            body.extend(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"; filename=\"{name}\"\r\nContent-Type: image/jpeg\r\n\r\n")
                    .into_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend(b"\r\n");
        }
        body.extend(format!("--{boundary}--\r\n").into_bytes());
        let req = Request::builder()
            .method(Method::POST)
            .uri(uri)
            .header(header::HOST, "localhost")
            .header(header::COOKIE, &self.cookie)
            .header("x-csrf-token", &self.csrf)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Body::from(body))
            .unwrap();
        let resp = self.router.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let location = resp
            .headers()
            .get(header::LOCATION)
            .map(|l| l.to_str().unwrap().to_string());
        let bytes = to_bytes(resp.into_body(), 8 << 20).await.unwrap().to_vec();
        (status, location, bytes)
    }

    /// A GET's status, content type and bytes.
    pub(crate) async fn fetch(&self, uri: &str) -> (StatusCode, String, Vec<u8>) {
        let req = Request::builder()
            .method(Method::GET)
            .uri(uri)
            .header(header::HOST, "localhost")
            .header(header::COOKIE, &self.cookie)
            .body(Body::empty())
            .unwrap();
        let resp = self.router.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let kind = resp
            .headers()
            .get(header::CONTENT_TYPE)
            .map_or(String::new(), |c| c.to_str().unwrap().to_string());
        let bytes = to_bytes(resp.into_body(), 8 << 20).await.unwrap().to_vec();
        (status, kind, bytes)
    }

    /// The account's actor, as its session resolves it.
    pub(crate) async fn actor(&self, db: &jiceng_ops::Db) -> Actor {
        let token = self.cookie.split_once('=').unwrap().1;
        jiceng_ops::accounts::session_actor(db, token)
            .await
            .unwrap()
            .0
    }
}

/// The accounts the case story works as, signed in.
struct Story {
    router: axum::Router,
    db: jiceng_ops::Db,
    street: Client,
    handler: Client,
    grid: Client,
}

#[tokio::test]
async fn a_case_from_intake_through_a_whistle_to_a_rating_from_the_pages() {
    let (t, summary) = crate::city::demo().await;
    let router = jiceng_web::router(t.db.clone(), files_dir());
    let pw = &summary.password;
    let story = Story {
        street: Client::sign_in(&router, &t.db, "street", pw).await,
        handler: Client::sign_in(&router, &t.db, "handler", pw).await,
        grid: Client::sign_in(&router, &t.db, "grid", pw).await,
        db: t.db.clone(),
        router,
    };
    let (case, secret) = the_street_takes_a_case_in_once(&story).await;
    it_is_whistled_to_two_departments_handled_and_verified(&story, &case).await;
    let tracking = the_reporter_tracks_and_rates_it_signed_out(&story, &case, &secret).await;
    the_rates_and_the_export_show_it(&story).await;
    let (grid_code, made) = a_patrol_finding_becomes_a_case(&story).await;
    the_map_shows_teams_places_and_the_grid_cases(&story, &grid_code, &made).await;
    the_disclosure_names_no_one(&story, &tracking).await;
}

/// A case from the street's form: a missing title is named, and the same form sent twice is
/// one case, whose page shows the reporter's rating secret once. Returns the case's page and
/// the secret.
async fn the_street_takes_a_case_in_once(story: &Story) -> (String, String) {
    let (_, form) = story.street.get("/cases/new").await;
    let key = form
        .split("name=\"idempotency_key\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(key.len(), 24, "a fresh key per form");
    // A community within the street account's scope.
    let street_actor = story.street.actor(&story.db).await;
    let community = jiceng_ops::orgs::list(
        &story.db,
        &street_actor,
        jiceng_ops::orgs::ListOrgs {
            level: Some("community".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .items
    .remove(0)
    .row
    .code;
    let body = format!(
        "channel=hotline&category=water&urgency=normal&title=小区停水&community={community}&reporter_phone=13912345678&idempotency_key={key}"
    );
    let (st, page) = story
        .street
        .post_form("/cases", &body.replace("title=小区停水&", ""))
        .await;
    assert_eq!(st, StatusCode::OK);
    assert!(page.contains("标题") && page.contains("必填"), "{page}");
    let req = Request::builder()
        .method(Method::POST)
        .uri("/cases")
        .header(header::HOST, "localhost")
        .header(header::COOKIE, &story.street.cookie)
        .header("x-csrf-token", &story.street.csrf)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body.clone()))
        .unwrap();
    let resp = story.router.clone().oneshot(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let case = resp.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_string();
    let receipt = resp.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    assert!(
        resp.headers()[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .contains(&format!("Path={case};")),
        "only the case's page sees the receipt"
    );
    // The case's page shows the receipt's rating secret once.
    let (_, page, _) = get(
        &story.router,
        &case,
        &format!("{}; {receipt}", story.street.cookie),
    )
    .await;
    let secret = page
        .split("id=\"rating-secret\">")
        .nth(1)
        .expect("the receipt on the case's page")
        .split('<')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(secret.len(), 6, "{secret}");
    let (_, again) = story.street.get(&case).await;
    assert!(!again.contains("rating-secret"), "shown once");
    let (_, page) = story.street.post_form("/cases", &body).await;
    assert!(
        page.contains("已受理"),
        "the same form twice is one case: {page}"
    );
    (case, secret)
}

/// Dispatched to two departments (a whistle), reported and accepted by one, its feedback
/// refused without a note and taken with one, verified by the street; the handler's inbox.
async fn it_is_whistled_to_two_departments_handled_and_verified(story: &Story, case: &str) {
    let moves = format!("{case}/moves");
    let (_, page) = story.street.get(case).await;
    assert!(
        page.contains("name=\"departments\""),
        "dispatch is offered: {page}"
    );
    story
        .street
        .post(&moves, "action=dispatch&departments=cgj&departments=swj")
        .await;
    let (_, page) = story.street.get(case).await;
    assert!(
        page.contains("吹哨报到") && page.contains("未报到"),
        "{page}"
    );
    for action in ["report", "accept"] {
        story
            .handler
            .post(&moves, &format!("action={action}"))
            .await;
    }
    let (_, page) = story.handler.post_form(&moves, "action=feedback").await;
    assert!(
        page.contains("处置反馈须写明处理情况"),
        "a named error: {page}"
    );
    story
        .handler
        .post(&moves, "action=feedback&note=已恢复供水")
        .await;
    story.street.post(&moves, "action=verify").await;
    let (st, inbox) = story.handler.get("/inbox?tab=all").await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        inbox.contains("部门待办") && inbox.contains("data-code="),
        "{inbox}"
    );
}

/// The reporter, signed out, finds the closed case by its tracking code and rates it with the
/// receipt's secret; a wrong secret is named. Returns the tracking code.
async fn the_reporter_tracks_and_rates_it_signed_out(
    story: &Story,
    case: &str,
    secret: &str,
) -> String {
    let router = &story.router;
    let code = case.trim_start_matches("/cases/");
    let (_, page) = story.street.get(case).await;
    let tracking = page
        .split("<span class=\"muted mono\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_string();
    assert!(tracking.starts_with('C'), "{code} → {tracking}");
    let (st, page, _) = get(router, &format!("/track?code={tracking}"), "").await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        page.contains("已结案") && page.contains("name=\"satisfaction\""),
        "{page}"
    );
    let (_, page) = post_form(
        router,
        "/track/rate",
        "",
        "",
        &format!("code={tracking}&secret=x{secret}&satisfaction=satisfied"),
    )
    .await;
    assert!(
        page.contains("评价码不正确"),
        "a wrong secret is named: {page}"
    );
    let (st, _) = post_form(
        router,
        "/track/rate",
        "",
        "",
        &format!("code={tracking}&secret={secret}&satisfaction=satisfied"),
    )
    .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let (_, page, _) = get(router, &format!("/track?code={tracking}"), "").await;
    assert!(page.contains("感谢您的评价") && !page.contains("name=\"satisfaction\""));
    tracking
}

/// The department's rates link to its cases; closed cases export as a workbook.
async fn the_rates_and_the_export_show_it(story: &Story) {
    let (st, page) = story.street.get("/rates?by=department").await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        page.contains("城市管理局") && page.contains("/cases?department=cgj"),
        "{page}"
    );
    assert!(
        page.contains("各项指标的口径") && page.contains("解决率 = 结案数 ÷ 立案数"),
        "the definitions are on the page"
    );
    let cgj = page
        .split("/cases?department=cgj\">")
        .nth(2)
        .and_then(|s| s.split('<').next())
        .and_then(|n| n.parse::<i64>().ok());
    assert!(
        cgj.is_some_and(|n| n > 0),
        "the department's line counts the case dispatched to it: {cgj:?}"
    );
    let (st, sheet) = story.street.get("/cases/export.xlsx?status=closed").await;
    assert_eq!(st, StatusCode::OK);
    assert!(sheet.starts_with("PK"), "an .xlsx workbook");
}

/// A grid worker logs a patrol on the phone page (an inverted time range is named) and turns
/// its finding into a case. Returns the grid's code and the new case's page.
async fn a_patrol_finding_becomes_a_case(story: &Story) -> (String, String) {
    let grid = &story.grid;
    let (st, page) = grid.get("/patrols").await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        page.contains("<option value=\"350302"),
        "the worker's grids: {page}"
    );
    let grid_code = page
        .split("<option value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let now = jiceng_domain::clock::local(jiceng_domain::clock::now());
    let at = |m: i64| {
        (now - chrono::Duration::minutes(m))
            .format("%Y-%m-%dT%H:%M")
            .to_string()
    };
    let walk = |from: i64, to: i64| {
        format!(
            "grid={grid_code}&started_at={}&ended_at={}&visits=5&findings=楼道堆放杂物",
            at(from),
            at(to)
        )
    };
    let (_, page) = grid.post_form("/patrols", &walk(10, 40)).await;
    assert!(
        page.contains("结束时间应晚于开始时间"),
        "a named error: {page}"
    );
    grid.post("/patrols", &walk(40, 10)).await;
    let (_, page) = grid.get("/patrols").await;
    let patrol = page
        .split("action=\"/patrols/")
        .nth(1)
        .expect("a finding to turn into a case")
        .split('/')
        .next()
        .unwrap()
        .to_string();
    let made = grid
        .post(&format!("/patrols/{patrol}/case"), "category=hazard")
        .await;
    let (_, page) = grid.get(&made).await;
    assert!(
        page.contains("楼道堆放杂物") && page.contains("网格员上报"),
        "{page}"
    );
    (grid_code, made)
}

/// The street's map links each grid's cases and lists its team (a second leader is refused
/// by name) and places (a building outside every grid is refused); the worker's phone page
/// lists the open case of their grids.
async fn the_map_shows_teams_places_and_the_grid_cases(story: &Story, grid_code: &str, made: &str) {
    let street = &story.street;
    let (_, map) = street.get("/grids").await;
    assert!(
        map.contains(&format!("/cases?grid={grid_code}")),
        "the map links each grid's cases"
    );
    assert!(map.contains("网格长 "), "each grid's team is on the map");
    street
        .post(
            "/grid-teams",
            &format!("grid={grid_code}&role=volunteer&name=志愿者小林&phone=13912345678"),
        )
        .await;
    let (_, map) = street.get("/grids").await;
    assert!(map.contains("志愿者小林"), "the new team member is listed");
    let (_, page) = story.grid.get("/patrols").await;
    assert!(
        page.contains("网格内未办结案件") && page.contains(made),
        "{page}"
    );
    // A grid's places: the demo's buildings, and one more mapped where a building stands.
    let (_, page) = street.get(&format!("/grids?grid={grid_code}")).await;
    assert!(page.contains("1号楼"), "{page}");
    let at = page
        .split("id=\"places-of-grid\"")
        .nth(1)
        .unwrap()
        .split("<td class=\"mono\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_string();
    let (lon, lat) = at.split_once(", ").unwrap();
    let (_, page) = street
        .post_form(
            "/grid-places",
            "kind=building&name=新建楼&households=30&lon=0&lat=0",
        )
        .await;
    assert!(page.contains("该位置不在任何网格内"), "{page}");
    let back = street
        .post(
            "/grid-places",
            &format!("kind=building&name=新建楼&households=30&lon={lon}&lat={lat}"),
        )
        .await;
    assert_eq!(back, format!("/grids?grid={grid_code}"));
    let (_, page) = street.get(&back).await;
    assert!(page.contains("新建楼"), "{page}");
    let (_, page) = street
        .post_form(
            "/grid-teams",
            &format!("grid={grid_code}&role=leader&name=第二位网格长"),
        )
        .await;
    assert!(page.contains("该网格已有网格长"), "{page}");
    let (_, list) = street
        .get(&format!("/cases?grid={grid_code}&status=registered"))
        .await;
    assert!(list.contains("楼道堆放杂物"), "{list}");
}

/// The public disclosure, signed out: every street and department, the closed cases without
/// their tracking codes (which would let anyone try to rate them), and no phones.
async fn the_disclosure_names_no_one(story: &Story, tracking: &str) {
    let (st, page, _) = get(&story.router, "/disclosure", "").await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        page.contains("/disclosure?street=") && page.contains("/disclosure?department=cgj"),
        "{page}"
    );
    let (_, page, _) = get(&story.router, "/disclosure?department=cgj", "").await;
    assert!(
        page.contains("最近办结的案件") && !page.contains(tracking),
        "{page}"
    );
    assert!(!page.contains("13912345678"), "no phones: {page}");
}
