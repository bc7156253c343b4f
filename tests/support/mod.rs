//! Test support for the live-collection tests: the emulator, a fault-injecting
//! proxy (with a protocol bridge for CloudWatch), and a way to run the scanner
//! binary against them.
#![allow(dead_code)]

pub mod calls;
pub mod cloudwatch_bridge;
pub mod moto;
pub mod proxy;
