//! Card-named JSON to component values and back, driven by the exported
//! function's WIT types: record fields are the card's names in kebab-case,
//! options are `null` or absent, enums are their case names.

use serde_json::{Map, Number, Value};
use wasmtime::component::Val;
use wasmtime::component::types::{ComponentFunc, Type};

/// The parameters for a function from a JSON object of named arguments. A
/// function taking one record reads the record's fields from the object; a
/// function taking nothing accepts `{}` or `null`.
pub fn params_from_json(func: &ComponentFunc, args: &Value) -> Result<Vec<Val>, String> {
    let params: Vec<(&str, Type)> = func.params().collect();
    match params.as_slice() {
        [] => match args {
            Value::Null => Ok(Vec::new()),
            Value::Object(map) if map.is_empty() => Ok(Vec::new()),
            _ => Err("this action takes no arguments; pass {} or nothing".into()),
        },
        [(_, ty @ Type::Record(_))] => Ok(vec![from_json(ty, args, "arguments")?]),
        _ => Err("unsupported function signature".into()),
    }
}

fn from_json(ty: &Type, value: &Value, path: &str) -> Result<Val, String> {
    let wrong = |expected: &str| Err(format!("{path} must be {expected}, not {value}"));
    match ty {
        Type::Bool => value
            .as_bool()
            .map(Val::Bool)
            .map_or_else(|| wrong("true or false"), Ok),
        Type::Float64 => value
            .as_f64()
            .map(Val::Float64)
            .map_or_else(|| wrong("a number"), Ok),
        Type::U32 => value
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .map(Val::U32)
            .map_or_else(|| wrong("a whole number from 0 to 4294967295"), Ok),
        Type::Float32 => value
            .as_f64()
            .map(|f| Val::Float32(f as f32))
            .map_or_else(|| wrong("a number"), Ok),
        Type::String => match value {
            Value::String(s) => Ok(Val::String(s.clone())),
            // A JSON argument (e.g. template `variables`) travels as its text.
            Value::Object(_) | Value::Array(_) => Ok(Val::String(value.to_string())),
            _ => wrong("a string"),
        },
        Type::Option(inner) => match value {
            Value::Null => Ok(Val::Option(None)),
            other => Ok(Val::Option(Some(Box::new(from_json(
                &inner.ty(),
                other,
                path,
            )?)))),
        },
        // Case names are snake_case in JSON, kebab-case in WIT.
        Type::Enum(cases) => {
            let names: Vec<String> = cases.names().map(|n| n.replace('-', "_")).collect();
            match value.as_str() {
                Some(s) if names.iter().any(|n| n == s) => Ok(Val::Enum(s.replace('_', "-"))),
                _ => wrong(&format!("one of {}", names.join(", "))),
            }
        }
        Type::List(list) => match value {
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, item)| from_json(&list.ty(), item, &format!("{path}[{i}]")))
                .collect::<Result<_, _>>()
                .map(Val::List),
            _ => wrong("an array"),
        },
        Type::Record(record) => {
            let Value::Object(map) = value else {
                return wrong("a JSON object");
            };
            let fields: Vec<_> = record.fields().collect();
            if let Some(unknown) = map
                .keys()
                .find(|k| !fields.iter().any(|f| f.name.replace('-', "_") == **k))
            {
                let known: Vec<String> = fields.iter().map(|f| f.name.replace('-', "_")).collect();
                return Err(format!(
                    "unknown argument `{unknown}`; the arguments are {}",
                    known.join(", ")
                ));
            }
            fields
                .iter()
                .map(|field| {
                    let key = field.name.replace('-', "_");
                    let val = match (map.get(&key), &field.ty) {
                        (Some(v), ty) => from_json(ty, v, &key)?,
                        (None, Type::Option(_)) => Val::Option(None),
                        (None, _) => return Err(format!("missing argument `{key}`")),
                    };
                    Ok((field.name.to_owned(), val))
                })
                .collect::<Result<_, String>>()
                .map(Val::Record)
        }
        other => Err(format!(
            "{path} has a type this host cannot fill from JSON: {other:?}"
        )),
    }
}

/// A component value as the card's JSON: records become objects with
/// snake_case keys, `none` becomes `null`.
pub fn to_json(value: &Val) -> Value {
    match value {
        Val::Bool(b) => Value::Bool(*b),
        Val::S8(n) => Value::from(*n),
        Val::U8(n) => Value::from(*n),
        Val::S16(n) => Value::from(*n),
        Val::U16(n) => Value::from(*n),
        Val::S32(n) => Value::from(*n),
        Val::U32(n) => Value::from(*n),
        Val::S64(n) => Value::from(*n),
        Val::U64(n) => Value::from(*n),
        Val::Float32(f) => Number::from_f64(f64::from(*f)).map_or(Value::Null, Value::Number),
        Val::Float64(f) => Number::from_f64(*f).map_or(Value::Null, Value::Number),
        Val::Char(c) => Value::String(c.to_string()),
        Val::String(s) => Value::String(s.clone()),
        Val::Enum(name) => Value::String(name.replace('-', "_")),
        Val::List(items) | Val::Tuple(items) => Value::Array(items.iter().map(to_json).collect()),
        Val::Option(inner) => inner.as_deref().map_or(Value::Null, to_json),
        Val::Record(fields) => Value::Object(
            fields
                .iter()
                .map(|(name, v)| (name.replace('-', "_"), to_json(v)))
                .collect::<Map<_, _>>(),
        ),
        other => Value::String(format!("{other:?}")),
    }
}
