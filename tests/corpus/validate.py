"""Validates recorded AWS responses against AWS's own service model (botocore).

usage: validate.py CORPUS_DIR [FILE ...]

Every file under CORPUS_DIR/<service>/<Operation>/ is a response body of that
operation: `<variant>.json` (JSON 1.0/1.1 protocols) or `<variant>.xml` (query
protocol). A file named `error-<status>-<Code>.<ext>` is an error body instead.
Prints one line per problem (`path: member path: what is wrong`) and exits 1 if
there was any, so a fixture can never drift into a shape AWS does not answer:
a member the model does not define, a wrong type, a value outside an enum, a
missing required member, or an error code the service does not have.

With FILE arguments only those files are checked (each still under
CORPUS_DIR/<service>/<Operation>/).
"""
import base64
import datetime
import json
import os
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

LOADER = botocore.loaders.create_loader()
MODELS = {}


def model(service):
    if service not in MODELS:
        MODELS[service] = LOADER.load_service_model(service, "service-2")
    return MODELS[service]


class Problems:
    def __init__(self, path):
        self.path = path
        self.found = []

    def add(self, where, what):
        self.found.append(f"{self.path}: {where or '<root>'}: {what}")


def json_value(m, shape_name, value, where, problems):
    shape = m["shapes"][shape_name]
    kind = shape["type"]
    if kind == "structure":
        if not isinstance(value, dict):
            return problems.add(where, f"expected an object ({shape_name}), got {type(value).__name__}")
        members = shape.get("members", {})
        for key, item in value.items():
            if key not in members:
                problems.add(where, f"member {key!r} is not defined by {shape_name}")
                continue
            json_value(m, members[key]["shape"], item, f"{where}.{key}" if where else key, problems)
        for required in shape.get("required", []):
            if required not in value:
                problems.add(where, f"required member {required!r} of {shape_name} is missing")
    elif kind == "list":
        if not isinstance(value, list):
            return problems.add(where, f"expected a list ({shape_name}), got {type(value).__name__}")
        for i, item in enumerate(value):
            json_value(m, shape["member"]["shape"], item, f"{where}[{i}]", problems)
    elif kind == "map":
        if not isinstance(value, dict):
            return problems.add(where, f"expected a map ({shape_name}), got {type(value).__name__}")
        for key, item in value.items():
            scalar(m, shape["key"]["shape"], key, f"{where}<key {key}>", problems)
            json_value(m, shape["value"]["shape"], item, f"{where}.{key}", problems)
    elif kind == "timestamp":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            problems.add(where, f"expected epoch seconds ({shape_name}), got {value!r}")
    else:
        scalar(m, shape_name, value, where, problems)


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
        if isinstance(value, bool) or not isinstance(value, (int, float)):
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


def xml_value(m, shape_name, element, where, problems, flattened_name=None):
    shape = m["shapes"][shape_name]
    kind = shape["type"]
    if kind == "structure":
        members = shape.get("members", {})
        by_tag = {}
        for name, ref in members.items():
            by_tag[ref.get("locationName", name)] = (name, ref)
        seen = set()
        for child in element:
            tag = local(child.tag)
            if tag not in by_tag:
                problems.add(where, f"element <{tag}> is not a member of {shape_name}")
                continue
            name, ref = by_tag[tag]
            seen.add(name)
            xml_value(m, ref["shape"], child, f"{where}.{name}" if where else name, problems)
        for required in shape.get("required", []):
            if required not in seen:
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
            try:
                datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError:
                problems.add(where, f"expected an ISO 8601 timestamp ({shape_name}), got {text!r}")
        else:
            problems.add(where, f"unexpected scalar type {kind} for {shape_name}")


def error_codes(m):
    codes = set(COMMON_ERRORS)
    for name, s in m["shapes"].items():
        if s.get("exception"):
            codes.add(name)
            codes.add(s.get("error", {}).get("code", name))
    return codes


def check_error(m, protocol, path, text, problems):
    name = os.path.basename(path)
    parts = name.split(".")[0].split("-")
    if len(parts) < 3 or not parts[1].isdigit():
        return problems.add("", "an error file is named error-<status>-<Code>.<ext>")
    status, code = int(parts[1]), "-".join(parts[2:])
    if not 400 <= status < 600:
        problems.add("", f"status {status} is not an error status")
    if code not in error_codes(m):
        problems.add("", f"{code} is neither an error of this service's model nor a common AWS error")
    if protocol == "query":
        root = ET.fromstring(text)
        if local(root.tag) != "ErrorResponse":
            return problems.add("", "a query-protocol error body is <ErrorResponse>")
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
    else:
        body = json.loads(text)
        stated = str(body.get("__type", "")).rsplit("#", 1)[-1]
        if stated != code:
            problems.add("__type", f"{body.get('__type')!r} does not match the file name {code!r}")
        shape = m["shapes"].get(code, {"members": {}})
        allowed = {"__type", "message", "Message"} | set(shape.get("members", {}))
        for key in body:
            if key not in allowed:
                problems.add(key, f"member {key!r} is not defined by the error {code}")
        if not isinstance(body.get("message", body.get("Message")), str):
            problems.add("message", "an AWS error carries a message")


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
    protocol = m["metadata"]["protocol"]
    expected_ext = "xml" if protocol == "query" else "json"
    if not name.endswith("." + expected_ext):
        problems.add("", f"{service} speaks {protocol}: bodies are .{expected_ext}")
        return problems.found
    text = open(path, encoding="utf-8").read()
    try:
        if name.startswith("error-"):
            check_error(m, protocol, path, text, problems)
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
        else:
            body = json.loads(text)
            if output:
                json_value(m, output, body, "", problems)
            elif body != {}:
                problems.add("", f"{operation} has no output members")
    except (ValueError, ET.ParseError) as e:
        problems.add("", f"not well-formed: {e}")
    return problems.found


def main():
    corpus = sys.argv[1]
    files = sys.argv[2:]
    if not files:
        for dirpath, _, names in os.walk(corpus):
            for n in names:
                if n.endswith((".json", ".xml")) and os.path.relpath(dirpath, corpus) != ".":
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
