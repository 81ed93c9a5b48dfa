//! Turning data-set entities into response items: walk the response type's
//! fields, take the entity's value when it has one (converted to the field's
//! shape) and make up a plausible, deterministic value when it has not. This
//! is what lets every endpoint in the spec answer without its own handler.

use serde_json::{json, Map, Value};
use ttv_meta::{Shape, TypeMeta};

use crate::entity::Entity;
use crate::realistic;

/// Guards against self-referencing types in the spec.
const MAX_DEPTH: usize = 8;

/// Projects `entity` onto `ty`; `n` (the item's position) varies made-up values.
pub fn project(entity: &Entity, ty: &TypeMeta, n: usize) -> Value {
    project_at(entity, ty, n, 0)
}

/// One element of `data`: an object of the item's type, or for a scalar item
/// (Delete Videos answers with ids) the entity's `id` fitted to that shape.
pub fn project_item(entity: &Entity, item: &Shape, n: usize) -> Value {
    match item.inner() {
        Shape::Object(ty) => project(entity, ty, n),
        scalar => match entity.get("id") {
            Some(v) => convert(v, scalar, "id", n, 0),
            None => synthesize_at(scalar, ("", "item"), n, 0, entity),
        },
    }
}

fn project_at(entity: &Entity, ty: &TypeMeta, n: usize, depth: usize) -> Value {
    let mut out = Map::new();
    for field in ty.fields {
        let value = match entity.get(field.name) {
            Some(v) => convert(v, &field.shape, field.name, n, depth),
            None => realistic::from_spec_set(ty.name, field)
                .unwrap_or_else(|| synthesize_at(&field.shape, (ty.name, field.name), n, depth, entity)),
        };
        out.insert(field.name.to_string(), value);
    }
    Value::Object(out)
}

/// Fits an entity's value to the declared shape, so a typed client decodes it.
fn convert(value: &Value, shape: &Shape, name: &str, n: usize, depth: usize) -> Value {
    match (shape, value) {
        (Shape::Optional(_), Value::Null) => Value::Null,
        (Shape::Optional(inner), v) => convert(v, inner, name, n, depth),
        (Shape::Json, v) => v.clone(),
        // Twitch sends "" for absent strings and times (e.g. `started_at` of an offline channel).
        (Shape::String | Shape::DateTime, Value::Null) => json!(""),
        (Shape::String | Shape::DateTime, Value::String(s)) => json!(s),
        (Shape::String | Shape::DateTime, v) => json!(v.to_string()),
        (Shape::Integer, Value::Number(num)) => match num.as_i64() {
            Some(i) => json!(i),
            None => json!(num.as_f64().unwrap_or(0.0) as i64),
        },
        (Shape::Integer, Value::String(s)) => match s.trim().parse::<i64>() {
            Ok(i) => json!(i),
            Err(_) => synthesize_at(shape, ("", name), n, depth, &Map::new()),
        },
        (Shape::Integer, Value::Bool(b)) => json!(i64::from(*b)),
        (Shape::Number, Value::Number(num)) => json!(num.as_f64().unwrap_or(0.0)),
        (Shape::Number, Value::String(s)) => match s.trim().parse::<f64>() {
            Ok(f) => json!(f),
            Err(_) => synthesize_at(shape, ("", name), n, depth, &Map::new()),
        },
        (Shape::Boolean, Value::Bool(b)) => json!(b),
        (Shape::Boolean, Value::String(s)) => json!(s.eq_ignore_ascii_case("true")),
        (Shape::Object(ty), Value::Object(m)) if depth < MAX_DEPTH => project_at(m, ty, n, depth + 1),
        (Shape::List(inner), Value::Array(items)) => {
            Value::Array(items.iter().enumerate().map(|(i, v)| convert(v, inner, name, i, depth)).collect())
        }
        (Shape::List(_), Value::Null) => json!([]),
        // A single value where a list is declared: wrap it.
        (Shape::List(inner), v) => json!([convert(v, inner, name, n, depth)]),
        _ => synthesize_at(shape, ("", name), n, depth, &Map::new()),
    }
}

/// A made-up value of a shape, for the field `(type, name)` of item `n`;
/// `entity` is the item's known values (a URL names its channel).
fn synthesize_at(shape: &Shape, field: (&str, &str), n: usize, depth: usize, entity: &Entity) -> Value {
    let (type_name, name) = field;
    let realistic = || realistic::value(type_name, name, shape, n, entity);
    if let Some(Value::Null) = realistic() {
        return Value::Null;
    }
    if !matches!(shape, Shape::Optional(_)) {
        if let Some(v) = realistic() {
            return v;
        }
    }
    match shape {
        Shape::String => json!(format!("{name}-{n}")),
        Shape::Integer => json!(n),
        Shape::Number => json!(n as f64),
        Shape::Boolean => json!(false),
        Shape::DateTime => json!(realistic::SYNTHETIC_START),
        Shape::Json => json!({}),
        // Alternate so clients see both present and absent optional fields.
        Shape::Optional(inner) => {
            if n.is_multiple_of(2) {
                synthesize_at(inner, field, n, depth, entity)
            } else {
                Value::Null
            }
        }
        Shape::Object(ty) if depth < MAX_DEPTH => project_at(&Map::new(), ty, n, depth + 1),
        Shape::Object(_) => json!({}),
        // One element shows the item type; scalar lists stay empty.
        Shape::List(inner) => match inner.inner() {
            Shape::Object(_) if depth < MAX_DEPTH => json!([synthesize_at(inner, field, 0, depth, entity)]),
            _ => json!([]),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ttv_meta::FieldMeta;

    static CHOICE: TypeMeta =
        TypeMeta::new("Choice", &[FieldMeta::new("id", Shape::String), FieldMeta::new("votes", Shape::Integer)]);
    static POLL: TypeMeta = TypeMeta::new(
        "Poll",
        &[
            FieldMeta::new("id", Shape::String),
            FieldMeta::new("title", Shape::String),
            FieldMeta::new("viewer_count", Shape::Integer),
            FieldMeta::new("ratio", Shape::Number),
            FieldMeta::new("is_live", Shape::Boolean),
            FieldMeta::new("started_at", Shape::DateTime),
            FieldMeta::new("ended_at", Shape::Optional(&Shape::DateTime)),
            FieldMeta::new("tags", Shape::List(&Shape::String)),
            FieldMeta::new("choices", Shape::List(&Shape::Object(&CHOICE))),
            FieldMeta::new("extra", Shape::Json),
        ],
    );
    static LOOP: TypeMeta = TypeMeta::new("Loop", &[FieldMeta::new("next", Shape::Object(&LOOP))]);

    fn entity(v: Value) -> Entity {
        match v {
            Value::Object(m) => m,
            _ => Entity::new(),
        }
    }

    #[test]
    fn synthesizes_every_field_from_an_empty_entity() {
        let v = project(&Entity::new(), &POLL, 0);
        assert_eq!(
            v,
            json!({
                "id": realistic::uuid("Poll.id", 0), "title": "title-0", "viewer_count": 0, "ratio": 0.0,
                "is_live": false, "started_at": realistic::SYNTHETIC_START,
                // A fresh poll is active: it has not ended (the ended-before-started poll).
                "ended_at": null, "tags": [],
                "choices": [{"id": realistic::uuid("Choice.id", 0), "votes": 0}],
                "extra": {},
            })
        );
        assert_eq!(project(&Entity::new(), &POLL, 1)["ended_at"], Value::Null);
    }

    static BAN: TypeMeta = TypeMeta::new(
        "Ban",
        &[
            FieldMeta::new("created_at", Shape::DateTime),
            FieldMeta::new("expires_at", Shape::Optional(&Shape::DateTime)),
        ],
    );

    #[test]
    fn made_up_times_end_after_they_start() {
        let v = project(&Entity::new(), &BAN, 0);
        let (start, end) = (v["created_at"].as_str().unwrap_or(""), v["expires_at"].as_str().unwrap_or(""));
        assert!(start < end, "{v}");
        assert_eq!(project(&Entity::new(), &BAN, 1)["expires_at"], Value::Null, "optional fields alternate");
    }

    #[test]
    fn takes_and_converts_entity_values() {
        let e = entity(json!({
            "id": 42, "title": "hello", "viewer_count": "17", "ratio": 2,
            "is_live": "true", "started_at": null, "ended_at": null,
            "tags": "solo", "choices": [{"id": "c1", "votes": 3}, {"id": "c2"}],
            "extra": [1, 2], "unrelated": "dropped",
        }));
        let v = project(&e, &POLL, 5);
        assert_eq!(v["id"], json!("42"));
        assert_eq!(v["title"], json!("hello"));
        assert_eq!(v["viewer_count"], json!(17));
        assert_eq!(v["ratio"], json!(2.0));
        assert_eq!(v["is_live"], json!(true));
        assert_eq!(v["started_at"], json!(""));
        assert_eq!(v["ended_at"], Value::Null);
        assert_eq!(v["tags"], json!(["solo"]));
        assert_eq!(v["choices"], json!([{"id": "c1", "votes": 3}, {"id": "c2", "votes": 1}]));
        assert_eq!(v["extra"], json!([1, 2]));
        assert!(v.get("unrelated").is_none());
    }

    #[test]
    fn self_referencing_types_terminate() {
        let v = project(&Entity::new(), &LOOP, 0);
        let mut depth = 0;
        let mut cur = &v;
        while let Some(next) = cur.get("next") {
            cur = next;
            depth += 1;
        }
        assert!(depth <= MAX_DEPTH + 1);
    }
}
