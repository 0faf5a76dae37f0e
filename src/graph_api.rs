//! The Graph API client behind `walint templates pull`, walint's only network use.
//!
//! Small and careful, because it carries a token that can send messages in a business's
//! name:
//! - HTTPS only; plain HTTP only to a loopback address (tests, a local BSP proxy);
//! - the token goes only in the `Authorization` header, only to the origin it was given:
//!   a redirect elsewhere is refused, and pages are fetched from the cursor Meta returns
//!   (`paging.cursors.after`), never from a URL in the response;
//! - a timeout on every call, a bounded body per page and in all, a bounded page count and a
//!   refusal of a cursor seen before, so no answer makes walint hang or fill memory;
//! - retries with exponential backoff on HTTP 429 and 5xx, Meta's throttling codes and errors
//!   Meta marks transient, waiting what `Retry-After` or `X-Business-Use-Case-Usage` asks;
//! - every error is one sentence, and the token is redacted from each.
//!
//! Sources: Meta's reference of `GET /{waba-id}/message_templates` (cursor paging,
//! `whatsapp_business_management`), Graph API error handling (codes 1, 2, 4, 17, 190 and its
//! subcodes, 10 and 200–299), Graph API rate limiting (`X-Business-Use-Case-Usage`,
//! `estimated_time_to_regain_access` in minutes), WhatsApp error codes (80007); the URLs are
//! in README.md.

use std::collections::HashSet;
use std::fmt;
use std::io;
use std::net::IpAddr;
use std::time::Duration;

use serde_json::Value;
use url::Url;

/// Where Meta serves the Graph API.
pub const DEFAULT_BASE_URL: &str = "https://graph.facebook.com";

/// The environment variable the access token is read from; there is no other way in.
pub const TOKEN_VARIABLE: &str = "WHATSAPP_ACCESS_TOKEN";

/// The fields of each template `templates pull` asks for.
pub const TEMPLATE_FIELDS: &str = "id,name,language,status,category,previous_category,quality_score,rejected_reason,parameter_format,components";

/// Graph error codes that mean "slow down": 4 (app), 17 (user), 32 (page), 613 (call rate),
/// 80007 and 80008 (WhatsApp Business Account rate limits).
const THROTTLING_CODES: [i64; 6] = [4, 17, 32, 613, 80007, 80008];

/// Graph error codes Meta documents as temporary (unknown error, service downtime).
const TEMPORARY_CODES: [i64; 2] = [1, 2];

/// The bounds of one `templates pull`.
#[derive(Clone, Debug)]
pub struct Limits {
    /// For each call: connecting, sending, and receiving the whole answer.
    pub timeout: Duration,
    /// The body of one page.
    pub max_page_bytes: u64,
    /// The bodies of all pages together.
    pub max_total_bytes: u64,
    pub max_pages: usize,
    /// Retries of one call after a throttling or server error.
    pub max_retries: u32,
    /// The longest walint waits before a retry; Meta asking for longer ends the pull.
    pub max_wait: Duration,
    /// The first backoff; it doubles with each retry.
    pub backoff: Duration,
    /// Templates asked for per page (`limit`).
    pub page_size: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            timeout: Duration::from_secs(30),
            max_page_bytes: 16 * 1024 * 1024,
            max_total_bytes: 64 * 1024 * 1024,
            // 500 pages of 100: far above the most templates a WhatsApp Business Account holds.
            max_pages: 500,
            max_retries: 4,
            max_wait: Duration::from_secs(60),
            backoff: Duration::from_secs(1),
            page_size: 100,
        }
    }
}

/// The access token. It is only ever written into a request header: `Debug` and every error
/// show a redacted form.
pub struct Token(String);

impl Token {
    /// The token from [`TOKEN_VARIABLE`].
    pub fn from_env() -> Result<Token, String> {
        let value = std::env::var_os(TOKEN_VARIABLE).unwrap_or_default();
        let Some(value) = value.to_str() else {
            return Err(format!("{TOKEN_VARIABLE} is not valid UTF-8"));
        };
        Token::new(value)
    }

    pub fn new(value: &str) -> Result<Token, String> {
        let value = value.trim();
        if value.is_empty() {
            return Err(format!(
                "{TOKEN_VARIABLE} is not set: walint reads the access token (a system user token with the whatsapp_business_management permission) only from that environment variable"
            ));
        }
        if !value.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(format!(
                "{TOKEN_VARIABLE} holds a space or a character that cannot travel in an HTTP header"
            ));
        }
        Ok(Token(value.to_string()))
    }

    /// What messages show instead of the token: Meta's public `EAA…` prefix at most.
    pub fn redacted(&self) -> String {
        match self.0.get(..4) {
            Some(prefix) if prefix.starts_with("EAA") && self.0.len() > 20 => {
                format!("{prefix}…redacted")
            }
            _ => "…redacted".to_string(),
        }
    }

    /// `text` with every occurrence of the token replaced by its redacted form.
    pub fn redact(&self, text: &str) -> String {
        text.replace(&self.0, &self.redacted())
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Token({})", self.redacted())
    }
}

/// A failure of the pull, as one sentence with the token redacted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphError(pub String);

impl fmt::Display for GraphError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The base URL as given (`--graph-url`): HTTPS, or HTTP to a loopback address; no
/// credentials, query or fragment. A path (a BSP proxy's prefix) is kept.
pub fn base_url(text: &str) -> Result<Url, String> {
    let mut url =
        Url::parse(text.trim()).map_err(|e| format!("`--graph-url {text}` is not a URL ({e})"))?;
    let loopback = match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    };
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => {
            return Err(format!(
                "`--graph-url {text}`: walint sends the access token only over HTTPS; plain http:// is allowed only to a loopback address (127.0.0.1, [::1], localhost)"
            ))
        }
        other => {
            return Err(format!(
                "`--graph-url {text}`: the scheme must be https, not `{other}`"
            ))
        }
    }
    if url.host().is_none() {
        return Err(format!("`--graph-url {text}` names no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(format!(
            "`--graph-url` must not carry credentials; walint takes the token only from {TOKEN_VARIABLE}"
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!(
            "`--graph-url {text}` must not have a query or a fragment"
        ));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

/// How one call ended.
enum Attempt {
    Done(Value),
    /// Worth another try, after `wait` when the server said how long.
    Retry {
        wait: Option<Duration>,
        why: String,
    },
    Failed(String),
}

pub struct Client {
    agent: ureq::Agent,
    base: Url,
    token: Token,
    limits: Limits,
    /// The base URL's host (and port, when not the default), as errors name it.
    host: String,
}

impl Client {
    pub fn new(base: Url, token: Token, limits: Limits) -> Client {
        let loopback = base.scheme() == "http";
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(limits.timeout))
            .http_status_as_error(false)
            // Redirects are looked at one by one (see `call`): the token must not follow
            // one to another host.
            .max_redirects(0)
            .user_agent(concat!("walint/", env!("CARGO_PKG_VERSION")))
            .accept("application/json");
        // A proxy from the environment is fine for Meta over HTTPS (the tunnel carries the
        // token encrypted), never for a loopback address.
        let config = if loopback { config.proxy(None) } else { config };
        let host = match (base.host_str(), base.port()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_string(),
            (None, _) => String::new(),
        };
        Client {
            agent: config.build().into(),
            base,
            token,
            limits,
            host,
        }
    }

    /// Every template of the WhatsApp Business Account `waba_id`, page after page.
    pub fn message_templates(
        &self,
        waba_id: &str,
        version: &str,
    ) -> Result<Vec<Value>, GraphError> {
        self.templates(waba_id, version)
            .map_err(|message| GraphError(self.token.redact(&message)))
    }

    fn templates(&self, waba_id: &str, version: &str) -> Result<Vec<Value>, String> {
        let mut first = self
            .base
            .join(&format!("{version}/{waba_id}/message_templates"))
            .map_err(|e| format!("cannot build the request URL: {e}"))?;
        first
            .query_pairs_mut()
            .append_pair("fields", TEMPLATE_FIELDS)
            .append_pair("limit", &self.limits.page_size.to_string());
        let mut templates = Vec::new();
        let mut cursors = HashSet::new();
        let mut total = 0u64;
        let mut url = first.clone();
        for page in 1..=self.limits.max_pages {
            let (body, bytes) = self.call(&url, waba_id)?;
            total += bytes;
            if total > self.limits.max_total_bytes {
                return Err(format!(
                    "{} sent more than {} MiB over {page} pages; walint stops there",
                    self.host,
                    self.limits.max_total_bytes / 1_048_576
                ));
            }
            let Some(Value::Array(data)) = body.get("data") else {
                return Err(format!(
                    "{} answered page {page} without a `data` list of templates; is `--graph-url` the Graph API?",
                    self.host
                ));
            };
            templates.extend(data.iter().cloned());
            let paging = body.get("paging");
            let next = paging.and_then(|p| p.get("next")).and_then(Value::as_str);
            let Some(next) = next else {
                return Ok(templates);
            };
            let after = paging
                .and_then(|p| p.pointer("/cursors/after"))
                .and_then(Value::as_str)
                .map(str::to_string)
                .or_else(|| cursor_in(next))
                .ok_or_else(|| {
                    format!(
                        "{} announced page {} (`paging.next`) without an `after` cursor",
                        self.host,
                        page + 1
                    )
                })?;
            if !cursors.insert(after.clone()) {
                return Err(format!(
                    "{} returned the same page cursor twice (a `paging.next` loop); walint stops after {page} pages",
                    self.host
                ));
            }
            url = first.clone();
            url.query_pairs_mut().append_pair("after", &after);
        }
        Err(format!(
            "{} kept announcing more pages after {} ({} templates); walint stops there rather than loop",
            self.host,
            self.limits.max_pages,
            templates.len()
        ))
    }

    /// One GET with its retries: the JSON body and its size.
    fn call(&self, url: &Url, waba_id: &str) -> Result<(Value, u64), String> {
        let mut attempt = 0;
        loop {
            let wait = match self.attempt(url, waba_id)? {
                (Attempt::Done(value), bytes) => return Ok((value, bytes)),
                (Attempt::Failed(message), _) => return Err(message),
                (Attempt::Retry { wait, why }, _) => {
                    if attempt == self.limits.max_retries {
                        return Err(format!(
                            "{why}, and still after {} retries; try again later",
                            self.limits.max_retries
                        ));
                    }
                    let wait = wait.unwrap_or_else(|| backoff(self.limits.backoff, attempt));
                    if wait > self.limits.max_wait {
                        return Err(format!(
                            "{why}, and Meta asks to wait {} before the next call; run `walint templates pull` again then",
                            minutes_or_seconds(wait)
                        ));
                    }
                    wait
                }
            };
            std::thread::sleep(wait);
            attempt += 1;
        }
    }

    /// One GET, following same-origin redirects (at most 3): how it ended and the body size.
    fn attempt(&self, url: &Url, waba_id: &str) -> Result<(Attempt, u64), String> {
        let mut url = url.clone();
        for _ in 0..=3 {
            let response = self
                .agent
                .get(url.as_str())
                .header("Authorization", &format!("Bearer {}", self.token.0))
                .call();
            let mut response = match response {
                Ok(response) => response,
                Err(error) => return Err(self.transport_error(&error)),
            };
            let status = response.status().as_u16();
            if (300..400).contains(&status) {
                url = self.redirect_target(&url, response.headers())?;
                continue;
            }
            let retry_after = header_seconds(response.headers(), "retry-after");
            let usage_wait = response
                .headers()
                .get("x-business-use-case-usage")
                .and_then(|v| v.to_str().ok())
                .and_then(regain_access_wait);
            let limit = self.limits.max_page_bytes;
            let bytes = match response.body_mut().with_config().limit(limit).read_to_vec() {
                Ok(bytes) => bytes,
                Err(ureq::Error::BodyExceedsLimit(_)) => {
                    return Err(format!(
                        "{} sent more than {} MiB for one page; walint stops reading there",
                        self.host,
                        limit / 1_048_576
                    ))
                }
                Err(error) => return Err(self.transport_error(&error)),
            };
            let size = bytes.len() as u64;
            let parsed: Result<Value, _> = serde_json::from_slice(&bytes);
            if (200..300).contains(&status) {
                return match parsed {
                    Ok(value) if value.get("error").is_none() => Ok((Attempt::Done(value), size)),
                    Ok(value) => Ok((self.api_error(status, &value, waba_id), size)),
                    Err(error) => Err(format!(
                        "{} answered HTTP {status} with a body that is not JSON ({error})",
                        self.host
                    )),
                };
            }
            let body = parsed.ok();
            let wait = retry_after.or(usage_wait);
            let outcome = match &body {
                Some(value) if value.get("error").is_some() => {
                    match self.api_error(status, value, waba_id) {
                        Attempt::Retry { why, .. } => Attempt::Retry { wait, why },
                        other if status == 429 || status >= 500 => Attempt::Retry {
                            wait,
                            why: match other {
                                Attempt::Failed(why) => why,
                                _ => format!("{} answered HTTP {status}", self.host),
                            },
                        },
                        other => other,
                    }
                }
                _ if status == 429 => Attempt::Retry {
                    wait,
                    why: format!("{} is rate limiting walint (HTTP 429)", self.host),
                },
                _ if status >= 500 => Attempt::Retry {
                    wait,
                    why: format!("{} answered HTTP {status}", self.host),
                },
                _ => Attempt::Failed(format!(
                    "{} answered HTTP {status} without a Graph API error; is `--graph-url` the Graph API?",
                    self.host
                )),
            };
            return Ok((outcome, size));
        }
        Err(format!(
            "{} redirected walint more than 3 times; walint stops there",
            self.host
        ))
    }

    /// Where a 3xx answer points, when that is the same origin; the token goes nowhere else.
    fn redirect_target(&self, from: &Url, headers: &ureq::http::HeaderMap) -> Result<Url, String> {
        let location = headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| format!("{} answered a redirect without a location", self.host))?;
        let to = from.join(location).map_err(|_| {
            format!(
                "{} redirected walint to an address that is not a URL",
                self.host
            )
        })?;
        if to.origin() != self.base.origin() {
            return Err(format!(
                "{} redirected walint to another host ({}); walint sends the access token only to the host it was given",
                self.host,
                to.host_str().unwrap_or("?")
            ));
        }
        Ok(to)
    }

    /// A Graph API error object (`{"error": {"code", "error_subcode", "message", ...}}`) as
    /// one sentence, and whether it is worth a retry.
    fn api_error(&self, status: u16, body: &Value, waba_id: &str) -> Attempt {
        let error = &body["error"];
        let code = error.get("code").and_then(Value::as_i64);
        let subcode = error.get("error_subcode").and_then(Value::as_i64);
        let transient = error.get("is_transient").and_then(Value::as_bool) == Some(true);
        let message = error
            .get("message")
            .and_then(Value::as_str)
            .map(one_line)
            .unwrap_or_default();
        let codes = match (code, subcode) {
            (Some(code), Some(sub)) => format!("code {code}, subcode {sub}"),
            (Some(code), None) => format!("code {code}"),
            (None, _) => format!("HTTP {status}"),
        };
        let Some(code) = code else {
            return Attempt::Failed(format!(
                "the Graph API refused the request ({codes}): {message}"
            ));
        };
        if THROTTLING_CODES.contains(&code) {
            return Attempt::Retry {
                wait: None,
                why: format!("Meta is throttling calls to the Graph API ({codes}: {message})"),
            };
        }
        if TEMPORARY_CODES.contains(&code) || transient {
            return Attempt::Retry {
                wait: None,
                why: format!("the Graph API had a temporary failure ({codes}: {message})"),
            };
        }
        Attempt::Failed(match code {
            190 | 102 => {
                let reason = match subcode {
                    Some(463) => "has expired",
                    Some(460) => "was invalidated by a password change",
                    Some(458 | 459 | 464 | 467) => "is no longer valid",
                    _ => "has expired or is invalid",
                };
                format!(
                    "the access token in {TOKEN_VARIABLE} {reason} ({codes}); create a new system user token with the whatsapp_business_management permission"
                )
            }
            10 | 200..=299 => format!(
                "the access token may not read the templates of WhatsApp Business Account {waba_id} ({codes}); give its system user the whatsapp_business_management permission on that account"
            ),
            100 | 803 => format!(
                "WhatsApp Business Account {waba_id} does not exist or this token cannot see it ({codes}); check `--waba-id` or `meta.waba_id` in walint.yaml, and the token's whatsapp_business_management permission"
            ),
            3 => format!(
                "the app behind the access token lacks the capability to read message templates ({codes}: {message})"
            ),
            _ => format!("the Graph API refused the request ({codes}: {message})"),
        })
    }

    /// A failure below HTTP, naming the host.
    fn transport_error(&self, error: &ureq::Error) -> String {
        let host = &self.host;
        match error {
            ureq::Error::Timeout(_) => format!(
                "{host} did not answer within {} s (`--timeout`)",
                self.limits.timeout.as_secs()
            ),
            ureq::Error::HostNotFound => {
                format!("cannot reach {host}: the host name does not resolve")
            }
            // rustls reports a failed handshake as invalid data.
            ureq::Error::Io(io) if io.kind() == io::ErrorKind::InvalidData => format!(
                "the TLS connection to {host} failed: {}",
                one_line(&io.to_string())
            ),
            ureq::Error::Io(io) => format!("cannot reach {host}: {}", io_reason(io)),
            ureq::Error::ConnectionFailed => format!("cannot reach {host}: the connection failed"),
            ureq::Error::Tls(reason) => format!("the TLS connection to {host} failed: {reason}"),
            ureq::Error::Rustls(error) => format!("the TLS connection to {host} failed: {error}"),
            ureq::Error::ConnectProxyFailed(reason) => {
                format!("cannot reach {host} through the proxy: {reason}")
            }
            other => format!(
                "the request to {host} failed: {}",
                one_line(&other.to_string())
            ),
        }
    }
}

fn io_reason(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::ConnectionRefused => "the connection was refused".into(),
        io::ErrorKind::ConnectionReset => "the connection was reset".into(),
        io::ErrorKind::TimedOut => "the connection timed out".into(),
        _ => one_line(&error.to_string()),
    }
}

/// The `after` cursor in a `paging.next` URL, when the `paging.cursors` object lacks it.
fn cursor_in(next: &str) -> Option<String> {
    let url = Url::parse(next).ok()?;
    let after = url
        .query_pairs()
        .find(|(key, _)| key == "after")
        .map(|(_, value)| value.into_owned());
    after
}

/// `Retry-After` in whole seconds (the HTTP-date form is left to the backoff).
fn header_seconds(headers: &ureq::http::HeaderMap, name: &str) -> Option<Duration> {
    let value = headers
        .get(name)?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()?;
    Some(Duration::from_secs(value))
}

/// The longest `estimated_time_to_regain_access` (minutes) in an `X-Business-Use-Case-Usage`
/// header: `{"<business id>": [{"type": "whatsapp_business_management", "call_count": 100,
/// ..., "estimated_time_to_regain_access": 5}]}`. `None` when it asks for no wait.
pub fn regain_access_wait(header: &str) -> Option<Duration> {
    let usage: Value = serde_json::from_str(header).ok()?;
    let minutes = usage
        .as_object()?
        .values()
        .filter_map(Value::as_array)
        .flatten()
        .filter_map(|entry| entry.get("estimated_time_to_regain_access"))
        .filter_map(Value::as_f64)
        .fold(0.0_f64, f64::max);
    (minutes > 0.0).then(|| Duration::from_secs_f64((minutes * 60.0).min(86_400.0)))
}

/// `base · 2^attempt`, plus up to a quarter more so scheduled jobs do not retry in step.
fn backoff(base: Duration, attempt: u32) -> Duration {
    let wait = base.saturating_mul(1 << attempt.min(16));
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    wait + wait.mul_f64(f64::from(nanos % 1000) / 4000.0)
}

fn minutes_or_seconds(wait: Duration) -> String {
    let seconds = wait.as_secs();
    if seconds >= 120 {
        format!("{} minutes", seconds.div_ceil(60))
    } else {
        format!("{seconds} s")
    }
}

/// A message from the server on one line, at most 300 characters.
fn one_line(text: &str) -> String {
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.char_indices().nth(300) {
        Some((at, _)) => format!("{}…", &line[..at]),
        None => line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_redacted_everywhere_it_is_shown() {
        let token = Token::new("EAAGm0PX4ZCpsBAKZAexampletokenvalue").unwrap();
        assert_eq!(token.redacted(), "EAAG…redacted");
        assert_eq!(format!("{token:?}"), "Token(EAAG…redacted)");
        assert_eq!(
            token.redact("bad token EAAGm0PX4ZCpsBAKZAexampletokenvalue here"),
            "bad token EAAG…redacted here"
        );
        // A short or unusual token shows nothing of itself.
        assert_eq!(Token::new("abc").unwrap().redacted(), "…redacted");
        assert!(Token::new("  ").unwrap_err().contains("is not set"));
        assert!(Token::new("two words").unwrap_err().contains("HTTP header"));
    }

    #[test]
    fn the_base_url_is_https_or_loopback_http() {
        assert_eq!(
            base_url("https://graph.facebook.com").unwrap().as_str(),
            "https://graph.facebook.com/"
        );
        assert_eq!(
            base_url("https://bsp.example/graph").unwrap().as_str(),
            "https://bsp.example/graph/"
        );
        for loopback in [
            "http://127.0.0.1:8080",
            "http://127.8.0.1",
            "http://[::1]:9",
            "http://localhost:1",
        ] {
            assert!(base_url(loopback).is_ok(), "{loopback}");
        }
        assert!(base_url("http://graph.facebook.com")
            .unwrap_err()
            .contains("only over HTTPS"));
        assert!(base_url("http://10.0.0.1")
            .unwrap_err()
            .contains("only over HTTPS"));
        assert!(base_url("ftp://x.example").unwrap_err().contains("scheme"));
        assert!(base_url("https://u:p@x.example")
            .unwrap_err()
            .contains("credentials"));
        assert!(base_url("https://x.example/?access_token=1")
            .unwrap_err()
            .contains("query"));
        assert!(base_url("not a url").unwrap_err().contains("not a URL"));
    }

    #[test]
    fn business_use_case_usage_gives_the_wait_in_minutes() {
        let header = r#"{"102290129340398":[{"type":"whatsapp_business_management","call_count":100,"total_cputime":3,"total_time":4,"estimated_time_to_regain_access":2}]}"#;
        assert_eq!(regain_access_wait(header), Some(Duration::from_secs(120)));
        let fine = r#"{"1":[{"type":"whatsapp_business_management","call_count":10,"estimated_time_to_regain_access":0}]}"#;
        assert_eq!(regain_access_wait(fine), None);
        assert_eq!(regain_access_wait("not json"), None);
        assert_eq!(regain_access_wait("[]"), None);
    }

    #[test]
    fn cursors_come_from_the_next_url_when_needed() {
        assert_eq!(
            cursor_in("https://graph.facebook.com/v23.0/1/message_templates?limit=2&after=MjQZD")
                .as_deref(),
            Some("MjQZD")
        );
        assert_eq!(cursor_in("https://graph.facebook.com/x?limit=2"), None);
        assert_eq!(cursor_in("::"), None);
    }

    #[test]
    fn backoff_doubles_with_a_little_jitter() {
        let base = Duration::from_secs(1);
        for attempt in 0..4 {
            let wait = backoff(base, attempt);
            let floor = base * (1 << attempt);
            assert!(wait >= floor && wait <= floor + floor / 4, "{wait:?}");
        }
    }

    #[test]
    fn server_messages_stay_on_one_short_line() {
        assert_eq!(one_line("a\n  b\tc"), "a b c");
        assert_eq!(one_line(&"x".repeat(400)).chars().count(), 301);
    }
}
