//! problems: the 问题清单's pages and API, and the routes that serve them.

pub(crate) mod api;
pub(crate) mod pages;

use crate::routes::{self, Table};

pub(crate) fn pages(t: Table) -> Table {
    routes::table!(t;
        GET "/problems" => pages::list [Scope];
        POST "/problems" => pages::post [Scope];
        GET "/problems/{id}" => pages::show [Record(Problem)];
        POST "/problems/{id}/move" => pages::act [Record(Problem)];
    )
}

pub(crate) fn api(t: Table) -> Table {
    routes::api!(t;
        api::list [Scope];
        api::post [Scope];
        api::show [Record(Problem)];
        api::act [Record(Problem)];
    )
}
