//! The judge of the matrix: what one case's outcome must be (no trap, no
//! leak, exactly the expected end), and the [`Figures`] it adds up to.

use std::time::Duration;

use serde_json::{Value, json};

use super::{CANARY_FACE_TOKEN, CANARY_KEY};
use crate::runtime::{CallError, Session};

/// What the matrix found.
#[derive(Debug, Default)]
pub struct Figures {
    /// Distinct faults.
    pub faults: usize,
    /// Fault cases run (faults x actions x generations).
    pub fault_cases: usize,
    /// Bad-input cases run.
    pub bad_inputs: usize,
    /// Requests that bad inputs let through to the simulator (must be 0).
    pub bad_input_requests: usize,
    /// Calls that trapped or failed inside the host (must be 0).
    pub traps: usize,
    /// Places the canary key showed up (must be 0).
    pub key_leaks: usize,
    /// Cases where one call created more than one video (must be 0).
    pub double_creates: usize,
    /// Create cases in which the simulator made the video and then lost,
    /// stalled or garbled its answer: the cases where a careless retry would
    /// bill twice, so the ones that give `double_creates` its meaning.
    pub processed_creates: usize,
    /// Creates called with a caller `idempotency_key`, their answer lost
    /// after HeyGen acted, then called again (see `repeats`).
    pub key_repeats: usize,
    /// The longest a failing call took, and which (waits aside).
    pub longest_failure: (Duration, String),
    /// The longest a wait took (its `timeout_seconds` is
    /// [`super::WAIT_SECONDS`]), and which.
    pub longest_wait: (Duration, String),
    /// Cases that did not end as expected, with what happened.
    pub unexpected: Vec<String>,
}

impl Figures {
    pub(super) fn merge(&mut self, other: Figures) {
        self.fault_cases += other.fault_cases;
        self.bad_inputs += other.bad_inputs;
        self.bad_input_requests += other.bad_input_requests;
        self.traps += other.traps;
        self.key_leaks += other.key_leaks;
        self.double_creates += other.double_creates;
        self.processed_creates += other.processed_creates;
        self.key_repeats += other.key_repeats;
        if other.longest_failure.0 > self.longest_failure.0 {
            self.longest_failure = other.longest_failure;
        }
        if other.longest_wait.0 > self.longest_wait.0 {
            self.longest_wait = other.longest_wait;
        }
        self.unexpected.extend(other.unexpected);
    }

    /// The figures as a Markdown table.
    pub fn table(&self) -> String {
        let row = |what: &str, value: String| format!("| {what} | {value} |\n");
        let mut out = String::from("| what | figure |\n|---|---|\n");
        out += &row(
            "faults x actions x API generations",
            format!(
                "{} x {} x 2 = {} cases",
                self.faults,
                self.fault_cases / (self.faults * 2).max(1),
                self.fault_cases
            ),
        );
        out += &row(
            "bad inputs refused before sending",
            format!(
                "{} cases, {} requests sent",
                self.bad_inputs, self.bad_input_requests
            ),
        );
        out += &row("traps", self.traps.to_string());
        out += &row(
            "key leaks (outputs, errors, guest output, manifest)",
            self.key_leaks.to_string(),
        );
        out += &row(
            "double creates",
            format!(
                "{} (in {} create cases where the simulator made the video, job or endpoint, then lost, stalled or garbled the answer)",
                self.double_creates, self.processed_creates
            ),
        );
        out += &row(
            "creates repeated by the caller with the same idempotency_key after a lost answer",
            format!(
                "{} cases (v3: the first answer again, one create; legacy: refused, nothing sent)",
                self.key_repeats
            ),
        );
        out += &row(
            "longest failing call",
            format!(
                "{:.2} s ({})",
                self.longest_failure.0.as_secs_f64(),
                self.longest_failure.1
            ),
        );
        out += &row(
            &format!("longest wait (`timeout_seconds`: {})", super::WAIT_SECONDS),
            format!(
                "{:.2} s ({})",
                self.longest_wait.0.as_secs_f64(),
                self.longest_wait.1
            ),
        );
        out += &row(
            "cases not ending as expected",
            self.unexpected.len().to_string(),
        );
        out
    }
}

/// Counts the canaries (the key, the face token) in `text`.
pub(super) fn leaks(text: &[u8]) -> usize {
    [CANARY_KEY, CANARY_FACE_TOKEN]
        .iter()
        .map(|canary| {
            text.windows(canary.len())
                .filter(|w| *w == canary.as_bytes())
                .count()
        })
        .sum()
}

/// Checks one call's outcome: no trap, no leak, and exactly the expected end:
/// success (`expect` is `None`) or an error with the expected prefix.
pub(super) fn judge(
    figures: &mut Figures,
    case: &str,
    session: &Session,
    outcome: &Result<Value, CallError>,
    expect: Option<&str>,
) {
    match outcome {
        Err(CallError::Host(e)) => {
            figures.traps += 1;
            figures.key_leaks += leaks(format!("{e:#}").as_bytes());
            figures.unexpected.push(format!("{case}: trapped: {e:#}"));
        }
        Err(CallError::Usage(e)) => figures
            .unexpected
            .push(format!("{case}: refused by the host: {e}")),
        Ok(output) => {
            figures.key_leaks += leaks(output.to_string().as_bytes());
            let error = output["error"].as_str().unwrap_or_default();
            let as_expected = match expect {
                None => output["success"] == json!(true),
                Some(prefix) => {
                    output["success"] == json!(false) && error.starts_with(&format!("{prefix}:"))
                }
            };
            if !as_expected {
                figures.unexpected.push(format!(
                    "{case}: expected {}, got {output}",
                    expect.map_or("success".to_owned(), |p| format!("success=false with {p}:"))
                ));
            }
        }
    }
    figures.key_leaks += leaks(&session.printed());
}
