//! The HeyGen API key: checked before anything is sent, never shown.

use crate::prelude::*;
use core::fmt;

use crate::config::API_KEY_VAR;
use crate::error::{Error, Failure};

/// The longest key accepted, in characters.
const MAX_KEY_CHARS: usize = 512;

/// The HeyGen API key. Its `Debug` never shows the value, and the only way to
/// read it is [`ApiKey::expose`], called where the auth header is set (and
/// by [`ApiKey::redact`], which removes it from a failure's text).
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Checks a key: 1 to 512 printable ASCII characters, no spaces or line
    /// breaks (anything else could corrupt the request's headers). `source`
    /// names where it came from, for the error message; the value is never quoted.
    pub fn parse(value: &str, source: &str) -> Result<ApiKey, Error> {
        if value.is_empty() {
            return Err(Error::MissingCredentials);
        }
        if value.chars().count() > MAX_KEY_CHARS {
            return Err(Error::InvalidCredentials(format!(
                "{source} is longer than {MAX_KEY_CHARS} characters; set it to the key from app.heygen.com/settings (Settings > API), nothing else"
            )));
        }
        if !value.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Error::InvalidCredentials(format!(
                "{source} contains a space, line break or other non-printable character; set it to the key alone, without quotes or a trailing newline"
            )));
        }
        Ok(ApiKey(value.to_owned()))
    }

    /// Reads `HEYGEN_API_KEY` through `lookup`.
    pub fn from_env(lookup: impl Fn(&str) -> Option<String>) -> Result<ApiKey, Error> {
        ApiKey::parse(&lookup(API_KEY_VAR).unwrap_or_default(), API_KEY_VAR)
    }

    /// The secret itself, for the `X-Api-Key` header and nothing else.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

impl ApiKey {
    /// `failure` with every occurrence of the key in its text replaced, should
    /// HeyGen ever echo it.
    pub fn redact(&self, mut failure: Failure) -> Failure {
        failure.message = failure.message.replace(self.expose(), "<redacted>");
        failure
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::testing::env;

    #[test]
    fn key_is_checked_and_never_shown() {
        assert_eq!(ApiKey::from_env(env(&[])), Err(Error::MissingCredentials));
        assert_eq!(
            ApiKey::from_env(env(&[(API_KEY_VAR, "")])),
            Err(Error::MissingCredentials)
        );
        for bad in [
            "abc\r\nX-Evil: 1",
            "abc def",
            "abc\u{0}",
            "k\u{e9}y",
            "key\n",
        ] {
            let err = ApiKey::parse(bad, API_KEY_VAR).unwrap_err();
            assert!(
                err.to_string()
                    .starts_with("invalid_credentials: HEYGEN_API_KEY")
            );
            assert!(!err.to_string().contains("abc"));
        }
        let key = ApiKey::parse("sk_SECRET123", API_KEY_VAR).unwrap();
        assert_eq!(format!("{key:?}"), "ApiKey(<redacted>)");
        assert_eq!(key.expose(), "sk_SECRET123");
    }

    #[test]
    fn a_failure_never_carries_the_key() {
        let key = ApiKey::parse("sk_SECRET123", API_KEY_VAR).unwrap();
        let error = Error::InvalidInput("echo of sk_SECRET123 and sk_SECRET123".into());
        let failure = key.redact(Failure::from(error));
        assert_eq!(
            failure.message,
            "invalid_input: echo of <redacted> and <redacted>"
        );
    }
}
