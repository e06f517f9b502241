//! Reading typed values out of a `serde_json::Value` with less code than
//! `serde_json`'s own `&Value` deserializer.
//!
//! A struct is read from a JSON object only (`serde_json` also reads one from
//! an array of its fields in order, which no face sends), so the `visit_seq`
//! half that serde derives for every struct is never compiled in. Everything
//! else (strings, numbers, enums, errors and their wording) is `serde_json`'s.
//! The argument reader and the plugin's output records read through here.

use serde::de::value::BorrowedStrDeserializer;
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Unexpected,
    Visitor,
};
use serde_json::{Error, Map, Value};

/// Reads a `T` from `value`.
pub fn from_value<T: DeserializeOwned>(value: &Value) -> Result<T, Error> {
    T::deserialize(Json(value))
}

/// Reads a `T` from the fields of `object`. On an error, the field being read
/// when it happened (`None` for a whole-object error such as a missing field)
/// comes with it, so the error can name it.
pub fn from_fields<T: DeserializeOwned>(
    object: &Map<String, Value>,
) -> Result<T, (Option<&str>, Error)> {
    let mut fields = Fields::<true> {
        entries: object.iter(),
        value: None,
        field: None,
    };
    T::deserialize(&mut fields).map_err(|e| (fields.field, e))
}

/// A value being read.
#[derive(Clone, Copy)]
struct Json<'de>(&'de Value);

/// What an error says was found instead of what was expected (`serde_json`'s
/// wording).
fn unexpected(value: &Value) -> Unexpected<'_> {
    match value {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => Unexpected::Unsigned(u),
            (_, Some(i)) => Unexpected::Signed(i),
            _ => Unexpected::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

/// Methods that hand the value to `serde_json`'s own deserializer: nothing
/// below them can be a struct.
macro_rules! to_serde_json {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            self.0.$method(visitor)
        }
    )*};
}

impl<'de> Deserializer<'de> for Json<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Array(items) => visitor.visit_seq(Items(items.iter())),
            Value::Object(object) => visitor.visit_map(Fields::<false> {
                entries: object.iter(),
                value: None,
                field: None,
            }),
            other => other.deserialize_any(visitor),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Array(items) => visitor.visit_seq(Items(items.iter())),
            other => other.deserialize_seq(visitor),
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Object(_) => self.deserialize_any(visitor),
            other => other.deserialize_map(visitor),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.0 {
            Value::Object(_) => self.deserialize_any(visitor),
            other => Err(de::Error::invalid_type(unexpected(other), &visitor)),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.0.deserialize_enum(name, variants, visitor)
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.0.deserialize_unit_struct(name, visitor)
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    to_serde_json! {
        deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64
        deserialize_u128 deserialize_f32 deserialize_f64 deserialize_char deserialize_str
        deserialize_string deserialize_bytes deserialize_byte_buf deserialize_unit
        deserialize_identifier deserialize_ignored_any
    }
}

/// An array's items, each read as a [`Json`].
struct Items<'de>(std::slice::Iter<'de, Value>);

impl<'de> SeqAccess<'de> for Items<'de> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        self.0
            .next()
            .map(|item| seed.deserialize(Json(item)))
            .transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

/// An object's fields, remembering the one being read. With `TOP` (the
/// arguments object) the values are handed to `serde_json`'s `&Value`
/// deserializer directly: no argument is a struct, and the argument types'
/// code for it is there anyway (about 0.8 KB less than through [`Json`]).
struct Fields<'de, const TOP: bool = false> {
    entries: serde_json::map::Iter<'de>,
    /// The value of the key just read.
    value: Option<&'de Value>,
    /// The field being read; `None` once its value was read.
    field: Option<&'de str>,
}

impl<'de> Deserializer<'de> for &mut Fields<'de, true> {
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

impl<'de, const TOP: bool> MapAccess<'de> for Fields<'de, TOP> {
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
        let value = self.value.take().unwrap_or(&Value::Null);
        let value = if TOP {
            seed.deserialize(value)?
        } else {
            seed.deserialize(Json(value))?
        };
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
    fn reads_nested_records_from_objects_only() {
        let page: Page = from_value(
            &json!({"items": [{"id": "a", "size": 3}, {"id": "b", "size": null}], "done": true}),
        )
        .unwrap();
        assert_eq!(
            page.items[1],
            Item {
                id: "b".into(),
                size: None
            }
        );
        let err = from_value::<Page>(&json!({"items": [["a", 3]], "done": true})).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid type: sequence, expected struct Item"
        );
        let err = from_value::<Page>(&json!({"items": [{"id": 1}], "done": true})).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid type: integer `1`, expected a string"
        );
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
