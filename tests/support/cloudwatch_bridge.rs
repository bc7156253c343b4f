//! CloudWatch's protocol, bridged for the emulator.
//!
//! `aws-sdk-cloudwatch` speaks only Smithy RPC v2 CBOR (`POST
//! /service/GraniteServiceVersion20100801/operation/DescribeAlarms`, header
//! `smithy-protocol: rpc-v2-cbor`); moto 5.2.5 answers that path 404, but serves
//! the same operation in CloudWatch's JSON 1.0 protocol (`POST /`, `X-Amz-Target:
//! GraniteServiceVersion20100801.DescribeAlarms`, `Content-Type:
//! application/x-amz-json-1.0`), from the alarms it stores (`put_metric_alarm`).
//! The proxy sends it that request instead and answers the client in AWS's CBOR:
//!
//! - the request body's CBOR map becomes the same JSON object;
//! - the answer's members are kept as AWS's model defines them ([`SHAPES`]):
//!   timestamps (JSON epoch seconds) become CBOR tag 1, doubles are CBOR floats,
//!   `null`s and members the model does not define are dropped;
//! - an error becomes the CBOR map AWS sends (`__type` = the error code without
//!   the emulator's `GraniteServiceVersion20100801#` namespace, `message`), with
//!   the query-compatible code in `x-amzn-query-error`.
//!
//! Only the protocol is corrected, never the data: what the emulator stored is
//! what the client reads. Only DescribeAlarms is bridged (the one CloudWatch
//! operation the scanner calls); `tests/alarms_live.rs` checks a bridged body
//! against botocore's model with `tests/corpus/validate.py`, so the bridge cannot
//! drift into a shape AWS does not send.

use minicbor::data::{IanaTag, Type};
use minicbor::{Decoder, Encoder};
use serde_json::{Map, Value};

/// The path prefix of a CloudWatch CBOR request; the operation follows it.
const PREFIX: &str = "/service/GraniteServiceVersion20100801/operation/";

/// The JSON 1.0 target prefix of the same service.
const TARGET: &str = "GraniteServiceVersion20100801";

/// `(operation, output structure)` of the bridged operations.
const OPERATIONS: &[(&str, &str)] = &[("DescribeAlarms", "DescribeAlarmsOutput")];

/// A member whose value is a timestamp (epoch seconds; CBOR tag 1).
const TIMESTAMP: &str = "timestamp";
/// A member whose value is a double (always a CBOR float, even when whole).
const DOUBLE: &str = "double";

/// The output members AWS's model defines (botocore `cloudwatch` 2010-08-01,
/// `service-2.json`) for the structures the emulator fills: member -> the
/// structure of its value (or of each item of its list), [`TIMESTAMP`],
/// [`DOUBLE`], or `""` for a string, integer, boolean or list of those. The
/// model's `LogAlarms` and the alarm members `ActionConfiguration`,
/// `EvaluationWindow`, `WarmUpConfiguration`, `EvaluationCriteria`,
/// `EvaluationInterval` are not listed: moto 5.2.5 never emits them.
const SHAPES: &[(&str, &[(&str, &str)])] = &[
    (
        "DescribeAlarmsOutput",
        &[
            ("CompositeAlarms", "CompositeAlarm"),
            ("MetricAlarms", "MetricAlarm"),
            ("NextToken", ""),
        ],
    ),
    (
        "MetricAlarm",
        &[
            ("AlarmName", ""),
            ("AlarmArn", ""),
            ("AlarmDescription", ""),
            ("AlarmConfigurationUpdatedTimestamp", TIMESTAMP),
            ("ActionsEnabled", ""),
            ("OKActions", ""),
            ("AlarmActions", ""),
            ("InsufficientDataActions", ""),
            ("StateValue", ""),
            ("StateReason", ""),
            ("StateReasonData", ""),
            ("StateUpdatedTimestamp", TIMESTAMP),
            ("MetricName", ""),
            ("Namespace", ""),
            ("Statistic", ""),
            ("ExtendedStatistic", ""),
            ("Dimensions", "Dimension"),
            ("Period", ""),
            ("Unit", ""),
            ("EvaluationPeriods", ""),
            ("DatapointsToAlarm", ""),
            ("Threshold", DOUBLE),
            ("ComparisonOperator", ""),
            ("TreatMissingData", ""),
            ("EvaluateLowSampleCountPercentile", ""),
            ("Metrics", "MetricDataQuery"),
            ("ThresholdMetricId", ""),
            ("EvaluationState", ""),
            ("StateTransitionedTimestamp", TIMESTAMP),
        ],
    ),
    (
        "CompositeAlarm",
        &[
            ("ActionsEnabled", ""),
            ("AlarmActions", ""),
            ("AlarmArn", ""),
            ("AlarmConfigurationUpdatedTimestamp", TIMESTAMP),
            ("AlarmDescription", ""),
            ("AlarmName", ""),
            ("AlarmRule", ""),
            ("InsufficientDataActions", ""),
            ("OKActions", ""),
            ("StateReason", ""),
            ("StateReasonData", ""),
            ("StateUpdatedTimestamp", TIMESTAMP),
            ("StateValue", ""),
            ("StateTransitionedTimestamp", TIMESTAMP),
            ("ActionsSuppressedBy", ""),
            ("ActionsSuppressedReason", ""),
            ("ActionsSuppressor", ""),
            ("ActionsSuppressorWaitPeriod", ""),
            ("ActionsSuppressorExtensionPeriod", ""),
        ],
    ),
    ("Dimension", &[("Name", ""), ("Value", "")]),
    (
        "MetricDataQuery",
        &[
            ("Id", ""),
            ("MetricStat", "MetricStat"),
            ("Expression", ""),
            ("Label", ""),
            ("ReturnData", ""),
            ("Period", ""),
            ("AccountId", ""),
        ],
    ),
    (
        "MetricStat",
        &[
            ("Metric", "Metric"),
            ("Period", ""),
            ("Stat", ""),
            ("Unit", ""),
        ],
    ),
    (
        "Metric",
        &[
            ("Namespace", ""),
            ("MetricName", ""),
            ("Dimensions", "Dimension"),
        ],
    ),
];

/// The bridged operation a request path names, if any.
pub fn operation(path: &str) -> Option<&'static str> {
    let op = path.strip_prefix(PREFIX)?;
    OPERATIONS
        .iter()
        .find(|(name, _)| *name == op)
        .map(|(name, _)| *name)
}

/// The JSON 1.0 request for a CBOR request body: its `X-Amz-Target` and body.
/// `None` when the body is not CBOR the bridge reads.
pub fn json_request(operation: &str, cbor: &[u8]) -> Option<(String, Vec<u8>)> {
    let input = if cbor.is_empty() {
        Value::Object(Map::new())
    } else {
        let mut d = Decoder::new(cbor);
        let value = read(&mut d).ok()?;
        (d.position() == cbor.len()).then_some(value)?
    };
    Some((
        format!("{TARGET}.{operation}"),
        input.to_string().into_bytes(),
    ))
}

/// AWS's CBOR answer for the emulator's JSON answer: status, headers, body.
/// `query_error` is the emulator's `x-amzn-query-error` header, if it sent one.
/// A body that is not JSON (the emulator's HTML error pages) is passed on as is.
pub fn cbor_response(
    operation: &str,
    status: u16,
    query_error: Option<&str>,
    json: &[u8],
) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let Ok(answer) = serde_json::from_slice::<Value>(json) else {
        return (status, Vec::new(), json.to_vec());
    };
    let mut headers = vec![
        ("Content-Type".to_string(), "application/cbor".to_string()),
        ("smithy-protocol".to_string(), "rpc-v2-cbor".to_string()),
    ];
    let mut body = Vec::new();
    let mut e = Encoder::new(&mut body);
    if (200..300).contains(&status) {
        let output = OPERATIONS
            .iter()
            .find(|(name, _)| *name == operation)
            .map_or("", |(_, shape)| *shape);
        write(&mut e, &answer, output);
    } else {
        let text = |k: &str| answer.get(k).and_then(Value::as_str).unwrap_or_default();
        let code = text("__type").rsplit('#').next().unwrap_or_default();
        let message = match text("message") {
            "" => text("Message"),
            m => m,
        };
        let _ = e
            .map(2)
            .and_then(|e| e.str("__type")?.str(code)?.str("message")?.str(message));
        headers.push(("x-amzn-ErrorType".to_string(), code.to_string()));
        headers.push((
            "x-amzn-query-error".to_string(),
            query_error.map_or_else(|| format!("{code};Sender"), str::to_string),
        ));
    }
    (status, headers, body)
}

/// One CBOR data item as JSON (the subset a request holds: maps, arrays, text,
/// numbers, booleans, null; tag 1 timestamps as their epoch seconds).
fn read(d: &mut Decoder) -> Result<Value, minicbor::decode::Error> {
    let value = match d.datatype()? {
        Type::Map | Type::MapIndef => {
            let len = d.map()?;
            let mut out = Map::new();
            while more(d, len, out.len())? {
                let key = d.str()?.to_string();
                out.insert(key, read(d)?);
            }
            Value::Object(out)
        }
        Type::Array | Type::ArrayIndef => {
            let len = d.array()?;
            let mut out = Vec::new();
            while more(d, len, out.len())? {
                out.push(read(d)?);
            }
            Value::Array(out)
        }
        Type::String => Value::from(d.str()?),
        Type::Bool => Value::from(d.bool()?),
        Type::Null => {
            d.null()?;
            Value::Null
        }
        Type::U8 | Type::U16 | Type::U32 | Type::U64 => Value::from(d.u64()?),
        Type::I8 | Type::I16 | Type::I32 | Type::I64 => Value::from(d.i64()?),
        Type::F16 => Value::from(f64::from(d.f16()?)),
        Type::F32 => Value::from(f64::from(d.f32()?)),
        Type::F64 => Value::from(d.f64()?),
        Type::Tag => {
            d.tag()?;
            read(d)?
        }
        other => {
            return Err(minicbor::decode::Error::message(format!(
                "the bridge does not read CBOR {other}"
            )))
        }
    };
    Ok(value)
}

/// Whether a map or array has another entry: below its length, or before the
/// break of an indefinite one (which is consumed).
fn more(d: &mut Decoder, len: Option<u64>, seen: usize) -> Result<bool, minicbor::decode::Error> {
    match len {
        Some(n) => Ok((seen as u64) < n),
        None if d.datatype()? == Type::Break => {
            d.set_position(d.position() + 1);
            Ok(false)
        }
        None => Ok(true),
    }
}

/// Writes `value` as the model's `shape` (a structure name, [`TIMESTAMP`],
/// [`DOUBLE`] or `""`), leaving out `null`s and members the structure does not
/// define.
fn write(e: &mut Encoder<&mut Vec<u8>>, value: &Value, shape: &str) {
    // Writing to a Vec cannot fail.
    let _ = match value {
        Value::Object(map) => {
            let members = SHAPES
                .iter()
                .find(|(name, _)| *name == shape)
                .map_or(&[][..], |(_, m)| *m);
            let kept: Vec<(&String, &Value, &str)> = map
                .iter()
                .filter(|(_, v)| !v.is_null())
                .filter_map(|(k, v)| {
                    members
                        .iter()
                        .find(|(m, _)| m == k)
                        .map(|(_, s)| (k, v, *s))
                })
                .collect();
            let _ = e.map(kept.len() as u64);
            for (k, v, s) in kept {
                let _ = e.str(k);
                write(e, v, s);
            }
            Ok(())
        }
        Value::Array(items) => {
            let items: Vec<&Value> = items.iter().filter(|v| !v.is_null()).collect();
            let _ = e.array(items.len() as u64);
            for item in items {
                write(e, item, shape);
            }
            Ok(())
        }
        Value::Number(n) if shape == TIMESTAMP => e
            .tag(IanaTag::Timestamp)
            .and_then(|e| match n.as_i64() {
                Some(whole) => e.i64(whole),
                None => e.f64(n.as_f64().unwrap_or_default()),
            })
            .map(|_| ()),
        Value::Number(n) if shape == DOUBLE => e.f64(n.as_f64().unwrap_or_default()).map(|_| ()),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => e.u64(u),
            (None, Some(i)) => e.i64(i),
            _ => e.f64(n.as_f64().unwrap_or_default()),
        }
        .map(|_| ()),
        Value::String(s) => e.str(s).map(|_| ()),
        Value::Bool(b) => e.bool(*b).map(|_| ()),
        Value::Null => e.null().map(|_| ()),
    };
}
