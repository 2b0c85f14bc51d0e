//! Taking sign-ups. One task holds the write side and takes whatever queued while it wrote
//! the last batch (and, once it holds the writer's turn, what else arrives while a burst is
//! still coming in), so a rush shares its transactions instead of queueing one by one on the
//! writer's lock; and a batch is a few statements however many it carries: under that lock it
//! reads the activities and, on a second connection meanwhile, the people signing up (where
//! they belong, their volunteer records), then their sign-ups and no-shows, each with one
//! statement for the lot; then it asks each sign-up the same questions as its actor (does the
//! activity reach them, is it open, which role, a second sign-up, paused for no-shows), counts
//! the places in order (a free place goes to one person only; past the places one waits in
//! line), and writes the volunteers it registers, the roles' counts, the sign-ups and the
//! audit entries.

use super::super::{ActivityDetail, ActivityRole, Signup, detail, no_shows, policy};
use crate::volunteers::{Newcomer, Registered};
use crate::{Actor, OpsError};
use chrono::{DateTime, Utc};
use jiceng_domain::activities::{self as rules, ActivityStatus, Audience, SignupState};
use jiceng_domain::residents::ResidentStatus;
use jiceng_domain::{Invalid, Label, Role, clock, msg};
use jiceng_store::activities::signing::{self, SignerRow};
use jiceng_store::activities::{self as store, ActivityRow, RoleRow};
use jiceng_store::{Db, StoreError, Tx, audit};
use serde::Deserialize;
use std::collections::HashMap;
use tokio::sync::{mpsc, oneshot};

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct SignupInput {
    /// The role; may be left out when the activity has one.
    pub role_id: Option<i64>,
}

/// A sign-up asked for, to be checked and written with its batch.
struct Asked {
    actor: Actor,
    activity: i64,
    role: Option<i64>,
}

impl Asked {
    /// A sign-up the actor may ask for (a member or resident, not through a read-only token).
    fn new(actor: &Actor, activity: i64, input: SignupInput) -> Result<Asked, OpsError> {
        may_ask(actor)?;
        Ok(Asked {
            actor: actor.clone(),
            activity,
            role: input.role_id,
        })
    }

    /// How the batch's reads name the person: a member's id, or a resident's user id.
    fn person(&self) -> Person {
        match (self.actor.role(), &self.actor) {
            (Some(Role::Resident), Actor::User(u)) => Person::Resident(u.id),
            _ => Person::Member(self.actor.member_id().expect("checked before queueing")),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Person {
    Member(i64),
    Resident(i64),
}

/// What only the actor decides, before anything is read.
fn may_ask(actor: &Actor) -> Result<(), OpsError> {
    if !policy::signs_up(actor) {
        return Err(OpsError::Forbidden(msg!("仅党员和居民可报名志愿活动")));
    }
    if actor.read_only() {
        return Err(OpsError::Forbidden(msg!("只读令牌不能修改数据")));
    }
    Ok(())
}

fn closed(id: i64) -> OpsError {
    Invalid::new("activity_id", id, msg!("活动已开始或已结束，不能再报名")).into()
}

fn twice(id: i64, state: SignupState) -> OpsError {
    Invalid::new(
        "activity_id",
        id,
        msg!("您已报名本活动（{state}）", state = Label(state.label())),
    )
    .into()
}

/// Signs the acting member or resident up (registering them as a volunteer if need be): a
/// place if one is free, else the end of the line. Written alone; a [`Desk`] batches.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "sign_up"))]
pub async fn sign_up(
    db: &Db,
    actor: &Actor,
    id: i64,
    input: SignupInput,
) -> Result<ActivityDetail, OpsError> {
    let asked = Asked::new(actor, id, input)?;
    let done = write(db, db.write().await, vec![asked])
        .await
        .pop()
        .expect("one answer a sign-up")?;
    answer(db, actor, done).await
}

/// The batch's answer, and whether the actor reads the community's records: then it is read
/// anew, with the roster.
type Written = (ActivityDetail, bool);

async fn answer(
    db: &Db,
    actor: &Actor,
    (done, reads): Written,
) -> Result<ActivityDetail, OpsError> {
    match reads {
        true => super::super::show(db, actor, done.activity.id).await,
        false => Ok(done),
    }
}

/// Writes a batch in `tx`, a transaction begun for it. When a row of it breaks a constraint,
/// its sign-ups are written one by one, so the one the database refuses fails alone; any other
/// failure (a lost or overloaded database) fails them all at once rather than holding the queue
/// for each.
async fn write(
    db: &Db,
    tx: Result<Tx, StoreError>,
    batch: Vec<Asked>,
) -> Vec<Result<Written, OpsError>> {
    let n = batch.len();
    match write_all(db, tx, &batch).await {
        Ok(answers) => answers,
        Err(e)
            if n > 1
                && matches!(
                    e,
                    OpsError::Store(StoreError::Duplicate(_) | StoreError::Referenced(_))
                ) =>
        {
            tracing::warn!(error = %e, n, "a sign-up batch was refused; writing it one by one");
            let mut out = Vec::with_capacity(n);
            for one in batch {
                out.push(
                    match write_all(db, db.write_batch().await, std::slice::from_ref(&one)).await {
                        Ok(mut a) => a.pop().expect("one answer a sign-up"),
                        Err(e) => Err(e),
                    },
                );
            }
            out
        }
        Err(e) => {
            tracing::warn!(error = %e, n, "a sign-up batch failed");
            let why = e.to_string();
            let mut out = vec![Err(e)];
            out.extend((1..n).map(|_| Err(OpsError::Store(StoreError::Unavailable(why.clone())))));
            out
        }
    }
}

/// What the batch read, for asking each sign-up's questions.
struct Read {
    activities: HashMap<i64, ActivityRow>,
    roles: HashMap<i64, Vec<RoleRow>>,
    people: HashMap<Person, SignerRow>,
    /// Every sign-up of the batch's volunteers for the batch's activities.
    states: HashMap<(i64, i64), SignupState>,
    /// The sign-ups the batch counted so far, by activity and person.
    counted: HashMap<(i64, Person), SignupState>,
    /// The roles' counts as read, to write the steps the batch took.
    before: HashMap<i64, (i64, i64)>,
    no_shows: HashMap<i64, (i64, Option<DateTime<Utc>>)>,
    policies: Vec<(String, i64, i64)>,
}

async fn read(db: &Db, tx: &mut Tx, batch: &[Asked]) -> Result<Read, OpsError> {
    let mut ids: Vec<i64> = batch.iter().map(|a| a.activity).collect();
    ids.sort_unstable();
    ids.dedup();
    let (mut members, mut users) = (Vec::new(), Vec::new());
    for a in batch {
        match a.person() {
            Person::Member(m) => members.push(m),
            Person::Resident(u) => users.push(u),
        }
    }
    // Who signs up is read on a connection of its own while the batch's transaction reads
    // the activities: the writer's turn is held, so no other writer commits in between and
    // both reads see the same state.
    let people_read = async {
        let mut c = db.read().await?;
        let m = signing::members(&mut c, &members).await?;
        let r = signing::residents(&mut c, &users).await?;
        Ok::<_, StoreError>((m, r))
    };
    let activities_read = async {
        let roles = signing::roles_of(tx, &ids).await?;
        let activities = signing::by_ids(tx, &ids).await?;
        let policies = store::no_show_policies(tx).await?;
        Ok::<_, StoreError>((roles, activities, policies))
    };
    let ((m, r), (role_rows, activity_rows, policies)) =
        tokio::try_join!(people_read, activities_read)?;
    let mut people = HashMap::new();
    for p in m {
        people.insert(Person::Member(p.key), p);
    }
    for p in r {
        people.insert(Person::Resident(p.key), p);
    }
    let volunteers: Vec<i64> = people.values().filter_map(|p| p.volunteer_id).collect();
    let since = clock::start_of(rules::quarter_start(clock::today()));
    let mut roles: HashMap<i64, Vec<RoleRow>> = HashMap::new();
    let mut before = HashMap::new();
    for r in role_rows {
        before.insert(r.id, (r.taken, r.waiting));
        roles.entry(r.activity_id).or_default().push(r);
    }
    Ok(Read {
        activities: activity_rows.into_iter().map(|a| (a.id, a)).collect(),
        roles,
        states: signing::states(tx, &ids, &volunteers)
            .await?
            .into_iter()
            .map(|(a, v, s)| ((a, v), s))
            .collect(),
        no_shows: signing::no_shows(tx, &volunteers, since)
            .await?
            .into_iter()
            .map(|(v, n, last)| (v, (n, last)))
            .collect(),
        policies,
        counted: HashMap::new(),
        before,
        people,
    })
}

/// Who signs up: a volunteer, or a member or resident whom signing up registers.
enum Who {
    Volunteer(i64),
    Newcomer(Newcomer),
}

/// A sign-up that passed its questions, counted.
struct Placed {
    who: Who,
    name: String,
    member: bool,
    role: i64,
    state: SignupState,
    line: Option<i64>,
}

/// Asks one sign-up's questions as its actor over what the batch read (and the sign-ups the
/// batch counted before it), and counts it: a free place of its role, else the end of the line.
async fn place(
    tx: &mut Tx,
    asked: &Asked,
    read: &mut Read,
    now: DateTime<Utc>,
) -> Result<Placed, OpsError> {
    let id = asked.activity;
    let missing = || OpsError::not_found("志愿活动", id);
    let a = read.activities.get(&id).ok_or_else(missing)?;
    let me = read.people.get(&asked.person()).ok_or_else(missing)?;
    let held = read
        .counted
        .get(&(id, asked.person()))
        .copied()
        .or_else(|| {
            me.volunteer_id
                .and_then(|v| read.states.get(&(id, v)).copied())
        });
    if !policy::signer_reaches(a, me.district_org_id, held.is_some()) {
        return Err(missing());
    }
    if a.status != ActivityStatus::Published || a.starts_at <= now {
        return Err(closed(id));
    }
    let roles = read.roles.entry(id).or_default();
    let role = match asked.role {
        Some(r) => roles
            .iter()
            .position(|x| x.id == r)
            .ok_or_else(|| Invalid::new("role_id", r, msg!("本活动没有这个岗位")))?,
        None if roles.len() == 1 => 0,
        None => return Err(Invalid::new("role_id", "", msg!("请选择岗位")).into()),
    };
    let who = match me.volunteer_id {
        Some(v) => Who::Volunteer(v),
        None => Who::Newcomer(newcomer(me)?),
    };
    match a.audience {
        Audience::All => {}
        Audience::Members if me.member_id.is_some() => {}
        Audience::Members => return Err(OpsError::Forbidden(msg!("本活动仅限党员志愿者报名"))),
        Audience::Team => {
            let team = a
                .team_id
                .ok_or_else(|| OpsError::internal("a team's activity names no team"))?;
            let joined = match me.volunteer_id {
                Some(v) => jiceng_store::volunteers::in_team(tx, team, v).await?,
                None => false,
            };
            if !joined {
                return Err(OpsError::Forbidden(msg!("本活动仅限本队队员报名")));
            }
        }
    }
    if let Some(s) = held
        && s.live()
    {
        return Err(twice(id, s));
    }
    if let (Some(v), Some(path)) = (me.volunteer_id, &me.volunteer_path)
        && let Some(p) = no_shows::pick(&read.policies, path)
    {
        let (count, last) = read.no_shows.get(&v).copied().unwrap_or_default();
        let today = clock::today();
        if let Some(until) = p.paused_until(count, last.map(|t| clock::local(t).date()), today) {
            return Err(OpsError::Forbidden(msg!(
                "本季度未到场次数已达上限，报名暂停至 {until}",
                until = until
            )));
        }
    }
    let r = &mut roles[role];
    let (state, line) = if r.taken < r.places {
        r.taken += 1;
        (SignupState::Confirmed, None)
    } else {
        r.waiting += 1;
        (SignupState::Waiting, Some(r.waiting))
    };
    Ok(Placed {
        who,
        name: me.volunteer_name.clone().unwrap_or_else(|| me.name.clone()),
        member: me.member_id.is_some(),
        role: r.id,
        state,
        line,
    })
}

/// The member or resident as registering them writes them: a confirmed resident, a member of
/// a branch under a community.
fn newcomer(me: &SignerRow) -> Result<Newcomer, OpsError> {
    if me.resident_id.is_some() && me.resident_status != Some(ResidentStatus::Confirmed) {
        return Err(OpsError::Forbidden(msg!(
            "社区确认您的身份后才能登记为志愿者"
        )));
    }
    let (Some(community_org_id), Some(community_name), Some(org_path)) = (
        me.community_org_id,
        me.community_name.clone(),
        me.community_path.clone(),
    ) else {
        return Err(OpsError::Forbidden(msg!(
            "您所在的党组织不属于任何社区，请到社区登记为志愿者"
        )));
    };
    Ok(Newcomer {
        member_id: me.member_id,
        resident_id: me.resident_id,
        name: me.name.clone(),
        phone: me.phone.clone(),
        community_org_id,
        community_name,
        org_path,
    })
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "write_signups", n = batch.len()))]
async fn write_all(
    db: &Db,
    tx: Result<Tx, StoreError>,
    batch: &[Asked],
) -> Result<Vec<Result<Written, OpsError>>, OpsError> {
    let mut tx = tx?;
    let now = clock::now();
    let mut read = read(db, &mut tx, batch).await?;
    let mut placed = Vec::with_capacity(batch.len());
    for asked in batch {
        let p = place(&mut tx, asked, &mut read, now).await;
        if let Ok(p) = &p {
            read.counted
                .insert((asked.activity, asked.person()), p.state);
        }
        placed.push(p);
    }
    let (volunteers, registered) = register(&mut tx, batch, &placed, now).await?;
    for (role, (taken, waiting)) in read
        .roles
        .values()
        .flatten()
        .map(|r| (r.id, (r.taken, r.waiting)))
    {
        let (was_taken, was_waiting) = read.before[&role];
        if (taken, waiting) != (was_taken, was_waiting) {
            store::count(&mut tx, role, taken - was_taken, waiting - was_waiting).await?;
        }
    }
    let rows: Vec<signing::NewSignup> = batch
        .iter()
        .zip(&placed)
        .zip(&volunteers)
        .filter_map(|((a, p), v)| {
            let again = read.states.contains_key(&(a.activity, *v));
            p.as_ref()
                .ok()
                .map(|p| (a.activity, p.role, *v, p.state, again))
        })
        .collect();
    let ids: HashMap<(i64, i64), i64> = signing::put(&mut tx, &rows)
        .await?
        .into_iter()
        .map(|(id, a, v)| ((a, v), id))
        .collect();
    let by: Vec<String> = batch.iter().map(|a| a.actor.audit_name()).collect();
    let signed: Vec<(usize, String, String, String)> = placed
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.as_ref().ok().map(|p| (i, p)))
        .map(|(i, p)| {
            let (a, v) = (batch[i].activity, volunteers[i]);
            (
                i,
                format!("signup.{}", p.state.code()),
                format!("signup:{}", ids[&(a, v)]),
                format!("activity:{a} role:{} volunteer:{v}", p.role),
            )
        })
        .collect();
    let mut entries: Vec<audit::Entry> = registered.iter().map(Registered::entry).collect();
    entries.extend(signed.iter().map(|(i, op, target, after)| audit::Entry {
        actor: &by[*i],
        operation: op,
        target,
        path: Some(&read.activities[&batch[*i].activity].org_path),
        before: None,
        after: Some(after.clone()),
    }));
    audit::append_many(&mut tx, &entries).await?;
    tx.commit().await?;
    Ok(batch
        .iter()
        .zip(placed)
        .zip(volunteers)
        .map(|((asked, p), v)| {
            let p = p?;
            let roles = &read.roles[&asked.activity];
            let mut row = read.activities[&asked.activity].clone();
            let mine = Signup {
                id: ids[&(row.id, v)],
                activity_id: row.id,
                activity_title: row.title.clone(),
                activity_starts_at: row.starts_at,
                role_id: p.role,
                role_name: roles
                    .iter()
                    .find(|r| r.id == p.role)
                    .expect("counted")
                    .name
                    .clone(),
                volunteer_id: v,
                volunteer_name: p.name,
                member: p.member,
                state: p.state,
                line: p.line,
                offer_until: None,
                checked_in_at: None,
                checked_out_at: None,
                minutes: None,
                no_show: false,
                service_id: None,
            };
            row.places = roles.iter().map(|r| r.places).sum();
            row.taken = roles.iter().map(|r| r.taken).sum();
            row.waiting = roles.iter().map(|r| r.waiting).sum();
            let reads = asked.actor.may_read(&row.org_path).is_ok();
            let roles = roles.iter().cloned().map(ActivityRole::from).collect();
            Ok((
                detail(&asked.actor, row, roles, Some(mine), Vec::new(), now),
                reads,
            ))
        })
        .collect())
}

/// The volunteer of each sign-up (none for one refused), registering the newcomers among them
/// once each, however many of their sign-ups the batch carries; and the registrations' audit
/// entries.
async fn register(
    tx: &mut Tx,
    batch: &[Asked],
    placed: &[Result<Placed, OpsError>],
    now: DateTime<Utc>,
) -> Result<(Vec<i64>, Vec<Registered>), OpsError> {
    let key = |n: &Newcomer| (n.member_id, n.resident_id);
    let mut fresh: Vec<(&Newcomer, &Actor)> = Vec::new();
    for (asked, p) in batch.iter().zip(placed) {
        if let Ok(Placed {
            who: Who::Newcomer(n),
            ..
        }) = p
            && !fresh.iter().any(|(m, _)| key(m) == key(n))
        {
            fresh.push((n, &asked.actor));
        }
    }
    let by: Vec<String> = fresh.iter().map(|(_, a)| a.audit_name()).collect();
    let rows: Vec<_> = fresh
        .iter()
        .zip(&by)
        .map(|((n, _), by)| n.new_row(None, None, by))
        .collect();
    let ids: HashMap<(Option<i64>, Option<i64>), i64> = match rows.is_empty() {
        true => HashMap::new(),
        false => jiceng_store::volunteers::insert_many(tx, &rows, now)
            .await?
            .into_iter()
            .map(|(id, m, r)| ((m, r), id))
            .collect(),
    };
    let registered = fresh
        .iter()
        .zip(&by)
        .map(|((n, actor), by)| n.registered(&n.row(ids[&key(n)], now), actor, by))
        .collect();
    let volunteers = placed
        .iter()
        .map(|p| match p {
            Ok(Placed {
                who: Who::Volunteer(v),
                ..
            }) => *v,
            Ok(Placed {
                who: Who::Newcomer(n),
                ..
            }) => ids[&key(n)],
            Err(_) => 0,
        })
        .collect();
    Ok((volunteers, registered))
}

type Waiting = (Asked, oneshot::Sender<Result<Written, OpsError>>);

/// Takes sign-ups and writes them in batches as they arrive (see the module's note): under
/// load a transaction carries many, when quiet each goes alone after about 100 µs (the wait
/// for the rest of a burst). A sign-up is answered only after its batch commits.
#[derive(Clone)]
pub struct Desk {
    db: Db,
    queue: mpsc::Sender<Waiting>,
}

/// The most sign-ups one transaction carries.
const BATCH: usize = 256;

impl Desk {
    /// Starts the writing task; it ends when every `Desk` clone is dropped.
    pub fn spawn(db: Db) -> Desk {
        let (queue, mut rx) = mpsc::channel::<Waiting>(4 * BATCH);
        let writer = db.clone();
        tokio::spawn(async move {
            while let Some(first) = rx.recv().await {
                // The writer's turn is taken first: what queues meanwhile, and while a
                // burst is still arriving, joins this batch.
                let tx = writer.write_batch().await;
                let mut items = vec![first];
                crate::batching::gather(&mut rx, &mut items, BATCH).await;
                let (batch, replies): (Vec<_>, Vec<_>) = items.into_iter().unzip();
                // Written in a task of its own: a panic fails this batch, not the desk.
                let db = writer.clone();
                let answers = match tokio::spawn(async move { write(&db, tx, batch).await }).await {
                    Ok(answers) => answers,
                    Err(e) => replies
                        .iter()
                        .map(|_| Err(OpsError::internal(format!("a sign-up batch failed: {e}"))))
                        .collect(),
                };
                for (reply, answer) in replies.into_iter().zip(answers) {
                    let _ = reply.send(answer);
                }
            }
        });
        Desk { db, queue }
    }

    /// [`sign_up`], written with whatever else is queued.
    #[tracing::instrument(name = "ops", skip_all, fields(use_case = "sign_up"))]
    pub async fn sign_up(
        &self,
        actor: &Actor,
        id: i64,
        input: SignupInput,
    ) -> Result<ActivityDetail, OpsError> {
        let asked = Asked::new(actor, id, input)?;
        let (reply, written) = oneshot::channel();
        let gone = || OpsError::Store(StoreError::Unavailable("sign-up writer stopped".into()));
        self.queue.send((asked, reply)).await.map_err(|_| gone())?;
        let done = written.await.map_err(|_| gone())??;
        answer(&self.db, actor, done).await
    }
}
