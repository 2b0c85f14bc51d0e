//! Signing in with a code sent to one's mobile. The first sign-in of a number opens the
//! resident's account with the name, community and building they give; later ones only sign
//! in. A code lives five minutes, takes five wrong tries, and is used once; sends are limited
//! per number and per address, wrong codes per address.

use super::{ResidentView, policy};
use crate::accounts::login_log::{self, Client};
use crate::accounts::{digest, secret};
use crate::input::{opt, required};
use crate::{OpsError, throttle};
use jiceng_domain::accounts::LoginResult;
use jiceng_domain::grids::PlaceKind;
use jiceng_domain::residents::{self, CODE_TRIES, CODE_TTL, RESEND_AFTER};
use jiceng_domain::throttle::{CODE_SENDS, CODE_SENDS_FROM, CODE_WRONG_FROM};
use jiceng_domain::{Invalid, OrgCategory, OrgLevel, Role, clock, msg, text};
use jiceng_store::accounts::{self as accounts_store, NewSession, NewUserRow, UserRow};
use jiceng_store::residents::{self as store, NewResident, ResidentRow};
use jiceng_store::{Db, Tx, audit, places};
use serde::{Deserialize, Serialize};

use super::sender::CodeSender;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CodeSent {
    /// The number, masked.
    pub phone: String,
    /// Seconds the code may be used.
    pub expires_in: i64,
    /// Seconds before another code may be asked for.
    pub resend_after: i64,
    /// The code itself, only where the deployment shows codes on the page (the demo).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shown_code: Option<String>,
}

/// What is kept of a code: its hash with the number, never the code.
fn code_hash(phone: &str, code: &str) -> String {
    digest(&format!("{phone}:{code}"))
}

/// Equal strings compared in time that does not depend on where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

/// Sends a sign-in code to `phone`, asked from the address `from`.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "send_code"))]
pub async fn send_code(
    db: &Db,
    sender: &CodeSender,
    phone: &str,
    from: &str,
) -> Result<CodeSent, OpsError> {
    let phone = residents::mobile(phone)?;
    let phone = phone.as_str();
    let to_key = format!("code-to:{phone}");
    let from_key = format!("code-from:{from}");
    let mut random = [0u8; 4];
    getrandom::fill(&mut random).map_err(OpsError::internal)?;
    let code = residents::code_from(u32::from_le_bytes(random));
    let now = clock::now();
    let mut tx = db.write().await?;
    for key in [&to_key, &from_key] {
        if let Some(until) = throttle::waiting(&mut tx, key).await? {
            return Err(throttle::wait_error("phone", until));
        }
    }
    if let Some(last) = store::code_of(&mut tx, phone).await? {
        let wait = (last.sent_at + RESEND_AFTER - now).num_seconds();
        if wait > 0 {
            return Err(Invalid::new(
                "phone",
                jiceng_domain::phone::mask(phone),
                msg!("验证码已发送，请 {seconds} 秒后再获取", seconds = wait),
            )
            .into());
        }
    }
    store::put_code(&mut tx, phone, &code_hash(phone, &code), now + CODE_TTL).await?;
    throttle::fail(&mut tx, &to_key, CODE_SENDS).await?;
    throttle::fail(&mut tx, &from_key, CODE_SENDS_FROM).await?;
    tx.commit().await?;
    // Sent once the code is kept, outside the write lock: the gateway may take seconds. A
    // code that could not be sent is taken back, so the resident may ask again at once.
    match sender.send(phone, &code).await {
        Ok(shown_code) => Ok(CodeSent {
            phone: jiceng_domain::phone::mask(phone),
            expires_in: CODE_TTL.num_seconds(),
            resend_after: RESEND_AFTER.num_seconds(),
            shown_code,
        }),
        Err(e) => {
            let mut tx = db.write().await?;
            store::drop_code(&mut tx, phone).await?;
            tx.commit().await?;
            Err(e)
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct SignInInput {
    pub phone: Option<String>,
    /// The code texted to the phone.
    pub sms_code: Option<String>,
    /// The first sign-in of a number: the resident's name,
    pub name: Option<String>,
    /// their community's org code,
    pub community: Option<String>,
    /// and the building they live in, from the community's mapped buildings (required where
    /// the community has mapped any).
    pub place_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ResidentSession {
    #[serde(skip)]
    pub token: String,
    pub csrf: String,
    pub resident: ResidentView,
    /// This sign-in opened the account.
    pub created: bool,
}

/// One answer for a wrong code, a lapsed one, one voided by wrong tries and none sent: which
/// it was would tell a stranger whether someone asked for a code for that number.
fn refused(code: &str) -> OpsError {
    Invalid::new(
        "sms_code",
        code,
        msg!("验证码不正确或已失效，请核对后重试或重新获取"),
    )
    .into()
}

/// Signs a resident in with the code sent to their phone, opening their account on the
/// first sign-in.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "resident_sign_in"))]
pub async fn sign_in<'a>(
    db: &Db,
    input: SignInInput,
    client: impl Into<Client<'a>>,
) -> Result<ResidentSession, OpsError> {
    let client = client.into();
    let phone = residents::mobile(required("phone", &input.phone)?)?;
    let phone = phone.as_str();
    let code = residents::typed_code(required("sms_code", &input.sms_code)?)?;
    let from_key = format!("code-wrong-from:{}", client.address);
    let shown_as = jiceng_domain::phone::mask(phone);
    let mut tx = db.write().await?;
    if let Some(until) = throttle::waiting(&mut tx, &from_key).await? {
        return Err(throttle::wait_error("sms_code", until));
    }
    let kept = store::code_of(&mut tx, phone)
        .await?
        .filter(|c| c.expires_at > clock::now() && c.wrong_tries < CODE_TRIES);
    if !kept
        .as_ref()
        .is_some_and(|k| same(&k.code_hash, &code_hash(phone, &code)))
    {
        if kept.is_some() {
            store::wrong_try(&mut tx, phone).await?;
        }
        throttle::fail(&mut tx, &from_key, CODE_WRONG_FROM).await?;
        login_log::record(
            &mut tx,
            &shown_as,
            None,
            client,
            LoginResult::Failure,
            Some("验证码错误"),
        )
        .await?;
        tx.commit().await?;
        return Err(refused(&code));
    }
    let (user, row, created) = match store::by_phone(&mut tx, phone).await? {
        Some(row) => {
            let user = accounts_store::by_id(&mut tx, row.user_id)
                .await?
                .ok_or_else(|| OpsError::internal("resident without an account"))?;
            (user, row, false)
        }
        None => {
            let (user, row) = register(&mut tx, phone, &input).await?;
            (user, row, true)
        }
    };
    if !user.active {
        return Err(OpsError::Unauthenticated(msg!("账号已停用")));
    }
    store::drop_code(&mut tx, phone).await?;
    let token = secret(32);
    let csrf = secret(16);
    accounts_store::insert_session(
        &mut tx,
        &NewSession {
            token_hash: &digest(&token),
            user_id: user.id,
            csrf: &csrf,
            must_change: false,
            address: client.address,
            user_agent: &client.agent.chars().take(300).collect::<String>(),
            second_factor: None,
        },
    )
    .await?;
    let who = format!("user:{}", user.username);
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &who,
            operation: if created {
                "resident.register"
            } else {
                "auth.login"
            },
            target: &format!("resident:{}", row.id),
            path: Some(&row.community_path),
            before: None,
            after: None,
        },
    )
    .await?;
    login_log::record(
        &mut tx,
        &user.username,
        Some(&user),
        client,
        LoginResult::Success,
        Some("手机验证码"),
    )
    .await?;
    tx.commit().await?;
    let actor = crate::accounts::user_actor(&user, false, false)?;
    Ok(ResidentSession {
        token,
        csrf,
        resident: policy::shown(&actor, row, false),
        created,
    })
}

/// Opens the account of a number signing in for the first time, from what they give.
async fn register(
    tx: &mut Tx,
    phone: &str,
    input: &SignInInput,
) -> Result<(UserRow, ResidentRow), OpsError> {
    let first = || msg!("首次登录请填写姓名、所在社区和楼栋");
    let name = opt(&input.name).ok_or_else(|| Invalid::new("name", "", first()))?;
    let name = text::name("name", name, 30)?;
    let code = opt(&input.community).ok_or_else(|| Invalid::new("community", "", first()))?;
    let community = crate::orgs::anywhere(tx, "community", code).await?;
    if community.level != OrgLevel::Community || community.category != OrgCategory::Regional {
        return Err(Invalid::new("community", code, msg!("应为社区党组织的代码")).into());
    }
    let buildings: Vec<i64> = places::within(tx, &community.path, super::BUILDINGS)
        .await?
        .into_iter()
        .filter(|p| p.kind == PlaceKind::Building)
        .map(|p| p.id)
        .collect();
    let place_id = match input.place_id {
        Some(id) if buildings.contains(&id) => Some(id),
        Some(id) => {
            return Err(Invalid::new("place_id", id, msg!("不是该社区已登记的楼栋")).into());
        }
        None if buildings.is_empty() => None,
        None => return Err(Invalid::new("place_id", "", msg!("请选择所住楼栋")).into()),
    };
    // No password: the account signs in with codes only, and "!" matches no password.
    let user_id = accounts_store::insert(
        tx,
        &NewUserRow {
            username: format!("r{}", secret(5)),
            display_name: name.clone(),
            password_hash: "!".into(),
            role: Role::Resident,
            scope_org_id: Some(community.id),
            member_id: None,
            unit_id: None,
            department_id: None,
            must_change: false,
            granted: true,
        },
    )
    .await?;
    let id = store::insert(
        tx,
        &NewResident {
            user_id,
            phone,
            name: &name,
            community_org_id: community.id,
            community_path: &community.path,
            place_id,
        },
    )
    .await?;
    let user = accounts_store::by_id(tx, user_id)
        .await?
        .expect("just written");
    let row = store::by_id(tx, id).await?.expect("just written");
    Ok((user, row))
}
