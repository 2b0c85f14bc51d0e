//! positions: the 阵地 register, their floor-area standards and the service circle — pages,
//! API and the routes that serve them.

pub(crate) mod api;
pub(crate) mod pages;

use crate::routes::{self, Table};

pub(crate) fn pages(t: Table) -> Table {
    routes::table!(t;
        GET "/positions" => pages::list [Scope];
        POST "/positions" => pages::register [Scope];
        POST "/positions/standards" => pages::set_standard [Scope];
        GET "/positions/{id}" => pages::show [Record(Position)];
        GET "/circle" => pages::circle [Scope];
    )
}

pub(crate) fn api(t: Table) -> Table {
    routes::api!(t;
        api::list [Scope];
        api::register [Scope];
        api::show [Record(Position)];
        api::standards [Scope];
        api::set_standard [Scope];
        api::coverage [Scope];
        api::siting [Scope];
    )
}
