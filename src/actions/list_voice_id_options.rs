//! Lists the voices a video can speak with. v3: `GET /v3/voices`, paged to
//! the end; legacy: `GET /v2/voices`, one answer.

use serde::Serialize;
use serde_json::Value;

use super::{Action, Kind, NoArgs};
use crate::api::{Page, bad_response, legacy, text, v3};
use crate::call::Call;
use crate::error::Error;
use crate::limits::{MAX_VOICE_PAGES, VOICES_PAGE_SIZE};
use crate::outbound::{HttpRequest, HttpResponse};

/// One voice, as the card's `VoiceInfo`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Voice {
    /// Id to pass as `voice_id`.
    pub voice_id: Option<String>,
    /// Display name.
    pub name: Option<String>,
}

/// Output of `list_voice_id_options`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Output {
    /// The voices; empty on failure.
    pub voices: Vec<Voice>,
}

/// `list_voice_id_options`.
pub struct ListVoiceIdOptions;

impl Action for ListVoiceIdOptions {
    const NAME: &'static str = "list_voice_id_options";
    const KIND: Kind = Kind::Read;
    const EXAMPLE: &'static str = "{}";
    type Args = NoArgs;
    type Output = Output;

    fn v3(call: &mut Call<'_>, _: &NoArgs) -> Result<Output, Error> {
        let voices = call.all_pages(v3_request, v3_page, MAX_VOICE_PAGES)?;
        Ok(Output { voices })
    }

    fn legacy(call: &mut Call<'_>, _: &NoArgs) -> Result<Output, Error> {
        let voices = call.all_pages(|_| legacy_request(), legacy_page, 1)?;
        Ok(Output { voices })
    }
}

/// `GET /v3/voices?limit=100`, at `token`'s page.
fn v3_request(token: Option<&str>) -> HttpRequest {
    let req = HttpRequest::get("/v3/voices").with_query("limit", VOICES_PAGE_SIZE.to_string());
    v3::with_token(req, token)
}

/// `GET /v2/voices`: every voice in one answer.
fn legacy_request() -> HttpRequest {
    HttpRequest::get("/v2/voices")
}

/// A page of voices.
fn v3_page(resp: &HttpResponse) -> Result<Page<Voice>, Error> {
    let page = v3::page(resp)?;
    Ok(Page {
        items: voices(resp, &page.items)?,
        next_token: page.next_token,
    })
}

/// Every voice: `data.voices`.
fn legacy_page(resp: &HttpResponse) -> Result<Page<Voice>, Error> {
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
fn voices(resp: &HttpResponse, items: &[Value]) -> Result<Vec<Voice>, Error> {
    items
        .iter()
        .map(|item| {
            item.is_object().then(|| Voice {
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
        assert_eq!(v3_request(None).path_and_query(&base), "/v3/voices?limit=100");
        assert_eq!(
            v3_request(Some("t/2")).path_and_query(&base),
            "/v3/voices?limit=100&token=t%2F2"
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
            Voice {
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
    fn reads_the_legacy_list() {
        let voices = legacy_page(&response(
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
        assert!(legacy_page(&response(200, r#"{"error":null,"data":{}}"#)).is_err());
    }
}
