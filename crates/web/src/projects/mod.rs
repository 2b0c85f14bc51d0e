//! projects: the 项目清单's pages and its part of the API, with the quarterly matching meeting
//! whose accepted matches become projects.

pub(crate) mod api;
pub(crate) mod meeting;
pub(crate) mod pages;

use crate::routes::{self, Table};

pub(crate) fn pages(t: Table) -> Table {
    routes::table!(t;
        GET "/projects" => pages::list [Scope];
        POST "/projects" => pages::create [Scope];
        GET "/matching" => meeting::agenda [Scope];
        POST "/matching/accept" => meeting::accept [Scope];
        GET "/projects/{id}" => pages::show [Record(Project)];
        POST "/projects/{id}/move" => pages::act [Record(Project)];
    )
}

pub(crate) fn api(t: Table) -> Table {
    routes::api!(t;
        api::list [Scope];
        api::create [Scope];
        api::agenda [Scope];
        api::accept [Scope];
        api::show [Record(Project)];
        api::act [Record(Project)];
    )
}
