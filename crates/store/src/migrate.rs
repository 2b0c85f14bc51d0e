//! Versioned, forward-only migrations. Each is one SQL file for both backends; the only
//! dialect differences are spelled as tokens: `{{id}}` (an auto-numbered primary key),
//! `{{path}}` (text compared byte-wise, so materialized-path ranges work under any locale)
//! and `{{bytes}}` (a binary column); `{{ids_after T}}` follows a table rebuilt with its ids;
//! `{{booking_exclusion}}` is PostgreSQL's constraint keeping bookings apart;
//! `{{signup_role_key}}` its one key for a sign-up's activity and role;
//! `{{audit_time_index}}` its block range index on the audit trail's time.

use crate::db::on;
use crate::{Backend, Db, StoreError};
use jiceng_domain::clock;

pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "foundation",
        sql: include_str!("migrations/0001_foundation.sql"),
    },
    Migration {
        version: 2,
        name: "accounts_and_audit_chain",
        sql: include_str!("migrations/0002_accounts_and_audit_chain.sql"),
    },
    Migration {
        version: 3,
        name: "org_life",
        sql: include_str!("migrations/0003_org_life.sql"),
    },
    Migration {
        version: 4,
        name: "points",
        sql: include_str!("migrations/0004_points.sql"),
    },
    Migration {
        version: 5,
        name: "assessment",
        sql: include_str!("migrations/0005_assessment.sql"),
    },
    Migration {
        version: 6,
        name: "evaluations",
        sql: include_str!("migrations/0006_evaluations.sql"),
    },
    Migration {
        version: 7,
        name: "cases",
        sql: include_str!("migrations/0007_cases.sql"),
    },
    Migration {
        version: 8,
        name: "case_closing",
        sql: include_str!("migrations/0008_case_closing.sql"),
    },
    Migration {
        version: 9,
        name: "patrols",
        sql: include_str!("migrations/0009_patrols.sql"),
    },
    Migration {
        version: 10,
        name: "grid_teams",
        sql: include_str!("migrations/0010_grid_teams.sql"),
    },
    Migration {
        version: 11,
        name: "grid_places",
        sql: include_str!("migrations/0011_grid_places.sql"),
    },
    Migration {
        version: 12,
        name: "cobuilding",
        sql: include_str!("migrations/0012_cobuilding.sql"),
    },
    Migration {
        version: 13,
        name: "service",
        sql: include_str!("migrations/0013_service.sql"),
    },
    Migration {
        version: 14,
        name: "wishes",
        sql: include_str!("migrations/0014_wishes.sql"),
    },
    Migration {
        version: 15,
        name: "case_rating",
        sql: include_str!("migrations/0015_case_rating.sql"),
    },
    Migration {
        version: 16,
        name: "audit_keys",
        sql: include_str!("migrations/0016_audit_keys.sql"),
    },
    Migration {
        version: 17,
        name: "throttles",
        sql: include_str!("migrations/0017_throttles.sql"),
    },
    Migration {
        version: 18,
        name: "community_boundaries",
        sql: include_str!("migrations/0018_community_boundaries.sql"),
    },
    Migration {
        version: 19,
        name: "password_policy",
        sql: include_str!("migrations/0019_password_policy.sql"),
    },
    Migration {
        version: 20,
        name: "login_log",
        sql: include_str!("migrations/0020_login_log.sql"),
    },
    Migration {
        version: 21,
        name: "session_origin",
        sql: include_str!("migrations/0021_session_origin.sql"),
    },
    Migration {
        version: 22,
        name: "second_factor",
        sql: include_str!("migrations/0022_second_factor.sql"),
    },
    Migration {
        version: 23,
        name: "token_address",
        sql: include_str!("migrations/0023_token_address.sql"),
    },
    Migration {
        version: 24,
        name: "audit_archives",
        sql: include_str!("migrations/0024_audit_archives.sql"),
    },
    Migration {
        version: 25,
        name: "account_grants",
        sql: include_str!("migrations/0025_account_grants.sql"),
    },
    Migration {
        version: 26,
        name: "department_accounts",
        sql: include_str!("migrations/0026_department_accounts.sql"),
    },
    Migration {
        version: 27,
        name: "import_jobs",
        sql: include_str!("migrations/0027_import_jobs.sql"),
    },
    Migration {
        version: 28,
        name: "import_runs",
        sql: include_str!("migrations/0028_import_runs.sql"),
    },
    Migration {
        version: 29,
        name: "case_desk_keyset",
        sql: include_str!("migrations/0029_case_desk_keyset.sql"),
    },
    Migration {
        version: 30,
        name: "org_levels",
        sql: include_str!("migrations/0030_org_levels.sql"),
    },
    Migration {
        version: 31,
        name: "community_levels",
        sql: include_str!("migrations/0031_community_levels.sql"),
    },
    Migration {
        version: 32,
        name: "points_totals",
        sql: include_str!("migrations/0032_points_totals.sql"),
    },
    Migration {
        version: 33,
        name: "meeting_months",
        sql: include_str!("migrations/0033_meeting_months.sql"),
    },
    Migration {
        version: 34,
        name: "pending_entries",
        sql: include_str!("migrations/0034_pending_entries.sql"),
    },
    Migration {
        version: 35,
        name: "patrol_levels",
        sql: include_str!("migrations/0035_patrol_levels.sql"),
    },
    Migration {
        version: 36,
        name: "agreement_pages",
        sql: include_str!("migrations/0036_agreement_pages.sql"),
    },
    Migration {
        version: 37,
        name: "evaluation_pairs",
        sql: include_str!("migrations/0037_evaluation_pairs.sql"),
    },
    Migration {
        version: 38,
        name: "log_levels",
        sql: include_str!("migrations/0038_log_levels.sql"),
    },
    Migration {
        version: 39,
        name: "case_photos",
        sql: include_str!("migrations/0039_case_photos.sql"),
    },
    Migration {
        version: 40,
        name: "residents",
        sql: include_str!("migrations/0040_residents.sql"),
    },
    Migration {
        version: 41,
        name: "needs",
        sql: include_str!("migrations/0041_needs.sql"),
    },
    Migration {
        version: 42,
        name: "resources",
        sql: include_str!("migrations/0042_resources.sql"),
    },
    Migration {
        version: 43,
        name: "projects",
        sql: include_str!("migrations/0043_projects.sql"),
    },
    Migration {
        version: 44,
        name: "errands",
        sql: include_str!("migrations/0044_errands.sql"),
    },
    Migration {
        version: 45,
        name: "problems",
        sql: include_str!("migrations/0045_problems.sql"),
    },
    Migration {
        version: 46,
        name: "resident_wishes",
        sql: include_str!("migrations/0046_resident_wishes.sql"),
    },
    Migration {
        version: 47,
        name: "suggestions_kept",
        sql: include_str!("migrations/0047_suggestions_kept.sql"),
    },
    Migration {
        version: 48,
        name: "resource_uses_recount",
        sql: include_str!("migrations/0048_resource_uses_recount.sql"),
    },
    Migration {
        version: 49,
        name: "positions",
        sql: include_str!("migrations/0049_positions.sql"),
    },
    Migration {
        version: 50,
        name: "volunteers",
        sql: include_str!("migrations/0050_volunteers.sql"),
    },
    Migration {
        version: 51,
        name: "bookings",
        sql: include_str!("migrations/0051_bookings.sql"),
    },
    Migration {
        version: 52,
        name: "signup_keys",
        sql: include_str!("migrations/0052_signup_keys.sql"),
    },
];

fn render(sql: &str, backend: Backend) -> String {
    let (id, path, bytes) = match backend {
        Backend::Sqlite => ("INTEGER PRIMARY KEY", "TEXT", "BLOB"),
        Backend::Postgres => (
            "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
            "TEXT COLLATE \"C\"",
            "BYTEA",
        ),
    };
    // A case's figures as the ops count them, for migrations that recount from `cases c`:
    // the month it was received in Asia/Shanghai (no daylight saving since 1991), whether it
    // closed by its deadline, and whole minutes from receipt to closing.
    let (month, on_time, minutes) = match backend {
        Backend::Sqlite => (
            "CAST(strftime('%Y%m', c.received_at, '+8 hours') AS BIGINT)",
            "(c.due_at IS NULL OR julianday(c.closed_at) <= julianday(c.due_at))",
            "(CAST(strftime('%s', c.closed_at) AS BIGINT) - CAST(strftime('%s', c.received_at) AS BIGINT)) / 60",
        ),
        Backend::Postgres => (
            "CAST(to_char(c.received_at AT TIME ZONE 'Asia/Shanghai', 'YYYYMM') AS BIGINT)",
            "(c.due_at IS NULL OR c.closed_at <= c.due_at)",
            "CAST(FLOOR(EXTRACT(EPOCH FROM (c.closed_at - c.received_at)) / 60) AS BIGINT)",
        ),
    };
    // A table rebuilt with its rows' ids: PostgreSQL's identity goes on past the last one
    // (SQLite's rowid does by itself).
    let rebuilt = |table: &str| match backend {
        Backend::Sqlite => String::new(),
        Backend::Postgres => format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false);"
        ),
    };
    // Two live bookings of a room never overlap: PostgreSQL holds it as a constraint (its
    // btree_gist gives the room's equality a GiST operator); SQLite's check is in the code.
    let exclusion = match backend {
        Backend::Sqlite => "",
        Backend::Postgres => {
            "CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE bookings ADD CONSTRAINT bookings_apart EXCLUDE USING gist
    (room_id WITH =, tstzrange(starts_at, blocked_until) WITH &&)
    WHERE (state IN ('pending', 'approved', 'checked_in'));"
        }
    };
    // A sign-up's role and activity as one key: its role of its activity.
    let role_key = match backend {
        Backend::Sqlite => "",
        Backend::Postgres => {
            "ALTER TABLE signups ADD CONSTRAINT signups_role_of_activity
    FOREIGN KEY (activity_id, role_id) REFERENCES activity_roles (activity_id, id);
ALTER TABLE signups DROP CONSTRAINT signups_role_id_fkey, DROP CONSTRAINT signups_activity_id_fkey;"
        }
    };
    let audit_time = match backend {
        Backend::Sqlite => "",
        Backend::Postgres => {
            "DROP INDEX audit_log_at;
CREATE INDEX audit_log_at ON audit_log USING brin (at);"
        }
    };
    sql.replace("{{ids_after service_records}}", &rebuilt("service_records"))
        .replace("{{booking_exclusion}}", exclusion)
        .replace("{{signup_role_key}}", role_key)
        .replace("{{audit_time_index}}", audit_time)
        .replace("{{id}}", id)
        .replace("{{path}}", path)
        .replace("{{bytes}}", bytes)
        .replace("{{received_month}}", month)
        .replace("{{closed_on_time}}", on_time)
        .replace("{{handling_minutes}}", minutes)
        .replace("{{month_tally}}", &crate::orglife::month_tally())
}

impl Db {
    /// Applies every migration not yet applied, each in its own transaction, and returns the
    /// versions it applied.
    pub async fn migrate(&self) -> Result<Vec<i64>, StoreError> {
        let mut tx = self.write().await?;
        on!(&mut tx, c => sqlx::raw_sql(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        ).execute(c).await.map(|r| r.rows_affected()))?;
        tx.commit().await?;
        let mut applied = Vec::new();
        for m in MIGRATIONS {
            let mut tx = self.write().await?;
            let done: Option<i64> = on!(&mut tx, c => sqlx::query_scalar("SELECT version FROM schema_migrations WHERE version = $1")
                .bind(m.version).fetch_optional(c).await)?;
            if done.is_some() {
                continue;
            }
            let sql = render(m.sql, tx.backend());
            let fail = |e: sqlx::Error| StoreError::Migration {
                version: m.version,
                reason: e.to_string(),
            };
            on!(&mut tx, c => sqlx::raw_sql(&sql).execute(c).await.map(|r| r.rows_affected()))
                .map_err(fail)?;
            let now = clock::now().to_rfc3339();
            on!(&mut tx, c => sqlx::query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
                .bind(m.version).bind(m.name).bind(&now).execute(c).await.map(|r| r.rows_affected()))
            .map_err(fail)?;
            tx.commit().await?;
            applied.push(m.version);
        }
        // Entries from before keys are signed at every start until none is left (a start that
        // stopped between the migration and the signing signs them at the next), and a key the
        // chain was not signed with is refused rather than used.
        let mut tx = self.write().await?;
        let ring = crate::audit_key::ring()?;
        let key = ring.current();
        crate::audit::sign_plain_entries(&mut tx, key).await?;
        if let Some(other) = crate::audit::last_key_id(&mut tx)
            .await?
            .filter(|id| ring.get(id).is_none())
        {
            return Err(StoreError::Unavailable(format!(
                "审计日志由密钥 {other} 签名，而本进程的密钥（{}）中没有它：请使用该部署的 audit.key、audit-keys/ 或 JICENG_AUDIT_KEY",
                ring.ids().join("、")
            )));
        }
        if !applied.is_empty() {
            crate::audit::seal_unchained(&mut tx).await?;
        }
        tx.commit().await?;
        Ok(applied)
    }

    /// The highest applied migration version, if any.
    pub async fn schema_version(&self) -> Result<Option<i64>, StoreError> {
        let mut tx = self.read().await?;
        let v: Option<i64> = on!(&mut tx, c => sqlx::query_scalar("SELECT MAX(version) FROM schema_migrations").fetch_one(c).await)?;
        Ok(v)
    }
}
