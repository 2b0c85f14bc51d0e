//! The web crate's black-box tests, one binary: the JSON API and the pages, each driven
//! through the router as a client would.

/// A phone photo: 640×480 with EXIF orientation 6 and a GPS block.
pub(crate) const PHONE_PHOTO: &[u8] = include_bytes!("../../../ops/tests/fixtures/phone.jpg");

mod activities;
mod api;
mod bodies;
mod bookings;
mod case_page;
mod case_photos;
mod city;
mod console;
mod duties;
mod errands;
mod exports;
mod failures;
mod imports;
mod needs;
mod pages;
mod positions;
mod problems;
mod projects;
mod residents;
mod resources;
mod routes;
mod trust;
mod wishes;
