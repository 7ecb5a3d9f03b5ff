//! The field names a serde-deserialized struct reads, taken from serde itself, so a binding
//! can check its users' option names before anything starts without a list of its own that
//! drifts from the engine's.

use serde::de::{self, Deserialize, Deserializer, Visitor};

/// The field names `T` reads (each alias too), or none when `T` is not a struct with
/// named fields.
pub(crate) fn of<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    let mut names = Names(&[]);
    let _ = T::deserialize(&mut names);
    names.0
}

/// A deserializer that gives nothing but records the field list a struct asks for.
struct Names(&'static [&'static str]);

impl<'de> Deserializer<'de> for &mut Names {
    type Error = de::value::Error;

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0 = fields;
        Err(de::Error::custom("only the field names were asked for"))
    }

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("not a struct with named fields"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

#[cfg(test)]
mod tests {
    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Sample {
        first: u32,
        #[serde(alias = "secondName")]
        second_name: String,
    }

    #[test]
    fn a_struct_gives_its_fields_and_aliases() {
        let names = super::of::<Sample>();
        assert!(names.contains(&"first") && names.contains(&"second_name"), "{names:?}");
        assert!(names.contains(&"secondName"), "{names:?}");
        assert!(super::of::<u32>().is_empty());
    }
}
