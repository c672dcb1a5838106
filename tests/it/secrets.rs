//! No secret reaches output, logs or errors, whatever path a run takes.

use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;

use serde_json::json;

use crate::support::{helloworld, run_with};

const API_KEY: &str = "hw-secret-api-key-1234";

#[test]
fn an_api_key_echoed_by_a_command_is_masked_in_both_cli_outputs() {
    for json_flag in [None, Some("--json")] {
        let mut command = helloworld();
        command.args([
            "run",
            "helloworld-say-hello",
            &format!("name={API_KEY}"),
            "-v",
        ]);
        command.args(json_flag).env("HELLOWORLD_API_KEY", API_KEY);
        let result = run_with(&mut command);
        assert_eq!(result.status, Some(0));
        assert!(
            !result.stdout.contains(API_KEY),
            "stdout leaks the key: {}",
            result.stdout
        );
        assert!(
            !result.stderr.contains(API_KEY),
            "stderr leaks the key: {}",
            result.stderr
        );
        assert!(result.stdout.contains("<XX_REPLACED>"));
    }
}

#[test]
fn an_api_key_given_by_flag_is_masked_in_error_entries() {
    let mut command = helloworld();
    command.args([
        "run",
        "helloworld-say-hello",
        "--json",
        "--param",
        &format!("api_key={API_KEY}"),
    ]);
    command.args(["name=", "-v"]);
    let result = run_with(&mut command);
    assert_eq!(result.status, Some(1));
    assert!(!result.stdout.contains(API_KEY));
    assert!(!result.stderr.contains(API_KEY));
}

#[test]
fn an_api_key_is_masked_on_the_host_protocol() {
    let mut child = helloworld()
        .arg("xsoar")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let start = json!({
        "type": "start", "protocol": 1, "command": "helloworld-say-hello",
        "args": {"name": API_KEY}, "params": {"api_key": API_KEY, "url": "http://127.0.0.1:1"}, "context": {}
    });
    writeln!(stdin, "{start}").unwrap();
    drop(stdin);
    let lines: Vec<String> = BufReader::new(child.stdout.take().unwrap())
        .lines()
        .map(Result::unwrap)
        .collect();
    child.wait().unwrap();
    assert!(lines.iter().any(|line| line.contains("\"results\"")));
    for line in &lines {
        assert!(
            !line.contains(API_KEY),
            "the protocol leaks the key: {line}"
        );
    }
}
