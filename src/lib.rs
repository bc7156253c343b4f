//! regionready: proves, with evidence, whether an AWS Organization is ready to run
//! active-active across two regions, and what to fix first.
//!
//! The pipeline has one stage per module, each a plain function over plain data:
//! [`collect`] (the only I/O against AWS) -> [`inventory::Inventory`] ->
//! [`engine::evaluate`] -> [`evaluation::Evaluation`] -> [`score::compute`] ->
//! [`report`] writers.

pub mod analysis;
pub mod cli;
pub mod collect;
pub mod config;
pub mod demo;
pub mod diagnostics;
pub mod engine;
pub mod evaluation;
pub mod exit;
pub mod expr;
pub mod gate;
pub mod inventory;
pub mod kinds;
pub mod report;
pub mod rules;
pub mod sanitize;
pub mod scan;
pub mod score;
pub mod severity;
pub mod span;
