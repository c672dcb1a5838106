//! The command line: `helloworld run` runs one integration command on this machine,
//! `helloworld xsoar` speaks the host protocol for the Python bridge inside XSOAR, and
//! `helloworld commands` lists what can be run. Flags are declared once with clap; their doc
//! comments are the `--help` text.

mod config;
mod demo;
mod demo_push;
mod fetch;
mod instance;
mod pack;
mod params;
mod run;
mod sim;
mod state;
mod usage;

use std::io::BufReader;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::commands::{COMMANDS, execute};
use crate::host::cli::print_stdout;
use crate::host::stdio::StdioHost;

pub use usage::UsageError;

/// Exit status of a command that produced an error entry.
pub const EXIT_COMMAND_FAILED: u8 = 1;
/// Exit status of a usage error: the invocation itself was wrong.
pub const EXIT_USAGE: u8 = 2;

/// HelloWorld for Cortex XSOAR: run the integration's commands here, or inside XSOAR.
#[derive(Debug, Parser)]
#[command(name = "helloworld", version, about, long_about = None, after_help = EXAMPLES)]
pub struct Cli {
    #[command(subcommand)]
    mode: Mode,
}

const EXAMPLES: &str = "Examples:
  helloworld demo
  helloworld run helloworld-say-hello name=Dbot
  helloworld run helloworld-say-hello name=Dbot --json
  HELLOWORLD_API_KEY=... helloworld run ip ip=8.8.8.8 --param url=https://api.example
  helloworld config check --config instance.toml
  helloworld fetch --config instance.toml --every 1m
  helloworld long-running --config instance.toml -p longRunningPort=8900
  helloworld incidents --config instance.toml --since \"1 hour\"
  helloworld sim --port 0 --alerts 100000 --seed 7
  helloworld pack --out build
  helloworld commands";

#[derive(Debug, Subcommand)]
enum Mode {
    /// Run one integration command, as XSOAR would, and print its results.
    ///
    /// Params (the instance settings) come from, highest first: --param NAME=VALUE, the
    /// environment variable HELLOWORLD_<NAME> (HELLOWORLD_URL, HELLOWORLD_API_KEY, ...), the
    /// [instance] section of --config FILE, then the declared defaults. last_run and the
    /// integration context are kept in the instance's state database (--state), so two
    /// fetch-incidents runs continue from each other.
    ///
    /// Exit status: 0 on success, 1 when the command produced an error entry, 2 when the
    /// invocation itself is wrong (unknown command, malformed NAME=VALUE, unknown param).
    Run(RunArgs),
    /// Run long-running-execution with the local host: listen on the instance's longRunningPort
    /// for signed alert pushes and create incidents in the state database, until Ctrl-C or
    /// SIGTERM (which drain and exit). `helloworld sim --push-to URL --push-rate R
    /// --webhook-secret S` drives it.
    LongRunning {
        #[command(flatten)]
        instance: instance::InstanceArgs,
        /// Also print log lines and module health on stderr.
        #[arg(short, long)]
        verbose: bool,
    },
    /// Speak the host protocol on stdin/stdout (started by the Python bridge inside XSOAR;
    /// see docs/host-protocol.md).
    Xsoar,
    /// List the integration commands and their arguments.
    Commands,
    /// Serve the HelloWorld vendor API simulator (see api/openapi.yaml) until Ctrl-C.
    ///
    /// The first line on stdout is one JSON object: {"url": ..., "api_key": ...}.
    Sim(sim::SimArgs),
    /// Fetch incidents on a schedule, as XSOAR's fetch interval does, into the state database.
    ///
    /// One line per run: incidents created, the cursor, elapsed time. --every 0s runs back to
    /// back to drain a backlog and stops at the first empty run. Ctrl-C finishes the current run;
    /// a second Ctrl-C aborts it without committing.
    Fetch(fetch::FetchArgs),
    /// List the incidents fetched into the state database.
    Incidents(state::IncidentsArgs),
    /// Show the instance's integration context (secrets masked), or set keys in it.
    Context(state::ContextArgs),
    /// Check an instance's configuration.
    Config {
        #[command(subcommand)]
        action: config::ConfigAction,
    },
    /// Tour the integration on loopback: start the simulator and run the commands against it.
    Demo,
    /// Print integration.yml (or, with --readme, the README's command reference), generated from
    /// the command and param declarations.
    Manifest {
        /// Print the command reference instead.
        #[arg(long)]
        readme: bool,
    },
    /// Write the content pack (integration, incident type and fields, classifier, mapper,
    /// layout, playbooks) to DIR/Packs/HelloWorldRust, ready for demisto-sdk upload.
    Pack(pack::PackArgs),
}

/// The flags of `helloworld run`.
#[derive(Debug, Args)]
struct RunArgs {
    /// The integration command, such as helloworld-say-hello.
    command: String,
    /// Command arguments, each as NAME=VALUE (for example name=Dbot).
    #[arg(value_name = "NAME=VALUE")]
    args: Vec<String>,
    #[command(flatten)]
    instance: instance::InstanceArgs,
    /// Print one JSON document (results, incidents, last_run, integration context, logs)
    /// instead of the readable output.
    #[arg(long)]
    json: bool,
    /// Also print log lines on stderr.
    #[arg(short, long)]
    verbose: bool,
    /// The last_run to start from, as JSON (for example the `last_run` of an earlier --json run),
    /// so that fetch-incidents continues where that run stopped.
    #[arg(long, value_name = "JSON")]
    last_run: Option<String>,
    /// Return after the first run even when it schedules another (polling).
    #[arg(long)]
    no_follow: bool,
    /// Wait this many seconds between polls instead of the interval the command asks for
    /// (for demos and tests; XSOAR never polls faster than every 10 s).
    #[arg(long, value_name = "SECONDS")]
    poll_interval: Option<u64>,
    /// Folder where file results (reports) are saved.
    #[arg(long, value_name = "DIR", default_value = ".")]
    files_dir: PathBuf,
}

/// Parses the command line, runs it and returns the process exit status.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.mode {
        Mode::Run(args) => run::run(&args),
        Mode::LongRunning { instance, verbose } => run::run(&RunArgs {
            command: "long-running-execution".to_owned(),
            args: Vec::new(),
            instance,
            json: false,
            verbose,
            last_run: None,
            no_follow: true,
            poll_interval: None,
            files_dir: PathBuf::from("."),
        }),
        Mode::Xsoar => serve_xsoar(),
        Mode::Sim(args) => sim::serve(&args),
        Mode::Fetch(args) => fetch::run(&args),
        Mode::Incidents(args) => state::incidents(&args),
        Mode::Context(args) => state::context(&args),
        Mode::Config { action } => config::run(&action),
        Mode::Demo => demo::run(),
        Mode::Pack(args) => pack::run(&args),
        Mode::Manifest { readme } => {
            let problems =
                crate::xsoar::spec::declaration_problems("helloworld", &crate::commands::specs());
            if problems.is_empty() {
                print_stdout(&manifest(readme));
                Ok(ExitCode::SUCCESS)
            } else {
                Err(UsageError::new(format!(
                    "the command declarations are broken:\n{}",
                    problems.join("\n")
                )))
            }
        }
        Mode::Commands => {
            print_stdout(&command_list());
            Ok(ExitCode::SUCCESS)
        }
    };
    result.unwrap_or_else(|error| {
        eprintln!("helloworld: error: {error}");
        ExitCode::from(EXIT_USAGE)
    })
}

/// integration.yml, or the README's command reference.
pub fn manifest(readme: bool) -> String {
    let commands = crate::commands::specs();
    if readme {
        crate::xsoar::manifest::command_reference(&commands)
    } else {
        crate::xsoar::manifest::integration_yml(
            &crate::commands::IDENTITY,
            crate::commands::params::PARAMS,
            &commands,
            crate::commands::BRIDGE_SCRIPT,
        )
    }
}

/// One line per command with its arguments, for `helloworld commands` and usage errors.
fn command_list() -> String {
    COMMANDS
        .iter()
        .map(|command| {
            let args: Vec<String> = command
                .spec
                .args
                .iter()
                .filter(|arg| !arg.hidden)
                .map(|arg| {
                    if arg.required {
                        format!("{}=<value>", arg.name)
                    } else {
                        format!("[{}=<value>]", arg.name)
                    }
                })
                .collect();
            format!(
                "{} {}\n    {}\n",
                command.spec.name,
                args.join(" "),
                command.spec.description
            )
        })
        .collect()
}

fn serve_xsoar() -> Result<ExitCode, UsageError> {
    let host = StdioHost::connect(BufReader::new(std::io::stdin()), std::io::stdout())
        .map_err(|error| UsageError::new(format!("the bridge handshake failed: {error}")))?;
    let status = run::runtime()?.block_on(execute(&host));
    host.finish(&status).map_err(|error| {
        UsageError::new(format!(
            "could not report the end of the run to the bridge: {error}"
        ))
    })?;
    Ok(ExitCode::SUCCESS)
}
