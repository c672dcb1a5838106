//! Where the CLI finds the instance (its name and params) and the command arguments, and how
//! typed text becomes the JSON values XSOAR would send. Precedence, highest first: `--param`,
//! the `HELLOWORLD_<NAME>` environment variables, the `--config` file, the declared defaults
//! (applied later, by the dispatcher, for every host alike).
//!
//! The config file has an `[instance]` section: `name`, a `params` table, and
//! `api_key_file` (a file holding the API key). Secrets never go in the file itself: the API key
//! comes from `HELLOWORLD_API_KEY` or from `api_key_file`. The older top-level `[params]` table
//! is still read.

use std::path::Path;

use serde_json::{Map, Value};

use super::UsageError;
use crate::commands::params::{PARAMS, find};
use crate::xsoar::spec::{CommandSpec, ParamSpec};

/// The prefix of the environment variables that hold params.
pub(crate) const ENV_PREFIX: &str = "HELLOWORLD_";

/// The instance a run belongs to.
#[derive(Debug, Clone, Default)]
pub(crate) struct Instance {
    /// `[instance] name`, when the config file gives one.
    pub(crate) name: Option<String>,
    /// The params from every source.
    pub(crate) params: Map<String, Value>,
}

/// The instance's name and params, from the three sources in order of precedence.
pub(crate) fn resolve_instance(
    flags: &[String],
    config: Option<&Path>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Instance, UsageError> {
    let mut instance = match config {
        Some(path) => instance_from_config(path)?,
        None => Instance::default(),
    };
    let params = &mut instance.params;
    for param in PARAMS {
        if let Some(text) = env(&env_var_name(param.name)) {
            let value = param.value_from_text(&text).map_err(|problem| {
                UsageError::new(format!("{}: {problem}", env_var_name(param.name)))
            })?;
            params.insert(param.name.to_owned(), value);
        }
    }
    for flag in flags {
        let (name, text) = split_pair(flag, "--param")?;
        let param = known_param(name, "--param")?;
        let value = param
            .value_from_text(text)
            .map_err(|problem| UsageError::new(format!("--param {problem}")))?;
        params.insert(name.to_owned(), value);
    }
    Ok(instance)
}

/// `HELLOWORLD_API_KEY` for `api_key`.
pub(crate) fn env_var_name(param: &str) -> String {
    format!("{ENV_PREFIX}{}", param.to_ascii_uppercase())
}

/// The command arguments given as `NAME=VALUE`, each one checked against the command's
/// declaration so a typo is caught before anything runs. Values stay strings, as typed in the
/// war room.
pub(crate) fn parse_args(
    spec: &CommandSpec,
    pairs: &[String],
) -> Result<Map<String, Value>, UsageError> {
    let mut args = Map::new();
    for pair in pairs {
        let (name, value) = split_pair(pair, "argument")?;
        if spec.arg(name).is_none() {
            let known: Vec<&str> = spec.args.iter().map(|arg| arg.name).collect();
            return Err(UsageError::new(format!(
                "{} has no argument `{name}`; its arguments are: {}",
                spec.name,
                if known.is_empty() {
                    "none".to_owned()
                } else {
                    known.join(", ")
                }
            )));
        }
        if args
            .insert(name.to_owned(), Value::String(value.to_owned()))
            .is_some()
        {
            return Err(UsageError::new(format!(
                "argument `{name}` is given twice; give it once"
            )));
        }
    }
    Ok(args)
}

fn split_pair<'a>(pair: &'a str, what: &str) -> Result<(&'a str, &'a str), UsageError> {
    match pair.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => Ok((name.trim(), value)),
        _ => Err(UsageError::new(format!(
            "{what} `{pair}` is not NAME=VALUE; write it as, for example, {}",
            if what == "argument" {
                "name=Dbot"
            } else {
                "url=https://api.example"
            }
        ))),
    }
}

fn known_param(name: &str, source: &str) -> Result<&'static ParamSpec, UsageError> {
    find(name).ok_or_else(|| {
        let known: Vec<&str> = PARAMS.iter().map(|param| param.name).collect();
        UsageError::new(format!(
            "{source}: there is no param `{name}`; the params are: {}",
            known.join(", ")
        ))
    })
}

fn instance_from_config(path: &Path) -> Result<Instance, UsageError> {
    let text = std::fs::read_to_string(path).map_err(|error| {
        UsageError::new(format!(
            "cannot read the config file {}: {error}",
            path.display()
        ))
    })?;
    let document: toml::Table = text.parse().map_err(|error| {
        UsageError::new(format!(
            "the config file {} is not valid TOML: {error}",
            path.display()
        ))
    })?;
    let mut instance = Instance::default();
    for (key, value) in document {
        let toml::Value::Table(table) = value else {
            return Err(UsageError::new(format!(
                "the config file {} has `{key}` at the top level; put the instance in an [instance] section",
                path.display()
            )));
        };
        match key.as_str() {
            "instance" => read_instance_section(path, table, &mut instance)?,
            // The format before [instance]: a bare params table.
            "params" => read_params(
                &format!("{} [params]", path.display()),
                table,
                &mut instance.params,
                false,
            )?,
            _ => {
                return Err(UsageError::new(format!(
                    "the config file {} has a [{key}] table; only [instance] is read",
                    path.display()
                )));
            }
        }
    }
    Ok(instance)
}

fn read_instance_section(
    path: &Path,
    table: toml::Table,
    instance: &mut Instance,
) -> Result<(), UsageError> {
    let source = format!("{} [instance]", path.display());
    for (key, value) in table {
        match (key.as_str(), value) {
            ("name", toml::Value::String(name)) if !name.trim().is_empty() => {
                instance.name = Some(name.trim().to_owned());
            }
            ("params", toml::Value::Table(params)) => {
                read_params(
                    &format!("{source}.params"),
                    params,
                    &mut instance.params,
                    true,
                )?;
            }
            ("api_key_file", toml::Value::String(file)) => {
                // Relative to the config file, so the pair can move together.
                let file = path.parent().unwrap_or(Path::new(".")).join(file);
                let key = std::fs::read_to_string(&file).map_err(|error| {
                    UsageError::new(format!(
                        "{source}: cannot read api_key_file {}: {error}",
                        file.display()
                    ))
                })?;
                let param = known_param("api_key", &source)?;
                let value = param
                    .value_from_text(key.trim())
                    .map_err(|problem| UsageError::new(format!("{source}: {problem}")))?;
                instance.params.insert("api_key".to_owned(), value);
            }
            (key, value) => {
                return Err(UsageError::new(format!(
                    "{source}: `{key}` ({}) is not understood; [instance] takes name (text), api_key_file (a path) and a params table",
                    value.type_str()
                )));
            }
        }
    }
    Ok(())
}

fn read_params(
    source: &str,
    table: toml::Table,
    params: &mut Map<String, Value>,
    refuse_secrets: bool,
) -> Result<(), UsageError> {
    for (name, value) in table {
        let param = known_param(&name, source)?;
        if refuse_secrets && param.param_type.is_secret() {
            return Err(UsageError::new(format!(
                "{source}: `{name}` is a secret and does not go in the config file; set {} or api_key_file in [instance]",
                env_var_name(&name)
            )));
        }
        params.insert(name, config_value(param, value, source)?);
    }
    Ok(())
}

fn config_value(param: &ParamSpec, value: toml::Value, source: &str) -> Result<Value, UsageError> {
    let text = match value {
        toml::Value::String(text) => text,
        toml::Value::Boolean(flag) => flag.to_string(),
        toml::Value::Integer(number) => number.to_string(),
        toml::Value::Float(number) => number.to_string(),
        toml::Value::Array(items) => items
            .iter()
            .map(|item| {
                item.as_str()
                    .map_or_else(|| item.to_string(), str::to_owned)
            })
            .collect::<Vec<_>>()
            .join(","),
        other => {
            return Err(UsageError::new(format!(
                "{source}: `{}` must be text, a number or a boolean, not {}",
                param.name,
                other.type_str()
            )));
        }
    };
    param
        .value_from_text(&text)
        .map_err(|problem| UsageError::new(format!("{source}: {problem}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn flags_beat_env_which_beats_config() {
        let dir = std::env::temp_dir().join(format!("helloworld-params-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let config = dir.join("instance.toml");
        std::fs::write(&config, "[params]\nurl = \"http://config\"\napi_key = \"from-config\"\ninsecure = true\nproxy = true\n").unwrap();
        let env = |name: &str| match name {
            "HELLOWORLD_URL" => Some("http://env".to_owned()),
            "HELLOWORLD_API_KEY" => Some("from-env".to_owned()),
            _ => None,
        };
        let params = resolve_instance(&["url=http://flag".to_owned()], Some(&config), env)
            .unwrap()
            .params;
        assert_eq!(
            Value::Object(params),
            json!({"url": "http://flag", "api_key": {"identifier": "", "password": "from-env"}, "insecure": true, "proxy": true})
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn malformed_or_unknown_params_are_usage_errors() {
        let malformed = resolve_instance(&["url".to_owned()], None, no_env).unwrap_err();
        assert_eq!(
            malformed.to_string(),
            "--param `url` is not NAME=VALUE; write it as, for example, url=https://api.example"
        );
        let unknown = resolve_instance(&["colour=red".to_owned()], None, no_env).unwrap_err();
        assert!(
            unknown
                .to_string()
                .starts_with("--param: there is no param `colour`; the params are: url, api_key")
        );
        let not_bool = resolve_instance(&["proxy=maybe".to_owned()], None, no_env).unwrap_err();
        assert!(not_bool.to_string().contains("checkbox"));
    }

    #[test]
    fn a_broken_config_file_says_what_is_wrong() {
        let missing =
            resolve_instance(&[], Some(Path::new("/nonexistent/helloworld.toml")), no_env)
                .unwrap_err();
        assert!(
            missing
                .to_string()
                .starts_with("cannot read the config file /nonexistent/helloworld.toml")
        );
    }

    #[test]
    fn the_instance_section_gives_name_params_and_a_key_file() {
        let dir = std::env::temp_dir().join(format!("helloworld-instance-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("key.txt"), "file-key\n").unwrap();
        let config = dir.join("instance.toml");
        std::fs::write(&config, "[instance]\nname = \"lab\"\napi_key_file = \"key.txt\"\n[instance.params]\nurl = \"http://config\"\nmax_fetch = 50\n").unwrap();
        let instance = resolve_instance(&[], Some(&config), no_env).unwrap();
        assert_eq!(instance.name.as_deref(), Some("lab"));
        assert_eq!(
            Value::Object(instance.params),
            json!({"url": "http://config", "max_fetch": "50", "api_key": {"identifier": "", "password": "file-key"}})
        );
        let env = |name: &str| (name == "HELLOWORLD_API_KEY").then(|| "env-key".to_owned());
        let from_env = resolve_instance(&[], Some(&config), env).unwrap();
        assert_eq!(from_env.params["api_key"]["password"], "env-key");

        std::fs::write(
            &config,
            "[instance]\n[instance.params]\napi_key = \"literal\"\n",
        )
        .unwrap();
        let secret = resolve_instance(&[], Some(&config), no_env)
            .unwrap_err()
            .to_string();
        assert!(secret.contains("`api_key` is a secret"), "{secret}");
        assert!(!secret.contains("literal"));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn env_names_are_upper_case_with_prefix() {
        assert_eq!(env_var_name("api_key"), "HELLOWORLD_API_KEY");
        assert_eq!(env_var_name("url"), "HELLOWORLD_URL");
    }
}
