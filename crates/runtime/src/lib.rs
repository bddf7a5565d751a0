//! Assay's run-time ONNX engine.
//!
//! Users bring ONNX models (PyTorch or skl2onnx exports) and load them at run time. This crate
//! decodes the model with the protobuf types of `onnx-ir`, checks every node against the table of
//! supported operators, plans the execution (topological order, value lifetimes, constants
//! uploaded once) and runs it on burn tensors — on burn's flex CPU backend natively and in wasm,
//! or on WebGPU in the browser — with one code path for every device.
//!
//! Layers: [`proto`] (decoding) → [`plan`] (check against the [`registry`], fold, order,
//! lifetimes) → [`model`] (run) → `ops`/`ml` (operators by family, on [`value`]s: device tensors,
//! and small host tensors for shape arithmetic).

mod device;
mod error;
mod fold;
mod ml;
mod model;
mod ops;
mod plan;
mod proto;
mod registry;
#[cfg(test)]
mod testing;
mod types;
mod value;

pub use device::RuntimeDevice;
pub use error::RuntimeError;
pub use model::Model;
pub use registry::{ML_OPS, STANDARD_OPS};
pub use types::{DType, DeviceChoice, HostData, HostTensor, LoadOptions, TensorInfo, format_dims};

/// Polls a future to completion on this thread (native only).
#[cfg(not(target_arch = "wasm32"))]
pub fn block_on<F: std::future::Future>(fut: F) -> F::Output {
    use std::sync::Arc;
    use std::task::{Context, Poll, Wake, Waker};
    struct ThreadWaker(std::thread::Thread);
    impl Wake for ThreadWaker {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(ThreadWaker(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut fut = std::pin::pin!(fut);
    loop {
        match fut.as_mut().poll(&mut cx) {
            Poll::Ready(v) => return v,
            Poll::Pending => std::thread::park(),
        }
    }
}

/// Decodes a serialized ONNX `TensorProto` (the `.pb` files of ONNX test data) into its name and
/// a host tensor (float16 becomes F32; 8/16-bit and unsigned integers become I32 or I64).
pub fn tensor_from_onnx_pb(bytes: &[u8]) -> Result<(String, HostTensor), RuntimeError> {
    use onnx_ir::Message;
    let t = onnx_ir::TensorProto::parse_from_bytes(bytes)
        .map_err(|e| RuntimeError::Corrupt(format!("not a TensorProto: {e}")))?;
    let h = proto::tensor_from_proto(&t).map_err(RuntimeError::InvalidModel)?;
    Ok((t.name.clone(), h.to_host_tensor()))
}
