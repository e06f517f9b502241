//! Waits, inside one call, until a video is rendered or has failed: the read
//! of `retrieve_video_link` (v3: `GET /v3/videos/{id}`; legacy: the legacy
//! status endpoint), repeated with a growing pause, within the call's own
//! budget of `timeout_seconds` (not `HEYGEN_TIMEOUT_MS`).
//!
//! How it polls, and which failures it waits out, is [`crate::wait`]'s, the
//! same for every job.

use crate::prelude::*;
use serde::Serialize;

use super::retrieve_video_link::{self, RetrieveVideoLink};
use super::{Action, Kind, Toolset};
use crate::api::VideoState;
use crate::call::Call;
use crate::checks::check_id;
use crate::error::Error;

arguments! {
    /// Arguments of `wait_for_video`.
    pub struct Args {
        /// Video id.
        pub video_id: String,
        /// The most the call may take, in seconds (1 to 600; default 50); read by
        /// [`whole_number`].
        pub timeout_seconds: Option<serde_json::Value>,
    }
}

/// Output of `wait_for_video`: `retrieve_video_link`'s, plus whether the time
/// ran out first.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Output {
    /// The video's id.
    pub video_id: Option<String>,
    /// HeyGen's status, passed through.
    pub status: Option<String>,
    /// Download link, once completed.
    pub video_url: Option<String>,
    /// Thumbnail link.
    pub thumbnail_url: Option<String>,
    /// Length in seconds.
    pub duration: Option<f64>,
    /// Captions link.
    pub caption_url: Option<String>,
    /// True when `timeout_seconds` ran out before the render ended.
    pub timed_out: bool,
    /// Why the render failed, when `status` is `failed` (the card's `error`).
    #[serde(skip)]
    pub failure: Option<String>,
}

impl Output {
    /// The output with the last `state` seen.
    fn new(state: VideoState, timed_out: bool) -> Output {
        Output {
            video_id: state.video_id,
            status: state.status,
            video_url: state.video_url,
            thumbnail_url: state.thumbnail_url,
            duration: state.duration,
            caption_url: state.caption_url,
            timed_out,
            failure: state.failure,
        }
    }
}

/// `wait_for_video`.
pub struct WaitForVideo;

impl Action for WaitForVideo {
    const NAME: &'static str = "wait_for_video";
    const KIND: Kind = Kind::Read;
    const TOOLSET: Toolset = Toolset::Videos;
    const WAITS: bool = true;
    const EXAMPLE: &'static str =
        r#"{"video_id":"0123456789abcdef0123456789abcdef","timeout_seconds":2}"#;
    const ON_V3: &'static str = r#"`GET /v3/videos/{id}` (as `retrieve_video_link`), polled about every 2 s growing to 10 s (±20 % jitter) until `completed` or `failed`, within its own `timeout_seconds` (1–600, default 50; not `HEYGEN_TIMEOUT_MS`); out of time: `success: true`, `timed_out: true`, the last status"#;
    const ON_LEGACY: &'static str = r#"`GET /v1/video_status.get?video_id=…`, polled the same way"#;
    type Args = Args;
    type Output = Output;

    fn v3(call: &mut Call<'_>, args: &Args) -> Result<Output, Error> {
        wait(call, args, RetrieveVideoLink::v3)
    }

    fn legacy(call: &mut Call<'_>, args: &Args) -> Result<Output, Error> {
        wait(call, args, RetrieveVideoLink::legacy)
    }

    fn note(output: &Output) -> Option<String> {
        output.failure.clone()
    }
}

/// How one generation reads a video's state.
type Read = fn(&mut Call<'_>, &retrieve_video_link::Args) -> Result<VideoState, Error>;

/// Polls with `read` until the render ends or the budget runs out.
fn wait(call: &mut Call<'_>, args: &Args, read: Read) -> Result<Output, Error> {
    let video_id = check_id("video_id", &args.video_id)?;
    let args_of_read = retrieve_video_link::Args { video_id };
    let waited = crate::wait::wait(
        call,
        args.timeout_seconds.as_ref(),
        &mut |call| read(call, &args_of_read),
        |state| matches!(state.status.as_deref(), Some("completed" | "failed")),
    )?;
    Ok(Output::new(waited.state, waited.timed_out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::testing::run_with;
    use crate::call::fake::{Scripted, answer};
    use crate::config::BaseUrl;
    use crate::port::TransportError;
    use serde_json::json;

    const KEY: [(&str, &str); 1] = [("HEYGEN_API_KEY", "k")];

    fn status(status: &str) -> crate::retry::Outcome {
        answer(200, &format!(r#"{{"data":{{"id":"v1","status":"{status}"}}}}"#), &[])
    }

    #[test]
    fn polls_with_growing_pauses_until_done() {
        let mut t = Scripted::new([
            status("waiting"),
            status("processing"),
            status("processing"),
            status("processing"),
            status("processing"),
            answer(
                200,
                r#"{"data":{"id":"v1","status":"completed","video_url":"https://x/v.mp4","duration":3.5}}"#,
                &[],
            ),
        ]);
        let (code, out) = run_with(&mut t, WaitForVideo::NAME, &KEY, json!({"video_id": "v1", "timeout_seconds": 120}));
        assert_eq!(code, 200);
        assert_eq!(
            out,
            json!({"success": true, "error": null, "video_id": "v1", "status": "completed",
                   "video_url": "https://x/v.mp4", "thumbnail_url": null, "duration": 3.5,
                   "caption_url": null, "timed_out": false})
        );
        // The scripted port's random number is 7: each pause is 80 % + 7 ms.
        assert_eq!(t.slept_ms, [1_607, 2_407, 3_607, 5_407, 8_007]);
        let base = BaseUrl::parse("https://api.heygen.com").unwrap();
        assert!(t.sent.iter().all(|r| r.path_and_query(&base) == "/v3/videos/v1"));
    }

    #[test]
    fn stops_at_its_own_budget_with_the_last_status() {
        let mut t = Scripted::new((0..40).map(|_| status("processing")));
        let (code, out) = run_with(&mut t, WaitForVideo::NAME, &KEY, json!({"video_id": "v1", "timeout_seconds": 30}));
        assert_eq!(code, 200);
        assert_eq!((&out["success"], &out["timed_out"]), (&json!(true), &json!(true)));
        assert_eq!(out["status"], json!("processing"));
        assert!(t.now_ns <= 30_000 * 1_000_000, "{} ns", t.now_ns);
        assert!(t.now_ns >= 29_000 * 1_000_000, "{} ns", t.now_ns);
        assert!(t.slept_ms.iter().all(|ms| *ms <= crate::limits::MAX_POLL_INTERVAL_MS * 6 / 5));
    }

    #[test]
    fn a_poll_that_runs_out_of_time_after_a_status_is_a_time_out() {
        let timeouts = (0..30).map(|_| Err(TransportError::TimedOut("no answer".into())));
        let mut t = Scripted::new(std::iter::once(status("waiting")).chain(timeouts));
        let (_, out) = run_with(&mut t, WaitForVideo::NAME, &KEY, json!({"video_id": "v1", "timeout_seconds": 5}));
        assert_eq!((&out["success"], &out["timed_out"], &out["status"]), (&json!(true), &json!(true), &json!("waiting")));
        // With no status seen, the time-out is an error naming the budget.
        let mut t = Scripted::new([]);
        t.send_ms = 6_000;
        let (_, out) = run_with(&mut t, WaitForVideo::NAME, &KEY, json!({"video_id": "v1", "timeout_seconds": 5}));
        let error = out["error"].as_str().unwrap();
        assert!(error.starts_with("timeout: ") && error.contains("5000 ms (timeout_seconds)"), "{error}");
        assert_eq!(out["timed_out"], json!(false));
    }

    #[test]
    fn a_failed_render_ends_it_with_the_reason() {
        let mut t = Scripted::new([answer(
            200,
            r#"{"data":{"id":"v1","status":"failed","failure_code":"avatar_error","failure_message":"No face"}}"#,
            &[],
        )]);
        let (code, out) = run_with(&mut t, WaitForVideo::NAME, &KEY, json!({"video_id": "v1"}));
        assert_eq!((code, &out["success"], &out["status"]), (200, &json!(true), &json!("failed")));
        assert!(out["error"].as_str().unwrap().starts_with("video_failed: "));
        assert!(t.slept_ms.is_empty());
    }

    #[test]
    fn not_found_and_unauthorized_end_it_at_once() {
        for code in [404, 401] {
            let mut t = Scripted::new([status("waiting"), answer(code, r#"{"error":{"code":"x"}}"#, &[])]);
            let (status, out) = run_with(&mut t, WaitForVideo::NAME, &KEY, json!({"video_id": "v1"}));
            assert_eq!(out["success"], json!(false));
            assert!(out["error"].as_str().unwrap().starts_with(&format!("http_{code}: ")));
            assert_ne!(status, 200);
            assert_eq!(t.sent.len(), 2);
        }
    }

    #[test]
    fn bad_input_sends_nothing() {
        let mut t = Scripted::new([]);
        for args in [
            json!({"video_id": "v1", "timeout_seconds": 0}),
            json!({"video_id": "v1", "timeout_seconds": 601}),
            json!({"video_id": "v1", "timeout_seconds": -1}),
            json!({"video_id": "v1", "timeout_seconds": 1.5}),
            json!({"video_id": "../x"}),
        ] {
            let (status, out) = run_with(&mut t, WaitForVideo::NAME, &KEY, args.clone());
            assert_eq!(status, 400, "{args}");
            assert!(out["error"].as_str().unwrap().starts_with("invalid_input: "));
            assert_eq!(out["timed_out"], json!(false));
        }
        assert!(t.sent.is_empty());
    }

    #[test]
    fn legacy_polls_the_legacy_status_endpoint() {
        let mut t = Scripted::new([
            answer(200, r#"{"code":100,"data":{"id":"v1","status":"processing"}}"#, &[]),
            answer(200, r#"{"code":100,"data":{"id":"v1","status":"completed","video_url":"https://x/v.mp4"}}"#, &[]),
        ]);
        let vars = [("HEYGEN_API_KEY", "k"), ("HEYGEN_API_VERSION", "legacy")];
        let (_, out) = run_with(&mut t, WaitForVideo::NAME, &vars, json!({"video_id": "v1"}));
        assert_eq!((&out["status"], &out["timed_out"]), (&json!("completed"), &json!(false)));
        let base = BaseUrl::parse("https://api.heygen.com").unwrap();
        assert_eq!(t.sent[1].path_and_query(&base), "/v1/video_status.get?video_id=v1");
    }

    #[test]
    fn transient_failures_never_end_it_early() {
        let failures = [
            answer(500, "", &[]),
            answer(503, "", &[]),
            answer(502, "", &[]),
            answer(429, r#"{"error":{"code":"rate_limit_exceeded"}}"#, &[("retry-after", "4")]),
            Err(TransportError::Broken("reset".into())),
            answer(200, "<html>maintenance</html>", &[("content-type", "text/html")]),
        ];
        // Each failing poll is retried twice by the read itself: three
        // attempts per poll, all failing, six polls in a row.
        let failing = failures.into_iter().flat_map(|f| [f.clone(), f.clone(), f]);
        let done = answer(200, r#"{"data":{"id":"v1","status":"completed"}}"#, &[]);
        let mut t = Scripted::new(failing.chain([done]));
        let (code, out) = run_with(&mut t, WaitForVideo::NAME, &KEY, json!({"video_id": "v1", "timeout_seconds": 120}));
        assert_eq!((code, &out["status"], &out["timed_out"]), (200, &json!("completed"), &json!(false)), "{out}");
        // The 429's Retry-After (4 s) is honoured: no pause after it is shorter.
        assert!(t.slept_ms.contains(&4_000), "{:?}", t.slept_ms);
    }

    #[test]
    fn with_no_status_ever_seen_the_time_out_is_the_last_failure() {
        let mut t = Scripted::new((0..60).map(|_| answer(503, "", &[])));
        let (_, out) = run_with(&mut t, WaitForVideo::NAME, &KEY, json!({"video_id": "v1", "timeout_seconds": 10}));
        assert!(out["error"].as_str().unwrap().starts_with("http_503: "), "{out}");
        assert!(t.now_ns <= 10_000 * 1_000_000);
    }
}
