//! resources: the 资源清单's pages and its part of the API, and the routes that serve them;
//! with the suggestions matching keeps for each need.

pub(crate) mod api;
pub(crate) mod pages;

use crate::routes::{self, Table};

pub(crate) fn pages(t: Table) -> Table {
    routes::table!(t;
        GET "/resources" => pages::list [Scope];
        POST "/resources" => pages::post [Scope];
        POST "/matching/refresh" => pages::refresh [Scope];
        GET "/resources/{id}" => pages::show [Record(Resource)];
        POST "/resources/{id}/withdraw" => pages::withdraw [Record(Resource)];
        POST "/needs/{id}/suggest" => pages::suggest [Record(Need)];
    )
}

pub(crate) fn api(t: Table) -> Table {
    routes::api!(t;
        api::list [Scope];
        api::post [Scope];
        api::refresh [Scope];
        api::show [Record(Resource)];
        api::withdraw [Record(Resource)];
        api::suggestions [Record(Need)];
        api::suggest [Record(Need)];
    )
}
