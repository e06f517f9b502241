//! Reading the arguments object field by field, remembering the field being
//! read, so that an error can name it (`invalid_input: scale: …`) without a
//! crate that tracks whole paths. Each value is read by `serde_json`'s own
//! `&Value` deserializer: the wording of every error is `serde_json`'s.
//! The argument reader (`actions::read_args`) reads through here.

use serde::de::value::BorrowedStrDeserializer;
use serde::de::{DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde_json::{Error, Map, Value};

/// Reads a `T` from the fields of `object`. On an error, the field being read
/// when it happened (`None` for a whole-object error such as a missing field)
/// comes with it, so the error can name it.
pub fn from_fields<T: DeserializeOwned>(
    object: &Map<String, Value>,
) -> Result<T, (Option<&str>, Error)> {
    let mut fields = Fields {
        entries: object.iter(),
        value: None,
        field: None,
    };
    T::deserialize(&mut fields).map_err(|e| (fields.field, e))
}

/// An object's fields, remembering the one being read.
struct Fields<'de> {
    entries: serde_json::map::Iter<'de>,
    /// The value of the key just read.
    value: Option<&'de Value>,
    /// The field being read; `None` once its value was read.
    field: Option<&'de str>,
}

impl<'de> Deserializer<'de> for &mut Fields<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_map(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

impl<'de> MapAccess<'de> for Fields<'de> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        self.field = Some(key);
        self.value = Some(value);
        seed.deserialize(BorrowedStrDeserializer::new(key))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let value = seed.deserialize(self.value.take().unwrap_or(&Value::Null))?;
        self.field = None;
        Ok(value)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Item {
        id: String,
        size: Option<u32>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Page {
        items: Vec<Item>,
        done: bool,
    }

    #[test]
    fn names_the_field_being_read() {
        let object = |v: Value| v.as_object().unwrap().clone();
        let read = |v| {
            from_fields::<Page>(&object(v)).map_err(|(f, e)| (f.map(String::from), e.to_string()))
        };
        assert_eq!(
            read(json!({"done": 1})).unwrap_err(),
            (
                Some("done".into()),
                "invalid type: integer `1`, expected a boolean".into()
            )
        );
        assert_eq!(read(json!({"x": 1})).unwrap_err().0.as_deref(), Some("x"));
        assert_eq!(
            read(json!({"done": true})).unwrap_err(),
            (None, "missing field `items`".into())
        );
    }
}
