//! Running an import job in the background: begun in the request (so a job already running,
//! imported or missing a column is refused there), then read and checked or imported on a
//! task of its own while the pages and the API show its progress.

use super::sheet;
use crate::AppState;
use jiceng_domain::msg;
use jiceng_ops::imports::jobs;
use jiceng_ops::{Actor, OpsError};

pub async fn start(s: &AppState, actor: &Actor, id: i64, dry_run: bool) -> Result<(), OpsError> {
    let run = jobs::begin(&s.db, actor, id, dry_run).await?;
    let (db, actor) = (s.db.clone(), actor.clone());
    tokio::spawn(async move {
        let outcome = async {
            let (job, bytes) = jobs::file(&db, &actor, id).await?;
            match sheet::parse(job.file_name, bytes).await {
                Ok(cells) => jobs::run(&db, &actor, (id, run), dry_run, cells).await,
                Err(why) => jobs::fail(&db, id, run, &why).await,
            }
        }
        .await;
        if let Err(e) = outcome {
            tracing::error!(job = id, error = %e, "import job failed");
            let _ = jobs::fail(&db, id, run, &msg!("导入任务未能完成，请重新运行")).await;
        }
    });
    Ok(())
}
