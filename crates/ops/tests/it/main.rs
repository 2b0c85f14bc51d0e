//! The use cases' integration tests, one binary: each module is one feature's tests, sharing
//! the small fixture city of `common`.

mod common;

mod access;
mod activities;
mod archive;
mod assessment;
mod bookings;
mod case_photos;
mod cases;
mod cobuilding;
mod duties;
mod errands;
mod evaluations;
mod imports;
mod kept_pairs;
mod kept_points;
mod log_scopes;
mod members;
mod needs;
mod orglife;
mod orgs;
mod points;
mod positions;
mod problems;
mod projects;
mod residents;
mod resources;
mod service;
mod trust;
mod volunteers;
mod wishes;
