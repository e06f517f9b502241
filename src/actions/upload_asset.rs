//! Uploads a file to HeyGen. v3 only: `POST /v3/assets` as
//! multipart/form-data with one `file` part. HeyGen documents no
//! `Idempotency-Key` for it, so it is sent once ([`Effect::Once`]).

use crate::prelude::*;
use serde::Serialize;

use super::{Action, Kind, Toolset};
use crate::api::{bad_response, text, v3};
use crate::call::Call;
use crate::error::Error;
use crate::limits::MAX_FILE_NAME_CHARS;
use crate::media::{MediaType, multipart};
use crate::outbound::{HttpRequest, HttpResponse};
use crate::retry::Effect;

arguments! {
    /// Arguments of `upload_asset`.
    pub struct Args {
        /// The file's name, with its extension.
        pub file_name: String,
        /// The file's bytes, base64.
        pub content_base64: String,
        /// The kind of file; else from the extension.
        pub media_type: Option<MediaType>,
    }
}

/// Output of `upload_asset`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Output {
    /// The new asset's id.
    pub asset_id: Option<String>,
    /// Where HeyGen serves it.
    pub url: Option<String>,
    /// Its MIME type, as HeyGen stored it.
    pub media_type: Option<String>,
    /// Its size in bytes (a `u32`: HeyGen takes 32 MB at most, and hosts in
    /// JavaScript get a number, not a `BigInt`).
    pub size_bytes: Option<u32>,
}

/// `upload_asset`.
pub struct UploadAsset;

impl Action for UploadAsset {
    const NAME: &'static str = "upload_asset";
    const KIND: Kind = Kind::Create;
    const TOOLSET: Toolset = Toolset::Assets;
    const SPENDS_CREDITS: bool = false;
    const TAKES_FILES: bool = true;
    // A 1x1 PNG.
    const EXAMPLE: &'static str = r#"{"file_name":"pixel.png","content_base64":"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="}"#;
    const ON_V3: &'static str = "`POST /v3/assets`, multipart/form-data with one `file` part (its file name and media type); sent once: repeated only when it never left or got 429 (no `Idempotency-Key` is documented here)";
    const V3_ONLY: bool = true;
    type Args = Args;
    type Output = Output;

    fn v3(call: &mut Call<'_>, args: &Args) -> Result<Output, Error> {
        let name = check_file_name(&args.file_name)?;
        let media = match args.media_type {
            Some(media) => media,
            None => MediaType::from_file_name(&name).ok_or_else(|| {
                Error::InvalidInput(
                    "file_name has no extension this plugin uploads (png, jpg, jpeg, mp4, webm, mp3, wav, pdf): add one, or set media_type".into(),
                )
            })?,
        };
        let (content_type, body) = multipart(&name, media, &args.content_base64, || call.random_u64())?;
        call.start_create("asset", None)?;
        let request = HttpRequest::post_bytes("/v3/assets", content_type, body);
        let resp = call.exchange(request, Effect::Once)?;
        call.after_create(parse(&resp))
    }
}

/// A file name that goes into the part's header: 1 to 255 characters, no path,
/// quotes, backslashes or control characters (which could break the header).
fn check_file_name(value: &str) -> Result<String, Error> {
    let name = value.trim();
    let fits = (1..=MAX_FILE_NAME_CHARS).contains(&name.chars().count())
        && !name.chars().any(|c| c.is_control() || matches!(c, '/' | '\\' | '"'));
    if fits {
        Ok(name.to_owned())
    } else {
        Err(Error::InvalidInput(format!(
            "file_name must be 1 to {MAX_FILE_NAME_CHARS} characters, a name alone (no `/`, `\\`, quotes or control characters), with its extension"
        )))
    }
}

/// The stored asset: `data.asset_id` (required), `url`, `mime_type`, `size_bytes`.
fn parse(resp: &HttpResponse) -> Result<Output, Error> {
    let data = v3::data(resp)?;
    let asset_id = text(&data, "asset_id").ok_or_else(|| bad_response(resp, "no `asset_id` in `data`"))?;
    Ok(Output {
        asset_id: Some(asset_id),
        url: text(&data, "url"),
        media_type: text(&data, "mime_type"),
        size_bytes: data["size_bytes"].as_u64().and_then(|n| u32::try_from(n).ok()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::testing::run_with;
    use crate::call::fake::{Scripted, answer};
    use crate::port::TransportError;
    use serde_json::json;

    const KEY: [(&str, &str); 1] = [("HEYGEN_API_KEY", "test-key-1")];
    const STORED: &str = r#"{"data":{"asset_id":"as_1","url":"https://files.example/as_1.png","mime_type":"image/png","size_bytes":70}}"#;

    #[test]
    fn sends_one_file_part_once_and_reads_the_asset() {
        let args: serde_json::Value = serde_json::from_str(UploadAsset::EXAMPLE).unwrap();
        let mut t = Scripted::new([answer(200, STORED, &[])]);
        let (status, out) = run_with(&mut t, UploadAsset::NAME, &KEY, args.clone());
        assert_eq!(
            (status, out),
            (200, json!({"success": true, "error": null, "asset_id": "as_1", "url": "https://files.example/as_1.png", "media_type": "image/png", "size_bytes": 70}))
        );
        let sent = &t.sent[0];
        assert_eq!(sent.path, "/v3/assets");
        let content_type = sent.content_type.as_deref().unwrap();
        let boundary = content_type.strip_prefix("multipart/form-data; boundary=").unwrap();
        let body = sent.body.as_ref().unwrap();
        let head = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"pixel.png\"\r\nContent-Type: image/png\r\n\r\n");
        assert!(body[head.len()..].starts_with(b"\x89PNG"));
        assert!(body.starts_with(head.as_bytes()));
        assert!(body.ends_with(format!("\r\n--{boundary}--\r\n").as_bytes()));
        assert!(sent.headers.iter().all(|(name, _)| name != "Idempotency-Key"));
        // A lost answer is reported, not repeated.
        let mut t = Scripted::new([Err(TransportError::Broken("reset".into())), answer(200, STORED, &[])]);
        let (_, out) = run_with(&mut t, UploadAsset::NAME, &KEY, args.clone());
        let error = out["error"].as_str().unwrap();
        assert!(error.contains("HeyGen may have created the asset anyway"), "{error}");
        assert_eq!(t.sent.len(), 1);
        // One that never left is.
        let mut t = Scripted::new([Err(TransportError::NotSent("refused".into())), answer(200, STORED, &[])]);
        let (status, _) = run_with(&mut t, UploadAsset::NAME, &KEY, args);
        assert_eq!((status, t.sent.len()), (200, 2));
    }

    #[test]
    fn bad_files_are_refused_before_sending() {
        let png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
        for (args, needle) in [
            (json!({"file_name": "x.gif", "content_base64": png}), "no extension this plugin uploads"),
            (json!({"file_name": "a/b.png", "content_base64": png}), "file_name must be"),
            (json!({"file_name": "a\".png", "content_base64": png}), "file_name must be"),
            (json!({"file_name": "x.jpg", "content_base64": png}), "does not start like a jpeg file"),
            (json!({"file_name": "x.png", "content_base64": "%%%"}), "not valid base64"),
            (json!({"file_name": "x", "content_base64": png, "media_type": "mp4"}), "does not start like a mp4 file"),
            (json!({"file_name": "x.png", "content_base64": png, "media_type": "gif"}), "media_type"),
        ] {
            let mut t = Scripted::new([]);
            let (status, out) = run_with(&mut t, UploadAsset::NAME, &KEY, args);
            let error = out["error"].as_str().unwrap();
            assert!(error.starts_with("invalid_input: ") && error.contains(needle), "{error}");
            assert_eq!((status, t.sent.len()), (400, 0));
        }
        let mut t = Scripted::new([answer(200, STORED, &[])]);
        let (status, out) = run_with(&mut t, UploadAsset::NAME, &KEY, json!({"file_name": "PIXEL", "content_base64": png, "media_type": "png"}));
        assert_eq!(status, 200, "{out}");
    }
}
