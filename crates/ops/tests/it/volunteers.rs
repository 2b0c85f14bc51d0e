//! Volunteers and teams on SQLite or PostgreSQL: members register themselves, a grid team's
//! volunteer becomes a volunteer (one record, not a second list), teams of a configurable type
//! with a leader and members, each kept in its community's scope.

use crate::common::*;
use jiceng_ops::volunteers::teams::{
    self, ListTeams, NewTeamInput, TeamKindInput, TeamMemberInput,
};
use jiceng_ops::volunteers::{self, ListVolunteers, VolunteerInput};
use jiceng_ops::{OpsError, accounts, grids, members};
use jiceng_store::Backend;
use jiceng_testkit::both;

#[both]
async fn members_and_grid_teams_make_volunteers_who_form_teams(on: Backend) {
    let t = city(on).await;
    let a = actor();
    let worker = account(&t.db, "worker_c", "community_worker", "C", None).await;
    let other = account(&t.db, "worker_c2", "community_worker", "C2", None).await;
    let m = members::add(&t.db, &a, new_member("志愿党员", 31, "B1"))
        .await
        .unwrap()
        .id;
    accounts::create(
        &t.db,
        &a,
        accounts::NewUser {
            username: s("vol_m"),
            password: s(PW),
            role: s("member"),
            member_id: Some(m),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let session = accounts::login(&t.db, "vol_m", PW, "test").await.unwrap();
    let member = accounts::session_actor(&t.db, &session.token)
        .await
        .unwrap()
        .0;

    // A member registers in the community their branch belongs to; a long field is named.
    assert!(volunteers::me(&t.db, &member).await.unwrap().is_none());
    let e = volunteers::register_me(
        &t.db,
        &member,
        VolunteerInput {
            skills: Some("长".repeat(101)),
            availability: None,
        },
    )
    .await
    .unwrap_err();
    assert_eq!(field(&e), "skills", "{e}");
    let me = volunteers::register_me(
        &t.db,
        &member,
        VolunteerInput {
            skills: s("理发"),
            availability: s("周末"),
        },
    )
    .await
    .unwrap();
    assert_eq!(
        (me.community_name.as_str(), me.skills.as_deref()),
        ("测试组织C", Some("理发"))
    );
    assert_eq!(
        me.phone.as_deref(),
        Some("13912345678"),
        "their own number unmasked"
    );
    let seen = volunteers::show(&t.db, &worker, me.id)
        .await
        .unwrap()
        .volunteer;
    assert_eq!(
        seen.phone.as_deref(),
        Some("139****5678"),
        "masked for the worker"
    );
    assert!(matches!(
        volunteers::show(&t.db, &other, me.id).await,
        Err(OpsError::NotFound { .. })
    ));

    // A grid team's volunteer is a volunteer; naming the member already registered adds none.
    let (b1, _) = buildings(&t.db).await;
    let grid_code = texts(
        &t.db,
        &format!(
            "SELECT g.code FROM grids g JOIN grid_places p ON p.grid_id = g.id WHERE p.id = {b1}"
        ),
    )
    .await
    .remove(0);
    let entry = |name: &str, member_id| grids::NewTeamMember {
        grid: s(&grid_code),
        role: s("volunteer"),
        name: s(name),
        phone: s("13900000001"),
        member_id,
    };
    grids::add_team_member(&t.db, &a, entry("网格志愿者", None))
        .await
        .unwrap();
    grids::add_team_member(&t.db, &a, entry("志愿党员", Some(m)))
        .await
        .unwrap();
    assert_eq!(count(&t.db, "SELECT COUNT(*) FROM volunteers").await, 2);
    assert_eq!(
        count(
            &t.db,
            "SELECT COUNT(*) FROM grid_team WHERE role = 'volunteer' AND volunteer_id IS NOT NULL"
        )
        .await,
        2
    );
    let listed = volunteers::list(&t.db, &worker, ListVolunteers::default())
        .await
        .unwrap();
    assert_eq!(listed.items.len(), 2);
    let grid_volunteer = listed
        .items
        .iter()
        .find(|v| v.member_id.is_none())
        .unwrap()
        .id;
    // A name's start finds them, in Chinese too.
    let named = |q: &str| ListVolunteers {
        q: s(q),
        ..Default::default()
    };
    let found = volunteers::list(&t.db, &worker, named("网格"))
        .await
        .unwrap()
        .items;
    assert_eq!(
        found.iter().map(|v| v.id).collect::<Vec<_>>(),
        [grid_volunteer]
    );
    assert!(
        volunteers::list(&t.db, &worker, named("格"))
            .await
            .unwrap()
            .items
            .is_empty()
    );
    assert!(
        volunteers::list(&t.db, &other, ListVolunteers::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );

    // Teams: a type from the list (the seeds' five and two more), in a community.
    assert_eq!(teams::kinds(&t.db).await.unwrap().len(), 7);
    let new = |kind: &str, community: &str| NewTeamInput {
        name: s("红马甲便民服务队"),
        kind: s(kind),
        community: s(community),
        unit_id: None,
    };
    let e = teams::found(&t.db, &worker, new("palace", "C"))
        .await
        .unwrap_err();
    assert_eq!(field(&e), "team_kind", "{e}");
    let e = teams::found(&t.db, &worker, new("convenience", "B1"))
        .await
        .unwrap_err();
    assert_eq!(field(&e), "community", "{e}");
    let e = teams::found(&t.db, &other, new("convenience", "C"))
        .await
        .unwrap_err();
    assert_eq!(field(&e), "community", "beyond reach reads as unknown: {e}");
    let team = teams::found(&t.db, &worker, new("convenience", "C"))
        .await
        .unwrap();
    let join = |v, leader| TeamMemberInput {
        volunteer_id: Some(v),
        leader,
    };
    teams::join(&t.db, &worker, team.id, join(me.id, true))
        .await
        .unwrap();
    let after = teams::join(&t.db, &worker, team.id, join(grid_volunteer, false))
        .await
        .unwrap();
    assert_eq!((after.members, after.leader_id), (2, Some(me.id)));
    let e = teams::join(&t.db, &worker, team.id, join(grid_volunteer, false))
        .await
        .unwrap_err();
    assert_eq!(field(&e), "volunteer_id", "{e}");
    assert!(matches!(
        teams::join(&t.db, &other, team.id, join(me.id, false)).await,
        Err(OpsError::NotFound { .. })
    ));
    // A volunteer of another community is not one of C's team, even for whoever reaches both.
    let street = account(&t.db, "street_s", "street_admin", "S", None).await;
    let elsewhere = teams::found(&t.db, &street, new("relief", "C2"))
        .await
        .unwrap();
    let e = teams::join(&t.db, &street, elsewhere.id, join(me.id, false))
        .await
        .unwrap_err();
    assert_eq!(field(&e), "volunteer_id", "{e}");
    let left = teams::leave(&t.db, &worker, team.id, me.id).await.unwrap();
    assert_eq!((left.members, left.leader_id), (1, None), "the leader left");
    assert_eq!(
        count(
            &t.db,
            &format!(
                "SELECT COUNT(*) FROM team_members WHERE team_id = {}",
                team.id
            )
        )
        .await,
        left.members
    );
    assert_eq!(
        teams::list(&t.db, &worker, ListTeams::default())
            .await
            .unwrap()
            .items
            .len(),
        1
    );

    // Team types are the district administrators' to add.
    let kind = TeamKindInput {
        code: s("fire_safety"),
        name: s("消防宣传"),
    };
    assert!(matches!(
        teams::set_kind(&t.db, &worker, kind.clone()).await,
        Err(OpsError::Forbidden(_))
    ));
    let district = account(&t.db, "district_d", "district_admin", "D", None).await;
    assert_eq!(
        teams::set_kind(&t.db, &district, kind).await.unwrap().len(),
        8
    );
}
