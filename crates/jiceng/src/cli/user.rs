//! `jiceng user …`

use super::output::Out;
use clap::Subcommand;
use jiceng_ops::accounts::{self, NewUser, UserView};
use jiceng_ops::{Actor, Db, OpsError};

#[derive(Subcommand)]
pub enum UserCmd {
    /// Add an account. `--admin` makes a whole-deployment administrator.
    Add {
        #[arg(long)]
        username: String,
        /// Without it, a random password is generated and printed once.
        #[arg(long, env = "JICENG_PASSWORD")]
        password: Option<String>,
        #[arg(long)]
        admin: bool,
        /// district_admin, street_admin, community_secretary, community_worker, grid_worker,
        /// department_handler, unit_liaison, member, or one of the three administrator duty
        /// roles system_admin, security_admin, audit_admin (or the Chinese names).
        #[arg(long, required_unless_present = "admin")]
        role: Option<String>,
        /// The code of the org the account is bound to.
        #[arg(long)]
        scope: Option<String>,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        member: Option<i64>,
        #[arg(long)]
        unit: Option<i64>,
        /// A department handler's department, by code.
        #[arg(long)]
        department: Option<String>,
    },
    /// List accounts.
    List {
        #[arg(long, default_value_t = 1)]
        page: i64,
        #[arg(long, default_value_t = 50)]
        per_page: i64,
    },
    /// Set a new password for an account and unlock it.
    ResetPassword {
        username: String,
        #[arg(long, env = "JICENG_PASSWORD")]
        password: Option<String>,
    },
    /// Give an account (by its id, as `user list` shows) another role and scope.
    Role {
        id: i64,
        /// The new role (code or Chinese name); the three duty roles are fixed.
        #[arg(long)]
        role: String,
        /// The code of the org the account is bound to.
        #[arg(long)]
        scope: Option<String>,
    },
    /// Show who holds the three administrator duties (三员分立), or split / join them.
    Duties {
        /// Keep the duties apart: the district administrator no longer holds them.
        #[arg(long, conflicts_with = "join")]
        split: bool,
        /// Let the district administrator hold them again.
        #[arg(long)]
        join: bool,
    },
    /// Show the password policy, or change the parts given.
    PasswordPolicy {
        /// Fewest characters (8–64).
        #[arg(long)]
        min_length: Option<u32>,
        /// Kinds of character a password uses at least (3 or 4).
        #[arg(long)]
        classes: Option<u32>,
        /// How many earlier passwords a new one may not repeat (0–24).
        #[arg(long)]
        history: Option<u32>,
        /// Days a password lasts (0–365; 0 for never).
        #[arg(long)]
        max_age_days: Option<u32>,
        /// Whether district and street administrators sign in with a second factor (TOTP).
        #[arg(long)]
        second_factor_for_admins: Option<bool>,
        /// Whether every account signs in with a second factor.
        #[arg(long)]
        second_factor_for_all: Option<bool>,
    },
}

fn line(u: &UserView) -> String {
    format!(
        "{}\t{}\t{}\t{}\t{}{}",
        u.id,
        u.username,
        u.display_name,
        u.role_label,
        u.scope_code.as_deref().unwrap_or("全域"),
        if u.locked {
            "\t已锁定"
        } else if !u.active {
            "\t已停用"
        } else {
            ""
        }
    )
}

fn password_or_new(given: Option<String>) -> (String, bool) {
    match given {
        Some(p) => (p, false),
        // Upper and lower case, digits and a symbol, as the default password policy asks.
        None => (format!("Jc-{}8", accounts::secret(6)), true),
    }
}

pub async fn run(db: &Db, actor: &Actor, cmd: UserCmd, out: &Out) -> Result<(), OpsError> {
    match cmd {
        UserCmd::Add {
            username,
            password,
            admin,
            role,
            scope,
            name,
            member,
            unit,
            department,
        } => {
            let (password, generated) = password_or_new(password);
            let role = if admin {
                Some("district_admin".to_string())
            } else {
                role
            };
            let new = NewUser {
                username: Some(username),
                display_name: name,
                password: Some(password.clone()),
                role,
                scope,
                member_id: member,
                unit_id: unit,
                department,
            };
            let u = accounts::create(db, actor, new).await?;
            out.show(&u, |u| {
                let mut s = format!("已添加账号：{}", line(u));
                if generated {
                    s.push_str(&format!(
                        "\n初始密码：{password}（只显示这一次，请登录后修改）"
                    ));
                }
                s
            });
        }
        UserCmd::List { page, per_page } => {
            let p = accounts::list(db, actor, page, per_page).await?;
            out.show(&p, |p| {
                if p.items.is_empty() {
                    "还没有账号".into()
                } else {
                    p.items.iter().map(line).collect::<Vec<_>>().join("\n")
                }
            });
        }
        UserCmd::ResetPassword { username, password } => {
            let (password, generated) = password_or_new(password);
            accounts::reset_password(db, actor, &username, &password).await?;
            let text = if generated {
                format!("已重置 {username} 的密码：{password}（只显示这一次）")
            } else {
                format!("已重置 {username} 的密码")
            };
            out.message(&text, &serde_json::json!({ "username": username }));
        }
        UserCmd::Role { id, role, scope } => {
            let a = accounts::roles::AssignRole {
                role: Some(role),
                scope,
            };
            let u = accounts::roles::assign(db, actor, id, a).await?;
            out.show(&u, |u| format!("已调整角色：{}", line(u)));
        }
        UserCmd::Duties { split, join } => {
            let d = if split || join {
                accounts::duties::set_split(db, actor, split).await?
            } else {
                accounts::duties::duties(db, actor).await?
            };
            out.show(&d, |d| {
                let mut s = vec![if d.split {
                    "三员分立：已实行（区委组织部管理员不再兼任三员）".to_string()
                } else {
                    "三员分立：未实行（全域的区委组织部管理员兼任三员）".to_string()
                }];
                for h in &d.holders {
                    s.push(format!(
                        "{}	{}	启用账号 {} 个",
                        h.duty_label, h.role_label, h.accounts
                    ));
                }
                s.join("\n")
            });
        }
        UserCmd::PasswordPolicy {
            min_length,
            classes,
            history,
            max_age_days,
            second_factor_for_admins,
            second_factor_for_all,
        } => {
            let mut p = accounts::passwords::policy(db).await?;
            let changing = min_length.is_some()
                || classes.is_some()
                || history.is_some()
                || max_age_days.is_some()
                || second_factor_for_admins.is_some()
                || second_factor_for_all.is_some();
            if changing {
                p.min_length = min_length.unwrap_or(p.min_length);
                p.classes = classes.unwrap_or(p.classes);
                p.history = history.unwrap_or(p.history);
                p.max_age_days = max_age_days.unwrap_or(p.max_age_days);
                p.second_factor_for_admins =
                    second_factor_for_admins.unwrap_or(p.second_factor_for_admins);
                p.second_factor_for_all = second_factor_for_all.unwrap_or(p.second_factor_for_all);
                p = accounts::passwords::set_policy(db, actor, p).await?;
            }
            out.show(&p, |p| p.describe().render(jiceng_domain::msg::Lang::Zh));
        }
    }
    Ok(())
}
