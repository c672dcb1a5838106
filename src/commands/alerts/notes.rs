//! The notes on an alert: list them, add one. Outputs go to `HelloWorld.AlertNote` keyed by
//! `note_id`.

use serde_json::{Value, json};

use super::{not_found, required_text};
use crate::client::Note;
use crate::commands::connection::client;
use crate::commands::{Call, Command, HandlerFuture};
use crate::xsoar::CommandResults;
use crate::xsoar::markdown::{TableOptions, table_to_markdown_with};
use crate::xsoar::spec::{ArgSpec, CommandSpec, OutputSpec, OutputType};

const NOTE_OUTPUTS: &[OutputSpec] = &[
    OutputSpec::new(
        "HelloWorld.AlertNote.note_id",
        OutputType::String,
        "Note ID (key).",
    ),
    OutputSpec::new(
        "HelloWorld.AlertNote.alert_id",
        OutputType::String,
        "The alert the note is on.",
    ),
    OutputSpec::new("HelloWorld.AlertNote.text", OutputType::String, "The note."),
    OutputSpec::new(
        "HelloWorld.AlertNote.author",
        OutputType::String,
        "Who wrote it.",
    ),
    OutputSpec::new(
        "HelloWorld.AlertNote.created",
        OutputType::Date,
        "When, ISO 8601.",
    ),
];

/// The declaration and body of `helloworld-list-alert-notes`.
pub(in crate::commands) const LIST_ALERT_NOTES: Command = Command {
    spec: CommandSpec {
        args: &[ArgSpec::new("alert_id", "The alert ID.").required()],
        outputs: NOTE_OUTPUTS,
        ..CommandSpec::new(
            "helloworld-list-alert-notes",
            "Lists the notes on an alert, oldest first.",
        )
    },
    run: list_notes,
};

/// The declaration and body of `helloworld-add-alert-note`.
pub(in crate::commands) const ADD_ALERT_NOTE: Command = Command {
    spec: CommandSpec {
        args: &[
            ArgSpec::new("alert_id", "The alert ID.").required(),
            ArgSpec::new("note", "The note text.").required(),
        ],
        outputs: NOTE_OUTPUTS,
        ..CommandSpec::new("helloworld-add-alert-note", "Adds a note to an alert.")
    },
    run: add_note,
};

fn note_context(note: &Note) -> Value {
    json!({"note_id": note.id, "alert_id": note.alert_id, "text": note.text, "author": note.author, "created": note.created})
}

fn note_results(
    title: &str,
    notes: &[Note],
) -> Result<Vec<crate::xsoar::Entry>, crate::commands::CommandError> {
    let context: Vec<Value> = notes.iter().map(note_context).collect();
    let options = TableOptions {
        headers: Some(
            ["note_id", "created", "author", "text"]
                .map(str::to_owned)
                .to_vec(),
        ),
        ..TableOptions::default()
    };
    let readable =
        table_to_markdown_with(title, &Value::Array(context.clone()), &options).unwrap_or_default();
    Ok(vec![
        CommandResults::new()
            .outputs("HelloWorld.AlertNote", &["note_id"], Value::Array(context))
            .readable_output(readable)
            .into_entry()?,
    ])
}

fn list_notes(call: Call<'_>) -> HandlerFuture<'_> {
    Box::pin(async move {
        let alert_id = required_text(&call.args, "alert_id");
        let notes = client(&call)?
            .list_notes(&alert_id)
            .await
            .map_err(not_found(&alert_id))?;
        note_results(&format!("Notes on alert {alert_id}"), &notes)
    })
}

fn add_note(call: Call<'_>) -> HandlerFuture<'_> {
    Box::pin(async move {
        let alert_id = required_text(&call.args, "alert_id");
        let text = required_text(&call.args, "note");
        let note = client(&call)?
            .add_note(&alert_id, &text)
            .await
            .map_err(not_found(&alert_id))?;
        note_results(
            &format!("Note added to alert {alert_id}"),
            std::slice::from_ref(&note),
        )
    })
}
