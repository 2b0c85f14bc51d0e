//! Roles and what each may do. A role is always bound to a scope node of the org tree (or
//! to the whole deployment); the operations layer combines the two.

use crate::{Invalid, Label};

labelled_enum! {
    /// What a personal access token may do: read only, or read and write.
    TokenScope, "scope" {
        Read = "read", "只读";
        Write = "write", "读写";
    }
}

labelled_enum! {
    /// What a line of the login log records.
    LoginResult, "result" {
        Success = "success", "登录成功";
        Failure = "failure", "登录失败";
        Locked = "locked", "锁定";
        Logout = "logout", "退出";
    }
}

labelled_enum! {
    Role, "role" {
        DistrictAdmin = "district_admin", "区委组织部管理员";
        StreetAdmin = "street_admin", "街道管理员";
        CommunitySecretary = "community_secretary", "社区书记";
        CommunityWorker = "community_worker", "社区工作者";
        GridWorker = "grid_worker", "网格员";
        DepartmentHandler = "department_handler", "部门办理人";
        UnitLiaison = "unit_liaison", "驻区单位联络员";
        Member = "member", "党员";
        SystemAdmin = "system_admin", "系统管理员";
        SecurityAdmin = "security_admin", "安全管理员";
        AuditAdmin = "audit_admin", "审计管理员";
        Resident = "resident", "居民";
    }
}

/// The business roles, for forms: the duty roles are the server operator's to give, and a
/// resident's account is their own to open with a code.
pub const BUSINESS_ROLES: &[(&str, &str)] = Role::CHOICES.split_at(8).0;

labelled_enum! {
    /// The three administrator duties kept apart (三员分立): accounts and settings; roles,
    /// policies and sessions; reading the trails. Each has its own role, and no account holds
    /// two of them.
    Duty, "duty" {
        System = "system", "系统管理";
        Security = "security", "安全管理";
        Audit = "audit", "安全审计";
    }
}

impl Role {
    /// The administrator duty this role holds, for the three duty roles.
    pub fn duty(self) -> Option<Duty> {
        match self {
            Role::SystemAdmin => Some(Duty::System),
            Role::SecurityAdmin => Some(Duty::Security),
            Role::AuditAdmin => Some(Duty::Audit),
            _ => None,
        }
    }

    /// Whether an account of this role needs a scope org (the whole-deployment roles do not).
    pub fn needs_scope(self) -> bool {
        self != Role::DistrictAdmin && self.duty().is_none()
    }

    /// May change orgs, members, units and 双报到 within the scope.
    pub fn writes_records(self) -> bool {
        matches!(
            self,
            Role::DistrictAdmin
                | Role::StreetAdmin
                | Role::CommunitySecretary
                | Role::CommunityWorker
        )
    }

    /// May read the records within the scope (a member reads only their own file).
    pub fn reads_records(self) -> bool {
        !matches!(self, Role::Member | Role::Resident) && self.duty().is_none()
    }

    /// Needs whole ID numbers and phones for the work: organisers who handle transfers and
    /// elections. Others see them masked.
    pub fn sees_personal_data(self) -> bool {
        matches!(
            self,
            Role::DistrictAdmin | Role::StreetAdmin | Role::CommunitySecretary
        )
    }

    /// May create accounts within the scope, for roles no higher than its own.
    pub fn manages_accounts(self) -> bool {
        matches!(
            self,
            Role::DistrictAdmin | Role::StreetAdmin | Role::CommunitySecretary
        )
    }

    /// May browse the audit trail of the scope.
    pub fn reads_audit(self) -> bool {
        matches!(self, Role::DistrictAdmin | Role::StreetAdmin)
    }

    /// Lower is more powerful.
    pub fn rank(self) -> u8 {
        self as u8
    }
}

/// May an account of role `from` be given `to`? The three duty roles are fixed: no account
/// moves into, out of or between them, so none ever holds two of them.
pub fn role_change(from: Role, to: Role) -> Result<(), Invalid> {
    if from == to {
        return Ok(());
    }
    if from == Role::Resident || to == Role::Resident {
        return Err(Invalid::new(
            "role",
            to.code(),
            msg!("居民账号由本人用手机验证码注册，不能与工作人员账号互改角色"),
        ));
    }
    match (from.duty(), to.duty()) {
        (Some(_), Some(_)) => Err(Invalid::new(
            "role",
            to.code(),
            msg!(
                "三员分立：该账号已是{from}，不能再兼任{to}；请另建账号",
                from = Label(from.label()),
                to = Label(to.label())
            ),
        )),
        (Some(_), None) => Err(Invalid::new(
            "role",
            to.code(),
            msg!(
                "三员分立：{from}账号的角色固定，不能改为业务角色；请停用后另建账号",
                from = Label(from.label())
            ),
        )),
        (None, Some(_)) => Err(Invalid::new(
            "role",
            to.code(),
            msg!(
                "三员分立：业务账号不能改任{to}；三员账号由服务器操作员另行建立",
                to = Label(to.label())
            ),
        )),
        (None, None) => Ok(()),
    }
}

/// A username: 3–32 letters, digits, '_', '.' or '-', starting with a letter.
pub fn username(raw: &str) -> Result<String, Invalid> {
    let t = raw.trim();
    let ok = (3..=32).contains(&t.len())
        && t.starts_with(|c: char| c.is_ascii_alphabetic())
        && t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b));
    if !ok {
        return Err(Invalid::new(
            "username",
            raw,
            msg!("应为 3–32 位字母、数字或 _ . -，以字母开头"),
        ));
    }
    Ok(t.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_rights() {
        assert!(Role::CommunityWorker.writes_records());
        assert!(!Role::GridWorker.writes_records());
        assert!(Role::GridWorker.reads_records());
        assert!(!Role::Member.reads_records());
        for r in [Role::SystemAdmin, Role::SecurityAdmin, Role::AuditAdmin] {
            assert!(r.duty().is_some() && !r.reads_records() && !r.writes_records());
            assert!(!r.needs_scope() && !r.sees_personal_data() && !r.reads_audit());
        }
        assert!(Role::DistrictAdmin.duty().is_none() && Role::StreetAdmin.needs_scope());
        assert!(!Role::CommunityWorker.sees_personal_data());
        assert!(Role::DistrictAdmin.rank() < Role::StreetAdmin.rank());
        assert_eq!(Role::parse("网格员").unwrap(), Role::GridWorker);
    }

    #[test]
    fn forms_offer_the_business_roles_only() {
        assert_eq!(BUSINESS_ROLES.len() + 4, Role::CHOICES.len());
        for (code, _) in BUSINESS_ROLES {
            let role = Role::parse(code).unwrap();
            assert!(role.duty().is_none() && role != Role::Resident, "{code}");
        }
    }

    #[test]
    fn no_account_moves_into_out_of_or_between_the_duties() {
        use Role::*;
        for (from, to, refused) in [
            (SystemAdmin, AuditAdmin, true),
            (AuditAdmin, SecurityAdmin, true),
            (SecurityAdmin, StreetAdmin, true),
            (StreetAdmin, SystemAdmin, true),
            (StreetAdmin, CommunityWorker, false),
            (AuditAdmin, AuditAdmin, false),
            (Member, Resident, true),
            (Resident, CommunityWorker, true),
        ] {
            assert_eq!(role_change(from, to).is_err(), refused, "{from:?} → {to:?}");
        }
        let e = role_change(SystemAdmin, AuditAdmin).unwrap_err();
        assert_eq!(e.field, "role");
    }

    #[test]
    fn usernames() {
        assert_eq!(username(" Admin ").unwrap(), "admin");
        assert!(username("1abc").is_err());
        assert!(username("ab").is_err());
    }
}
