//! service: its pages and its part of the API, and the routes that serve them.

pub(crate) mod api;
pub(crate) mod pages;

use crate::routes::{self, Table};

pub(crate) fn pages(t: Table) -> Table {
    routes::table!(t;
        GET "/service" => pages::list [Scope];
        POST "/service" => pages::record [Scope];
        POST "/service/{id}/delete" => pages::delete [Record(ServiceRecord)];
    )
}

pub(crate) fn api(t: Table) -> Table {
    routes::api!(t;
        api::list [Scope];
        api::record [Scope];
        api::delete [Record(ServiceRecord)];
    )
}
