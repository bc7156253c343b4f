"""Asks the emulator every operation recorded here and checks its answers against
AWS's service model, as validate.py checks the recorded bodies.

usage: survey_emulator.py ENDPOINT_URL

Seeds the emulator with seed_moto.py's `stack` scenario first (the emulator must be
fresh), then prints one line per call: service, operation, the call's variant, the
HTTP status, and what validate.py finds wrong in the body. The findings table of
README.md ("What the emulator serves") is read from this output. boto3 speaks the
protocol botocore prefers (JSON for CloudWatch, where the AWS SDK for Rust speaks
CBOR); the body is checked in the protocol it came in.
"""
import os
import re
import subprocess
import sys
import tempfile

import boto3
import botocore.config

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
# No __pycache__ in tests/corpus/: every directory there is a service of bodies.
sys.dont_write_bytecode = True
import validate  # noqa: E402

ENDPOINT = sys.argv[1]
CREDS = dict(aws_access_key_id="testing", aws_secret_access_key="testing")
EXT = {"json": "json", "rest-json": "json", "query": "xml", "rest-xml": "xml", "smithy-rpc-v2-cbor": "cbor"}


def client(service, region="us-east-1"):
    c = boto3.client(
        service,
        region_name=region,
        endpoint_url=ENDPOINT,
        config=botocore.config.Config(retries={"max_attempts": 1}),
        **CREDS,
    )
    c.meta.events.register("before-parse.*", keep)
    return c


LAST = {}
TOKENS = ("NextMarker", "nextToken", "NextToken", "Marker", "ContinuationToken", "PaginationToken", "NextRecordName")


def keep(operation_model=None, response_dict=None, **_):
    LAST["answer"] = (response_dict["status_code"], response_dict["body"])
    LAST["protocol"] = operation_model.service_model.resolved_protocol


def ask(service, operation, variant, region="us-east-1", **params):
    LAST.clear()
    c = client(service, region)
    parsed = {}
    try:
        parsed = getattr(c, {v: k for k, v in c.meta.method_to_api_mapping.items()}[operation])(**params)
    except Exception:
        pass
    if "answer" not in LAST:
        return print(f"{service}\t{operation}\t{variant}\tno answer\t")
    status, body = LAST["answer"]
    if status >= 500 or body.lstrip()[:1] == b"<" and b"<html" in body[:200].lower():
        return print(f"{service}\t{operation}\t{variant}\t{status}\tnot implemented (HTML)")
    protocol = LAST["protocol"]
    name = f"{variant}.{EXT[protocol]}" if status < 300 else f"error-{status}-x.{EXT[protocol]}"
    with tempfile.TemporaryDirectory() as corpus:
        path = os.path.join(corpus, service, operation, name)
        os.makedirs(os.path.dirname(path))
        with open(path, "wb") as f:
            f.write(body)
        saved = dict(validate.RUST_PROTOCOL)
        validate.RUST_PROTOCOL[service] = protocol
        try:
            found = validate.check(corpus, path) if status < 300 else [f"error body: {body[:200]!r}"]
        finally:
            validate.RUST_PROTOCOL.clear()
            validate.RUST_PROTOCOL.update(saved)
    problems = sorted({re.sub(r"\[\d+\]", "[]", p.split(": ", 1)[1]) for p in found})
    flat = parsed.get("DistributionList", parsed)
    paged = [t for t in TOKENS if flat.get(t)]
    note = f" (next page: {', '.join(paged)})" if paged else ""
    print(f"{service}\t{operation}\t{variant}\t{status}{note}\t" + (" | ".join(problems) if problems else "matches the model"))


def main():
    seeded = subprocess.run(
        [sys.executable, os.path.join(HERE, "..", "seed_moto.py"), ENDPOINT, "stack"], check=True, capture_output=True, text=True
    )
    import json

    out = json.loads(seeded.stdout)
    zone = out["zone"].rsplit("/", 1)[-1]
    client("application-autoscaling").register_scalable_target(
        ServiceNamespace="ecs", ResourceId="service/prod/web", ScalableDimension="ecs:service:DesiredCount", MinCapacity=6, MaxCapacity=30
    )
    ask("lambda", "ListFunctions", "all")
    ask("lambda", "ListFunctions", "MaxItems=1", MaxItems=1)
    ask("lambda", "GetFunctionConcurrency", "reserved", FunctionName="orders-api")
    ask("lambda", "GetFunctionConcurrency", "unreserved", FunctionName="checkout")
    ask("lambda", "GetAccountSettings", "default")
    ask("ecs", "ListClusters", "all")
    ask("ecs", "ListServices", "maxResults=1", cluster="prod", maxResults=1)
    ask("ecs", "DescribeServices", "web+missing", cluster="prod", services=["web", "missing"], include=["TAGS"])
    ask("ecs", "DescribeTaskDefinition", "web", taskDefinition="web", include=["TAGS"])
    ask("autoscaling", "DescribeAutoScalingGroups", "all")
    ask("autoscaling", "DescribeAutoScalingGroups", "MaxRecords=1", MaxRecords=1)
    ask("application-autoscaling", "DescribeScalableTargets", "ecs", ServiceNamespace="ecs")
    ask("route53", "ListHostedZones", "all")
    ask("route53", "ListResourceRecordSets", "zone", HostedZoneId=zone)
    ask("route53", "ListResourceRecordSets", "MaxItems=2", HostedZoneId=zone, MaxItems="2")
    ask("route53", "ListHealthChecks", "all")
    ask("route53", "ListHealthChecks", "MaxItems=1", MaxItems="1")
    ask("globalaccelerator", "ListAccelerators", "all", region="us-west-2")
    ask("cloudfront", "ListDistributions", "all")
    ask("s3", "ListBuckets", "MaxBuckets=1", MaxBuckets=1)
    ask("s3", "GetBucketVersioning", "enabled", Bucket="stack-uploads-use1")
    ask("s3", "GetBucketVersioning", "partner bucket from us-east-1", Bucket="stack-uploads-euw1")
    ask("s3", "GetBucketReplication", "to partner", Bucket="stack-uploads-use1")
    ask("s3", "GetBucketReplication", "none", Bucket="stack-reports-use1")
    ask("ecr", "DescribeRegistry", "replication")
    ask("ecr", "DescribeRepositories", "maxResults=1", maxResults=1)
    ask("elasticache", "DescribeReplicationGroups", "all")
    ask("elasticache", "DescribeGlobalReplicationGroups", "all", ShowMemberInfo=True)
    ask("dynamodb", "DescribeTable", "orders", TableName="orders")
    ask("dynamodb", "DescribeTableReplicaAutoScaling", "orders", TableName="orders")
    ask("cloudwatch", "DescribeAlarms", "all")
    ask("cloudwatch", "DescribeAlarms", "MaxRecords=1", MaxRecords=1)
    ask("resourcegroupstaggingapi", "GetResources", "all")
    ask("resourcegroupstaggingapi", "GetResources", "ResourcesPerPage=1", ResourcesPerPage=1)


if __name__ == "__main__":
    main()
