//! An action's answer: the card typed ([`Card`], for the WIT faces) and
//! written as JSON ([`Reply`], for every other face).

use crate::prelude::*;
use serde::Serialize;

use crate::error::Failure;

/// An action's answer before it is written as JSON: the card, typed. The WIT
/// faces turn it into their output record (code generated from the WIT);
/// [`Reply`] is it written as JSON, for every other face.
#[derive(Clone, Debug, PartialEq)]
pub struct Card<O> {
    /// HTTP status: 200, or the failure's (see [`Error::http_status`]).
    pub status: u16,
    /// `Retry-After` seconds to pass on, if HeyGen gave one.
    pub retry_after: Option<u64>,
    /// The card's `success`.
    pub success: bool,
    /// The card's `error`: why the call failed, or a note on a call that
    /// succeeded (e.g. a render that failed).
    pub error: Option<String>,
    /// The action's own fields; their defaults when the call failed.
    pub output: O,
}

impl<O: Default> Card<O> {
    /// The card of a call that failed.
    pub(crate) fn failed(failure: &Failure) -> Card<O> {
        Card {
            status: failure.http_status,
            retry_after: failure.retry_after,
            success: false,
            error: Some(failure.message.clone()),
            output: O::default(),
        }
    }
}

impl<O: Serialize> Card<O> {
    /// The card written as JSON.
    pub(crate) fn reply(&self) -> Reply {
        let fields = serde_json::to_string(&self.output);
        Reply::card(
            self.status,
            self.error.as_deref(),
            self.success,
            fields,
            self.retry_after,
        )
    }
}

/// An action's answer: the card's output as JSON text, and what the HTTP face
/// needs to send it.
#[derive(Clone, Debug, PartialEq)]
pub struct Reply {
    /// HTTP status: 200, or the failure's (see [`Error::http_status`]).
    pub status: u16,
    /// `Retry-After` seconds to pass on, if HeyGen gave one.
    pub retry_after: Option<u64>,
    /// The card's output: `success`, `error`, then the action's fields.
    pub body: String,
}

impl Reply {
    /// The card: `success` and `error` first, then the action's `fields` (a
    /// JSON object's text, spliced in as written, so the order stays the
    /// output struct's). One non-generic path for every action: a
    /// `#[serde(flatten)]` wrapper would cost kilobytes per action.
    fn card(
        status: u16,
        error: Option<&str>,
        success: bool,
        fields: serde_json::Result<String>,
        retry_after: Option<u64>,
    ) -> Reply {
        let (Ok(error), Ok(fields)) = (serde_json::to_string(&error), fields) else {
            return Reply {
                status,
                retry_after,
                body: r#"{"success":false,"error":"internal: unserializable output"}"#.into(),
            };
        };
        let mut body = format!(r#"{{"success":{success},"error":{error}"#);
        match fields.strip_prefix('{') {
            Some(rest) if rest != "}" => {
                body.push(',');
                body.push_str(rest);
            }
            _ => body.push('}'),
        }
        Reply {
            status,
            retry_after,
            body,
        }
    }
    /// Whether the card says `success: true` ([`Reply::card`] writes
    /// `success` first, so its text starts with it).
    pub fn succeeded(&self) -> bool {
        self.body.starts_with(r#"{"success":true"#)
    }
}
