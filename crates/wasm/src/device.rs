//! The device a model runs on in the page: WebGPU when the browser offers
//! an adapter (named as the browser names it), else the CPU, saying why.

use assay_engine::plan::DeviceChoice;
use assay_runtime::RuntimeDevice;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

fn js_err(msg: impl std::fmt::Display) -> JsError {
    JsError::new(&msg.to_string())
}

thread_local! {
    /// The WebGPU device, created once per worker (adapter and device
    /// requests take a few hundred milliseconds).
    static GPU: std::cell::RefCell<Option<RuntimeDevice>> = const { std::cell::RefCell::new(None) };
}

/// The device to run a model on: `cpu`, `gpu` (WebGPU, or an error), or
/// `auto` (WebGPU when an adapter exists, else the CPU, saying why).
pub async fn device_for(choice: DeviceChoice) -> Result<(RuntimeDevice, Option<String>), JsError> {
    if choice == DeviceChoice::Cpu {
        return Ok((RuntimeDevice::cpu(), None));
    }
    if let Some(d) = GPU.with(|g| g.borrow().clone()) {
        return Ok((d, None));
    }
    // wgpu panics where WebGPU cannot be used (Node, shared workers), and its
    // errors are long: ask the browser first, in its own words.
    let label = match webgpu_adapter().await {
        Ok(label) => label,
        Err(why) => {
            return if choice == DeviceChoice::Auto {
                Ok((
                    RuntimeDevice::cpu(),
                    Some(format!(
                        "WebGPU is not available here ({why}); the model ran on the CPU"
                    )),
                ))
            } else {
                Err(js_err(format!("no WebGPU: {why}")))
            };
        }
    };
    match RuntimeDevice::gpu().await {
        Ok(d) => {
            let d = d.with_description(format!("WebGPU: {label}"));
            GPU.with(|g| *g.borrow_mut() = Some(d.clone()));
            Ok((d, None))
        }
        Err(e) if choice == DeviceChoice::Auto => Ok((
            RuntimeDevice::cpu(),
            Some(format!(
                "WebGPU could not be started ({e}); the model ran on the CPU"
            )),
        )),
        Err(e) => Err(js_err(e)),
    }
}

/// Whether this global scope offers a WebGPU adapter, and its name
/// (`google swiftshader (software fallback)`): WebGPU needs `navigator.gpu`,
/// on a page or in a dedicated worker, and an adapter.
async fn webgpu_adapter() -> Result<String, String> {
    let g = js_sys::global();
    let get =
        |o: &JsValue, k: &str| js_sys::Reflect::get(o, &k.into()).unwrap_or(JsValue::UNDEFINED);
    let gpu = get(&get(&g, "navigator"), "gpu");
    if gpu.is_undefined() || gpu.is_null() {
        return Err("this environment has no navigator.gpu".into());
    }
    let scope = get(&get(&g, "constructor"), "name")
        .as_string()
        .unwrap_or_default();
    if scope != "Window" && scope != "DedicatedWorkerGlobalScope" {
        return Err(format!("WebGPU is not offered in a {scope}"));
    }
    let request = get(&gpu, "requestAdapter")
        .dyn_into::<js_sys::Function>()
        .map_err(|_| "navigator.gpu.requestAdapter is missing".to_string())?;
    let promise = request
        .call0(&gpu)
        .ok()
        .and_then(|p| p.dyn_into::<js_sys::Promise>().ok())
        .ok_or("requestAdapter failed")?;
    let adapter = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(|_| "requestAdapter failed".to_string())?;
    if adapter.is_null() || adapter.is_undefined() {
        return Err("the browser offers no WebGPU adapter".into());
    }
    let info = get(&adapter, "info");
    let mut parts: Vec<String> = ["vendor", "architecture", "device", "description"]
        .iter()
        .filter_map(|k| get(&info, k).as_string())
        .filter(|s| !s.is_empty())
        .collect();
    parts.dedup();
    let fallback = get(&info, "isFallbackAdapter").as_bool() == Some(true)
        || get(&adapter, "isFallbackAdapter").as_bool() == Some(true);
    let mut label = if parts.is_empty() {
        "adapter".to_string()
    } else {
        parts.join(" ")
    };
    if fallback {
        label.push_str(" (software fallback)");
    }
    Ok(label)
}
