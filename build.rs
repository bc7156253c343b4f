//! Rebuild when embedded data changes: the rule files and the demo estate are
//! compiled into the binary (include_dir! / include_str!), which cargo does not
//! track on its own for directories.
fn main() {
    println!("cargo:rerun-if-changed=rules");
    println!("cargo:rerun-if-changed=fixtures/demo");
    println!("cargo:rerun-if-changed=reports/templates");
    println!("cargo:rerun-if-changed=data");
}
