//! errands: the 红色代办 pages and API, and the routes that serve them.

pub(crate) mod api;
pub(crate) mod pages;

use crate::routes::{self, Table};

pub(crate) fn pages(t: Table) -> Table {
    routes::table!(t;
        GET "/errands" => pages::list [Scope];
        POST "/errands" => pages::post [Scope];
        GET "/errands/{id}" => pages::show [Record(Errand)];
        POST "/errands/{id}/move" => pages::act [Record(Errand)];
    )
}

pub(crate) fn api(t: Table) -> Table {
    routes::api!(t;
        api::list [Scope];
        api::post [Scope];
        api::show [Record(Errand)];
        api::act [Record(Errand)];
    )
}
