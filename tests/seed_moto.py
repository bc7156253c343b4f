"""Seeds the AWS emulator (moto server) with an organization for the live-collection
tests and the benchmark. Prints what it created as JSON on stdout.

usage: seed_moto.py ENDPOINT_URL full|bench [N_ACCOUNTS]|tables N_TABLES
"""
import json
import sys

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
    """n accounts (management + n-1 members), about 20 resources each in 2 regions."""
    out = organization(n - 1)
    for account in [out["management"]] + out["members"]:
        creds = MANAGEMENT_CREDS if account == out["management"] else member_creds(account)
        for region in ("us-east-1", "eu-west-1"):
            kms = client("kms", region, creds)
            for i in range(2):
                kms.create_key(Description=f"k{i}")
            sm = client("secretsmanager", region, creds)
            for i in range(3):
                sm.create_secret(Name=f"s{i}", SecretString="x")
            for i in range(4):
                table(region, f"t{i}", i % 2 == 0, creds)
            rds = client("rds", region, creds)
            rds.create_db_cluster(DBClusterIdentifier="c0", Engine="aurora-mysql", MasterUsername="admin", MasterUserPassword="password123")
    return out


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


if __name__ == "__main__":
    if SCENARIO == "full":
        result = full()
    elif SCENARIO == "tables":
        result = tables(int(sys.argv[3]))
    else:
        result = bench(int(sys.argv[3]) if len(sys.argv) > 3 else 10)
    print(json.dumps(result))
