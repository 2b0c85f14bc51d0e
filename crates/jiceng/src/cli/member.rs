//! `jiceng member …`

use super::output::{Out, or_dash};
use clap::{Args, Subcommand};
use jiceng_ops::members::{self, ListMembers, MemberDetail, MemberView, NewMember};
use jiceng_ops::{Actor, Db, OpsError, Page, registrations};

#[derive(Subcommand)]
pub enum MemberCmd {
    /// List members within an org's subtree, a page at a time.
    List {
        /// Code of the org whose subtree to list.
        #[arg(long)]
        within: Option<String>,
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        category: Option<String>,
        #[arg(long)]
        name: Option<String>,
        /// The id of the last member of the previous page.
        #[arg(long)]
        after: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// Show a member's file, history and 双报到.
    Show {
        id: i64,
        /// Show the whole ID number and phone (recorded in the audit trail).
        #[arg(long)]
        reveal: bool,
    },
    /// Add a member.
    Add(AddMember),
    /// Transfer a member to another org (组织关系转接).
    Transfer {
        id: i64,
        #[arg(long)]
        to: String,
        #[arg(long)]
        on: Option<String>,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Register an employed member with their residence community (双报到).
    Register {
        id: i64,
        #[arg(long)]
        community: String,
        #[arg(long)]
        on: Option<String>,
    },
    /// End a 双报到 registration.
    Unregister {
        registration: i64,
        #[arg(long)]
        on: Option<String>,
    },
}

#[derive(Args)]
pub struct AddMember {
    #[arg(long)]
    name: String,
    #[arg(long)]
    id_number: String,
    /// The org's code.
    #[arg(long)]
    org: String,
    #[arg(long)]
    joined_on: String,
    #[arg(long)]
    full_on: Option<String>,
    /// 正式 or 预备 (full / probationary).
    #[arg(long)]
    status: Option<String>,
    #[arg(long)]
    gender: Option<String>,
    #[arg(long)]
    birth_date: Option<String>,
    #[arg(long)]
    ethnicity: Option<String>,
    #[arg(long)]
    phone: Option<String>,
    #[arg(long)]
    education: Option<String>,
    /// Comma-separated: 在职,流动 …
    #[arg(long)]
    categories: Option<String>,
    /// The residence community's 12-digit division code.
    #[arg(long)]
    residence: Option<String>,
    /// The employer unit's id.
    #[arg(long)]
    employer_unit: Option<i64>,
}

pub fn line(m: &MemberView) -> String {
    format!(
        "{}\t{}\t{}\t{}\t{}\t{}\t{}",
        m.id,
        m.name,
        m.gender,
        m.status,
        m.categories.join("、"),
        m.org_name,
        m.id_number
    )
}

fn page(p: &Page<MemberView>) -> String {
    if p.items.is_empty() {
        return "没有符合条件的党员".into();
    }
    let mut s: Vec<String> = p.items.iter().map(line).collect();
    if let Some(t) = p.total {
        s.push(format!("共 {t} 名"));
    }
    if let Some(n) = &p.next {
        s.push(format!("……还有更多，用 --after {n} 查看下一页"));
    }
    s.join("\n")
}

fn detail(d: &MemberDetail) -> String {
    let m = &d.member;
    let mut s = vec![
        format!("{}（编号 {}）", m.name, m.id),
        format!(
            "性别：{}　民族：{}　出生日期：{}　学历：{}",
            m.gender,
            m.ethnicity,
            m.birth_date,
            m.education.unwrap_or("—")
        ),
        format!("身份证号：{}　电话：{}", m.id_number, or_dash(&m.phone)),
        format!(
            "入党日期：{}　转正日期：{}　状态：{}",
            m.joined_on,
            or_dash(&m.full_on),
            m.status
        ),
        format!(
            "类别：{}",
            if m.categories.is_empty() {
                "—".into()
            } else {
                m.categories.join("、")
            }
        ),
        format!("所在党组织：{}（{}）", m.org_name, m.org_code),
        format!(
            "居住社区：{}　工作单位：{}",
            or_dash(&m.residence_division),
            or_dash(&d.employer_unit_name)
        ),
        "组织关系转接：".into(),
    ];
    if d.transfers.is_empty() {
        s.push("  （无）".into());
    }
    for t in &d.transfers {
        s.push(format!(
            "  {} 由 {} 转入 {}{}",
            t.transferred_on,
            t.from_org_name,
            t.to_org_name,
            t.reason
                .as_ref()
                .map(|r| format!("（{r}）"))
                .unwrap_or_default()
        ));
    }
    s.push("双报到：".into());
    if d.registrations.is_empty() {
        s.push("  （无）".into());
    }
    for r in &d.registrations {
        s.push(format!(
            "  {} 到 {} 报到{}（记录 {}）",
            r.registered_on,
            r.community_name,
            r.ended_on
                .map(|e| format!("，{e} 结束"))
                .unwrap_or_default(),
            r.id
        ));
    }
    s.join("\n")
}

pub async fn run(db: &Db, actor: &Actor, cmd: MemberCmd, out: &Out) -> Result<(), OpsError> {
    match cmd {
        MemberCmd::List {
            within,
            status,
            category,
            name,
            after,
            limit,
        } => {
            let q = ListMembers {
                within,
                status,
                category,
                name,
                after,
                limit: Some(limit),
            };
            out.show(&members::list(db, actor, q).await?, page);
        }
        MemberCmd::Show { id, reveal } => {
            out.show(&members::show(db, actor, id, reveal).await?, detail)
        }
        MemberCmd::Add(a) => {
            let new = NewMember {
                name: Some(a.name),
                gender: a.gender,
                ethnicity: a.ethnicity,
                birth_date: a.birth_date,
                id_number: Some(a.id_number),
                phone: a.phone,
                education: a.education,
                joined_on: Some(a.joined_on),
                full_on: a.full_on,
                status: a.status,
                categories: a.categories,
                org: Some(a.org),
                residence_division: a.residence,
                employer_unit: a.employer_unit,
            };
            out.show(&members::add(db, actor, new).await?, |m| {
                format!("已添加：{}", line(m))
            });
        }
        MemberCmd::Transfer { id, to, on, reason } => {
            out.show(
                &members::transfer(db, actor, id, &to, on, reason).await?,
                |m| format!("已转接：{}", line(m)),
            );
        }
        MemberCmd::Register { id, community, on } => {
            let r = registrations::register_member(db, actor, id, &community, on).await?;
            out.show(&r, |r| {
                format!(
                    "已报到：{} 于 {} 到 {}（记录 {}）",
                    r.member_name.as_deref().unwrap_or(""),
                    r.registered_on,
                    r.community_name,
                    r.id
                )
            });
        }
        MemberCmd::Unregister { registration, on } => {
            let r = registrations::end(db, actor, registration, on).await?;
            out.show(&r, |r| {
                format!("已结束报到记录 {}（{}）", r.id, or_dash(&r.ended_on))
            });
        }
    }
    Ok(())
}
