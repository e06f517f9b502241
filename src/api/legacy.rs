//! HeyGen's legacy v1/v2 endpoints, which the integration card was written
//! against. A 2xx can still carry an error: success needs `error == null` (v2)
//! or `code == 100` (v1) as well.

use serde_json::{Value, json};

use super::{
    Created, Page, VideoState, Voice, bad_response, envelope_error, event_names, failure_text,
    parse_body, text, video_state, video_status, voice_list,
};
use crate::error::Error;
use crate::http::{HttpRequest, HttpResponse, encode_component};
use crate::input::{
    Expression, TalkingPhotoArgs, TalkingPhotoStyle, TalkingStyle, TemplateArgs, VideoLinkArgs,
    check_id, check_scale, check_text, variables_object,
};
use crate::limits::MAX_SCRIPT_CHARS_LEGACY;

/// `POST /v2/video/generate` with one talking-photo scene; options the caller
/// did not set are left out.
pub fn talking_photo(args: &TalkingPhotoArgs) -> Result<HttpRequest, Error> {
    let id = check_id("talking_photo_id", &args.talking_photo_id)?;
    let script = check_text("input_text", &args.input_text, MAX_SCRIPT_CHARS_LEGACY)?;
    let voice_id = check_id("voice_id", &args.voice_id)?;
    let mut character = json!({"type": "talking_photo", "talking_photo_id": id});
    if let Some(scale) = args.scale {
        character["scale"] = json!(check_scale(scale)?);
    }
    if let Some(style) = args.talking_photo_style {
        character["talking_photo_style"] = json!(match style {
            TalkingPhotoStyle::Square => "square",
            TalkingPhotoStyle::Circle => "circle",
        });
    }
    if let Some(style) = args.talking_style {
        character["talking_style"] = json!(match style {
            TalkingStyle::Stable => "stable",
            TalkingStyle::Expressive => "expressive",
        });
    }
    if let Some(expression) = args.expression {
        character["expression"] = json!(match expression {
            Expression::Default => "default",
            Expression::Happy => "happy",
        });
    }
    if let Some(on) = args.super_resolution {
        character["super_resolution"] = json!(on);
    }
    if let Some(on) = args.matting {
        character["matting"] = json!(on);
    }
    let voice = json!({"type": "text", "input_text": script, "voice_id": voice_id});
    let mut body = json!({"video_inputs": [{"character": character, "voice": voice}]});
    set_flags(&mut body, args.test, args.caption);
    Ok(HttpRequest::post_json("/v2/video/generate", &body))
}

/// `POST /v2/template/{id}/generate` with the variables as given (each
/// variable's `name` filled in from its key when missing).
pub fn template(args: &TemplateArgs) -> Result<HttpRequest, Error> {
    let id = check_id("template_id", &args.template_id)?;
    let mut body = json!({});
    set_flags(&mut body, args.test, args.caption);
    if let Some(raw) = &args.variables {
        body["variables"] = Value::Object(super::variables::to_legacy(variables_object(raw)?)?);
    }
    Ok(HttpRequest::post_json(
        format!("/v2/template/{}/generate", encode_component(&id)),
        &body,
    ))
}

fn set_flags(body: &mut Value, test: Option<bool>, caption: Option<bool>) {
    if let Some(test) = test {
        body["test"] = json!(test);
    }
    if let Some(caption) = caption {
        body["caption"] = json!(caption);
    }
}

/// `GET /v1/webhook/webhook.list`: the webhook event types.
pub fn events() -> HttpRequest {
    HttpRequest::get("/v1/webhook/webhook.list")
}

/// `GET /v2/voices`: every voice in one answer.
pub fn voices() -> HttpRequest {
    HttpRequest::get("/v2/voices")
}

/// `GET /v1/video_status.get?video_id=…`.
pub fn video(args: &VideoLinkArgs) -> Result<HttpRequest, Error> {
    let id = check_id("video_id", &args.video_id)?;
    Ok(HttpRequest::get("/v1/video_status.get").with_query("video_id", id))
}

/// The `data` of a legacy answer (v2 `{error, data}` or v1 `{code, message,
/// data}`), or the error its envelope carries.
fn open(resp: &HttpResponse) -> Result<Value, Error> {
    let Value::Object(mut body) = parse_body::<Value>(resp)? else {
        return Err(bad_response(resp, "JSON that is not an object"));
    };
    let error = body.get("error").unwrap_or(&Value::Null);
    let v1_failed = match body.get("code").unwrap_or(&Value::Null) {
        Value::Null => false,
        Value::Number(n) => n.as_u64() != Some(100),
        Value::String(s) => s != "100",
        _ => true,
    };
    if !error.is_null() || v1_failed {
        let (code, message) = envelope_error(&Value::Object(body));
        return Err(Error::Api {
            code,
            message,
            request_id: resp.request_id(),
        });
    }
    match body.remove("data") {
        Some(Value::Null) | None => Err(bad_response(resp, "a legacy envelope without `data`")),
        Some(data) => Ok(data),
    }
}

/// A created video: `data.video_id`. Legacy answers carry no status.
pub fn parse_created(resp: &HttpResponse) -> Result<Created, Error> {
    let data = open(resp)?;
    let video_id = text(&data, "video_id")
        .or_else(|| text(&data, "id"))
        .ok_or_else(|| bad_response(resp, "no `video_id` in `data`"))?;
    Ok(Created {
        video_id,
        status: None,
    })
}

/// The event types: `data` is a list of names.
pub fn parse_events(resp: &HttpResponse) -> Result<Page<String>, Error> {
    let Value::Array(events) = open(resp)? else {
        return Err(bad_response(resp, "`data` that is not a list"));
    };
    Ok(Page {
        items: event_names(&events)
            .ok_or_else(|| bad_response(resp, "an event type without a name"))?,
        next_token: None,
    })
}

/// Every voice: `data.voices`.
pub fn parse_voices(resp: &HttpResponse) -> Result<Page<Voice>, Error> {
    let Some(Value::Array(items)) = open(resp)?.get_mut("voices").map(Value::take) else {
        return Err(bad_response(resp, "no `voices` list in `data`"));
    };
    Ok(Page {
        items: voice_list(&items)
            .ok_or_else(|| bad_response(resp, "a voice that is not an object"))?,
        next_token: None,
    })
}

/// A video's state: `data.id` (not `data.video_id`), captions from
/// `caption_url` (else `video_url_caption`), empty strings read as absent.
pub fn parse_video(resp: &HttpResponse, requested_id: &str) -> Result<VideoState, Error> {
    let data = open(resp)?;
    let status = video_status(resp, &data)?;
    let failure = (status == "failed").then(|| {
        let error = &data["error"];
        let message = match (text(error, "message"), text(error, "detail")) {
            (Some(m), Some(d)) if m != d => Some(format!("{m}: {d}")),
            (m, d) => m.or(d),
        };
        failure_text(super::scalar_text(&error["code"]), message)
    });
    Ok(video_state(
        &data,
        requested_id,
        status,
        failure,
        ["caption_url", "video_url_caption"],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::testing::response;
    use crate::config::BaseUrl;
    use crate::input::from_json;

    fn body(req: &HttpRequest) -> Value {
        serde_json::from_slice(req.body.as_ref().unwrap()).unwrap()
    }

    #[test]
    fn talking_photo_minimal_and_full_bodies() {
        let args: TalkingPhotoArgs =
            from_json(br#"{"talking_photo_id":"tp1","input_text":"Hello","voice_id":"v1"}"#)
                .unwrap();
        let req = talking_photo(&args).unwrap();
        assert_eq!(req.path, "/v2/video/generate");
        assert_eq!(
            body(&req),
            json!({"video_inputs":[{"character":{"type":"talking_photo","talking_photo_id":"tp1"},
                                     "voice":{"type":"text","input_text":"Hello","voice_id":"v1"}}]})
        );
        let args: TalkingPhotoArgs = from_json(
            br#"{"talking_photo_id":"tp1","input_text":"Hi","voice_id":"v1","test":true,"caption":false,"scale":0.5,
                "talking_photo_style":"circle","talking_style":"expressive","expression":"happy",
                "super_resolution":true,"matting":false}"#,
        )
        .unwrap();
        assert_eq!(
            body(&talking_photo(&args).unwrap()),
            json!({"test":true,"caption":false,"video_inputs":[{
                "character":{"type":"talking_photo","talking_photo_id":"tp1","scale":0.5,"talking_photo_style":"circle",
                             "talking_style":"expressive","expression":"happy","super_resolution":true,"matting":false},
                "voice":{"type":"text","input_text":"Hi","voice_id":"v1"}}]})
        );
    }

    #[test]
    fn talking_photo_checks_the_legacy_script_limit() {
        let args = TalkingPhotoArgs {
            talking_photo_id: "t".into(),
            input_text: "x".repeat(2_001),
            voice_id: "v".into(),
            ..Default::default()
        };
        let err = talking_photo(&args).unwrap_err().to_string();
        assert!(
            err.contains("limit on this API generation is 2000"),
            "{err}"
        );
    }

    #[test]
    fn template_and_reads() {
        let args: TemplateArgs = from_json(
            br#"{"template_id":"tpl1","test":true,"variables":"{\"title\":{\"type\":\"text\",\"properties\":{\"content\":\"Hi\"}}}"}"#,
        )
        .unwrap();
        let req = template(&args).unwrap();
        assert_eq!(req.path, "/v2/template/tpl1/generate");
        assert_eq!(
            body(&req),
            json!({"test":true,"variables":{"title":{"name":"title","type":"text","properties":{"content":"Hi"}}}})
        );
        let base = BaseUrl::parse("https://api.heygen.com").unwrap();
        let req = video(&VideoLinkArgs {
            video_id: "a+b=c&d".into(),
        })
        .unwrap();
        assert_eq!(
            req.path_and_query(&base),
            "/v1/video_status.get?video_id=a%2Bb%3Dc%26d"
        );
        assert_eq!(voices().path, "/v2/voices");
        assert_eq!(events().path, "/v1/webhook/webhook.list");
    }

    #[test]
    fn errors_inside_a_2xx() {
        for body in [
            r#"{"error":{"code":"invalid_parameter","message":"input_text is invalid"},"data":null}"#,
            r#"{"code":400112,"message":"Unauthorized","data":null}"#,
            r#"{"code":"40104","msg":"Video not found"}"#,
        ] {
            let err = parse_created(&response(200, body)).unwrap_err();
            assert!(matches!(err, Error::Api { .. }), "{body}: {err:?}");
            assert!(
                err.to_string()
                    .starts_with("api_error: HeyGen reported an error ")
            );
            assert!(err.to_string().contains("request id req_42"));
        }
    }

    #[test]
    fn parses_successes() {
        let created =
            parse_created(&response(200, r#"{"error":null,"data":{"video_id":"v1"}}"#)).unwrap();
        assert_eq!(
            created,
            Created {
                video_id: "v1".into(),
                status: None
            }
        );
        let events = parse_events(&response(200, r#"{"code":100,"data":["avatar_video.success","avatar_video.fail"],"msg":null,"message":null}"#)).unwrap();
        assert_eq!(
            events.items,
            vec!["avatar_video.success", "avatar_video.fail"]
        );
        let voices = parse_voices(&response(
            200,
            r#"{"error":null,"data":{"voices":[{"voice_id":"a","name":"A","language":"English","gender":"FEMALE","preview_audio":null,"support_pause":false}]}}"#,
        ))
        .unwrap();
        assert_eq!(
            voices.items,
            vec![Voice {
                voice_id: Some("a".into()),
                name: Some("A".into())
            }]
        );
        assert!(parse_voices(&response(200, r#"{"error":null,"data":{}}"#)).is_err());
    }

    #[test]
    fn parses_video_status() {
        let done = parse_video(
            &response(
                200,
                r#"{"code":100,"data":{"id":"v1","status":"completed","duration":8.2,"video_url":"https://x/v.mp4",
                   "video_url_caption":null,"thumbnail_url":"https://x/t.jpg","gif_url":null,"caption_url":"",
                   "callback_id":null,"created_at":1700000000,"error":null},"message":"Success"}"#,
            ),
            "v1",
        )
        .unwrap();
        assert_eq!(done.video_id, "v1");
        assert_eq!(done.caption_url, None);
        assert_eq!(done.duration, Some(8.2));
        let failed = parse_video(
            &response(
                200,
                r#"{"code":100,"data":{"id":"v1","status":"failed","error":{"code":40119,"message":"Voice error","detail":"voice not found"}}}"#,
            ),
            "v1",
        )
        .unwrap();
        assert_eq!(
            failed.failure.unwrap(),
            "video_failed: HeyGen could not render the video: (40119) Voice error: voice not found. Fix the cause (photo, script, voice or template), then create the video again"
        );
    }
}
