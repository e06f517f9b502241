//! Fuzzes the v3 answer parsers and `error_from_status`: byte 0 picks the
//! status (200/201/400/404/429/500), byte 1 the headers, the rest is the body.
//! Every parser must return (never panic) and what it returns must be sane.

#![no_main]

use heygen_plugin::api::v3;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let (resp, retry_after) = common::response(data);
    common::check_status_error(&resp, retry_after);

    match v3::parse_created(&resp) {
        Ok(created) => assert!(!created.video_id.trim().is_empty()),
        Err(err) => common::check_error(&err),
    }
    match v3::parse_events(&resp) {
        Ok(page) => assert!(page.next_token.is_none_or(|t| !t.is_empty())),
        Err(err) => common::check_error(&err),
    }
    match v3::parse_voices(&resp) {
        Ok(page) => assert!(page.next_token.is_none_or(|t| !t.is_empty())),
        Err(err) => common::check_error(&err),
    }
    match v3::parse_video(&resp, common::REQUESTED_ID) {
        Ok(video) => {
            assert!(!video.video_id.trim().is_empty());
            assert_eq!(
                video.failure.is_some(),
                video.status.as_deref() == Some("failed")
            );
            assert!(video.duration.is_none_or(f64::is_finite));
        }
        Err(err) => common::check_error(&err),
    }
});
