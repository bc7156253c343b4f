//! A small HTTP/1.1 proxy in front of the emulator, listening on 127.0.0.1 only.
//!
//! It makes the emulator answer as AWS does and injects the faults AWS produces:
//! CloudWatch's CBOR protocol, which the emulator does not speak, bridged to its
//! JSON protocol ([`cloudwatch_bridge`]); recorded, model-validated responses from
//! `tests/corpus/` for chosen requests,
//! rewritten responses, AWS errors for chosen operations (AccessDenied,
//! throttling), garbage, HTML and truncated bodies, dropped connections, a rate
//! limit per access key and operation (as AWS limits calls per account), session
//! credentials that expire after a while, a delay on every request, and an
//! endpoint that stops answering. It also counts requests, the most requests in
//! flight at once, and keeps request bodies for inspection.

use super::cloudwatch_bridge;
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What to do with a matching request.
#[derive(Clone)]
pub enum Action {
    /// Answer with an AWS error (`status`, error `code`, `message`).
    Fail {
        status: u16,
        code: String,
        message: String,
    },
    /// Answer with this status and an HTML body, as an endpoint does for an
    /// operation it does not implement.
    Html(u16),
    /// Answer with this status and JSON body without asking the emulator: a
    /// response fixture shaped like the AWS API reference.
    Json(u16, Value),
    /// Forward, then change the JSON response.
    Patch(Arc<dyn Fn(&mut Value) + Send + Sync>),
    /// Answer with a recorded body from `tests/corpus/` (a path under it), with
    /// text replacements (recorded ids -> the emulator's; in a CBOR body, text of
    /// the same length only). The status is 200, or
    /// the one in an `error-<status>-<Code>` file name.
    Corpus(String, Vec<(String, String)>),
    /// Answer with this status, content type and raw body (garbage, truncated).
    Raw(u16, String, Vec<u8>),
    /// Close the connection without answering.
    Drop,
    /// Forward, then replace text in the response (XML answers).
    Replace(Vec<(String, String)>),
}

/// A recorded body, as [`Action::Corpus`] serves it.
pub fn corpus(path: &str) -> Action {
    Action::Corpus(path.to_string(), Vec::new())
}

/// A recorded body with `from -> to` replacements.
pub fn corpus_with(path: &str, replace: &[(&str, &str)]) -> Action {
    Action::Corpus(
        path.to_string(),
        replace
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect(),
    )
}

/// The directory of recorded responses.
pub fn corpus_dir() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

/// Which requests a rule applies to, and how often.
#[derive(Clone)]
pub struct Rule {
    /// Operation name, such as `ListKeys` or `AssumeRole`.
    pub operation: String,
    /// Region from the request signature; any region when `None`.
    pub region: Option<String>,
    /// Substring of the request body; any body when `None`.
    pub body_contains: Option<String>,
    /// Substring of the request line's path and query (REST operations name their
    /// resource there: a hosted zone, a listener); any when `None`.
    pub path_contains: Option<String>,
    /// Applies this many times, then never again; always when `None`.
    pub times: Option<u64>,
    /// SigV4 access key of the request (one per account session).
    pub access_key: Option<String>,
    pub action: Action,
}

impl Rule {
    pub fn new(operation: &str, action: Action) -> Rule {
        Rule {
            operation: operation.into(),
            region: None,
            body_contains: None,
            path_contains: None,
            times: None,
            access_key: None,
            action,
        }
    }
    pub fn signed_by(mut self, access_key: &str) -> Rule {
        self.access_key = Some(access_key.into());
        self
    }
    pub fn in_region(mut self, region: &str) -> Rule {
        self.region = Some(region.into());
        self
    }
    pub fn body_contains(mut self, text: &str) -> Rule {
        self.body_contains = Some(text.into());
        self
    }
    pub fn path_contains(mut self, text: &str) -> Rule {
        self.path_contains = Some(text.into());
        self
    }
    pub fn times(mut self, n: u64) -> Rule {
        self.times = Some(n);
        self
    }
}

pub fn fail(status: u16, code: &str, message: &str) -> Action {
    Action::Fail {
        status,
        code: code.into(),
        message: message.into(),
    }
}

/// AWS's per-account rate limit of some operations, keyed on the access key.
#[derive(Clone)]
pub struct RateLimit {
    pub operations: Vec<String>,
    /// Calls per second per access key and operation (a token bucket of this size).
    pub per_second: u32,
}

/// Emulator answers kept by request (access key, operation, region, body), so a
/// later run can be answered without the emulator: its requests are then served
/// as fast and as many at once as they come, which an emulator answering one
/// request at a time cannot do. Assumed-role answers are on the tape too, so the
/// replayed run signs with the same access keys as the recorded one.
#[derive(Default)]
pub struct Tape {
    answers: Mutex<std::collections::HashMap<String, CannedResponse>>,
}

impl Tape {
    pub fn len(&self) -> usize {
        self.answers.lock().expect("tape lock").len()
    }

    /// The recorded answers (status, body) to one operation, in no set order.
    pub fn answers(&self, operation: &str) -> Vec<(u16, Vec<u8>)> {
        self.answers
            .lock()
            .expect("tape lock")
            .iter()
            .filter(|(key, _)| key.split(' ').nth(1) == Some(operation))
            .map(|(_, (status, _, body))| (*status, body.clone()))
            .collect()
    }
}

#[derive(Default)]
pub struct Settings {
    pub rules: Vec<Rule>,
    /// Added before forwarding each request.
    pub delay: Option<Duration>,
    /// After this many requests, stop answering (hold every connection open).
    pub hang_after: Option<u64>,
    /// Answer `ThrottlingException` beyond this rate.
    pub rate_limit: Option<RateLimit>,
    /// Session credentials (requests with a security token) are refused with
    /// `ExpiredToken` once this long has passed since the proxy first saw them.
    pub expire_sessions_after: Option<Duration>,
    /// Keep every emulator answer on this tape.
    pub record: Option<Arc<Tape>>,
    /// Answer from this tape when it has the request, else ask the emulator.
    pub replay: Option<Arc<Tape>>,
}

#[derive(Default)]
struct State {
    rules: Mutex<Vec<Rule>>,
    delay: Option<Duration>,
    hang_after: Option<u64>,
    rate_limit: Option<RateLimit>,
    /// (access key, operation) -> (tokens, last refill).
    buckets: Mutex<std::collections::HashMap<(String, String), (f64, std::time::Instant)>>,
    throttled: AtomicU64,
    expire_sessions_after: Option<Duration>,
    first_seen: Mutex<std::collections::HashMap<String, std::time::Instant>>,
    expired: AtomicU64,
    bodies: Mutex<Vec<(String, String)>>,
    record: Option<Arc<Tape>>,
    replay: Option<Arc<Tape>>,
    requests: AtomicU64,
    in_flight: AtomicU64,
    max_in_flight: AtomicU64,
    operations: Mutex<BTreeMap<String, u64>>,
    /// (signing name, operation) -> (requests, answers with an error status).
    answers: Mutex<BTreeMap<(String, String), (u64, u64)>>,
    stop: AtomicBool,
}

pub struct Proxy {
    pub port: u16,
    state: Arc<State>,
}

impl Proxy {
    pub fn start(upstream_port: u16, settings: Settings) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind proxy on 127.0.0.1");
        let port = listener.local_addr().expect("proxy address").port();
        let state = Arc::new(State {
            rules: Mutex::new(settings.rules),
            delay: settings.delay,
            hang_after: settings.hang_after,
            rate_limit: settings.rate_limit,
            expire_sessions_after: settings.expire_sessions_after,
            record: settings.record,
            replay: settings.replay,
            ..State::default()
        });
        let accept_state = state.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if accept_state.stop.load(Ordering::Relaxed) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let state = accept_state.clone();
                std::thread::spawn(move || serve(stream, upstream_port, &state));
            }
        });
        Proxy { port, state }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn requests(&self) -> u64 {
        self.state.requests.load(Ordering::Relaxed)
    }

    pub fn max_in_flight(&self) -> u64 {
        self.state.max_in_flight.load(Ordering::Relaxed)
    }

    /// Requests answered with `ThrottlingException` by the rate limit.
    pub fn throttled(&self) -> u64 {
        self.state.throttled.load(Ordering::Relaxed)
    }

    /// Requests refused because their session credentials had expired.
    pub fn expired(&self) -> u64 {
        self.state.expired.load(Ordering::Relaxed)
    }

    /// Request bodies of one operation, in arrival order.
    pub fn bodies(&self, operation: &str) -> Vec<String> {
        self.state
            .bodies
            .lock()
            .expect("bodies lock")
            .iter()
            .filter(|(op, _)| op == operation)
            .map(|(_, b)| b.clone())
            .collect()
    }

    /// Requests per operation name.
    pub fn operations(&self) -> BTreeMap<String, u64> {
        self.state
            .operations
            .lock()
            .expect("operations lock")
            .clone()
    }

    /// Requests per (signing name, operation), with how many of them were
    /// answered with an error status (4xx/5xx) or not at all.
    pub fn answers(&self) -> BTreeMap<(String, String), (u64, u64)> {
        self.state.answers.lock().expect("answers lock").clone()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.state.stop.store(true, Ordering::Relaxed);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

struct Request {
    head: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The operation a request asks for, however its protocol names it:
    /// `X-Amz-Target` (JSON: `TrentService.ListKeys` -> `ListKeys`), the path's
    /// last segment (Smithy RPC v2 CBOR: `/service/<Service>/operation/<Op>`),
    /// `Action=` (query), S3's `x-id=` query parameter, or method and path
    /// (REST-JSON and REST-XML, see [`rest_operation`]).
    fn operation(&self) -> String {
        if let Some(target) = self.header("x-amz-target") {
            return target.rsplit('.').next().unwrap_or(target).to_string();
        }
        let (method, path, query) = self.target();
        if self.header("smithy-protocol").is_some() {
            if let Some(op) = path.rsplit_once("/operation/").map(|(_, op)| op) {
                return op.to_string();
            }
        }
        let body = String::from_utf8_lossy(&self.body);
        if let Some(action) = body.split('&').find_map(|kv| kv.strip_prefix("Action=")) {
            return action.to_string();
        }
        if let Some(id) = query.split('&').find_map(|kv| kv.strip_prefix("x-id=")) {
            return id.to_string();
        }
        let service = self.service().unwrap_or_default();
        rest_operation(&service, method, path, query)
            .unwrap_or("unknown")
            .to_string()
    }

    /// Method, path and query string of the request line.
    fn target(&self) -> (&str, &str, &str) {
        let mut parts = self.head.split_whitespace();
        let method = parts.next().unwrap_or_default();
        let uri = parts.next().unwrap_or_default();
        let (path, query) = uri.split_once('?').unwrap_or((uri, ""));
        (method, path, query)
    }

    /// Signing name from the SigV4 credential scope (`s3`, `route53`, `lambda`).
    fn service(&self) -> Option<String> {
        self.scope_part(3)
    }

    /// How the request's protocol writes errors.
    fn protocol(&self) -> Protocol {
        if self.header("smithy-protocol").is_some() {
            return Protocol::Cbor;
        }
        if self.is_query_protocol() {
            return Protocol::Query;
        }
        match self.service().as_deref() {
            Some("s3") => Protocol::S3Xml,
            Some("route53" | "cloudfront") => Protocol::RestXml,
            Some("lambda") => Protocol::RestJson,
            _ => Protocol::Json,
        }
    }

    /// Region from the SigV4 credential scope `AKID/date/region/service/aws4_request`.
    fn region(&self) -> Option<String> {
        self.scope_part(2)
    }

    /// The access key that signed the request.
    fn access_key(&self) -> Option<String> {
        self.scope_part(0)
    }

    fn scope_part(&self, n: usize) -> Option<String> {
        let auth = self.header("authorization")?;
        let scope = auth.split("Credential=").nth(1)?.split(',').next()?;
        scope.split('/').nth(n).map(str::to_string)
    }

    fn is_query_protocol(&self) -> bool {
        self.header("content-type")
            .is_some_and(|c| c.contains("x-www-form-urlencoded"))
    }
}

/// The wire protocols of the services the scanner reads, as far as errors differ.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Protocol {
    Json,
    Query,
    RestJson,
    RestXml,
    /// REST-XML with S3's unwrapped `<Error>` document.
    S3Xml,
    Cbor,
}

/// REST operations by signing name, method and path pattern, as the service
/// models' `http.requestUri` give them (`{}` stands for one path segment; a
/// pattern's `?name` must be among the query parameters).
const REST_ROUTES: &[(&str, &str, &str, &str)] = &[
    ("lambda", "GET", "/2015-03-31/functions", "ListFunctions"),
    ("lambda", "GET", "/2015-03-31/functions/{}", "GetFunction"),
    (
        "lambda",
        "GET",
        "/2019-09-30/functions/{}/concurrency",
        "GetFunctionConcurrency",
    ),
    (
        "lambda",
        "GET",
        "/2016-08-19/account-settings",
        "GetAccountSettings",
    ),
    (
        "route53",
        "GET",
        "/2013-04-01/hostedzone",
        "ListHostedZones",
    ),
    (
        "route53",
        "GET",
        "/2013-04-01/hostedzone/{}/rrset",
        "ListResourceRecordSets",
    ),
    (
        "route53",
        "GET",
        "/2013-04-01/healthcheck",
        "ListHealthChecks",
    ),
    (
        "route53",
        "GET",
        "/2013-04-01/tags/{}/{}",
        "ListTagsForResource",
    ),
    (
        "cloudfront",
        "GET",
        "/2020-05-31/distribution",
        "ListDistributions",
    ),
    ("s3", "GET", "/{}?replication", "GetBucketReplication"),
    ("s3", "GET", "/{}?versioning", "GetBucketVersioning"),
    ("s3", "GET", "/{}?tagging", "GetBucketTagging"),
    ("s3", "GET", "/{}?location", "GetBucketLocation"),
    ("s3", "GET", "", "ListBuckets"),
];

/// The REST operation a request names by method and path, if it is one the
/// scanner calls.
fn rest_operation(service: &str, method: &str, path: &str, query: &str) -> Option<&'static str> {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let params: Vec<&str> = query
        .split('&')
        .map(|kv| kv.split('=').next().unwrap_or_default())
        .collect();
    REST_ROUTES.iter().find_map(|&(svc, verb, pattern, op)| {
        if svc != service || verb != method {
            return None;
        }
        let (pattern_path, needed) = pattern.split_once('?').unwrap_or((pattern, ""));
        let wanted: Vec<&str> = pattern_path.split('/').filter(|s| !s.is_empty()).collect();
        let same_shape = wanted.len() == segments.len()
            && wanted
                .iter()
                .zip(&segments)
                .all(|(w, s)| *w == "{}" || w == s);
        let has_param = needed.is_empty() || params.contains(&needed);
        (same_shape && has_param).then_some(op)
    })
}

/// A minimal CBOR encoding of a map of text strings: what a Smithy RPC v2 CBOR
/// error body holds (`__type`, `message`).
fn cbor_text_map(entries: &[(&str, &str)]) -> Vec<u8> {
    fn head(major: u8, len: usize, out: &mut Vec<u8>) {
        let major = major << 5;
        match len {
            0..=23 => out.push(major | len as u8),
            24..=0xff => out.extend([major | 24, len as u8]),
            0x100..=0xffff => {
                out.push(major | 25);
                out.extend((len as u16).to_be_bytes());
            }
            _ => {
                out.push(major | 26);
                out.extend((len as u32).to_be_bytes());
            }
        }
    }
    let mut out = Vec::new();
    head(5, entries.len(), &mut out);
    for (k, v) in entries {
        for text in [k, v] {
            head(3, text.len(), &mut out);
            out.extend(text.as_bytes());
        }
    }
    out
}

/// The query-compatible error code CloudWatch's CBOR protocol sends in
/// `x-amzn-query-error`, which the AWS SDK reads instead of `__type`:
/// `ThrottlingException` -> `Throttling`, as the query protocol names it.
fn query_compatible_code(code: &str) -> String {
    let short = code.strip_suffix("Exception").unwrap_or(code);
    format!("{short};Sender")
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Request> {
    let mut head = String::new();
    if reader.read_line(&mut head).ok()? == 0 {
        return None;
    }
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (k, v) = line.split_once(':')?;
        headers.push((k.trim().to_string(), v.trim().to_string()));
    }
    let len = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body).ok()?;
    Some(Request {
        head: head.trim_end().to_string(),
        headers,
        body,
    })
}

fn serve(stream: TcpStream, upstream_port: u16, state: &State) {
    let Ok(write_half) = stream.try_clone() else {
        return;
    };
    let mut writer = write_half;
    let mut reader = BufReader::new(stream);
    while let Some(request) = read_request(&mut reader) {
        let n = state.requests.fetch_add(1, Ordering::Relaxed) + 1;
        let operation = request.operation();
        *state
            .operations
            .lock()
            .expect("operations lock")
            .entry(operation.clone())
            .or_default() += 1;
        let now = state.in_flight.fetch_add(1, Ordering::Relaxed) + 1;
        state.max_in_flight.fetch_max(now, Ordering::Relaxed);
        if state.hang_after.is_some_and(|limit| n > limit) {
            while !state.stop.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(50));
            }
            return;
        }
        if let Some(delay) = state.delay {
            std::thread::sleep(delay);
        }
        state.bodies.lock().expect("bodies lock").push((
            operation.clone(),
            String::from_utf8_lossy(&request.body).to_string(),
        ));
        let action = if session_expired(state, &request) {
            state.expired.fetch_add(1, Ordering::Relaxed);
            let code = if request.is_query_protocol() {
                "ExpiredToken"
            } else {
                "ExpiredTokenException"
            };
            Some(fail(
                400,
                code,
                "The security token included in the request is expired",
            ))
        } else if rate_limited(state, &request, &operation) {
            state.throttled.fetch_add(1, Ordering::Relaxed);
            Some(fail(
                400,
                "ThrottlingException",
                "Rate of requests exceeds the allowed throughput.",
            ))
        } else {
            matching_action(state, &request, &operation)
        };
        let response = match action {
            Some(Action::Fail {
                status,
                code,
                message,
            }) => error_response(&request, status, &code, &message),
            Some(Action::Html(status)) => Some((
                status,
                vec![("Content-Type".to_string(), "text/html".to_string())],
                b"<!doctype html><title>500 Internal Server Error</title><p>not implemented</p>"
                    .to_vec(),
            )),
            Some(Action::Json(status, body)) => Some((
                status,
                vec![(
                    "Content-Type".to_string(),
                    "application/x-amz-json-1.1".to_string(),
                )],
                body.to_string().into_bytes(),
            )),
            Some(Action::Corpus(path, replace)) => Some(corpus_response(&path, &replace)),
            Some(Action::Raw(status, content_type, body)) => Some((
                status,
                vec![("Content-Type".to_string(), content_type)],
                body,
            )),
            Some(Action::Drop) => None,
            Some(Action::Replace(pairs)) => {
                forward(&request, upstream_port).map(|(status, headers, body)| {
                    let mut text = String::from_utf8_lossy(&body).to_string();
                    for (from, to) in &pairs {
                        text = text.replace(from.as_str(), to);
                    }
                    (status, headers, text.into_bytes())
                })
            }
            Some(Action::Patch(patch)) => {
                forward(&request, upstream_port).map(|(status, _, body)| {
                    let body = match serde_json::from_slice::<Value>(&body) {
                        Ok(mut v) => {
                            patch(&mut v);
                            serde_json::to_vec(&v).unwrap_or(body)
                        }
                        Err(_) => body,
                    };
                    (
                        status,
                        vec![(
                            "Content-Type".to_string(),
                            "application/x-amz-json-1.0".to_string(),
                        )],
                        body,
                    )
                })
            }
            None => {
                let key = tape_key(&request, &operation);
                let taped = state
                    .replay
                    .as_ref()
                    .and_then(|t| t.answers.lock().expect("tape lock").get(&key).cloned());
                taped.or_else(|| {
                    let answer = forward(&request, upstream_port)?;
                    if let Some(tape) = &state.record {
                        tape.answers
                            .lock()
                            .expect("tape lock")
                            .insert(key, answer.clone());
                    }
                    Some(answer)
                })
            }
        };
        state.in_flight.fetch_sub(1, Ordering::Relaxed);
        {
            let mut answers = state.answers.lock().expect("answers lock");
            let entry = answers
                .entry((request.service().unwrap_or_default(), operation.clone()))
                .or_default();
            entry.0 += 1;
            if response
                .as_ref()
                .is_none_or(|(status, _, _)| *status >= 400)
            {
                entry.1 += 1;
            }
        }
        let Some((status, mut headers, body)) = response else {
            break;
        };
        if headers.is_empty() {
            headers.push(("Content-Type".into(), content_type(&request).into()));
        }
        let mut out = format!(
            "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: keep-alive\r\n",
            body.len()
        );
        for (k, v) in headers {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
        out.push_str("\r\n");
        if writer
            .write_all(out.as_bytes())
            .and_then(|_| writer.write_all(&body))
            .is_err()
        {
            break;
        }
    }
    let _ = writer.shutdown(Shutdown::Both);
}

/// What identifies a request on a tape: who signed it, what it asks, where.
fn tape_key(request: &Request, operation: &str) -> String {
    format!(
        "{} {operation} {} {} {}",
        request.access_key().unwrap_or_default(),
        request.region().unwrap_or_default(),
        request.head,
        String::from_utf8_lossy(&request.body)
    )
}

/// Whether the request carries session credentials older than the limit.
fn session_expired(state: &State, request: &Request) -> bool {
    let Some(limit) = state.expire_sessions_after else {
        return false;
    };
    if request.header("x-amz-security-token").is_none() {
        return false;
    }
    let Some(key) = request.access_key() else {
        return false;
    };
    let now = std::time::Instant::now();
    let mut seen = state.first_seen.lock().expect("first_seen lock");
    let first = *seen.entry(key).or_insert(now);
    now.duration_since(first) > limit
}

/// A token bucket per (access key, operation), refilled at `per_second`.
fn rate_limited(state: &State, request: &Request, operation: &str) -> bool {
    let Some(limit) = &state.rate_limit else {
        return false;
    };
    if !limit.operations.iter().any(|o| o == operation) {
        return false;
    }
    let key = (
        request.access_key().unwrap_or_default(),
        operation.to_string(),
    );
    let rate = f64::from(limit.per_second);
    let now = std::time::Instant::now();
    let mut buckets = state.buckets.lock().expect("buckets lock");
    let (tokens, last) = buckets.entry(key).or_insert((rate, now));
    *tokens = (*tokens + now.duration_since(*last).as_secs_f64() * rate).min(rate);
    *last = now;
    if *tokens >= 1.0 {
        *tokens -= 1.0;
        false
    } else {
        true
    }
}

/// Status, headers and body of a recorded response.
fn corpus_response(path: &str, replace: &[(String, String)]) -> CannedResponse {
    let full = corpus_dir().join(path);
    let mut text = if path.ends_with(".cbor") {
        String::new()
    } else {
        std::fs::read_to_string(&full)
            .unwrap_or_else(|e| panic!("corpus body {}: {e}", full.display()))
    };
    for (from, to) in replace {
        text = text.replace(from.as_str(), to);
    }
    let name = full
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_string();
    let mut headers = Vec::new();
    let status = match name.strip_prefix("error-") {
        Some(rest) => {
            let mut parts = rest.splitn(2, '-');
            let status = parts.next().and_then(|s| s.parse().ok()).unwrap_or(400);
            let code = parts
                .next()
                .and_then(|c| c.split('.').next())
                .unwrap_or_default();
            headers.push(("x-amzn-ErrorType".to_string(), code.to_string()));
            status
        }
        None => 200,
    };
    if name.ends_with(".cbor") {
        if let Some(code) = headers
            .iter()
            .find(|(k, _)| k == "x-amzn-ErrorType")
            .map(|(_, v)| v.clone())
        {
            headers.push(("x-amzn-query-error".into(), query_compatible_code(&code)));
        }
        headers.push(("smithy-protocol".into(), "rpc-v2-cbor".into()));
        headers.push(("Content-Type".into(), "application/cbor".into()));
        let mut body =
            std::fs::read(&full).unwrap_or_else(|e| panic!("corpus body {}: {e}", full.display()));
        for (from, to) in replace {
            body = replace_same_length(&body, from.as_bytes(), to.as_bytes());
        }
        return (status, headers, body);
    }
    let content_type = if name.ends_with(".xml") {
        "text/xml"
    } else if path.starts_with("dynamodb/") {
        "application/x-amz-json-1.0"
    } else if path.starts_with("lambda/") {
        "application/json"
    } else {
        "application/x-amz-json-1.1"
    };
    headers.push(("Content-Type".to_string(), content_type.to_string()));
    (status, headers, text.into_bytes())
}

/// Replaces text inside a CBOR body. Only text of the same length: a CBOR text
/// string carries its length before it, which any other replacement would break.
fn replace_same_length(body: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    assert_eq!(
        from.len(),
        to.len(),
        "a CBOR body's text can only be replaced by text of the same length"
    );
    let mut out = body.to_vec();
    let mut at = 0;
    while let Some(i) = out[at..].windows(from.len()).position(|w| w == from) {
        out[at + i..at + i + to.len()].copy_from_slice(to);
        at += i + to.len();
    }
    out
}

fn content_type(request: &Request) -> &'static str {
    match request.protocol() {
        Protocol::Query | Protocol::RestXml | Protocol::S3Xml => "text/xml",
        Protocol::RestJson => "application/json",
        Protocol::Cbor => "application/cbor",
        Protocol::Json => "application/x-amz-json-1.1",
    }
}

fn matching_action(state: &State, request: &Request, operation: &str) -> Option<Action> {
    let mut rules = state.rules.lock().expect("rules lock");
    let region = request.region();
    let body = String::from_utf8_lossy(&request.body);
    for rule in rules.iter_mut() {
        let matches = rule.operation == operation
            && rule
                .region
                .as_ref()
                .is_none_or(|r| region.as_ref() == Some(r))
            && rule
                .body_contains
                .as_ref()
                .is_none_or(|t| body.contains(t.as_str()))
            && rule.path_contains.as_ref().is_none_or(|t| {
                let (_, path, query) = request.target();
                path.contains(t.as_str()) || query.contains(t.as_str())
            })
            && rule
                .access_key
                .as_ref()
                .is_none_or(|k| request.access_key().as_ref() == Some(k))
            && rule.times != Some(0);
        if matches {
            if let Some(n) = &mut rule.times {
                *n -= 1;
            }
            return Some(rule.action.clone());
        }
    }
    None
}

/// A response the proxy answers itself: status, headers, body.
type CannedResponse = (u16, Vec<(String, String)>, Vec<u8>);

fn error_response(
    request: &Request,
    status: u16,
    code: &str,
    message: &str,
) -> Option<CannedResponse> {
    let mut headers = vec![
        (
            "Content-Type".to_string(),
            content_type(request).to_string(),
        ),
        ("x-amzn-ErrorType".to_string(), code.to_string()),
    ];
    let body = match request.protocol() {
        Protocol::Query | Protocol::RestXml => format!(
            "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>proxy</RequestId></ErrorResponse>"
        )
        .into_bytes(),
        Protocol::S3Xml => format!(
            "<Error><Code>{code}</Code><Message>{message}</Message><RequestId>proxy</RequestId></Error>"
        )
        .into_bytes(),
        Protocol::Cbor => {
            headers.push(("smithy-protocol".into(), "rpc-v2-cbor".into()));
            headers.push(("x-amzn-query-error".into(), query_compatible_code(code)));
            cbor_text_map(&[("__type", code), ("message", message)])
        }
        Protocol::Json | Protocol::RestJson => {
            serde_json::json!({ "__type": code, "message": message })
                .to_string()
                .into_bytes()
        }
    };
    Some((status, headers, body))
}

/// Sends the request to the emulator on a fresh connection and reads the whole
/// response (the emulator closes it: `Connection: close`). A CloudWatch CBOR
/// request the emulator does not speak goes through [`cloudwatch_bridge`].
fn forward(request: &Request, upstream_port: u16) -> Option<CannedResponse> {
    let (_, path, _) = request.target();
    if let Some(operation) =
        cloudwatch_bridge::operation(path).filter(|_| request.protocol() == Protocol::Cbor)
    {
        let (target, body) = cloudwatch_bridge::json_request(operation, &request.body)?;
        let mut headers: Vec<(String, String)> = request
            .headers
            .iter()
            .filter(|(k, _)| {
                ![
                    "content-type",
                    "content-length",
                    "smithy-protocol",
                    "accept",
                ]
                .iter()
                .any(|h| k.eq_ignore_ascii_case(h))
            })
            .cloned()
            .collect();
        headers.push(("X-Amz-Target".into(), target));
        headers.push(("Content-Type".into(), "application/x-amz-json-1.0".into()));
        headers.push(("Content-Length".into(), body.len().to_string()));
        let (status, head, answer) = send("POST / HTTP/1.1", &headers, &body, upstream_port)?;
        let query_error = head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case("x-amzn-query-error")
                .then(|| v.trim().to_string())
        });
        return Some(cloudwatch_bridge::cbor_response(
            operation,
            status,
            query_error.as_deref(),
            &answer,
        ));
    }
    let (status, _, body) = send(
        &request.head,
        &request.headers,
        &request.body,
        upstream_port,
    )?;
    Some((status, Vec::new(), body))
}

/// One exchange with the emulator: status, response head, body.
fn send(
    head: &str,
    headers: &[(String, String)],
    body: &[u8],
    upstream_port: u16,
) -> Option<(u16, String, Vec<u8>)> {
    let mut upstream = TcpStream::connect(("127.0.0.1", upstream_port)).ok()?;
    let mut out = format!("{head}\r\n");
    for (k, v) in headers {
        if !k.eq_ignore_ascii_case("connection") {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
    }
    out.push_str("Connection: close\r\n\r\n");
    upstream.write_all(out.as_bytes()).ok()?;
    upstream.write_all(body).ok()?;
    let mut raw = Vec::new();
    upstream.read_to_end(&mut raw).ok()?;
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let mut body = raw[split + 4..].to_vec();
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body = dechunk(&body);
    }
    Some((status, head, body))
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = data.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&data[..eol]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = eol + 2;
        out.extend_from_slice(&data[start..(start + size).min(data.len())]);
        data = &data[(start + size + 2).min(data.len())..];
    }
    out
}
