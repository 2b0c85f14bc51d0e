//! members: its pages and its part of the API, and the routes that serve them.

pub(crate) mod api;
pub(crate) mod pages;
pub(crate) mod transfer;

use crate::routes::{self, Table};

pub(crate) fn pages(t: Table) -> Table {
    routes::table!(t;
        GET "/members" => pages::members;
        POST "/members" => pages::member_create;
        GET "/members/new" => pages::member_new;
        GET "/members/{id}" => pages::member;
        POST "/members/{id}" => pages::member_save;
        GET "/members/{id}/edit" => pages::member_edit;
        POST "/members/{id}/register" => pages::member_register;
        GET "/members/{id}/transfer" => transfer::form;
        POST "/members/{id}/transfer" => transfer::save;
    )
}

pub(crate) fn api(t: Table) -> Table {
    routes::api!(t;
        api::list;
        api::add;
        api::show;
        api::update;
        api::transfer;
        api::register;
        api::end_registration;
    )
}
