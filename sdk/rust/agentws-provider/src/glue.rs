//! The ABI functions `export_provider!` points the entry table at, generic over the provider.

use crate::{Config, Error, Host, HostCallbacks, Provider, Value, CALL_ERROR, CALL_OK};
use std::os::raw::{c_char, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};

unsafe fn text<'a>(bytes: *const c_char, length: usize) -> Result<&'a str, Error> {
    if bytes.is_null() {
        return Err(Error::invalid_request("no JSON given"));
    }
    let slice = std::slice::from_raw_parts(bytes as *const u8, length);
    std::str::from_utf8(slice).map_err(|_| Error::invalid_request("the JSON is not UTF-8"))
}

fn string_member(config: &Value, key: &str) -> Result<String, Error> {
    config
        .get(key)
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| Error::invalid_request(format!("the configuration has no string \"{}\"", key)))
}

fn panic_error(payload: Box<dyn std::any::Any + Send>) -> Error {
    let detail = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".to_string());
    Error::provider_failed(format!("the plugin panicked: {}", detail))
}

/// `create`: parses the configuration and calls `P::create`. A panic becomes an error, never an
/// unwind into the host.
///
/// # Safety
/// Called by the host with the arguments the ABI describes.
pub unsafe extern "C" fn create_instance<P: Provider>(
    config_json: *const c_char,
    config_len: usize,
    host: *const HostCallbacks,
    instance_out: *mut *mut c_void,
    error_json_out: *mut *mut c_char,
    error_len_out: *mut usize,
) -> i32 {
    let made = catch_unwind(AssertUnwindSafe(|| -> Result<P, Error> {
        let config = Value::parse(text(config_json, config_len)?).map_err(Error::invalid_request)?;
        let config = Config {
            provider: string_member(&config, "provider")?,
            options: config.get("options").cloned().unwrap_or(Value::Object(Vec::new())),
            workspace: string_member(&config, "workspace")?,
            state_directory: string_member(&config, "stateDirectory")?,
        };
        P::create(config, Host { callbacks: host })
    }))
    .unwrap_or_else(|payload| Err(panic_error(payload)));
    match made {
        Ok(provider) => {
            *instance_out = Box::into_raw(Box::new(provider)) as *mut c_void;
            0
        }
        Err(error) => {
            if !error_json_out.is_null() && !error_len_out.is_null() {
                let bytes = error.to_json().to_json().into_bytes().into_boxed_slice();
                *error_len_out = bytes.len();
                *error_json_out = Box::into_raw(bytes) as *mut u8 as *mut c_char;
            }
            1
        }
    }
}

/// `call`: parses the request, runs `P::call` and completes the call before returning.
///
/// # Safety
/// Called by the host with the arguments the ABI describes.
pub unsafe extern "C" fn call_instance<P: Provider>(
    instance: *mut c_void,
    request_json: *const c_char,
    request_len: usize,
    completion: crate::CompletionFn,
    call_context: *mut c_void,
) {
    let provider = &*(instance as *const P);
    let outcome = catch_unwind(AssertUnwindSafe(|| -> Result<Value, Error> {
        let request = Value::parse(text(request_json, request_len)?).map_err(Error::invalid_request)?;
        let method = request
            .get("method")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::invalid_request("the request has no method"))?;
        let empty = Value::Object(Vec::new());
        let params = request.get("params").unwrap_or(&empty);
        if !matches!(params, Value::Object(_)) {
            return Err(Error::invalid_request("params must be an object"));
        }
        provider.call(method, params)
    }))
    .unwrap_or_else(|payload| Err(panic_error(payload)));
    let (status, json) = match outcome {
        Ok(result) => (CALL_OK, result.to_json()),
        Err(error) => (CALL_ERROR, error.to_json().to_json()),
    };
    completion(call_context, status, json.as_ptr() as *const c_char, json.len());
}

/// `destroy`: drops the provider.
///
/// # Safety
/// Called by the host once per instance, with no call outstanding.
pub unsafe extern "C" fn destroy_instance<P: Provider>(instance: *mut c_void) {
    if !instance.is_null() {
        let _ = catch_unwind(AssertUnwindSafe(|| drop(Box::from_raw(instance as *mut P))));
    }
}

/// `free_buffer`: releases an error `create_instance` handed out.
///
/// # Safety
/// Called by the host with a buffer this crate allocated, and its length.
pub unsafe extern "C" fn free_buffer(buffer: *mut c_char, length: usize) {
    if !buffer.is_null() {
        drop(Box::from_raw(std::ptr::slice_from_raw_parts_mut(buffer as *mut u8, length)));
    }
}
