//! Lists the voices a video can speak with. v3: `GET /v3/voices?type=private`
//! (the account's own voices), then `GET /v3/voices?type=public`, each paged
//! to the end, without repeating a `voice_id`; legacy: `GET /v2/voices`, one
//! answer.

use crate::prelude::*;
use serde::Serialize;
use serde_json::Value;

use super::{Action, Kind, Toolset};
use crate::args::NoArgs;
use crate::api::{Page, bad_response, legacy, text, v3};
use crate::call::Call;
use crate::error::Error;
use crate::limits::{MAX_VOICE_PAGES, VOICES_PAGE_SIZE};
use crate::outbound::{HttpRequest, HttpResponse};

/// One voice, as the card's `VoiceInfo`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VoiceInfo {
    /// Id to pass as `voice_id`.
    pub voice_id: Option<String>,
    /// Display name.
    pub name: Option<String>,
}

/// Output of `list_voice_id_options`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Output {
    /// The voices; empty on failure.
    pub voices: Vec<VoiceInfo>,
}

/// `list_voice_id_options`.
pub struct ListVoiceIdOptions;

impl Action for ListVoiceIdOptions {
    const NAME: &'static str = "list_voice_id_options";
    const KIND: Kind = Kind::Read;
    const TOOLSET: Toolset = Toolset::Discovery;
    const EXAMPLE: &'static str = "{}";
    const ON_V3: &'static str = r#"`GET /v3/voices?type=private&limit=100`, then `type=public`, every page of each (at most 50), each `voice_id` once, the account's own first"#;
    const ON_LEGACY: &'static str = r#"`GET /v2/voices`"#;
    type Args = NoArgs;
    type Output = Output;

    fn v3(call: &mut Call<'_>, _: &NoArgs) -> Result<Output, Error> {
        let mut voices = call.all_pages(&v3_private_request, v3_page, MAX_VOICE_PAGES)?;
        voices.extend(call.all_pages(&v3_public_request, v3_page, MAX_VOICE_PAGES)?);
        Ok(Output {
            voices: without_repeats(voices),
        })
    }

    fn legacy(call: &mut Call<'_>, _: &NoArgs) -> Result<Output, Error> {
        let voices = call.all_pages(&|_| legacy_request(), legacy_page, 1)?;
        Ok(Output { voices })
    }
}

/// `GET /v3/voices?type={kind}&limit=100`, at `token`'s page.
fn v3_request(kind: &str, token: Option<&str>) -> HttpRequest {
    let req = HttpRequest::get("/v3/voices")
        .with_query("type", kind)
        .with_query("limit", VOICES_PAGE_SIZE.to_string());
    v3::with_token(req, token)
}

/// The account's own (cloned) voices: v3 lists them only when asked.
fn v3_private_request(token: Option<&str>) -> HttpRequest {
    v3_request("private", token)
}

/// HeyGen's public voices (what v3 lists when `type` is unset).
fn v3_public_request(token: Option<&str>) -> HttpRequest {
    v3_request("public", token)
}

/// `voices` in order, each `voice_id` once (the first listing wins; voices
/// without an id are kept, as there is nothing to compare). A sorted list of
/// the ids seen keeps this fast for thousands of voices without a hash map's
/// code in the component.
fn without_repeats(voices: Vec<VoiceInfo>) -> Vec<VoiceInfo> {
    let mut seen: Vec<String> = Vec::with_capacity(voices.len());
    let mut kept = Vec::with_capacity(voices.len());
    for voice in voices {
        if let Some(id) = &voice.voice_id {
            match seen.binary_search(id) {
                Ok(_) => continue,
                Err(at) => seen.insert(at, id.clone()),
            }
        }
        kept.push(voice);
    }
    kept
}

/// `GET /v2/voices`: every voice in one answer.
fn legacy_request() -> HttpRequest {
    HttpRequest::get("/v2/voices")
}

/// A page of voices.
fn v3_page(resp: &HttpResponse) -> Result<Page<VoiceInfo>, Error> {
    let page = v3::page(resp)?;
    Ok(Page {
        items: voices(resp, &page.items)?,
        next_token: page.next_token,
    })
}

/// Every voice: `data.voices`.
fn legacy_page(resp: &HttpResponse) -> Result<Page<VoiceInfo>, Error> {
    let Some(Value::Array(items)) = legacy::open(resp)?.get_mut("voices").map(Value::take) else {
        return Err(bad_response(resp, "no `voices` list in `data`"));
    };
    Ok(Page {
        items: voices(resp, &items)?,
        next_token: None,
    })
}

/// Voices from listed items (objects with `voice_id` and `name`, either of
/// which may be null).
fn voices(resp: &HttpResponse, items: &[Value]) -> Result<Vec<VoiceInfo>, Error> {
    items
        .iter()
        .map(|item| {
            item.is_object().then(|| VoiceInfo {
                voice_id: text(item, "voice_id"),
                name: text(item, "name"),
            })
        })
        .collect::<Option<_>>()
        .ok_or_else(|| bad_response(resp, "a voice that is not an object"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::testing::response;
    use crate::config::BaseUrl;

    #[test]
    fn requests() {
        let base = BaseUrl::parse("https://api.heygen.com").unwrap();
        assert_eq!(
            v3_private_request(None).path_and_query(&base),
            "/v3/voices?type=private&limit=100"
        );
        assert_eq!(
            v3_public_request(Some("t/2")).path_and_query(&base),
            "/v3/voices?type=public&limit=100&token=t%2F2"
        );
        assert_eq!(legacy_request().path, "/v2/voices");
    }

    #[test]
    fn reads_v3_pages() {
        let page = v3_page(&response(
            200,
            r#"{"data":[{"voice_id":"a","name":"A","language":"en","gender":"Female","preview_audio_url":null,"support_pause":true},
                       {"voice_id":"b","name":null}],"has_more":true,"next_token":"n2"}"#,
        ))
        .unwrap();
        assert_eq!(page.items.len(), 2);
        assert_eq!(
            page.items[1],
            VoiceInfo {
                voice_id: Some("b".into()),
                name: None
            }
        );
        assert_eq!(page.next_token.as_deref(), Some("n2"));
        let last = v3_page(&response(200, r#"{"data":[],"has_more":false,"next_token":null}"#)).unwrap();
        assert_eq!(last.next_token, None);
        assert!(v3_page(&response(200, r#"{"data":[],"has_more":true}"#)).is_err());
        assert!(v3_page(&response(200, r#"{"data":{"voices":[]}}"#)).is_err());
    }

    #[test]
    fn v3_lists_private_then_public_voices_once_each() {
        use crate::actions::testing::run_with;
        use crate::call::fake::{Scripted, answer};
        use serde_json::json;
        let mut t = Scripted::new([
            answer(
                200,
                r#"{"data":[{"voice_id":"mine","name":"My clone","type":"private"}],"has_more":true,"next_token":"p2"}"#,
                &[],
            ),
            answer(
                200,
                r#"{"data":[{"voice_id":"shared","name":"Shared","type":"private"}],"has_more":false,"next_token":null}"#,
                &[],
            ),
            answer(
                200,
                r#"{"data":[{"voice_id":"pub","name":"Pub"},{"voice_id":"shared","name":"Again"},{"voice_id":null,"name":"No id"}],"has_more":false}"#,
                &[],
            ),
        ]);
        let (status, out) = run_with(
            &mut t,
            ListVoiceIdOptions::NAME,
            &[("HEYGEN_API_KEY", "k")],
            json!({}),
        );
        assert_eq!(status, 200);
        assert_eq!(
            out["voices"],
            json!([{"voice_id":"mine","name":"My clone"},{"voice_id":"shared","name":"Shared"},
                   {"voice_id":"pub","name":"Pub"},{"voice_id":null,"name":"No id"}])
        );
        let base = BaseUrl::parse("https://api.heygen.com").unwrap();
        let sent: Vec<String> = t.sent.iter().map(|r| r.path_and_query(&base)).collect();
        assert_eq!(
            sent,
            [
                "/v3/voices?type=private&limit=100",
                "/v3/voices?type=private&limit=100&token=p2",
                "/v3/voices?type=public&limit=100"
            ]
        );
    }

    #[test]
    fn reads_the_legacy_list() {
        let voices = legacy_page(&response(
            200,
            r#"{"error":null,"data":{"voices":[{"voice_id":"a","name":"A","language":"English","gender":"FEMALE","preview_audio":null,"support_pause":false}]}}"#,
        ))
        .unwrap();
        assert_eq!(
            voices.items,
            vec![VoiceInfo {
                voice_id: Some("a".into()),
                name: Some("A".into())
            }]
        );
        assert!(legacy_page(&response(200, r#"{"error":null,"data":{}}"#)).is_err());
    }
}
