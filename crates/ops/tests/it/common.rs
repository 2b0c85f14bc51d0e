//! A small city for use-case tests: one district, street, community and branch in Putian.

use jiceng_ops::accounts::{self, NewUser};
use jiceng_ops::orgs::{self, NewOrg};
use jiceng_ops::{Actor, Db, OpsError};
use jiceng_store::Backend;
use jiceng_store::testing::TestDb;

pub const COMMUNITY_DIV: &str = "350302001001";
pub const OTHER_COMMUNITY_DIV: &str = "350302001002";

pub fn s(v: &str) -> Option<String> {
    Some(v.to_string())
}

pub fn actor() -> Actor {
    Actor::operator()
}

pub fn new_org(code: &str, level: &str, parent: Option<&str>, division: &str) -> NewOrg {
    NewOrg {
        code: s(code),
        name: Some(format!("测试组织{code}")),
        level: s(level),
        parent: parent.map(str::to_string),
        division_code: s(division),
        ..Default::default()
    }
}

/// D (district) › S (street) › C (community) › B1, B2 (branches); C2 a second community.
pub async fn city(on: Backend) -> TestDb {
    TestDb::fixture("city", on, |db| async move {
        let a = actor();
        for o in [
            new_org("D", "district", None, "350302"),
            new_org("S", "street", Some("D"), "350302001"),
            new_org("C", "community", Some("S"), COMMUNITY_DIV),
            new_org("C2", "community", Some("S"), OTHER_COMMUNITY_DIV),
            NewOrg {
                category: s("grid"),
                ..new_org("B1", "branch", Some("C"), COMMUNITY_DIV)
            },
            NewOrg {
                category: s("compound"),
                ..new_org("B2", "branch", Some("C"), COMMUNITY_DIV)
            },
        ] {
            orgs::add(&db, &a, o).await.expect("seed org");
        }
    })
    .await
}

/// A valid ID number for a birth date and sequence (odd: male).
pub fn id_number(birth: &str, seq: u32) -> String {
    let first17 = format!("350302{}{seq:03}", birth.replace('-', ""));
    let check = jiceng_domain::id_number::check_char(first17.as_bytes()) as char;
    format!("{first17}{check}")
}

pub fn new_member(name: &str, seq: u32, org: &str) -> jiceng_ops::members::NewMember {
    jiceng_ops::members::NewMember {
        name: s(name),
        id_number: Some(id_number("1985-03-04", seq)),
        joined_on: s("2010-07-01"),
        full_on: s("2011-07-01"),
        org: s(org),
        phone: s("13912345678"),
        categories: s("在职"),
        residence_division: s(COMMUNITY_DIV),
        ..Default::default()
    }
}

pub async fn count(db: &Db, sql: &str) -> i64 {
    match db {
        Db::Sqlite(p, _) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
        Db::Pg(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
    }
}

/// Runs a statement as someone with the database but not the application would.
pub async fn execute(db: &Db, sql: &str) {
    match db {
        Db::Sqlite(p, _) => sqlx::query(sql).execute(p).await.map(|_| ()).unwrap(),
        Db::Pg(p) => sqlx::query(sql).execute(p).await.map(|_| ()).unwrap(),
    }
}

/// One column of integers, as someone with the database would read it.
pub async fn ints(db: &Db, sql: &str) -> Vec<i64> {
    match db {
        Db::Sqlite(p, _) => sqlx::query_scalar(sql).fetch_all(p).await.unwrap(),
        Db::Pg(p) => sqlx::query_scalar(sql).fetch_all(p).await.unwrap(),
    }
}

/// One text column, as someone with the database would read it.
pub async fn texts(db: &Db, sql: &str) -> Vec<String> {
    match db {
        Db::Sqlite(p, _) => sqlx::query_scalar(sql).fetch_all(p).await.unwrap(),
        Db::Pg(p) => sqlx::query_scalar(sql).fetch_all(p).await.unwrap(),
    }
}

/// Rows of six integers, as someone with the database would read them.
pub async fn rows6(db: &Db, sql: &str) -> Vec<(i64, i64, i64, i64, i64, i64)> {
    match db {
        Db::Sqlite(p, _) => sqlx::query_as(sql).fetch_all(p).await.unwrap(),
        Db::Pg(p) => sqlx::query_as(sql).fetch_all(p).await.unwrap(),
    }
}

/// The password of the accounts [`account`] makes.
pub const PW: &str = "Correct-horse-42";

/// An account made by the operator and signed in: its actor.
pub async fn account(
    db: &Db,
    name: &str,
    role: &str,
    scope: &str,
    department: Option<&str>,
) -> Actor {
    accounts::create(
        db,
        &actor(),
        NewUser {
            username: s(name),
            password: s(PW),
            role: s(role),
            scope: s(scope),
            department: department.map(str::to_string),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let session = accounts::login(db, name, PW, "test").await.unwrap();
    accounts::session_actor(db, &session.token).await.unwrap().0
}

/// The field an error names.
pub fn field(e: &OpsError) -> &'static str {
    e.body().field.unwrap_or("")
}

/// A resident signed in with a code (shown, as in the demo) on their first sign-in, living in
/// `community` (in `building`, where it has mapped buildings).
pub async fn resident(
    db: &Db,
    phone: &str,
    name: &str,
    community: &str,
    building: Option<i64>,
) -> (Actor, jiceng_ops::residents::ResidentView) {
    use jiceng_ops::residents::{self, CodeSender, SignInInput};
    let shown = CodeSender::Log { shown: true };
    let sent = residents::send_code(db, &shown, phone, "test")
        .await
        .unwrap();
    let session = residents::sign_in(
        db,
        SignInInput {
            phone: s(phone),
            sms_code: sent.shown_code,
            name: s(name),
            community: s(community),
            place_id: building,
        },
        "test",
    )
    .await
    .unwrap();
    let actor = accounts::session_actor(db, &session.token).await.unwrap().0;
    (actor, session.resident)
}

/// A grid in community C with two mapped buildings; their ids.
pub async fn buildings(db: &Db) -> (i64, i64) {
    use jiceng_ops::grids::places::{self, NewPlaceInput};
    use jiceng_ops::grids::{self, NewGridInput};
    let a = actor();
    let square = serde_json::json!({ "type": "Polygon", "coordinates": [[[119.0, 25.4], [119.01, 25.4], [119.01, 25.41], [119.0, 25.41]]] });
    grids::add(
        db,
        &a,
        NewGridInput {
            community: s("C"),
            number: Some(1),
            geometry: Some(square),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let building = |name: &str, lon: f64| NewPlaceInput {
        kind: s("building"),
        name: s(name),
        lon: Some(lon),
        lat: Some(25.405),
        households: Some(20),
        ..Default::default()
    };
    let b1 = places::add(db, &a, building("1号楼", 119.002))
        .await
        .unwrap();
    let b2 = places::add(db, &a, building("2号楼", 119.008))
        .await
        .unwrap();
    (b1.id, b2.id)
}

/// A unit of C with its own party org, and its liaison.
pub async fn liaison(db: &Db) -> Actor {
    use jiceng_ops::units::{self, NewUnit};
    let op = actor();
    orgs::add(
        db,
        &op,
        NewOrg {
            category: s("unit"),
            ..new_org("U1", "branch", Some("C"), COMMUNITY_DIV)
        },
    )
    .await
    .unwrap();
    let unit = units::add(
        db,
        &op,
        NewUnit {
            name: s("莆田理发学校"),
            category: s("事业单位"),
            division_code: s(COMMUNITY_DIV),
            org: s("U1"),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    accounts_with_unit(db, "liaison_u1", unit.row.id).await
}

pub async fn accounts_with_unit(db: &Db, name: &str, unit: i64) -> Actor {
    accounts::create(
        db,
        &actor(),
        NewUser {
            username: s(name),
            password: s(PW),
            role: s("unit_liaison"),
            unit_id: Some(unit),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let session = accounts::login(db, name, PW, "test").await.unwrap();
    accounts::session_actor(db, &session.token).await.unwrap().0
}

/// `n` party members of B1, written in bulk and acting as themselves without accounts (no
/// password to hash): many people at once, for the concurrency tests.
pub async fn many_members(db: &Db, n: usize) -> Vec<Actor> {
    use jiceng_domain::{Gender, MemberStatus};
    use jiceng_store::members::MemberFields;
    let mut tx = db.write().await.unwrap();
    let org = jiceng_store::orgs::by_code(&mut tx, "B1")
        .await
        .unwrap()
        .unwrap();
    let day = chrono::NaiveDate::from_ymd_opt(1980, 1, 1).unwrap();
    let rows: Vec<(i64, i64, &str, MemberFields)> = (0..n)
        .map(|i| {
            let birth = (day + chrono::Duration::days((i / 900) as i64)).to_string();
            (
                1_000_000 + i as i64,
                org.id,
                org.path.as_str(),
                MemberFields {
                    name: format!("志愿者{i}"),
                    gender: Gender::Male,
                    ethnicity: "汉族".into(),
                    birth_date: day,
                    id_number: id_number(&birth, (i % 900) as u32 + 1),
                    phone: None,
                    education: None,
                    joined_on: day,
                    full_on: None,
                    status: MemberStatus::Full,
                    categories: 0,
                    residence_division: None,
                    employer_unit_id: None,
                },
            )
        })
        .collect();
    jiceng_store::members::insert_many(&mut tx, &rows)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    rows.iter()
        .map(|(id, _, path, f)| {
            Actor::User(jiceng_ops::UserActor {
                id: *id,
                username: format!("m{id}"),
                display_name: f.name.clone(),
                role: jiceng_domain::Role::Member,
                scope_path: path.to_string(),
                scope_code: None,
                scope_division: None,
                member_id: Some(*id),
                unit_id: None,
                department_id: None,
                read_only: false,
                must_change_password: false,
                owes_second_factor: false,
                duties_split: false,
            })
        })
        .collect()
}
