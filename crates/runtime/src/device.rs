//! The device a model runs on, chosen at run time.

use burn::tensor::Device;

use crate::error::RuntimeError;
use crate::types::DeviceChoice;

/// A burn device plus a human description ("CPU (flex)", "WebGPU: <adapter>").
#[derive(Clone)]
pub struct RuntimeDevice {
    device: Device,
    description: String,
    choice: DeviceChoice,
}

impl std::fmt::Debug for RuntimeDevice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.description)
    }
}

impl RuntimeDevice {
    /// burn's flex CPU backend (pure Rust; multi-threaded natively).
    pub fn cpu() -> Self {
        RuntimeDevice {
            device: Device::flex(),
            description: "CPU (flex)".into(),
            choice: DeviceChoice::Cpu,
        }
    }

    /// A wgpu device: WebGPU in the browser (and native wgpu with the `wgpu` feature).
    /// Errors with a clear message when no adapter exists.
    #[cfg(any(target_arch = "wasm32", feature = "wgpu"))]
    pub async fn gpu() -> Result<Self, RuntimeError> {
        let (device, setup) = Device::wgpu_options()
            .init_with_setup_async()
            .await
            .map_err(|e| RuntimeError::Device(format!("no usable GPU adapter: {e}")))?;
        let info = setup.adapter.get_info();
        let api = if cfg!(target_arch = "wasm32") {
            "WebGPU".to_string()
        } else {
            format!("wgpu {:?}", info.backend)
        };
        let name = if info.name.is_empty() {
            format!("{} {}", info.vendor, info.device)
        } else {
            info.name.clone()
        };
        Ok(RuntimeDevice {
            device,
            description: format!("{api}: {name}"),
            choice: DeviceChoice::Gpu,
        })
    }

    /// Without GPU support compiled in, `gpu()` always fails with a clear message.
    #[cfg(not(any(target_arch = "wasm32", feature = "wgpu")))]
    pub async fn gpu() -> Result<Self, RuntimeError> {
        Err(RuntimeError::Device(
            "GPU support is not compiled into this build (enable the `wgpu` feature of assay-runtime); use the CPU".into(),
        ))
    }

    /// Creates the device of the given kind.
    pub async fn new(choice: DeviceChoice) -> Result<Self, RuntimeError> {
        match choice {
            DeviceChoice::Cpu => Ok(Self::cpu()),
            DeviceChoice::Gpu => Self::gpu().await,
        }
    }

    /// The same device under another description (the browser can name a
    /// WebGPU adapter better than wgpu, which sees an empty name there).
    pub fn with_description(mut self, description: String) -> Self {
        self.description = description;
        self
    }

    pub fn description(&self) -> &str {
        &self.description
    }
    pub fn choice(&self) -> DeviceChoice {
        self.choice
    }
    pub fn is_cpu(&self) -> bool {
        self.choice == DeviceChoice::Cpu
    }
    /// The underlying burn device.
    pub fn burn(&self) -> &Device {
        &self.device
    }
}
