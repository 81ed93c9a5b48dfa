//! The little type language of the spec: `string`, `[User]`, `datetime?`, ...

use std::fmt;

/// The spec's primitive types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Prim {
    /// `string`: text, and ids.
    String,
    /// `integer`: a whole number.
    Integer,
    /// `number`: a floating-point number.
    Number,
    /// `boolean`.
    Boolean,
    /// `datetime`: an RFC 3339 timestamp, kept as text.
    DateTime,
    /// `json`: any JSON value, passed through.
    Json,
}

/// A type as written in the spec.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeExpr {
    /// A primitive.
    Prim(Prim),
    /// A type from the spec's `types` section.
    Named(String),
    /// `[T]`: a list.
    List(Box<TypeExpr>),
    /// `T?`: may be absent or null.
    Optional(Box<TypeExpr>),
}

impl TypeExpr {
    /// Parses a type as written in the spec. The error says what was expected.
    pub fn parse(text: &str) -> Result<TypeExpr, String> {
        let t = text.trim();
        if let Some(inner) = t.strip_suffix('?') {
            let inner = TypeExpr::parse(inner)?;
            if matches!(inner, TypeExpr::Optional(_)) {
                return Err(format!("`{text}` has `?` twice"));
            }
            return Ok(TypeExpr::Optional(Box::new(inner)));
        }
        if let Some(inner) = t.strip_prefix('[') {
            let inner = inner
                .strip_suffix(']')
                .ok_or_else(|| format!("`{text}` opens a list with `[` but does not close it"))?;
            return Ok(TypeExpr::List(Box::new(TypeExpr::parse(inner)?)));
        }
        let prim = match t {
            "string" => Prim::String,
            "integer" => Prim::Integer,
            "number" => Prim::Number,
            "boolean" => Prim::Boolean,
            "datetime" => Prim::DateTime,
            "json" => Prim::Json,
            "" => return Err("empty type".into()),
            name if name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                && name.chars().all(|c| c.is_ascii_alphanumeric()) =>
            {
                return Ok(TypeExpr::Named(name.to_owned()))
            }
            other => {
                return Err(format!(
                    "`{other}` is not a type: use string, integer, number, boolean, datetime, json, \
                     a PascalCase name from `types`, [T] or T?"
                ))
            }
        };
        Ok(TypeExpr::Prim(prim))
    }

    /// Whether it is `T?`.
    pub fn is_optional(&self) -> bool {
        matches!(self, TypeExpr::Optional(_))
    }

    /// The type without its `?`.
    pub fn required(&self) -> &TypeExpr {
        match self {
            TypeExpr::Optional(inner) => inner,
            t => t,
        }
    }

    /// Whether it is a list, optional or not.
    pub fn is_list(&self) -> bool {
        matches!(self.required(), TypeExpr::List(_))
    }

    /// Named types this expression mentions.
    pub fn names(&self) -> Vec<&str> {
        match self {
            TypeExpr::Prim(_) => vec![],
            TypeExpr::Named(n) => vec![n.as_str()],
            TypeExpr::List(t) | TypeExpr::Optional(t) => t.names(),
        }
    }
}

impl fmt::Display for TypeExpr {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            TypeExpr::Prim(p) => f.write_str(match p {
                Prim::String => "string",
                Prim::Integer => "integer",
                Prim::Number => "number",
                Prim::Boolean => "boolean",
                Prim::DateTime => "datetime",
                Prim::Json => "json",
            }),
            TypeExpr::Named(n) => f.write_str(n),
            TypeExpr::List(t) => write!(f, "[{t}]"),
            TypeExpr::Optional(t) => write!(f, "{t}?"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nested_forms() {
        assert_eq!(
            TypeExpr::parse("[User]?").unwrap(),
            TypeExpr::Optional(Box::new(TypeExpr::List(Box::new(TypeExpr::Named("User".into())))))
        );
        assert_eq!(TypeExpr::parse(" integer ").unwrap(), TypeExpr::Prim(Prim::Integer));
        assert_eq!(TypeExpr::parse("[string]").unwrap().to_string(), "[string]");
    }

    #[test]
    fn rejects_bad_forms() {
        assert!(TypeExpr::parse("[string").unwrap_err().contains("does not close"));
        assert!(TypeExpr::parse("strng").unwrap_err().contains("not a type"));
        assert!(TypeExpr::parse("string??").unwrap_err().contains("twice"));
    }
}
