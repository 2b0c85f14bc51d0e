//! `jiceng demo`, with a progress bar.

use super::output::Out;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use jiceng_demo::{self as demo, DemoSpec, DemoSummary, Progress};
use jiceng_ops::{Actor, Db, OpsError};

#[derive(Args)]
pub struct DemoArgs {
    /// The city, by name or code.
    #[arg(long, default_value = "莆田市")]
    city: String,
    /// 1 is the Putian study's size (31,040 members); 30 is about a million.
    #[arg(long, default_value_t = 1.0)]
    scale: f64,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Generate the city as of this day (YYYY-MM-DD) instead of today, to reproduce one exactly.
    #[arg(long)]
    today: Option<String>,
}

struct Bar(ProgressBar);

impl Progress for Bar {
    fn stage(&self, label: &str, total: u64) {
        self.0.set_length(total);
        self.0.set_position(0);
        self.0.set_message(label.to_string());
    }
    fn advance(&self, n: u64) {
        self.0.inc(n);
    }
}

fn bar() -> Bar {
    let pb = ProgressBar::new(0);
    if let Ok(style) = ProgressStyle::with_template("{msg:8} [{bar:40}] {pos}/{len} {elapsed}") {
        pb.set_style(style.progress_chars("=> "));
    }
    Bar(pb)
}

fn render(s: &DemoSummary) -> String {
    let mut accounts = vec![format!(
        "\n演示账号（密码均为 {}，只显示这一次）：",
        s.password
    )];
    accounts.extend(
        s.accounts
            .iter()
            .map(|a| format!("  {:<10} {}（{}）", a.username, a.role, a.scope)),
    );
    let head = format!(
        "已生成演示城市 {}（{}）：{} 个街道、{} 个社区、{} 个党组织、{} 个驻区单位、{} 名党员、{} 个委员席位、{} 条双报到记录、{} 次会议、{} 条积分登记、{} 项双向评价、{} 项共建履职事项、{} 条志愿服务记录、{} 名志愿者、{} 项志愿活动（{} 人次报名）、{} 个微心愿、{} 个网格、{} 件案件，用时 {:.1} 秒",
        s.city,
        s.city_code,
        s.streets,
        s.communities,
        s.orgs,
        s.units,
        s.members,
        s.committee_seats,
        s.registrations,
        s.meetings,
        s.points_entries,
        s.evaluations,
        s.commitments,
        s.service_records,
        s.volunteers,
        s.activities,
        s.signups,
        s.wishes,
        s.grids,
        s.cases,
        s.seconds
    );
    head + &accounts.join("\n")
}

pub async fn run(db: &Db, actor: &Actor, args: DemoArgs, out: &Out) -> Result<(), OpsError> {
    let spec = DemoSpec {
        city: args.city,
        scale: args.scale,
        seed: args.seed,
        today: args
            .today
            .as_deref()
            .map(|d| jiceng_domain::text::date("date", d))
            .transpose()?,
    };
    let bar = bar();
    let summary = demo::build(db, actor, &spec, &bar).await;
    bar.0.finish_and_clear();
    out.show(&summary?, render);
    Ok(())
}

/// Builds the default demo city unless the database already has orgs.
pub async fn ensure(db: &Db, actor: &Actor, out: &Out) -> Result<(), OpsError> {
    let existing = jiceng_ops::orgs::list(
        db,
        actor,
        jiceng_ops::orgs::ListOrgs {
            per_page: Some(1),
            ..Default::default()
        },
    )
    .await?;
    if !existing.items.is_empty() {
        tracing::info!("数据库中已有数据，跳过演示城市");
        return Ok(());
    }
    run(
        db,
        actor,
        DemoArgs {
            city: "莆田市".into(),
            scale: 1.0,
            seed: 1,
            today: None,
        },
        out,
    )
    .await
}
