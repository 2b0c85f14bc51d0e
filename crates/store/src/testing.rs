//! Fresh, migrated databases for tests. With `JICENG_TEST_DATABASE_URL` set to a PostgreSQL
//! server (postgres://postgres@127.0.0.1:5432/postgres), each test gets a new database there,
//! dropped afterwards; otherwise a new SQLite file in a temporary directory. A test run
//! against PostgreSQL fails, never skips, when the server cannot be reached.

use crate::{Backend, Db};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

static COUNTER: AtomicU32 = AtomicU32::new(0);

pub struct TestDb {
    pub db: Db,
    /// The URL to reach this database from another process (the CLI under test).
    pub url: String,
    dir: PathBuf,
    pg: Option<(String, String)>,
}

/// The PostgreSQL admin URL tests use, if the run is a PostgreSQL run.
pub fn postgres_url() -> Option<String> {
    std::env::var("JICENG_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

fn unique() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst),
        nanos
    )
}

/// "postgres://u@h:5432/db?x" → "postgres://u@h:5432".
fn server_of(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    match url[after_scheme..].find('/') {
        Some(i) => &url[..after_scheme + i],
        None => url,
    }
}

impl TestDb {
    pub async fn new() -> TestDb {
        let name = unique();
        let dir = std::env::temp_dir().join(format!("jiceng-test-{name}"));
        std::fs::create_dir_all(&dir).expect("temp dir");
        match postgres_url() {
            Some(admin) => {
                let db_name = format!("jt_{name}");
                let admin_db = Db::open(Some(&admin), &dir).await.unwrap_or_else(|e| {
                    panic!("PostgreSQL at {admin} is required for this run: {e}")
                });
                if let Db::Pg(p) = &admin_db {
                    sqlx::query(&format!("CREATE DATABASE {db_name}"))
                        .execute(p)
                        .await
                        .expect("create test database");
                }
                admin_db.close().await;
                let url = format!("{}/{db_name}", server_of(&admin));
                let db = Db::open(Some(&url), &dir)
                    .await
                    .expect("open test database");
                db.migrate().await.expect("migrate");
                TestDb {
                    db,
                    url,
                    dir,
                    pg: Some((admin, db_name)),
                }
            }
            None => {
                let db = Db::open(None, &dir).await.expect("open sqlite");
                db.migrate().await.expect("migrate");
                let url = format!("sqlite://{}", dir.join("jiceng.db").display());
                TestDb {
                    db,
                    url,
                    dir,
                    pg: None,
                }
            }
        }
    }

    pub fn backend(&self) -> Backend {
        self.db.backend()
    }

    /// The data directory of a SQLite test database.
    pub fn dir(&self) -> &std::path::Path {
        &self.dir
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        if let Some((admin, name)) = self.pg.take() {
            // Drop runs outside async; a short-lived runtime on its own thread does the DROP.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .ok()?;
                rt.block_on(async {
                    let client = Db::open(Some(&admin), std::path::Path::new("."))
                        .await
                        .ok()?;
                    if let Db::Pg(p) = &client {
                        let _ =
                            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                                .execute(p)
                                .await;
                    }
                    client.close().await;
                    Some(())
                })
            })
            .join();
        }
    }
}
