//! Black-box tests of the `jiceng` binary: run it as a user would, on a fresh database
//! (SQLite, or PostgreSQL when JICENG_TEST_DATABASE_URL is set).

use jiceng_store::testing::TestDb;
use std::io::{Read, Write};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

struct Cli {
    t: TestDb,
}

impl Cli {
    async fn new() -> Cli {
        Cli {
            t: TestDb::new().await,
        }
    }

    fn cmd(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_jiceng"));
        // The test kit's audit key, so the CLI and the tests sign one chain; the data
        // directory is the test's own on either backend, never the working directory.
        c.env_remove("JICENG_DATABASE_URL")
            .env("JICENG_LOG", "warn")
            .env("JICENG_AUDIT_KEY", "jiceng-test-audit-key")
            .arg("--data-dir")
            .arg(self.t.dir());
        if self.t.backend() == jiceng_store::Backend::Postgres {
            c.arg("--database-url").arg(&self.t.url);
        }
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().expect("run jiceng")
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut all = args.to_vec();
        all.push("--json");
        serde_json::from_str(&self.ok(&all)).expect("json output")
    }
}

#[tokio::test]
async fn demo_then_browse_and_add() {
    let cli = Cli::new().await;
    let out = cli.ok(&["demo", "--city", "莆田市", "--scale", "0.05", "--seed", "3"]);
    assert!(out.contains("已生成演示城市 莆田市"), "{out}");

    let districts = cli.json(&["org", "list", "--level", "district"]);
    let items = districts["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(items.iter().all(|o| o["level"] == "district"));

    let c = cli.json(&["org", "show", "C350302001001"]);
    assert_eq!(c["org"]["name"], "中共太平社区委员会");
    assert_eq!(c["ancestors"].as_array().unwrap().len(), 2);

    let text = cli.ok(&["org", "show", "C350302001001"]);
    assert!(text.contains("委员会：") && text.contains("书记"), "{text}");

    let first17 = "35030219900101003";
    let check = jiceng_domain::id_number::check_char(first17.as_bytes()) as char;
    let id = format!("{first17}{check}");
    let added = cli.json(&[
        "member",
        "add",
        "--name",
        "测试党员",
        "--id-number",
        &id,
        "--org",
        "C350302001001",
        "--joined-on",
        "2015-06-01",
        "--full-on",
        "2016-06-01",
        "--phone",
        "13800138000",
        "--categories",
        "在职",
        "--residence",
        "350302001001",
    ]);
    let member_id = added["id"].as_i64().unwrap();
    assert_eq!(added["gender"], "男");
    assert!(added["id_number"].as_str().unwrap().contains("****"));

    let reg = cli.json(&[
        "member",
        "register",
        &member_id.to_string(),
        "--community",
        "C350302001001",
        "--on",
        "2024-01-01",
    ]);
    assert_eq!(reg["member_id"], member_id);
    let regs = cli.ok(&["org", "registrations", "C350302001001"]);
    assert!(regs.contains("在职党员 测试党员"), "{regs}");

    let shown = cli.json(&["member", "show", &member_id.to_string(), "--reveal"]);
    assert_eq!(shown["member"]["id_number"], id);
    assert_eq!(shown["registrations"].as_array().unwrap().len(), 1);

    let page = cli.json(&[
        "member",
        "list",
        "--within",
        "C350302001001",
        "--limit",
        "5",
    ]);
    assert_eq!(page["items"].as_array().unwrap().len(), 5);
    let next = page["next"].as_str().unwrap().to_string();
    let page2 = cli.json(&[
        "member",
        "list",
        "--within",
        "C350302001001",
        "--limit",
        "5",
        "--after",
        &next,
    ]);
    assert_ne!(page["items"][0]["id"], page2["items"][0]["id"]);
}

#[tokio::test]
async fn bad_input_gets_a_clear_error_and_nothing_written() {
    let cli = Cli::new().await;
    cli.ok(&[
        "org",
        "add",
        "--code",
        "D1",
        "--name",
        "中共城厢区委员会",
        "--level",
        "区委",
        "--division",
        "350302",
    ]);
    let out = cli.run(&[
        "--json",
        "org",
        "add",
        "--code",
        "S1",
        "--name",
        "街道",
        "--level",
        "street",
        "--parent",
        "D1",
        "--division",
        "350302001099",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err: serde_json::Value = serde_json::from_slice(&out.stderr).expect("json error");
    assert_eq!(err["error"]["field"], "division_code");
    assert_eq!(err["error"]["value"], "350302001099");
    assert_eq!(err["error"]["code"], "invalid");

    let out = cli.run(&[
        "member",
        "add",
        "--name",
        "某",
        "--id-number",
        "350302199001010031",
        "--org",
        "D1",
        "--joined-on",
        "2015-01-01",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let msg = String::from_utf8_lossy(&out.stderr);
    assert!(
        msg.contains("身份证号") && msg.contains("350302199001010031"),
        "{msg}"
    );

    let out = cli.run(&["org", "move", "D1", "--to", "D1"]);
    assert_eq!(out.status.code(), Some(2));
    let out = cli.run(&["org", "show", "NOPE"]);
    assert_eq!(out.status.code(), Some(3));

    let list = cli.json(&["org", "list"]);
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        1,
        "only the valid org was written"
    );
    assert_eq!(
        cli.json(&["member", "list"])["items"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn get(port: u16, path: &str) -> Option<String> {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut body = String::new();
    s.read_to_string(&mut body).ok()?;
    Some(body)
}

#[tokio::test]
async fn serve_answers_health_and_readiness() {
    let cli = Cli::new().await;
    let port = free_port();
    let mut child = cli
        .cmd()
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let health = loop {
        if let Some(r) = get(port, "/healthz") {
            break r;
        }
        assert!(Instant::now() < deadline, "server did not answer");
        std::thread::sleep(Duration::from_millis(100));
    };
    let ready = get(port, "/readyz").unwrap_or_default();
    let _ = child.kill();
    let _ = child.wait();
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(health.contains("\"status\":\"ok\""), "{health}");
    assert!(
        ready.starts_with("HTTP/1.1 200") && ready.contains("ready"),
        "{ready}"
    );
}

#[tokio::test]
async fn migrate_reports_the_schema_version() {
    let cli = Cli::new().await;
    let v = cli.json(&["migrate"]);
    assert_eq!(
        v["version"],
        jiceng_store::MIGRATIONS.last().unwrap().version
    );
}

/// One HTTP request on a fresh connection; the status line and body, or None if the server
/// is gone.
fn call(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Option<(u16, String)> {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).ok()?;
    let mut resp = String::new();
    s.read_to_string(&mut resp).ok()?;
    let status = resp.get(9..12)?.parse().ok()?;
    let (head, body) = resp.split_once("\r\n\r\n")?;
    Some((status, format!("{head}\n\n{body}")))
}

/// Kills the server with SIGKILL while cases pour in, then counts: every case the API
/// acknowledged (201) is in the database afterwards.
#[tokio::test]
async fn acknowledged_cases_survive_kill_9() {
    let cli = Cli::new().await;
    let demo = cli.json(&["demo", "--city", "莆田市", "--scale", "0.05", "--seed", "2"]);
    let password = demo["password"].as_str().unwrap().to_string();
    let port = free_port();
    let mut child = cli
        .cmd()
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while get(port, "/healthz").is_none() {
        assert!(Instant::now() < deadline, "server did not answer");
        std::thread::sleep(Duration::from_millis(100));
    }
    let (status, resp) = call(
        port,
        "POST",
        "/api/v1/session",
        &[],
        &format!(r#"{{"username":"admin","password":"{password}"}}"#),
    )
    .unwrap();
    assert_eq!(status, 200, "{resp}");
    let cookie = resp
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: "))
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let csrf = resp
        .split("\"csrf\":\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let acknowledged = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let workers: Vec<_> = (0..8)
        .map(|w| {
            let (cookie, csrf, acked) = (cookie.clone(), csrf.clone(), acknowledged.clone());
            std::thread::spawn(move || {
                for i in 0.. {
                    let body = format!(
                        r#"{{"channel":"hotline","category":"garbage","title":"断电测试","community":"C350302001001","idempotency_key":"kill-{w}-{i}"}}"#
                    );
                    let headers = [("cookie", cookie.as_str()), ("x-csrf-token", csrf.as_str())];
                    match call(port, "POST", "/api/v1/cases", &headers, &body) {
                        Some((201, r)) => {
                            let code = r.split("\"code\":\"").nth(1).unwrap().split('"').next().unwrap();
                            acked.lock().unwrap().push(code.to_string());
                        }
                        Some((status, r)) => panic!("intake refused: {status} {r}"),
                        None => break,
                    }
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(1500));
    child.kill().unwrap();
    child.wait().unwrap();
    for w in workers {
        w.join().unwrap();
    }
    let acked = acknowledged.lock().unwrap().clone();
    assert!(
        acked.len() > 50,
        "only {} cases went in before the kill",
        acked.len()
    );
    let db = jiceng_store::Db::open(
        match cli.t.backend() {
            jiceng_store::Backend::Postgres => Some(cli.t.url.as_str()),
            jiceng_store::Backend::Sqlite => None,
        },
        cli.t.dir(),
    )
    .await
    .unwrap();
    let mut tx = db.read().await.unwrap();
    let mut missing = Vec::new();
    for code in &acked {
        if jiceng_store::cases::by_code(&mut tx, code)
            .await
            .unwrap()
            .is_none()
        {
            missing.push(code.clone());
        }
    }
    assert!(
        missing.is_empty(),
        "{} of {} acknowledged cases lost: {missing:?}",
        missing.len(),
        acked.len()
    );
}

/// Rotating the audit key keeps every entry verifiable, each with the key that signed it; a
/// retired key file lost makes its entries fail, naming the key.
#[tokio::test]
async fn audit_key_rotation_keeps_the_chain_verifiable() {
    let cli = Cli::new().await;
    // This deployment keeps its key in the data directory, as a default install does.
    let own = |args: &[&str]| {
        let mut c = cli.cmd();
        c.env_remove("JICENG_AUDIT_KEY").args(args);
        c.output().expect("run jiceng")
    };
    let ok = |args: &[&str]| {
        let out = own(args);
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    ok(&[
        "org",
        "add",
        "--code",
        "D1",
        "--name",
        "区委",
        "--level",
        "district",
        "--division",
        "350302",
    ]);
    let rotated: serde_json::Value =
        serde_json::from_str(&ok(&["--json", "audit", "rotate-key"])).unwrap();
    let (old, new) = (
        rotated["retired"].as_str().unwrap().to_string(),
        rotated["current"].as_str().unwrap().to_string(),
    );
    assert_ne!(old, new);
    let retired = cli.t.dir().join("audit-keys").join(format!("{old}.key"));
    assert!(retired.exists());
    ok(&[
        "org",
        "add",
        "--code",
        "S1",
        "--name",
        "街道",
        "--level",
        "street",
        "--parent",
        "D1",
        "--division",
        "350302001",
    ]);
    let v: serde_json::Value = serde_json::from_str(&ok(&["--json", "audit", "verify"])).unwrap();
    assert!(v["first_broken"].is_null(), "{v}");
    assert_eq!(v["keys"].as_array().unwrap().len(), 2);
    let listed: serde_json::Value =
        serde_json::from_str(&ok(&["--json", "audit", "list"])).unwrap();
    let signers: std::collections::BTreeSet<String> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["operation"].as_str().unwrap().to_string())
        .collect();
    assert!(signers.contains("audit.rotate_key"), "{signers:?}");
    // Without the retired key, the entries it signed cannot be checked: the run says which.
    let kept = std::fs::read(&retired).unwrap();
    std::fs::remove_file(&retired).unwrap();
    let out = own(&["audit", "verify"]);
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains(&old), "{said}");
    std::fs::write(&retired, kept).unwrap();
    ok(&["audit", "verify"]);
    // The rotation recorded where the old key stopped; an entry it signed far beyond that
    // point is refused (here the point is moved back to make the entries before it "later").
    let marker = cli
        .t
        .dir()
        .join("audit-keys")
        .join(format!("{old}.retired"));
    let at: i64 = std::fs::read_to_string(&marker)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(at > 1, "the rotation's own entry: {at}");
    std::fs::remove_file(&marker).unwrap();
    std::fs::write(&marker, "-1001").unwrap();
    let out = own(&["audit", "verify"]);
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("轮换下来"), "{said}");
    // A key given by the environment is rotated by whoever keeps it.
    let other = Cli::new().await;
    let out = other.run(&["audit", "rotate-key"]);
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("JICENG_AUDIT_KEY"), "{said}");
    assert!(!other.t.dir().join("audit-keys").exists());
}

/// The duties and the log retention from the command line: a split needs the three accounts;
/// the retention has a floor; an archive keeps to it.
#[tokio::test]
async fn duties_and_retention_from_the_command_line() {
    let cli = Cli::new().await;
    let out = cli.run(&["user", "duties", "--split"]);
    assert_eq!(out.status.code(), Some(2), "no duty account yet");
    assert!(String::from_utf8_lossy(&out.stderr).contains("jiceng user add --role system_admin"));
    for (name, role) in [
        ("sysadmin", "system_admin"),
        ("secadmin", "安全管理员"),
        ("audadmin", "audit_admin"),
    ] {
        cli.ok(&["user", "add", "--username", name, "--role", role]);
    }
    let d = cli.json(&["user", "duties", "--split"]);
    assert_eq!(d["split"], true);
    assert!(cli.ok(&["user", "duties"]).contains("已实行"));
    let users = cli.json(&["user", "list"]);
    let sys = users["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "sysadmin")
        .unwrap()["id"]
        .to_string();
    let out = cli.run(&["--json", "user", "role", &sys, "--role", "audit_admin"]);
    assert_eq!(out.status.code(), Some(2));
    let err: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["error"]["field"], "role");
    assert_eq!(err["error"]["value"], "audit_admin");

    let out = cli.run(&["--json", "audit", "retention", "--days", "179"]);
    assert_eq!(out.status.code(), Some(2));
    let r = cli.json(&["audit", "retention", "--days", "365"]);
    assert_eq!(r["days"], 365);
    let today = jiceng_domain::clock::today().to_string();
    let out = cli.run(&["audit", "archive", "--before", &today]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("365"));
}
