//! Scripted misbehaviour ([`Fault`]): what the next matching request gets
//! instead of its normal answer.

use std::collections::VecDeque;

use bytes::Bytes;

use super::answer::{End, SimAnswer, SimBody};

/// A scripted misbehaviour, applied to the next request(s) whose path starts
/// with `path_prefix` (any request when `None`).
#[derive(Clone, Debug)]
pub struct Fault {
    /// Which requests it applies to.
    pub path_prefix: Option<String>,
    /// How many requests it applies to.
    pub times: usize,
    /// What happens.
    pub kind: FaultKind,
}

impl Fault {
    /// `kind`, once, for any request.
    pub fn once(kind: FaultKind) -> Fault {
        Fault {
            path_prefix: None,
            times: 1,
            kind,
        }
    }

    /// `kind`, for the next `times` requests.
    pub fn times(times: usize, kind: FaultKind) -> Fault {
        Fault {
            path_prefix: None,
            times,
            kind,
        }
    }
}

/// What a fault does instead of the normal answer.
#[derive(Clone, Debug)]
pub enum FaultKind {
    /// SimAnswer with this status, headers and body.
    Respond {
        /// Status.
        status: u16,
        /// Headers (a JSON content type is not added).
        headers: Vec<(String, String)>,
        /// Body bytes.
        body: Vec<u8>,
    },
    /// A 200 with a body of this many bytes (declared in `Content-Length`).
    Huge(usize),
    /// A 200 with this many extra headers of this length each.
    ManyHeaders {
        /// Number of headers.
        count: usize,
        /// Length of each value.
        len: usize,
    },
    /// Never answer (not even the status line).
    NoAnswer,
    /// Send the head and half a JSON body, then go silent.
    StallBody,
    /// Send the head and half a JSON body, then close the connection.
    CloseMidBody,
    /// Wait this many milliseconds, then answer normally.
    Delay(u64),
    /// Handle the request normally (a create does create the video), then
    /// send only half of the answer and close the connection.
    ProcessThenClose,
    /// Handle the request normally, then send the head and half of the answer
    /// and go silent (the caller's deadline passes).
    ProcessThenStall,
    /// Handle the request normally, then answer 200 with a body that is not
    /// the answer (an HTML maintenance page).
    ProcessThenGarble,
}

impl FaultKind {
    /// A JSON answer.
    pub fn json(status: u16, body: &str) -> FaultKind {
        FaultKind::Respond {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.as_bytes().to_vec(),
        }
    }
}

/// The answer a fault gives (`None`: never answer).
pub(crate) async fn faulty(kind: FaultKind) -> Option<SimAnswer> {
    let half_json = || {
        let text =
            br#"{"data":{"video_id":"0123456789abcdef","status":"waiting","output_format":"mp4"}}"#;
        (text.len(), Bytes::from_static(&text[..text.len() / 2]))
    };
    Some(match kind {
        FaultKind::Respond {
            status,
            headers,
            body,
        } => SimAnswer {
            status,
            headers,
            body: SimBody::full(body),
        },
        FaultKind::Huge(bytes) => {
            let chunk = Bytes::from(vec![b' '; 64 * 1024]);
            let mut chunks: VecDeque<Bytes> =
                std::iter::repeat_n(chunk, bytes / (64 * 1024)).collect();
            chunks.push_back(Bytes::from(vec![b' '; bytes % (64 * 1024)]));
            SimAnswer {
                status: 200,
                headers: vec![
                    ("content-type".into(), "application/json".into()),
                    ("content-length".into(), bytes.to_string()),
                ],
                body: SimBody {
                    chunks,
                    end: End::Finish,
                },
            }
        }
        FaultKind::ManyHeaders { count, len } => {
            let mut answer = SimAnswer::json(200, &serde_json::json!({"data": {}}));
            for i in 0..count {
                answer
                    .headers
                    .push((format!("x-filler-{i}"), "a".repeat(len)));
            }
            answer
        }
        FaultKind::NoAnswer => return None,
        FaultKind::StallBody | FaultKind::CloseMidBody => {
            let (declared, half) = half_json();
            let end = if matches!(kind, FaultKind::StallBody) {
                End::Stall
            } else {
                End::Break
            };
            SimAnswer {
                status: 200,
                headers: vec![
                    ("content-type".into(), "application/json".into()),
                    ("content-length".into(), declared.to_string()),
                ],
                body: SimBody {
                    chunks: VecDeque::from([half]),
                    end,
                },
            }
        }
        FaultKind::Delay(_)
        | FaultKind::ProcessThenClose
        | FaultKind::ProcessThenStall
        | FaultKind::ProcessThenGarble => return None,
    })
}
