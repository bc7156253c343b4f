//! ECR repositories and registry replication read from the emulator, which serves
//! DescribeRepositories and DescribeRegistry (the `stack` scenario of
//! `tests/seed_moto.py`: `web` and `worker` in both pair regions, a us-east-1 rule
//! copying `web*` to eu-west-1). Read directly, the emulator does not serve
//! CloudWatch to the AWS SDK for Rust (it answers the CBOR path 404): each pair
//! region's alarms are a gap naming the operation. Alarms are read through the test
//! proxy's protocol bridge in `tests/alarms_live.rs`, and on recorded bodies in
//! `tests/aws_shapes.rs`.

mod support;

use support::moto::{collect_inventory, Moto};

#[test]
fn the_emulator_serves_repositories_and_registry_replication() {
    let moto = Moto::start();
    let seed = moto.seed(&["stack"]);
    let account = seed["management"].as_str().expect("management account");
    let dir = tempfile::tempdir().expect("tempdir");
    let inv = collect_inventory(&moto.url(), dir.path());
    let mut got = Vec::new();
    for a in inv.accounts.iter().filter(|a| a.account_id == account) {
        for r in &a.regions {
            for e in &r.ecr_repositories {
                got.push(format!(
                    "{} {} {} to={:?}",
                    r.region, e.name, e.arn, e.replicated_to
                ));
            }
        }
    }
    for g in inv
        .gaps
        .iter()
        .filter(|g| g.service == "cloudwatch" || g.service == "ecr")
    {
        got.push(format!(
            "gap {} {} {} {}",
            g.region.as_deref().unwrap_or("-"),
            g.service,
            g.operation.as_deref().unwrap_or("-"),
            g.error_code
        ));
    }
    let arn =
        |region: &str, name: &str| format!("arn:aws:ecr:{region}:{account}:repository/{name}");
    pretty_assertions::assert_eq!(
        got,
        [
            format!("eu-west-1 web {} to=Some([])", arn("eu-west-1", "web")),
            format!(
                "eu-west-1 worker {} to=Some([])",
                arn("eu-west-1", "worker")
            ),
            format!(
                "us-east-1 web {} to=Some([\"eu-west-1\"])",
                arn("us-east-1", "web")
            ),
            format!(
                "us-east-1 worker {} to=Some([])",
                arn("us-east-1", "worker")
            ),
            "gap eu-west-1 cloudwatch DescribeAlarms HTTP404".to_string(),
            "gap us-east-1 cloudwatch DescribeAlarms HTTP404".to_string(),
        ]
    );
}
