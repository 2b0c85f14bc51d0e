//! The JSON API over HTTP semantics (in-process through the router): sign-in, CSRF, tokens,
//! errors, limits, and the access matrix of every role against the endpoints, in scope and
//! out of scope. On SQLite, or PostgreSQL when JICENG_TEST_DATABASE_URL is set.

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use jiceng_ops::accounts::{self, NewUser};
use jiceng_ops::members::{self, NewMember};
use jiceng_ops::orgs::{self, NewOrg};
use jiceng_ops::units::{self, NewUnit};
use jiceng_ops::{Actor, Db};
use jiceng_store::Backend;
use jiceng_store::testing::TestDb;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use tower::ServiceExt;

pub(crate) const PW: &str = "Jiceng-2026";

fn s(v: &str) -> Option<String> {
    Some(v.to_string())
}

fn org(code: &str, level: &str, parent: Option<&str>, division: &str, category: &str) -> NewOrg {
    NewOrg {
        code: s(code),
        name: Some(format!("组织{code}")),
        level: s(level),
        category: s(category),
        parent: parent.map(str::to_string),
        division_code: s(division),
        ..Default::default()
    }
}

pub(crate) fn id_number(seq: u32) -> String {
    let first17 = format!("35030219850304{seq:03}");
    let check = jiceng_domain::id_number::check_char(first17.as_bytes()) as char;
    format!("{first17}{check}")
}

fn member(name: &str, seq: u32, org: &str, residence: &str) -> NewMember {
    NewMember {
        name: s(name),
        id_number: Some(id_number(seq)),
        joined_on: s("2010-07-01"),
        full_on: s("2011-07-01"),
        org: s(org),
        categories: s("在职"),
        phone: s("13912345678"),
        residence_division: s(residence),
        ..Default::default()
    }
}

pub(crate) struct App {
    pub(crate) _db: TestDb,
    router: Router,
    pub(crate) unit_id: i64,
    pub(crate) inside: i64,
    pub(crate) outside: i64,
    pub(crate) me: i64,
}

/// D › S › C › (B1, B2, U1 with a unit) and D › S2 › X › XB, with a member in B1, one in XB,
/// and "me" in B2; one account per role.
pub(crate) async fn app() -> App {
    static IDS: OnceLock<Mutex<HashMap<Backend, [i64; 4]>>> = OnceLock::new();
    let ids = IDS.get_or_init(Default::default);
    let on = crate::city::backend();
    let t = TestDb::fixture("api_city", on, |db| async move {
        let built = build(&db).await;
        ids.lock().unwrap().insert(on, built);
    })
    .await;
    let [unit_id, inside, outside, me] = ids.lock().unwrap()[&on];
    let router = jiceng_web::router(t.db.clone(), files_dir());
    App {
        _db: t,
        router,
        unit_id,
        inside,
        outside,
        me,
    }
}

/// Writes the city of [`app`] and returns its unit's, inside, outside and own member's ids.
async fn build(db: &Db) -> [i64; 4] {
    let op = Actor::operator();
    for o in [
        org("D", "district", None, "350302", "regional"),
        org("S", "street", Some("D"), "350302001", "regional"),
        org("C", "community", Some("S"), "350302001001", "regional"),
        org("B1", "branch", Some("C"), "350302001001", "grid"),
        org("B2", "branch", Some("C"), "350302001001", "compound"),
        org("U1", "branch", Some("C"), "350302001001", "unit"),
        org("S2", "street", Some("D"), "350302002", "regional"),
        org("X", "community", Some("S2"), "350302002001", "regional"),
        org("XB", "branch", Some("X"), "350302002001", "grid"),
    ] {
        orgs::add(db, &op, o).await.unwrap();
    }
    let unit = units::add(
        db,
        &op,
        NewUnit {
            name: s("莆田市城市管理局"),
            category: s("机关"),
            division_code: s("350302001001"),
            org: s("U1"),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let inside = members::add(db, &op, member("本辖区", 11, "B1", "350302001001"))
        .await
        .unwrap()
        .id;
    let outside = members::add(db, &op, member("外辖区", 13, "XB", "350302002001"))
        .await
        .unwrap()
        .id;
    let me = members::add(db, &op, member("我自己", 15, "B2", "350302001001"))
        .await
        .unwrap()
        .id;
    // (username, role, scope, member, unit)
    type Spec<'a> = (&'a str, &'a str, Option<&'a str>, Option<i64>, Option<i64>);
    let accounts_spec: [Spec; 8] = [
        ("district", "district_admin", Some("D"), None, None),
        ("street", "street_admin", Some("S"), None, None),
        ("secretary", "community_secretary", Some("C"), None, None),
        ("worker", "community_worker", Some("C"), None, None),
        ("grid", "grid_worker", Some("B1"), None, None),
        ("handler", "department_handler", Some("S"), None, None),
        ("liaison", "unit_liaison", None, None, Some(unit.row.id)),
        ("member", "member", None, Some(me), None),
    ];
    jiceng_ops::cases::departments::add(db, &op, "cgj", "城市管理局")
        .await
        .unwrap();
    for (username, role, scope, member_id, unit_id) in accounts_spec {
        accounts::create(
            db,
            &op,
            NewUser {
                username: s(username),
                password: s(PW),
                role: s(role),
                scope: scope.map(str::to_string),
                member_id,
                unit_id,
                department: (role == "department_handler").then(|| "cgj".to_string()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    }
    // These tests sign in with passwords alone; the second factor has its own test.
    accounts::passwords::set_policy(
        db,
        &op,
        jiceng_domain::passwords::PasswordPolicy {
            second_factor_for_admins: false,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    [unit.row.id, inside, outside, me]
}

/// A signed-in browser: its cookie and CSRF token.
#[derive(Clone)]
pub(crate) struct Session {
    cookie: String,
    csrf: String,
}

impl App {
    pub(crate) async fn call(
        &self,
        method: Method,
        uri: &str,
        headers: &[(&str, &str)],
        body: Option<Value>,
    ) -> (StatusCode, HeaderMap, Value) {
        let mut req = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::HOST, "localhost");
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let req = match body {
            Some(b) => req
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(b.to_string()))
                .unwrap(),
            None => req.body(Body::empty()).unwrap(),
        };
        let resp = self.router.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = to_bytes(resp.into_body(), 4 * 1024 * 1024).await.unwrap();
        let value = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()));
        (status, headers, value)
    }

    pub(crate) async fn login(&self, username: &str) -> Session {
        self.login_with(username, PW).await
    }

    pub(crate) async fn login_with(&self, username: &str, password: &str) -> Session {
        let (status, headers, body) = self
            .call(
                Method::POST,
                "/api/v1/session",
                &[],
                Some(json!({ "username": username, "password": password })),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let set = headers.get(header::SET_COOKIE).unwrap().to_str().unwrap();
        assert!(set.contains("HttpOnly") && set.contains("SameSite=Lax"));
        let cookie = set.split(';').next().unwrap().to_string();
        Session {
            cookie,
            csrf: body["csrf"].as_str().unwrap().to_string(),
        }
    }

    pub(crate) async fn as_user(
        &self,
        s: &Session,
        method: Method,
        uri: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let (st, _, v) = self
            .call(
                method,
                uri,
                &[("cookie", &s.cookie), ("x-csrf-token", &s.csrf)],
                body,
            )
            .await;
        (st, v)
    }
}

#[tokio::test]
async fn sign_in_read_and_write_with_csrf() {
    let app = app().await;
    let (st, _, body) = app.call(Method::GET, "/api/v1/members", &[], None).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], "unauthenticated");

    let sec = app.login("secretary").await;
    let (st, me) = app.as_user(&sec, Method::GET, "/api/v1/me", None).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(me["role"], "community_secretary");
    let (st, page) = app
        .as_user(&sec, Method::GET, "/api/v1/members?limit=10", None)
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(page["total"], 2, "the two members in C's subtree: {page}");

    let new = json!({ "name": "新党员", "id_number": id_number(21), "org": "B1", "joined_on": "2015-06-01", "full_on": "2016-06-01" });
    let (st, _, body) = app
        .call(
            Method::POST,
            "/api/v1/members",
            &[("cookie", &sec.cookie)],
            Some(new.clone()),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "no CSRF token: {body}");
    let (st, _, _) = app
        .call(
            Method::POST,
            "/api/v1/members",
            &[
                ("cookie", &sec.cookie),
                ("x-csrf-token", &sec.csrf),
                ("origin", "http://evil.example"),
            ],
            Some(new.clone()),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "another origin");
    let (st, created) = app
        .as_user(&sec, Method::POST, "/api/v1/members", Some(new))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{created}");
    assert!(created["id_number"].as_str().unwrap().contains('*'));

    let (st, _, _) = app
        .call(
            Method::DELETE,
            "/api/v1/session",
            &[("cookie", &sec.cookie), ("x-csrf-token", &sec.csrf)],
            None,
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (st, _) = app.as_user(&sec, Method::GET, "/api/v1/me", None).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED, "the session ended");
}

#[tokio::test]
async fn bad_requests_get_structured_errors_and_write_nothing() {
    let app = app().await;
    let sec = app.login("secretary").await;
    let headers = [
        ("cookie", sec.cookie.as_str()),
        ("x-csrf-token", sec.csrf.as_str()),
        ("content-type", "application/json"),
    ];
    let mut req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/members")
        .header(header::HOST, "localhost");
    for (k, v) in headers {
        req = req.header(k, v);
    }
    let resp = app
        .router
        .clone()
        .oneshot(req.body(Body::from("{\"name\": ")).unwrap())
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let body: Value =
        serde_json::from_slice(&to_bytes(resp.into_body(), 1 << 20).await.unwrap()).unwrap();
    assert_eq!(body["error"]["code"], "malformed_json");

    let huge = json!({ "name": "x".repeat(jiceng_web::MAX_JSON_BODY + 10) });
    let (st, body) = app
        .as_user(&sec, Method::POST, "/api/v1/members", Some(huge))
        .await;
    assert_eq!(st, StatusCode::PAYLOAD_TOO_LARGE, "{body}");

    let bad = json!({ "name": "某", "id_number": "350302198503040010", "org": "B1", "joined_on": "2015-06-01" });
    let (st, body) = app
        .as_user(&sec, Method::POST, "/api/v1/members", Some(bad.clone()))
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "id_number");
    assert_eq!(body["error"]["value"], "350302198503040010");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("身份证号")
    );
    // The same refusal worded for a caller who prefers English.
    let (st, _, body) = app
        .call(
            Method::POST,
            "/api/v1/members",
            &[
                ("cookie", &sec.cookie),
                ("x-csrf-token", &sec.csrf),
                ("accept-language", "en-GB,en;q=0.8"),
            ],
            Some(bad.clone()),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body["error"]["message"],
        "ID number (id_number): “350302198503040010” is invalid: wrong check digit"
    );

    let (st, body) = app
        .as_user(&sec, Method::GET, "/api/v1/members?limit=abc", None)
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "bad_query");
    let (st, page) = app
        .as_user(&sec, Method::GET, "/api/v1/members", None)
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(
        page["items"].as_array().unwrap().len(),
        2,
        "nothing was written"
    );
}

#[tokio::test]
async fn tokens_openapi_and_metrics() {
    let app = app().await;
    let sec = app.login("secretary").await;
    let (st, tok) = app
        .as_user(
            &sec,
            Method::POST,
            "/api/v1/tokens",
            Some(json!({ "name": "报表", "scope": "read" })),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{tok}");
    let bearer = format!("Bearer {}", tok["token"].as_str().unwrap());
    let (st, _, page) = app
        .call(
            Method::GET,
            "/api/v1/orgs?level=branch",
            &[("authorization", &bearer)],
            None,
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(page["items"].as_array().unwrap().len(), 3);
    let (st, _, body) = app
        .call(
            Method::POST,
            "/api/v1/orgs/B1/move",
            &[("authorization", &bearer)],
            Some(json!({ "parent": "C" })),
        )
        .await;
    assert_eq!(
        st,
        StatusCode::FORBIDDEN,
        "a read token cannot write: {body}"
    );
    let (st, _, _) = app
        .call(
            Method::GET,
            "/api/v1/orgs",
            &[("authorization", "Bearer jct_forged")],
            None,
        )
        .await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);

    let (st, _, doc) = app
        .call(Method::GET, "/api/v1/openapi.json", &[], None)
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(doc["openapi"], "3.1.0");
    assert!(doc["paths"]["/api/v1/members"]["get"].is_object());

    let (st, _, text) = app.call(Method::GET, "/metrics", &[], None).await;
    assert_eq!(st, StatusCode::OK);
    let text = text.as_str().unwrap().to_string();
    assert!(
        text.contains(
            "jiceng_http_requests_total{method=\"GET\",route=\"/api/v1/orgs\",status=\"200\"} 1"
        ),
        "{text}"
    );
    assert!(text.contains("jiceng_db_connections"));
}

/// Each role × each endpoint, in scope and out of scope: the status the API answers.
#[tokio::test]
async fn access_matrix_over_the_api() {
    let app = app().await;
    let (inside, outside, me, unit) = (app.inside, app.outside, app.me, app.unit_id);
    let roles = [
        "district",
        "street",
        "secretary",
        "worker",
        "grid",
        "handler",
        "liaison",
        "member",
    ];
    // Which roles reach each side: (reads in scope, reads out of scope, writes in scope).
    let reads_in = |r: &str| !matches!(r, "member" | "liaison");
    let writes = |r: &str| matches!(r, "district" | "street" | "secretary" | "worker");
    let reveals = |r: &str| matches!(r, "district" | "street" | "secretary");
    let far = |r: &str| r == "district";
    for role in roles {
        let s = app.login(role).await;
        let ok = |allowed: bool, st: StatusCode, what: &str, body: &Value| {
            if allowed {
                assert!(
                    st.is_success(),
                    "{role} {what}: expected success, got {st} {body}"
                );
            } else {
                // A record the role cannot reach answers as missing (a filter naming one, as
                // an unknown code); a reachable one it may not change, or a list it may not
                // read, as forbidden.
                assert!(
                    matches!(
                        st,
                        StatusCode::FORBIDDEN
                            | StatusCode::NOT_FOUND
                            | StatusCode::UNPROCESSABLE_ENTITY
                    ),
                    "{role} {what}: {st} {body}"
                );
            }
        };
        let (st, b) = app
            .as_user(&s, Method::GET, &format!("/api/v1/members/{inside}"), None)
            .await;
        ok(reads_in(role), st, "GET member in scope", &b);
        let (st, b) = app
            .as_user(&s, Method::GET, &format!("/api/v1/members/{outside}"), None)
            .await;
        ok(far(role), st, "GET member out of scope", &b);
        if !far(role) {
            assert_eq!(
                st,
                StatusCode::NOT_FOUND,
                "{role}: out of scope reads as missing"
            );
            assert!(!b.to_string().contains("外辖区"), "{b}");
        }
        let (st, b) = app
            .as_user(&s, Method::GET, &format!("/api/v1/members/{me}"), None)
            .await;
        ok(
            (reads_in(role) && role != "grid") || role == "member",
            st,
            "GET own/B2 member",
            &b,
        );
        let (st, b) = app
            .as_user(
                &s,
                Method::POST,
                &format!("/api/v1/members/{inside}/reveal"),
                None,
            )
            .await;
        ok(reveals(role), st, "POST member revealed", &b);
        // A link reveals nothing: the parameter of old is ignored.
        let (_, b) = app
            .as_user(
                &s,
                Method::GET,
                &format!("/api/v1/members/{inside}?reveal=true"),
                None,
            )
            .await;
        if st.is_success() {
            assert_eq!(b["member"]["masked"], true, "{role}: {b}");
        }
        let (st, b) = app.as_user(&s, Method::GET, "/api/v1/orgs/C", None).await;
        ok(reads_in(role) && role != "grid", st, "GET org in scope", &b);
        let (st, b) = app.as_user(&s, Method::GET, "/api/v1/orgs/X", None).await;
        ok(far(role), st, "GET org out of scope", &b);
        let (st, b) = app
            .as_user(&s, Method::GET, "/api/v1/members?within=XB", None)
            .await;
        ok(far(role), st, "list members out of scope", &b);
        let (st, b) = app
            .as_user(&s, Method::GET, "/api/v1/orgs/X/registrations", None)
            .await;
        ok(far(role), st, "registrations out of scope", &b);
        let (st, b) = app
            .as_user(&s, Method::GET, &format!("/api/v1/units/{unit}"), None)
            .await;
        ok(
            reads_in(role) || role == "liaison",
            st,
            "GET unit in scope",
            &b,
        );

        let (st, b) = app
            .as_user(
                &s,
                Method::POST,
                &format!("/api/v1/members/{inside}/transfer"),
                Some(json!({ "to": "B2" })),
            )
            .await;
        ok(writes(role), st, "transfer in scope", &b);
        if st.is_success() {
            let (st, b) = app
                .as_user(
                    &s,
                    Method::POST,
                    &format!("/api/v1/members/{inside}/transfer"),
                    Some(json!({ "to": "B1" })),
                )
                .await;
            assert!(st.is_success(), "{role} transfers back: {b}");
        }
        let (st, b) = app
            .as_user(
                &s,
                Method::POST,
                &format!("/api/v1/members/{outside}/transfer"),
                Some(json!({ "to": "X" })),
            )
            .await;
        ok(writes(role) && far(role), st, "transfer out of scope", &b);
        if st.is_success() {
            let (st, b) = app
                .as_user(
                    &s,
                    Method::POST,
                    &format!("/api/v1/members/{outside}/transfer"),
                    Some(json!({ "to": "XB" })),
                )
                .await;
            assert!(st.is_success(), "{role} transfers back: {b}");
        }
        let code = format!("N{role}");
        let (st, b) = app.as_user(&s, Method::POST, "/api/v1/orgs", Some(json!({ "code": code, "name": "新小组", "level": "group", "parent": "B2", "division_code": "350302001001" }))).await;
        ok(writes(role), st, "add org in scope", &b);
        let (st, b) = app.as_user(&s, Method::POST, "/api/v1/orgs", Some(json!({ "code": format!("{code}x"), "name": "外小组", "level": "group", "parent": "XB", "division_code": "350302002001" }))).await;
        ok(writes(role) && far(role), st, "add org out of scope", &b);
        if writes(role) {
            let (st, b) = app
                .as_user(&s, Method::DELETE, &format!("/api/v1/orgs/{code}"), None)
                .await;
            assert_eq!(
                st,
                StatusCode::NO_CONTENT,
                "{role} deletes its new org: {b}"
            );
        }
        let (st, b) = app
            .as_user(
                &s,
                Method::POST,
                "/api/v1/orgs/X/seats",
                Some(json!({ "position": "委员", "name": "某" })),
            )
            .await;
        ok(writes(role) && far(role), st, "seat out of scope", &b);
        let (st, b) = app.as_user(&s, Method::GET, "/api/v1/audit", None).await;
        ok(matches!(role, "district" | "street"), st, "audit", &b);
        let (st, b) = app.as_user(&s, Method::GET, "/api/v1/users", None).await;
        ok(
            matches!(role, "district" | "street" | "secretary"),
            st,
            "users",
            &b,
        );
        let (st, b) = app.as_user(&s, Method::POST, "/api/v1/users", Some(json!({ "username": format!("{role}new"), "password": PW, "role": "community_worker", "scope": "X" }))).await;
        if matches!(role, "street" | "secretary") {
            // An org out of the creator's scope is an unknown value of the field.
            assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{role}: {b}");
            assert_eq!(b["error"]["field"], "scope");
        } else {
            ok(far(role), st, "create an account out of scope", &b);
        }
    }
}

/// A fresh directory for uploaded files, per test.
fn files_dir() -> std::path::PathBuf {
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
async fn meetings_and_compliance_over_the_api() {
    let app = app().await;
    let sec = app.login("secretary").await;
    let (st, body) = app
        .as_user(
            &sec,
            Method::POST,
            "/api/v1/meetings",
            Some(json!({ "org": "B1", "kind": "themed_day", "held_on": "2025-03-01", "topic": "重温入党誓词",
                         "absent": [format!("{}:病假", app.inside)] })),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{body}");
    assert_eq!(body["absent"], 1);
    assert_eq!(body["kind_label"], "主题党日");
    let id = body["id"].as_i64().unwrap();
    let (st, body) = app
        .as_user(&sec, Method::GET, &format!("/api/v1/meetings/{id}"), None)
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(body["absences"][0]["reason"], "病假");
    // A member of another street cannot be marked absent here; nothing is written.
    let (st, body) = app
        .as_user(
            &sec,
            Method::POST,
            "/api/v1/meetings",
            Some(json!({ "org": "B1", "kind": "branch_committee", "held_on": "2025-03-02", "topic": "研究工作",
                         "absent": [app.outside.to_string()] })),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "absent");
    let (_, page) = app
        .as_user(&sec, Method::GET, "/api/v1/meetings?within=C", None)
        .await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    let (st, r) = app
        .as_user(
            &sec,
            Method::GET,
            "/api/v1/compliance?within=C&period=2025-03",
            None,
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    let b1 = r["orgs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["org"]["code"] == "B1")
        .unwrap();
    assert_eq!(b1["complies"], false);
    assert_eq!(
        b1["missed"].as_array().unwrap().len(),
        1,
        "the committee meeting: {b1}"
    );
    let (st, _) = app
        .as_user(
            &sec,
            Method::GET,
            "/api/v1/compliance?within=X&period=2025-03",
            None,
        )
        .await;
    // Another street's org reads as a code that does not exist.
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    // Rules: readable by anyone signed in, changed only by a deployment-wide administrator.
    let (st, rules) = app
        .as_user(&sec, Method::GET, "/api/v1/meeting-rules", None)
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(rules.as_array().unwrap().len(), 7);
    let (st, _) = app
        .as_user(
            &sec,
            Method::PUT,
            "/api/v1/meeting-rules/party_lecture",
            Some(json!({ "frequency": "yearly" })),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let admin = app.login("district").await;
    let (st, body) = app
        .as_user(
            &admin,
            Method::PUT,
            "/api/v1/meeting-rules/party_lecture",
            Some(json!({ "frequency": "yearly" })),
        )
        .await;
    assert_eq!(
        st,
        StatusCode::FORBIDDEN,
        "a district admin is scoped, not deployment-wide: {body}"
    );
}

#[tokio::test]
async fn two_way_evaluation_over_the_api() {
    let app = app().await;
    let sec = app.login("secretary").await;
    for (uri, on) in [
        (
            format!("/api/v1/units/{}/registrations", app.unit_id),
            "2025-03-01",
        ),
        (
            format!("/api/v1/members/{}/registrations", app.inside),
            "2025-02-01",
        ),
    ] {
        let (st, body) = app
            .as_user(
                &sec,
                Method::POST,
                &uri,
                Some(json!({ "community": "C", "on": on })),
            )
            .await;
        assert_eq!(st, StatusCode::CREATED, "{body}");
    }
    let grade = |subject: &str, who: i64, grade: &str| {
        let key = if subject == "member" {
            "member"
        } else {
            "unit"
        };
        json!({ "year": 2025, "subject": subject, "community": "C", key: who, "grade": grade })
    };
    let (st, body) = app
        .as_user(
            &sec,
            Method::POST,
            "/api/v1/evaluations",
            Some(grade("unit", app.unit_id, "good")),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{body}");
    assert_eq!(body["unit_name"], "莆田市城市管理局");
    let (st, body) = app
        .as_user(
            &sec,
            Method::POST,
            "/api/v1/evaluations",
            Some(grade("unit", app.unit_id, "excellent")),
        )
        .await;
    assert_eq!(st, StatusCode::CONFLICT, "a second grade: {body}");
    assert_eq!(body["error"]["field"], "year");
    let (st, body) = app
        .as_user(
            &sec,
            Method::POST,
            "/api/v1/evaluations",
            Some(grade("member", app.me, "good")),
        )
        .await;
    assert_eq!(
        st,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not registered: {body}"
    );
    assert_eq!(body["error"]["field"], "member");
    let (st, _) = app
        .as_user(
            &sec,
            Method::POST,
            "/api/v1/evaluations",
            Some(grade("member", app.inside, "excellent")),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED);

    let liaison = app.login("liaison").await;
    let (st, _) = app
        .as_user(
            &liaison,
            Method::POST,
            "/api/v1/evaluations",
            Some(grade("unit", app.unit_id, "excellent")),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "a unit does not grade itself");
    let (st, back) = app
        .as_user(
            &liaison,
            Method::POST,
            "/api/v1/evaluations",
            Some(grade("community", app.unit_id, "fair")),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{back}");

    let (st, pairs) = app
        .as_user(
            &sec,
            Method::GET,
            "/api/v1/evaluations?year=2025&within=C",
            None,
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{pairs}");
    let progress = pairs["progress"].as_array().unwrap();
    assert_eq!(progress.len(), 3);
    assert!(progress.iter().all(|p| p["done"] == p["owed"]), "{pairs}");
    // One pair a page, following `next`: every pair once; a cursor the list does not hold
    // is refused by name.
    let base = "/api/v1/evaluations?year=2025&within=C&limit=1";
    let (mut seen, mut url) = (Vec::new(), base.to_string());
    loop {
        let (st, p) = app.as_user(&sec, Method::GET, &url, None).await;
        assert_eq!(st, StatusCode::OK, "{p}");
        for i in p["page"]["items"].as_array().unwrap() {
            seen.push(format!(
                "{}{}{}",
                i["subject"], i["member_id"], i["unit_id"]
            ));
        }
        match p["page"]["next"].as_str() {
            Some(n) => url = format!("{base}&after={n}"),
            None => break,
        }
    }
    let total: i64 = progress.iter().map(|p| p["owed"].as_i64().unwrap()).sum();
    assert_eq!(seen.len() as i64, total, "{seen:?}");
    seen.dedup();
    assert_eq!(seen.len() as i64, total, "no pair twice: {seen:?}");
    let (st, e) = app
        .as_user(
            &sec,
            Method::GET,
            &format!("{base}&after=member.1.999999"),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["field"], "after");
    let (_, file) = app
        .as_user(
            &sec,
            Method::GET,
            &format!("/api/v1/members/{}", app.inside),
            None,
        )
        .await;
    assert_eq!(file["evaluations"][0]["grade"], "excellent");
    let (st, _) = app
        .as_user(
            &sec,
            Method::DELETE,
            &format!("/api/v1/evaluations/{}", back["id"]),
            None,
        )
        .await;
    assert_eq!(
        st,
        StatusCode::FORBIDDEN,
        "only the unit withdraws its grade"
    );
    let (st, _) = app
        .as_user(
            &liaison,
            Method::DELETE,
            &format!("/api/v1/evaluations/{}", back["id"]),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let (_, pending) = app
        .as_user(
            &liaison,
            Method::GET,
            "/api/v1/evaluations?year=2025&pending=true",
            None,
        )
        .await;
    assert_eq!(
        pending["page"]["items"][0]["subject"], "community",
        "{pending}"
    );
}

#[tokio::test]
async fn the_case_loop_over_the_api() {
    let app = app().await;
    let db = &app._db.db;
    let op = Actor::operator();
    jiceng_ops::cases::departments::add(db, &op, "swj", "水务集团")
        .await
        .unwrap();
    accounts::create(
        db,
        &op,
        NewUser {
            username: s("water"),
            password: s(PW),
            role: s("department_handler"),
            scope: s("S"),
            department: s("swj"),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let street = app.login("street").await;
    let (st, body) = app
        .as_user(
            &street,
            Method::POST,
            "/api/v1/cases",
            Some(json!({ "channel": "hotline", "category": "flying_saucer", "title": "不明飞行物", "community": "C" })),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["field"], "category");
    let new = json!({ "channel": "hotline", "category": "water", "title": "小区停水", "community": "C",
                      "reporter_phone": "13912345678", "idempotency_key": "hotline-0001" });
    let (st, case) = app
        .as_user(&street, Method::POST, "/api/v1/cases", Some(new.clone()))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{case}");
    assert_eq!(case["status"], "registered");
    assert_eq!(case["routed"], "address");
    let (st, body) = app
        .as_user(&street, Method::POST, "/api/v1/cases", Some(new))
        .await;
    assert_eq!(st, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["field"], "idempotency_key");
    let id = case["id"].as_i64().unwrap();
    let code = case["code"].as_str().unwrap().to_string();
    let secret = case["rating_secret"]
        .as_str()
        .expect("the intake's answer carries the rating secret")
        .to_string();
    let step = |action: &str| json!({ "action": action, "note": "已处理" });
    let (st, body) = app
        .as_user(
            &street,
            Method::POST,
            &format!("/api/v1/cases/{id}/moves"),
            Some(json!({ "action": "dispatch", "departments": ["cgj", "swj"] })),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let water = app.login("water").await;
    let handler = app.login("handler").await;
    for who in [&water, &handler] {
        let (st, body) = app
            .as_user(
                who,
                Method::POST,
                &format!("/api/v1/cases/{id}/moves"),
                Some(step("report")),
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{body}");
    }
    let (_, inbox) = app
        .as_user(&water, Method::GET, "/api/v1/inbox?tab=all", None)
        .await;
    assert_eq!(inbox["items"][0]["code"], code.as_str());
    let (_, open) = app
        .as_user(&water, Method::GET, "/api/v1/inbox", None)
        .await;
    assert_eq!(
        open["items"],
        json!([]),
        "a whistle reported to is done: {open}"
    );
    let (st, bad) = app
        .as_user(&water, Method::GET, "/api/v1/inbox?tab=later", None)
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    assert_eq!(bad["error"]["field"], "tab");
    let (st, body) = app
        .as_user(
            &street,
            Method::POST,
            &format!("/api/v1/cases/{id}/moves"),
            Some(step("verify")),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "out of order: {body}");
    assert_eq!(body["error"]["field"], "action");
    for action in ["accept", "feedback"] {
        let (st, body) = app
            .as_user(
                &handler,
                Method::POST,
                &format!("/api/v1/cases/{id}/moves"),
                Some(step(action)),
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{action}: {body}");
    }
    let (st, _) = app
        .as_user(
            &street,
            Method::POST,
            &format!("/api/v1/cases/{id}/moves"),
            Some(step("verify")),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    // The reporter follows the case and rates it without signing in.
    let (st, tracked, _) = {
        let (st, h, v) = app
            .call(Method::GET, &format!("/api/v1/track/{code}"), &[], None)
            .await;
        (st, v, h)
    };
    assert_eq!(st, StatusCode::OK);
    assert_eq!(tracked["status"], "closed");
    assert!(
        tracked.get("reporter_phone").is_none(),
        "no personal data: {tracked}"
    );
    let (st, _, rated) = app
        .call(
            Method::POST,
            &format!("/api/v1/track/{code}/rating"),
            &[],
            Some(json!({ "secret": secret, "satisfaction": "satisfied" })),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{rated}");
    assert_eq!(rated["satisfaction"], "satisfied");
    let (st, rates) = app
        .as_user(&street, Method::GET, "/api/v1/rates?by=department", None)
        .await;
    assert_eq!(st, StatusCode::OK, "{rates}");
    assert_eq!(rates["total"]["satisfaction_rate"], 1.0);
    assert_eq!(rates["total"]["closed"], 1);
    // The department the case was dispatched to answers for it.
    let lines = rates["lines"].as_array().unwrap();
    let held: i64 = lines
        .iter()
        .filter(|l| !l["code"].is_null())
        .map(|l| l["received"].as_i64().unwrap())
        .sum();
    assert!(held >= 1, "{rates}");
    let all: i64 = lines.iter().map(|l| l["received"].as_i64().unwrap()).sum();
    assert!(
        all >= rates["total"]["received"].as_i64().unwrap(),
        "{rates}"
    );
    // A grid, a building mapped inside it, and one refused outside every grid.
    let square = json!({ "type": "Polygon", "coordinates": [[[119.0, 25.4], [119.01, 25.4], [119.01, 25.41], [119.0, 25.41]]] });
    let (st, grid) = app
        .as_user(
            &street,
            Method::POST,
            "/api/v1/grids",
            Some(json!({ "community": "C", "number": 1, "geometry": square.clone() })),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{grid}");
    let building = |lon: f64| json!({ "kind": "building", "name": "1号楼", "households": 30, "lon": lon, "lat": 25.405 });
    let (st, body) = app
        .as_user(
            &street,
            Method::POST,
            "/api/v1/grid-places",
            Some(building(120.0)),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["field"], "location");
    let (st, place) = app
        .as_user(
            &street,
            Method::POST,
            "/api/v1/grid-places",
            Some(building(119.005)),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{place}");
    assert_eq!(place["grid_code"], grid["code"]);
    let (_, grids) = app
        .as_user(&street, Method::GET, "/api/v1/grids?within=C", None)
        .await;
    assert_eq!(grids[0]["households"], 30, "{grids}");
    let (_, places) = app
        .as_user(&street, Method::GET, "/api/v1/grid-places?within=C", None)
        .await;
    assert_eq!(places.as_array().map(Vec::len), Some(1), "{places}");
    // The grid worker's phone: the community's open cases.
    let (_, open) = app
        .as_user(
            &street,
            Method::POST,
            "/api/v1/cases",
            Some(json!({ "channel": "grid_worker", "category": "water", "title": "井盖缺失", "lon": 119.005, "lat": 25.405 })),
        )
        .await;
    let worker = app.login("grid").await;
    let (st, mine) = app
        .as_user(&worker, Method::GET, "/api/v1/patrols/my-cases", None)
        .await;
    assert_eq!(st, StatusCode::OK, "{mine}");
    assert_eq!(mine["open"][0]["code"], open["code"], "{mine}");
    let liaison = app.login("liaison").await;
    let (_, theirs) = app
        .as_user(&liaison, Method::GET, "/api/v1/patrols/my-cases", None)
        .await;
    assert!(
        !theirs.to_string().contains("井盖缺失"),
        "only grid workers see the community's cases there: {theirs}"
    );
    let (st, e) = app
        .as_user(
            &street,
            Method::POST,
            "/api/v1/grids",
            Some(json!({ "community": "C", "number": 2, "geometry": square, "households": 300 })),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["field"], "households");
    let id = place["id"].as_i64().unwrap();
    let (st, _) = app
        .as_user(
            &street,
            Method::DELETE,
            &format!("/api/v1/grid-places/{id}"),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn cobuilding_over_the_api() {
    let app = app().await;
    let secretary = app.login("secretary").await;
    let (_, units) = app
        .as_user(&secretary, Method::GET, "/api/v1/units", None)
        .await;
    let unit = units["items"][0]["id"].as_i64().unwrap();
    let year = jiceng_domain::clock::today().format("%Y").to_string();
    let body = |due: &str| {
        json!({ "unit_id": unit, "org": "C", "commitments": [
            { "title": "开放停车场", "due_on": format!("{year}-{due}") } ] })
    };
    let (st, e) = app
        .as_user(&secretary, Method::POST, "/api/v1/agreements", Some(json!({ "unit_id": unit, "org": "C", "commitments": [{ "title": "开放停车场", "due_on": "1999-01-01" }] })))
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["field"], "due_on");
    let (st, d) = app
        .as_user(
            &secretary,
            Method::POST,
            "/api/v1/agreements",
            Some(body("01-01")),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{d}");
    assert_eq!(d["agreement"]["items"], 1);
    let (st, _) = app
        .as_user(
            &secretary,
            Method::POST,
            "/api/v1/agreements",
            Some(body("02-01")),
        )
        .await;
    assert_eq!(st, StatusCode::CONFLICT, "one agreement a year");
    let item = d["commitments"][0]["id"].as_i64().unwrap();
    let liaison = app.login("liaison").await;
    let (st, c) = app
        .as_user(
            &liaison,
            Method::POST,
            &format!("/api/v1/commitments/{item}/done"),
            Some(json!({})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{c}");
    assert_eq!(c["done_on"], jiceng_domain::clock::today().to_string());
    let (_, mine) = app
        .as_user(&liaison, Method::GET, "/api/v1/agreements", None)
        .await;
    assert_eq!(mine["items"][0]["done"], 1, "{mine}");
    let (st, c) = app
        .as_user(
            &liaison,
            Method::DELETE,
            &format!("/api/v1/commitments/{item}/done"),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert!(c["done_on"].is_null());
    let id = d["agreement"]["id"].as_i64().unwrap();
    let outsider = app.login("grid").await;
    let (st, _) = app
        .as_user(
            &outsider,
            Method::GET,
            &format!("/api/v1/agreements/{id}"),
            None,
        )
        .await;
    assert_eq!(
        st,
        StatusCode::NOT_FOUND,
        "a grid worker of a branch does not read the community's agreements: they answer as missing"
    );
}

#[tokio::test]
async fn service_records_over_the_api() {
    let app = app().await;
    let secretary = app.login("secretary").await;
    let (_, members) = app
        .as_user(&secretary, Method::GET, "/api/v1/members", None)
        .await;
    let member = members["items"][0]["id"].as_i64().unwrap();
    let body = |hours: serde_json::Value| json!({ "member_id": member, "community": "C", "hours": hours, "activity": "社区义诊" });
    let (st, e) = app
        .as_user(
            &secretary,
            Method::POST,
            "/api/v1/service-records",
            Some(body(json!(1.2))),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["field"], "hours");
    let (st, r) = app
        .as_user(
            &secretary,
            Method::POST,
            "/api/v1/service-records",
            Some(body(json!(1.5))),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{r}");
    assert_eq!(r["minutes"], 90);
    let (_, list) = app
        .as_user(
            &secretary,
            Method::GET,
            "/api/v1/service-records?within=C",
            None,
        )
        .await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1), "{list}");
    let id = r["id"].as_i64().unwrap();
    let (st, _) = app
        .as_user(
            &secretary,
            Method::DELETE,
            &format!("/api/v1/service-records/{id}"),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let (_, list) = app
        .as_user(
            &secretary,
            Method::GET,
            "/api/v1/service-records?within=C",
            None,
        )
        .await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(0));
}

#[tokio::test]
async fn micro_wishes_over_the_api() {
    let app = app().await;
    let secretary = app.login("secretary").await;
    let (st, e) = app
        .as_user(
            &secretary,
            Method::POST,
            "/api/v1/wishes",
            Some(json!({ "community": "C" })),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["field"], "title");
    let (st, w) = app
        .as_user(
            &secretary,
            Method::POST,
            "/api/v1/wishes",
            Some(json!({ "community": "C", "title": "想要一副老花镜", "resident": "王奶奶" })),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{w}");
    let id = w["id"].as_i64().unwrap();
    let member = app.login("member").await;
    let moves = format!("/api/v1/wishes/{id}/moves");
    let (st, e) = app
        .as_user(
            &member,
            Method::POST,
            &moves,
            Some(json!({ "move": "fulfil" })),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["field"], "move");
    let (st, w) = app
        .as_user(
            &member,
            Method::POST,
            &moves,
            Some(json!({ "move": "claim" })),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{w}");
    assert_eq!(w["status"], "claimed");
    let (_, mine) = app
        .as_user(&member, Method::GET, "/api/v1/wishes", None)
        .await;
    assert_eq!(mine["items"][0]["id"], id, "{mine}");
    assert!(mine["items"][0]["resident"].is_null(), "{mine}");
    let (st, w) = app
        .as_user(
            &secretary,
            Method::POST,
            &moves,
            Some(json!({ "move": "fulfil" })),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{w}");
    assert_eq!(w["status"], "fulfilled");
    let (_, listed) = app
        .as_user(
            &secretary,
            Method::GET,
            "/api/v1/wishes?within=C&status=fulfilled",
            None,
        )
        .await;
    assert_eq!(listed["items"][0]["resident"], "王奶奶");
}

/// The password policy: a weak or reused password is refused by name; an administrator's reset
/// makes the owner change it at the next sign-in, and until then the session reaches only the
/// password change, who it is, and signing out; the policy is read by anyone signed in and set
/// by a deployment administrator only, never below its floor.
#[tokio::test]
async fn a_reset_password_must_be_changed_before_anything_else() {
    let app = app().await;
    let worker = app.login("worker").await;
    let change = |old: &str, new: &str| json!({ "old_password": old, "new_password": new });
    for (weak, named) in [
        ("Sh-1A", "至少"),
        ("lowercase-only", "至少 3 种"),
        ("Worker-2026x", "用户名"),
    ] {
        let (st, e) = app
            .as_user(
                &worker,
                Method::POST,
                "/api/v1/me/password",
                Some(change(PW, weak)),
            )
            .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{weak}: {e}");
        assert!(
            e["error"]["message"].as_str().unwrap().contains(named),
            "{weak}: {e}"
        );
    }
    let (st, _) = app
        .as_user(
            &worker,
            Method::POST,
            "/api/v1/me/password",
            Some(change(PW, "Second-pass-7")),
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (st, e) = app
        .as_user(
            &worker,
            Method::POST,
            "/api/v1/me/password",
            Some(change("Second-pass-7", PW)),
        )
        .await;
    assert_eq!(
        st,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the last passwords are not reused: {e}"
    );

    jiceng_ops::accounts::reset_password(
        &app._db.db,
        &Actor::operator(),
        "worker",
        "Reset-by-admin-1",
    )
    .await
    .unwrap();
    let (st, _, body) = app
        .call(
            Method::POST,
            "/api/v1/session",
            &[],
            Some(json!({ "username": "worker", "password": "Reset-by-admin-1" })),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(body["must_change_password"], true);
    let forced = app.login_with("worker", "Reset-by-admin-1").await;
    let (st, e) = app
        .as_user(&forced, Method::GET, "/api/v1/members", None)
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{e}");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("请先修改密码")
    );
    let (st, _) = app.as_user(&forced, Method::GET, "/api/v1/me", None).await;
    assert_eq!(st, StatusCode::OK);
    let (st, _, headers_body) = app
        .call(Method::GET, "/members", &[("cookie", &forced.cookie)], None)
        .await;
    assert_eq!(
        st,
        StatusCode::SEE_OTHER,
        "pages send the session to the password form: {headers_body}"
    );
    let (st, _) = app
        .as_user(
            &forced,
            Method::POST,
            "/api/v1/me/password",
            Some(change("Reset-by-admin-1", "Own-choice-2026")),
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (st, _) = app
        .as_user(&forced, Method::GET, "/api/v1/members", None)
        .await;
    assert_eq!(
        st,
        StatusCode::OK,
        "changed, the session reaches everything again"
    );

    let (st, p) = app
        .as_user(&forced, Method::GET, "/api/v1/password-policy", None)
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(p["min_length"], 8);
    let stricter = json!({ "min_length": 12, "classes": 4, "history": 5, "max_age_days": 90 });
    let (st, _) = app
        .as_user(
            &forced,
            Method::PUT,
            "/api/v1/password-policy",
            Some(stricter.clone()),
        )
        .await;
    assert_eq!(
        st,
        StatusCode::FORBIDDEN,
        "a community worker sets no policy"
    );
    let district = app.login("district").await;
    let (st, _) = app
        .as_user(
            &district,
            Method::PUT,
            "/api/v1/password-policy",
            Some(stricter.clone()),
        )
        .await;
    assert_eq!(
        st,
        StatusCode::FORBIDDEN,
        "a district admin is scoped, not deployment-wide"
    );
    jiceng_ops::accounts::passwords::set_policy(
        &app._db.db,
        &Actor::operator(),
        serde_json::from_value(stricter).unwrap(),
    )
    .await
    .unwrap();
    let weaker = json!({ "min_length": 6, "classes": 2, "history": 0, "max_age_days": 0 });
    let e = jiceng_ops::accounts::passwords::set_policy(
        &app._db.db,
        &Actor::operator(),
        serde_json::from_value(weaker).unwrap(),
    )
    .await
    .unwrap_err();
    assert_eq!(e.body().field, Some("min_length"));
    let (st, e) = app
        .as_user(
            &forced,
            Method::POST,
            "/api/v1/me/password",
            Some(change("Own-choice-2026", "Ownchoice2027x")),
        )
        .await;
    assert_eq!(
        st,
        StatusCode::UNPROCESSABLE_ENTITY,
        "twelve characters of four kinds now: {e}"
    );
}

/// The login log over HTTP: the API lists a sign-in with the browser that made it, the page
/// shows it, the export holds it; a community worker reads none of it.
#[tokio::test]
async fn the_login_log_is_read_over_the_api_the_page_and_the_export() {
    let app = app().await;
    let (st, _, _) = app
        .call(
            Method::POST,
            "/api/v1/session",
            &[("user-agent", "测试浏览器/1.0")],
            Some(json!({ "username": "secretary", "password": "Wrong-pass-1" })),
        )
        .await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    let street = app.login("street").await;
    let (st, page) = app
        .as_user(
            &street,
            Method::GET,
            "/api/v1/login-log?username=secretary",
            None,
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{page}");
    assert_eq!(page["items"][0]["result"], "failure");
    assert_eq!(page["items"][0]["user_agent"], "测试浏览器/1.0");
    let (st, _, html) = app
        .call(
            Method::GET,
            "/login-log?result=failure",
            &[("cookie", &street.cookie)],
            None,
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert!(html.as_str().unwrap().contains("测试浏览器/1.0"));
    let req = Request::get("/login-log/export.xlsx")
        .header(header::HOST, "localhost")
        .header(header::COOKIE, &street.cookie)
        .body(Body::empty())
        .unwrap();
    let resp = app.router.clone().oneshot(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let bytes = to_bytes(resp.into_body(), 8 << 20).await.unwrap();
    assert!(bytes.starts_with(b"PK"));
    let worker = app.login("worker").await;
    let (st, _) = app
        .as_user(&worker, Method::GET, "/api/v1/login-log", None)
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
}

/// Online sessions over the API and the page: a secretary lists its own and ends one; the
/// street's administrator signs the secretary out of another.
#[tokio::test]
async fn sessions_are_listed_and_ended_over_the_api() {
    let app = app().await;
    let sec = app.login("secretary").await;
    let other = app.login("secretary").await;
    let (st, mine) = app
        .as_user(&sec, Method::GET, "/api/v1/sessions", None)
        .await;
    assert_eq!(st, StatusCode::OK, "{mine}");
    let mine = mine.as_array().unwrap();
    assert!(mine.len() >= 2);
    assert_eq!(mine.iter().filter(|s| s["current"] == true).count(), 1);
    let street = app.login("street").await;
    let (_, all) = app
        .as_user(&street, Method::GET, "/api/v1/sessions?all=true", None)
        .await;
    let theirs: Vec<String> = all
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["username"] == "secretary")
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect();
    assert!(theirs.len() >= 2, "{all}");
    let (_, own) = app
        .as_user(&other, Method::GET, "/api/v1/sessions", None)
        .await;
    let other_id = own
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["current"] == true)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (st, _) = app
        .as_user(
            &street,
            Method::DELETE,
            &format!("/api/v1/sessions/{other_id}"),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (st, _) = app.as_user(&other, Method::GET, "/api/v1/me", None).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED, "signed out");
    let (st, _) = app.as_user(&sec, Method::GET, "/api/v1/me", None).await;
    assert_eq!(st, StatusCode::OK, "the secretary's other session stays");
    let (st, _, html) = app
        .call(
            Method::GET,
            "/sessions",
            &[("cookie", &street.cookie)],
            None,
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        html.as_str().unwrap().contains("强制下线"),
        "the street manages accounts"
    );
}

/// The second factor over the API: with the default policy a district administrator's
/// session reaches nothing until it enrols; enrolled with a code from the app, it reaches the
/// rest, and its next sign-in gives a code to the second step.
#[tokio::test]
async fn an_administrator_enrols_a_second_factor_over_the_api() {
    use jiceng_domain::totp::{STEP, Secret};
    let app = app().await;
    accounts::passwords::set_policy(&app._db.db, &Actor::operator(), Default::default())
        .await
        .unwrap();
    let (st, _, body) = app
        .call(
            Method::POST,
            "/api/v1/session",
            &[],
            Some(json!({ "username": "district", "password": PW })),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(body["second_factor"], "enrol");
    let d = app.login("district").await;
    let (st, e) = app.as_user(&d, Method::GET, "/api/v1/members", None).await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("二次验证"));
    let (st, enrol) = app.as_user(&d, Method::POST, "/api/v1/me/totp", None).await;
    assert_eq!(st, StatusCode::OK, "{enrol}");
    let secret = Secret::from_base32(enrol["secret"].as_str().unwrap()).unwrap();
    let now = jiceng_domain::clock::now().timestamp() / STEP;
    let (st, codes) = app
        .as_user(
            &d,
            Method::POST,
            "/api/v1/me/totp/confirm",
            Some(json!({ "code": format!("{:06}", secret.code_at_step(now)) })),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{codes}");
    assert_eq!(codes["recovery_codes"].as_array().unwrap().len(), 10);
    let (st, _) = app.as_user(&d, Method::GET, "/api/v1/members", None).await;
    assert_eq!(st, StatusCode::OK, "enrolled, the session goes on");
    let next = app.login("district").await;
    let (st, _) = app
        .as_user(&next, Method::GET, "/api/v1/members", None)
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "the next sign-in owes a code");
    let (st, e) = app
        .as_user(
            &next,
            Method::POST,
            "/api/v1/session/totp",
            Some(json!({ "code": "000000" })),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (st, _) = app
        .as_user(
            &next,
            Method::POST,
            "/api/v1/session/totp",
            Some(json!({ "code": format!("{:06}", secret.code_at_step(now + 1)) })),
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (st, _) = app
        .as_user(&next, Method::GET, "/api/v1/members", None)
        .await;
    assert_eq!(st, StatusCode::OK);
}
