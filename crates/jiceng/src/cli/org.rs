//! `jiceng org …`

use super::output::{Out, or_dash};
use clap::{Args, Subcommand};
use jiceng_ops::orgs::{self, ListOrgs, NewOrg, NewSeat, OrgDetail, OrgView};
use jiceng_ops::{Actor, Db, OpsError, Page};

#[derive(Subcommand)]
pub enum OrgCmd {
    /// List orgs, within a subtree, filtered.
    List {
        /// Code of the org whose subtree to list.
        #[arg(long)]
        within: Option<String>,
        #[arg(long)]
        level: Option<String>,
        #[arg(long)]
        category: Option<String>,
        /// Part of the name, or a whole code.
        #[arg(long)]
        text: Option<String>,
        /// Only orgs whose election is due before this date (YYYY-MM-DD).
        #[arg(long)]
        term_due_before: Option<String>,
        #[arg(long, default_value_t = 1)]
        page: i64,
        #[arg(long, default_value_t = 50)]
        per_page: i64,
    },
    /// Show one org with its committee, children and unit.
    Show { code: String },
    /// Add an org.
    Add(AddOrg),
    /// Move an org, with its subtree and members, under another parent.
    Move {
        code: String,
        #[arg(long)]
        to: String,
    },
    /// Delete an org that has no children, members or history.
    Delete { code: String },
    /// Who has registered with a community (双报到): employed members and unit party orgs.
    Registrations {
        code: String,
        /// Include ended registrations.
        #[arg(long)]
        all: bool,
        /// Go on after this position (the last line of the page before says it).
        #[arg(long)]
        after: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// Add a committee seat; --unit makes it a part-time seat from a stationed unit.
    AddSeat {
        org: String,
        #[arg(long)]
        position: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        member: Option<i64>,
        #[arg(long)]
        unit: Option<i64>,
        #[arg(long)]
        since: Option<String>,
    },
}

#[derive(Args)]
pub struct AddOrg {
    #[arg(long)]
    code: String,
    #[arg(long)]
    name: String,
    /// district, street, community, branch, group, household (or the Chinese names).
    #[arg(long)]
    level: String,
    /// regional, grid, compound, unit, temporary, functional.
    #[arg(long)]
    category: Option<String>,
    #[arg(long)]
    parent: Option<String>,
    /// The 12-digit division code where it sits.
    #[arg(long)]
    division: String,
    #[arg(long)]
    founded_on: Option<String>,
    #[arg(long)]
    elected_on: Option<String>,
    /// The project a temporary branch is tied to.
    #[arg(long)]
    project: Option<String>,
    /// The end date of a temporary branch.
    #[arg(long)]
    ends_on: Option<String>,
}

pub fn line(o: &OrgView) -> String {
    let term = match (&o.row.term_due, o.term_overdue) {
        (Some(d), true) => format!("换届已逾期（{d}）"),
        (Some(d), false) => format!("换届 {d}"),
        (None, _) => String::new(),
    };
    format!(
        "{}\t{}\t{}\t{} 名党员\t{}",
        o.row.code, o.level_label, o.row.name, o.row.subtree_member_count, term
    )
}

fn page(p: &Page<OrgView>) -> String {
    if p.items.is_empty() {
        return "没有符合条件的党组织".into();
    }
    let mut s: Vec<String> = p.items.iter().map(line).collect();
    if let Some(n) = &p.next {
        s.push(format!("……还有更多，用 --page {n} 查看下一页"));
    }
    s.join("\n")
}

fn detail(d: &OrgDetail) -> String {
    let o = &d.org.row;
    let mut s = vec![
        format!("{}（{}）", o.name, o.code),
        format!(
            "层级：{}　类别：{}",
            d.org.level_label, d.org.category_label
        ),
        format!(
            "上级：{}",
            d.ancestors
                .iter()
                .map(|a| a.row.name.as_str())
                .collect::<Vec<_>>()
                .join(" › ")
        ),
        format!("行政区划：{}", o.division_code),
        format!(
            "成立日期：{}　换届日期：{}　届期：{}　下次换届：{}{}",
            or_dash(&o.founded_on),
            or_dash(&o.elected_on),
            o.term_years.map_or("—".into(), |y| format!("{y} 年")),
            or_dash(&o.term_due),
            if d.org.term_overdue {
                "（已逾期）"
            } else {
                ""
            }
        ),
        format!(
            "党员：直属 {} 名，含下级共 {} 名",
            o.member_count, o.subtree_member_count
        ),
    ];
    if let Some(p) = &o.project {
        s.push(format!("依托项目：{p}　撤销日期：{}", or_dash(&o.ends_on)));
    }
    if let Some(u) = &d.unit {
        s.push(format!("所属驻区单位：{}（编号 {}）", u.name, u.id));
    }
    if d.registered_members + d.registered_units > 0 {
        s.push(format!(
            "双报到：在职党员 {} 名，单位党组织 {} 个",
            d.registered_members, d.registered_units
        ));
    }
    s.push("委员会：".into());
    if d.committee.is_empty() {
        s.push("  （未登记）".into());
    }
    for seat in &d.committee {
        let pos = seat.position.label();
        let extra = seat
            .unit_name
            .as_ref()
            .map(|u| format!("（兼职委员，{u}）"))
            .unwrap_or_default();
        s.push(format!("  {pos}　{}{extra}", seat.name));
    }
    s.push(format!("下级党组织（{} 个）：", d.children.len()));
    s.extend(d.children.iter().map(|c| format!("  {}", line(c))));
    s.join("\n")
}

pub async fn run(db: &Db, actor: &Actor, cmd: OrgCmd, out: &Out) -> Result<(), OpsError> {
    match cmd {
        OrgCmd::List {
            within,
            level,
            category,
            text,
            term_due_before,
            page: p,
            per_page,
        } => {
            let q = ListOrgs {
                within,
                level,
                category,
                text,
                term_due_before,
                page: Some(p),
                per_page: Some(per_page),
            };
            out.show(&orgs::list(db, actor, q).await?, page);
        }
        OrgCmd::Show { code } => out.show(&orgs::show(db, actor, &code).await?, detail),
        OrgCmd::Add(a) => {
            let new = NewOrg {
                code: Some(a.code),
                name: Some(a.name),
                level: Some(a.level),
                category: a.category,
                parent: a.parent,
                division_code: Some(a.division),
                founded_on: a.founded_on,
                elected_on: a.elected_on,
                project: a.project,
                ends_on: a.ends_on,
            };
            out.show(&orgs::add(db, actor, new).await?, |o| {
                format!("已添加：{}", line(o))
            });
        }
        OrgCmd::Move { code, to } => out.show(&orgs::move_to(db, actor, &code, &to).await?, |o| {
            format!("已移动：{}", line(o))
        }),
        OrgCmd::Delete { code } => {
            orgs::delete(db, actor, &code).await?;
            out.message(
                &format!("已删除党组织 {code}"),
                &serde_json::json!({ "deleted": code }),
            );
        }
        OrgCmd::Registrations {
            code,
            all,
            after,
            limit,
        } => {
            let p = jiceng_ops::registrations::of_community(
                db,
                actor,
                &code,
                !all,
                after.as_deref(),
                limit,
            )
            .await?;
            out.show(&p, |p| {
                if p.items.is_empty() {
                    return "还没有报到记录".into();
                }
                let mut s: Vec<String> = p
                    .items
                    .iter()
                    .map(|r| {
                        let who = match (&r.member_name, &r.unit_name) {
                            (Some(m), _) => format!("在职党员 {m}"),
                            (_, Some(u)) => format!("单位 {u}"),
                            _ => String::new(),
                        };
                        format!(
                            "{}\t{}\t{}{}",
                            r.id,
                            r.registered_on,
                            who,
                            r.ended_on
                                .map(|e| format!("（{e} 结束）"))
                                .unwrap_or_default()
                        )
                    })
                    .collect();
                if let Some(n) = &p.next {
                    s.push(format!("……还有更多，用 --after {n} 查看下一页"));
                }
                s.join("\n")
            });
        }
        OrgCmd::AddSeat {
            org,
            position,
            name,
            member,
            unit,
            since,
        } => {
            let seats = orgs::add_seat(
                db,
                actor,
                &org,
                NewSeat {
                    position: Some(position),
                    name,
                    member_id: member,
                    unit_id: unit,
                    since,
                },
            )
            .await?;
            out.show(&seats, |s| format!("已添加，委员会现有 {} 人", s.len()));
        }
    }
    Ok(())
}
