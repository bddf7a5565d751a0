//! # assay-audit
//!
//! The one pipeline: [`run`] executes an [`AuditPlan`] for every front end —
//! the CLI, the wasm bindings (the page and the npm package), later the
//! Python bindings — so an audit is assembled once:
//!
//! ```text
//! plan.validate → load the model → read the data (only the columns needed)
//!   → model stage (features → model → score columns)
//!   → prepare the predictions → apply a saved calibrator
//!   → every analysis of the plan (side by side) → the report
//! ```
//!
//! A front end only translates: its flags or form into a plan, its files
//! into [`Inputs`], and the [`Run`] back into files, a page, or objects.
//! What differs between platforms comes in through [`Environment`]: the
//! device a model runs on (WebGPU needs the browser's async set-up), a
//! clock, the producer's name.

pub mod model_stage;

use assay_engine::analyses::calibration::CalibratorArtifact;
use assay_engine::analyses::{self, Artifact, Context};
use assay_engine::io::{InputSummary, Source};
use assay_engine::plan::{AuditPlan, InputRole, OptionKey, PlanError};
use assay_engine::predictions::Predictions;
use assay_engine::progress::{Cancel, Progress, Stage};
use assay_engine::{EngineError, prepare};
use assay_report::{InputFile, Report};
use assay_runtime::{LoadOptions, Model, RuntimeDevice, RuntimeError};
use model_stage::StageError;

/// One input's content.
pub enum Input {
    /// A table to read (CSV bytes, an in-memory table…).
    Table(Box<dyn Source>),
    /// A file held in memory (a model, a calibrator file).
    Bytes(Vec<u8>),
}

/// The content of each input the plan names, by name.
#[derive(Default)]
pub struct Inputs {
    items: Vec<(String, Input)>,
}

impl Inputs {
    pub fn new() -> Inputs {
        Inputs::default()
    }

    /// Supply the content of the input named `name`.
    pub fn add(&mut self, name: impl Into<String>, input: Input) -> &mut Self {
        self.items.push((name.into(), input));
        self
    }

    fn take(&mut self, name: &str) -> Option<Input> {
        let i = self.items.iter().position(|(n, _)| n == name)?;
        Some(self.items.swap_remove(i).1)
    }
}

/// What differs between platforms.
pub struct Environment<'a> {
    /// The front end, recorded in the report (`assay-cli`, `assay-web`, `assay-npm`).
    pub producer: &'a str,
    /// The device to run a model on (chosen by the front end from the plan's
    /// `model.device`), and a note for the report when it fell back.
    pub device: Option<(RuntimeDevice, Option<String>)>,
    /// Seconds since some fixed point (models are timed with it; wasm has
    /// no `Instant`).
    pub now: &'a dyn Fn() -> f64,
    /// Set by the front end to stop the run.
    pub cancel: Cancel,
    /// Limits on what a model may be.
    pub load: LoadOptions,
}

/// A finished audit: the report, and what the analyses produced besides it
/// (fitted calibrators).
#[derive(Debug)]
pub struct Run {
    pub report: Report,
    pub artifacts: Vec<Artifact>,
}

impl Run {
    /// The fitted calibrators, in the order the report lists the methods.
    pub fn calibrators(&self) -> Vec<&CalibratorArtifact> {
        self.artifacts
            .iter()
            .map(|a| match a {
                Artifact::Calibrator(c) => c,
            })
            .collect()
    }
}

/// Why an audit failed. Each front end words it its own way: the message
/// says what is wrong; [`AuditError::key`] names the setting that would fix
/// it, for the front end to point at (a flag, a form field).
#[derive(Debug, Clone, PartialEq)]
pub enum AuditError {
    /// A setting of the plan is wrong.
    Plan(PlanError),
    /// The data, or a setting that does not fit it; `input` names the file
    /// when the problem is in a file other than the data.
    Engine {
        input: Option<String>,
        error: EngineError,
    },
    /// The model could not be loaded or run.
    Model { input: String, error: RuntimeError },
    /// The plan names an input the caller did not supply.
    MissingInput { name: String },
}

impl AuditError {
    /// The setting that would fix the problem, if one would.
    pub fn key(&self) -> Option<OptionKey> {
        match self {
            AuditError::Plan(e) => Some(e.key),
            AuditError::Engine { error, .. } => error.hint(),
            AuditError::Model { error, .. } => match error {
                RuntimeError::UnknownOutput { .. } => Some(OptionKey::Output),
                RuntimeError::Device(_) => Some(OptionKey::Device),
                _ => None,
            },
            AuditError::MissingInput { .. } => Some(OptionKey::Inputs),
        }
    }

    /// Whether the front end cancelled the run.
    pub fn is_cancelled(&self) -> bool {
        matches!(
            self,
            AuditError::Engine {
                error: EngineError::Cancelled,
                ..
            }
        )
    }
}

impl std::fmt::Display for AuditError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AuditError::Plan(e) => write!(f, "{e}"),
            AuditError::Engine {
                input: Some(i),
                error,
            } => write!(f, "{i}: {error}"),
            AuditError::Engine { input: None, error } => write!(f, "{error}"),
            AuditError::Model { input, error } => write!(f, "{input}: {error}"),
            AuditError::MissingInput { name } => {
                write!(f, "input '{name}' is named by the plan but was not given")
            }
        }
    }
}

impl std::error::Error for AuditError {}

fn engine(error: EngineError) -> AuditError {
    AuditError::Engine { input: None, error }
}

fn engine_in(input: &str) -> impl Fn(EngineError) -> AuditError + '_ {
    move |error| AuditError::Engine {
        input: Some(input.to_owned()),
        error,
    }
}

fn bytes_of(inputs: &mut Inputs, name: &str) -> Result<Vec<u8>, AuditError> {
    match inputs.take(name) {
        Some(Input::Bytes(b)) => Ok(b),
        Some(Input::Table(_)) => Err(AuditError::Plan(PlanError::new(
            OptionKey::Inputs,
            format!("input '{name}' must be given as bytes"),
        ))),
        None => Err(AuditError::MissingInput {
            name: name.to_owned(),
        }),
    }
}

/// Run `plan` on `inputs`. `progress` is called as work advances; the run
/// stops with an error when `env.cancel` is set.
pub async fn run(
    plan: &AuditPlan,
    mut inputs: Inputs,
    env: &Environment<'_>,
    progress: &mut dyn FnMut(Progress),
) -> Result<Run, AuditError> {
    plan.validate().map_err(AuditError::Plan)?;
    let cancel = &env.cancel;
    let data_spec = plan.input(InputRole::Data).expect("validated");
    let source = match inputs.take(&data_spec.name) {
        Some(Input::Table(s)) => s,
        Some(Input::Bytes(b)) => {
            let assay_engine::plan::Format::Csv { delimiter, types } = &data_spec.format;
            let options = assay_engine::io::csv::CsvOptions {
                delimiter: delimiter.map(|d| d as u8),
                types: types.iter().map(|(k, v)| (k.clone(), *v)).collect(),
                ..Default::default()
            };
            let size = Some(b.len() as u64);
            Box::new(assay_engine::io::CsvSource {
                reader: std::io::Cursor::new(b),
                size,
                options,
            }) as Box<dyn Source>
        }
        None => {
            return Err(AuditError::MissingInput {
                name: data_spec.name.clone(),
            });
        }
    };
    let mut files: Vec<InputFile> = Vec::new();
    let mut warnings: Vec<String> = Vec::new();

    // The model first: a model that cannot load should not wait for a
    // gigabyte of data to be read.
    let model = match (&plan.model, plan.input(InputRole::Model)) {
        (Some(spec), Some(m)) => {
            progress(Progress::new(Stage::ModelLoad, 0, 0));
            let bytes = bytes_of(&mut inputs, &m.name)?;
            let (device, note) = env.device.clone().unwrap_or((RuntimeDevice::cpu(), None));
            let model =
                Model::load(&bytes, &device, &env.load).map_err(|error| AuditError::Model {
                    input: m.name.clone(),
                    error,
                })?;
            files.push(InputFile::from_bytes(&m.name, InputRole::Model, &bytes));
            Some((spec, m.name.clone(), model, note))
        }
        _ => None,
    };
    let calibrator = match plan.input(InputRole::Calibrator) {
        None => None,
        Some(c) => {
            let bytes = bytes_of(&mut inputs, &c.name)?;
            let text = String::from_utf8_lossy(&bytes);
            let artifact = CalibratorArtifact::from_json(&text).map_err(engine_in(&c.name))?;
            Some((c.name.clone(), artifact, bytes))
        }
    };

    // Read only the columns the audit needs (all of them when a model's
    // features are to be found among them).
    let mut columns = plan.columns();
    let read_all = plan.analyses.reads_all_columns()
        || match &model {
            Some((spec, ..)) => match &spec.features {
                Some(f) => {
                    for c in f {
                        if !columns.contains(c) {
                            columns.push(c.clone());
                        }
                    }
                    false
                }
                None => true,
            },
            None => false,
        };
    let (mut table, summary): (_, InputSummary) = source
        .read(
            if read_all { None } else { Some(&columns) },
            cancel,
            progress,
        )
        .map_err(engine)?;
    files.insert(
        0,
        InputFile::from_summary(&data_spec.name, InputRole::Data, &summary),
    );
    warnings.extend(summary.warnings.iter().cloned());

    // The model stage: its outputs become the score columns.
    let mut spec = plan.predictions.clone();
    let mut model_info = None;
    let mut model_sha = None;
    if let Some((mspec, name, model, note)) = &model {
        let t0 = (env.now)();
        let run = model_stage::predict(
            model,
            &mut table,
            &plan.predictions.label,
            mspec,
            cancel,
            &mut |done, total| progress(Progress::new(Stage::Model, done, total)),
        )
        .await
        .map_err(|e| match e {
            StageError::Engine(error) => engine(error),
            StageError::Runtime(error) => AuditError::Model {
                input: name.clone(),
                error,
            },
        })?;
        let seconds = (env.now)() - t0;
        spec.scores = run.scores.clone();
        model_info = Some(model_stage::describe(model, name, &run, seconds));
        model_sha = files
            .iter()
            .find(|f| f.role == InputRole::Model.as_str())
            .map(|f| f.sha256.clone());
        if let Some(n) = note {
            warnings.push(n.clone());
        }
    }
    drop(model);

    // Predictions, and a saved calibrator applied to them first.
    let mut applied = None;
    let predictions = if plan.analyses.needs_predictions() {
        let (mut prepared, mut w) = prepare::prepare(&table, &spec).map_err(engine)?;
        warnings.append(&mut w);
        if let Some((name, a, bytes)) = &calibrator {
            prepared = a.apply(&prepared).map_err(engine)?;
            let ap = a.applied();
            warnings.push(format!(
                "scores were recalibrated with a saved {} calibrator ({}) fitted on {} before evaluation",
                ap.method, ap.summary, ap.fitted_on.data_name
            ));
            applied = Some(ap);
            files.push(InputFile::from_bytes(name, InputRole::Calibrator, bytes));
        }
        Some(Predictions::new(prepared))
    } else {
        None
    };

    let ctx = Context {
        table: &table,
        predictions: predictions.as_ref(),
        plan,
        bootstrap: plan.bootstrap_options(),
        data_name: &files[0].name,
        data_sha256: &summary.sha256,
        model_sha256: model_sha.as_deref(),
        cancel,
    };
    let (sections, mut w, artifacts) = analyses::run_all(&ctx, progress).map_err(engine)?;
    warnings.append(&mut w);
    let mut report = Report::new(env.producer, files, plan.clone(), sections, warnings);
    report.model = model_info;
    report.applied_calibrator = applied;
    Ok(Run { report, artifacts })
}

/// Drive a future that never waits (a run without a model, natively or
/// in wasm) to completion on this thread.
pub fn now_or_never<T>(fut: impl std::future::Future<Output = T>) -> Option<T> {
    use std::task::{Context, Poll, Waker};
    let mut fut = std::pin::pin!(fut);
    match fut.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(v) => Some(v),
        Poll::Pending => None,
    }
}
