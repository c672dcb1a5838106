//! Playbooks (`Playbooks/playbook-*.yml`): a graph of tasks from a start task, each a command,
//! a sub-playbook, a condition or a title, with the playbook's inputs and outputs. Tasks are
//! declared by index; ids, task ids (stable UUIDs) and positions on the canvas are derived.

use serde_json::{Map, Value, json};

use super::stable_uuid;

/// A value a task argument or a playbook input takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    /// Text as written; `${path}` parts are read from the context.
    Text(String),
    /// A context path, such as `inputs.Hostname` or `incident.severity`.
    Context(String),
}

impl Arg {
    /// Literal text.
    pub fn text(text: &str) -> Self {
        Self::Text(text.to_owned())
    }

    /// A context path.
    pub fn context(path: &str) -> Self {
        Self::Context(path.to_owned())
    }

    fn task_value(&self) -> Value {
        match self {
            Self::Text(text) => json!({"simple": text}),
            Self::Context(path) => json!({"simple": format!("${{{path}}}")}),
        }
    }

    fn input_value(&self) -> Value {
        match self {
            Self::Text(text) => json!({"simple": text}),
            Self::Context(path) => match path.split_once('.') {
                Some((root, accessor)) => json!({"complex": {"root": root, "accessor": accessor}}),
                None => json!({"complex": {"root": path}}),
            },
        }
    }
}

/// One check of a condition: `operator(left, right)`, `left` a context path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// XSOAR's operator name, such as `isNotEmpty` or `isEqualString`.
    pub operator: &'static str,
    /// The context path tested.
    pub left: String,
    /// The literal compared with, for binary operators.
    pub right: Option<String>,
}

impl Check {
    /// A check with one operand, such as `isNotEmpty(path)`.
    pub fn unary(operator: &'static str, left: &str) -> Self {
        Self {
            operator,
            left: left.to_owned(),
            right: None,
        }
    }
}

/// What a task does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Where the playbook starts; task 0 and no other.
    Start,
    /// A heading that does nothing, such as the end.
    Title,
    /// Runs a command: `brand` empty for any integration that has it, `Builtin` for XSOAR's own.
    Command {
        /// The integration brand, `Builtin` or empty.
        brand: &'static str,
        /// The command.
        command: &'static str,
        /// Its arguments.
        args: Vec<(&'static str, Arg)>,
    },
    /// Runs another playbook with these inputs.
    Playbook {
        /// The sub-playbook's name.
        name: &'static str,
        /// Its inputs.
        inputs: Vec<(&'static str, Arg)>,
    },
    /// Goes to the `label` branch when every check holds, else to the default branch.
    Condition {
        /// The branch name, such as `found`. Not `yes` or `no`: YAML 1.1 readers take those
        /// for booleans.
        label: &'static str,
        /// The checks, all of which must hold.
        checks: Vec<Check>,
    },
}

/// A task: its name, what it does and where it goes next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    /// The name shown on the canvas.
    pub name: &'static str,
    /// What it is for.
    pub description: &'static str,
    /// What it does.
    pub step: Step,
    /// The tasks after it (after a condition: when its checks hold).
    pub next: Vec<usize>,
    /// After a condition: the tasks when its checks do not hold.
    pub otherwise: Vec<usize>,
}

impl Task {
    /// A task with no successors yet.
    pub fn new(name: &'static str, description: &'static str, step: Step) -> Self {
        Self {
            name,
            description,
            step,
            next: Vec::new(),
            otherwise: Vec::new(),
        }
    }

    /// Sets the tasks that follow.
    #[must_use]
    pub fn then(mut self, next: &[usize]) -> Self {
        self.next = next.to_vec();
        self
    }

    /// Sets the tasks that follow a condition whose checks do not hold.
    #[must_use]
    pub fn otherwise(mut self, next: &[usize]) -> Self {
        self.otherwise = next.to_vec();
        self
    }
}

/// A playbook input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// Its key; tasks read it as `inputs.<key>`.
    pub key: &'static str,
    /// Its default value.
    pub value: Arg,
    /// What it is.
    pub description: &'static str,
}

/// A playbook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Playbook {
    /// Name and id.
    pub name: &'static str,
    /// What it does.
    pub description: &'static str,
    /// Its inputs.
    pub inputs: Vec<Input>,
    /// The context paths it leaves behind, with descriptions.
    pub outputs: Vec<(&'static str, &'static str)>,
    /// Its tasks; task 0 is the start.
    pub tasks: Vec<Task>,
    /// The oldest XSOAR version it works on.
    pub from_version: &'static str,
}

/// A command a playbook runs: brand, command and the arguments it passes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandCall {
    /// The brand (`Builtin`, an integration, or empty for any).
    pub brand: &'static str,
    /// The command.
    pub command: &'static str,
    /// The names of the arguments passed.
    pub args: Vec<&'static str>,
}

/// Words YAML 1.1 readers take for booleans: no condition label may be one.
const YAML_11_BOOLEANS: [&str; 10] = ["y", "n", "yes", "no", "on", "off", "true", "false", "", "~"];

/// Canvas spacing: pixels between rows and between tasks of a row.
const ROW_HEIGHT: i64 = 175;
const COLUMN_WIDTH: i64 = 430;
const CENTRE_X: i64 = 480;

impl Playbook {
    /// The commands the playbook runs, in task order.
    pub fn command_calls(&self) -> Vec<CommandCall> {
        self.tasks
            .iter()
            .filter_map(|task| match &task.step {
                Step::Command {
                    brand,
                    command,
                    args,
                } => Some(CommandCall {
                    brand,
                    command,
                    args: args.iter().map(|(name, _)| *name).collect(),
                }),
                _ => None,
            })
            .collect()
    }

    /// The sub-playbooks the playbook runs, in task order.
    pub fn sub_playbooks(&self) -> Vec<&'static str> {
        self.tasks
            .iter()
            .filter_map(|task| match &task.step {
                Step::Playbook { name, .. } => Some(*name),
                _ => None,
            })
            .collect()
    }

    /// Problems of the graph itself: task 0 not the start, edges to missing tasks, tasks that
    /// cannot be reached, conditions without both branches or with a label YAML 1.1 reads as a
    /// boolean. Empty when sound.
    pub fn graph_problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if !matches!(self.tasks.first().map(|task| &task.step), Some(Step::Start)) {
            problems.push(format!("{}: task 0 is not the start", self.name));
        }
        for (index, task) in self.tasks.iter().enumerate() {
            for next in task.next.iter().chain(&task.otherwise) {
                if *next >= self.tasks.len() || *next == 0 {
                    problems.push(format!("{}: task {index} goes to task {next}", self.name));
                }
            }
            if let Step::Condition { label, .. } = &task.step
                && YAML_11_BOOLEANS.contains(&label.to_ascii_lowercase().as_str())
            {
                problems.push(format!(
                    "{}: condition {index}'s label {label} reads as a boolean in YAML 1.1",
                    self.name
                ));
            }
            let is_condition = matches!(task.step, Step::Condition { .. });
            if is_condition && (task.next.is_empty() || task.otherwise.is_empty()) {
                problems.push(format!(
                    "{}: condition {index} needs both branches",
                    self.name
                ));
            }
            if !is_condition && !task.otherwise.is_empty() {
                problems.push(format!(
                    "{}: task {index} is not a condition but has an otherwise branch",
                    self.name
                ));
            }
        }
        let depths = self.depths();
        for (index, depth) in depths.iter().enumerate() {
            if depth.is_none() {
                problems.push(format!("{}: task {index} cannot be reached", self.name));
            }
        }
        problems
    }

    /// Each task's row: the longest path to it from the start, so a task shared by branches sits
    /// below all of them. `None` for tasks that cannot be reached.
    fn depths(&self) -> Vec<Option<usize>> {
        let mut depths = vec![None; self.tasks.len()];
        if depths.is_empty() {
            return depths;
        }
        depths[0] = Some(0);
        // At most one pass per task: longest paths in a DAG settle by then.
        for _ in 0..self.tasks.len() {
            let mut changed = false;
            for (index, task) in self.tasks.iter().enumerate() {
                let Some(depth) = depths[index] else { continue };
                for next in task.next.iter().chain(&task.otherwise) {
                    if let Some(slot) = depths.get_mut(*next)
                        && slot.is_none_or(|old| old < depth + 1)
                    {
                        *slot = Some(depth + 1);
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        depths
    }

    /// The playbook as its YAML document.
    pub fn document(&self) -> Value {
        let depths = self.depths();
        let mut tasks = Map::new();
        for (index, task) in self.tasks.iter().enumerate() {
            let depth = depths[index].unwrap_or(0);
            let row: Vec<usize> = (0..self.tasks.len())
                .filter(|other| depths[*other].unwrap_or(0) == depth)
                .collect();
            let column = row.iter().position(|other| *other == index).unwrap_or(0);
            let offset = i64::try_from(column).unwrap_or(0) * 2
                - (i64::try_from(row.len()).unwrap_or(1) - 1);
            let x = CENTRE_X + offset * COLUMN_WIDTH / 2;
            let y = 50 + i64::try_from(depth).unwrap_or(0) * ROW_HEIGHT;
            tasks.insert(index.to_string(), self.task_document(index, task, x, y));
        }
        let rows = depths.iter().flatten().max().copied().unwrap_or(0);
        let height = i64::try_from(rows).unwrap_or(0) * ROW_HEIGHT + 200;
        json!({
            "id": self.name,
            "version": -1,
            "name": self.name,
            "description": self.description,
            "starttaskid": "0",
            "tasks": tasks,
            "view": json!({
                "linkLabelsPosition": {},
                "paper": {"dimensions": {"height": height, "width": 1300, "x": 50, "y": 50}},
            })
            .to_string(),
            "inputs": self.inputs.iter().map(|input| json!({
                "key": input.key,
                "value": input.value.input_value(),
                "required": false,
                "description": input.description,
                "playbookInputQuery": null,
            })).collect::<Vec<_>>(),
            "outputs": self.outputs.iter().map(|(path, description)| json!({
                "contextPath": path,
                "description": description,
            })).collect::<Vec<_>>(),
            "tests": ["No tests (the integration is tested by its cargo test suite)"],
            "fromversion": self.from_version,
        })
    }

    fn task_document(&self, index: usize, task: &Task, x: i64, y: i64) -> Value {
        let uuid = stable_uuid(&format!("{}/{index}", self.name));
        let ids = |next: &[usize]| next.iter().map(ToString::to_string).collect::<Vec<_>>();
        let (kind, mut inner, arguments) = match &task.step {
            Step::Start => ("start", json!({"iscommand": false, "brand": ""}), None),
            Step::Title => ("title", json!({"iscommand": false, "brand": ""}), None),
            Step::Command {
                brand,
                command,
                args,
            } => (
                "regular",
                json!({"script": format!("{brand}|||{command}"), "iscommand": true, "brand": brand}),
                Some(args),
            ),
            Step::Playbook { name, inputs } => (
                "playbook",
                json!({"playbookName": name, "playbookId": name, "iscommand": false, "brand": ""}),
                Some(inputs),
            ),
            Step::Condition { .. } => ("condition", json!({"iscommand": false, "brand": ""}), None),
        };
        inner["id"] = json!(uuid);
        inner["version"] = json!(-1);
        inner["name"] = json!(task.name);
        inner["description"] = json!(task.description);
        inner["type"] = json!(kind);
        let mut document = json!({
            "id": index.to_string(),
            "taskid": uuid,
            "type": kind,
            "task": inner,
            "separatecontext": matches!(task.step, Step::Playbook { .. }),
            "view": json!({"position": {"x": x, "y": y}}).to_string(),
            "note": false,
            "timertriggers": [],
            "ignoreworker": false,
            "skipunavailable": false,
            "quietmode": 0,
            "isoversize": false,
            "isautoswitchedtoquietmode": false,
        });
        if let Step::Condition { label, checks } = &task.step {
            document["nexttasks"] =
                json!({*label: ids(&task.next), "#default#": ids(&task.otherwise)});
            document["conditions"] = json!([{
                "label": label,
                "condition": checks.iter().map(|check| {
                    let mut clause = json!({
                        "operator": check.operator,
                        "left": {"value": {"simple": check.left}, "iscontext": true},
                    });
                    if let Some(right) = &check.right {
                        clause["right"] = json!({"value": {"simple": right}});
                    }
                    json!([clause])
                }).collect::<Vec<_>>(),
            }]);
        } else if !task.next.is_empty() {
            document["nexttasks"] = json!({"#none#": ids(&task.next)});
        }
        if let Some(arguments) = arguments {
            let values: Map<String, Value> = arguments
                .iter()
                .map(|(name, value)| ((*name).to_owned(), value.task_value()))
                .collect();
            document["scriptarguments"] = Value::Object(values);
        }
        if matches!(task.step, Step::Playbook { .. }) {
            document["loop"] =
                json!({"iscommand": false, "exitCondition": "", "wait": 1, "max": 100});
        }
        document
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Playbook {
        Playbook {
            name: "Sample",
            description: "A sample.",
            inputs: vec![Input {
                key: "Host",
                value: Arg::context("incident.hostname"),
                description: "The host.",
            }],
            outputs: vec![("Vendor.Scan.id", "The scan.")],
            tasks: vec![
                Task::new("", "", Step::Start).then(&[1]),
                Task::new(
                    "Has a host?",
                    "Is there a host?",
                    Step::Condition {
                        label: "found",
                        checks: vec![Check::unary("isNotEmpty", "inputs.Host")],
                    },
                )
                .then(&[2])
                .otherwise(&[3]),
                Task::new(
                    "Scan",
                    "Scans the host.",
                    Step::Command {
                        brand: "",
                        command: "vendor-scan",
                        args: vec![("host", Arg::context("inputs.Host"))],
                    },
                )
                .then(&[3]),
                Task::new("Done", "", Step::Title),
            ],
            from_version: "6.10.0",
        }
    }

    #[test]
    fn the_document_has_uuid_task_ids_branches_and_arguments() {
        let playbook = sample();
        assert!(playbook.graph_problems().is_empty());
        let document = playbook.document();
        assert_eq!(document["starttaskid"], "0");
        let condition = &document["tasks"]["1"];
        assert_eq!(condition["type"], "condition");
        assert_eq!(
            condition["nexttasks"],
            json!({"found": ["2"], "#default#": ["3"]})
        );
        assert_eq!(
            condition["conditions"][0]["condition"][0][0]["left"],
            json!({"value": {"simple": "inputs.Host"}, "iscontext": true})
        );
        let scan = &document["tasks"]["2"];
        assert_eq!(scan["task"]["script"], "|||vendor-scan");
        assert_eq!(scan["taskid"], scan["task"]["id"]);
        assert!(uuid::Uuid::parse_str(scan["taskid"].as_str().unwrap()).is_ok());
        assert_eq!(
            scan["scriptarguments"]["host"],
            json!({"simple": "${inputs.Host}"})
        );
        assert_eq!(
            document["inputs"][0]["value"],
            json!({"complex": {"root": "incident", "accessor": "hostname"}})
        );
        assert_eq!(
            playbook.command_calls(),
            [CommandCall {
                brand: "",
                command: "vendor-scan",
                args: vec!["host"]
            }]
        );
    }

    #[test]
    fn a_task_shared_by_branches_sits_below_all_of_them() {
        let document = sample().document();
        let y = |task: &str| {
            let view: Value =
                serde_json::from_str(document["tasks"][task]["view"].as_str().unwrap()).unwrap();
            view["position"]["y"].as_i64().unwrap()
        };
        assert!(y("3") > y("2") && y("2") > y("1"));
    }

    #[test]
    fn broken_graphs_are_reported() {
        let mut playbook = sample();
        playbook.tasks[1].otherwise.clear();
        playbook.tasks[2].next = vec![9];
        playbook.tasks.push(Task::new("Orphan", "", Step::Title));
        if let Step::Condition { label, .. } = &mut playbook.tasks[1].step {
            *label = "yes";
        }
        let problems = playbook.graph_problems().join("\n");
        assert!(
            problems.contains("label yes reads as a boolean"),
            "{problems}"
        );
        assert!(
            problems.contains("condition 1 needs both branches"),
            "{problems}"
        );
        assert!(problems.contains("task 2 goes to task 9"), "{problems}");
        assert!(problems.contains("task 4 cannot be reached"), "{problems}");
    }
}
