//! A host wrapper that masks secrets in everything leaving the integration: entries, incidents,
//! log lines, health reports. What the integration stores for itself (last_run, the integration
//! context, which holds the access token) passes through untouched, or the token would be lost.

use std::sync::Arc;

use serde_json::{Map, Value};

use super::{CallingContext, Host, HostError, LogLevel, VersionedContext};
use crate::xsoar::Entry;
use crate::xsoar::secrets::Masker;

/// `inner`, with every outgoing string passed through `masker`.
#[derive(Debug)]
pub struct MaskedHost<'a, H: Host + ?Sized> {
    inner: &'a H,
    masker: Arc<Masker>,
}

impl<'a, H: Host + ?Sized> MaskedHost<'a, H> {
    /// Wraps `inner`.
    pub fn new(inner: &'a H, masker: Arc<Masker>) -> Self {
        Self { inner, masker }
    }

    /// The masker, so that secrets learnt at run time (a fresh token) can be added.
    pub fn masker(&self) -> &Arc<Masker> {
        &self.masker
    }

    fn mask_entries(&self, entries: &[Entry]) -> Vec<Entry> {
        entries
            .iter()
            .map(|entry| {
                let mut masked = entry.clone();
                self.masker.mask_map(masked.fields_mut());
                masked
            })
            .collect()
    }

    fn mask_values(&self, values: &[Value]) -> Vec<Value> {
        values
            .iter()
            .map(|value| {
                let mut masked = value.clone();
                self.masker.mask_value(&mut masked);
                masked
            })
            .collect()
    }
}

impl<H: Host + ?Sized> Host for MaskedHost<'_, H> {
    fn calling_context(&self) -> &CallingContext {
        self.inner.calling_context()
    }

    fn last_run(&self) -> Result<Value, HostError> {
        self.inner.last_run()
    }

    fn set_last_run(&self, last_run: &Value) -> Result<(), HostError> {
        self.inner.set_last_run(last_run)
    }

    fn integration_context(&self) -> Result<VersionedContext, HostError> {
        self.inner.integration_context()
    }

    fn set_integration_context(
        &self,
        context: &Map<String, Value>,
        version: &Value,
    ) -> Result<(), HostError> {
        self.inner.set_integration_context(context, version)
    }

    fn results(&self, entries: &[Entry]) -> Result<(), HostError> {
        self.inner.results(&self.mask_entries(entries))
    }

    fn incidents(&self, incidents: &[Value]) -> Result<(), HostError> {
        self.inner.incidents(&self.mask_values(incidents))
    }

    fn create_incidents(
        &self,
        incidents: &[Value],
        last_run: Option<&Value>,
    ) -> Result<(), HostError> {
        self.inner
            .create_incidents(&self.mask_values(incidents), last_run)
    }

    fn add_entry(&self, investigation_id: &str, entry: &Entry) -> Result<(), HostError> {
        let masked = self.mask_entries(std::slice::from_ref(entry));
        match masked.first() {
            Some(entry) => self.inner.add_entry(investigation_id, entry),
            None => Ok(()),
        }
    }

    fn update_module_health(&self, message: &str, is_error: bool) -> Result<(), HostError> {
        self.inner
            .update_module_health(&self.masker.mask(message), is_error)
    }

    fn log(&self, level: LogLevel, message: &str) {
        self.inner.log(level, &self.masker.mask(message));
    }

    fn commit_fetch(&self, incidents: &[Value], last_run: Option<&Value>) -> Result<(), HostError> {
        self.inner
            .commit_fetch(&self.mask_values(incidents), last_run)
    }

    fn add_secret(&self, secret: &str) {
        self.masker.add(secret);
    }

    fn heartbeat(&self) -> Result<(), HostError> {
        self.inner.heartbeat()
    }

    fn has_gone_away(&self) -> bool {
        self.inner.has_gone_away()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::recorder::RecordingHost;
    use serde_json::json;

    #[test]
    fn outgoing_text_is_masked_and_stored_state_is_not() {
        let inner = RecordingHost::new(CallingContext::new("x", Map::new(), Map::new()));
        let masker = Arc::new(Masker::new());
        masker.add("sekret-token");
        let host = MaskedHost::new(&inner, masker);
        host.log(LogLevel::Info, "token sekret-token");
        host.results(&[Entry::error("bad sekret-token")]).unwrap();
        host.incidents(&[json!({"name": "sekret-token"})]).unwrap();
        host.update_module_health("sekret-token", true).unwrap();
        let mut context = Map::new();
        context.insert("access_token".into(), json!("sekret-token"));
        host.set_integration_context(&context, &json!(-1)).unwrap();

        let recording = inner.recording();
        assert_eq!(recording.logs[0].message, "token <XX_REPLACED>");
        assert_eq!(recording.entries[0].contents(), &json!("bad <XX_REPLACED>"));
        assert_eq!(
            recording.incidents.unwrap(),
            vec![json!({"name": "<XX_REPLACED>"})]
        );
        assert_eq!(recording.module_health[0].0, "<XX_REPLACED>");
        assert_eq!(
            recording.integration_context["access_token"],
            json!("sekret-token")
        );
    }
}
