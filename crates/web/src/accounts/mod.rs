//! accounts: its pages and its part of the API, and the routes that serve them.

pub(crate) mod api;
pub(crate) mod pages;
pub(crate) mod session;

use crate::routes::{self, Table};

pub(crate) fn pages(t: Table) -> Table {
    routes::table!(t;
        GET "/login" => session::login_form;
        POST "/login" => session::login;
        POST "/logout" => session::logout;
        GET "/password" => session::password_form;
        POST "/password" => session::password;
        GET "/users" => pages::list;
        POST "/users" => pages::create;
        GET "/users/new" => pages::new_form;
        GET "/tokens" => pages::tokens;
        POST "/tokens" => pages::create_token;
        POST "/tokens/{id}/revoke" => pages::revoke_token;
    )
}

pub(crate) fn api(t: Table) -> Table {
    routes::api!(t;
        api::login;
        api::logout;
        api::me;
        api::change_password;
        api::tokens;
        api::create_token;
        api::revoke_token;
        api::users;
        api::create_user;
    )
}
