//! Files given as base64 (uploads, photos): their media types, the checks
//! that run before anything is sent (valid base64, within the size limit, the
//! first bytes of the type named) and the multipart body of an upload. Pure.

use crate::prelude::*;
use base64ct::{Base64, Encoding};
use serde_json::{Value, json};

use crate::error::Error;
use crate::limits::{MAX_FILE_BASE64_BYTES, MAX_FILE_BYTES};

one_of! {
    /// The kind of file `upload_asset` sends, by its usual extension.
    pub enum MediaType {
        /// `image/png`.
        Png = "png",
        /// `image/jpeg`.
        Jpeg = "jpeg",
        /// `video/mp4`.
        Mp4 = "mp4",
        /// `video/webm`.
        Webm = "webm",
        /// `audio/mpeg`.
        Mp3 = "mp3",
        /// `audio/wav`.
        Wav = "wav",
        /// `application/pdf`.
        Pdf = "pdf",
    }
}

one_of! {
    /// The kind of a photo given as base64.
    pub enum ImageType {
        /// `image/png`.
        Png = "png",
        /// `image/jpeg`.
        Jpeg = "jpeg",
    }
}

impl From<ImageType> for MediaType {
    fn from(image: ImageType) -> MediaType {
        match image {
            ImageType::Png => MediaType::Png,
            ImageType::Jpeg => MediaType::Jpeg,
        }
    }
}

impl MediaType {
    /// Its MIME type, as HeyGen takes it.
    pub fn mime(self) -> &'static str {
        match self {
            MediaType::Png => "image/png",
            MediaType::Jpeg => "image/jpeg",
            MediaType::Mp4 => "video/mp4",
            MediaType::Webm => "video/webm",
            MediaType::Mp3 => "audio/mpeg",
            MediaType::Wav => "audio/wav",
            MediaType::Pdf => "application/pdf",
        }
    }

    /// The type a file name's extension names (case-insensitive).
    pub fn from_file_name(name: &str) -> Option<MediaType> {
        let (_, extension) = name.rsplit_once('.')?;
        let extension = extension.to_ascii_lowercase();
        match extension.as_str() {
            "jpg" => Some(MediaType::Jpeg),
            other => <MediaType as crate::args::OneOf>::from_name(other),
        }
    }

    /// Whether `bytes` start as a file of this type does: the signatures of
    /// PNG, JPEG, MP4 (`ftyp` at byte 4), WebM (EBML), MP3 (an ID3 tag or a
    /// frame sync), WAV (`RIFF`…`WAVE`) and PDF.
    pub fn matches(self, bytes: &[u8]) -> bool {
        match self {
            MediaType::Png => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
            MediaType::Jpeg => bytes.starts_with(b"\xff\xd8\xff"),
            MediaType::Mp4 => bytes.get(4..8) == Some(b"ftyp"),
            MediaType::Webm => bytes.starts_with(b"\x1a\x45\xdf\xa3"),
            MediaType::Mp3 => {
                bytes.starts_with(b"ID3") || matches!(bytes, [0xff, b, ..] if b & 0xe0 == 0xe0)
            }
            MediaType::Wav => bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WAVE"),
            MediaType::Pdf => bytes.starts_with(b"%PDF-"),
        }
    }
}

/// The bytes of `field`'s base64 `text` written into `out` after what it
/// holds: refused, with nothing written, when the text is empty, over
/// [`MAX_FILE_BASE64_BYTES`] (4 MiB of file), not padded standard base64, or
/// not a file of type `media`.
pub fn decode_into(
    field: &str,
    text: &str,
    media: MediaType,
    out: &mut Vec<u8>,
) -> Result<(), Error> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Error::InvalidInput(format!(
            "{field} is empty: give the file's bytes as base64"
        )));
    }
    if text.len() > MAX_FILE_BASE64_BYTES {
        return Err(Error::InvalidInput(too_large(field)));
    }
    let start = out.len();
    out.resize(start + text.len() / 4 * 3, 0);
    let decoded = Base64::decode(text, &mut out[start..]).map(|file| file.len());
    out.truncate(start + decoded.unwrap_or(0));
    let problem = match decoded {
        Err(_) => format!(
            "{field} is not valid base64: use the standard alphabet (A-Z a-z 0-9 + /) with `=` padding and no `data:` prefix or line breaks"
        ),
        Ok(len) if len > MAX_FILE_BYTES => too_large(field),
        Ok(_) if !media.matches(&out[start..]) => format!(
            "{field} does not start like a {} file ({}): check the file, or name its real type",
            media.as_str(),
            media.mime()
        ),
        Ok(_) => return Ok(()),
    };
    out.truncate(start);
    Err(Error::InvalidInput(problem))
}

/// The error of a file over [`MAX_FILE_BYTES`], with the way around it.
fn too_large(field: &str) -> String {
    format!(
        "{field} holds more than {} MiB of file, this plugin's limit: pass a public https URL of the file instead (every HeyGen media input takes one)",
        MAX_FILE_BYTES >> 20
    )
}

/// A photo given as exactly one of an https URL, an uploaded asset's id and
/// base64 bytes with their type, as v3 takes an image: `{"type": "url",
/// "url"}`, `{"type": "asset_id", "asset_id"}` or `{"type": "base64",
/// "media_type", "data"}`. The base64 is checked, then sent as given.
pub(crate) fn image(
    url: Option<&str>,
    asset_id: Option<&str>,
    base64: Option<&str>,
    media_type: Option<ImageType>,
) -> Result<Value, Error> {
    let given = [url.is_some(), asset_id.is_some(), base64.is_some()];
    if given.iter().filter(|g| **g).count() != 1 {
        return Err(Error::InvalidInput(
            "give exactly one of image_url (a public https URL), image_asset_id (from upload_asset) and image_base64 (with image_media_type)".into(),
        ));
    }
    if media_type.is_some() != base64.is_some() {
        return Err(Error::InvalidInput(
            "image_media_type (png or jpeg) goes with image_base64, and only with it".into(),
        ));
    }
    match (base64, media_type) {
        (Some(data), Some(kind)) => {
            decode_into("image_base64", data, kind.into(), &mut Vec::new())?;
            Ok(
                json!({"type": "base64", "media_type": MediaType::from(kind).mime(), "data": data.trim()}),
            )
        }
        _ => crate::api::media(("image_url", url), ("image_asset_id", asset_id)),
    }
}

/// A multipart/form-data body with one `file` part: `(content type, body)`.
/// The file (`base64`, checked by [`decode_into`]) is decoded straight into
/// the body, so it is held once. `boundary_bits` draws a boundary; one that
/// the file happens to hold would cut it, so another is drawn in its place
/// (each has a 2^-64 chance per position).
pub fn multipart(
    file_name: &str,
    media: MediaType,
    base64: &str,
    mut boundary_bits: impl FnMut() -> u64,
) -> Result<(String, Vec<u8>), Error> {
    let head = |boundary: &str| {
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: {}\r\n\r\n",
            media.mime()
        )
    };
    let mut boundary = format!("heygen-plugin-{:016x}", boundary_bits());
    let mut body = head(&boundary).into_bytes();
    let start = body.len();
    decode_into("content_base64", base64, media, &mut body)?;
    for _ in 0..8 {
        let (_, file) = body.split_at(start);
        if !file
            .windows(boundary.len())
            .any(|w| w == boundary.as_bytes())
        {
            body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
            return Ok((format!("multipart/form-data; boundary={boundary}"), body));
        }
        // Same length: the head is rewritten in place.
        boundary = format!("heygen-plugin-{:016x}", boundary_bits());
        body[..start].copy_from_slice(head(&boundary).as_bytes());
    }
    Err(Error::InvalidInput(
        "content_base64: no multipart boundary could be found that the file does not hold".into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

    fn b64(bytes: &[u8]) -> String {
        let mut buf = vec![0u8; bytes.len().div_ceil(3) * 4];
        Base64::encode(bytes, &mut buf).unwrap().to_owned()
    }

    #[test]
    fn types_come_from_the_extension_and_the_first_bytes() {
        assert_eq!(MediaType::from_file_name("a.b.PNG"), Some(MediaType::Png));
        assert_eq!(MediaType::from_file_name("x.jpg"), Some(MediaType::Jpeg));
        assert_eq!(MediaType::from_file_name("song.mp3"), Some(MediaType::Mp3));
        assert_eq!(MediaType::from_file_name("x.gif"), None);
        assert_eq!(MediaType::from_file_name("png"), None);
        assert!(MediaType::Png.matches(PNG));
        assert!(MediaType::Jpeg.matches(b"\xff\xd8\xff\xe0"));
        assert!(MediaType::Mp4.matches(b"\0\0\0\x20ftypisom"));
        assert!(MediaType::Wav.matches(b"RIFF\x24\0\0\0WAVEfmt "));
        assert!(MediaType::Mp3.matches(b"\xff\xfb\x90"));
        assert!(MediaType::Mp3.matches(b"ID3\x04"));
        assert!(MediaType::Webm.matches(b"\x1a\x45\xdf\xa3\x9f"));
        assert!(MediaType::Pdf.matches(b"%PDF-1.7"));
        assert!(!MediaType::Png.matches(b"\xff\xd8\xff"));
        assert!(!MediaType::Wav.matches(b"RIFF\x24\0\0\0AVI "));
        assert!(!MediaType::Mp4.matches(b"ftyp"));
    }

    #[test]
    fn base64_is_checked_before_anything_else() {
        let mut out = b"head".to_vec();
        decode_into("f", &format!(" {} ", b64(PNG)), MediaType::Png, &mut out).unwrap();
        assert_eq!(&out[4..], PNG);
        for (text, needle) in [
            ("", "is empty"),
            ("iVBORw0KGgo", "not valid base64"),
            ("data:image/png;base64,iVBORw0KGgoAAAAN", "not valid base64"),
            ("/9j/4AAQ", "does not start like a png file (image/png)"),
        ] {
            let mut out = b"head".to_vec();
            let err = decode_into("f", text, MediaType::Png, &mut out)
                .unwrap_err()
                .to_string();
            assert!(
                err.starts_with("invalid_input: f ") && err.contains(needle),
                "{err}"
            );
            assert_eq!(out, b"head");
        }
        let big = "A".repeat(MAX_FILE_BASE64_BYTES + 4);
        let err = decode_into("f", &big, MediaType::Png, &mut Vec::new())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("more than 4 MiB") && err.contains("https URL"),
            "{err}"
        );
    }

    #[test]
    fn the_upload_limit_is_4_mib_of_file() {
        let mut file = PNG.to_vec();
        file.resize(4 << 20, 7);
        let mut out = Vec::new();
        decode_into("f", &b64(&file), MediaType::Png, &mut out).unwrap();
        assert_eq!(out.len(), 4 << 20);
        file.push(0);
        assert!(decode_into("f", &b64(&file), MediaType::Png, &mut Vec::new()).is_err());
    }

    #[test]
    fn one_file_part_with_a_boundary_the_file_does_not_hold() {
        let mut n = 0;
        let (content_type, body) = multipart("me.png", MediaType::Png, &b64(PNG), || {
            n += 1;
            n
        })
        .unwrap();
        assert_eq!(
            content_type,
            "multipart/form-data; boundary=heygen-plugin-0000000000000001"
        );
        let mut expected = b"--heygen-plugin-0000000000000001\r\nContent-Disposition: form-data; name=\"file\"; filename=\"me.png\"\r\nContent-Type: image/png\r\n\r\n".to_vec();
        expected.extend_from_slice(PNG);
        expected.extend_from_slice(b"\r\n--heygen-plugin-0000000000000001--\r\n");
        assert_eq!(body, expected);
        let mut file = PNG.to_vec();
        file.extend_from_slice(b"heygen-plugin-0000000000000001");
        let mut n = 0;
        let (content_type, _) = multipart("me.png", MediaType::Png, &b64(&file), || {
            n += 1;
            n
        })
        .unwrap();
        assert!(content_type.ends_with("0000000000000002"));
    }

    #[test]
    fn a_photo_is_one_of_three_forms() {
        assert_eq!(
            image(None, None, Some(&b64(PNG)), Some(ImageType::Png)).unwrap(),
            json!({"type": "base64", "media_type": "image/png", "data": b64(PNG)})
        );
        assert_eq!(
            image(Some("https://i.example/p.png"), None, None, None).unwrap(),
            json!({"type": "url", "url": "https://i.example/p.png"})
        );
        for (url, id, data, kind) in [
            (None, None, None, None),
            (Some("https://i.example/p.png"), Some("a"), None, None),
            (None, Some("a"), None, Some(ImageType::Png)),
            (None, None, Some("iVBO"), None),
        ] {
            let err = image(url, id, data, kind).unwrap_err().to_string();
            assert!(
                err.starts_with("invalid_input: ") && err.contains("image_"),
                "{err}"
            );
        }
        let err = image(None, None, Some(&b64(PNG)), Some(ImageType::Jpeg))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("image_base64 does not start like a jpeg file"),
            "{err}"
        );
    }
}
