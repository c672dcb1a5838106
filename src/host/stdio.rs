//! The host protocol spoken with the Python bridge that XSOAR runs: JSON lines on stdin and
//! stdout. The binary says `hello`, the bridge answers with `start` (command, args, params,
//! calling context), then every `demisto.*` call is one line; calls that return something carry
//! a `seq` and block on exactly one reply line. `done` ends the run. `docs/host-protocol.md` is
//! the full specification; the version number lets either side refuse a peer it does not speak.

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex};

use serde_json::{Map, Value, json};

use super::{CallingContext, Host, HostError, LogLevel, RunStatus, VersionedContext};
use crate::xsoar::Entry;

/// The protocol version this binary speaks.
pub const PROTOCOL_VERSION: u64 = 1;

struct Channel<W> {
    /// The bridge's lines, read ahead by [`spawn_reader`]; closed at end of input.
    lines: Receiver<std::io::Result<String>>,
    writer: W,
    next_seq: u64,
}

/// Reads the bridge's lines on a thread of their own, so that the end of input is noticed even
/// while no reply is awaited (an idle long-running job must hear that the bridge went away).
fn spawn_reader<R: BufRead + Send + 'static>(
    mut reader: R,
    gone: Arc<AtomicBool>,
) -> Result<Receiver<std::io::Result<String>>, HostError> {
    let (sender, lines) = channel();
    std::thread::Builder::new()
        .name("bridge-reader".into())
        .spawn(move || {
            loop {
                let mut line = String::new();
                match reader.read_line(&mut line) {
                    Ok(0) => break,
                    Ok(_) => {
                        if sender.send(Ok(line)).is_err() {
                            return;
                        }
                    }
                    Err(error) => {
                        let _ = sender.send(Err(error));
                        break;
                    }
                }
            }
            gone.store(true, Ordering::SeqCst);
        })?;
    Ok(lines)
}

impl<W: Write> Channel<W> {
    fn send(&mut self, message: &Value) -> Result<(), HostError> {
        let line = serde_json::to_string(message)
            .map_err(|error| HostError::Protocol(format!("cannot encode a message: {error}")))?;
        self.writer.write_all(line.as_bytes())?;
        self.writer.write_all(b"\n")?;
        self.writer.flush()?;
        Ok(())
    }

    fn receive(&mut self) -> Result<Value, HostError> {
        let line = match self.lines.recv() {
            Ok(line) => line?,
            Err(_) => {
                return Err(HostError::Protocol(
                    "the bridge closed its end of the pipe".into(),
                ));
            }
        };
        serde_json::from_str(&line).map_err(|error| {
            HostError::Protocol(format!(
                "the bridge sent a line that is not JSON ({error}): {}",
                line.trim_end()
            ))
        })
    }

    fn request(&mut self, mut message: Value) -> Result<Value, HostError> {
        let seq = self.next_seq;
        self.next_seq += 1;
        message["seq"] = json!(seq);
        self.send(&message)?;
        let reply = self.receive()?;
        if reply.get("seq").and_then(Value::as_u64) != Some(seq) {
            return Err(HostError::Protocol(format!(
                "expected the reply to request {seq}, got {reply}"
            )));
        }
        match reply.get("error") {
            None | Some(Value::Null) => Ok(reply.get("result").cloned().unwrap_or(Value::Null)),
            Some(error) => {
                let text = error
                    .as_str()
                    .map_or_else(|| error.to_string(), str::to_owned);
                if reply.get("kind").and_then(Value::as_str) == Some("version_conflict") {
                    Err(HostError::VersionConflict(text))
                } else {
                    Err(HostError::Rejected(text))
                }
            }
        }
    }
}

/// A host that forwards every call to the Python bridge over a pair of byte streams.
pub struct StdioHost<W> {
    calling: CallingContext,
    files_dir: PathBuf,
    channel: Mutex<Channel<W>>,
    gone: Arc<AtomicBool>,
}

impl<W> std::fmt::Debug for StdioHost<W> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("StdioHost")
            .field("command", &self.calling.command)
            .finish_non_exhaustive()
    }
}

impl<W: Write + Send> StdioHost<W> {
    /// Says hello and reads the bridge's `start`. A bridge of another protocol version, or a
    /// first line that is not a `start`, is answered with a `done` exception explaining why.
    pub fn connect<R: BufRead + Send + 'static>(reader: R, writer: W) -> Result<Self, HostError> {
        let gone = Arc::new(AtomicBool::new(false));
        let mut channel = Channel {
            lines: spawn_reader(reader, gone.clone())?,
            writer,
            next_seq: 1,
        };
        channel.send(&json!({
            "type": "hello",
            "protocol": PROTOCOL_VERSION,
            "binary": concat!("helloworld ", env!("CARGO_PKG_VERSION")),
        }))?;
        // Whatever goes wrong here, the bridge is told why before the binary exits.
        let start = channel
            .receive()
            .and_then(|start| check_start(&start).map(|()| start));
        let start = match start {
            Ok(start) => start,
            Err(error) => {
                let _ = channel.send(&done_message(&RunStatus::Exception(error.to_string())));
                return Err(error);
            }
        };
        let object = |key: &str| {
            start
                .get(key)
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default()
        };
        let command = start
            .get("command")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let calling = CallingContext::from_xsoar(
            command,
            object("args"),
            object("params"),
            &object("context"),
        );
        Ok(Self {
            calling,
            files_dir: PathBuf::from("."),
            channel: Mutex::new(channel),
            gone,
        })
    }

    /// Where file entries' bytes are written (the working directory by default, which is where
    /// XSOAR's Python side looks for them).
    pub fn with_files_dir(mut self, files_dir: PathBuf) -> Self {
        self.files_dir = files_dir;
        self
    }

    /// Sends `done`: the last line of a run.
    pub fn finish(&self, status: &RunStatus) -> Result<(), HostError> {
        self.with_channel(|channel| channel.send(&done_message(status)))
    }

    fn with_channel<T>(
        &self,
        call: impl FnOnce(&mut Channel<W>) -> Result<T, HostError>,
    ) -> Result<T, HostError> {
        // One call at a time: a request and its reply must not interleave with another's.
        let mut channel = self
            .channel
            .lock()
            .map_err(|_| HostError::Protocol("an earlier call panicked mid-message".into()))?;
        call(&mut channel)
    }

    fn write_attached_files(&self, entries: &[Entry]) -> Result<(), HostError> {
        for file in entries.iter().filter_map(Entry::attached_file) {
            let name = format!("{}_{}", self.calling.investigation_id, file.file_id);
            std::fs::write(self.files_dir.join(name), &file.data)?;
        }
        Ok(())
    }
}

fn check_start(start: &Value) -> Result<(), HostError> {
    if start.get("type").and_then(Value::as_str) != Some("start") {
        return Err(HostError::Protocol(format!(
            "expected a `start` message first, got {start}"
        )));
    }
    match start.get("protocol").and_then(Value::as_u64) {
        Some(PROTOCOL_VERSION) => Ok(()),
        other => Err(HostError::Protocol(format!(
            "version mismatch: the bridge speaks version {}, this binary speaks version \
             {PROTOCOL_VERSION}. Use the integration.yml (bridge) and the Docker image (binary) \
             of the same release.",
            other.map_or_else(|| "none".to_owned(), |version| version.to_string())
        ))),
    }
}

fn done_message(status: &RunStatus) -> Value {
    match status {
        RunStatus::Ok => json!({"type": "done", "status": "ok"}),
        RunStatus::Error => json!({"type": "done", "status": "error"}),
        RunStatus::Exception(message) => {
            json!({"type": "done", "status": "exception", "message": message})
        }
    }
}

impl<W: Write + Send> Host for StdioHost<W> {
    fn calling_context(&self) -> &CallingContext {
        &self.calling
    }

    fn last_run(&self) -> Result<Value, HostError> {
        self.with_channel(|channel| channel.request(json!({"type": "getLastRun"})))
    }

    fn set_last_run(&self, last_run: &Value) -> Result<(), HostError> {
        self.with_channel(|channel| {
            channel.request(json!({"type": "setLastRun", "value": last_run}))
        })
        .map(drop)
    }

    fn integration_context(&self) -> Result<VersionedContext, HostError> {
        let reply =
            self.with_channel(|channel| channel.request(json!({"type": "getIntegrationContext"})))?;
        Ok(VersionedContext {
            context: reply
                .get("context")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default(),
            version: reply.get("version").cloned().unwrap_or(json!(-1)),
        })
    }

    fn set_integration_context(
        &self,
        context: &Map<String, Value>,
        version: &Value,
    ) -> Result<(), HostError> {
        let message =
            json!({"type": "setIntegrationContext", "context": context, "version": version});
        self.with_channel(|channel| channel.request(message))
            .map(drop)
    }

    fn results(&self, entries: &[Entry]) -> Result<(), HostError> {
        self.write_attached_files(entries)?;
        self.with_channel(|channel| channel.send(&json!({"type": "results", "entries": entries})))
    }

    fn incidents(&self, incidents: &[Value]) -> Result<(), HostError> {
        self.with_channel(|channel| {
            channel.send(&json!({"type": "incidents", "incidents": incidents}))
        })
    }

    fn create_incidents(
        &self,
        incidents: &[Value],
        last_run: Option<&Value>,
    ) -> Result<(), HostError> {
        let message =
            json!({"type": "createIncidents", "incidents": incidents, "last_run": last_run});
        self.with_channel(|channel| channel.request(message))
            .map(drop)
    }

    fn add_entry(&self, investigation_id: &str, entry: &Entry) -> Result<(), HostError> {
        self.write_attached_files(std::slice::from_ref(entry))?;
        let message =
            json!({"type": "addEntry", "investigation_id": investigation_id, "entry": entry});
        self.with_channel(|channel| channel.request(message))
            .map(drop)
    }

    fn update_module_health(&self, message: &str, is_error: bool) -> Result<(), HostError> {
        let message =
            json!({"type": "updateModuleHealth", "message": message, "is_error": is_error});
        self.with_channel(|channel| channel.send(&message))
    }

    fn log(&self, level: LogLevel, message: &str) {
        let line = json!({"type": "log", "level": level.as_str(), "message": message});
        // A log line that cannot be written must not fail the command it describes.
        let _ = self.with_channel(|channel| channel.send(&line));
    }

    fn heartbeat(&self) -> Result<(), HostError> {
        self.with_channel(|channel| channel.send(&json!({"type": "heartbeat"})))
    }

    fn has_gone_away(&self) -> bool {
        self.gone.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn bridge_lines(lines: &[Value]) -> Cursor<Vec<u8>> {
        let text: String = lines.iter().map(|line| format!("{line}\n")).collect();
        Cursor::new(text.into_bytes())
    }

    fn start(protocol: u64) -> Value {
        json!({
            "type": "start", "protocol": protocol, "command": "fetch-incidents",
            "args": {"debug-mode": "true", "a": "1"}, "params": {"url": "http://x"},
            "context": {"IntegrationBrand": "HelloWorld", "IntegrationInstance": "hw_1", "Inv": {"id": "77"}, "IsDebug": true}
        })
    }

    fn sent(writer: &[u8]) -> Vec<Value> {
        String::from_utf8_lossy(writer)
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect()
    }

    #[test]
    fn handshake_reads_the_calling_context() {
        let mut output = Vec::new();
        let host = StdioHost::connect(bridge_lines(&[start(1)]), &mut output).unwrap();
        let calling = host.calling_context().clone();
        drop(host);
        assert_eq!(calling.command, "fetch-incidents");
        assert_eq!(Value::Object(calling.args), json!({"a": "1"}));
        assert_eq!(calling.instance, "hw_1");
        assert_eq!(calling.investigation_id, "77");
        let hello = &sent(&output)[0];
        assert_eq!(hello["type"], "hello");
        assert_eq!(hello["protocol"], 1);
    }

    #[test]
    fn version_mismatch_is_refused_with_a_reason() {
        let mut output = Vec::new();
        let error = StdioHost::connect(bridge_lines(&[start(2)]), &mut output).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("the bridge speaks version 2, this binary speaks version 1")
        );
        let done = &sent(&output)[1];
        assert_eq!(done["status"], "exception");
    }

    #[test]
    fn requests_wait_for_their_replies() {
        let replies = [
            start(1),
            json!({"seq": 1, "result": {"time": "t"}}),
            json!({"seq": 2, "result": {"context": {"k": "v"}, "version": {"sequenceNumber": 3}}}),
            json!({"seq": 3, "error": "stale", "kind": "version_conflict"}),
            json!({"seq": 4, "result": null}),
        ];
        let mut output = Vec::new();
        {
            let host = StdioHost::connect(bridge_lines(&replies), &mut output).unwrap();
            assert_eq!(host.last_run().unwrap(), json!({"time": "t"}));
            let context = host.integration_context().unwrap();
            assert_eq!(context.version, json!({"sequenceNumber": 3}));
            let conflict = host
                .set_integration_context(&context.context, &context.version)
                .unwrap_err();
            assert!(matches!(conflict, HostError::VersionConflict(message) if message == "stale"));
            host.log(LogLevel::Debug, "no reply expected");
            host.set_last_run(&json!({"time": "u"})).unwrap();
            host.finish(&RunStatus::Ok).unwrap();
        }
        let messages = sent(&output);
        assert_eq!(messages[1], json!({"type": "getLastRun", "seq": 1}));
        assert_eq!(messages[3]["version"], json!({"sequenceNumber": 3}));
        assert_eq!(
            messages[4],
            json!({"type": "log", "level": "debug", "message": "no reply expected"})
        );
        assert_eq!(
            messages[5],
            json!({"type": "setLastRun", "value": {"time": "u"}, "seq": 4})
        );
        assert_eq!(messages[6], json!({"type": "done", "status": "ok"}));
    }

    #[test]
    fn the_end_of_input_is_noticed_without_a_request_and_heartbeats_need_no_reply() {
        let mut output = Vec::new();
        let host = StdioHost::connect(bridge_lines(&[start(1)]), &mut output).unwrap();
        for _ in 0..500 {
            if host.has_gone_away() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert!(host.has_gone_away());
        host.heartbeat().unwrap();
        drop(host);
        assert_eq!(sent(&output).last(), Some(&json!({"type": "heartbeat"})));
    }

    #[test]
    fn a_closed_pipe_or_a_wrong_reply_is_a_protocol_error() {
        let mut output = Vec::new();
        let host = StdioHost::connect(bridge_lines(&[start(1)]), &mut output).unwrap();
        assert!(matches!(host.last_run(), Err(HostError::Protocol(_))));
        drop(host);
        let mut output = Vec::new();
        let host = StdioHost::connect(
            bridge_lines(&[start(1), json!({"seq": 9, "result": 1})]),
            &mut output,
        )
        .unwrap();
        assert!(
            host.last_run()
                .unwrap_err()
                .to_string()
                .contains("expected the reply to request 1")
        );
    }
}
