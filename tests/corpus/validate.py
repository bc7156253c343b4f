"""Validates recorded AWS responses against AWS's own service model (botocore).

usage: validate.py CORPUS_DIR [FILE ...]
       validate.py --to-cbor SERVICE OPERATION < body.json > body.cbor
       validate.py --show FILE.cbor

Every file under CORPUS_DIR/<service>/<Operation>/ is a response body of that
operation, in the protocol the AWS SDK for Rust speaks to that service:
`<variant>.json` (JSON 1.0/1.1 and REST-JSON), `<variant>.xml` (query and
REST-XML) or `<variant>.cbor` (Smithy RPC v2 CBOR). A file named
`error-<status>-<Code>.<ext>` is an error body instead.
Prints one line per problem (`path: member path: what is wrong`) and exits 1 if
there was any, so a fixture can never drift into a shape AWS does not answer:
a member the model does not define, a wrong type, a value outside an enum, a
missing required member, or an error code the service does not have.

With FILE arguments only those files are checked (each still under
CORPUS_DIR/<service>/<Operation>/).

`--to-cbor` writes a JSON body (timestamps as epoch seconds, blobs as base64) as
the CBOR the service sends (timestamps as tag 1, blobs as byte strings);
`--show` prints a CBOR body as JSON, so a CBOR body is written and reviewed as
JSON.
"""
import base64
import datetime
import json
import math
import os
import struct
import sys
import xml.etree.ElementTree as ET

import botocore
import botocore.loaders

# Errors every AWS API may answer, from the "Common Errors" section of each
# service's API reference; they are not in the per-service models.
COMMON_ERRORS = {
    "AccessDenied",
    "AccessDeniedException",
    "ExpiredToken",
    "ExpiredTokenException",
    "IncompleteSignature",
    "InternalFailure",
    "InvalidAction",
    "InvalidClientTokenId",
    "NotAuthorized",
    "OptInRequired",
    "RequestExpired",
    "ServiceUnavailable",
    "Throttling",
    "ThrottlingException",
    "UnrecognizedClientException",
    "ValidationError",
    "ValidationException",
}

# Error codes a service documents outside its model: Amazon S3's "List of error
# codes" (S3 API reference, Error responses).
SERVICE_ERRORS = {
    "s3": {"PermanentRedirect", "ReplicationConfigurationNotFoundError", "SlowDown"},
}

# The only redirect recorded as an error: S3 answers 301 PermanentRedirect to a
# request for a bucket sent to another region's endpoint.
REDIRECTS = {("s3", "PermanentRedirect"): 301}

# The protocol the AWS SDK for Rust speaks, where it is not botocore's
# `metadata.protocol`. botocore lists ["smithy-rpc-v2-cbor", "json"] for the
# Tagging API; aws-sdk-resourcegroupstagging 1.119.0 sends awsJson1_1.
# (CloudWatch: botocore lists ["smithy-rpc-v2-cbor", "json", "query"] and
# aws-sdk-cloudwatch 1.140.0 sends Smithy RPC v2 CBOR, botocore's first.)
RUST_PROTOCOL = {"resourcegroupstaggingapi": "json"}

EXTENSIONS = {"json": "json", "rest-json": "json", "query": "xml", "rest-xml": "xml", "smithy-rpc-v2-cbor": "cbor"}

# REST-XML root elements that botocore's model does not name (Smithy's @xmlName
# on the output structure, dropped from botocore's JSON). The AWS SDK for Rust
# rejects any other root ("encountered invalid XML root").
XML_ROOTS = {
    ("s3", "ListBuckets"): "ListAllMyBucketsResult",
    ("s3", "GetBucketVersioning"): "VersioningConfiguration",
}

# S3 error bodies are <Error> with these elements besides Code and Message (S3
# API reference, Error responses: REST error response); other REST-XML services
# wrap <Error> in <ErrorResponse> as the query protocol does.
S3_ERROR_ELEMENTS = {"Code", "Message", "RequestId", "HostId", "BucketName", "Bucket", "Endpoint", "Resource", "Region"}

LOADER = botocore.loaders.create_loader()
MODELS = {}


def model(service):
    if service not in MODELS:
        MODELS[service] = LOADER.load_service_model(service, "service-2")
    return MODELS[service]


def protocol_of(service, m):
    return RUST_PROTOCOL.get(service, m["metadata"]["protocol"])


class Problems:
    def __init__(self, path):
        self.path = path
        self.found = []

    def add(self, where, what):
        self.found.append(f"{self.path}: {where or '<root>'}: {what}")


class Tag:
    """A CBOR tagged value (tag 1 is a timestamp in epoch seconds)."""

    def __init__(self, tag, value):
        self.tag, self.value = tag, value

    def __eq__(self, other):
        return isinstance(other, Tag) and (self.tag, self.value) == (other.tag, other.value)


def cbor_decode(data):
    """Decodes one CBOR data item (RFC 8949), the subset Smithy RPC v2 uses."""
    pos = 0

    def take(n):
        nonlocal pos
        if pos + n > len(data):
            raise ValueError("truncated CBOR")
        out = data[pos : pos + n]
        pos += n
        return out

    def argument(info):
        if info < 24:
            return info
        if info in (24, 25, 26, 27):
            return int.from_bytes(take(1 << (info - 24)), "big")
        if info == 31:
            return None
        raise ValueError(f"bad CBOR additional info {info}")

    def item():
        initial = take(1)[0]
        major, info = initial >> 5, initial & 31
        if major == 7:
            if info == 20:
                return False
            if info == 21:
                return True
            if info in (22, 23):
                return None
            if info == 25:
                return struct.unpack(">e", take(2))[0]
            if info == 26:
                return struct.unpack(">f", take(4))[0]
            if info == 27:
                return struct.unpack(">d", take(8))[0]
            if info == 31:
                return StopIteration
            raise ValueError(f"bad CBOR simple value {info}")
        n = argument(info)
        if major == 0:
            return n
        if major == 1:
            return -1 - n
        if major in (2, 3):
            if n is None:
                chunks = []
                while (chunk := item()) is not StopIteration:
                    chunks.append(chunk)
                return (b"" if major == 2 else "").join(chunks)
            raw = take(n)
            return raw if major == 2 else raw.decode("utf-8")
        if major == 4:
            out = []
            while n is None or len(out) < n:
                value = item()
                if value is StopIteration:
                    break
                out.append(value)
            return out
        if major == 5:
            out = {}
            while n is None or len(out) < n:
                key = item()
                if key is StopIteration:
                    break
                if not isinstance(key, str):
                    raise ValueError(f"CBOR map key {key!r} is not text")
                out[key] = item()
            return out
        if major == 6:
            return Tag(n, item())
        raise ValueError(f"bad CBOR major type {major}")

    value = item()
    if pos != len(data):
        raise ValueError(f"{len(data) - pos} bytes after the CBOR item")
    return value


def cbor_encode(value):
    def head(major, n):
        if n < 24:
            return bytes([major << 5 | n])
        for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
            if n < 1 << (8 * size):
                return bytes([major << 5 | info]) + n.to_bytes(size, "big")
        raise ValueError("integer too large")

    if value is None:
        return b"\xf6"
    if value is True:
        return b"\xf5"
    if value is False:
        return b"\xf4"
    if isinstance(value, Tag):
        return head(6, value.tag) + cbor_encode(value.value)
    if isinstance(value, int):
        return head(0, value) if value >= 0 else head(1, -1 - value)
    if isinstance(value, float):
        return b"\xfb" + struct.pack(">d", value)
    if isinstance(value, bytes):
        return head(2, len(value)) + value
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return head(3, len(raw)) + raw
    if isinstance(value, list):
        return head(4, len(value)) + b"".join(cbor_encode(v) for v in value)
    if isinstance(value, dict):
        return head(5, len(value)) + b"".join(cbor_encode(k) + cbor_encode(v) for k, v in value.items())
    raise ValueError(f"cannot encode {value!r}")


def json_to_cbor_value(m, shape_name, value):
    """A JSON body's value as the CBOR data model: tag-1 timestamps, byte blobs."""
    shape = m["shapes"][shape_name]
    kind = shape["type"]
    if kind == "structure" and isinstance(value, dict):
        members = shape.get("members", {})
        return {k: json_to_cbor_value(m, members[k]["shape"], v) if k in members else v for k, v in value.items()}
    if kind == "list" and isinstance(value, list):
        return [json_to_cbor_value(m, shape["member"]["shape"], v) for v in value]
    if kind == "map" and isinstance(value, dict):
        return {k: json_to_cbor_value(m, shape["value"]["shape"], v) for k, v in value.items()}
    if kind == "timestamp" and isinstance(value, (int, float)):
        return Tag(1, float(value))
    if kind == "blob" and isinstance(value, str):
        return base64.b64decode(value)
    if kind in ("double", "float") and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def cbor_to_json_value(value):
    if isinstance(value, Tag):
        return {f"tag {value.tag}": cbor_to_json_value(value.value)}
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, list):
        return [cbor_to_json_value(v) for v in value]
    if isinstance(value, dict):
        return {k: cbor_to_json_value(v) for k, v in value.items()}
    return value


def body_members(shape):
    """Members of a structure carried in the body (not headers, URI or status)."""
    return {k: r for k, r in shape.get("members", {}).items() if "location" not in r}


def json_value(m, shape_name, value, where, problems, cbor=False):
    shape = m["shapes"][shape_name]
    kind = shape["type"]
    if value is None:
        return problems.add(where, f"null ({shape_name}): AWS leaves out a member it has no value for")
    if kind == "structure":
        if not isinstance(value, dict):
            return problems.add(where, f"expected an object ({shape_name}), got {type(value).__name__}")
        members = body_members(shape)
        for key, item in value.items():
            if key not in members:
                problems.add(where, f"member {key!r} is not defined by {shape_name}")
                continue
            json_value(m, members[key]["shape"], item, f"{where}.{key}" if where else key, problems, cbor)
        for required in shape.get("required", []):
            if required in members and required not in value:
                problems.add(where, f"required member {required!r} of {shape_name} is missing")
    elif kind == "list":
        if not isinstance(value, list):
            return problems.add(where, f"expected a list ({shape_name}), got {type(value).__name__}")
        for i, item in enumerate(value):
            json_value(m, shape["member"]["shape"], item, f"{where}[{i}]", problems, cbor)
    elif kind == "map":
        if not isinstance(value, dict):
            return problems.add(where, f"expected a map ({shape_name}), got {type(value).__name__}")
        for key, item in value.items():
            scalar(m, shape["key"]["shape"], key, f"{where}<key {key}>", problems)
            json_value(m, shape["value"]["shape"], item, f"{where}.{key}", problems, cbor)
    elif kind == "timestamp":
        if cbor:
            if not (isinstance(value, Tag) and value.tag == 1 and isinstance(value.value, (int, float)) and not isinstance(value.value, bool)):
                problems.add(where, f"expected a tag-1 epoch timestamp ({shape_name}), got {cbor_to_json_value(value)!r}")
        elif shape.get("timestampFormat") == "iso8601":
            if not isinstance(value, str) or not iso8601(value):
                problems.add(where, f"expected an ISO 8601 timestamp ({shape_name}), got {value!r}")
        elif isinstance(value, bool) or not isinstance(value, (int, float)):
            problems.add(where, f"expected epoch seconds ({shape_name}), got {value!r}")
    elif kind == "blob" and cbor:
        if not isinstance(value, bytes):
            problems.add(where, f"expected a byte string ({shape_name}), got {value!r}")
    else:
        scalar(m, shape_name, value, where, problems)


def iso8601(text):
    try:
        datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
        return True
    except ValueError:
        return False


def scalar(m, shape_name, value, where, problems):
    shape = m["shapes"][shape_name]
    kind = shape["type"]
    if kind == "string":
        if not isinstance(value, str):
            return problems.add(where, f"expected a string ({shape_name}), got {value!r}")
        if "enum" in shape and value not in shape["enum"]:
            problems.add(where, f"{value!r} is not one of {shape_name} {shape['enum']}")
        if "min" in shape and len(value) < shape["min"]:
            problems.add(where, f"{value!r} is shorter than {shape['min']} ({shape_name})")
    elif kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            problems.add(where, f"expected an integer ({shape_name}), got {value!r}")
    elif kind in ("double", "float"):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
            problems.add(where, f"expected a number ({shape_name}), got {value!r}")
    elif kind == "boolean":
        if not isinstance(value, bool):
            problems.add(where, f"expected a boolean ({shape_name}), got {value!r}")
    elif kind == "blob":
        try:
            base64.b64decode(value, validate=True)
        except Exception:
            problems.add(where, f"expected base64 ({shape_name}), got {value!r}")
    else:
        problems.add(where, f"unexpected scalar type {kind} for {shape_name}")


def local(tag):
    return tag.rsplit("}", 1)[-1]


def xml_value(m, shape_name, element, where, problems):
    shape = m["shapes"][shape_name]
    kind = shape["type"]
    if kind == "structure":
        members = body_members(shape)
        by_tag = {}
        for name, ref in members.items():
            target = m["shapes"][ref["shape"]]
            flattened = target["type"] == "list" and (ref.get("flattened") or target.get("flattened"))
            if flattened:
                tag = ref.get("locationName", target["member"].get("locationName", name))
            else:
                tag = ref.get("locationName", name)
            by_tag[tag] = (name, ref, flattened)
        seen = set()
        items = {}
        for child in element:
            tag = local(child.tag)
            if tag not in by_tag:
                problems.add(where, f"element <{tag}> is not a member of {shape_name}")
                continue
            name, ref, flattened = by_tag[tag]
            seen.add(name)
            path = f"{where}.{name}" if where else name
            if flattened:
                i = items.get(name, 0)
                items[name] = i + 1
                xml_value(m, m["shapes"][ref["shape"]]["member"]["shape"], child, f"{path}[{i}]", problems)
            else:
                xml_value(m, ref["shape"], child, path, problems)
        for required in shape.get("required", []):
            if required in members and required not in seen:
                problems.add(where, f"required member {required!r} of {shape_name} is missing")
    elif kind == "list":
        member = shape["member"]
        item_tag = member.get("locationName", "member")
        for i, child in enumerate(element):
            if local(child.tag) != item_tag:
                problems.add(where, f"list item <{local(child.tag)}> should be <{item_tag}> ({shape_name})")
                continue
            xml_value(m, member["shape"], child, f"{where}[{i}]", problems)
    elif kind == "map":
        for i, entry in enumerate(element):
            parts = {local(c.tag): c for c in entry}
            if "key" not in parts or "value" not in parts:
                problems.add(where, f"map entry {i} needs <key> and <value> ({shape_name})")
                continue
            xml_value(m, shape["value"]["shape"], parts["value"], f"{where}.{parts['key'].text}", problems)
    else:
        if len(element):
            return problems.add(where, f"expected text ({shape_name}), got child elements")
        text = element.text or ""
        if kind == "string":
            scalar(m, shape_name, text, where, problems)
        elif kind in ("integer", "long"):
            try:
                int(text)
            except ValueError:
                problems.add(where, f"expected an integer ({shape_name}), got {text!r}")
        elif kind in ("double", "float"):
            try:
                float(text)
            except ValueError:
                problems.add(where, f"expected a number ({shape_name}), got {text!r}")
        elif kind == "boolean":
            if text not in ("true", "false"):
                problems.add(where, f"expected true/false ({shape_name}), got {text!r}")
        elif kind == "timestamp":
            if not iso8601(text):
                problems.add(where, f"expected an ISO 8601 timestamp ({shape_name}), got {text!r}")
        else:
            problems.add(where, f"unexpected scalar type {kind} for {shape_name}")


def error_codes(service, m):
    codes = set(COMMON_ERRORS) | SERVICE_ERRORS.get(service, set())
    for name, s in m["shapes"].items():
        if s.get("exception"):
            codes.add(name)
            codes.add(s.get("error", {}).get("code", name))
    return codes


def stated_code(value):
    """`com.amazonaws.ecs#ClientException` or `X:http://internal.amazon.com/...` -> the code."""
    return str(value).rsplit("#", 1)[-1].split(":", 1)[0]


def check_error(service, m, protocol, path, text, problems):
    name = os.path.basename(path)
    parts = name.split(".")[0].split("-")
    if len(parts) < 3 or not parts[1].isdigit():
        return problems.add("", "an error file is named error-<status>-<Code>.<ext>")
    status, code = int(parts[1]), "-".join(parts[2:])
    if not 400 <= status < 600 and REDIRECTS.get((service, code)) != status:
        problems.add("", f"status {status} is not an error status")
    if code not in error_codes(service, m):
        problems.add("", f"{code} is neither an error of this service's model nor a common AWS error")
    if protocol in ("query", "rest-xml"):
        root = ET.fromstring(text)
        if service == "s3":
            if local(root.tag) != "Error":
                return problems.add("", "an S3 error body is <Error>, with no <ErrorResponse> around it")
            fields = {local(c.tag): (c.text or "") for c in root}
            for unknown in set(fields) - S3_ERROR_ELEMENTS:
                problems.add("Error", f"unexpected <{unknown}>")
            if fields.get("Code") != code:
                problems.add("Error.Code", f"{fields.get('Code')!r} does not match the file name {code!r}")
            if "RequestId" not in fields:
                problems.add("Error", "has no <RequestId>")
            return
        if local(root.tag) != "ErrorResponse":
            return problems.add("", f"a {protocol} error body is <ErrorResponse>")
        error = next((c for c in root if local(c.tag) == "Error"), None)
        if error is None:
            return problems.add("ErrorResponse", "has no <Error>")
        fields = {local(c.tag): (c.text or "") for c in error}
        for unknown in set(fields) - {"Type", "Code", "Message"}:
            problems.add("ErrorResponse.Error", f"unexpected <{unknown}>")
        if fields.get("Code") != code:
            problems.add("ErrorResponse.Error.Code", f"{fields.get('Code')!r} does not match the file name {code!r}")
        if fields.get("Type") not in ("Sender", "Receiver"):
            problems.add("ErrorResponse.Error.Type", "must be Sender or Receiver")
        if not any(local(c.tag) == "RequestId" for c in root):
            problems.add("ErrorResponse", "has no <RequestId>")
        return
    body = cbor_decode(text) if protocol == "smithy-rpc-v2-cbor" else json.loads(text)
    if not isinstance(body, dict):
        return problems.add("", "an error body is an object")
    # REST-JSON names the error in the x-amzn-ErrorType header (the proxy sends
    # the file's code there); the body may then leave out `__type`.
    if "__type" in body or protocol != "rest-json":
        if stated_code(body.get("__type", "")) != code:
            problems.add("__type", f"{body.get('__type')!r} does not match the file name {code!r}")
    shape = m["shapes"].get(code, {"members": {}})
    allowed = {"__type", "message", "Message"} | set(body_members(shape))
    for key in body:
        if key not in allowed:
            problems.add(key, f"member {key!r} is not defined by the error {code}")
    if not isinstance(body.get("message", body.get("Message")), str):
        problems.add("message", "an AWS error carries a message")


def rest_xml_root(service, operation, m, output):
    if (service, operation) in XML_ROOTS:
        return XML_ROOTS[(service, operation)]
    shape = m["shapes"][output]
    payload = shape.get("payload")
    if payload:
        ref = shape["members"][payload]
        return ref.get("locationName", payload)
    return shape.get("locationName", output)


def check(corpus, path):
    rel = os.path.relpath(path, corpus).split(os.sep)
    problems = Problems(os.path.relpath(path, corpus))
    if len(rel) != 3:
        problems.add("", "expected <service>/<Operation>/<variant>.<ext>")
        return problems.found
    service, operation, name = rel
    try:
        m = model(service)
    except Exception as e:  # a directory that names no botocore service
        problems.add("", f"no botocore model for service {service!r}: {e}")
        return problems.found
    if operation not in m["operations"]:
        problems.add("", f"{service} has no operation {operation}")
        return problems.found
    protocol = protocol_of(service, m)
    expected_ext = EXTENSIONS[protocol]
    if not name.endswith("." + expected_ext):
        problems.add("", f"{service} speaks {protocol}: bodies are .{expected_ext}")
        return problems.found
    raw = open(path, "rb").read()
    try:
        text = raw if protocol == "smithy-rpc-v2-cbor" else raw.decode("utf-8")
        if name.startswith("error-"):
            check_error(service, m, protocol, path, text, problems)
            return problems.found
        op = m["operations"][operation]
        output = op.get("output", {}).get("shape")
        if protocol == "query":
            root = ET.fromstring(text)
            if local(root.tag) != f"{operation}Response":
                problems.add("", f"root element <{local(root.tag)}> should be <{operation}Response>")
            wrapper = op.get("output", {}).get("resultWrapper", f"{operation}Result")
            children = {local(c.tag): c for c in root}
            for unknown in set(children) - {wrapper, "ResponseMetadata"}:
                problems.add("", f"unexpected element <{unknown}>")
            if "ResponseMetadata" not in children:
                problems.add("", "no <ResponseMetadata> (every query response has a RequestId)")
            if output:
                if wrapper not in children:
                    problems.add("", f"no <{wrapper}>")
                else:
                    xml_value(m, output, children[wrapper], "", problems)
        elif protocol == "rest-xml":
            root = ET.fromstring(text)
            if not output:
                return problems.found
            expected = rest_xml_root(service, operation, m, output)
            if local(root.tag) != expected:
                problems.add("", f"root element <{local(root.tag)}> should be <{expected}>")
            payload = m["shapes"][output].get("payload")
            shape = m["shapes"][output]["members"][payload]["shape"] if payload else output
            xml_value(m, shape, root, "", problems)
        else:
            cbor = protocol == "smithy-rpc-v2-cbor"
            body = cbor_decode(text) if cbor else json.loads(text)
            if output:
                payload = m["shapes"][output].get("payload")
                shape = m["shapes"][output]["members"][payload]["shape"] if payload else output
                json_value(m, shape, body, "", problems, cbor)
            elif body != {}:
                problems.add("", f"{operation} has no output members")
    except (ValueError, UnicodeDecodeError, ET.ParseError) as e:
        problems.add("", f"not well-formed: {e}")
    return problems.found


def to_cbor(service, operation):
    m = model(service)
    body = json.load(sys.stdin)
    output = m["operations"][operation].get("output", {}).get("shape")
    if output and "__type" not in body:
        body = json_to_cbor_value(m, output, body)
    sys.stdout.buffer.write(cbor_encode(body))


def main():
    if sys.argv[1] == "--to-cbor":
        return to_cbor(sys.argv[2], sys.argv[3])
    if sys.argv[1] == "--show":
        print(json.dumps(cbor_to_json_value(cbor_decode(open(sys.argv[2], "rb").read())), indent=2))
        return
    corpus = sys.argv[1]
    files = sys.argv[2:]
    if not files:
        for dirpath, _, names in os.walk(corpus):
            for n in names:
                if n.endswith((".json", ".xml", ".cbor")) and os.path.relpath(dirpath, corpus) != ".":
                    files.append(os.path.join(dirpath, n))
    files.sort()
    found = []
    for f in files:
        found.extend(check(corpus, f))
    for line in found:
        print(line)
    print(f"botocore {botocore.__version__}: {len(files)} bodies checked, {len(found)} problems", file=sys.stderr)
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
