//! The bundled demo estate, embedded so `regionready scan --demo` works from any
//! directory with no AWS credentials: a payments platform on us-east-1 + eu-west-1
//! with every anti-pattern regionready knows next to correctly built resources.

use crate::config::Config;
use crate::inventory::Inventory;

pub const DEMO_INVENTORY: &str = include_str!("../fixtures/demo/inventory.json");
pub const DEMO_CONFIG: &str = include_str!("../fixtures/demo/regionready.toml");

pub fn inventory() -> Inventory {
    Inventory::from_json(DEMO_INVENTORY.as_bytes(), "<demo>/inventory.json")
        .expect("the demo inventory is valid")
}

pub fn config() -> Config {
    Config::parse(DEMO_CONFIG, "<demo>/regionready.toml").expect("the demo config is valid")
}
