//! The two backends behind one handle. Each query is written once; the `on!` macro expands
//! its body once per backend so sqlx binds and decodes with the right driver.

use crate::StoreError;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, PgPool, Postgres, Sqlite, SqlitePool};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool, Writer),
    Pg(PgPool),
}

impl Db {
    /// Open and idle connections of the pool, for the metrics.
    pub fn connections(&self) -> (u32, usize) {
        match self {
            Db::Sqlite(p, _) => (p.size(), p.num_idle()),
            Db::Pg(p) => (p.size(), p.num_idle()),
        }
    }
}

/// SQLite has one writer at a time. Writers queue here, in order, rather than on SQLite's
/// busy handler, which sleeps and retries and so wastes most of the time under load.
#[derive(Clone, Debug, Default)]
pub struct Writer(std::sync::Arc<tokio::sync::Mutex<()>>);

/// A held job lease (see [`Db::lease`]); dropping it releases it too.
pub struct Lease(Option<sqlx::Transaction<'static, Postgres>>);

impl Lease {
    pub async fn release(self) -> Result<(), StoreError> {
        if let Some(tx) = self.0 {
            tx.commit().await?;
        }
        Ok(())
    }
}

/// A transaction on either backend. Every store function takes one, so the operations layer
/// decides what belongs together.
pub enum Tx {
    Sqlite(
        sqlx::Transaction<'static, Sqlite>,
        tokio::sync::OwnedMutexGuard<()>,
    ),
    Pg(sqlx::Transaction<'static, Postgres>),
    /// A pooled connection in autocommit mode, for reads: no BEGIN and COMMIT round trips.
    SqliteRead(sqlx::pool::PoolConnection<Sqlite>),
    /// A read-only transaction whose statements all see one snapshot, taking no write lock.
    SqliteSnapshot(sqlx::Transaction<'static, Sqlite>),
    PgRead(sqlx::pool::PoolConnection<Postgres>),
}

/// Runs `$body` with `$c` bound to the transaction's connection, on whichever backend it is.
macro_rules! on {
    ($tx:expr, $c:ident => $body:expr) => {
        match $tx {
            $crate::Tx::Sqlite(t, _) => {
                let $c = &mut **t;
                $body
            }
            $crate::Tx::Pg(t) => {
                let $c = &mut **t;
                $body
            }
            $crate::Tx::SqliteRead(t) => {
                let $c = &mut **t;
                $body
            }
            $crate::Tx::SqliteSnapshot(t) => {
                let $c = &mut **t;
                $body
            }
            $crate::Tx::PgRead(t) => {
                let $c = &mut **t;
                $body
            }
        }
    };
}
pub(crate) use on;

/// Copies the WAL into the database every quarter second, beside the writers (a passive
/// checkpoint waits for nobody and nobody waits for it). Left to SQLite, the commit that finds
/// the WAL over its size does it, and that commit's writer, with every writer queued behind
/// it, waits out the copy and its sync: a hundred milliseconds on a slow disk.
fn checkpointer(pool: SqlitePool) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_millis(250));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if pool.is_closed() {
                break;
            }
            if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                .execute(&pool)
                .await
            {
                log::warn!("WAL checkpoint failed: {e}");
            }
        }
    });
}

/// A PostgreSQL transaction begun. A connection that died since its last use (not pinged when
/// handed out, see [`ping_if_idle`]) fails at `BEGIN`, before anything ran, and is closed as
/// it goes back: the transaction is begun again on the next, until one is alive (after a
/// server restart every pooled connection may be gone, so up to the pool's size).
async fn begin_pg(p: &PgPool) -> Result<sqlx::Transaction<'static, Postgres>, sqlx::Error> {
    let mut tries = p.options().get_max_connections();
    loop {
        match p.begin().await {
            Err(e) if tries > 0 && gone(&e) => {
                log::info!("a pooled connection was gone ({e}); beginning on another");
                tries -= 1;
            }
            begun => return begun,
        }
    }
}

/// Whether `e` says the connection itself is lost: the link broke, or the server ended the
/// session (SQLSTATE class 57P: terminated, shutting down, restarting).
fn gone(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_) => true,
        sqlx::Error::Database(d) => d.code().is_some_and(|c| c.starts_with("57P")),
        _ => false,
    }
}

/// A connection the pool hands out is checked with a round trip only when it sat idle for a
/// while (when a restarted server or a dropped link would have closed it); one in steady use
/// goes straight to its statement, a round trip fewer on the request's path.
async fn ping_if_idle<C: sqlx::Connection>(
    c: &mut C,
    meta: sqlx::pool::PoolConnectionMetadata,
) -> Result<bool, sqlx::Error> {
    if meta.idle_for > Duration::from_secs(1) {
        c.ping().await?;
    }
    Ok(true)
}

impl Db {
    /// Opens `url` if given (postgres://… or sqlite://…), else the SQLite file in `data_dir`.
    pub async fn open(url: Option<&str>, data_dir: &Path) -> Result<Db, StoreError> {
        match url {
            Some(u) if u.starts_with("postgres://") || u.starts_with("postgresql://") => {
                Db::postgres(u).await
            }
            Some(u) if u.starts_with("sqlite:") => {
                let opts = SqliteConnectOptions::from_str(u)
                    .map_err(|e| StoreError::Unavailable(e.to_string()))?;
                Db::sqlite(opts).await
            }
            Some(u) => Err(StoreError::Unavailable(format!(
                "不支持的数据库地址：{u}（应以 postgres:// 或 sqlite: 开头）"
            ))),
            None => {
                std::fs::create_dir_all(data_dir).map_err(|e| {
                    StoreError::Unavailable(format!("无法创建数据目录 {}：{e}", data_dir.display()))
                })?;
                Db::sqlite(SqliteConnectOptions::new().filename(data_dir.join("jiceng.db"))).await
            }
        }
    }

    async fn sqlite(opts: SqliteConnectOptions) -> Result<Db, StoreError> {
        let opts = opts
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .pragma("cache_size", "-65536")
            .pragma("temp_store", "memory")
            // The background checkpointer keeps the WAL short; a commit copies it over only
            // past 40 MB, when writes outrun it.
            .pragma("wal_autocheckpoint", "10000")
            .log_slow_statements(log::LevelFilter::Warn, Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .test_before_acquire(false)
            .before_acquire(|c, meta| Box::pin(ping_if_idle(c, meta)))
            .connect_with(opts)
            .await?;
        checkpointer(pool.clone());
        Ok(Db::Sqlite(pool, Writer::default()))
    }

    async fn postgres(url: &str) -> Result<Db, StoreError> {
        let opts = PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::Unavailable(e.to_string()))?
            .log_slow_statements(log::LevelFilter::Warn, Duration::from_secs(5));
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(10))
            .test_before_acquire(false)
            .before_acquire(|c, meta| Box::pin(ping_if_idle(c, meta)))
            .connect_with(opts)
            .await?;
        Ok(Db::Pg(pool))
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(..) => Backend::Sqlite,
            Db::Pg(_) => Backend::Postgres,
        }
    }

    /// A connection for reading. Each statement sees the latest committed state; reads that
    /// must agree with each other belong in a `write` transaction.
    pub async fn read(&self) -> Result<Tx, StoreError> {
        Ok(match self {
            Db::Sqlite(p, _) => Tx::SqliteRead(p.acquire().await?),
            Db::Pg(p) => Tx::PgRead(p.acquire().await?),
        })
    }

    /// A read-only transaction in which every statement sees the same committed state, for
    /// reads that must agree with each other across many statements (verifying the audit
    /// chain while entries are appended), without holding writers back.
    pub async fn snapshot(&self) -> Result<Tx, StoreError> {
        Ok(match self {
            // A deferred transaction in WAL mode reads one snapshot from its first read on.
            Db::Sqlite(p, _) => Tx::SqliteSnapshot(p.begin().await?),
            Db::Pg(p) => Tx::Pg(
                p.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    .await?,
            ),
        })
    }

    /// A transaction that will write: SQLite takes the write lock up front so two writers
    /// queue on the busy timeout instead of failing when one upgrades.
    pub async fn write(&self) -> Result<Tx, StoreError> {
        // Writers queue on one transaction-scoped lock on PostgreSQL, as they do on SQLite, so
        // no writer works from tree paths or counts another is changing.
        self.begin_write("SELECT pg_advisory_xact_lock(7231001)")
            .await
    }

    /// [`Db::write`] for a batch whose statements carry lists of varying length: on
    /// PostgreSQL (12 or later) each takes the generic plan kept with its prepared statement
    /// on the connection, made once, instead of a plan made anew for each batch, as planning
    /// cost more than running (the sign-up desk's read of activities: 0.55 ms planning, 0.12 ms
    /// running, for a batch of 100). The setting ends with the transaction, and goes with the
    /// lock in one statement. SQLite plans a prepared statement once anyway.
    pub async fn write_batch(&self) -> Result<Tx, StoreError> {
        self.begin_write(
            "SELECT pg_advisory_xact_lock(7231001), \
             set_config('plan_cache_mode', 'force_generic_plan', true)",
        )
        .await
    }

    /// `pg_lock` runs inside the begun transaction, not with its BEGIN: a transaction whose
    /// lock failed or was given up on (a timeout, a request dropped while it waited) is then
    /// rolled back when dropped, instead of going back to the pool still open.
    async fn begin_write(&self, pg_lock: &'static str) -> Result<Tx, StoreError> {
        Ok(match self {
            Db::Sqlite(p, w) => {
                let turn = w.0.clone().lock_owned().await;
                Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?, turn)
            }
            Db::Pg(p) => {
                let mut tx = begin_pg(p).await?;
                sqlx::query(pg_lock).execute(&mut *tx).await?;
                Tx::Pg(tx)
            }
        })
    }

    /// The lease on a job that must run once across every process of the deployment
    /// (escalation): `None` when another process holds it now. On PostgreSQL it is a
    /// transaction-scoped advisory lock held until the lease is released or dropped; SQLite
    /// serves one process, which holds it whenever asked.
    pub async fn lease(&self, job: i64) -> Result<Option<Lease>, StoreError> {
        match self {
            Db::Sqlite(..) => Ok(Some(Lease(None))),
            Db::Pg(p) => {
                let mut tx = p.begin().await?;
                let held: bool = sqlx::query_scalar("SELECT pg_try_advisory_xact_lock($1)")
                    .bind(job)
                    .fetch_one(&mut *tx)
                    .await?;
                Ok(held.then_some(Lease(Some(tx))))
            }
        }
    }

    /// After a table was filled in bulk: PostgreSQL's statistics and visibility map, so its
    /// index-only scans need not visit the table (autovacuum would, later); SQLite needs
    /// nothing. `table` is a name from the code, never from a request.
    pub async fn vacuum(&self, table: &'static str) -> Result<(), StoreError> {
        if let Db::Pg(p) = self {
            sqlx::query(&format!("VACUUM (ANALYZE) {table}"))
                .execute(p)
                .await?;
        }
        Ok(())
    }

    /// Whether the database answers a trivial query.
    pub async fn ping(&self) -> bool {
        match self {
            Db::Sqlite(p, _) => sqlx::query("SELECT 1").execute(p).await.is_ok(),
            Db::Pg(p) => sqlx::query("SELECT 1").execute(p).await.is_ok(),
        }
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite(p, _) => p.close().await,
            Db::Pg(p) => p.close().await,
        }
    }
}

impl Tx {
    pub async fn commit(self) -> Result<(), StoreError> {
        match self {
            Tx::Sqlite(t, _) => t.commit().await?,
            Tx::SqliteSnapshot(t) => t.commit().await?,
            Tx::Pg(t) => t.commit().await?,
            Tx::SqliteRead(_) | Tx::PgRead(_) => {}
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        match self {
            Tx::Sqlite(..) | Tx::SqliteRead(_) | Tx::SqliteSnapshot(_) => Backend::Sqlite,
            Tx::Pg(_) | Tx::PgRead(_) => Backend::Postgres,
        }
    }

    /// Refreshes the planner's statistics after a bulk load.
    pub async fn analyze(&mut self) -> Result<(), StoreError> {
        on!(self, c => sqlx::query("ANALYZE").execute(c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// After rows were inserted with explicit ids, moves PostgreSQL's identity sequences past
    /// them; SQLite's rowid needs nothing.
    pub async fn sync_ids(&mut self, tables: &[&str]) -> Result<(), StoreError> {
        if let Tx::Pg(t) = self {
            for table in tables {
                let sql = format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
                );
                sqlx::query(&sql).execute(&mut **t).await?;
            }
        }
        Ok(())
    }
}
