//! DT keys: the context keys that tell XSOAR how to merge a command's outputs into the incident
//! context. A key field makes an update replace the matching object instead of appending to it.

/// The context key for outputs under `prefix` keyed by `key_fields`:
/// `Prefix(val.k && val.k == obj.k && ...)`, or the bare prefix when there are no key fields.
pub fn dt_key<S: AsRef<str>>(prefix: &str, key_fields: &[S]) -> String {
    if key_fields.is_empty() {
        return prefix.to_owned();
    }
    let condition = key_fields
        .iter()
        .map(|key| {
            let key = key.as_ref();
            format!("val.{key} && val.{key} == obj.{key}")
        })
        .collect::<Vec<_>>()
        .join(" && ");
    format!("{prefix}({condition})")
}

/// The key and the wrapping field name that `replace_existing=True` uses: for `A.B.C` the outputs
/// go to `A.B(true)` as `{"C": outputs}`, which replaces whatever `A.B.C` held. `None` when the
/// prefix has no dot, because then there is no parent to replace under.
pub fn replace_existing_key(prefix: &str) -> Option<(String, String)> {
    let (parent, field) = prefix.rsplit_once('.')?;
    Some((format!("{parent}(true)"), field.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn section_1_3_dt_key_with_one_key_field() {
        assert_eq!(
            dt_key("HelloWorld.Alert", &["alert_id"]),
            "HelloWorld.Alert(val.alert_id && val.alert_id == obj.alert_id)"
        );
    }

    #[test]
    fn section_1_3_dt_key_with_two_key_fields() {
        assert_eq!(
            dt_key("HelloWorld.Alert", &["alert_id", "x"]),
            "HelloWorld.Alert(val.alert_id && val.alert_id == obj.alert_id && val.x && val.x == obj.x)"
        );
    }

    #[test]
    fn section_1_3_prefix_without_key_fields_is_the_bare_prefix() {
        assert_eq!(dt_key::<&str>("hello", &[]), "hello");
    }

    #[test]
    fn section_1_3_replace_existing_key() {
        assert_eq!(
            replace_existing_key("A.B.C"),
            Some(("A.B(true)".to_owned(), "C".to_owned()))
        );
        assert_eq!(replace_existing_key("A"), None);
    }
}
