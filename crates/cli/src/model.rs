//! The model stage for the CLI: load an ONNX file, run it over the table.

use crate::args::EvalArgs;
use crate::progress::Bars;
use assay_engine::evaluate::Progress;
use assay_engine::table::Table;
use assay_report::{InputFile, ModelInfo};
use assay_runtime::predict::{ModelRun, PredictOptions};
use assay_runtime::{DeviceChoice, LoadOptions, Model, RuntimeDevice};
use std::path::Path;

/// A loaded model and its provenance.
pub struct Loaded {
    pub model: Model,
    pub input_file: InputFile,
    pub name: String,
}

/// Read and load a model on the chosen device.
pub fn load(path: &Path, device: &str) -> Result<Loaded, String> {
    let limit = LoadOptions::default().max_bytes as u64;
    if let Ok(meta) = std::fs::metadata(path)
        && meta.len() > limit
    {
        return Err(format!(
            "{}: model is {} bytes ({:.1} MiB), over the limit of {limit} bytes ({:.0} MiB)",
            path.display(),
            meta.len(),
            meta.len() as f64 / 1048576.0,
            limit as f64 / 1048576.0
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| {
        format!(
            "cannot read model '{}': {}",
            path.display(),
            match e.kind() {
                std::io::ErrorKind::NotFound => "no such file".to_string(),
                _ => e.to_string(),
            }
        )
    })?;
    let choice = match device {
        "gpu" => DeviceChoice::Gpu,
        _ => DeviceChoice::Cpu,
    };
    let dev = assay_runtime::block_on(RuntimeDevice::new(choice)).map_err(|e| e.to_string())?;
    let model = Model::load(&bytes, &dev, &LoadOptions::default())
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(Loaded {
        input_file: InputFile {
            role: "model".into(),
            name: name.clone(),
            sha256: assay_engine::csv_read::sha256_hex(&bytes),
            bytes: bytes.len() as u64,
            rows: None,
        },
        model,
        name,
    })
}

/// Run the model over `table`, appending its score columns.
pub fn predict(
    m: &Loaded,
    table: &mut Table,
    a: &EvalArgs,
    bars: &mut Bars,
) -> Result<(ModelRun, ModelInfo), String> {
    let opts = PredictOptions {
        features: a.features.clone(),
        output: a.output.clone(),
        batch_size: a.batch_size,
        classes: a.classes.clone(),
    };
    let start = std::time::Instant::now();
    let mut run = assay_runtime::block_on(assay_runtime::predict::predict(
        &m.model,
        table,
        &a.label,
        &opts,
        &mut |done, total| {
            bars.update(Progress {
                stage: "model",
                done,
                total,
            })
        },
    ))
    .map_err(|e| e.to_string())?;
    run.seconds = start.elapsed().as_secs_f64();
    let info = assay_runtime::predict::describe(&m.model, &m.name, &run);
    Ok((run, info))
}
