//! needs: the 需求清单's pages and its part of the API, and the routes that serve them.

pub(crate) mod api;
pub(crate) mod pages;

use crate::routes::{self, Table};

pub(crate) fn pages(t: Table) -> Table {
    routes::table!(t;
        GET "/needs" => pages::list [Scope];
        POST "/needs" => pages::post [Scope];
        GET "/needs/figures" => pages::figures [Scope];
        GET "/needs/categories" => pages::categories [Scope];
        POST "/needs/categories" => pages::put_category [Scope];
        GET "/needs/{id}" => pages::show [Record(Need)];
        POST "/needs/{id}/move" => pages::act [Record(Need)];
        POST "/needs/{id}/rating" => pages::rate [Record(Need)];
    )
}

pub(crate) fn api(t: Table) -> Table {
    routes::api!(t;
        api::list [Scope];
        api::post [Scope];
        api::figures [Scope];
        api::categories [Scope];
        api::put_category [Scope];
        api::show [Record(Need)];
        api::act [Record(Need)];
        api::rate [Record(Need)];
    )
}
