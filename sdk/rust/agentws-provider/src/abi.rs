//! The plugin ABI of `agentws_provider.h` (ABI 1.1), as `#[repr(C)]` Rust.
//!
//! The sizes below are the header's documented ones (`AGENTWS_PLUGIN_MAGIC_SIZE` and friends) on the
//! 64-bit targets agentws supports; the build fails if a struct here ever disagrees with them.

use std::os::raw::{c_char, c_void};

/// `AGENTWS_PROVIDER_MAGIC`.
pub const PROVIDER_MAGIC: u64 = 0x4147_5753_5052_5631;
/// `AGENTWS_PROVIDER_ABI_MAJOR`: a different major version is refused.
pub const ABI_MAJOR: u32 = 1;
/// `AGENTWS_PROVIDER_ABI_MINOR`: minor versions only append fields.
pub const ABI_MINOR: u32 = 1;

pub const METHOD_DESCRIBE: &str = "describe";
pub const METHOD_START: &str = "start";
pub const METHOD_SEND: &str = "send";
pub const METHOD_INTERRUPT: &str = "interrupt";
pub const METHOD_STATUS: &str = "status";
pub const METHOD_STOP: &str = "stop";
pub const METHOD_EXPORT: &str = "export";
pub const METHOD_IMPORT: &str = "import";
pub const METHOD_FORK: &str = "fork";

pub const ERROR_INVALID_REQUEST: &str = "invalid-request";
pub const ERROR_NOT_FOUND: &str = "not-found";
pub const ERROR_RESUME_FAILED: &str = "resume-failed";
pub const ERROR_PROVIDER_FAILED: &str = "provider-failed";
pub const ERROR_UNSUPPORTED: &str = "unsupported";

/// `AGENTWS_CALL_OK` and `AGENTWS_CALL_ERROR`.
pub const CALL_OK: i32 = 0;
pub const CALL_ERROR: i32 = 1;

/// `agentws_plugin_magic`: returned by `agentws_provider_magic()`.
#[repr(C)]
pub struct PluginMagic {
    pub magic: u64,
    pub abi_major: u32,
    pub abi_minor: u32,
    pub struct_size: u32,
    pub reserved: u32,
    pub plugin_name: *const c_char,
    pub plugin_version: *const c_char,
    pub toolchain: *const c_char,
}

// Only ever static, immutable data pointing at static strings.
unsafe impl Sync for PluginMagic {}

/// `agentws_host_callbacks`: handed to `create`; read a field only when `struct_size` covers it.
#[repr(C)]
pub struct HostCallbacks {
    pub struct_size: u32,
    pub abi_minor: u32,
    pub context: *mut c_void,
    pub emit_event: Option<unsafe extern "C" fn(context: *mut c_void, json: *const c_char, json_len: usize)>,
    pub log: Option<unsafe extern "C" fn(context: *mut c_void, level: i32, message: *const c_char, message_len: usize)>,
}

/// `agentws_completion_fn`: answers one call, exactly once.
pub type CompletionFn = unsafe extern "C" fn(call_context: *mut c_void, status: i32, json: *const c_char, json_len: usize);

/// `agentws_plugin_entry`: returned by `agentws_provider_entry()`.
#[repr(C)]
pub struct PluginEntry {
    pub struct_size: u32,
    pub abi_minor: u32,
    pub create: Option<
        unsafe extern "C" fn(
            config_json: *const c_char,
            config_len: usize,
            host: *const HostCallbacks,
            instance_out: *mut *mut c_void,
            error_json_out: *mut *mut c_char,
            error_len_out: *mut usize,
        ) -> i32,
    >,
    pub call: Option<
        unsafe extern "C" fn(
            instance: *mut c_void,
            request_json: *const c_char,
            request_len: usize,
            completion: CompletionFn,
            call_context: *mut c_void,
        ),
    >,
    pub destroy: Option<unsafe extern "C" fn(instance: *mut c_void)>,
    pub free_buffer: Option<unsafe extern "C" fn(buffer: *mut c_char, length: usize)>,
}

// Only ever static, immutable data.
unsafe impl Sync for PluginEntry {}

/// `AGENTWS_PLUGIN_MAGIC_SIZE`.
pub const PLUGIN_MAGIC_SIZE: usize = 48;
/// `AGENTWS_HOST_CALLBACKS_SIZE` (ABI 1.1).
pub const HOST_CALLBACKS_SIZE: usize = 32;
/// `AGENTWS_PLUGIN_ENTRY_SIZE` (ABI 1.1).
pub const PLUGIN_ENTRY_SIZE: usize = 40;
/// Where `emit_event` ends in `agentws_host_callbacks`: a host table at least this long has it.
pub const HOST_CALLBACKS_EMIT_EVENT_END: usize = 24;

const _: () = assert!(std::mem::size_of::<PluginMagic>() == PLUGIN_MAGIC_SIZE);
const _: () = assert!(std::mem::size_of::<HostCallbacks>() == HOST_CALLBACKS_SIZE);
const _: () = assert!(std::mem::size_of::<PluginEntry>() == PLUGIN_ENTRY_SIZE);
