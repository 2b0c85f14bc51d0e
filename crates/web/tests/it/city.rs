//! The demo city the page tests share: built once per process and backend, each test working
//! on its own copy (the test kit's fixture), with the summary of the one build (its accounts
//! and their password).

use jiceng_demo::{self as demo, DemoSpec, DemoSummary, Quiet};
use jiceng_ops::Actor;
use jiceng_store::Backend;
use jiceng_store::testing::{TestDb, postgres_url};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// The run's backend: PostgreSQL when `JICENG_TEST_DATABASE_URL` is set, as `TestDb::new`.
pub(crate) fn backend() -> Backend {
    match postgres_url() {
        Some(_) => Backend::Postgres,
        None => Backend::Sqlite,
    }
}

/// A copy of the demo city (Putian at 5%, seed 5, as of today) and the summary of its build.
pub(crate) async fn demo() -> (TestDb, DemoSummary) {
    static SUMMARIES: OnceLock<Mutex<HashMap<Backend, DemoSummary>>> = OnceLock::new();
    let summaries = SUMMARIES.get_or_init(Default::default);
    let on = backend();
    let t = TestDb::fixture("demo_city", on, |db| async move {
        let spec = DemoSpec {
            city: "莆田市".into(),
            scale: 0.05,
            seed: 5,
            today: None,
        };
        let summary = demo::build(&db, &Actor::operator(), &spec, &Quiet)
            .await
            .expect("the demo city builds");
        summaries.lock().unwrap().insert(on, summary);
    })
    .await;
    let summary = summaries.lock().unwrap()[&on].clone();
    (t, summary)
}
