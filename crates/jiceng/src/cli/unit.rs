//! `jiceng unit …` and `jiceng division …`

use super::output::{Out, or_dash};
use clap::Subcommand;
use jiceng_ops::units::{self, NewUnit, UnitDetail, UnitView};
use jiceng_ops::{Actor, Db, OpsError, divisions, registrations};

#[derive(Subcommand)]
pub enum UnitCmd {
    /// List units sitting within a division (a street includes its communities).
    List {
        #[arg(long)]
        within: Option<String>,
        /// Part of the name.
        #[arg(long)]
        q: Option<String>,
        #[arg(long, default_value_t = 1)]
        page: i64,
        #[arg(long, default_value_t = 50)]
        per_page: i64,
    },
    /// Show a unit and its 双报到 history.
    Show { id: i64 },
    /// Add a unit.
    Add {
        #[arg(long)]
        name: String,
        /// agency, institution, state_enterprise, private_enterprise, social_organisation,
        /// market, office_building, ecommerce (or the Chinese names).
        #[arg(long)]
        category: String,
        /// The street or community where it sits.
        #[arg(long)]
        division: String,
        #[arg(long)]
        address: Option<String>,
        /// The code of its own party org.
        #[arg(long)]
        org: Option<String>,
    },
    /// Register the unit's party org with its community (双报到).
    Register {
        id: i64,
        #[arg(long)]
        community: String,
        #[arg(long)]
        on: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum DivisionCmd {
    /// Take a division and everything below it in from the national catalogue.
    TakeIn { code_or_name: String },
    /// The divisions directly below a code that this deployment holds.
    Children { code: String },
}

fn line(u: &UnitView) -> String {
    format!(
        "{}\t{}\t{}\t{}\t{}",
        u.row.id,
        u.category_label,
        u.row.name,
        u.row.division_code,
        or_dash(&u.row.org_name)
    )
}

fn detail(d: &UnitDetail) -> String {
    let mut s = vec![
        format!("{}（编号 {}）", d.unit.row.name, d.unit.row.id),
        format!(
            "类别：{}　所在区划：{}　地址：{}",
            d.unit.category_label,
            d.unit.row.division_code,
            or_dash(&d.unit.row.address)
        ),
        format!("党组织：{}", or_dash(&d.unit.row.org_name)),
        "双报到：".into(),
    ];
    if d.registrations.is_empty() {
        s.push("  （无）".into());
    }
    for r in &d.registrations {
        s.push(format!(
            "  {} 到 {} 报到{}",
            r.registered_on,
            r.community_name,
            r.ended_on
                .map(|e| format!("，{e} 结束"))
                .unwrap_or_default()
        ));
    }
    s.join("\n")
}

pub async fn run(db: &Db, actor: &Actor, cmd: UnitCmd, out: &Out) -> Result<(), OpsError> {
    match cmd {
        UnitCmd::List {
            within,
            q,
            page,
            per_page,
        } => {
            let query = units::ListUnits {
                within,
                q,
                page: Some(page),
                per_page: Some(per_page),
            };
            let p = units::list(db, actor, query).await?;
            out.show(&p, |p| {
                if p.items.is_empty() {
                    return "没有驻区单位".into();
                }
                let mut s: Vec<String> = p.items.iter().map(line).collect();
                if let Some(n) = &p.next {
                    s.push(format!("……还有更多，用 --page {n} 查看下一页"));
                }
                s.join("\n")
            });
        }
        UnitCmd::Show { id } => out.show(&units::show(db, actor, id).await?, detail),
        UnitCmd::Add {
            name,
            category,
            division,
            address,
            org,
        } => {
            let new = NewUnit {
                name: Some(name),
                category: Some(category),
                division_code: Some(division),
                address,
                org,
            };
            out.show(&units::add(db, actor, new).await?, |u| {
                format!("已添加：{}", line(u))
            });
        }
        UnitCmd::Register { id, community, on } => {
            let r = registrations::register_unit(db, actor, id, &community, on).await?;
            out.show(&r, |r| {
                format!(
                    "已报到：{} 于 {} 到 {}（记录 {}）",
                    r.unit_name.as_deref().unwrap_or(""),
                    r.registered_on,
                    r.community_name,
                    r.id
                )
            });
        }
    }
    Ok(())
}

pub async fn run_division(
    db: &Db,
    actor: &Actor,
    cmd: DivisionCmd,
    out: &Out,
) -> Result<(), OpsError> {
    match cmd {
        DivisionCmd::TakeIn { code_or_name } => {
            let n = divisions::take_in(db, actor, &code_or_name).await?;
            out.message(
                &format!("已导入 {n} 个行政区划"),
                &serde_json::json!({ "added": n }),
            );
        }
        DivisionCmd::Children { code } => {
            let list = divisions::children(db, &code).await?;
            out.show(&list, |l| {
                if l.is_empty() {
                    return "没有下级区划（或尚未导入，可用 jiceng division take-in）".into();
                }
                l.iter()
                    .map(|d| format!("{}\t{}", d.code, d.name))
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
    }
    Ok(())
}
