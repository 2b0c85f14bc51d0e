//! `jiceng`: the command line and the server in one binary.

mod cli;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    logging();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("错误：无法启动运行时：{e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(cli::run(args))
}

/// Logs to stderr, filtered by `JICENG_LOG`; `JICENG_LOG_FORMAT=json` writes one JSON object
/// a line, with the request's span (its id among the fields) on every line logged within it.
fn logging() {
    let filter =
        tracing_subscriber::EnvFilter::try_from_env("JICENG_LOG").unwrap_or_else(|_| "info".into());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if std::env::var("JICENG_LOG_FORMAT").is_ok_and(|f| f == "json") {
        builder.json().with_current_span(true).init();
    } else {
        builder.init();
    }
}
