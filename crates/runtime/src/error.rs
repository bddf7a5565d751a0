//! The one error type of the runtime. Every variant renders as one line.

/// An error from loading or running a model. `Display` gives one clear line.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RuntimeError {
    /// The bytes are not an ONNX model at all (random bytes, a CSV, an empty file…).
    #[error("not an ONNX model: {0}")]
    NotOnnx(String),
    /// The bytes start like an ONNX model but do not decode (truncated download, corrupt file).
    #[error("corrupt or truncated ONNX file: {0}")]
    Corrupt(String),
    /// One or more nodes use operators this runtime does not implement; all are listed.
    #[error("unsupported ONNX operators: {0}")]
    Unsupported(String),
    /// The file is larger than `LoadOptions::max_bytes`.
    #[error(
        "model is {size} bytes ({size_mib:.1} MiB), over the limit of {limit} bytes ({limit_mib:.1} MiB)"
    )]
    TooLarge {
        size: usize,
        size_mib: f64,
        limit: usize,
        limit_mib: f64,
    },
    /// The model decodes but is not a valid graph (dangling value, bad attribute, cycle…).
    #[error("invalid ONNX model: {0}")]
    InvalidModel(String),
    /// An input name given to `run` is not an input of the model.
    #[error("unknown input '{name}'; the model's inputs are: {available}")]
    UnknownInput { name: String, available: String },
    /// A model input was not given to `run`.
    #[error("missing input '{name}'; the model's inputs are: {available}")]
    MissingInput { name: String, available: String },
    /// A given input has the wrong shape or element type.
    #[error("{0}")]
    InputMismatch(String),
    /// An output name that the model does not have.
    #[error("unknown output '{name}'; the model's outputs are: {available}")]
    UnknownOutput { name: String, available: String },
    /// An operator failed at run time (shapes that do not fit, bad index…).
    #[error("{op} node '{node}' failed: {msg}")]
    OpFailed {
        op: String,
        node: String,
        msg: String,
    },
    /// The device could not be created or failed.
    #[error("device error: {0}")]
    Device(String),
}

impl RuntimeError {
    pub(crate) fn too_large(size: usize, limit: usize) -> Self {
        RuntimeError::TooLarge {
            size,
            size_mib: size as f64 / 1048576.0,
            limit,
            limit_mib: limit as f64 / 1048576.0,
        }
    }
}

/// Errors inside an op before they are tagged with the node; `?` converts strings.
pub(crate) type OpResult<T> = Result<T, String>;
