//! Progress of a wait, for MCP clients that asked for it (a `progressToken`):
//! each status change seen in HeyGen's answers to the wait's own polls
//! becomes a `notifications/progress`. No request is made for it. Both MCP
//! servers use it: `heygen-host mcp` watches the answers from the host side,
//! the HTTP face through [`Watching`].

use crate::prelude::*;
use serde_json::{Value, json};

use crate::config::BaseUrl;
use crate::key::ApiKey;
use crate::outbound::{HttpRequest, HttpResponse, Method};
use crate::port::{Port, TransportError};

/// What one of HeyGen's answers says about a job: its `data.status` (v3 and
/// legacy alike) and `data.progress` (0–100) if it gives one.
#[derive(Clone, Debug, PartialEq)]
pub struct Seen {
    /// The job's status, as HeyGen gives it.
    pub status: String,
    /// HeyGen's own progress, out of 100.
    pub progress: Option<f64>,
}

impl Seen {
    /// What the answer `body` says, if it is a job's status.
    pub fn in_answer(body: &[u8]) -> Option<Seen> {
        let answer = crate::json::read(body).ok()?;
        let data = &answer["data"];
        Some(Seen {
            status: data["status"].as_str()?.to_owned(),
            progress: data["progress"]
                .as_f64()
                .filter(|p| (0.0..=100.0).contains(p)),
        })
    }
}

/// The progress reported so far in one call; MCP wants it to grow with every
/// notification.
#[derive(Debug, Default)]
pub struct Reported {
    status: Option<String>,
    progress: f64,
}

impl Reported {
    /// The `params` of the `notifications/progress` for `seen`, if it says
    /// something new: another status, or more of HeyGen's progress. Its
    /// progress is HeyGen's (out of 100, with `total: 100`) when given and
    /// larger, else one more than the last.
    pub fn next(&mut self, token: &Value, seen: Seen) -> Option<Value> {
        let grew = seen.progress.is_some_and(|p| p > self.progress);
        if self.status.as_ref() == Some(&seen.status) && !grew {
            return None;
        }
        self.progress = match seen.progress {
            Some(p) if grew => p,
            _ => self.progress + 1.0,
        };
        let mut params = json!({
            "progressToken": token,
            "progress": self.progress,
            "message": format!("HeyGen status: {}", seen.status),
        });
        if seen.progress.is_some() {
            params["total"] = json!(100.0);
        }
        self.status = Some(seen.status);
        Some(params)
    }
}

/// A port that shows `watch` the body of every answer to a `GET` (a wait's
/// polls), then hands the answer on unchanged.
pub struct Watching<'a> {
    /// The port that sends.
    pub port: &'a mut dyn Port,
    /// Sees each `GET` answer's body.
    pub watch: &'a mut dyn FnMut(&[u8]),
}

impl Port for Watching<'_> {
    fn send(
        &mut self,
        base: &BaseUrl,
        key: &ApiKey,
        request: &HttpRequest,
        deadline_ns: u64,
    ) -> Result<HttpResponse, TransportError> {
        let answer = self.port.send(base, key, request, deadline_ns)?;
        if request.method == Method::Get {
            (self.watch)(&answer.body);
        }
        Ok(answer)
    }

    fn now_ns(&mut self) -> u64 {
        self.port.now_ns()
    }

    fn unix_secs(&mut self) -> u64 {
        self.port.unix_secs()
    }

    fn sleep_ns(&mut self, ns: u64) {
        self.port.sleep_ns(ns);
    }

    fn random_u64(&mut self) -> u64 {
        self.port.random_u64()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(status: &str, progress: Option<f64>) -> Seen {
        Seen {
            status: status.into(),
            progress,
        }
    }

    #[test]
    fn statuses_are_read_from_either_generation() {
        let v3 = br#"{"data":{"video_id":"v","status":"processing","progress":40}}"#;
        assert_eq!(Seen::in_answer(v3), Some(seen("processing", Some(40.0))));
        let legacy = br#"{"code":100,"data":{"status":"pending"}}"#;
        assert_eq!(Seen::in_answer(legacy), Some(seen("pending", None)));
        assert_eq!(Seen::in_answer(br#"{"data":{"progress":3}}"#), None);
        assert_eq!(Seen::in_answer(b"not json"), None);
        let wild = br#"{"data":{"status":"processing","progress":400}}"#;
        assert_eq!(Seen::in_answer(wild), Some(seen("processing", None)));
    }

    #[test]
    fn only_news_is_reported_and_progress_grows() {
        let token = json!("t-1");
        let mut reported = Reported::default();
        let first = reported.next(&token, seen("pending", None)).unwrap();
        assert_eq!(
            first,
            json!({"progressToken": "t-1", "progress": 1.0, "message": "HeyGen status: pending"})
        );
        assert_eq!(reported.next(&token, seen("pending", None)), None);
        let second = reported
            .next(&token, seen("processing", Some(30.0)))
            .unwrap();
        assert_eq!(
            (second["progress"].clone(), second["total"].clone()),
            (json!(30.0), json!(100.0))
        );
        assert_eq!(reported.next(&token, seen("processing", Some(30.0))), None);
        assert_eq!(reported.next(&token, seen("processing", Some(20.0))), None);
        let third = reported
            .next(&token, seen("completed", Some(20.0)))
            .unwrap();
        assert_eq!(third["progress"], json!(31.0));
    }
}
