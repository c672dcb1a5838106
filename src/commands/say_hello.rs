//! `helloworld-say-hello`: the classic first command. It makes no API call and answers exactly as
//! the Python HelloWorld does: context `hello`, readable `## Hello <name>`.

use serde_json::json;

use super::{Call, Command, HandlerFuture};
use crate::xsoar::CommandResults;
use crate::xsoar::spec::{ArgSpec, CommandSpec, OutputSpec, OutputType};

/// The declaration and body of `helloworld-say-hello`.
pub(super) const SAY_HELLO: Command = Command {
    spec: CommandSpec {
        args: &[
            ArgSpec::new("name", "The name of whom you want to say hello to.")
                .required()
                .default_arg(),
        ],
        outputs: &[OutputSpec::new(
            "hello",
            OutputType::String,
            "Should be Hello **something** here.",
        )],
        ..CommandSpec::new(
            "helloworld-say-hello",
            "Hello command - prints hello to anyone.",
        )
    },
    run,
};

fn run(call: Call<'_>) -> HandlerFuture<'_> {
    Box::pin(async move {
        // The declaration makes `name` required and not empty before this body runs.
        let name = call.arg_text("name").unwrap_or_default();
        let greeting = format!("Hello {name}");
        let entry = CommandResults::new()
            .outputs("hello", &[], json!(greeting))
            .readable_output(format!("## {greeting}"))
            .into_entry()?;
        Ok(vec![entry])
    })
}
