//! orgs: its pages and its part of the API, and the routes that serve them.

pub(crate) mod admin;
pub(crate) mod api;
pub(crate) mod pages;

use crate::routes::{self, Table};

pub(crate) fn pages(t: Table) -> Table {
    routes::table!(t;
        GET "/orgs" => pages::orgs;
        POST "/orgs" => admin::create;
        GET "/orgs/new" => admin::new_form;
        GET "/orgs/{code}" => pages::org;
        GET "/orgs/{code}/move" => admin::move_form;
        POST "/orgs/{code}/move" => admin::move_to;
        POST "/orgs/{code}/delete" => admin::delete;
        GET "/orgs/{code}/seats" => admin::seat_form;
        POST "/orgs/{code}/seats" => admin::add_seat;
        GET "/orgs/{code}/children" => pages::org_children;
        POST "/orgs/{code}/registrations" => pages::org_register;
    )
}

pub(crate) fn api(t: Table) -> Table {
    routes::api!(t;
        api::list;
        api::add;
        api::show;
        api::delete;
        api::move_to;
        api::add_seat;
        api::registrations;
    )
}
