//! The route table's policy column against the routes it describes: what each route asks fits
//! its path, the public and account-only surfaces are exactly the ones listed here (a new one
//! must be added knowingly).

use jiceng_web::routes::{Asks, Kind, Noun, Route};
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
        "GET /track/photos/{id}",
        "POST /track/rate",
        "GET /disclosure",
        "GET /lang/{code}",
        "GET /assets/{file}",
        "GET /api",
        "POST /api/v1/session",
        "GET /api/v1/track/{code}",
        "GET /api/v1/track/{code}/photos/{id}",
        "POST /api/v1/track/{code}/rating",
        "GET /api/v1/openapi.json",
        "GET /resident/login",
        "POST /resident/code",
        "POST /resident/login",
        "GET /resident/communities",
        "GET /resident/buildings",
        "POST /api/v1/resident/code",
        "POST /api/v1/resident/session",
        "GET /api/v1/resident/buildings",
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
        "GET /api/v1/me/agenda",
        "POST /api/v1/me/password",
        "GET /api/v1/tokens",
        "POST /api/v1/tokens",
        "GET /api/v1/password-policy",
        "GET /sessions",
        "GET /me",
        "GET /api/v1/sessions",
        "GET /totp",
        "POST /totp",
        "POST /api/v1/session/totp",
        "POST /api/v1/me/totp",
        "POST /api/v1/me/totp/confirm",
        "POST /totp/recovery-codes",
        "POST /api/v1/me/totp/recovery-codes",
        "GET /resident",
        "GET /api/v1/resident/me",
    ]
    .map(String::from)
    .into();
    assert_eq!(listed(&routes, Asks::Account), account);
}

/// Finding 7: a read-only token is refused by one check on every route that changes state,
/// whatever the route does and whatever its body says, and the refusal writes nothing.
#[tokio::test]
async fn a_read_only_token_changes_nothing_on_any_route() {
    use axum::body::{Body, to_bytes};
    use axum::http::{Method, Request, StatusCode, header};
    use tower::ServiceExt;

    let (t, summary) = crate::city::demo().await;
    let router = jiceng_web::router(t.db.clone(), crate::pages::files_dir());
    let cookie = crate::pages::sign_in(&router, "admin", &summary.password).await;
    let session = cookie.split_once('=').unwrap().1.to_string();
    let (admin, _) = jiceng_ops::accounts::session_actor(&t.db, &session)
        .await
        .unwrap();
    let token = jiceng_ops::accounts::create_token(&t.db, &admin, "只读脚本", "read", Some(30))
        .await
        .unwrap()
        .token;
    let audit = jiceng_ops::audit::verify(&t.db, &admin)
        .await
        .unwrap()
        .entries;
    let mut writes = 0;
    for r in jiceng_web::route_table() {
        if r.kind != Kind::Api || r.method == "GET" || r.asks == Asks::Public {
            continue;
        }
        writes += 1;
        let uri = r
            .path
            .replace("{id}", "1")
            .replace("{code}", "C350302001001")
            .replace("{kind}", "branch_assembly");
        let req = Request::builder()
            .method(Method::from_bytes(r.method.as_bytes()).unwrap())
            .uri(&uri)
            .header(header::HOST, "localhost")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{}"))
            .unwrap();
        let resp = router.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let body = to_bytes(resp.into_body(), 1 << 20).await.unwrap();
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "{} {uri}: {}",
            r.method,
            String::from_utf8_lossy(&body)
        );
        assert!(String::from_utf8_lossy(&body).contains("只读令牌"));
    }
    assert!(writes > 40, "every write route was tried: {writes}");
    let after = jiceng_ops::audit::verify(&t.db, &admin)
        .await
        .unwrap()
        .entries;
    assert_eq!(after, audit, "nothing was written");
}

/// One query per noun for a record out of the street's scope (`$1`, `$2`: the street's path
/// and its upper bound), giving the key its path takes; the latest such record is used (a long id, unlike the
/// small numbers of an error's own text).
fn out_of_scope_query(noun: Noun) -> Option<&'static str> {
    Some(match noun {
        Noun::Org => {
            "SELECT o.code FROM orgs o WHERE NOT (o.path >= $1 AND o.path < $2) AND o.level = 'community' ORDER BY o.id DESC LIMIT 1"
        }
        Noun::Member => {
            "SELECT CAST(m.id AS TEXT) FROM members m JOIN orgs o ON o.id = m.org_id WHERE NOT (o.path >= $1 AND o.path < $2) ORDER BY m.id DESC LIMIT 1"
        }
        Noun::Unit => {
            "SELECT CAST(u.id AS TEXT) FROM units u JOIN orgs o ON o.id = u.org_id WHERE NOT (o.path >= $1 AND o.path < $2) ORDER BY u.id DESC LIMIT 1"
        }
        Noun::Registration => {
            "SELECT CAST(r.id AS TEXT) FROM registrations r JOIN orgs o ON o.id = r.community_org_id WHERE NOT (o.path >= $1 AND o.path < $2) ORDER BY r.id DESC LIMIT 1"
        }
        Noun::Meeting => {
            "SELECT CAST(x.id AS TEXT) FROM meetings x JOIN orgs o ON o.id = x.org_id WHERE NOT (o.path >= $1 AND o.path < $2) ORDER BY x.id DESC LIMIT 1"
        }
        Noun::Attachment => {
            "SELECT CAST(a.id AS TEXT) FROM meeting_attachments a JOIN meetings x ON x.id = a.meeting_id JOIN orgs o ON o.id = x.org_id WHERE NOT (o.path >= $1 AND o.path < $2) ORDER BY a.id DESC LIMIT 1"
        }
        Noun::Rectification => {
            "SELECT CAST(x.id AS TEXT) FROM rectifications x JOIN orgs o ON o.id = x.org_id WHERE NOT (o.path >= $1 AND o.path < $2) ORDER BY x.id DESC LIMIT 1"
        }
        Noun::CasePhoto => {
            "SELECT CAST(p.id AS TEXT) FROM case_photos p JOIN cases c ON c.id = p.case_id JOIN orgs o ON o.id = c.community_org_id WHERE NOT (o.path >= $1 AND o.path < $2) ORDER BY p.id DESC LIMIT 1"
        }
        Noun::Case => {
            "SELECT CAST(c.id AS TEXT) FROM cases c JOIN orgs o ON o.id = c.community_org_id WHERE NOT (o.path >= $1 AND o.path < $2) ORDER BY c.id DESC LIMIT 1"
        }
        Noun::Agreement => {
            "SELECT CAST(x.id AS TEXT) FROM agreements x JOIN orgs o ON o.id = x.org_id WHERE NOT (o.path >= $1 AND o.path < $2) ORDER BY x.id DESC LIMIT 1"
        }
        Noun::Commitment => {
            "SELECT CAST(c.id AS TEXT) FROM commitments c JOIN agreements x ON x.id = c.agreement_id JOIN orgs o ON o.id = x.org_id WHERE NOT (o.path >= $1 AND o.path < $2) ORDER BY c.id DESC LIMIT 1"
        }
        Noun::Evaluation => {
            "SELECT CAST(e.id AS TEXT) FROM evaluations e JOIN orgs o ON o.id = e.community_org_id WHERE NOT (o.path >= $1 AND o.path < $2) ORDER BY e.id DESC LIMIT 1"
        }
        Noun::Patrol => {
            "SELECT CAST(p.id AS TEXT) FROM patrols p JOIN grids g ON g.id = p.grid_id JOIN orgs o ON o.id = g.community_org_id WHERE NOT (o.path >= $1 AND o.path < $2) ORDER BY p.id DESC LIMIT 1"
        }
        Noun::TeamMember => {
            "SELECT CAST(t.id AS TEXT) FROM grid_team t JOIN grids g ON g.id = t.grid_id JOIN orgs o ON o.id = g.community_org_id WHERE NOT (o.path >= $1 AND o.path < $2) ORDER BY t.id DESC LIMIT 1"
        }
        Noun::Place => {
            "SELECT CAST(p.id AS TEXT) FROM grid_places p JOIN grids g ON g.id = p.grid_id JOIN orgs o ON o.id = g.community_org_id WHERE NOT (o.path >= $1 AND o.path < $2) ORDER BY p.id DESC LIMIT 1"
        }
        Noun::PointsEntry => {
            "SELECT CAST(e.id AS TEXT) FROM points_entries e JOIN members m ON m.id = e.member_id JOIN orgs o ON o.id = m.org_id WHERE NOT (o.path >= $1 AND o.path < $2) ORDER BY e.id DESC LIMIT 1"
        }
        Noun::ServiceRecord => {
            "SELECT CAST(s.id AS TEXT) FROM service_records s JOIN orgs o ON o.id = s.community_org_id WHERE NOT (o.path >= $1 AND o.path < $2) ORDER BY s.id DESC LIMIT 1"
        }
        Noun::ImportJob => {
            "SELECT CAST(j.id AS TEXT) FROM import_jobs j JOIN users u ON j.owner = 'user:' || CAST(u.id AS TEXT) WHERE u.username = 'admin' ORDER BY j.id DESC LIMIT 1"
        }
        Noun::Wish => {
            "SELECT CAST(w.id AS TEXT) FROM wishes w JOIN orgs o ON o.id = w.community_org_id WHERE NOT (o.path >= $1 AND o.path < $2) ORDER BY w.id DESC LIMIT 1"
        }
        Noun::Resident => {
            "SELECT CAST(r.id AS TEXT) FROM residents r WHERE NOT (r.community_path >= $1 AND r.community_path < $2) ORDER BY r.id DESC LIMIT 1"
        }
        Noun::Need => {
            "SELECT CAST(n.id AS TEXT) FROM needs n WHERE NOT (n.community_path >= $1 AND n.community_path < $2) ORDER BY n.id DESC LIMIT 1"
        }
        Noun::Resource => {
            "SELECT CAST(r.id AS TEXT) FROM resources r WHERE NOT (r.community_path >= $1 AND r.community_path < $2) ORDER BY r.id DESC LIMIT 1"
        }
        Noun::Project => {
            "SELECT CAST(p.id AS TEXT) FROM projects p WHERE NOT (p.community_path >= $1 AND p.community_path < $2) ORDER BY p.id DESC LIMIT 1"
        }
        Noun::Errand => {
            "SELECT CAST(e.id AS TEXT) FROM errands e WHERE NOT (e.community_path >= $1 AND e.community_path < $2) ORDER BY e.id DESC LIMIT 1"
        }
        Noun::Problem => {
            "SELECT CAST(p.id AS TEXT) FROM problems p WHERE NOT (p.community_path >= $1 AND p.community_path < $2) ORDER BY p.id DESC LIMIT 1"
        }
        Noun::Position => {
            "SELECT CAST(p.id AS TEXT) FROM positions p WHERE NOT (p.org_path >= $1 AND p.org_path < $2) ORDER BY p.id DESC LIMIT 1"
        }
        Noun::Volunteer => {
            "SELECT CAST(v.id AS TEXT) FROM volunteers v WHERE NOT (v.org_path >= $1 AND v.org_path < $2) ORDER BY v.id DESC LIMIT 1"
        }
        Noun::Team => {
            "SELECT CAST(t.id AS TEXT) FROM volunteer_teams t WHERE NOT (t.org_path >= $1 AND t.org_path < $2) ORDER BY t.id DESC LIMIT 1"
        }
        Noun::Activity => {
            "SELECT CAST(a.id AS TEXT) FROM activities a WHERE NOT (a.org_path >= $1 AND a.org_path < $2) ORDER BY a.id DESC LIMIT 1"
        }
        // A room not shared, kept elsewhere (a shared one is open to every desk that books).
        Noun::Room => {
            "SELECT CAST(r.id AS TEXT) FROM rooms r WHERE NOT r.shared AND NOT (r.org_path >= $1 AND r.org_path < $2) ORDER BY r.id DESC LIMIT 1"
        }
        Noun::Booking => {
            "SELECT CAST(b.id AS TEXT) FROM bookings b JOIN rooms r ON r.id = b.room_id WHERE NOT (b.org_path >= $1 AND b.org_path < $2) AND NOT (r.org_path >= $1 AND r.org_path < $2) ORDER BY b.id DESC LIMIT 1"
        }
        Noun::Token => {
            "SELECT CAST(t.id AS TEXT) FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE u.username = 'admin' ORDER BY t.id DESC LIMIT 1"
        }
        Noun::User => "SELECT CAST(u.id AS TEXT) FROM users u WHERE u.username = 'districtsecond'",
        Noun::Session => {
            "SELECT substr(s.token_hash, 1, 16) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.username = 'districtsecond' LIMIT 1"
        }
        // City-wide settings: named by code, out of nobody's scope.
        Noun::Setting => return None,
        // Refused alike whatever it names: an entry of another street's is no different.
        Noun::LogEntry => {
            "SELECT CAST(a.seq AS TEXT) FROM audit_log a WHERE NOT (a.path >= $1 AND a.path < $2) ORDER BY a.seq DESC LIMIT 1"
        }
    })
}

/// Local time `minutes` before `now`, as the patrol form writes it.
pub(crate) fn at(now: chrono::NaiveDateTime, minutes: i64) -> String {
    (now - chrono::Duration::minutes(minutes))
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

/// The path with each parameter set to `key`.
fn with_key(path: &str, key: &str) -> String {
    path.split('/')
        .map(|s| match s {
            "{id}" | "{code}" | "{volunteer_id}" => key,
            "{kind}" => "nowhere",
            "{verdict}" => "approve",
            s => s,
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The answer with what names the request taken out: the key where an error names it (after
/// "：", in “”, as a JSON value, or in the address a re-rendered form posts back to), and
/// request ids.
pub(crate) fn normalised(body: &str, key: &str) -> String {
    let mut out = body.to_string();
    for (from, to) in [
        (format!("：{key}"), "：KEY".to_string()),
        (format!("“{key}”"), "“KEY”".to_string()),
        (
            format!("\"value\":\"{key}\""),
            "\"value\":\"KEY\"".to_string(),
        ),
        (format!("\"value\":{key}"), "\"value\":KEY".to_string()),
        // A form re-rendered posts back to the address it was posted to.
        (format!("/{key}\""), "/KEY\"".to_string()),
        (format!("/{key}/"), "/KEY/".to_string()),
    ] {
        out = out.replace(&from, &to);
    }
    // "request_id":"…" up to the value's closing quote.
    while let Some(i) = out.find("request_id") {
        let value = i + "request_id\":\"".len();
        let end = out[value.min(out.len())..]
            .find('"')
            .map_or(out.len(), |n| value + n + 1);
        out.replace_range(i..end, "");
    }
    out.split("请求编号").next().unwrap_or("").to_string()
}

/// The trust review's central rule, over every route of the table that names a record: a
/// record out of the actor's scope answers exactly as one that does not exist — the same
/// status and the same words, page and API alike — so no answer tells that it is there.
/// A street's administrator asks for records of other streets (and of the administrator
/// above), found in the demo city one per noun; a noun the table names and this test cannot
/// find a record for fails it.
#[tokio::test]
async fn out_of_scope_answers_as_missing_on_every_route_that_names_a_record() {
    use axum::body::{Body, to_bytes};
    use axum::http::{Method, Request, header};
    use jiceng_store::Db;
    use std::collections::BTreeMap;
    use tower::ServiceExt;

    let (t, summary) = crate::city::demo().await;
    let router = jiceng_web::router(t.db.clone(), crate::pages::files_dir());
    let admin = crate::pages::Client::sign_in(&router, &t.db, "admin", &summary.password).await;
    let admin_actor = admin.actor(&t.db).await;
    // Another's tokens, enough that the latest has a two-digit id unlike the page's own digits.
    for _ in 0..12 {
        jiceng_ops::accounts::create_token(&t.db, &admin_actor, "他人的令牌", "read", Some(30))
            .await
            .unwrap();
    }
    // Another's import jobs, enough that the latest has a two-digit id.
    let sheet = vec![vec![
        jiceng_domain::imports::Cell::Text("姓名".into()),
        jiceng_domain::imports::Cell::Text("身份证号".into()),
    ]];
    for _ in 0..12 {
        jiceng_ops::imports::jobs::start(
            &t.db,
            &admin_actor,
            jiceng_domain::imports::Kind::Members,
            "他人的文件.csv",
            "姓名,身份证号\n".as_bytes(),
            &sheet,
        )
        .await
        .unwrap();
    }
    // An account above the street, beside the demo's one per role.
    jiceng_ops::accounts::create(
        &t.db,
        &admin_actor,
        jiceng_ops::accounts::NewUser {
            username: Some("districtsecond".into()),
            password: Some("Another-horse-43".into()),
            role: Some("district_admin".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    // Signed in, so it has a session to try.
    jiceng_ops::accounts::login(&t.db, "districtsecond", "Another-horse-43", "test")
        .await
        .unwrap();
    let street = crate::pages::Client::sign_in(&router, &t.db, "street", &summary.password).await;
    let scope = street.actor(&t.db).await.scope_path().to_string();
    let upper = jiceng_domain::path::upper(&scope);
    let first = |sql: &'static str| {
        let (db, scope, upper) = (t.db.clone(), scope.clone(), upper.clone());
        async move {
            let k: Option<String> = match &db {
                Db::Sqlite(p, _) => {
                    sqlx::query_scalar(sql)
                        .bind(&scope)
                        .bind(&upper)
                        .fetch_optional(p)
                        .await
                }
                Db::Pg(p) => {
                    sqlx::query_scalar(sql)
                        .bind(&scope)
                        .bind(&upper)
                        .fetch_optional(p)
                        .await
                }
            }
            .unwrap();
            k
        }
    };
    // What the demo city lacks elsewhere: a patrol and a meeting's attachment in another street.
    let op = jiceng_ops::Actor::operator();
    let grid = first("SELECT g.code FROM grids g JOIN orgs o ON o.id = g.community_org_id WHERE NOT (o.path >= $1 AND o.path < $2) ORDER BY g.id DESC LIMIT 1").await.expect("a grid elsewhere");
    let now = jiceng_domain::clock::local(jiceng_domain::clock::now());
    // Twelve, so the latest has a two-digit id unlike the page's own digits.
    for i in 0..12i64 {
        jiceng_ops::grids::patrols::record(
            &t.db,
            &op,
            jiceng_ops::grids::patrols::NewPatrolInput {
                grid: Some(grid.clone()),
                started_at: Some(at(now, 600 - 40 * i)),
                ended_at: Some(at(now, 590 - 40 * i)),
                findings: Some("井盖缺失".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    }
    let meeting: i64 = first(out_of_scope_query(Noun::Meeting).unwrap())
        .await
        .expect("a meeting elsewhere")
        .parse()
        .unwrap();
    jiceng_ops::orglife::files::attach(
        &t.db,
        &op,
        &crate::pages::files_dir(),
        meeting,
        "签到表.pdf",
        b"%PDF-1.4 test",
    )
    .await
    .unwrap();
    // Photos of cases in another community: twelve, so the latest id has two digits.
    let community = first(out_of_scope_query(Noun::Org).unwrap())
        .await
        .expect("a community elsewhere");
    for title in ["井盖缺失", "路灯不亮"] {
        jiceng_ops::cases::intake::take_in_with_photos(
            &t.db,
            &op,
            &crate::pages::files_dir(),
            jiceng_ops::cases::intake::NewCase {
                title: Some(title.into()),
                community: Some(community.clone()),
                ..Default::default()
            },
            (0..6)
                .map(|_| jiceng_ops::cases::photos::Upload {
                    stage: jiceng_domain::cases::PhotoStage::Intake,
                    file_name: "IMG.jpg".into(),
                    bytes: crate::PHONE_PHOTO.to_vec(),
                })
                .collect(),
        )
        .await
        .unwrap();
    }
    // And a rectification: of an org of another street flagged weak last quarter.
    let today = jiceng_domain::clock::today();
    let (y, q) = (
        chrono::Datelike::year(&today),
        (chrono::Datelike::month(&today) - 1) / 3 + 1,
    );
    let period = if q == 1 {
        format!("{}-Q4", y - 1)
    } else {
        format!("{y}-Q{}", q - 1)
    };
    let quarter = jiceng_ops::assessment::quarter(&t.db, &op, None, &period)
        .await
        .unwrap();
    let weak = quarter
        .orgs
        .iter()
        .find(|o| o.weak && !o.org.path.starts_with(&scope))
        .expect("an org of another street flagged weak");
    jiceng_ops::assessment::open(
        &t.db,
        &op,
        jiceng_ops::assessment::NewRectification {
            org: Some(weak.org.code.clone()),
            period: Some(period),
            plan: Some("整改方案".into()),
        },
    )
    .await
    .unwrap();
    // Residents who signed up in another community: twelve, so the latest id has two digits.
    let community = first("SELECT o.code FROM orgs o WHERE o.level = 'community' AND o.category = 'regional' AND NOT (o.path >= $1 AND o.path < $2) ORDER BY o.id DESC LIMIT 1")
        .await
        .expect("a community elsewhere");
    let building = jiceng_ops::residents::buildings(&t.db, &community)
        .await
        .unwrap()
        .first()
        .map(|b| b.id);
    for n in 0..12 {
        let phone = format!("1390000{n:04}");
        let shown = jiceng_ops::residents::CodeSender::Log { shown: true };
        let sent = jiceng_ops::residents::send_code(&t.db, &shown, &phone, "test")
            .await
            .unwrap();
        jiceng_ops::residents::sign_in(
            &t.db,
            jiceng_ops::residents::SignInInput {
                phone: Some(phone),
                sms_code: sent.shown_code,
                name: Some("他处居民".into()),
                community: Some(community.clone()),
                place_id: building,
            },
            "test",
        )
        .await
        .unwrap();
    }
    // Needs of that community: twelve, so the latest id has two digits.
    let mut elsewhere = Vec::new();
    for n in 0..12 {
        let need = jiceng_ops::needs::post(
            &t.db,
            &op,
            jiceng_ops::needs::NewNeedInput {
                community: Some(community.clone()),
                category: Some("convenience.haircut".into()),
                title: Some(format!("他处需求{n}")),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        elsewhere.push(need.id);
    }
    // And its resources, each drawn on by a project of one of those needs.
    for (n, need) in elsewhere.iter().enumerate() {
        let resource = jiceng_ops::resources::post(
            &t.db,
            &op,
            jiceng_ops::resources::NewResourceInput {
                community: Some(community.clone()),
                kind: Some("venue".into()),
                category: Some("convenience.haircut".into()),
                title: Some(format!("他处资源{n}")),
                capacity: Some(10),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        jiceng_ops::projects::create(
            &t.db,
            &op,
            jiceng_ops::projects::NewProjectInput {
                title: Some(format!("他处项目{n}")),
                owner: None,
                needs: vec![*need],
                resources: vec![jiceng_ops::projects::DrawInput {
                    resource_id: resource.id,
                    amount: 1,
                }],
                starts_on: Some("2026-01-01".into()),
                ends_on: Some("2026-12-31".into()),
            },
        )
        .await
        .unwrap();
    }
    // And errands asked there.
    let due = jiceng_domain::clock::local(jiceng_domain::clock::now() + chrono::Duration::days(2))
        .format("%Y-%m-%d %H:%M")
        .to_string();
    for n in 0..12 {
        jiceng_ops::errands::post(
            &t.db,
            &op,
            jiceng_ops::errands::NewErrandInput {
                community: Some(community.clone()),
                kind: Some("bills".into()),
                title: Some(format!("他处代办{n}")),
                due_at: Some(due.clone()),
                for_whom: Some("他处居民".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    }
    // And positions run from there.
    for n in 0..12 {
        jiceng_ops::positions::register(
            &t.db,
            &op,
            jiceng_ops::positions::NewPositionInput {
                kind: Some("micro".into()),
                name: Some(format!("他处阵地{n}")),
                org: Some(community.clone()),
                lon: Some(119.0),
                lat: Some(25.4),
                area_m2: Some(60),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    }
    // And problems raised there.
    for n in 0..12 {
        jiceng_ops::problems::post(
            &t.db,
            &op,
            jiceng_ops::problems::NewProblemInput {
                community: Some(community.clone()),
                title: Some(format!("他处问题{n}")),
                owner: Some("城管局".into()),
                due_on: Some("2026-12-31".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    }
    let mut keys: BTreeMap<String, Option<String>> = BTreeMap::new();
    let mut checked = 0;
    for r in jiceng_web::route_table() {
        let Asks::Record(noun) = r.asks else { continue };
        let Some(sql) = out_of_scope_query(noun) else {
            continue;
        };
        let key = match keys.get(sql) {
            Some(k) => k.clone(),
            None => {
                let k = first(sql).await;
                keys.insert(sql.to_string(), k.clone());
                k
            }
        };
        let Some(key) = key else { continue };
        let missing = if key.chars().all(|c| c.is_ascii_digit()) {
            "987654321"
        } else {
            "NOWHERE9"
        };
        let mut answers = Vec::new();
        for k in [key.as_str(), missing] {
            let uri = with_key(&r.path, k);
            let mut req = Request::builder()
                .method(Method::from_bytes(r.method.as_bytes()).unwrap())
                .uri(&uri)
                .header(header::HOST, "localhost")
                .header(header::COOKIE, &street.cookie)
                .header("x-csrf-token", &street.csrf);
            let body = match (r.kind, r.method) {
                (_, "GET") => Body::empty(),
                (Kind::Api, _) => {
                    req = req.header(header::CONTENT_TYPE, "application/json");
                    Body::from("{}")
                }
                _ => {
                    req = req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
                    Body::from("note=x")
                }
            };
            let resp = router
                .clone()
                .oneshot(req.body(body).unwrap())
                .await
                .unwrap();
            let status = resp.status();
            let text = to_bytes(resp.into_body(), 8 << 20).await.unwrap();
            answers.push((status, normalised(&String::from_utf8_lossy(&text), k), uri));
        }
        let (out, gone) = (&answers[0], &answers[1]);
        if out.1 != gone.1 {
            let i = out
                .1
                .bytes()
                .zip(gone.1.bytes())
                .take_while(|(a, b)| a == b)
                .count();
            let around = |t: &str| {
                t.get(i.saturating_sub(120)..(i + 200).min(t.len()))
                    .unwrap_or("")
                    .to_string()
            };
            panic!(
                "{} {}: out of scope and missing answer differently\n{}\n---\n{}",
                r.method,
                r.path,
                around(&out.1),
                around(&gone.1)
            );
        }
        assert_eq!(
            (out.0, &out.1),
            (gone.0, &gone.1),
            "{} {}: out of scope and missing answer differently",
            r.method,
            r.path
        );
        checked += 1;
    }
    let missing: Vec<_> = keys
        .iter()
        .filter(|(_, k)| k.is_none())
        .map(|(q, _)| q.clone())
        .collect();
    assert!(
        missing.is_empty(),
        "every noun the table names has a record to try: {missing:?}"
    );
    assert!(checked > 70, "{checked} routes checked");
}
