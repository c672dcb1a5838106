//! `CommandResults`: what a command hands back, turned into an entry exactly as
//! CommonServerPython's `CommandResults.to_context()` does (key order, the Contents and
//! ContentsFormat rules, the default `### Results` table, indicators before outputs).

use serde_json::{Map, Value, json};

use super::context_key::{dt_key, replace_existing_key};
use super::entry::{Entry, EntryFormat, EntryType};
use super::indicator::Indicator;
use super::markdown::table_to_markdown;
use super::scheduled::ScheduledCommand;

/// Why a `CommandResults` cannot become an entry. The messages are CommonServerPython's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResultsError {
    /// Outputs that are not a dict need a prefix to live under.
    #[error("outputs_prefix is missing")]
    MissingPrefix,
    /// A prefix of `.` names no context path.
    #[error("outputs_prefix cannot be a period.")]
    PeriodPrefix,
    /// `replace_existing` needs a parent path to replace under.
    #[error("outputs_prefix must be a nested path to replace an existing key.")]
    NotNested,
}

/// The result of a command, built with chained setters and turned into an [`Entry`].
#[derive(Debug, Clone, Default)]
pub struct CommandResults {
    outputs_prefix: Option<String>,
    outputs_key_field: Vec<String>,
    outputs: Option<Value>,
    indicator: Option<Indicator>,
    readable_output: Option<String>,
    raw_response: Option<Value>,
    ignore_auto_extract: bool,
    mark_as_note: bool,
    tags: Vec<String>,
    scheduled_command: Option<ScheduledCommand>,
    relationships: Vec<Value>,
    entry_type: Option<EntryType>,
    content_format: Option<EntryFormat>,
    replace_existing: bool,
}

impl CommandResults {
    /// Empty results; add outputs, readable text or an indicator.
    pub fn new() -> Self {
        Self::default()
    }

    /// Outputs stored in the context under `prefix`, keyed by `key_fields` so that a later run
    /// replaces the object with the same keys instead of appending a copy.
    pub fn outputs(mut self, prefix: &str, key_fields: &[&str], outputs: Value) -> Self {
        self.outputs_prefix = Some(prefix.to_owned());
        self.outputs_key_field = key_fields.iter().map(|key| (*key).to_owned()).collect();
        self.outputs = Some(outputs);
        self
    }

    /// Outputs with no prefix: the keys of the map become context keys as they are.
    pub fn unprefixed_outputs(mut self, outputs: Map<String, Value>) -> Self {
        self.outputs = Some(Value::Object(outputs));
        self
    }

    /// Outputs that may be anything, prefix or not, as CommandResults accepts them; the checks
    /// happen in [`CommandResults::into_entry`].
    pub fn raw_outputs(
        mut self,
        prefix: Option<&str>,
        key_fields: &[&str],
        outputs: Value,
    ) -> Self {
        self.outputs_prefix = prefix.map(str::to_owned);
        self.outputs_key_field = key_fields.iter().map(|key| (*key).to_owned()).collect();
        self.outputs = Some(outputs);
        self
    }

    /// The human-readable markdown; without it a `### Results` table of the outputs is shown.
    pub fn readable_output(mut self, markdown: impl Into<String>) -> Self {
        self.readable_output = Some(markdown.into());
        self
    }

    /// The raw vendor response for Contents; it defaults to the outputs.
    pub fn raw_response(mut self, raw: Value) -> Self {
        self.raw_response = Some(raw);
        self
    }

    /// An indicator (IP, Domain, URL, CVE) with its DBotScore.
    pub fn indicator(mut self, indicator: impl Into<Indicator>) -> Self {
        self.indicator = Some(indicator.into());
        self
    }

    /// Ask XSOAR not to auto-extract indicators from this entry.
    pub fn ignore_auto_extract(mut self) -> Self {
        self.ignore_auto_extract = true;
        self
    }

    /// Mark the entry as a note.
    pub fn mark_as_note(mut self) -> Self {
        self.mark_as_note = true;
        self
    }

    /// Tags on the entry.
    pub fn tags(mut self, tags: Vec<String>) -> Self {
        self.tags = tags;
        self
    }

    /// Schedule a follow-up run of a command (polling).
    pub fn scheduled_command(mut self, scheduled: ScheduledCommand) -> Self {
        self.scheduled_command = Some(scheduled);
        self
    }

    /// Relationship entries (`EntityRelationship.to_entry()` dicts).
    pub fn relationships(mut self, relationships: Vec<Value>) -> Self {
        self.relationships = relationships;
        self
    }

    /// The entry type; 1 (note) by default.
    pub fn entry_type(mut self, entry_type: EntryType) -> Self {
        self.entry_type = Some(entry_type);
        self
    }

    /// Force a ContentsFormat instead of deriving it from the raw response.
    pub fn content_format(mut self, format: EntryFormat) -> Self {
        self.content_format = Some(format);
        self
    }

    /// Replace the whole context value at the prefix instead of merging into it.
    pub fn replace_existing(mut self) -> Self {
        self.replace_existing = true;
        self
    }

    /// The entry XSOAR receives, built in CommonServerPython's order of rules.
    pub fn into_entry(self) -> Result<Entry, ResultsError> {
        self.validate()?;
        let mut context = Map::new();
        if let Some(indicator) = &self.indicator {
            for (key, value) in indicator.to_context() {
                push_to_list(&mut context, key, value);
            }
        }
        let mut human_readable = None;
        // Contents falls back to the outputs even when they are an empty list.
        let contents = self
            .raw_response
            .or_else(|| self.outputs.clone())
            .unwrap_or(Value::Null);
        let outputs = self.outputs.filter(|outputs| !is_empty_list(outputs));
        if let Some(outputs) = &outputs {
            if self.readable_output.as_deref().unwrap_or("").is_empty() {
                human_readable = Some(default_readable(outputs));
            }
            store_outputs(
                &mut context,
                self.outputs_prefix.as_deref(),
                &self.outputs_key_field,
                self.replace_existing,
                outputs.clone(),
            )?;
        }
        if let Some(readable) = self.readable_output.filter(|text| !text.is_empty()) {
            human_readable = Some(Value::String(readable));
        }
        let format = self
            .content_format
            .unwrap_or_else(|| EntryFormat::for_contents(&contents));

        let mut fields = Map::new();
        fields.insert(
            "Type".into(),
            json!(self.entry_type.unwrap_or(EntryType::Note).number()),
        );
        fields.insert("ContentsFormat".into(), json!(format.as_str()));
        fields.insert("Contents".into(), contents);
        fields.insert(
            "HumanReadable".into(),
            human_readable.unwrap_or(Value::Null),
        );
        fields.insert("EntryContext".into(), Value::Object(context));
        fields.insert("IndicatorTimeline".into(), json!([]));
        fields.insert("IgnoreAutoExtract".into(), json!(self.ignore_auto_extract));
        fields.insert("Note".into(), json!(self.mark_as_note));
        fields.insert("Relationships".into(), Value::Array(self.relationships));
        if !self.tags.is_empty() {
            fields.insert("Tags".into(), json!(self.tags));
        }
        if let Some(scheduled) = &self.scheduled_command {
            fields.extend(scheduled.entry_fields());
        }
        Ok(Entry::from_fields(fields))
    }

    fn validate(&self) -> Result<(), ResultsError> {
        let has_prefix = self
            .outputs_prefix
            .as_deref()
            .is_some_and(|prefix| !prefix.is_empty());
        if let Some(outputs) = &self.outputs
            && !outputs.is_object()
            && !has_prefix
        {
            return Err(ResultsError::MissingPrefix);
        }
        if self.outputs_prefix.as_deref() == Some(".") {
            return Err(ResultsError::PeriodPrefix);
        }
        Ok(())
    }
}

/// CommonServerPython's `create_indicator_result_with_dbotscore_unknown`: an indicator the
/// vendor knows nothing about, with its score-0 DBotScore and the `Not found` table titled with
/// the brand (`label` is the upper-case type, such as `IP`).
pub fn unknown_indicator_results(
    indicator: impl Into<Indicator>,
    brand: &str,
    label: &str,
    value: &str,
) -> CommandResults {
    let title = if brand.is_empty() {
        "Results:".to_owned()
    } else {
        format!("{brand}:")
    };
    let row = json!([{label: value, "Result": "Not found"}]);
    let options = crate::xsoar::markdown::TableOptions {
        headers: Some(vec![label.to_owned(), "Result".to_owned()]),
        ..crate::xsoar::markdown::TableOptions::default()
    };
    let readable =
        crate::xsoar::markdown::table_to_markdown_with(&title, &row, &options).unwrap_or_default();
    CommandResults::new()
        .readable_output(readable)
        .indicator(indicator)
}

/// The default HumanReadable: a `Results` table of dict or list outputs, the value itself otherwise.
fn default_readable(outputs: &Value) -> Value {
    match outputs {
        Value::Object(_) | Value::Array(_) => Value::String(table_to_markdown("Results", outputs)),
        other => other.clone(),
    }
}

fn store_outputs(
    context: &mut Map<String, Value>,
    prefix: Option<&str>,
    key_fields: &[String],
    replace_existing: bool,
    outputs: Value,
) -> Result<(), ResultsError> {
    match prefix.filter(|prefix| !prefix.is_empty()) {
        Some(prefix) if replace_existing => {
            let (key, field) = replace_existing_key(prefix).ok_or(ResultsError::NotNested)?;
            let mut wrapper = Map::new();
            wrapper.insert(field, outputs);
            context.insert(key, Value::Object(wrapper));
        }
        Some(prefix) => {
            context.insert(dt_key(prefix, key_fields), outputs);
        }
        None => {
            if let Value::Object(map) = outputs {
                context.extend(map);
            }
        }
    }
    Ok(())
}

/// Indicator context values are lists, even for one indicator (`setdefault(key, []).append`).
fn push_to_list(context: &mut Map<String, Value>, key: String, value: Value) {
    let slot = context
        .entry(key)
        .or_insert_with(|| Value::Array(Vec::new()));
    if let Value::Array(items) = slot {
        items.push(value);
    }
}

fn is_empty_list(value: &Value) -> bool {
    value.as_array().is_some_and(Vec::is_empty)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xsoar::indicator::{DBotScore, Domain, IndicatorType, Ip, Reliability, Score, Url};

    fn to_json(results: CommandResults) -> String {
        serde_json::to_string(&results.into_entry().unwrap()).unwrap()
    }

    #[test]
    fn section_1_3_two_key_fields_example() {
        let results = CommandResults::new().outputs(
            "HelloWorld.Alert",
            &["alert_id", "x"],
            json!([{"alert_id": 1, "x": 2}]),
        );
        assert_eq!(
            to_json(results),
            concat!(
                r##"{"Type":1,"ContentsFormat":"json","Contents":[{"alert_id":1,"x":2}],"##,
                r####""HumanReadable":"### Results\n|alert_id|x|\n|---|---|\n| 1 | 2 |\n","####,
                r##""EntryContext":{"HelloWorld.Alert(val.alert_id && val.alert_id == obj.alert_id && val.x && val.x == obj.x)":[{"alert_id":1,"x":2}]},"##,
                r##""IndicatorTimeline":[],"IgnoreAutoExtract":false,"Note":false,"Relationships":[]}"##
            )
        );
    }

    #[test]
    fn section_1_3_readable_only_example() {
        assert_eq!(
            to_json(CommandResults::new().readable_output("hi")),
            r##"{"Type":1,"ContentsFormat":"json","Contents":null,"HumanReadable":"hi","EntryContext":{},"IndicatorTimeline":[],"IgnoreAutoExtract":false,"Note":false,"Relationships":[]}"##
        );
    }

    #[test]
    fn section_1_3_outputs_without_prefix_merge_their_keys() {
        let mut outputs = Map::new();
        outputs.insert("a".into(), json!(1));
        let entry = CommandResults::new()
            .unprefixed_outputs(outputs)
            .into_entry()
            .unwrap();
        assert_eq!(entry.contents(), &json!({"a": 1}));
        assert_eq!(
            entry.human_readable(),
            Some("### Results\n|a|\n|---|\n| 1 |\n")
        );
        assert_eq!(entry.fields()["EntryContext"], json!({"a": 1}));
    }

    #[test]
    fn section_1_3_string_outputs_are_text_and_their_own_readable() {
        let entry = CommandResults::new()
            .outputs("hello", &[], json!("Hello Dbot"))
            .into_entry()
            .unwrap();
        assert_eq!(entry.fields()["ContentsFormat"], json!("text"));
        assert_eq!(entry.human_readable(), Some("Hello Dbot"));
        assert_eq!(
            entry.fields()["EntryContext"],
            json!({"hello": "Hello Dbot"})
        );
    }

    #[test]
    fn section_1_3_replace_existing() {
        let entry = CommandResults::new()
            .outputs("A.B.C", &["id"], json!({"id": 1}))
            .replace_existing()
            .into_entry()
            .unwrap();
        assert_eq!(
            entry.fields()["EntryContext"],
            json!({"A.B(true)": {"C": {"id": 1}}})
        );
        let error = CommandResults::new()
            .outputs("A", &[], json!({"id": 1}))
            .replace_existing()
            .into_entry()
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "outputs_prefix must be a nested path to replace an existing key."
        );
    }

    #[test]
    fn section_1_2_validation_messages() {
        let missing = CommandResults::new()
            .raw_outputs(None, &[], json!([1]))
            .into_entry();
        assert_eq!(
            missing.unwrap_err().to_string(),
            "outputs_prefix is missing"
        );
        let period = CommandResults::new()
            .outputs(".", &[], json!({"a": 1}))
            .into_entry();
        assert_eq!(
            period.unwrap_err().to_string(),
            "outputs_prefix cannot be a period."
        );
    }

    #[test]
    fn section_12_empty_list_outputs_give_no_table_and_no_context() {
        let entry = CommandResults::new()
            .outputs("HelloWorld.Alert", &["alert_id"], json!([]))
            .into_entry()
            .unwrap();
        assert_eq!(entry.human_readable(), None);
        assert_eq!(entry.fields()["EntryContext"], json!({}));
        assert_eq!(entry.contents(), &json!([]));
        assert_eq!(entry.fields()["ContentsFormat"], json!("json"));
    }

    #[test]
    fn section_1_5_verified_ip_entry() {
        let dbot = DBotScore::new("1.2.3.4", IndicatorType::Ip, "HelloWorld", Score::Bad)
            .with_malicious_description("Hello World returned reputation 90")
            .with_reliability(Reliability::C);
        let results = CommandResults::new()
            .outputs(
                "HelloWorld.IP",
                &["ip"],
                json!({"ip": "1.2.3.4", "score": 90}),
            )
            .indicator(Ip::new("1.2.3.4", dbot).asn("AS123"));
        assert_eq!(
            to_json(results),
            concat!(
                r##"{"Type":1,"ContentsFormat":"json","Contents":{"ip":"1.2.3.4","score":90},"##,
                r####""HumanReadable":"### Results\n|ip|score|\n|---|---|\n| 1.2.3.4 | 90 |\n","####,
                r##""EntryContext":{"IP(val.Address && val.Address == obj.Address)":[{"Address":"1.2.3.4","ASN":"AS123","##,
                r##""Malicious":{"Vendor":"HelloWorld","Description":"Hello World returned reputation 90"}}],"##,
                r##""DBotScore(val.Indicator && val.Indicator == obj.Indicator && val.Vendor == obj.Vendor && val.Type == obj.Type)":[{"Indicator":"1.2.3.4","Type":"ip","Vendor":"HelloWorld","Score":3,"Reliability":"C - Fairly reliable"}],"##,
                r##""HelloWorld.IP(val.ip && val.ip == obj.ip)":{"ip":"1.2.3.4","score":90}},"##,
                r##""IndicatorTimeline":[],"IgnoreAutoExtract":false,"Note":false,"Relationships":[]}"##
            )
        );
    }

    #[test]
    fn section_1_5_indicator_values_are_lists_and_outputs_are_not() {
        let dbot = DBotScore::new("x.com", IndicatorType::Domain, "HelloWorld", Score::None);
        let entry = CommandResults::new()
            .outputs("HelloWorld.Domain", &["domain"], json!({"domain": "x.com"}))
            .indicator(Domain::new("x.com", dbot))
            .into_entry()
            .unwrap();
        let context = entry.entry_context().unwrap();
        assert!(context["Domain(val.Name && val.Name == obj.Name)"].is_array());
        assert!(context["HelloWorld.Domain(val.domain && val.domain == obj.domain)"].is_object());
        let first_key = context.keys().next().unwrap();
        assert_eq!(first_key, "Domain(val.Name && val.Name == obj.Name)");
    }

    #[test]
    fn section_1_5_not_found_helper() {
        let dbot = DBotScore::new("1.2.3.4", IndicatorType::Ip, "HelloWorld", Score::None)
            .with_message("No results found.");
        let entry =
            unknown_indicator_results(Ip::new("1.2.3.4", dbot), "HelloWorld", "IP", "1.2.3.4")
                .into_entry()
                .unwrap();
        assert_eq!(
            entry.human_readable(),
            Some("### HelloWorld:\n|IP|Result|\n|---|---|\n| 1.2.3.4 | Not found |\n")
        );
        let context = entry.entry_context().unwrap();
        assert_eq!(
            context["DBotScore(val.Indicator && val.Indicator == obj.Indicator && val.Vendor == obj.Vendor && val.Type == obj.Type)"],
            json!([{"Indicator": "1.2.3.4", "Type": "ip", "Vendor": "HelloWorld", "Score": 0, "Message": "No results found."}])
        );
    }

    #[test]
    fn section_1_5_url_indicator_without_outputs() {
        let dbot = DBotScore::new("http://x", IndicatorType::Url, "HelloWorld", Score::Bad);
        let entry = CommandResults::new()
            .readable_output("url")
            .indicator(Url::new("http://x", dbot))
            .into_entry()
            .unwrap();
        assert_eq!(entry.contents(), &Value::Null);
        assert_eq!(
            entry.entry_context().unwrap()["URL(val.Data && val.Data == obj.Data)"][0]["Malicious"],
            json!({"Vendor": "HelloWorld", "Description": null})
        );
    }

    #[test]
    fn section_4_1_scheduled_fields_follow_relationships() {
        let scheduled = ScheduledCommand::new("helloworld-scan-status", 30, Map::new(), Some(600));
        let entry = CommandResults::new()
            .readable_output("Fetching Results:")
            .tags(vec!["t".into()])
            .scheduled_command(scheduled)
            .into_entry()
            .unwrap();
        let keys: Vec<&str> = entry.fields().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "Type",
                "ContentsFormat",
                "Contents",
                "HumanReadable",
                "EntryContext",
                "IndicatorTimeline",
                "IgnoreAutoExtract",
                "Note",
                "Relationships",
                "Tags",
                "PollingCommand",
                "NextRun",
                "Timeout",
                "PollingItemsRemaining"
            ]
        );
    }
}
