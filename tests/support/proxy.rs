//! A small HTTP/1.1 proxy in front of the emulator, listening on 127.0.0.1 only.
//!
//! It fills gaps of the emulator and injects faults the real service produces:
//! rewriting responses (DynamoDB global-table `Replicas`, which the emulator does
//! not emulate), AWS errors for chosen operations (AccessDenied, throttling), a
//! delay on every request, and an endpoint that stops answering. It also counts
//! requests and the most requests in flight at once.

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
    /// Applies this many times, then never again; always when `None`.
    pub times: Option<u64>,
    pub action: Action,
}

impl Rule {
    pub fn new(operation: &str, action: Action) -> Rule {
        Rule {
            operation: operation.into(),
            region: None,
            body_contains: None,
            times: None,
            action,
        }
    }
    pub fn in_region(mut self, region: &str) -> Rule {
        self.region = Some(region.into());
        self
    }
    pub fn body_contains(mut self, text: &str) -> Rule {
        self.body_contains = Some(text.into());
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

#[derive(Default)]
pub struct Settings {
    pub rules: Vec<Rule>,
    /// Added before forwarding each request.
    pub delay: Option<Duration>,
    /// After this many requests, stop answering (hold every connection open).
    pub hang_after: Option<u64>,
}

#[derive(Default)]
struct State {
    rules: Mutex<Vec<Rule>>,
    delay: Option<Duration>,
    hang_after: Option<u64>,
    requests: AtomicU64,
    in_flight: AtomicU64,
    max_in_flight: AtomicU64,
    operations: Mutex<BTreeMap<String, u64>>,
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

    /// Requests per operation name.
    pub fn operations(&self) -> BTreeMap<String, u64> {
        self.state
            .operations
            .lock()
            .expect("operations lock")
            .clone()
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

    /// `TrentService.ListKeys` -> `ListKeys`; query protocols carry `Action=`.
    fn operation(&self) -> String {
        if let Some(target) = self.header("x-amz-target") {
            return target.rsplit('.').next().unwrap_or(target).to_string();
        }
        let body = String::from_utf8_lossy(&self.body);
        body.split('&')
            .find_map(|kv| kv.strip_prefix("Action="))
            .unwrap_or("unknown")
            .to_string()
    }

    /// Region from the SigV4 credential scope `AKID/date/region/service/aws4_request`.
    fn region(&self) -> Option<String> {
        let auth = self.header("authorization")?;
        let scope = auth.split("Credential=").nth(1)?.split(',').next()?;
        scope.split('/').nth(2).map(str::to_string)
    }

    fn is_query_protocol(&self) -> bool {
        self.header("content-type")
            .is_some_and(|c| c.contains("x-www-form-urlencoded"))
    }
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
        let action = matching_action(state, &request, &operation);
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
            Some(Action::Patch(patch)) => forward(&request, upstream_port).map(|(status, body)| {
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
            }),
            None => {
                forward(&request, upstream_port).map(|(status, body)| (status, Vec::new(), body))
            }
        };
        state.in_flight.fetch_sub(1, Ordering::Relaxed);
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

fn content_type(request: &Request) -> &'static str {
    if request.is_query_protocol() {
        "text/xml"
    } else {
        "application/x-amz-json-1.1"
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
    let body = if request.is_query_protocol() {
        format!(
            "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>proxy</RequestId></ErrorResponse>"
        )
    } else {
        serde_json::json!({ "__type": code, "message": message }).to_string()
    };
    let headers = vec![
        (
            "Content-Type".to_string(),
            content_type(request).to_string(),
        ),
        ("x-amzn-ErrorType".to_string(), code.to_string()),
    ];
    Some((status, headers, body.into_bytes()))
}

/// Sends the request to the emulator on a fresh connection and reads the whole
/// response (the emulator closes it: `Connection: close`).
fn forward(request: &Request, upstream_port: u16) -> Option<(u16, Vec<u8>)> {
    let mut upstream = TcpStream::connect(("127.0.0.1", upstream_port)).ok()?;
    let mut out = format!("{}\r\n", request.head);
    for (k, v) in &request.headers {
        if !k.eq_ignore_ascii_case("connection") {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
    }
    out.push_str("Connection: close\r\n\r\n");
    upstream.write_all(out.as_bytes()).ok()?;
    upstream.write_all(&request.body).ok()?;
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
    Some((status, body))
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
