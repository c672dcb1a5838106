//! `helloworld run` as a person uses it.

use serde_json::{Value, json};

use crate::support::{json_keys, run};

#[test]
fn say_hello_json_document_matches_the_classic_output() {
    let result = run(&["run", "helloworld-say-hello", "name=Dbot", "--json"]);
    assert_eq!(result.status, Some(0), "stderr: {}", result.stderr);
    let document: Value = serde_json::from_str(&result.stdout).expect("one JSON document");
    let keys = json_keys(&document);
    assert_eq!(
        keys,
        [
            "command",
            "results",
            "incidents",
            "last_run",
            "integration_context",
            "logs"
        ]
    );
    assert_eq!(document["command"], "helloworld-say-hello");
    assert_eq!(
        document["results"],
        json!([{
            "Type": 1, "ContentsFormat": "text", "Contents": "Hello Dbot", "HumanReadable": "## Hello Dbot",
            "EntryContext": {"hello": "Hello Dbot"}, "IndicatorTimeline": [], "IgnoreAutoExtract": false,
            "Note": false, "Relationships": []
        }])
    );
    assert_eq!(document["incidents"], Value::Null);
    assert_eq!(document["last_run"], Value::Null);
    assert_eq!(document["integration_context"], json!({}));
    assert_eq!(
        document["logs"],
        json!([{"level": "debug", "message": "Command being called is helloworld-say-hello"}])
    );
}

#[test]
fn say_hello_prints_the_readable_output_for_a_person() {
    let result = run(&["run", "helloworld-say-hello", "name=Dbot"]);
    assert_eq!(result.status, Some(0));
    assert_eq!(result.stdout, "## Hello Dbot\n");
    assert_eq!(result.stderr, "");
}

#[test]
fn unknown_command_is_a_usage_error_that_lists_the_commands() {
    let result = run(&["run", "helloworld-say-goodbye", "name=Dbot"]);
    assert_eq!(result.status, Some(2));
    assert!(
        result
            .stderr
            .starts_with("helloworld: error: unknown command `helloworld-say-goodbye`")
    );
    assert!(result.stderr.contains("helloworld-say-hello name=<value>"));
    assert_eq!(result.stdout, "");
}

#[test]
fn missing_required_argument_is_an_error_entry() {
    let result = run(&["run", "helloworld-say-hello"]);
    assert_eq!(result.status, Some(1));
    assert_eq!(
        result.stderr,
        "Failed to execute helloworld-say-hello command.\nError:\n\
         Missing required argument \"name\". Give it a value: helloworld-say-hello name=<value>\n"
    );
}

#[test]
fn empty_name_is_an_error_entry_in_the_json_document() {
    let result = run(&["run", "helloworld-say-hello", "name=", "--json"]);
    assert_eq!(result.status, Some(1));
    let document: Value = serde_json::from_str(&result.stdout).unwrap();
    let entry = &document["results"][0];
    assert_eq!(entry["Type"], 4);
    assert_eq!(entry["EntryContext"], Value::Null);
    assert!(
        entry["Contents"]
            .as_str()
            .unwrap()
            .contains("Missing required argument \"name\"")
    );
    assert_eq!(document["logs"][1]["level"], "error");
}

#[test]
fn malformed_param_is_a_usage_error() {
    let result = run(&["run", "helloworld-say-hello", "name=Dbot", "--param", "url"]);
    assert_eq!(result.status, Some(2));
    assert_eq!(
        result.stderr,
        "helloworld: error: --param `url` is not NAME=VALUE; write it as, for example, url=https://api.example\n"
    );
}

#[test]
fn unknown_param_and_bad_checkbox_are_usage_errors() {
    let unknown = run(&[
        "run",
        "helloworld-say-hello",
        "name=Dbot",
        "--param",
        "colour=red",
    ]);
    assert_eq!(unknown.status, Some(2));
    assert!(unknown.stderr.contains("there is no param `colour`"));
    let checkbox = run(&[
        "run",
        "helloworld-say-hello",
        "name=Dbot",
        "-p",
        "insecure=sometimes",
    ]);
    assert_eq!(checkbox.status, Some(2));
    assert!(
        checkbox
            .stderr
            .contains("param `insecure` is a checkbox: use true or false")
    );
}

#[test]
fn malformed_or_unknown_arguments_are_usage_errors() {
    let malformed = run(&["run", "helloworld-say-hello", "Dbot"]);
    assert_eq!(malformed.status, Some(2));
    assert!(
        malformed
            .stderr
            .contains("argument `Dbot` is not NAME=VALUE; write it as, for example, name=Dbot")
    );
    let unknown = run(&["run", "helloworld-say-hello", "nmae=Dbot"]);
    assert_eq!(unknown.status, Some(2));
    assert!(
        unknown
            .stderr
            .contains("helloworld-say-hello has no argument `nmae`; its arguments are: name")
    );
    let twice = run(&["run", "helloworld-say-hello", "name=a", "name=b"]);
    assert_eq!(twice.status, Some(2));
}

#[test]
fn a_bad_config_file_is_a_usage_error() {
    let dir = std::env::temp_dir().join(format!("helloworld-cli-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("bad.toml");
    std::fs::write(&config, "[params\nurl = 1").unwrap();
    let result = run(&[
        "run",
        "helloworld-say-hello",
        "name=Dbot",
        "--config",
        config.to_str().unwrap(),
    ]);
    assert_eq!(result.status, Some(2));
    assert!(result.stderr.contains("is not valid TOML"));
    std::fs::write(
        &config,
        "[params]\nurl = \"http://127.0.0.1:1\"\nproxy = false\n",
    )
    .unwrap();
    let good = run(&[
        "run",
        "helloworld-say-hello",
        "name=Dbot",
        "--config",
        config.to_str().unwrap(),
    ]);
    assert_eq!(good.status, Some(0), "{}", good.stderr);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn help_explains_the_modes_and_exit_statuses() {
    let top = run(&["--help"]);
    assert_eq!(top.status, Some(0));
    for mode in ["run", "xsoar", "commands"] {
        assert!(top.stdout.contains(mode), "--help does not mention {mode}");
    }
    let run_help = run(&["run", "--help"]);
    assert!(run_help.stdout.contains("HELLOWORLD_<NAME>"));
    assert!(run_help.stdout.contains("Exit status"));
    let no_mode = run(&[]);
    assert_eq!(no_mode.status, Some(2));
}

#[test]
fn commands_lists_every_command() {
    let result = run(&["commands"]);
    assert_eq!(result.status, Some(0));
    for command in ["test-module", "helloworld-say-hello name=<value>"] {
        assert!(result.stdout.contains(command), "{command} is not listed");
    }
}
