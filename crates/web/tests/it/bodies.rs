//! The adversarial suite's other half: ids a request carries in its JSON body. Every field of
//! every write operation of the API document that names a record (an org by code, a member,
//! unit, grid or case) is set, in turn, to a record out of the acting street's scope and to
//! one that does not exist: the two answers must be the same refusal, write nothing, and say
//! nothing of the record. The same body with the field in scope must then succeed, so no case
//! passes for being refused for another reason. A write operation with an id field and no
//! case here fails the suite.

use crate::api::{App, Session, app, id_number};
use crate::routes::at;
use axum::http::Method;
use jiceng_store::Db;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// What a body field names, and so what is put in it out of scope.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Names {
    /// A community org's code.
    Community,
    /// Any other org's code.
    Org,
    Member,
    /// Member numbers with an optional reason ("12:病假").
    Absent,
    Unit,
    Grid,
    /// A case's tracking code.
    CaseCode,
    /// A need of the 需求清单.
    Need,
    /// A place mapped in a grid (a building).
    Place,
    /// A service position (阵地).
    Position,
    /// A volunteer team.
    Team,
    /// A volunteer.
    Volunteer,
    /// A role of the activity the path names.
    Role,
    /// A sign-up for the activity the path names.
    Signup,
    /// Shared by the whole deployment, so in nobody's scope and nobody's to hide: departments,
    /// administrative divisions, and a token's scope (read or write).
    Shared,
    /// Named wherever it is: a case is taken in where the problem is, whoever hears of it,
    /// as a hotline answers for the whole city.
    Anywhere,
    /// Read only where every record is in scope: the manual queue of cases no grid or
    /// address placed belongs to the deployment's dispatchers alone.
    Unscoped,
}

/// What a body field of the operation at `path` names. A field the API document shows that
/// looks like a reference and is missing here fails the suite.
fn names(path: &str, field: &str) -> Option<Names> {
    use Names::*;
    Some(match field {
        // A token's scope is a word (read or write), not an org.
        "scope" if path == "/api/v1/tokens" => Shared,
        // Registering a case from the manual queue puts it in a community.
        "community" if path == "/api/v1/cases/{id}/moves" => Unscoped,
        "community" if path == "/api/v1/cases" => Anywhere,
        // A resident signing up names where they live, before they have any scope.
        "community" | "place_id" if path == "/api/v1/resident/session" => Anywhere,
        "need_id" => Need,
        "place_id" => Place,
        "position_id" => Position,
        "team_id" => Team,
        "volunteer_id" => Volunteer,
        "role_id" => Role,
        "signup_id" => Signup,
        "community" => Community,
        "org" | "parent" | "branch" | "to" | "scope" | "joint_orgs" => Org,
        "member_id" | "member" | "visitors" => Member,
        "absent" => Absent,
        "unit_id" | "unit" | "employer_unit" => Unit,
        "grid" => Grid,
        "duplicate_of" => CaseCode,
        "department" | "departments" | "division_code" | "residence_division" => Shared,
        _ => return None,
    })
}

/// Does the field's name say it refers to another record?
fn looks_like_a_reference(path: &str, field: &str) -> bool {
    field.ends_with("_id")
        || field.ends_with("_of")
        || field.ends_with("_unit")
        || field.ends_with("_orgs")
        || field.ends_with("_division")
        // A code texted to a phone is a secret, no record.
        || (field.ends_with("_code") && field != "code" && field != "sms_code")
        || names(path, field).is_some()
        || field == "scope"
}

/// The write operations of the API document with their JSON body fields.
fn write_operations(doc: &Value) -> BTreeMap<(String, String), Vec<String>> {
    let schemas = &doc["components"]["schemas"];
    let fields_of = |schema: &Value| -> Vec<String> {
        let s = match schema["$ref"].as_str() {
            Some(r) => &schemas[r.rsplit('/').next().unwrap()],
            None => schema,
        };
        s["properties"]
            .as_object()
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default()
    };
    let mut out = BTreeMap::new();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            let schema = &op["requestBody"]["content"]["application/json"]["schema"];
            if method == "get" || schema.is_null() {
                continue;
            }
            out.insert((method.to_uppercase(), path.clone()), fields_of(schema));
        }
    }
    out
}

/// One tried request: who sends it, where, and a body that succeeds with its ids in scope.
struct Try {
    who: &'static str,
    method: &'static str,
    /// As the API document writes it.
    path: &'static str,
    uri: String,
    body: Value,
}

fn tried(
    who: &'static str,
    method: &'static str,
    path: &'static str,
    id: &str,
    body: Value,
) -> Try {
    Try {
        who,
        method,
        path,
        uri: path.replace("{id}", id).replace("{code}", id),
        body,
    }
}

/// Records the city lacks, in scope (community C) and out of it (X), written by the district.
struct Extra {
    /// An org of the street flagged weak in 2025-Q1.
    weak: String,
    grid_in: String,
    grid_out: String,
    /// A unit with a party org, not yet registered with a community.
    unit_in: i64,
    unit_out: i64,
    cases_in: [i64; 2],
    case_code_in: String,
    case_code_out: String,
    meeting_in: i64,
    wish_in: i64,
    scheme: String,
    item: String,
    /// A community worker's account in the street, to be given another role.
    user_in: i64,
    /// Buildings mapped in C and in X.
    place_in: i64,
    place_out: i64,
    /// Open needs of C and of X.
    need_in: i64,
    need_out: i64,
    /// An open errand of C.
    errand_in: i64,
    /// Service positions and volunteer teams of C and of X.
    position_in: i64,
    position_out: i64,
    team_in: i64,
    team_out: i64,
    /// The member's volunteer record (in C) and a grid volunteer of X.
    volunteer_in: i64,
    volunteer_out: i64,
    /// Activities of C: one to sign up for, one the member holds a place in (starting within
    /// the hour, so attendance is taken).
    activity_open: i64,
    activity_held: i64,
    role_open: i64,
    signup_held: i64,
    /// A role of an activity of X and the member's sign-up for it.
    role_out: i64,
    signup_out: i64,
    /// A shared room of C, to book.
    room_in: i64,
}

async fn ok(app: &App, s: &Session, method: Method, uri: &str, body: Value) -> Value {
    let (st, v) = app.as_user(s, method, uri, Some(body)).await;
    assert!(st.is_success(), "{uri}: {v}");
    v
}

fn square(lon: f64) -> Value {
    json!({ "type": "Polygon", "coordinates": [[[lon, 25.4], [lon + 0.01, 25.4], [lon + 0.01, 25.41], [lon, 25.41]]] })
}

async fn extra(app: &App) -> Extra {
    let d = app.login("district").await;
    ok(app, &d, Method::POST, "/api/v1/orgs", json!({ "code": "XU", "name": "外辖区单位党支部", "level": "branch", "category": "unit", "parent": "X", "division_code": "350302002001" })).await;
    ok(app, &d, Method::POST, "/api/v1/orgs", json!({ "code": "U2", "name": "组织U2", "level": "branch", "category": "unit", "parent": "C", "division_code": "350302001001" })).await;
    ok(app, &d, Method::POST, "/api/v1/orgs", json!({ "code": "U3", "name": "组织U3", "level": "branch", "category": "unit", "parent": "C", "division_code": "350302001001" })).await;
    let unit_in = ok(app, &d, Method::POST, "/api/v1/units", json!({ "name": "本辖区二号单位", "category": "国有企业", "division_code": "350302001001", "org": "U3" })).await["id"].as_i64().unwrap();
    ok(app, &d, Method::POST, "/api/v1/orgs", json!({ "code": "G1", "name": "组织G1", "level": "group", "parent": "B1", "division_code": "350302001001" })).await;
    let unit_out = ok(app, &d, Method::POST, "/api/v1/units", json!({ "name": "外辖区单位", "category": "机关", "division_code": "350302002001", "org": "XU" })).await["id"].as_i64().unwrap();
    let grid_in = ok(
        app,
        &d,
        Method::POST,
        "/api/v1/grids",
        json!({ "community": "C", "number": 1, "branch": "B1", "geometry": square(119.0) }),
    )
    .await["code"]
        .as_str()
        .unwrap()
        .to_string();
    let grid_out = ok(app, &d, Method::POST, "/api/v1/grids", json!({ "community": "X", "number": 1, "name": "外辖区网格", "branch": "XB", "geometry": square(119.1) })).await["code"].as_str().unwrap().to_string();
    let case = |community: &str, title: &str| json!({ "channel": "hotline", "category": "water", "title": title, "community": community, "reporter_phone": "13912345678" });
    let mut cases_in = [0; 2];
    let mut case_code_in = String::new();
    for (i, c) in cases_in.iter_mut().enumerate() {
        let v = ok(
            app,
            &d,
            Method::POST,
            "/api/v1/cases",
            case("C", &format!("本辖区案件{i}")),
        )
        .await;
        *c = v["id"].as_i64().unwrap();
        case_code_in = v["code"].as_str().unwrap().to_string();
    }
    let case_code_out = ok(
        app,
        &d,
        Method::POST,
        "/api/v1/cases",
        case("X", "外辖区案件"),
    )
    .await["code"]
        .as_str()
        .unwrap()
        .to_string();
    let today = jiceng_domain::clock::today().to_string();
    ok(
        app,
        &d,
        Method::POST,
        &format!("/api/v1/members/{}/registrations", app.me),
        json!({ "community": "C", "on": today }),
    )
    .await;
    ok(
        app,
        &d,
        Method::POST,
        &format!("/api/v1/units/{}/registrations", app.unit_id),
        json!({ "community": "C", "on": today }),
    )
    .await;
    let meeting_in = ok(app, &d, Method::POST, "/api/v1/meetings", json!({ "org": "B1", "kind": "themed_day", "held_on": "2025-03-01", "topic": "重温入党誓词" })).await["id"].as_i64().unwrap();
    let wish_in = ok(
        app,
        &d,
        Method::POST,
        "/api/v1/wishes",
        json!({ "community": "C", "title": "想要一副老花镜", "resident": "王奶奶" }),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let user_in = ok(
        app,
        &d,
        Method::POST,
        "/api/v1/users",
        json!({ "username": "rolechange", "password": "Another-horse-43", "role": "community_worker", "scope": "C" }),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let building = |lon: f64, name: &str| json!({ "kind": "building", "name": name, "lon": lon, "lat": 25.405, "households": 10 });
    let place_in = ok(
        app,
        &d,
        Method::POST,
        "/api/v1/grid-places",
        building(119.005, "本辖区楼栋"),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let place_out = ok(
        app,
        &d,
        Method::POST,
        "/api/v1/grid-places",
        building(119.105, "外辖区楼栋"),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let need = |community: &str, title: &str| json!({ "community": community, "category": "convenience.errands", "title": title });
    let need_in = ok(
        app,
        &d,
        Method::POST,
        "/api/v1/needs",
        need("C", "本辖区代缴水费"),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let need_out = ok(
        app,
        &d,
        Method::POST,
        "/api/v1/needs",
        need("X", "外辖区代缴水费"),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let due = jiceng_domain::clock::local(jiceng_domain::clock::now() + chrono::Duration::days(2))
        .format("%Y-%m-%d %H:%M")
        .to_string();
    let errand_in = ok(
        app,
        &d,
        Method::POST,
        "/api/v1/errands",
        json!({ "community": "C", "kind": "bills", "title": "代交电费", "due_at": due, "for_whom": "张阿姨" }),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let street = app.login("street").await;
    let (_, quarter) = app
        .as_user(
            &street,
            Method::GET,
            "/api/v1/assessment?period=2025-Q1",
            None,
        )
        .await;
    let weak = quarter["orgs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["weak"] == true)
        .map(|o| o["org"]["code"].as_str().unwrap().to_string())
        .expect("an org flagged weak in the street");
    let (_, schemes) = app
        .as_user(&d, Method::GET, "/api/v1/points/schemes", None)
        .await;
    let (scheme, item) = schemes
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["items"].as_array().unwrap().iter().map(move |i| (s, i)))
        .find(|(_, i)| i["source"] == "manual")
        .map(|(s, i)| {
            (
                s["code"].as_str().unwrap().to_string(),
                i["code"].as_str().unwrap().to_string(),
            )
        })
        .expect("a scheme with an item entered by hand");
    let m = app.login("member").await;
    let position = |org: &str, name: &str| json!({ "kind": "micro", "name": name, "org": org, "lon": 119.0, "lat": 25.4, "area_m2": 60 });
    let position_in = ok(
        app,
        &d,
        Method::POST,
        "/api/v1/positions",
        position("C", "本辖区微阵地"),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let position_out = ok(
        app,
        &d,
        Method::POST,
        "/api/v1/positions",
        position("X", "外辖区微阵地"),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let team = |community: &str, name: &str| json!({ "name": name, "kind": "convenience", "community": community });
    let team_in = ok(
        app,
        &d,
        Method::POST,
        "/api/v1/teams",
        team("C", "本辖区服务队"),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let team_out = ok(
        app,
        &d,
        Method::POST,
        "/api/v1/teams",
        team("X", "外辖区服务队"),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    ok(app, &d, Method::POST, "/api/v1/grid-teams", json!({ "grid": grid_out, "role": "volunteer", "name": "外辖区志愿者", "phone": "13900000009" })).await;
    let sql = "SELECT id FROM volunteers WHERE name = '外辖区志愿者'";
    let volunteer_out: i64 = match &app._db.db {
        Db::Sqlite(p, _) => sqlx::query_scalar(sql).fetch_one(p).await,
        Db::Pg(p) => sqlx::query_scalar(sql).fetch_one(p).await,
    }
    .unwrap();
    let local = |minutes: i64| {
        jiceng_domain::clock::local(
            jiceng_domain::clock::now() + chrono::Duration::minutes(minutes),
        )
        .format("%Y-%m-%d %H:%M")
        .to_string()
    };
    let activity = |community: &str, title: &str, start: i64| {
        json!({ "title": title, "community": community, "place": "广场",
        "starts_at": local(start), "ends_at": local(start + 120), "roles": [{ "name": "引导员", "places": 3 }] })
    };
    let opened = |v: Value| {
        (
            v["activity"]["id"].as_i64().unwrap(),
            v["roles"][0]["id"].as_i64().unwrap(),
        )
    };
    let (activity_open, role_open) = opened(
        ok(
            app,
            &d,
            Method::POST,
            "/api/v1/activities",
            activity("C", "本辖区活动", 2 * 24 * 60),
        )
        .await,
    );
    let (activity_held, _) = opened(
        ok(
            app,
            &d,
            Method::POST,
            "/api/v1/activities",
            activity("C", "本辖区即将开始的活动", 30),
        )
        .await,
    );
    let (activity_out, role_out) = opened(
        ok(
            app,
            &d,
            Method::POST,
            "/api/v1/activities",
            activity("X", "外辖区活动", 2 * 24 * 60),
        )
        .await,
    );
    let signed = |v: Value| v["mine"]["id"].as_i64().unwrap();
    let signup_held = signed(
        ok(
            app,
            &m,
            Method::POST,
            &format!("/api/v1/activities/{activity_held}/signup"),
            json!({}),
        )
        .await,
    );
    let signup_out = signed(
        ok(
            app,
            &m,
            Method::POST,
            &format!("/api/v1/activities/{activity_out}/signup"),
            json!({}),
        )
        .await,
    );
    let volunteer_in = ok(app, &m, Method::PUT, "/api/v1/volunteers/me", json!({})).await["id"]
        .as_i64()
        .unwrap();
    let room_in = ok(
        app,
        &d,
        Method::POST,
        "/api/v1/rooms",
        json!({ "name": "本辖区活动室", "org": "C", "shared": true }),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    Extra {
        room_in,
        position_in,
        position_out,
        team_in,
        team_out,
        volunteer_in,
        volunteer_out,
        activity_open,
        activity_held,
        role_open,
        signup_held,
        role_out,
        signup_out,
        weak,
        grid_in,
        grid_out,
        unit_in,
        unit_out,
        cases_in,
        case_code_in,
        case_code_out,
        meeting_in,
        wish_in,
        scheme,
        item,
        user_in,
        place_in,
        place_out,
        need_in,
        need_out,
        errand_in,
    }
}

/// Every write operation with a body field that names a record, as the street's
/// administrator (or the role the operation belongs to) would send it in scope.
fn tries(app: &App, x: &Extra) -> Vec<Try> {
    let today = jiceng_domain::clock::today().to_string();
    let now = jiceng_domain::clock::local(jiceng_domain::clock::now());
    let year = chrono::Datelike::year(&jiceng_domain::clock::today());
    let (inside, unit, me) = (app.inside, app.unit_id, app.me);
    let meeting = json!({ "org": "B1", "kind": "themed_day", "held_on": "2025-04-01", "topic": "学习", "position_id": x.position_in,
                          "absent": [format!("{inside}:病假")], "visitors": [me.to_string()], "joint_orgs": ["B2"] });
    let mut correction = meeting.clone();
    correction["joint_orgs"] = json!([]);
    let member = |seq: u32| {
        json!({ "name": "新党员", "id_number": id_number(seq), "org": "B1", "joined_on": "2015-06-01",
                                    "full_on": "2016-06-01", "categories": "在职", "employer_unit": unit, "residence_division": "350302001001" })
    };
    let due = jiceng_domain::clock::local(jiceng_domain::clock::now() + chrono::Duration::days(1))
        .format("%Y-%m-%d %H:%M")
        .to_string();
    let tomorrow = jiceng_domain::clock::today() + chrono::Duration::days(1);
    let room_at = |h: u32| format!("{tomorrow} {h:02}:00");
    let due_end = jiceng_domain::clock::local(
        jiceng_domain::clock::now() + chrono::Duration::days(1) + chrono::Duration::hours(2),
    )
    .format("%Y-%m-%d %H:%M")
    .to_string();
    vec![
        tried(
            "street",
            "POST",
            "/api/v1/needs",
            "",
            json!({ "community": "C", "category": "convenience.haircut", "title": "上门理发", "place_id": x.place_in }),
        ),
        tried(
            "street",
            "POST",
            "/api/v1/resources",
            "",
            json!({ "community": "C", "kind": "venue", "category": "convenience.haircut", "title": "理发室", "capacity": 10, "place_id": x.place_in }),
        ),
        tried(
            "street",
            "POST",
            "/api/v1/positions",
            "",
            json!({ "kind": "micro", "name": "微阵地", "org": "C", "unit_id": x.unit_in, "lon": 119.0, "lat": 25.4, "area_m2": 60 }),
        ),
        tried(
            "street",
            "POST",
            "/api/v1/activities",
            "",
            json!({ "title": "本辖区义诊", "community": "C", "team_id": x.team_in, "position_id": x.position_in, "grid": x.grid_in,
                    "starts_at": due, "ends_at": due_end, "roles": [{ "name": "医生", "places": 2 }] }),
        ),
        tried(
            "member",
            "POST",
            "/api/v1/activities/{id}/signup",
            &x.activity_open.to_string(),
            json!({ "role_id": x.role_open }),
        ),
        tried(
            "street",
            "POST",
            "/api/v1/activities/{id}/attendance",
            &x.activity_held.to_string(),
            json!({ "signup_id": x.signup_held, "checked_in_at": now.format("%Y-%m-%d %H:%M").to_string() }),
        ),
        tried(
            "street",
            "POST",
            "/api/v1/rooms",
            "",
            json!({ "name": "阵地会议室", "org": "C", "position_id": x.position_in, "shared": true }),
        ),
        tried(
            "liaison",
            "POST",
            "/api/v1/rooms",
            "",
            json!({ "name": "单位会议室", "unit_id": unit, "shared": true }),
        ),
        tried(
            "street",
            "POST",
            "/api/v1/rooms/{id}/bookings/preview",
            &x.room_in.to_string(),
            json!({ "org": "C", "purpose": "党员大会", "starts_at": room_at(10), "ends_at": room_at(11) }),
        ),
        tried(
            "street",
            "POST",
            "/api/v1/rooms/{id}/bookings",
            &x.room_in.to_string(),
            json!({ "org": "C", "purpose": "党员大会", "starts_at": room_at(10), "ends_at": room_at(11) }),
        ),
        tried(
            "street",
            "POST",
            "/api/v1/teams",
            "",
            json!({ "name": "本辖区新队", "kind": "elderly", "community": "C", "unit_id": x.unit_in }),
        ),
        tried(
            "street",
            "POST",
            "/api/v1/teams/{id}/members",
            &x.team_in.to_string(),
            json!({ "volunteer_id": x.volunteer_in }),
        ),
        tried(
            "street",
            "PUT",
            "/api/v1/position-standards",
            "",
            json!({ "org": "S", "kind": "centre", "min_area_m2": 600 }),
        ),
        tried(
            "street",
            "POST",
            "/api/v1/problems",
            "",
            json!({ "community": "C", "title": "排水沟堵塞", "owner": "城管局", "due_on": "2026-12-31" }),
        ),
        tried(
            "street",
            "POST",
            "/api/v1/errands",
            "",
            json!({ "community": "C", "kind": "bills", "title": "代缴水费", "due_at": due, "for_whom": "李大爷", "need_id": x.need_in }),
        ),
        tried(
            "street",
            "POST",
            "/api/v1/errands/{id}/moves",
            &x.errand_in.to_string(),
            json!({ "move": "take", "member_id": inside }),
        ),
        tried(
            "street",
            "POST",
            "/api/v1/agreements",
            "",
            json!({ "unit_id": unit, "org": "C", "commitments": [{ "title": "开放停车场", "due_on": today }] }),
        ),
        tried(
            "street",
            "POST",
            "/api/v1/cases/{id}/moves",
            &x.cases_in[0].to_string(),
            json!({ "action": "duplicate", "duplicate_of": x.case_code_in, "departments": [], "community": null }),
        ),
        tried(
            "street",
            "POST",
            "/api/v1/evaluations",
            "",
            json!({ "year": year, "subject": "member", "community": "C", "member": me, "grade": "good" }),
        ),
        tried(
            "street",
            "POST",
            "/api/v1/evaluations",
            "",
            json!({ "year": year, "subject": "unit", "community": "C", "unit": unit, "grade": "good" }),
        ),
        // The unit's side grades the community it registered with: its liaison names both.
        tried(
            "liaison",
            "POST",
            "/api/v1/evaluations",
            "",
            json!({ "year": year, "subject": "community", "community": "C", "unit": unit, "grade": "good" }),
        ),
        tried(
            "street",
            "POST",
            "/api/v1/grid-places",
            "",
            json!({ "kind": "unit", "unit_id": unit, "lon": 119.005, "lat": 25.405 }),
        ),
        tried(
            "street",
            "POST",
            "/api/v1/grid-teams",
            "",
            json!({ "grid": x.grid_in, "role": "volunteer", "name": "志愿者", "member_id": inside }),
        ),
        tried(
            "street",
            "POST",
            "/api/v1/grids",
            "",
            json!({ "community": "C", "number": 2, "branch": "B2", "geometry": square(119.02) }),
        ),
        tried("street", "POST", "/api/v1/meetings", "", meeting.clone()),
        // A correction keeps the meeting's org and joint orgs; any other is refused alike.
        tried(
            "street",
            "PUT",
            "/api/v1/meetings/{id}",
            &x.meeting_in.to_string(),
            correction,
        ),
        tried("street", "POST", "/api/v1/members", "", member(31)),
        tried(
            "street",
            "PUT",
            "/api/v1/members/{id}",
            &inside.to_string(),
            member(11),
        ),
        tried(
            "street",
            "POST",
            "/api/v1/members/{id}/registrations",
            &inside.to_string(),
            json!({ "community": "C", "on": today }),
        ),
        tried(
            "street",
            "POST",
            "/api/v1/members/{id}/transfer",
            &inside.to_string(),
            json!({ "to": "B2" }),
        ),
        tried(
            "street",
            "POST",
            "/api/v1/orgs",
            "",
            json!({ "code": "NEWG", "name": "新小组", "level": "group", "parent": "B2", "division_code": "350302001001" }),
        ),
        tried(
            "street",
            "POST",
            "/api/v1/orgs/{code}/move",
            "G1",
            json!({ "parent": "B2" }),
        ),
        tried(
            "street",
            "POST",
            "/api/v1/orgs/{code}/seats",
            "B2",
            json!({ "position": "委员", "name": "新党员", "member_id": inside, "since": "2024-01-01" }),
        ),
        tried(
            "street",
            "POST",
            "/api/v1/orgs/{code}/seats",
            "C",
            json!({ "position": "委员", "name": "单位代表", "unit_id": unit, "since": "2024-01-01" }),
        ),
        tried(
            "grid",
            "POST",
            "/api/v1/patrols",
            "",
            json!({ "grid": x.grid_in, "started_at": at(now, 60), "ended_at": at(now, 20), "findings": "无" }),
        ),
        tried(
            "street",
            "POST",
            "/api/v1/points/entries",
            "",
            json!({ "scheme": x.scheme, "item": x.item, "member_id": inside, "occurred_on": today, "evidence": "照片" }),
        ),
        tried(
            "street",
            "POST",
            "/api/v1/rectifications",
            "",
            json!({ "org": x.weak, "period": "2025-Q1", "plan": "整改方案" }),
        ),
        tried(
            "street",
            "POST",
            "/api/v1/service-records",
            "",
            json!({ "member_id": me, "community": "C", "hours": 2, "activity": "社区义诊", "served_on": today }),
        ),
        tried(
            "street",
            "POST",
            "/api/v1/units",
            "",
            json!({ "name": "新单位", "category": "机关", "division_code": "350302001001", "org": "U2" }),
        ),
        tried(
            "street",
            "POST",
            "/api/v1/units/{id}/registrations",
            &x.unit_in.to_string(),
            json!({ "community": "C", "on": today }),
        ),
        tried(
            "street",
            "POST",
            "/api/v1/users",
            "",
            json!({ "username": "newworker", "password": "Another-horse-43", "role": "community_worker", "scope": "C" }),
        ),
        tried(
            "street",
            "POST",
            "/api/v1/users",
            "",
            json!({ "username": "newmember", "password": "Another-horse-43", "role": "member", "member_id": inside }),
        ),
        tried(
            "street",
            "POST",
            "/api/v1/users",
            "",
            json!({ "username": "newliaison", "password": "Another-horse-43", "role": "unit_liaison", "unit_id": unit }),
        ),
        tried(
            "street",
            "PUT",
            "/api/v1/users/{id}/role",
            &x.user_in.to_string(),
            json!({ "role": "grid_worker", "scope": "C" }),
        ),
        tried(
            "street",
            "POST",
            "/api/v1/wishes",
            "",
            json!({ "community": "C", "title": "想要轮椅", "resident": "李爷爷" }),
        ),
        tried(
            "street",
            "POST",
            "/api/v1/wishes/{id}/moves",
            &x.wish_in.to_string(),
            json!({ "move": "claim", "member_id": inside }),
        ),
    ]
}

/// The value out of scope and the value of nothing, in the JSON type the base body uses.
fn out_and_missing(app: &App, x: &Extra, names: Names, base: &Value) -> (Value, Value) {
    let (out, missing): (Value, Value) = match names {
        Names::Community => (json!("X"), json!("NOWHERE9")),
        Names::Org => (json!("XB"), json!("NOWHERE9")),
        Names::Member => (json!(app.outside), json!(987654321)),
        Names::Absent => (
            json!(format!("{}:病假", app.outside)),
            json!("987654321:病假"),
        ),
        Names::Unit => (json!(x.unit_out), json!(987654321)),
        Names::Grid => (json!(x.grid_out), json!("NOWHERE9")),
        Names::CaseCode => (json!(x.case_code_out), json!("C000000000000")),
        Names::Need => (json!(x.need_out), json!(987654321)),
        Names::Place => (json!(x.place_out), json!(987654321)),
        Names::Position => (json!(x.position_out), json!(987654321)),
        Names::Team => (json!(x.team_out), json!(987654321)),
        Names::Volunteer => (json!(x.volunteer_out), json!(987654321)),
        Names::Role => (json!(x.role_out), json!(987654321)),
        Names::Signup => (json!(x.signup_out), json!(987654321)),
        Names::Shared | Names::Unscoped | Names::Anywhere => unreachable!(),
    };
    let as_base = |v: Value, like: &Value| match (like, v) {
        (Value::String(_), Value::Number(n)) => json!(n.to_string()),
        (_, v) => v,
    };
    match base {
        Value::Array(a) if a.is_empty() => (json!([out]), json!([missing])),
        Value::Array(a) => (
            json!([as_base(out, &a[0])]),
            json!([as_base(missing, &a[0])]),
        ),
        _ => (as_base(out, base), as_base(missing, base)),
    }
}

/// What names the out-of-scope records, none of which may appear in any answer: their names
/// and the outside member's ID number.
fn secrets() -> [String; 3] {
    ["外辖区".into(), "组织X".into(), id_number(13)]
}

fn key_of(v: &Value) -> String {
    match v {
        Value::Array(a) => key_of(&a[0]),
        Value::String(s) => s.split(':').next().unwrap().to_string(),
        v => v.to_string(),
    }
}

async fn audit_entries(db: &Db) -> i64 {
    let sql = "SELECT COUNT(*) FROM audit_log";
    match db {
        Db::Sqlite(p, _) => sqlx::query_scalar(sql).fetch_one(p).await,
        Db::Pg(p) => sqlx::query_scalar(sql).fetch_one(p).await,
    }
    .unwrap()
}

#[tokio::test]
async fn every_id_in_a_body_out_of_scope_answers_as_missing() {
    let app = app().await;
    let x = extra(&app).await;
    let (_, _, doc) = app
        .call(Method::GET, "/api/v1/openapi.json", &[], None)
        .await;
    let operations = write_operations(&doc);
    let tries = tries(&app, &x);

    // The document and the cases agree: every reference-like field is named, and every
    // operation with a scoped one is tried with each of them.
    let mut untried = Vec::new();
    for ((method, path), fields) in &operations {
        for f in fields.iter().filter(|f| looks_like_a_reference(path, f)) {
            let Some(n) = names(path, f) else {
                panic!(
                    "{method} {path}: the body field {f} looks like a reference; say in names() what it names"
                );
            };
            if matches!(n, Names::Shared | Names::Unscoped | Names::Anywhere) {
                continue;
            }
            let covered = tries
                .iter()
                .any(|t| t.method == method && t.path == path && !t.body[f.as_str()].is_null());
            if !covered {
                untried.push(format!("{method} {path} {f}"));
            }
        }
    }
    assert!(
        untried.is_empty(),
        "body fields naming a record with no case here: {untried:?}"
    );

    let mut sessions: BTreeMap<&str, Session> = BTreeMap::new();
    let mut checked = BTreeSet::new();
    for t in &tries {
        if !sessions.contains_key(t.who) {
            sessions.insert(t.who, app.login(t.who).await);
        }
        let s = &sessions[t.who];
        let method = Method::from_bytes(t.method.as_bytes()).unwrap();
        let before = audit_entries(&app._db.db).await;
        for (field, value) in t.body.as_object().unwrap() {
            let Some(n) = names(t.path, field) else {
                continue;
            };
            if matches!(n, Names::Shared | Names::Unscoped | Names::Anywhere) || value.is_null() {
                continue;
            }
            let (out, missing) = out_and_missing(&app, &x, n, value);
            let mut answers = Vec::new();
            for v in [&out, &missing] {
                let mut body = t.body.clone();
                body[field.as_str()] = v.clone();
                let (st, answer) = app.as_user(s, method.clone(), &t.uri, Some(body)).await;
                let text = answer.to_string();
                for secret in secrets() {
                    assert!(
                        !text.contains(&secret),
                        "{} {} {field}: the answer names the record out of scope ({secret}): {text}",
                        t.method,
                        t.path
                    );
                }
                answers.push((st, crate::routes::normalised(&text, &key_of(v))));
            }
            assert!(
                !answers[0].0.is_success(),
                "{} {} {field} out of scope was accepted: {}",
                t.method,
                t.path,
                answers[0].1
            );
            assert_eq!(
                answers[0], answers[1],
                "{} {} {field}: out of scope and missing answer differently",
                t.method, t.path
            );
            checked.insert(format!("{} {} {field}", t.method, t.path));
        }
        assert_eq!(
            audit_entries(&app._db.db).await,
            before,
            "{} {}: a refused body wrote something",
            t.method,
            t.path
        );
        let (st, answer) = app
            .as_user(s, method.clone(), &t.uri, Some(t.body.clone()))
            .await;
        assert!(
            st.is_success(),
            "{} {}: the body in scope is refused, so its refusals above prove nothing: {answer}",
            t.method,
            t.path
        );
    }
    assert!(checked.len() > 40, "{} fields checked", checked.len());
}
