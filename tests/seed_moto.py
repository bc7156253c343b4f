"""Seeds the AWS emulator (moto server) with an organization for the live-collection
tests and the benchmark. Prints what it created as JSON on stdout.

usage: seed_moto.py ENDPOINT_URL full|bench [N_ACCOUNTS]|tables N_TABLES|stack|alarms
"""
import io
import json
import os
import sys
import zipfile

import boto3

ENDPOINT = sys.argv[1]
SCENARIO = sys.argv[2]
MANAGEMENT_CREDS = dict(aws_access_key_id="testing", aws_secret_access_key="testing")
SCP_DENY_OUTSIDE = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "DenyOutsidePair",
            "Effect": "Deny",
            "NotAction": ["iam:*", "organizations:*", "sts:*", "support:*"],
            "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}},
        }
    ],
}


def client(service, region, creds=MANAGEMENT_CREDS):
    return boto3.client(service, region_name=region, endpoint_url=ENDPOINT, **creds)

def function_role(name, creds=MANAGEMENT_CREDS):
    """The ARN of Lambda execution role `name`, created on first use. Its trust
    policy names the Lambda service principal: a name in a policy document."""
    iam = client("iam", "us-east-1", creds)
    try:
        return iam.get_role(RoleName=name)["Role"]["Arn"]
    except iam.exceptions.NoSuchEntityException:
        return iam.create_role(
            RoleName=name,
            AssumeRolePolicyDocument=json.dumps(
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
            ),
        )["Role"]["Arn"]


def ecr_image(account, region, repository):
    """An image name as task definitions carry it: the scanner reads the registry's
    account and region from it. A name, never an address the tests contact."""
    return f"{account}.dkr.ecr.{region}.amazonaws.com/{repository}"


def member_creds(account_id):
    sts = client("sts", "us-east-1")
    c = sts.assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/OrganizationAccountAccessRole", RoleSessionName="seed"
    )["Credentials"]
    return dict(
        aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"], aws_session_token=c["SessionToken"]
    )


def organization(n_members):
    org = client("organizations", "us-east-1")
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    workloads = org.create_organizational_unit(ParentId=root, Name="Workloads")["OrganizationalUnit"]["Id"]
    prod = org.create_organizational_unit(ParentId=workloads, Name="Prod")["OrganizationalUnit"]["Id"]
    sandbox = org.create_organizational_unit(ParentId=root, Name="Sandbox")["OrganizationalUnit"]["Id"]
    members = []
    for i in range(n_members):
        status = org.create_account(Email=f"member{i}@example.com", AccountName=f"member{i}")["CreateAccountStatus"]
        account_id = status["AccountId"]
        target = prod if i % 2 == 0 else sandbox
        org.move_account(AccountId=account_id, SourceParentId=root, DestinationParentId=target)
        members.append(account_id)
    try:
        org.enable_policy_type(RootId=root, PolicyType="SERVICE_CONTROL_POLICY")
    except Exception:
        pass
    policy = org.create_policy(
        Content=json.dumps(SCP_DENY_OUTSIDE),
        Description="Deny everything outside the region pair",
        Name="deny-outside-pair",
        Type="SERVICE_CONTROL_POLICY",
    )["Policy"]["PolicySummary"]["Id"]
    org.attach_policy(PolicyId=policy, TargetId=prod)
    management = org.describe_organization()["Organization"]["MasterAccountId"]
    return dict(management=management, members=members, root=root, workloads=workloads, prod=prod, sandbox=sandbox, scp=policy)


def table(region, name, pitr, creds=MANAGEMENT_CREDS):
    ddb = client("dynamodb", region, creds)
    ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        Tags=[{"Key": "data-residency", "Value": "eu"}],
    )
    if pitr:
        ddb.update_continuous_backups(TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
    return f"arn:aws:dynamodb:{region}:"


def full():
    out = organization(2)
    mgmt, (a, b) = out["management"], out["members"]
    kms_east = client("kms", "us-east-1")
    mrk = kms_east.create_key(MultiRegion=True, Description="mrk", Tags=[{"TagKey": "team", "TagValue": "core"}])["KeyMetadata"]
    kms_east.create_alias(AliasName="alias/app-mrk", TargetKeyId=mrk["KeyId"])
    replica = client("kms", "us-east-1").replicate_key(KeyId=mrk["KeyId"], ReplicaRegion="eu-west-1")["ReplicaKeyMetadata"]
    single = kms_east.create_key(Description="single")["KeyMetadata"]
    kms_east.create_alias(AliasName="alias/app-secrets", TargetKeyId=single["KeyId"])
    sm = client("secretsmanager", "us-east-1")
    replicated = sm.create_secret(
        Name="app/db",
        SecretString="x",
        KmsKeyId=single["Arn"],
        # The replica asks for the multi-Region replica key; the emulator ignores it
        # and reports alias/aws/secretsmanager (AWS reports the key asked for).
        AddReplicaRegions=[{"Region": "eu-west-1", "KmsKeyId": replica["Arn"]}],
    )["ARN"]
    local = sm.create_secret(Name="app/local", SecretString="x", Tags=[{"Key": "team", "Value": "core"}])["ARN"]
    table("us-east-1", "orders", True)
    table("us-east-1", "scratch", False)
    table("eu-west-1", "orders", True)
    table("ap-southeast-2", "stray", True)
    rds_east = client("rds", "us-east-1")
    rds_east.create_global_cluster(GlobalClusterIdentifier="gdb", Engine="aurora-postgresql")
    primary = rds_east.create_db_cluster(
        DBClusterIdentifier="gdb-use1",
        Engine="aurora-postgresql",
        MasterUsername="admin",
        MasterUserPassword="password123",
        GlobalClusterIdentifier="gdb",
        StorageEncrypted=True,
    )["DBCluster"]["DBClusterArn"]
    secondary = client("rds", "eu-west-1").create_db_cluster(
        DBClusterIdentifier="gdb-euw1",
        Engine="aurora-postgresql",
        MasterUsername="admin",
        GlobalClusterIdentifier="gdb",
        StorageEncrypted=True,
    )["DBCluster"]["DBClusterArn"]
    solo = rds_east.create_db_cluster(
        DBClusterIdentifier="solo",
        Engine="aurora-mysql",
        MasterUsername="admin",
        MasterUserPassword="password123",
        Tags=[{"Key": "data-residency", "Value": "us"}],
    )["DBCluster"]["DBClusterArn"]
    # Member a (OU Prod): a single-Region key and a table without PITR.
    ca = member_creds(a)
    a_key = client("kms", "us-east-1", ca).create_key(Description="member key")["KeyMetadata"]["Arn"]
    table("us-east-1", "a-table", False, ca)
    # Member b (OU Sandbox): a secret in eu-west-1 and a key in ap-southeast-2.
    cb = member_creds(b)
    b_secret = client("secretsmanager", "eu-west-1", cb).create_secret(Name="b/secret", SecretString="x")["ARN"]
    b_key = client("kms", "ap-southeast-2", cb).create_key(Description="stray key")["KeyMetadata"]["Arn"]
    # An organization aggregator: the collector asks it first (the emulator does not
    # implement SelectAggregateResourceConfig, so the collector falls back).
    client("config", "us-east-1").put_configuration_aggregator(
        ConfigurationAggregatorName="org",
        OrganizationAggregationSource={"RoleArn": f"arn:aws:iam::{mgmt}:role/config", "AllAwsRegions": True},
    )
    out.update(
        mrk=mrk["Arn"], mrk_replica=replica["Arn"], single=single["Arn"], replicated=replicated, local=local,
        primary=primary, secondary=secondary, solo=solo, a_key=a_key, b_secret=b_secret, b_key=b_key,
    )
    return out


def bench(n):
    """n accounts (management + n-1 members), each running the same workload in
    both regions of the pair, as an active-active estate does: per pair region 2 KMS
    keys, 3 secrets, 4 DynamoDB tables (PITR on half), an Aurora global database's
    cluster with one instance, 4 Lambda functions (2 with reserved concurrency), an ECS cluster
    with 3 services, 2 Auto Scaling groups, 3 ECR repositories (us-east-1 replicates
    its registry to eu-west-1), a Redis replication group; per account 2 buckets in
    each region replicating both ways with the partner's, a Route 53 zone with
    latency and failover records behind a health check per region, and a CloudFront
    distribution with an origin in each region.

    Per account and region also 2 alarms on replication lag (a table's, the Aurora
    cluster's), read through the test proxy's CloudWatch bridge.

    Left out because the emulator cannot create or serve them (the bench's doc
    comment says the same): Global Accelerator (not implemented), DynamoDB global
    tables, ElastiCache Global Datastores and CloudFront origin groups."""
    out = organization(n - 1)
    for account in [out["management"]] + out["members"]:
        creds = MANAGEMENT_CREDS if account == out["management"] else member_creds(account)
        for region in PAIR:
            bench_data(region, creds)
            bench_compute(account, region, creds)
            bench_alarms(account, region, creds)
        bench_storage(account, creds)
        bench_traffic(account, creds)
    return out


def bench_data(region, creds):
    """The data stores the estate has always had: keys, secrets, tables, Aurora."""
    kms = client("kms", region, creds)
    for i in range(2):
        kms.create_key(Description=f"k{i}")
    sm = client("secretsmanager", region, creds)
    for i in range(3):
        sm.create_secret(Name=f"s{i}", SecretString="x")
    for i in range(4):
        table(region, f"t{i}", i % 2 == 0, creds)
    # An Aurora global database: its primary cluster in the first region of the
    # pair, a secondary in the other, each with one instance.
    rds = client("rds", region, creds)
    cluster = dict(DBClusterIdentifier=f"c0-{region}", Engine="aurora-mysql", MasterUsername="admin", GlobalClusterIdentifier="c0")
    if region == PAIR[0]:
        rds.create_global_cluster(GlobalClusterIdentifier="c0", Engine="aurora-mysql")
        cluster["MasterUserPassword"] = "password123"
    rds.create_db_cluster(**cluster)
    rds.create_db_instance(DBInstanceIdentifier=f"c0-{region}-1", DBClusterIdentifier=f"c0-{region}", Engine="aurora-mysql", DBInstanceClass="db.r6g.large")
    client("elasticache", region, creds).create_replication_group(
        ReplicationGroupId="sessions",
        ReplicationGroupDescription="session cache",
        Engine="redis",
        CacheNodeType="cache.r7g.large",
        NumCacheClusters=2,
    )


def bench_alarms(account, region, creds):
    """Alarms on the replication lag of a table and of the region's Aurora cluster,
    notifying the on-call topic."""
    partner = PAIR[1] if region == PAIR[0] else PAIR[0]
    cw = client("cloudwatch", region, creds)
    for name, namespace, metric, dimensions, threshold in (
        ("t0-replication", "AWS/DynamoDB", "ReplicationLatency", [("TableName", "t0"), ("ReceivingRegion", partner)], 60000),
        ("c0-rpo-lag", "AWS/RDS", "AuroraGlobalDBRPOLag", [("DBClusterIdentifier", f"c0-{region}")], 1000),
    ):
        cw.put_metric_alarm(
            AlarmName=name,
            Namespace=namespace,
            MetricName=metric,
            Dimensions=[{"Name": k, "Value": v} for k, v in dimensions],
            Statistic="Average",
            Period=60,
            EvaluationPeriods=5,
            Threshold=threshold,
            ComparisonOperator="GreaterThanThreshold",
            AlarmActions=[f"arn:aws:sns:{region}:{account}:oncall"],
        )


def bench_compute(account, region, creds):
    """Lambda functions, ECS services, Auto Scaling groups and ECR repositories: the
    same in both regions of the pair."""
    role = function_role("bench-functions", creds)
    fn = client("lambda", region, creds)
    code = zipped_handler()
    for name, reserved in (("orders-api", 100), ("payments", 50), ("events", None), ("thumbnails", None)):
        fn.create_function(
            FunctionName=name,
            Runtime="python3.12",
            Role=role,
            Handler="app.handler",
            Code={"ZipFile": code},
            MemorySize=512,
            Timeout=10,
            Environment={"Variables": {"TABLE_ARN": f"arn:aws:dynamodb:{region}:{account}:table/t0"}},
            Tags={"workload": name},
        )
        if reserved is not None:
            fn.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=reserved)
    ecs = client("ecs", region, creds)
    ecs.create_cluster(clusterName="prod")
    ecr = client("ecr", region, creds)
    for name, desired in (("web", 6), ("worker", 4), ("cron", 1)):
        ecr.create_repository(repositoryName=name)
        ecs.register_task_definition(
            family=name,
            containerDefinitions=[
                {
                    "name": name,
                    "image": ecr_image(account, region, name) + ":v42",
                    "memory": 512,
                    "environment": [{"name": "TABLE_ARN", "value": f"arn:aws:dynamodb:{region}:{account}:table/t0"}],
                }
            ],
            requiresCompatibilities=["FARGATE"],
            networkMode="awsvpc",
            cpu="256",
            memory="512",
        )
        ecs.create_service(cluster="prod", serviceName=name, taskDefinition=name, desiredCount=desired, launchType="FARGATE")
    if region == PAIR[0]:
        ecr.put_replication_configuration(
            replicationConfiguration={"rules": [{"destinations": [{"region": PAIR[1], "registryId": account}]}]}
        )
    ec2 = client("ec2", region, creds)
    asg = client("autoscaling", region, creds)
    for name, size in (("api", 4), ("batch", 2)):
        template = ec2.create_launch_template(
            LaunchTemplateName=name, LaunchTemplateData={"ImageId": "ami-12c6146b", "InstanceType": "t3.micro"}
        )["LaunchTemplate"]["LaunchTemplateId"]
        asg.create_auto_scaling_group(
            AutoScalingGroupName=name,
            LaunchTemplate={"LaunchTemplateId": template, "Version": "$Latest"},
            MinSize=size,
            MaxSize=20,
            DesiredCapacity=size,
            AvailabilityZones=[f"{region}a", f"{region}b"],
        )


def bench_storage(account, creds):
    """Two buckets in each pair region, each replicating to its partner (two-way
    replication, as active-active writes in both regions)."""
    role = f"arn:aws:iam::{account}:role/s3-replication"
    names = {r: {kind: f"{kind}-{account}-{r}" for kind in ("uploads", "exports")} for r in PAIR}
    for region in PAIR:
        s3 = client("s3", region, creds)
        kwargs = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
        for name in names[region].values():
            s3.create_bucket(Bucket=name, **kwargs)
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    for region, partner in (PAIR, PAIR[::-1]):
        s3 = client("s3", region, creds)
        for kind, name in names[region].items():
            s3.put_bucket_replication(
                Bucket=name,
                ReplicationConfiguration={
                    "Role": role,
                    "Rules": [
                        {
                            "ID": f"{kind}-to-{partner}",
                            "Priority": 1,
                            "Filter": {},
                            "Status": "Enabled",
                            "DeleteMarkerReplication": {"Status": "Enabled"},
                            "Destination": {"Bucket": f"arn:aws:s3:::{names[partner][kind]}"},
                        }
                    ],
                },
            )


def bench_traffic(account, creds):
    """The account's zone: latency records for the API and failover records for
    sign-in, behind a health check per region; a distribution with an origin in
    each region."""
    r53 = client("route53", "us-east-1", creds)
    domain = f"a{account}.example.com"
    zone = r53.create_hosted_zone(Name=domain, CallerReference=f"bench-{account}")["HostedZone"]["Id"]
    checks = {
        r: r53.create_health_check(
            CallerReference=f"bench-{account}-{r}",
            HealthCheckConfig={"Type": "HTTPS", "FullyQualifiedDomainName": f"api-{r}.{domain}", "Port": 443, "ResourcePath": "/health"},
        )["HealthCheck"]["Id"]
        for r in PAIR
    }
    changes = []
    for r in PAIR:
        changes.append(
            {
                "Action": "CREATE",
                "ResourceRecordSet": {
                    "Name": f"api.{domain}",
                    "Type": "A",
                    "SetIdentifier": r,
                    "Region": r,
                    "HealthCheckId": checks[r],
                    "AliasTarget": {"HostedZoneId": ELB_ZONES[r], "DNSName": "dualstack." + alb(r, "api"), "EvaluateTargetHealth": True},
                },
            }
        )
    for set_id, role, r in (("primary", "PRIMARY", PAIR[0]), ("secondary", "SECONDARY", PAIR[1])):
        changes.append(
            {
                "Action": "CREATE",
                "ResourceRecordSet": {
                    "Name": f"auth.{domain}",
                    "Type": "CNAME",
                    "SetIdentifier": set_id,
                    "Failover": role,
                    "TTL": 60,
                    "HealthCheckId": checks[r],
                    "ResourceRecords": [{"Value": f"auth-{r}.{domain}"}],
                },
            }
        )
    r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": changes})
    origins = [
        {"Id": f"web-{r}", "DomainName": alb(r, "web"), "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "https-only"}}
        for r in PAIR
    ]
    client("cloudfront", "us-east-1", creds).create_distribution(
        DistributionConfig={
            "CallerReference": f"bench-{account}",
            "Comment": f"www.{domain}",
            "Enabled": True,
            "Origins": {"Quantity": len(origins), "Items": origins},
            "DefaultCacheBehavior": {
                "TargetOriginId": origins[0]["Id"],
                "ViewerProtocolPolicy": "redirect-to-https",
                "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
            },
        }
    )


def tables(n):
    """n tables in the caller's account in us-east-1, no organization."""
    ddb = client("dynamodb", "us-east-1")
    for i in range(n):
        ddb.create_table(
            TableName=f"t{i:04d}",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
            Tags=[{"Key": "data-residency", "Value": "eu"}],
        )
    return {"tables": n}


PAIR = ("us-east-1", "eu-west-1")
ELB_ZONES = {"us-east-1": "Z35SXDOTRQ7X7K", "eu-west-1": "Z32O12XQLNTSW2", "ap-southeast-2": "Z1GM3OXH4ZPM65"}


def alb(region, name):
    return f"{name}-{region}-1234567890.{region}.elb.amazonaws.com"


def zipped_handler():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("app.py", "def handler(event, context):\n    return {}\n")
    return buf.getvalue()


def stack_compute(account):
    """Lambda functions, ECS services and Auto Scaling groups: one correct example and
    one anti-pattern per compute and capacity rule."""
    out = {}
    role = function_role("stack-functions")
    code = zipped_handler()

    def function(region, name, runtime, memory, reserved=None):
        fn = client("lambda", region)
        arn = fn.create_function(
            FunctionName=name,
            Runtime=runtime,
            Role=role,
            Handler="app.handler",
            Code={"ZipFile": code},
            MemorySize=memory,
            Timeout=10,
            Environment={"Variables": {"TABLE_ARN": f"arn:aws:dynamodb:{region}:{account}:table/orders"}},
            Tags={"workload": name},
        )["FunctionArn"]
        if reserved is not None:
            fn.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=reserved)
        return arn

    # Correct: same function, same configuration, same reserved concurrency in both regions.
    out["function_both"] = [function(r, "orders-api", "python3.12", 512, 100) for r in PAIR]
    # Anti-patterns: a function in one region only; configuration drift (runtime and
    # memory); a partner region with a quarter of the reserved concurrency.
    out["function_one_region"] = function("us-east-1", "checkout", "python3.12", 1024)
    out["function_drift"] = [function("us-east-1", "invoices", "python3.12", 512), function("eu-west-1", "invoices", "python3.11", 256)]
    out["function_capacity"] = [function("us-east-1", "payments", "python3.12", 512, 200), function("eu-west-1", "payments", "python3.12", 512, 50)]

    def service(region, name, image, desired):
        ecs = client("ecs", region)
        ecs.register_task_definition(
            family=name,
            containerDefinitions=[
                {
                    "name": name,
                    "image": image,
                    "memory": 512,
                    "environment": [{"name": "TABLE_ARN", "value": f"arn:aws:dynamodb:{region}:{account}:table/orders"}],
                }
            ],
            requiresCompatibilities=["FARGATE"],
            networkMode="awsvpc",
            cpu="256",
            memory="512",
        )
        return ecs.create_service(cluster="prod", serviceName=name, taskDefinition=name, desiredCount=desired, launchType="FARGATE")["service"]["serviceArn"]

    for region in PAIR:
        client("ecs", region).create_cluster(clusterName="prod")
    web_image = ecr_image(account, "us-east-1", "web") + ":v42"
    # Correct: same image and desired count in both regions.
    out["service_both"] = [service(r, "web", web_image, 6) for r in PAIR]
    # Anti-patterns: a service in one region only; a different image tag and a third
    # of the desired count in the partner region.
    out["service_one_region"] = service("us-east-1", "cron", ecr_image(account, "us-east-1", "cron") + ":v3", 1)
    out["service_drift"] = [
        service("us-east-1", "worker", ecr_image(account, "us-east-1", "worker") + ":v7", 6),
        service("eu-west-1", "worker", ecr_image(account, "us-east-1", "worker") + ":v6", 2),
    ]

    def group(region, name, minimum, desired):
        template = client("ec2", region).create_launch_template(
            LaunchTemplateName=f"{name}-{region}", LaunchTemplateData={"ImageId": "ami-12c6146b", "InstanceType": "t3.micro"}
        )["LaunchTemplate"]["LaunchTemplateId"]
        asg = client("autoscaling", region)
        asg.create_auto_scaling_group(
            AutoScalingGroupName=name,
            LaunchTemplate={"LaunchTemplateId": template, "Version": "$Latest"},
            MinSize=minimum,
            MaxSize=20,
            DesiredCapacity=desired,
            AvailabilityZones=[f"{region}a", f"{region}b"],
            Tags=[{"Key": "workload", "Value": name, "PropagateAtLaunch": False}],
        )
        return asg.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][0]["AutoScalingGroupARN"]

    # Correct: the same minimum in both regions. Anti-pattern: a smaller minimum in the partner.
    out["asg_both"] = [group(r, "api", 4, 4) for r in PAIR]
    out["asg_smaller_partner"] = [group("us-east-1", "batch", 4, 4), group("eu-west-1", "batch", 1, 1)]
    return out


def stack_traffic():
    """Route 53 zone, records and health checks."""
    r53 = client("route53", "us-east-1")
    zone = r53.create_hosted_zone(Name="example.com", CallerReference="stack-zone")["HostedZone"]["Id"]

    def check(ref, fqdn, disabled=False, inverted=False):
        return r53.create_health_check(
            CallerReference=ref,
            HealthCheckConfig={
                "Type": "HTTPS",
                "FullyQualifiedDomainName": fqdn,
                "Port": 443,
                "ResourcePath": "/health",
                "RequestInterval": 30,
                "FailureThreshold": 3,
                "Disabled": disabled,
                "Inverted": inverted,
            },
        )["HealthCheck"]["Id"]

    checks = {r: check(f"hc-{r}", f"web-{r}.example.com") for r in PAIR}
    # Anti-patterns: a disabled and an inverted health check.
    disabled = check("hc-disabled", "api-eu-west-1.example.com", disabled=True)
    inverted = check("hc-inverted", "pay-us-east-1.example.com", inverted=True)

    def alias(name, set_id, routing, region, evaluate, health=None):
        rrs = {
            "Name": name,
            "Type": "A",
            "SetIdentifier": set_id,
            "AliasTarget": {"HostedZoneId": ELB_ZONES[region], "DNSName": "dualstack." + alb(region, name.split(".")[0]), "EvaluateTargetHealth": evaluate},
            **routing,
        }
        if health:
            rrs["HealthCheckId"] = health
        return {"Action": "CREATE", "ResourceRecordSet": rrs}

    def cname(name, set_id, routing, target, ttl, health=None):
        rrs = {"Name": name, "Type": "CNAME", "SetIdentifier": set_id, "TTL": ttl, "ResourceRecords": [{"Value": target}], **routing}
        if health:
            rrs["HealthCheckId"] = health
        return {"Action": "CREATE", "ResourceRecordSet": rrs}

    changes = [
        # Correct: latency records in both regions, health-checked, evaluating target health.
        *(alias("app.example.com", r, {"Region": r}, r, True, checks[r]) for r in PAIR),
        # Anti-pattern: a latency name whose members cover one region of the pair.
        alias("api.example.com", "us-east-1", {"Region": "us-east-1"}, "us-east-1", True, checks["us-east-1"]),
        alias("api.example.com", "ap-southeast-2", {"Region": "ap-southeast-2"}, "ap-southeast-2", True),
        # Correct: failover records with TTL 60, both health-checked.
        cname("auth.example.com", "primary", {"Failover": "PRIMARY"}, "auth-us-east-1.example.com", 60, checks["us-east-1"]),
        cname("auth.example.com", "secondary", {"Failover": "SECONDARY"}, "auth-eu-west-1.example.com", 60, checks["eu-west-1"]),
        # Anti-patterns: failover TTL 300, a secondary with no health check.
        cname("pay.example.com", "primary", {"Failover": "PRIMARY"}, "pay-us-east-1.example.com", 300, inverted),
        cname("pay.example.com", "secondary", {"Failover": "SECONDARY"}, "pay-eu-west-1.example.com", 300),
        # Anti-pattern: weighted aliases without EvaluateTargetHealth nor a health check.
        *(alias("www.example.com", r, {"Weight": 50}, r, False) for r in PAIR),
        # A record behind the disabled health check.
        cname("status.example.com", "eu-west-1", {"Region": "eu-west-1"}, "status-eu-west-1.example.com", 60, disabled),
        cname("status.example.com", "us-east-1", {"Region": "us-east-1"}, "status-us-east-1.example.com", 60, checks["us-east-1"]),
    ]
    r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": changes})
    return {"zone": zone, "health_checks": checks, "health_check_disabled": disabled, "health_check_inverted": inverted}


def stack_edge():
    """A CloudFront distribution with one regional origin and no origin group."""
    cf = client("cloudfront", "us-east-1")
    origin = {
        "Id": "shop-us-east-1",
        "DomainName": alb("us-east-1", "shop"),
        "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "https-only"},
    }
    dist = cf.create_distribution(
        DistributionConfig={
            "CallerReference": "stack-shop",
            "Comment": "shop.example.com",
            "Enabled": True,
            "Origins": {"Quantity": 1, "Items": [origin]},
            "DefaultCacheBehavior": {
                "TargetOriginId": "shop-us-east-1",
                "ViewerProtocolPolicy": "redirect-to-https",
                "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
            },
        }
    )["Distribution"]
    return {"distribution_single_origin": dist["ARN"]}


def stack_storage(account):
    """S3 buckets and their replication, ECR repositories and registry replication,
    ElastiCache replication groups."""
    out = {}
    role = f"arn:aws:iam::{account}:role/s3-replication"

    def bucket(region, name, versioning=None, classification=None):
        s3 = client("s3", region)
        kwargs = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
        s3.create_bucket(Bucket=name, **kwargs)
        if versioning:
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": versioning})
        if classification:
            s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": "data-classification", "Value": classification}]})
        return f"arn:aws:s3:::{name}"

    def replicate(source, destination, rule):
        client("s3", "us-east-1").put_bucket_replication(
            Bucket=source,
            ReplicationConfiguration={
                "Role": role,
                "Rules": [
                    {
                        "ID": rule,
                        "Priority": 1,
                        "Filter": {},
                        "Status": "Enabled",
                        "DeleteMarkerReplication": {"Status": "Enabled"},
                        "Destination": {
                            "Bucket": f"arn:aws:s3:::{destination}",
                            "Metrics": {"Status": "Enabled", "EventThreshold": {"Minutes": 15}},
                        },
                    }
                ],
            },
        )

    # Correct: versioned bucket replicated to a versioned bucket in the partner region.
    out["bucket_replicated"] = [bucket("us-east-1", "stack-uploads-use1", "Enabled", "confidential"), bucket("eu-west-1", "stack-uploads-euw1", "Enabled")]
    replicate("stack-uploads-use1", "stack-uploads-euw1", "uploads-to-euw1")
    # Anti-pattern: a destination whose versioning was suspended after replication was
    # set up (AWS refuses replication to a bucket without versioning, not the later
    # suspension).
    out["bucket_destination_unversioned"] = [bucket("us-east-1", "stack-exports-use1", "Enabled", "internal"), bucket("eu-west-1", "stack-exports-euw1", "Enabled")]
    replicate("stack-exports-use1", "stack-exports-euw1", "exports-to-euw1")
    client("s3", "eu-west-1").put_bucket_versioning(Bucket="stack-exports-euw1", VersioningConfiguration={"Status": "Suspended"})
    # Anti-pattern: a bucket in a pair region with no replication at all.
    out["bucket_not_replicated"] = bucket("us-east-1", "stack-reports-use1", "Enabled", "confidential")

    for region in PAIR:
        ecr = client("ecr", region)
        for name in ("web", "worker"):
            ecr.create_repository(repositoryName=name)
    # Correct for `web` (replicated to the partner region); anti-pattern for `worker`,
    # whose image the worker service runs in both regions but no rule replicates.
    client("ecr", "us-east-1").put_replication_configuration(
        replicationConfiguration={
            "rules": [
                {
                    "destinations": [{"region": "eu-west-1", "registryId": account}],
                    "repositoryFilters": [{"filter": "web", "filterType": "PREFIX_MATCH"}],
                }
            ]
        }
    )
    out["ecr_replicated"] = ecr_image(account, "us-east-1", "web")
    out["ecr_not_replicated"] = ecr_image(account, "us-east-1", "worker")

    # Anti-pattern: a replication group in a pair region outside any Global Datastore.
    # (The emulator has no Global Datastore: the correct example is recorded.)
    out["cache_regional"] = client("elasticache", "us-east-1").create_replication_group(
        ReplicationGroupId="carts-cache",
        ReplicationGroupDescription="cart cache",
        Engine="redis",
        CacheNodeType="cache.r7g.large",
        NumCacheClusters=2,
    )["ReplicationGroup"]["ARN"]
    return out


def stack_observability(account):
    """Replicated data with and without an alarm on its replication lag metric."""
    out = {}
    for region in PAIR:
        table(region, "orders", True)
        table(region, "carts", True)
    rds_east, rds_west = client("rds", "us-east-1"), client("rds", "eu-west-1")
    for gdb in ("ledger", "billing"):
        rds_east.create_global_cluster(GlobalClusterIdentifier=gdb, Engine="aurora-postgresql")
        rds_east.create_db_cluster(
            DBClusterIdentifier=f"{gdb}-use1",
            Engine="aurora-postgresql",
            MasterUsername="admin",
            MasterUserPassword="password123",
            GlobalClusterIdentifier=gdb,
            StorageEncrypted=True,
        )
        rds_west.create_db_cluster(
            DBClusterIdentifier=f"{gdb}-euw1",
            Engine="aurora-postgresql",
            MasterUsername="admin",
            GlobalClusterIdentifier=gdb,
            StorageEncrypted=True,
        )

    def alarm(region, name, namespace, metric, dimensions, threshold):
        cw = client("cloudwatch", region)
        cw.put_metric_alarm(
            AlarmName=name,
            Namespace=namespace,
            MetricName=metric,
            Dimensions=[{"Name": k, "Value": v} for k, v in dimensions],
            Statistic="Maximum",
            Period=60,
            EvaluationPeriods=5,
            DatapointsToAlarm=3,
            Threshold=threshold,
            ComparisonOperator="GreaterThanThreshold",
            TreatMissingData="breaching",
            AlarmActions=[f"arn:aws:sns:{region}:{account}:oncall"],
        )
        return cw.describe_alarms(AlarmNames=[name])["MetricAlarms"][0]["AlarmArn"]

    # Correct: alarms on the lag of the `orders` table, the `ledger` global database
    # and the uploads bucket. Anti-patterns: `carts`, `billing` and the exports bucket
    # replicate with no alarm on their lag.
    out["alarm_table"] = alarm("us-east-1", "orders-replication-latency", "AWS/DynamoDB", "ReplicationLatency", [("TableName", "orders"), ("ReceivingRegion", "eu-west-1")], 60000)
    out["alarm_aurora"] = alarm("eu-west-1", "ledger-rpo-lag", "AWS/RDS", "AuroraGlobalDBRPOLag", [("DBClusterIdentifier", "ledger-euw1")], 1000)
    out["alarm_bucket"] = alarm(
        "us-east-1",
        "uploads-replication-latency",
        "AWS/S3",
        "ReplicationLatency",
        [("SourceBucket", "stack-uploads-use1"), ("DestinationBucket", "stack-uploads-euw1"), ("RuleId", "uploads-to-euw1")],
        900,
    )
    out["unwatched"] = {"tables": ["carts"], "global_clusters": ["billing"], "buckets": ["stack-exports-use1"]}
    return out


def stack_capacity():
    """A provisioned table with a global secondary index in both pair regions, each
    with auto scaling targets of its own region: reads scale to 4000 in us-east-1
    and to 1000 in eu-west-1. The emulator keeps the two tables apart (no global
    table replicas, no replica overrides, no on-demand maximums): RR-CAP-001's
    comparisons across replicas run on the recorded bodies."""
    for region, read_max in (("us-east-1", 4000), ("eu-west-1", 1000)):
        client("dynamodb", region).create_table(
            TableName="stock",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sku", "AttributeType": "S"}],
            BillingMode="PROVISIONED",
            ProvisionedThroughput={"ReadCapacityUnits": 100, "WriteCapacityUnits": 50},
            GlobalSecondaryIndexes=[
                {
                    "IndexName": "by-sku",
                    "KeySchema": [{"AttributeName": "sku", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "ALL"},
                    "ProvisionedThroughput": {"ReadCapacityUnits": 40, "WriteCapacityUnits": 20},
                }
            ],
        )
        aas = client("application-autoscaling", region)
        aas.register_scalable_target(ServiceNamespace="dynamodb", ResourceId="table/stock", ScalableDimension="dynamodb:table:ReadCapacityUnits", MinCapacity=100, MaxCapacity=read_max)
        aas.register_scalable_target(ServiceNamespace="dynamodb", ResourceId="table/stock/index/by-sku", ScalableDimension="dynamodb:index:ReadCapacityUnits", MinCapacity=10, MaxCapacity=400)
    return {"capacity_table": "stock"}


# What the emulator cannot create, and the recorded body (tests/corpus/) that stands in.
STACK_RECORDED = {
    "global accelerator with endpoint groups in both pair regions / in one": [
        "globalaccelerator/ListEndpointGroups/both-regions.json",
        "globalaccelerator/ListEndpointGroups/one-region.json",
        "globalaccelerator/ListEndpointGroups/partner-dialed-to-zero.json",
    ],
    "distribution whose default behaviour targets an origin group over both regions": [
        "cloudfront/ListDistributions/origin-group-both-regions.xml"
    ],
    "replication group in a Global Datastore with a member in the partner region / outside the pair": [
        "elasticache/DescribeReplicationGroups/in-global-datastore.xml",
        "elasticache/DescribeGlobalReplicationGroups/members-in-both-regions.xml",
        "elasticache/DescribeGlobalReplicationGroups/secondary-outside-pair.xml",
    ],
    "global table replicas (2019.11.21) with a smaller partner capacity": [
        "dynamodb/DescribeTable/provisioned-global-smaller-replica.json",
        "dynamodb/DescribeTable/on-demand-max-smaller-replica.json",
    ],
    "lambda account concurrency (GetAccountSettings)": ["lambda/GetAccountSettings/default.json", "lambda/GetAccountSettings/low-quota.json"],
    "bucket region in ListBuckets": ["s3/ListBuckets/buckets.xml"],
}


def stack():
    """The whole active-active stack in the caller's account: a correct example and an
    anti-pattern per rule idea of compute, traffic, edge, s3, ecr, elasticache,
    capacity and observability, where the emulator can create them."""
    out = organization(0)
    account = out["management"]
    out.update(stack_compute(account))
    out.update(stack_traffic())
    out.update(stack_edge())
    out.update(stack_storage(account))
    out.update(stack_observability(account))
    out.update(stack_capacity())
    corpus = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
    missing = [p for paths in STACK_RECORDED.values() for p in paths if not os.path.isfile(os.path.join(corpus, p))]
    if missing:
        sys.exit(f"recorded bodies named by the stack scenario are missing: {missing}")
    out["recorded_only"] = STACK_RECORDED
    return out


def alarms():
    """Replicated data of every kind the alarm rules judge (RR-OBS-001/002/003), each
    with and without a working alarm on its replication lag, and the alarms stored
    by the emulator (put_metric_alarm) for the scanner's CloudWatch client to read.

    The emulator keeps the two `orders` (and `carts`) tables apart: the test adds
    the global table's `Replicas`. It does not implement PutCompositeAlarm: no
    composite alarm here."""
    out = organization(0)
    account = out["management"]

    def alarm(region, name, dimensions=(), namespace=None, metric=None, metrics=None, actions=True):
        cw = client("cloudwatch", region)
        kwargs = dict(EvaluationPeriods=5, Threshold=60000, ComparisonOperator="GreaterThanThreshold")
        if metrics:
            kwargs["Metrics"] = metrics
        else:
            kwargs.update(
                Namespace=namespace,
                MetricName=metric,
                Dimensions=[{"Name": k, "Value": v} for k, v in dimensions],
                Statistic="Maximum",
                Period=60,
            )
        cw.put_metric_alarm(AlarmName=name, ActionsEnabled=actions, AlarmActions=[f"arn:aws:sns:{region}:{account}:oncall"], **kwargs)
        return cw.describe_alarms(AlarmNames=[name])["MetricAlarms"][0]["AlarmArn"]

    # DynamoDB: `orders` is watched both ways (in eu-west-1 by a metric-math alarm);
    # `carts` by no alarm in us-east-1 and by one whose actions are off in eu-west-1.
    for region in PAIR:
        table(region, "orders", True)
        table(region, "carts", True)
    out["alarm_orders_use1"] = alarm("us-east-1", "orders-lag-to-euw1", [("TableName", "orders"), ("ReceivingRegion", "eu-west-1")], "AWS/DynamoDB", "ReplicationLatency")
    lag = {"Namespace": "AWS/DynamoDB", "MetricName": "ReplicationLatency", "Dimensions": [{"Name": "TableName", "Value": "orders"}, {"Name": "ReceivingRegion", "Value": "us-east-1"}]}
    out["alarm_orders_euw1"] = alarm(
        "eu-west-1",
        "orders-lag-to-use1-seconds",
        metrics=[
            {"Id": "lag", "MetricStat": {"Metric": lag, "Period": 60, "Stat": "p99"}, "ReturnData": False},
            {"Id": "seconds", "Expression": "lag / 1000", "Label": "seconds behind", "ReturnData": True},
        ],
    )
    out["alarm_carts_euw1_silent"] = alarm("eu-west-1", "carts-lag-to-use1", [("TableName", "carts"), ("ReceivingRegion", "us-east-1")], "AWS/DynamoDB", "ReplicationLatency", actions=False)

    # Aurora: two global databases, writers in us-east-1, secondaries in eu-west-1.
    # `ledger`'s secondary is alarmed in its own region; `billing`'s only in the
    # writer's region, where its metric is not published.
    rds_east, rds_west = client("rds", "us-east-1"), client("rds", "eu-west-1")
    for gdb in ("ledger", "billing"):
        rds_east.create_global_cluster(GlobalClusterIdentifier=gdb, Engine="aurora-postgresql")
        rds_east.create_db_cluster(
            DBClusterIdentifier=f"{gdb}-use1", Engine="aurora-postgresql", MasterUsername="admin", MasterUserPassword="password123", GlobalClusterIdentifier=gdb
        )
        out[f"secondary_{gdb}"] = rds_west.create_db_cluster(DBClusterIdentifier=f"{gdb}-euw1", Engine="aurora-postgresql", GlobalClusterIdentifier=gdb)["DBCluster"]["DBClusterArn"]
    out["alarm_ledger"] = alarm("eu-west-1", "ledger-euw1-global-lag", [("DBClusterIdentifier", "ledger-euw1")], "AWS/RDS", "AuroraGlobalDBReplicationLag")
    out["alarm_billing_wrong_region"] = alarm("us-east-1", "billing-euw1-rpo-lag", [("DBClusterIdentifier", "billing-euw1")], "AWS/RDS", "AuroraGlobalDBRPOLag")

    # S3: three buckets replicate to the partner region: `uploads` with replication
    # metrics and an alarm on its rule's ReplicationLatency, `exports` with metrics
    # and no alarm, `logs` with an alarm but replication metrics off (S3 publishes
    # no ReplicationLatency for it).
    role = f"arn:aws:iam::{account}:role/s3-replication"
    for name, metrics, alarmed in (("uploads", True, True), ("exports", True, False), ("logs", False, True)):
        source, destination, rule = f"obs-{name}-use1", f"obs-{name}-euw1", f"{name}-to-euw1"
        client("s3", "us-east-1").create_bucket(Bucket=source)
        client("s3", "eu-west-1").create_bucket(Bucket=destination, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        for region, bucket in (("us-east-1", source), ("eu-west-1", destination)):
            client("s3", region).put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        target = {"Bucket": f"arn:aws:s3:::{destination}"}
        if metrics:
            target["Metrics"] = {"Status": "Enabled", "EventThreshold": {"Minutes": 15}}
        client("s3", "us-east-1").put_bucket_replication(
            Bucket=source,
            ReplicationConfiguration={
                "Role": role,
                "Rules": [{"ID": rule, "Priority": 1, "Filter": {}, "Status": "Enabled", "DeleteMarkerReplication": {"Status": "Enabled"}, "Destination": target}],
            },
        )
        if alarmed:
            out[f"alarm_{name}"] = alarm(
                "us-east-1",
                f"{name}-replication-latency",
                [("SourceBucket", source), ("DestinationBucket", destination), ("RuleId", rule)],
                "AWS/S3",
                "ReplicationLatency",
            )
    return out


if __name__ == "__main__":
    if SCENARIO == "full":
        result = full()
    elif SCENARIO == "tables":
        result = tables(int(sys.argv[3]))
    elif SCENARIO == "stack":
        result = stack()
    elif SCENARIO == "alarms":
        result = alarms()
    else:
        result = bench(int(sys.argv[3]) if len(sys.argv) > 3 else 10)
    print(json.dumps(result))
