//! `jiceng match …`: suggesting resources for the open needs.

use super::output::Out;
use clap::Subcommand;
use jiceng_ops::matching::refresh;
use jiceng_ops::{Actor, Db, OpsError};

#[derive(Subcommand)]
pub enum MatchCmd {
    /// Score every open need against every active resource again and keep each need's best
    /// five (the server does it every hour by itself).
    Refresh,
}

pub async fn run(db: &Db, actor: &Actor, cmd: MatchCmd, out: &Out) -> Result<(), OpsError> {
    match cmd {
        MatchCmd::Refresh => {
            let report = refresh::all(db, actor).await?;
            out.show(&report, |r| match r {
                Some(r) => format!(
                    "已为 {} 条待对接需求计算推荐：{} 项资源，评分 {} 对，保留 {} 条推荐（{} 条需求的推荐有变），用时 {} 毫秒",
                    r.needs, r.resources, r.scored, r.suggestions, r.changed, r.millis
                ),
                None => "另一进程正在计算推荐，稍后再试".into(),
            });
            Ok(())
        }
    }
}
