//! Fresh, migrated databases for tests. With `JICENG_TEST_DATABASE_URL` set to a PostgreSQL
//! server (postgres://postgres@127.0.0.1:5432/postgres), each test gets a new database there,
//! dropped afterwards; otherwise a new SQLite file in a temporary directory. A test run
//! against PostgreSQL fails, never skips, when the server cannot be reached. A fixture is
//! built once per process and backend, and each test gets its own copy.

use crate::{Backend, Db};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::OnceLock;
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
    /// A fresh database on the run's backend: PostgreSQL when `JICENG_TEST_DATABASE_URL` is
    /// set, SQLite otherwise.
    pub async fn new() -> TestDb {
        match postgres_url() {
            Some(_) => TestDb::on(Backend::Postgres).await,
            None => TestDb::on(Backend::Sqlite).await,
        }
    }

    /// A fresh, migrated database on `backend`.
    pub async fn on(backend: Backend) -> TestDb {
        let t = TestDb::empty(backend).await;
        t.db.migrate().await.expect("migrate");
        t
    }

    /// A database not yet migrated: new, or (for a fixture) about to be copied into.
    async fn empty(backend: Backend) -> TestDb {
        // Tests sign the audit trail with one key of their own, the same in every test of a
        // process, so a fixture's copies verify.
        let key = jiceng_domain::audit::AuditKey::new(b"jiceng-test-audit-key")
            .expect("a long enough key");
        crate::audit_key::use_key(key).expect("one test key");
        let name = unique();
        let dir = std::env::temp_dir().join(format!("jiceng-test-{name}"));
        std::fs::create_dir_all(&dir).expect("temp dir");
        match backend {
            Backend::Postgres => {
                let admin = postgres_url().expect("JICENG_TEST_DATABASE_URL names the server");
                let db_name = format!("jt_{name}");
                admin_sql(&admin, &format!("CREATE DATABASE {db_name}")).await;
                TestDb::at_pg(admin, db_name, dir).await
            }
            Backend::Sqlite => TestDb::at_sqlite(dir).await,
        }
    }

    async fn at_sqlite(dir: PathBuf) -> TestDb {
        let db = Db::open(None, &dir).await.expect("open sqlite");
        let url = format!("sqlite://{}", dir.join("jiceng.db").display());
        TestDb {
            db,
            url,
            dir,
            pg: None,
        }
    }

    async fn at_pg(admin: String, db_name: String, dir: PathBuf) -> TestDb {
        let url = format!("{}/{db_name}", server_of(&admin));
        let db = Db::open(Some(&url), &dir)
            .await
            .expect("open test database");
        TestDb {
            db,
            url,
            dir,
            pg: Some((admin, db_name)),
        }
    }

    /// A copy of the fixture `key` on `backend`, which `build` writes into a fresh database
    /// the first time this process asks for it: SQLite copies the file, PostgreSQL creates the
    /// database from it as a template, so a test starts from the fixture in milliseconds.
    pub async fn fixture<F, Fut>(key: &'static str, backend: Backend, build: F) -> TestDb
    where
        F: FnOnce(Db) -> Fut,
        Fut: std::future::Future<Output = ()>,
    {
        // The key names a PostgreSQL database, so it is an identifier.
        assert!(
            key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'),
            "a fixture key is letters, digits and underscores: {key}"
        );
        static FIXTURES: OnceLock<tokio::sync::Mutex<HashMap<(&'static str, Backend), Fixture>>> =
            OnceLock::new();
        // Held while a fixture is built and while a database is created from it: PostgreSQL
        // refuses a template that another session is using.
        let mut fixtures = FIXTURES.get_or_init(Default::default).lock().await;
        if let std::collections::hash_map::Entry::Vacant(slot) = fixtures.entry((key, backend)) {
            slot.insert(Fixture::build(key, backend, build).await);
        }
        match &fixtures[&(key, backend)] {
            Fixture::Sqlite(file) => {
                let dir = std::env::temp_dir().join(format!("jiceng-test-{}", unique()));
                std::fs::create_dir_all(&dir).expect("temp dir");
                std::fs::copy(file, dir.join("jiceng.db")).expect("copy the fixture");
                TestDb::at_sqlite(dir).await
            }
            Fixture::Pg(template) => {
                let admin = postgres_url().expect("JICENG_TEST_DATABASE_URL names the server");
                let db_name = format!("jt_{}", unique());
                admin_sql(
                    &admin,
                    &format!("CREATE DATABASE {db_name} TEMPLATE {template}"),
                )
                .await;
                let dir = std::env::temp_dir().join(format!("jiceng-test-{db_name}"));
                std::fs::create_dir_all(&dir).expect("temp dir");
                TestDb::at_pg(admin, db_name, dir).await
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

/// A fixture built once: a SQLite file to copy, or a PostgreSQL database to use as template.
enum Fixture {
    Sqlite(PathBuf),
    Pg(String),
}

impl Fixture {
    async fn build<F, Fut>(key: &'static str, backend: Backend, build: F) -> Fixture
    where
        F: FnOnce(Db) -> Fut,
        Fut: std::future::Future<Output = ()>,
    {
        let t = TestDb::on(backend).await;
        build(t.db.clone()).await;
        match backend {
            Backend::Sqlite => {
                // VACUUM INTO writes one consistent file, whatever the WAL still holds.
                let file =
                    std::env::temp_dir().join(format!("jiceng-fixture-{key}-{}.db", unique()));
                if let Db::Sqlite(p, _) = &t.db {
                    sqlx::query(&format!("VACUUM INTO '{}'", file.display()))
                        .execute(p)
                        .await
                        .expect("write the fixture file");
                }
                Fixture::Sqlite(file)
            }
            Backend::Postgres => {
                let admin = postgres_url().expect("JICENG_TEST_DATABASE_URL names the server");
                let prefix = format!("jt_fixture_{key}_");
                // Templates left by earlier runs (a process cannot drop its own at exit).
                let earlier = match Db::open(Some(&admin), std::path::Path::new(".")).await {
                    Ok(Db::Pg(p)) => {
                        let names: Vec<(String,)> =
                            sqlx::query_as("SELECT datname FROM pg_database WHERE datname LIKE $1")
                                .bind(format!("{prefix}%"))
                                .fetch_all(&p)
                                .await
                                .unwrap_or_default();
                        p.close().await;
                        names
                    }
                    _ => Vec::new(),
                };
                for (name,) in earlier {
                    admin_sql(
                        &admin,
                        &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                    )
                    .await;
                }
                let template = format!("{prefix}{}", std::process::id());
                t.db.close().await;
                let (_, name) = t.pg.as_ref().expect("a PostgreSQL test database").clone();
                admin_sql(
                    &admin,
                    &format!("ALTER DATABASE {name} RENAME TO {template}"),
                )
                .await;
                // The renamed database is the template now; nothing is left to drop.
                let mut t = t;
                t.pg = None;
                Fixture::Pg(template)
            }
        }
    }
}

/// Runs one statement on the server's admin database; a run against PostgreSQL fails when the
/// server cannot be reached.
async fn admin_sql(admin: &str, sql: &str) {
    let client = Db::open(Some(admin), std::path::Path::new("."))
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL at {admin} is required for this run: {e}"));
    if let Db::Pg(p) = &client {
        sqlx::query(sql)
            .execute(p)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    client.close().await;
}
