//! Intake (受理): a case comes in from any channel, is located to a grid, community and
//! street, and is registered (立案) at once when its category is known. A case no grid holds
//! is routed by the community named with it, or waits in the manual queue: never dropped.

use super::photos::{self, Shrunk, Upload};
use super::views::Case;
use super::{settings, stats};
use crate::grids;
use crate::input::{opt, required};
use crate::orgs::anywhere;
use crate::{Actor, OpsError};
use jiceng_domain::cases::{CaseStatus, Channel, Routing, Urgency};
use jiceng_domain::clock;
use jiceng_domain::{Invalid, OrgLevel, Phone, Role, msg, text};
use jiceng_store::cases::{self as store, CaseRow, StepSeed};
use jiceng_store::{Db, StoreError, Tx, audit, orgs};
use serde::Deserialize;
use std::path::Path;
use tokio::sync::{mpsc, oneshot};

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewCase {
    pub channel: Option<String>,
    /// A 小类 code of the classification; without one the case waits to be registered.
    pub category: Option<String>,
    pub urgency: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub address: Option<String>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    /// The coordinates' system: wgs84 (phones; the default) or gcj02 (Chinese web maps and
    /// the systems built on them), converted to WGS-84.
    pub crs: Option<String>,
    /// The community org's code, when the location is given as an address.
    pub community: Option<String>,
    pub reporter_name: Option<String>,
    pub reporter_phone: Option<String>,
    /// The same key sent twice is one case: the second is refused, naming the first.
    pub idempotency_key: Option<String>,
    /// The reporter lets the case's photos show on the public tracking page.
    pub photos_public: Option<bool>,
}

/// Who may take cases in: dispatchers, grid workers and members reporting as residents.
fn may_take_in(actor: &Actor) -> Result<(), OpsError> {
    match actor {
        Actor::User(u) if u.read_only => Err(OpsError::Forbidden(msg!("只读令牌不能修改数据"))),
        Actor::User(u) if matches!(u.role, Role::DepartmentHandler | Role::UnitLiaison) => {
            Err(OpsError::Forbidden(msg!(
                "{role}不能受理案件",
                role = jiceng_domain::Label(u.role.label())
            )))
        }
        _ => Ok(()),
    }
}

/// A tracking code residents can read out on the phone: date and six letters or digits.
pub fn tracking_code() -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    let mut buf = [0u8; 6];
    getrandom::fill(&mut buf).expect("the OS random source works");
    let tail: String = buf
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect();
    let day = clock::local(clock::now()).format("%y%m%d");
    format!("C{day}{tail}")
}

/// Where a case belongs: its grid, community and street, and how that was decided.
pub(crate) struct Route {
    pub routed: Routing,
    pub grid_id: Option<i64>,
    pub community_org_id: Option<i64>,
    pub street_org_id: Option<i64>,
    /// The district at the root of the community's path.
    pub district_org_id: Option<i64>,
    pub path: String,
}

pub(crate) async fn route(
    tx: &mut Tx,
    point: Option<(f64, f64)>,
    community: Option<&str>,
) -> Result<Route, OpsError> {
    let (routed, grid_id, org) = match point {
        Some((lon, lat)) => match grids::locate(tx, lon, lat).await? {
            Some(g) => (
                Routing::Grid,
                Some(g.id),
                orgs::by_id(tx, g.community_org_id).await?,
            ),
            None => (Routing::Manual, None, None),
        },
        None => (Routing::Manual, None, None),
    };
    let (routed, org) = match (org, community) {
        (Some(o), _) => (routed, Some(o)),
        (None, Some(code)) => {
            let o = anywhere(tx, "community", code).await?;
            if o.level != OrgLevel::Community {
                return Err(Invalid::new("community", code, msg!("应为社区党组织的代码")).into());
            }
            (Routing::Address, Some(o))
        }
        (None, None) => (Routing::Manual, None),
    };
    let street = match org.as_ref().and_then(|o| o.parent_id) {
        Some(p) => orgs::by_id(tx, p)
            .await?
            .filter(|s| s.level == OrgLevel::Street)
            .map(|s| s.id),
        None => None,
    };
    Ok(Route {
        routed,
        grid_id,
        street_org_id: street,
        district_org_id: org.as_ref().and_then(|o| {
            jiceng_domain::OrgPath(o.path.clone())
                .ids()
                .first()
                .copied()
        }),
        community_org_id: org.as_ref().map(|o| o.id),
        path: org.map_or_else(|| "/".to_string(), |o| o.path),
    })
}

/// The month a case counts in for the rates: when it was received, in Shanghai.
pub fn month_of(c: &CaseRow) -> i64 {
    clock::month_key(c.received_at)
}

/// An idempotency key is the sender's own: it is kept with the sender's name before it, so
/// one sender's key never meets another's case.
fn stored_key(actor: &Actor, key: &str) -> String {
    format!("{}{KEY_SEPARATOR}{key}", actor.audit_name())
}

const KEY_SEPARATOR: char = '\u{1f}';

/// The key as its sender gave it.
fn sent_key(stored: &str) -> &str {
    stored.split_once(KEY_SEPARATOR).map_or(stored, |(_, k)| k)
}

/// Refuses a key (as stored) the same sender already used, naming the case it made.
async fn refuse_repeat(tx: &mut Tx, key: &str) -> Result<(), OpsError> {
    match store::by_key(tx, key).await? {
        Some(first) => Err(OpsError::conflict(
            "idempotency_key",
            sent_key(key),
            msg!("这次提交已受理，案件编号 {code}", code = &first.code),
        )),
        None => Ok(()),
    }
}

/// A case checked, classified and routed, ready to be written.
#[derive(Clone)]
pub struct Prepared {
    row: CaseRow,
    registered: bool,
    /// The reporter's rating secret, kept as a digest and shown once, in the intake's answer.
    secret: String,
    photos: Vec<Shrunk>,
    photos_public: bool,
}

/// Checks and places a new case: everything that only reads, before any write lock.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "prepare"))]
pub async fn prepare(db: &Db, actor: &Actor, new: NewCase) -> Result<Prepared, OpsError> {
    may_take_in(actor)?;
    let own = super::policy::channel_for(actor);
    let channel = match opt(&new.channel) {
        Some(raw) => {
            let c = Channel::parse(raw)?;
            if super::policy::channel_fixed(actor) && c != own {
                return Err(Invalid::new(
                    "channel",
                    raw,
                    msg!(
                        "本角色上报的案件渠道为{channel}",
                        channel = jiceng_domain::Label(own.label())
                    ),
                )
                .into());
            }
            c
        }
        None => own,
    };
    let urgency = opt(&new.urgency)
        .map(Urgency::parse)
        .transpose()?
        .unwrap_or(Urgency::Normal);
    let title = text::name("title", required("title", &new.title)?, 100)?;
    let description = opt(&new.description)
        .map(|d| text::long("description", d, 4000))
        .transpose()?;
    let address = opt(&new.address)
        .map(|a| text::name("address", a, 200))
        .transpose()?;
    let reporter_name = opt(&new.reporter_name)
        .map(|n| text::name("reporter_name", n, 40))
        .transpose()?;
    let reporter_phone = opt(&new.reporter_phone)
        .map(|p| Phone::parse(p).map(|p| p.as_str().to_string()))
        .transpose()?;
    let key = opt(&new.idempotency_key).map(str::to_string);
    if key.as_ref().is_some_and(|k| k.len() > 64) {
        return Err(Invalid::new(
            "idempotency_key",
            key.unwrap_or_default(),
            msg!("不能超过 64 个字符"),
        )
        .into());
    }
    let point = match (new.lon, new.lat) {
        (Some(lon), Some(lat))
            if (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat) =>
        {
            Some(crate::grids::datum(&new.crs)?.to_wgs84((lon, lat)))
        }
        (None, None) => None,
        (lon, lat) => {
            return Err(Invalid::new(
                "location",
                format!(
                    "{},{}",
                    lon.map_or("—".into(), |x| x.to_string()),
                    lat.map_or("—".into(), |x| x.to_string())
                ),
                msg!("经纬度应成对给出且在有效范围内"),
            )
            .into());
        }
    };
    // Everything that only reads happens before the write lock, which SQLite gives to one
    // writer at a time; the unique key still guards against a race between two sends.
    let key = key.map(|k| stored_key(actor, &k));
    let mut rx = db.read().await?;
    if let Some(k) = &key {
        refuse_repeat(&mut rx, k).await?;
    }
    let classification = settings::classification_in(&mut rx).await?;
    let category = match opt(&new.category) {
        Some(c) => {
            let (leaf, top) = classification.leaf(c)?;
            Some((leaf.code.clone(), top.code.clone()))
        }
        None => None,
    };
    let r = route(&mut rx, point, opt(&new.community)).await?;
    drop(rx);
    let now = clock::now();
    let registered = category.is_some() && r.routed != Routing::Manual;
    let row = CaseRow {
        code: tracking_code(),
        idempotency_key: key,
        channel,
        category: category.as_ref().map(|c| c.0.clone()),
        category_top: category.as_ref().map(|c| c.1.clone()),
        urgency,
        status: if registered {
            CaseStatus::Registered
        } else {
            CaseStatus::Received
        },
        title,
        description,
        address,
        lon: point.map(|p| p.0),
        lat: point.map(|p| p.1),
        routed: r.routed,
        grid_id: r.grid_id,
        community_org_id: r.community_org_id,
        street_org_id: r.street_org_id,
        district_org_id: r.district_org_id,
        org_path: r.path,
        reporter_name,
        reporter_phone,
        received_at: now,
        registered_at: registered.then_some(now),
        created_by: actor.audit_name(),
        ..CaseRow::default()
    };

    Ok(Prepared {
        row,
        registered,
        secret: super::rating::fresh(),
        photos: Vec::new(),
        photos_public: new.photos_public.unwrap_or(false),
    })
}

/// Takes one case in; returns it with its reporter masked.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "take_in"))]
pub async fn take_in(db: &Db, actor: &Actor, new: NewCase) -> Result<Case, OpsError> {
    let p = prepare(db, actor, new).await?;
    let secret = p.secret.clone();
    write(db, vec![p], tracking_code)
        .await
        .pop()
        .expect("one result per case")
        .map(|row| receipt(row, secret))
}

/// Takes one case in with the photos taken at intake, kept under `files` in the case's own
/// transaction: the case and its photos are written together or not at all.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "take_in"))]
pub async fn take_in_with_photos(
    db: &Db,
    actor: &Actor,
    files: &Path,
    new: NewCase,
    uploads: Vec<Upload>,
) -> Result<Case, OpsError> {
    let mut p = prepare(db, actor, new).await?;
    p.photos = photos::prepare(None, uploads).await?;
    let secret = p.secret.clone();
    let row = write_one(db, p, tracking_code, Some(files)).await?;
    Ok(receipt(row, secret))
}

/// The case as its intake answers it: the reporter masked, and the rating secret, which
/// nothing else ever shows.
fn receipt(row: CaseRow, secret: String) -> Case {
    Case {
        rating_secret: Some(secret),
        ..super::views::masked(row)
    }
}

/// Writes prepared cases in one transaction: their rows, steps, counts and audit entries, a
/// few statements for the lot. When the batch fails, its cases are written one by one, so one
/// bad case (a key sent twice at once, a row the database refuses) fails alone; a lost
/// database fails them all, and nothing is written.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "write"))]
async fn write(db: &Db, batch: Vec<Prepared>, draw: Draw) -> Vec<Result<CaseRow, OpsError>> {
    let n = batch.len();
    let keep = batch.clone();
    match write_all(db, batch, None).await {
        Ok(results) => results,
        Err(e) if e.is_unavailable() => {
            let why = e.to_string();
            (0..n)
                .map(|_| Err(OpsError::Store(StoreError::Unavailable(why.clone()))))
                .collect()
        }
        Err(_) if n > 1 => {
            let mut out = Vec::with_capacity(n);
            for one in keep {
                out.push(write_one(db, one, draw, None).await);
            }
            out
        }
        Err(e) => match keep.into_iter().next() {
            Some(one) if matches!(e, OpsError::Store(StoreError::Duplicate(_))) => {
                write_one(db, one, draw, None).await
            }
            _ => Err(e),
        }
        .map_or_else(|e| vec![Err(e)], |row| vec![Ok(row)]),
    }
}

/// Writes one case alone. A unique key it breaks is its idempotency key sent twice (refused,
/// naming the first case) or its tracking code drawn twice (drawn again, a few times).
async fn write_one(
    db: &Db,
    mut p: Prepared,
    draw: Draw,
    files: Option<&Path>,
) -> Result<CaseRow, OpsError> {
    for _ in 0..3 {
        match write_all(db, vec![p.clone()], files).await {
            Ok(mut results) => return results.pop().expect("one result per case"),
            Err(OpsError::Store(StoreError::Duplicate(_))) => {
                if let Some(key) = &p.row.idempotency_key {
                    refuse_repeat(&mut db.read().await?, key).await?;
                }
                p.row.code = draw();
            }
            Err(e) => return Err(e),
        }
    }
    Err(OpsError::internal(
        "three tracking codes drawn in a row were taken",
    ))
}

/// Writes prepared cases in one transaction; photos (which only single cases carry) are kept
/// under `files`, and their files removed again unless the transaction commits.
async fn write_all(
    db: &Db,
    batch: Vec<Prepared>,
    files: Option<&Path>,
) -> Result<Vec<Result<CaseRow, OpsError>>, OpsError> {
    let mut written = photos::Written::default();
    let mut tx = db.write().await?;
    let out = write_in(&mut tx, batch, files, &mut written).await?;
    tx.commit().await?;
    written.keep();
    Ok(out)
}

/// Writes prepared cases within the caller's transaction.
pub(crate) async fn write_in(
    tx: &mut Tx,
    batch: Vec<Prepared>,
    files: Option<&Path>,
    written: &mut photos::Written,
) -> Result<Vec<Result<CaseRow, OpsError>>, OpsError> {
    // Keys were checked before the lock; this catches the same key twice in one batch.
    let mut seen: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    let mut slots: Vec<Result<usize, OpsError>> = Vec::with_capacity(batch.len());
    let mut rows: Vec<CaseRow> = Vec::new();
    let mut registered = Vec::new();
    let mut secrets = Vec::new();
    let mut pictures = Vec::new();
    for p in batch {
        if let Some(k) = &p.row.idempotency_key {
            if let Some(code) = seen.get(k) {
                slots.push(Err(OpsError::conflict(
                    "idempotency_key",
                    sent_key(k),
                    msg!("这次提交已受理，案件编号 {code}", code = code),
                )));
                continue;
            }
            seen.insert(k.clone(), p.row.code.clone());
        }
        slots.push(Ok(rows.len()));
        registered.push(p.registered);
        secrets.push(super::rating::digest(&p.secret));
        pictures.push((p.photos, p.photos_public));
        rows.push(p.row);
    }
    let ids: std::collections::HashMap<String, i64> =
        store::insert_new(tx, &rows).await?.into_iter().collect();
    let mut steps: Vec<StepSeed> = Vec::new();
    for (row, reg) in rows.iter_mut().zip(&registered) {
        row.id = ids[&row.code];
        steps.push((
            row.id,
            "intake",
            row.created_by.clone(),
            row.received_at,
            None,
            None,
        ));
        if *reg {
            steps.push((
                row.id,
                "register",
                row.created_by.clone(),
                row.received_at,
                None,
                None,
            ));
        }
    }
    let counted: Vec<&CaseRow> = rows
        .iter()
        .zip(&registered)
        .filter(|(_, r)| **r)
        .map(|(c, _)| c)
        .collect();
    store::add_steps(tx, &steps).await?;
    for category in rows.iter().filter_map(|r| r.category.as_deref()) {
        store::category_uses::bump(tx, category, 1).await?;
    }
    for (row, (shrunk, public)) in rows.iter().zip(&pictures) {
        if *public {
            store::photos::consent(tx, row.id).await?;
        }
        if shrunk.is_empty() {
            continue;
        }
        let Some(files) = files else {
            return Err(OpsError::internal(
                "photos sent without a place to keep them",
            ));
        };
        photos::keep(
            tx,
            files,
            row.id,
            &row.created_by,
            row.received_at,
            shrunk,
            written,
        )
        .await?;
    }
    let rating: Vec<(i64, String)> = rows.iter().map(|r| r.id).zip(secrets).collect();
    store::insert_rating_secrets(tx, &rating).await?;
    stats::bump_received(tx, &counted).await?;
    let targets: Vec<String> = rows.iter().map(|r| format!("case:{}", r.id)).collect();
    let entries: Vec<audit::Entry> = rows
        .iter()
        .zip(&targets)
        .map(|(r, t)| audit::Entry {
            actor: &r.created_by,
            operation: "case.intake",
            target: t,
            path: Some(&r.org_path),
            before: None,
            after: serde_json::to_string(r).ok(),
        })
        .collect();
    audit::append_many(tx, &entries).await?;
    Ok(slots
        .into_iter()
        .map(|s| s.map(|i| rows[i].clone()))
        .collect())
}

type Waiting = (Prepared, oneshot::Sender<Result<CaseRow, OpsError>>);

/// Writes cases in batches as they arrive: one task holds the write side and takes whatever
/// has queued while it wrote the last batch, so under load a commit carries many cases and
/// when quiet each goes alone at once. A case is answered only after its batch commits.
#[derive(Clone)]
pub struct Batcher {
    queue: mpsc::Sender<Waiting>,
    draw: Draw,
}

/// The most cases one transaction carries.
const BATCH: usize = 256;

/// Draws a tracking code.
pub type Draw = fn() -> String;

impl Batcher {
    /// Starts the writing task; it ends when every `Batcher` clone is dropped.
    pub fn spawn(db: Db) -> Batcher {
        Batcher::drawing(db, tracking_code)
    }

    /// Starts the writing task with its own source of tracking codes, which it draws again
    /// when a code is taken.
    pub fn drawing(db: Db, draw: Draw) -> Batcher {
        let (queue, mut rx) = mpsc::channel::<Waiting>(4 * BATCH);
        tokio::spawn(async move {
            while let Some(items) = crate::batching::next(&mut rx, BATCH).await {
                let (batch, replies): (Vec<_>, Vec<_>) = items.into_iter().unzip();
                let results = write(&db, batch, draw).await;
                for (reply, result) in replies.into_iter().zip(results) {
                    let _ = reply.send(result);
                }
            }
        });
        Batcher { queue, draw }
    }

    #[tracing::instrument(name = "ops", skip_all, fields(use_case = "take_in"))]
    pub async fn take_in(&self, db: &Db, actor: &Actor, new: NewCase) -> Result<Case, OpsError> {
        let mut p = prepare(db, actor, new).await?;
        p.row.code = (self.draw)();
        let secret = p.secret.clone();
        let (reply, answer) = oneshot::channel();
        let gone = || OpsError::Store(StoreError::Unavailable("intake writer stopped".into()));
        self.queue.send((p, reply)).await.map_err(|_| gone())?;
        answer
            .await
            .map_err(|_| gone())?
            .map(|row| receipt(row, secret))
    }
}
