//! Test support for the live-collection tests: the emulator, a fault-injecting
//! proxy, and a way to run the scanner binary against them.
#![allow(dead_code)]

pub mod calls;
pub mod moto;
pub mod proxy;
