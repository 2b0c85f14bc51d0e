//! Who is acting, and what they may do. Every use case takes an actor and asks here before it
//! reads or writes; this is the one place access is decided, so the web UI, the API and the
//! CLI cannot disagree.

use crate::OpsError;
use jiceng_domain::accounts::Duty;
use jiceng_domain::{DivisionCode, Role};
use jiceng_domain::{Label, msg};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// The operator at the server's command line, with full rights over the deployment.
    Operator { name: String },
    /// A signed-in account, bound to a role and a scope.
    User(UserActor),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserActor {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// The path of the scope org; "/" for the whole deployment.
    pub scope_path: String,
    pub scope_code: Option<String>,
    /// The scope org's division code, for records kept by division (units).
    pub scope_division: Option<String>,
    pub member_id: Option<i64>,
    pub unit_id: Option<i64>,
    /// A department handler's department.
    pub department_id: Option<i64>,
    /// Acting through a read-only API token.
    pub read_only: bool,
    /// Signed in with a password that has expired or was reset: until it is changed, the
    /// front doors let this session do nothing else.
    pub must_change_password: bool,
    /// Signed in with a password but not yet with the second factor its account needs: until
    /// then, the front doors let this session give it (or enrol one) and nothing else.
    pub owes_second_factor: bool,
    /// The deployment keeps the three administrator duties apart (三员分立): the district
    /// administrator no longer holds them, each belongs to its own role only.
    pub duties_split: bool,
}

fn outside() -> OpsError {
    OpsError::Forbidden(msg!("超出您的管理范围"))
}

impl Actor {
    /// The command-line operator, named after the OS user so audit entries say who.
    pub fn operator() -> Actor {
        let name = std::env::var("USER").unwrap_or_else(|_| "operator".into());
        Actor::Operator {
            name: format!("cli:{name}"),
        }
    }

    /// The name written into audit entries.
    pub fn audit_name(&self) -> String {
        match self {
            Actor::Operator { name } => name.clone(),
            Actor::User(u) => format!("user:{}", u.username),
        }
    }

    /// The subtree this actor works in: "/" for the whole deployment.
    pub fn scope_path(&self) -> &str {
        match self {
            Actor::Operator { .. } => "/",
            Actor::User(u) => &u.scope_path,
        }
    }

    pub fn role(&self) -> Option<Role> {
        match self {
            Actor::Operator { .. } => None,
            Actor::User(u) => Some(u.role),
        }
    }

    /// Is the org subtree at `path` within this actor's scope (whatever the role may do there)?
    pub(crate) fn in_scope(&self, path: &str) -> bool {
        let scope = self.scope_path();
        scope == "/" || path.starts_with(scope)
    }

    /// May this actor read records within the org subtree at `path`?
    pub fn may_read(&self, path: &str) -> Result<(), OpsError> {
        match self {
            Actor::Operator { .. } => Ok(()),
            Actor::User(u) if u.role.duty().is_some() => Err(OpsError::Forbidden(msg!(
                "{role}不查看业务记录（三员分立）",
                role = Label(u.role.label())
            ))),
            Actor::User(u) if !u.role.reads_records() => Err(OpsError::Forbidden(msg!(
                "{role}只能查看本人档案",
                role = Label(u.role.label())
            ))),
            Actor::User(_) if self.in_scope(path) => Ok(()),
            Actor::User(_) => Err(outside()),
        }
    }

    /// A record at the org subtree `path`, named by a request (`what`, `key`): one the actor
    /// cannot read answers exactly as one that does not exist, so no answer tells that it is
    /// there. Asked before anything else about the record is read or checked.
    pub fn reach(
        &self,
        path: &str,
        what: &'static str,
        key: impl ToString,
    ) -> Result<(), OpsError> {
        if self.may_read(path).is_ok() {
            Ok(())
        } else {
            Err(OpsError::not_found(what, key))
        }
    }

    /// May this actor read the file of member `id` who sits at `path`? Members read their own.
    pub fn may_read_member(&self, id: i64, path: &str) -> Result<(), OpsError> {
        match self {
            Actor::User(u) if u.member_id == Some(id) => Ok(()),
            _ => self.may_read(path),
        }
    }

    /// The grid-worker reach: a grid worker's scope is a grid branch, and they reach up to the
    /// cases and grids of the community it sits in (`path`, never the manual queue's "/").
    /// `writing` asks it for a change, which a read-only token may not make.
    pub fn reaches_as_grid_worker(&self, path: &str, writing: bool) -> bool {
        match self {
            Actor::User(u) if u.role == Role::GridWorker => {
                !(writing && u.read_only) && path != "/" && u.scope_path.starts_with(path)
            }
            _ => false,
        }
    }

    /// Acting through a read-only API token.
    /// Must this session give its second factor before anything else?
    pub fn owes_second_factor(&self) -> bool {
        matches!(self, Actor::User(u) if u.owes_second_factor)
    }

    /// Must this session change its password before anything else?
    pub fn must_change_password(&self) -> bool {
        matches!(self, Actor::User(u) if u.must_change_password)
    }

    pub fn read_only(&self) -> bool {
        matches!(self, Actor::User(u) if u.read_only)
    }

    pub fn is_grid_worker(&self) -> bool {
        self.role() == Some(Role::GridWorker)
    }

    /// Grid work at `path` (patrolling, verifying a case): a grid worker within the reach
    /// above, anyone else with write rights there.
    pub fn may_work_grid(&self, path: &str) -> Result<(), OpsError> {
        if self.reaches_as_grid_worker(path, true) {
            Ok(())
        } else if self.is_grid_worker() && !self.read_only() {
            Err(outside())
        } else {
            self.may_write(path)
        }
    }

    /// May this actor change records within the org subtree at `path`?
    pub fn may_write(&self, path: &str) -> Result<(), OpsError> {
        match self {
            Actor::Operator { .. } => Ok(()),
            Actor::User(u) if u.read_only => Err(OpsError::Forbidden(msg!("只读令牌不能修改数据"))),
            Actor::User(u) if !u.role.writes_records() => Err(OpsError::Forbidden(msg!(
                "{role}不能修改党组织和党员档案",
                role = Label(u.role.label())
            ))),
            Actor::User(_) if self.in_scope(path) => Ok(()),
            Actor::User(_) => Err(outside()),
        }
    }

    fn in_division(&self, code: &str) -> bool {
        match self {
            Actor::Operator { .. } => true,
            Actor::User(u) if u.scope_path == "/" => true,
            Actor::User(u) => match u
                .scope_division
                .as_deref()
                .and_then(|d| DivisionCode::parse(d).ok())
            {
                Some(scope) => code.starts_with(scope.short()),
                None => false,
            },
        }
    }

    /// May this actor read records kept by division (units) at `code`?
    pub fn may_read_division(&self, code: &str) -> Result<(), OpsError> {
        match self {
            Actor::User(u) if !u.role.reads_records() => Err(OpsError::Forbidden(msg!(
                "{role}只能查看本人档案",
                role = Label(u.role.label())
            ))),
            _ if self.in_division(code) => Ok(()),
            _ => Err(outside()),
        }
    }

    /// May this actor read unit `id`, sitting at division `code`? A liaison reads only their
    /// own unit.
    pub fn may_read_unit(&self, id: i64, code: &str) -> Result<(), OpsError> {
        match self {
            Actor::User(u) if u.role == Role::UnitLiaison && u.unit_id != Some(id) => {
                Err(outside())
            }
            _ => self.may_read_division(code),
        }
    }

    /// Whether this actor sees only its own unit among the units.
    pub fn own_unit_only(&self) -> Option<i64> {
        match self {
            Actor::User(u) if u.role == Role::UnitLiaison => u.unit_id,
            _ => None,
        }
    }

    /// May this actor change records kept by division at `code`?
    pub fn may_write_division(&self, code: &str) -> Result<(), OpsError> {
        match self {
            Actor::User(u) if u.read_only => Err(OpsError::Forbidden(msg!("只读令牌不能修改数据"))),
            Actor::User(u) if !u.role.writes_records() => Err(OpsError::Forbidden(msg!(
                "{role}不能修改驻区单位",
                role = Label(u.role.label())
            ))),
            _ if self.in_division(code) => Ok(()),
            _ => Err(outside()),
        }
    }

    /// May this actor see whole ID numbers and phones?
    pub fn may_reveal(&self) -> bool {
        match self {
            Actor::Operator { .. } => true,
            Actor::User(u) => u.role.sees_personal_data(),
        }
    }

    /// Deployment-wide administration: taking in divisions, building the demo, the settings of
    /// the work. The system administrator holds it beside the district administrator.
    pub fn may_administer(&self) -> Result<(), OpsError> {
        match self {
            Actor::Operator { .. } => Ok(()),
            Actor::User(u)
                if !u.read_only
                    && (u.role == Role::SystemAdmin
                        || (u.role == Role::DistrictAdmin && u.scope_path == "/")) =>
            {
                Ok(())
            }
            Actor::User(_) => Err(OpsError::Forbidden(msg!("需要全域管理员权限"))),
        }
    }

    /// May this actor act in an administrator `duty`? Its own duty role may; until the
    /// deployment splits the duties, so may the district administrator of the whole
    /// deployment. A read-only token reads the trails and does nothing else.
    pub fn may_duty(&self, duty: Duty) -> Result<(), OpsError> {
        let refused = || {
            OpsError::Forbidden(msg!(
                "需要{duty}权限（三员分立）",
                duty = Label(duty.label())
            ))
        };
        match self {
            Actor::Operator { .. } => Ok(()),
            Actor::User(u) if u.read_only && duty != Duty::Audit => Err(refused()),
            Actor::User(u) if u.role.duty() == Some(duty) => Ok(()),
            Actor::User(u)
                if !u.duties_split && u.role == Role::DistrictAdmin && u.scope_path == "/" =>
            {
                Ok(())
            }
            Actor::User(_) => Err(refused()),
        }
    }

    /// May this actor create or change an account with `role` at the subtree `path`? The
    /// system administrator manages every business account; once the duties are split, no
    /// business role manages accounts; the duty accounts are the operator's alone.
    pub fn may_manage_account(&self, role: Role, path: &str) -> Result<(), OpsError> {
        match self {
            Actor::Operator { .. } => Ok(()),
            Actor::User(u) if u.read_only => Err(OpsError::Forbidden(msg!("不能管理账号"))),
            Actor::User(_) if role.duty().is_some() => Err(OpsError::Forbidden(msg!(
                "三员账号只能由服务器操作员在命令行建立和管理"
            ))),

            Actor::User(u) if u.role == Role::SystemAdmin => Ok(()),
            Actor::User(u) if u.duties_split || !u.role.manages_accounts() => {
                Err(OpsError::Forbidden(msg!("不能管理账号")))
            }
            Actor::User(u) if role.rank() < u.role.rank() => Err(OpsError::Forbidden(msg!(
                "不能创建比本人权限更高的{role}账号",
                role = Label(role.label())
            ))),
            Actor::User(_) if self.in_scope(path) => Ok(()),
            Actor::User(_) => Err(outside()),
        }
    }

    /// Binds accounts to records anywhere (a scope org, a member, a unit), though it reads
    /// none of them: the system administrator, whose scope is the whole deployment.
    pub fn binds_accounts_anywhere(&self) -> bool {
        matches!(self, Actor::User(u) if u.role == Role::SystemAdmin && !u.read_only)
    }

    /// May this actor change how an account with `role` at `path` is secured: its role and
    /// scope, its second factor, its sessions? The security administrator's duty; before
    /// the split, whoever manages the account.
    pub fn may_secure_account(&self, role: Role, path: &str) -> Result<(), OpsError> {
        match self {
            Actor::Operator { .. } => Ok(()),
            // A duty administrator acts only in its own duty, and on business accounts only:
            // the duty accounts are the operator's.
            Actor::User(u) if u.role.duty().is_some() => {
                self.may_duty(Duty::Security)?;
                if role.duty().is_some() {
                    return Err(OpsError::Forbidden(msg!(
                        "三员账号只能由服务器操作员在命令行建立和管理"
                    )));
                }
                Ok(())
            }
            Actor::User(u) if u.duties_split => self.may_duty(Duty::Security),
            Actor::User(_) => self.may_manage_account(role, path),
        }
    }

    /// May this actor browse the audit trail and the login log? Returns the subtree it may
    /// see. Once the duties are split, only the audit administrator reads them.
    pub fn may_read_audit(&self) -> Result<&str, OpsError> {
        match self {
            Actor::Operator { .. } => Ok("/"),
            Actor::User(u) if u.role == Role::AuditAdmin => Ok("/"),
            Actor::User(u) if u.role.reads_audit() && !u.duties_split => Ok(&u.scope_path),
            Actor::User(_) => Err(OpsError::Forbidden(msg!("不能查看审计日志"))),
        }
    }

    /// The code of the scope org, for a scoped account.
    pub fn scope_code(&self) -> Option<&str> {
        match self {
            Actor::User(u) if u.scope_path != "/" => u.scope_code.as_deref(),
            _ => None,
        }
    }

    /// The division of the scope org, for a scoped account.
    pub fn scope_division(&self) -> Option<&str> {
        match self {
            Actor::User(u) if u.scope_path != "/" => u.scope_division.as_deref(),
            _ => None,
        }
    }

    /// Acts for itself (a member for their own file, a liaison for their own unit), or has
    /// write rights at `path`.
    pub fn may_act_for(
        &self,
        member: Option<i64>,
        unit: Option<i64>,
        path: &str,
    ) -> Result<(), OpsError> {
        let own = match self {
            Actor::User(u) if !u.read_only => {
                (member.is_some() && u.member_id == member) || (unit.is_some() && u.unit_id == unit)
            }
            _ => false,
        };
        if own { Ok(()) } else { self.may_write(path) }
    }

    pub fn member_id(&self) -> Option<i64> {
        match self {
            Actor::User(u) => u.member_id,
            Actor::Operator { .. } => None,
        }
    }

    pub fn department_id(&self) -> Option<i64> {
        match self {
            Actor::User(u) => u.department_id,
            Actor::Operator { .. } => None,
        }
    }

    pub fn unit_id(&self) -> Option<i64> {
        match self {
            Actor::User(u) => u.unit_id,
            Actor::Operator { .. } => None,
        }
    }
}
