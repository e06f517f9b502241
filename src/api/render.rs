//! The render options `POST /v3/videos` takes for a video of a photo (both
//! `type: avatar` and `type: image`): resolution, aspect ratio, file format,
//! background and voice settings, each checked and sent only when given.

use crate::prelude::*;

#[cfg(test)]
use serde_json::json;
use serde_json::{Map, Value};

use crate::checks::{check_https_url, check_range, check_text};
use crate::error::Error;
use crate::limits::MAX_LANGUAGE_CHARS;

/// The values HeyGen takes for `resolution`.
const RESOLUTIONS: [&str; 3] = ["720p", "1080p", "4k"];
/// The values HeyGen takes for `aspect_ratio`.
const ASPECT_RATIOS: [&str; 6] = ["16:9", "9:16", "4:5", "5:4", "1:1", "auto"];
/// The values HeyGen takes for `output_format`.
const OUTPUT_FORMATS: [&str; 2] = ["mp4", "webm"];

/// The render options of one create, as the caller gave them.
#[derive(Clone, Copy, Default)]
pub(crate) struct Render<'a> {
    /// `resolution`.
    pub resolution: Option<&'a str>,
    /// `aspect_ratio`.
    pub aspect_ratio: Option<&'a str>,
    /// `output_format`.
    pub output_format: Option<&'a str>,
    /// `background: {type: color, value}`.
    pub background_color: Option<&'a str>,
    /// `background: {type: image, url}`.
    pub background_image_url: Option<&'a str>,
    /// `voice_settings.speed`.
    pub voice_speed: Option<f64>,
    /// `voice_settings.pitch`.
    pub voice_pitch: Option<f64>,
    /// `voice_settings.locale`.
    pub voice_locale: Option<&'a str>,
}

impl Render<'_> {
    /// Checks the options given and adds them to a v3 video body.
    pub fn add_v3(&self, body: &mut Value) -> Result<(), Error> {
        for (field, value, allowed) in [
            ("resolution", self.resolution, &RESOLUTIONS[..]),
            ("aspect_ratio", self.aspect_ratio, &ASPECT_RATIOS[..]),
            ("output_format", self.output_format, &OUTPUT_FORMATS[..]),
        ] {
            if let Some(value) = value {
                body[field] = Value::String(choice(field, value, allowed)?);
            }
        }
        let mut background = Map::new();
        match (self.background_color, self.background_image_url) {
            (Some(_), Some(_)) => {
                return Err(Error::InvalidInput(
                    "give background_color or background_image_url, not both".into(),
                ));
            }
            (Some(color), None) => {
                background.insert("type".into(), "color".into());
                background.insert("value".into(), Value::String(check_color(color)?));
            }
            (None, Some(url)) => {
                background.insert("type".into(), "image".into());
                let url = check_https_url("background_image_url", url)?;
                background.insert("url".into(), Value::String(url));
            }
            (None, None) => {}
        }
        if !background.is_empty() {
            body["background"] = Value::Object(background);
        }
        let mut voice = Map::new();
        if let Some(speed) = self.voice_speed {
            let speed = check_range(
                "voice_speed",
                speed,
                (0.5, 1.5),
                "0.5 to 1.5 (1.0 is the default)",
            )?;
            voice.insert("speed".into(), speed.into());
        }
        if let Some(pitch) = self.voice_pitch {
            let pitch = check_range(
                "voice_pitch",
                pitch,
                (-50.0, 50.0),
                "-50 to 50 (0 is the default)",
            )?;
            voice.insert("pitch".into(), pitch.into());
        }
        if let Some(locale) = self.voice_locale {
            let locale = check_text("voice_locale", locale.trim(), MAX_LANGUAGE_CHARS)?;
            voice.insert("locale".into(), Value::String(locale));
        }
        if !voice.is_empty() {
            body["voice_settings"] = Value::Object(voice);
        }
        Ok(())
    }

    /// The name of the first option given, for the generation that has none.
    pub fn first_given(&self) -> Option<&'static str> {
        [
            ("resolution", self.resolution.is_some()),
            ("aspect_ratio", self.aspect_ratio.is_some()),
            ("output_format", self.output_format.is_some()),
            ("background_color", self.background_color.is_some()),
            ("background_image_url", self.background_image_url.is_some()),
            ("voice_speed", self.voice_speed.is_some()),
            ("voice_pitch", self.voice_pitch.is_some()),
            ("voice_locale", self.voice_locale.is_some()),
        ]
        .into_iter()
        .find_map(|(name, given)| given.then_some(name))
    }
}

/// `value` (trimmed) if `allowed` has it.
pub(crate) fn choice(field: &str, value: &str, allowed: &[&str]) -> Result<String, Error> {
    let value = value.trim();
    if allowed.contains(&value) {
        Ok(value.to_owned())
    } else {
        Err(Error::InvalidInput(format!(
            "{field} must be one of {}",
            allowed.join(", ")
        )))
    }
}

/// A `#RRGGBB` colour.
fn check_color(value: &str) -> Result<String, Error> {
    let value = value.trim();
    let hex = value
        .strip_prefix('#')
        .filter(|h| h.len() == 6 && h.bytes().all(|b| b.is_ascii_hexdigit()));
    match hex {
        Some(_) => Ok(value.to_owned()),
        None => Err(Error::InvalidInput(
            "background_color must be a colour as #RRGGBB (for example #FFFFFF)".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_options_given_each_checked() {
        let mut body = json!({});
        Render::default().add_v3(&mut body).unwrap();
        assert_eq!(body, json!({}));
        let render = Render {
            resolution: Some("1080p"),
            aspect_ratio: Some(" 9:16 "),
            output_format: Some("webm"),
            background_color: Some("#0a0B0c"),
            voice_speed: Some(1.25),
            voice_pitch: Some(-10.0),
            voice_locale: Some("en-GB"),
            ..Render::default()
        };
        render.add_v3(&mut body).unwrap();
        assert_eq!(
            body,
            json!({"resolution": "1080p", "aspect_ratio": "9:16", "output_format": "webm",
                   "background": {"type": "color", "value": "#0a0B0c"},
                   "voice_settings": {"speed": 1.25, "pitch": -10.0, "locale": "en-GB"}})
        );
        assert_eq!(render.first_given(), Some("resolution"));
        assert_eq!(Render::default().first_given(), None);
        for (render, needle) in [
            (
                Render {
                    resolution: Some("8k"),
                    ..Render::default()
                },
                "resolution must be one of 720p, 1080p, 4k",
            ),
            (
                Render {
                    background_color: Some("white"),
                    ..Render::default()
                },
                "#RRGGBB",
            ),
            (
                Render {
                    background_color: Some("#fff"),
                    background_image_url: Some("https://b.example/x.png"),
                    ..Render::default()
                },
                "not both",
            ),
            (
                Render {
                    background_image_url: Some("http://b.example/x.png"),
                    ..Render::default()
                },
                "https",
            ),
            (
                Render {
                    voice_pitch: Some(51.0),
                    ..Render::default()
                },
                "voice_pitch must be a number from -50 to 50",
            ),
            (
                Render {
                    voice_speed: Some(f64::NAN),
                    ..Render::default()
                },
                "voice_speed",
            ),
        ] {
            let err = render.add_v3(&mut json!({})).unwrap_err().to_string();
            assert!(
                err.starts_with("invalid_input: ") && err.contains(needle),
                "{err}"
            );
        }
    }
}
