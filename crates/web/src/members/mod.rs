//! members: its pages and its part of the API, and the routes that serve them.

pub(crate) mod api;
pub(crate) mod pages;
pub(crate) mod pick;
pub(crate) mod transfer;

use crate::routes::{self, Table};

pub(crate) fn pages(t: Table) -> Table {
    routes::table!(t;
        GET "/members" => pages::members [Scope];
        POST "/members" => pages::member_create [Scope];
        GET "/members/new" => pages::member_new [Scope];
        GET "/members/pick" => pick::pick [Scope];
        GET "/members/{id}" => pages::member [Record(Member)];
        POST "/members/{id}/reveal" => pages::member_reveal [Record(Member)];
        POST "/members/{id}" => pages::member_save [Record(Member)];
        GET "/members/{id}/edit" => pages::member_edit [Record(Member)];
        POST "/members/{id}/register" => pages::member_register [Record(Member)];
        GET "/members/{id}/transfer" => transfer::form [Record(Member)];
        POST "/members/{id}/transfer" => transfer::save [Record(Member)];
    )
}

pub(crate) fn api(t: Table) -> Table {
    routes::api!(t;
        api::list [Scope];
        api::add [Scope];
        api::show [Record(Member)];
        api::reveal [Record(Member)];
        api::update [Record(Member)];
        api::transfer [Record(Member)];
        api::register [Record(Member)];
        api::end_registration [Record(Registration)];
    )
}
