//! Roles and what each may do. A role is always bound to a scope node of the org tree (or
//! to the whole deployment); the operations layer combines the two.

use crate::Invalid;

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
    }
}

impl Role {
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
        self != Role::Member
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
        assert!(!Role::CommunityWorker.sees_personal_data());
        assert!(Role::DistrictAdmin.rank() < Role::StreetAdmin.rank());
        assert_eq!(Role::parse("网格员").unwrap(), Role::GridWorker);
    }

    #[test]
    fn usernames() {
        assert_eq!(username(" Admin ").unwrap(), "admin");
        assert!(username("1abc").is_err());
        assert!(username("ab").is_err());
    }
}
