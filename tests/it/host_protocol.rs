//! `helloworld xsoar` as the Python bridge drives it: a child process spoken to in JSON lines.
//! The fake bridge here answers every call that expects a reply from in-memory state, the way
//! the real bridge answers from `demisto`.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Stdio};

use serde_json::{Map, Value, json};

use crate::support::helloworld;

/// A bridge stand-in: it starts the binary, answers its calls and records every message.
struct FakeBridge {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    last_run: Value,
    context: Map<String, Value>,
    context_version: u64,
}

/// Everything the binary sent after the handshake, up to and including `done`.
struct Transcript {
    messages: Vec<Value>,
    exit_code: Option<i32>,
}

impl Transcript {
    fn of_type(&self, kind: &str) -> Vec<&Value> {
        self.messages
            .iter()
            .filter(|message| message["type"] == kind)
            .collect()
    }

    /// The message of a run that ended with a `done` exception.
    fn exception_message(&self) -> &str {
        let done = self.done();
        assert_eq!(
            done["status"], "exception",
            "the run did not end with an exception: {done}"
        );
        done["message"]
            .as_str()
            .expect("an exception carries a message")
    }

    fn done(&self) -> &Value {
        self.messages
            .last()
            .filter(|message| message["type"] == "done")
            .expect("the run ends with done")
    }
}

impl FakeBridge {
    fn start() -> Self {
        let mut child = helloworld()
            .arg("xsoar")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("helloworld xsoar starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        Self {
            child,
            stdin,
            stdout,
            last_run: json!({}),
            context: Map::new(),
            context_version: 0,
        }
    }

    fn read(&mut self) -> Value {
        let mut line = String::new();
        self.stdout
            .read_line(&mut line)
            .expect("a line from the binary");
        serde_json::from_str(&line).unwrap_or_else(|error| panic!("not JSON ({error}): {line:?}"))
    }

    fn write(&mut self, message: &Value) {
        writeln!(self.stdin, "{message}").unwrap();
        self.stdin.flush().unwrap();
    }

    fn hello(&mut self) -> Value {
        let hello = self.read();
        assert_eq!(hello["type"], "hello");
        hello
    }

    /// Sends `start` and serves the run until `done`.
    fn run(mut self, command: &str, args: &Value, params: &Value, protocol: u64) -> Transcript {
        self.hello();
        self.write(&json!({
            "type": "start", "protocol": protocol, "command": command, "args": args, "params": params,
            "context": {"IntegrationBrand": "HelloWorld", "IntegrationInstance": "HelloWorld_instance_1", "Inv": {"id": "42"}}
        }));
        let mut messages = Vec::new();
        loop {
            let message = self.read();
            if message.get("seq").is_some() {
                let reply = self.answer(&message);
                self.write(&reply);
            }
            let done = message["type"] == "done";
            messages.push(message);
            if done {
                break;
            }
        }
        drop(self.stdin);
        let exit_code = self.child.wait().unwrap().code();
        Transcript {
            messages,
            exit_code,
        }
    }

    fn answer(&mut self, request: &Value) -> Value {
        let seq = request["seq"].clone();
        match request["type"].as_str().unwrap_or_default() {
            "getLastRun" => json!({"seq": seq, "result": self.last_run}),
            "setLastRun" => {
                self.last_run = request["value"].clone();
                json!({"seq": seq, "result": null})
            }
            "getIntegrationContext" => {
                json!({"seq": seq, "result": {"context": self.context, "version": self.context_version}})
            }
            "setIntegrationContext" if request["version"] != json!(self.context_version) => {
                json!({"seq": seq, "error": "version mismatch", "kind": "version_conflict"})
            }
            "setIntegrationContext" => {
                self.context = request["context"].as_object().cloned().unwrap_or_default();
                self.context_version += 1;
                json!({"seq": seq, "result": null})
            }
            _ => json!({"seq": seq, "result": null}),
        }
    }
}

#[test]
fn say_hello_round_trip() {
    let bridge = FakeBridge::start();
    let transcript = bridge.run(
        "helloworld-say-hello",
        &json!({"name": "Dbot"}),
        &json!({}),
        1,
    );
    assert_eq!(
        transcript.of_type("log")[0],
        &json!({"type": "log", "level": "debug", "message": "Command being called is helloworld-say-hello"})
    );
    let results = transcript.of_type("results");
    assert_eq!(results.len(), 1);
    assert_eq!(
        results[0]["entries"],
        json!([{
            "Type": 1, "ContentsFormat": "text", "Contents": "Hello Dbot", "HumanReadable": "## Hello Dbot",
            "EntryContext": {"hello": "Hello Dbot"}, "IndicatorTimeline": [], "IgnoreAutoExtract": false,
            "Note": false, "Relationships": []
        }])
    );
    assert_eq!(transcript.done(), &json!({"type": "done", "status": "ok"}));
    assert_eq!(transcript.exit_code, Some(0));
}

#[test]
fn hello_announces_the_protocol_version() {
    let mut bridge = FakeBridge::start();
    let hello = bridge.hello();
    assert_eq!(hello["protocol"], 1);
    assert!(hello["binary"].as_str().unwrap().starts_with("helloworld "));
    bridge.child.kill().unwrap();
    bridge.child.wait().unwrap();
}

#[test]
fn a_failing_command_sends_an_error_entry_and_done_error() {
    let transcript =
        FakeBridge::start().run("helloworld-say-hello", &json!({"name": ""}), &json!({}), 1);
    let entry = &transcript.of_type("results")[0]["entries"][0];
    assert_eq!(entry["Type"], 4);
    assert_eq!(
        entry["Contents"],
        "Failed to execute helloworld-say-hello command.\nError:\n\
         Missing required argument \"name\". Give it a value: helloworld-say-hello name=<value>"
    );
    assert_eq!(
        transcript.done(),
        &json!({"type": "done", "status": "error"})
    );
}

#[test]
fn an_unknown_command_is_an_error_entry_naming_what_exists() {
    let transcript = FakeBridge::start().run("helloworld-teleport", &json!({}), &json!({}), 1);
    let entry = &transcript.of_type("results")[0]["entries"][0];
    let text = entry["Contents"].as_str().unwrap();
    assert!(
        text.contains("Command helloworld-teleport is not implemented"),
        "{text}"
    );
    assert!(text.contains("helloworld-say-hello"));
}

#[test]
fn server_run_commands_fail_with_an_exception_not_an_entry() {
    let transcript = FakeBridge::start().run("fetch-incidents", &json!({}), &json!({}), 1);
    assert!(transcript.of_type("results").is_empty());
    assert!(
        transcript
            .exception_message()
            .starts_with("Failed to execute fetch-incidents command.")
    );
}

#[test]
fn a_bridge_of_another_version_is_refused_with_a_reason() {
    let transcript = FakeBridge::start().run(
        "helloworld-say-hello",
        &json!({"name": "Dbot"}),
        &json!({}),
        99,
    );
    let message = transcript.exception_message();
    assert!(message.contains("the bridge speaks version 99, this binary speaks version 1"));
    assert!(transcript.of_type("results").is_empty());
    assert_eq!(transcript.exit_code, Some(2));
}

#[test]
fn garbage_instead_of_start_is_refused_without_a_panic() {
    let mut bridge = FakeBridge::start();
    bridge.hello();
    writeln!(bridge.stdin, "this is not json").unwrap();
    let done = bridge.read();
    assert_eq!(done["type"], "done");
    assert_eq!(done["status"], "exception");
    assert!(done["message"].as_str().unwrap().contains("not JSON"));
    drop(bridge.stdin);
    let output = bridge.child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("not JSON"), "{stderr}");
    assert!(!stderr.contains("panicked"));
}
