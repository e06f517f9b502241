//! A strict reader of the one-part multipart/form-data body that HeyGen's
//! `POST /v3/assets` takes: the boundary from the `Content-Type`, one part
//! named `file` with a file name and a content type, and nothing around it.
//! Written apart from the plugin's writer, so the two check each other.

use super::check::{Check, problem};
use super::request::Recorded;

/// The file of an upload.
#[derive(Debug, PartialEq)]
pub(crate) struct FilePart<'a> {
    /// The part's `filename`.
    pub file_name: String,
    /// The part's `Content-Type`.
    pub content_type: String,
    /// Its bytes.
    pub bytes: &'a [u8],
}

/// The `file` part of `req`'s multipart body, or what is wrong with it.
pub(crate) fn file_part(req: &Recorded) -> Check<FilePart<'_>> {
    let content_type = req.header("content-type").unwrap_or_default();
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .filter(|b| !b.is_empty() && b.len() <= 70 && !b.contains(['"', ' ', ';']))
        .ok_or_else(|| {
            problem(
                "Content-Type",
                "Content-Type must be multipart/form-data with a boundary",
            )
        })?;
    let body = req.body.as_slice();
    let opening = format!("--{boundary}\r\n");
    let closing = format!("\r\n--{boundary}--\r\n");
    let inner = body
        .strip_prefix(opening.as_bytes())
        .and_then(|rest| rest.strip_suffix(closing.as_bytes()))
        .ok_or_else(|| {
            problem(
                "file",
                "the body is not one multipart part framed by its boundary",
            )
        })?;
    let split = inner
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| problem("file", "the part has no end of headers"))?;
    let (head, bytes) = (&inner[..split], &inner[split + 4..]);
    if bytes
        .windows(boundary.len() + 2)
        .any(|w| w[..2] == *b"--" && &w[2..] == boundary.as_bytes())
    {
        return Err(problem(
            "file",
            "more than one part: send exactly one `file` part",
        ));
    }
    let head =
        std::str::from_utf8(head).map_err(|_| problem("file", "part headers are not UTF-8"))?;
    let mut file_name = None;
    let mut part_type = None;
    for line in head.split("\r\n") {
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| problem("file", format!("a malformed part header: {line}")))?;
        match name.to_ascii_lowercase().as_str() {
            "content-disposition" => {
                let value = value.trim();
                let rest = value
                    .strip_prefix("form-data; name=\"file\"; filename=\"")
                    .and_then(|r| r.strip_suffix('"'))
                    .filter(|n| !n.is_empty() && !n.contains(['"', '/', '\\']))
                    .ok_or_else(|| {
                        problem(
                            "file",
                            "Field required: one part named `file` with a filename",
                        )
                    })?;
                file_name = Some(rest.to_owned());
            }
            "content-type" => part_type = Some(value.trim().to_owned()),
            other => {
                return Err(problem(
                    "file",
                    format!("an unexpected part header `{other}`"),
                ));
            }
        }
    }
    match (file_name, part_type) {
        (Some(file_name), Some(content_type)) => Ok(FilePart {
            file_name,
            content_type,
            bytes,
        }),
        _ => Err(problem(
            "file",
            "the part needs a Content-Disposition with a filename and a Content-Type",
        )),
    }
}

/// Whether `bytes` look like a file of MIME type `mime` (the types the
/// simulator accepts), by their first bytes.
pub(crate) fn looks_like(mime: &str, bytes: &[u8]) -> bool {
    match mime {
        "image/png" => bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a]),
        "image/jpeg" => bytes.starts_with(&[0xff, 0xd8, 0xff]),
        "video/mp4" => bytes.len() > 8 && &bytes[4..8] == b"ftyp",
        "video/webm" => bytes.starts_with(&[0x1a, 0x45, 0xdf, 0xa3]),
        "audio/mpeg" => {
            bytes.starts_with(b"ID3") || (bytes.len() > 1 && bytes[0] == 0xff && bytes[1] >= 0xe0)
        }
        "audio/wav" | "audio/x-wav" => {
            bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WAVE"
        }
        "application/pdf" => bytes.starts_with(b"%PDF-"),
        _ => false,
    }
}
