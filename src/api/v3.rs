//! HeyGen v3 (the default): `{"data": …}` envelopes, success decided by the
//! HTTP status, lists paged with `has_more` / `next_token`.

use serde_json::{Map, Value, json};

use super::{
    Created, Page, VideoState, Voice, bad_response, event_names, failure_text, parse_body, text,
    video_state, video_status, voice_list,
};
use crate::error::Error;
use crate::http::{HttpRequest, HttpResponse, encode_component};
use crate::input::{
    Expression, TalkingPhotoArgs, TalkingPhotoStyle, TalkingStyle, TemplateArgs, VideoLinkArgs,
    check_id, check_scale, check_text, variables_object,
};
use crate::limits::MAX_SCRIPT_CHARS_V3;

/// Voices asked for per page (v3's largest page).
pub const VOICES_PAGE_SIZE: u32 = 100;

const TEST_MODE: &str = "test mode does not exist on HeyGen v3, where every render is billed. Leave `test` unset or false to render for real, or ask the host's operator to set HEYGEN_API_VERSION=legacy";

fn legacy_only(option: &str, value: &str) -> Error {
    Error::Unsupported(format!(
        "{option} = {value} is a legacy-only option that HeyGen v3 cannot honour. Leave it unset, or ask the host's operator to set HEYGEN_API_VERSION=legacy"
    ))
}

/// `POST /v3/videos`: an avatar video of a photo avatar look.
pub fn talking_photo(args: &TalkingPhotoArgs) -> Result<HttpRequest, Error> {
    let avatar_id = check_id("talking_photo_id", &args.talking_photo_id)?;
    let script = check_text("input_text", &args.input_text, MAX_SCRIPT_CHARS_V3)?;
    let voice_id = check_id("voice_id", &args.voice_id)?;
    let scale = args.scale.map(check_scale).transpose()?;
    if args.test == Some(true) {
        return Err(Error::Unsupported(TEST_MODE.into()));
    }
    if scale.is_some_and(|s| s != 1.0) {
        return Err(legacy_only("scale", "anything but 1.0"));
    }
    if args.talking_photo_style == Some(TalkingPhotoStyle::Circle) {
        return Err(legacy_only("talking_photo_style", "circle"));
    }
    if args.expression == Some(Expression::Happy) {
        return Err(legacy_only("expression", "happy"));
    }
    if args.super_resolution == Some(true) {
        return Err(legacy_only("super_resolution", "true"));
    }
    let mut body = json!({
        "type": "avatar",
        "avatar_id": avatar_id,
        "script": script,
        "voice_id": voice_id,
    });
    if args.caption == Some(true) {
        body["caption"] = json!({"style": "default"});
    }
    if let Some(style) = args.talking_style {
        body["expressiveness"] = json!(match style {
            TalkingStyle::Stable => "low",
            TalkingStyle::Expressive => "high",
        });
    }
    if let Some(matting) = args.matting {
        body["remove_background"] = json!(matting);
    }
    Ok(HttpRequest::post_json("/v3/videos", &body))
}

/// `POST /v3/templates/{id}` with the variables converted to v3's shape.
pub fn template(args: &TemplateArgs) -> Result<HttpRequest, Error> {
    let id = check_id("template_id", &args.template_id)?;
    let variables = match &args.variables {
        Some(raw) => super::variables::to_v3(variables_object(raw)?)?,
        None => Map::new(),
    };
    if args.test == Some(true) {
        return Err(Error::Unsupported(TEST_MODE.into()));
    }
    let mut body = json!({ "variables": variables });
    if let Some(caption) = args.caption {
        body["caption"] = json!(caption);
    }
    Ok(HttpRequest::post_json(
        format!("/v3/templates/{}", encode_component(&id)),
        &body,
    ))
}

/// `GET /v3/webhooks/event-types`, at `token`'s page.
pub fn events(token: Option<&str>) -> HttpRequest {
    with_token(HttpRequest::get("/v3/webhooks/event-types"), token)
}

/// `GET /v3/voices?limit=100`, at `token`'s page.
pub fn voices(token: Option<&str>) -> HttpRequest {
    let req = HttpRequest::get("/v3/voices").with_query("limit", VOICES_PAGE_SIZE.to_string());
    with_token(req, token)
}

/// `GET /v3/videos/{id}`.
pub fn video(args: &VideoLinkArgs) -> Result<HttpRequest, Error> {
    let id = check_id("video_id", &args.video_id)?;
    Ok(HttpRequest::get(format!(
        "/v3/videos/{}",
        encode_component(&id)
    )))
}

fn with_token(req: HttpRequest, token: Option<&str>) -> HttpRequest {
    match token {
        Some(token) => req.with_query("token", token),
        None => req,
    }
}

/// The `data` object of a v3 answer.
fn data(resp: &HttpResponse) -> Result<Value, Error> {
    match parse_body::<Value>(resp)? {
        Value::Object(mut body) => match body.remove("data") {
            Some(data @ Value::Object(_)) => Ok(data),
            _ => Err(bad_response(resp, "JSON without a `data` object")),
        },
        _ => Err(bad_response(resp, "JSON that is not an object")),
    }
}

/// A created video: `data.video_id` (`data.id` on template answers).
pub fn parse_created(resp: &HttpResponse) -> Result<Created, Error> {
    let data = data(resp)?;
    let video_id = text(&data, "video_id")
        .or_else(|| text(&data, "id"))
        .ok_or_else(|| bad_response(resp, "no video id in `data`"))?;
    Ok(Created {
        video_id,
        status: text(&data, "status"),
    })
}

/// A v3 list page: `data` items and, when `has_more`, the next page's token.
fn page(resp: &HttpResponse) -> Result<Page<Value>, Error> {
    let Value::Object(mut body) = parse_body::<Value>(resp)? else {
        return Err(bad_response(resp, "JSON that is not an object"));
    };
    let Some(Value::Array(items)) = body.remove("data") else {
        return Err(bad_response(resp, "a list without a `data` array"));
    };
    let next_token = match (body.get("has_more"), body.get("next_token")) {
        (None | Some(Value::Null) | Some(Value::Bool(false)), _) => None,
        (Some(Value::Bool(true)), Some(Value::String(token))) if !token.is_empty() => {
            Some(token.clone())
        }
        (Some(Value::Bool(true)), _) => {
            return Err(bad_response(resp, "`has_more` without a `next_token`"));
        }
        _ => return Err(bad_response(resp, "a `has_more` that is not true or false")),
    };
    Ok(Page { items, next_token })
}

/// A page of webhook event types.
pub fn parse_events(resp: &HttpResponse) -> Result<Page<String>, Error> {
    let page = page(resp)?;
    Ok(Page {
        items: event_names(&page.items)
            .ok_or_else(|| bad_response(resp, "an event type without a name"))?,
        next_token: page.next_token,
    })
}

/// A page of voices.
pub fn parse_voices(resp: &HttpResponse) -> Result<Page<Voice>, Error> {
    let page = page(resp)?;
    Ok(Page {
        items: voice_list(&page.items)
            .ok_or_else(|| bad_response(resp, "a voice that is not an object"))?,
        next_token: page.next_token,
    })
}

/// A video's state; captions from `subtitle_url`, else `captioned_video_url`.
pub fn parse_video(resp: &HttpResponse, requested_id: &str) -> Result<VideoState, Error> {
    let data = data(resp)?;
    let status = video_status(resp, &data)?;
    let failure = (status == "failed")
        .then(|| failure_text(text(&data, "failure_code"), text(&data, "failure_message")));
    Ok(video_state(
        &data,
        requested_id,
        status,
        failure,
        ["subtitle_url", "captioned_video_url"],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::testing::response;
    use crate::input::from_json;

    fn body(req: &HttpRequest) -> Value {
        serde_json::from_slice(req.body.as_ref().unwrap()).unwrap()
    }

    fn photo(json: &str) -> Result<HttpRequest, Error> {
        talking_photo(&from_json(json.as_bytes()).unwrap())
    }

    #[test]
    fn talking_photo_minimal_body() {
        let req =
            photo(r#"{"talking_photo_id":" tp1 ","input_text":"Hello","voice_id":"v1"}"#).unwrap();
        assert_eq!(req.path, "/v3/videos");
        assert_eq!(
            body(&req),
            json!({"type":"avatar","avatar_id":"tp1","script":"Hello","voice_id":"v1"})
        );
    }

    #[test]
    fn talking_photo_maps_options_with_v3_equivalents() {
        let req = photo(
            r#"{"talking_photo_id":"tp1","input_text":"Hi","voice_id":"v1","test":false,"caption":true,
                "scale":1.0,"talking_photo_style":"square","talking_style":"stable","expression":"default",
                "super_resolution":false,"matting":true}"#,
        )
        .unwrap();
        assert_eq!(
            body(&req),
            json!({"type":"avatar","avatar_id":"tp1","script":"Hi","voice_id":"v1",
                   "caption":{"style":"default"},"expressiveness":"low","remove_background":true})
        );
        let req = photo(r#"{"talking_photo_id":"t","input_text":"Hi","voice_id":"v","caption":false,"talking_style":"expressive","matting":false}"#).unwrap();
        assert_eq!(
            body(&req),
            json!({"type":"avatar","avatar_id":"t","script":"Hi","voice_id":"v","expressiveness":"high","remove_background":false})
        );
    }

    #[test]
    fn talking_photo_refuses_legacy_only_options() {
        for (extra, needle) in [
            (r#""test":true"#, "test mode does not exist on HeyGen v3"),
            (r#""scale":1.5"#, "scale = anything but 1.0"),
            (
                r#""talking_photo_style":"circle""#,
                "talking_photo_style = circle",
            ),
            (r#""expression":"happy""#, "expression = happy"),
            (r#""super_resolution":true"#, "super_resolution = true"),
        ] {
            let json =
                format!(r#"{{"talking_photo_id":"t","input_text":"x","voice_id":"v",{extra}}}"#);
            let err = photo(&json).unwrap_err().to_string();
            assert!(
                err.starts_with("unsupported: ") && err.contains(needle),
                "{err}"
            );
            assert!(err.contains("HEYGEN_API_VERSION=legacy"));
        }
        let err = photo(r#"{"talking_photo_id":"t","input_text":"x","voice_id":"v","scale":3}"#)
            .unwrap_err();
        assert!(err.to_string().starts_with("invalid_input: scale"));
    }

    #[test]
    fn template_body_and_encoded_path() {
        let args: TemplateArgs = from_json(
            br#"{"template_id":"tpl 1","caption":false,"variables":{"title":{"name":"title","type":"text","properties":{"content":"Hi"}}}}"#,
        )
        .unwrap();
        assert!(template(&args).is_err(), "a space is refused");
        let args = TemplateArgs {
            template_id: "tpl:1é".into(),
            ..args
        };
        let req = template(&args).unwrap();
        assert_eq!(req.path, "/v3/templates/tpl%3A1%C3%A9");
        assert_eq!(
            body(&req),
            json!({"caption":false,"variables":{"title":{"type":"text","content":"Hi"}}})
        );
        let bare = template(&TemplateArgs {
            template_id: "t".into(),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(body(&bare), json!({"variables":{}}));
        let test = TemplateArgs {
            template_id: "t".into(),
            test: Some(true),
            ..Default::default()
        };
        assert!(
            template(&test)
                .unwrap_err()
                .to_string()
                .starts_with("unsupported: ")
        );
    }

    #[test]
    fn list_and_video_requests() {
        let base = crate::config::BaseUrl::parse("https://api.heygen.com").unwrap();
        assert_eq!(voices(None).path_and_query(&base), "/v3/voices?limit=100");
        assert_eq!(
            voices(Some("t/2")).path_and_query(&base),
            "/v3/voices?limit=100&token=t%2F2"
        );
        assert_eq!(
            events(None).path_and_query(&base),
            "/v3/webhooks/event-types"
        );
        let req = video(&VideoLinkArgs {
            video_id: "abc".into(),
        })
        .unwrap();
        assert_eq!(req.path_and_query(&base), "/v3/videos/abc");
    }

    #[test]
    fn parses_created_videos() {
        let created = parse_created(&response(
            200,
            r#"{"data":{"video_id":"v1","status":"waiting","output_format":"mp4"}}"#,
        ))
        .unwrap();
        assert_eq!(
            created,
            Created {
                video_id: "v1".into(),
                status: Some("waiting".into())
            }
        );
        let created =
            parse_created(&response(200, r#"{"data":{"id":"v2","status":"pending"}}"#)).unwrap();
        assert_eq!(created.video_id, "v2");
        for bad in [
            r#"{"data":{}}"#,
            r#"{"data":null}"#,
            "[]",
            "",
            "{\"data\":{\"id\":\"",
        ] {
            let err = parse_created(&response(200, bad)).unwrap_err();
            assert!(
                err.to_string().starts_with("bad_response: "),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn parses_pages() {
        let page = parse_voices(&response(
            200,
            r#"{"data":[{"voice_id":"a","name":"A","language":"en","gender":"Female","preview_audio_url":null,"support_pause":true},
                       {"voice_id":"b","name":null}],"has_more":true,"next_token":"n2"}"#,
        ))
        .unwrap();
        assert_eq!(page.items.len(), 2);
        assert_eq!(
            page.items[1],
            Voice {
                voice_id: Some("b".into()),
                name: None
            }
        );
        assert_eq!(page.next_token.as_deref(), Some("n2"));
        let last = parse_voices(&response(
            200,
            r#"{"data":[],"has_more":false,"next_token":null}"#,
        ))
        .unwrap();
        assert_eq!(last.next_token, None);
        assert!(parse_voices(&response(200, r#"{"data":[],"has_more":true}"#)).is_err());
        assert!(parse_voices(&response(200, r#"{"data":{"voices":[]}}"#)).is_err());
        let events = parse_events(&response(
            200,
            r#"{"data":[{"event_type":"avatar_video.success","description":"d"},"avatar_video.fail"],"has_more":false,"next_token":null}"#,
        ))
        .unwrap();
        assert_eq!(
            events.items,
            vec!["avatar_video.success", "avatar_video.fail"]
        );
    }

    #[test]
    fn parses_video_states() {
        let done = parse_video(
            &response(
                200,
                r#"{"data":{"id":"v1","status":"completed","duration":12.5,"video_url":"https://x/v.mp4",
                    "thumbnail_url":"https://x/t.jpg","gif_url":null,"captioned_video_url":"https://x/c.mp4",
                    "subtitle_url":"https://x/s.srt","failure_code":null,"failure_message":null}}"#,
            ),
            "v1",
        )
        .unwrap();
        assert_eq!(done.video_url.as_deref(), Some("https://x/v.mp4"));
        assert_eq!(done.caption_url.as_deref(), Some("https://x/s.srt"));
        assert_eq!(done.duration, Some(12.5));
        assert_eq!(done.failure, None);
        let captioned = parse_video(
            &response(200, r#"{"data":{"id":"v1","status":"completed","subtitle_url":"","captioned_video_url":"https://x/c.mp4"}}"#),
            "v1",
        )
        .unwrap();
        assert_eq!(captioned.caption_url.as_deref(), Some("https://x/c.mp4"));
        let failed = parse_video(
            &response(200, r#"{"data":{"id":"v1","status":"failed","failure_code":"avatar_error","failure_message":"No face found"}}"#),
            "v1",
        )
        .unwrap();
        assert_eq!(failed.status.as_deref(), Some("failed"));
        assert!(failed.failure.unwrap().starts_with(
            "video_failed: HeyGen could not render the video: (avatar_error) No face found."
        ));
        let waiting = parse_video(
            &response(200, r#"{"data":{"status":"waiting","duration":null}}"#),
            " v9 ",
        )
        .unwrap();
        assert_eq!(waiting.video_id, "v9");
        assert_eq!(waiting.duration, None);
    }
}
