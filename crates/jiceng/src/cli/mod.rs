//! Command-line front door: parses flags into the operations' inputs and prints results, as
//! text for people or JSON with `--json`.

mod audit;
mod bench;
mod bench_bookings;
mod bench_cases;
mod bench_circle;
mod bench_evaluations;
mod bench_lists;
mod bench_logs;
mod bench_signup;
mod demo;
mod import;
mod matching;
mod member;
mod org;
mod output;
mod unit;
mod user;

use clap::{Parser, Subcommand};
use jiceng_domain::msg;
use jiceng_ops::{Actor, Db, OpsError};
use output::Out;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "jiceng", version, about = "基层：城市基层党建引领基层治理平台")]
pub struct Cli {
    /// Where the embedded SQLite database lives.
    #[arg(
        long,
        global = true,
        default_value = "./jiceng-data",
        env = "JICENG_DATA_DIR"
    )]
    data_dir: PathBuf,
    /// A PostgreSQL URL (postgres://…) to use instead of the embedded SQLite file.
    #[arg(long, global = true, env = "JICENG_DATABASE_URL")]
    database_url: Option<String>,
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Apply database migrations (they also run at every start).
    Migrate,
    /// Run the web server.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: std::net::SocketAddr,
        /// Build the demo city first if the database has no orgs yet.
        #[arg(long)]
        demo: bool,
        /// A reverse proxy whose X-Forwarded-For names the client (repeat for several); the
        /// header is ignored from anyone else.
        #[arg(
            long = "trusted-proxy",
            env = "JICENG_TRUSTED_PROXIES",
            value_delimiter = ','
        )]
        trusted_proxies: Vec<std::net::IpAddr>,
        /// The address users reach jiceng at (https://… makes cookies Secure).
        #[arg(long, env = "JICENG_PUBLIC_URL")]
        public_url: Option<String>,
        /// The adapter for the city's SMS gateway that residents' sign-in codes are posted to
        /// (http://host:port/path on the local network); without it codes go to the log.
        #[arg(long, env = "JICENG_SMS_ADAPTER", requires_all = ["sms_key", "sms_template"])]
        sms_adapter: Option<String>,
        /// The key that signs each request to the SMS adapter (HMAC-SHA256, 16+ characters).
        #[arg(long, env = "JICENG_SMS_KEY", hide_env_values = true)]
        sms_key: Option<String>,
        /// The gateway's template for sign-in codes, as registered there (模板编号).
        #[arg(long, env = "JICENG_SMS_TEMPLATE")]
        sms_template: Option<String>,
        /// Show residents' sign-in codes on the page (demos and tests only: anyone could sign
        /// in as anyone). `--demo` shows them too, unless an SMS adapter is set.
        #[arg(long)]
        show_codes: bool,
    },
    /// Build a demo city into an empty database.
    Demo(demo::DemoArgs),
    /// Party organisations.
    #[command(subcommand)]
    Org(org::OrgCmd),
    /// Party members.
    #[command(subcommand)]
    Member(member::MemberCmd),
    /// Stationed units.
    #[command(subcommand)]
    Unit(unit::UnitCmd),
    /// Import members, orgs or units from an .xlsx or .csv file.
    Import(import::ImportArgs),
    /// Administrative divisions.
    #[command(subcommand)]
    Division(unit::DivisionCmd),
    /// Accounts.
    #[command(subcommand)]
    User(user::UserCmd),
    /// The audit trail.
    #[command(subcommand)]
    Audit(audit::AuditCmd),
    /// Suggesting resources for open needs.
    #[command(subcommand)]
    Match(matching::MatchCmd),
    /// Measure query latencies over the current database.
    #[command(subcommand)]
    Bench(bench::BenchCmd),
}

pub async fn run(cli: Cli) -> ExitCode {
    let out = Out { json: cli.json };
    let db = match open(&cli).await {
        Ok(db) => db,
        Err(e) => return out.fail(&e),
    };
    let actor = Actor::operator();
    let result = match cli.command {
        Command::Migrate => db.schema_version().await.map_err(OpsError::from).map(|v| {
            out.message(
                &format!("数据库已是最新（迁移版本 {}）", v.unwrap_or(0)),
                &serde_json::json!({ "version": v }),
            )
        }),
        Command::Serve {
            listen,
            demo,
            trusted_proxies,
            public_url,
            sms_adapter,
            sms_key,
            sms_template,
            show_codes,
        } => {
            let files = cli.data_dir.join("files");
            // Codes go to the adapter when one is set; otherwise to the log, and a demo shows
            // them on the page too.
            let codes = match sms_adapter {
                Some(url) => match jiceng_ops::residents::HttpSender::new(
                    &url,
                    sms_key.as_deref().unwrap_or(""),
                    sms_template.as_deref().unwrap_or(""),
                ) {
                    Ok(h) => jiceng_ops::residents::CodeSender::Http(h),
                    Err(why) => {
                        eprintln!("错误：{why}");
                        return ExitCode::from(2);
                    }
                },
                None => {
                    if demo || show_codes {
                        tracing::warn!(
                            "居民登录验证码将显示在页面上：仅供演示和测试，切勿用于居民实际使用的部署"
                        );
                    }
                    jiceng_ops::residents::CodeSender::Log {
                        shown: demo || show_codes,
                    }
                }
            };
            let deployment = jiceng_web::Deployment {
                trusted_proxies,
                public_url,
                codes,
            };
            serve(&db, &actor, files, listen, demo, deployment, &out).await
        }
        Command::Demo(args) => demo::run(&db, &actor, args, &out).await,
        Command::Org(cmd) => org::run(&db, &actor, cmd, &out).await,
        Command::Member(cmd) => member::run(&db, &actor, cmd, &out).await,
        Command::Unit(cmd) => unit::run(&db, &actor, cmd, &out).await,
        Command::Import(args) => import::run(&db, &actor, args, &out).await,
        Command::Division(cmd) => unit::run_division(&db, &actor, cmd, &out).await,
        Command::Bench(cmd) => bench::run(&db, &actor, cmd, &out).await,
        Command::User(cmd) => user::run(&db, &actor, cmd, &out).await,
        Command::Audit(cmd) => audit::run(&db, &actor, cmd, &cli.data_dir, &out).await,
        Command::Match(cmd) => matching::run(&db, &actor, cmd, &out).await,
    };
    db.close().await;
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => out.fail(&e),
    }
}

async fn open(cli: &Cli) -> Result<Db, OpsError> {
    // The audit trail's signing key, from the environment or the data directory.
    jiceng_store::audit_key::load(&cli.data_dir)?;
    let db = Db::open(cli.database_url.as_deref(), &cli.data_dir).await?;
    let applied = db.migrate().await?;
    if !applied.is_empty() {
        tracing::info!(?applied, "已应用数据库迁移");
    }
    Ok(db)
}

async fn serve(
    db: &Db,
    actor: &Actor,
    files: std::path::PathBuf,
    listen: std::net::SocketAddr,
    demo: bool,
    deployment: jiceng_web::Deployment,
    out: &Out,
) -> Result<(), OpsError> {
    if demo {
        demo::ensure(db, actor, out).await?;
    }
    jiceng_web::serve(db.clone(), listen, files, deployment)
        .await
        .map_err(|e| {
            OpsError::Invalid(jiceng_domain::Invalid::new(
                "listen",
                listen,
                msg!("无法监听：{reason}", reason = e),
            ))
        })
}
