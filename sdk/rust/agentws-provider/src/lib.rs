//! Write an agentws provider plugin in Rust, with the standard library only.
//!
//! A plugin is a `cdylib` exporting the two functions of the plugin ABI (`agentws_provider.h`,
//! printed by `agentws plugin header`). This crate has the ABI's `#[repr(C)]` structs (their sizes
//! checked at compile time against the header's), a small JSON value, a [`Provider`] trait for the
//! methods, and [`export_provider!`], which writes the two exports and the glue:
//!
//! ```ignore
//! struct Mine { /* ... */ }
//! impl agentws_provider::Provider for Mine { /* create, call */ }
//! agentws_provider::export_provider!(Mine, name: "mine", version: "0.1.0");
//! ```
//!
//! `examples/provider.rs` is a complete plugin that keeps its conversations on disk.

pub mod abi;
pub mod json;

mod glue;

pub use abi::*;
pub use glue::{call_instance, create_instance, destroy_instance, free_buffer};
pub use json::Value;

use std::os::raw::c_char;

/// What `create` receives: the instance name, its options, the workspace and the instance's private
/// state directory (absolute; created by the host).
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub provider: String,
    pub options: Value,
    pub workspace: String,
    pub state_directory: String,
}

/// A failure answered to the host: one of the ABI's codes and a message for the user.
#[derive(Clone, Debug, PartialEq)]
pub struct Error {
    pub code: &'static str,
    pub message: String,
}

impl Error {
    pub fn new(code: &'static str, message: impl Into<String>) -> Error {
        Error { code, message: message.into() }
    }
    pub fn invalid_request(message: impl Into<String>) -> Error {
        Error::new(ERROR_INVALID_REQUEST, message)
    }
    pub fn not_found(message: impl Into<String>) -> Error {
        Error::new(ERROR_NOT_FOUND, message)
    }
    pub fn resume_failed(message: impl Into<String>) -> Error {
        Error::new(ERROR_RESUME_FAILED, message)
    }
    pub fn provider_failed(message: impl Into<String>) -> Error {
        Error::new(ERROR_PROVIDER_FAILED, message)
    }
    pub fn unsupported(message: impl Into<String>) -> Error {
        Error::new(ERROR_UNSUPPORTED, message)
    }

    fn to_json(&self) -> Value {
        Value::object(vec![
            ("code", Value::String(self.code.to_string())),
            ("message", Value::String(self.message.clone())),
        ])
    }
}

/// Log levels for [`Host::log`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogLevel {
    Debug = 0,
    Info = 1,
    Warning = 2,
    Error = 3,
}

/// The host's callbacks, valid from `create` until the instance is dropped; usable from any thread.
#[derive(Clone, Copy)]
pub struct Host {
    callbacks: *const HostCallbacks,
}

// The ABI lets the callbacks be called from any thread while the instance lives.
unsafe impl Send for Host {}
unsafe impl Sync for Host {}

impl Host {
    fn callbacks(&self) -> Option<&HostCallbacks> {
        unsafe { self.callbacks.as_ref() }
    }

    /// Reports an event of `session`: `fields` is the event without its `session` member, e.g.
    /// `{"type": "text", "text": "..."}` (docs/plugin-abi.md, "Events").
    pub fn emit(&self, session: &str, fields: Vec<(&str, Value)>) {
        let host = match self.callbacks() {
            Some(host) => host,
            None => return,
        };
        if (host.struct_size as usize) < HOST_CALLBACKS_EMIT_EVENT_END {
            return;
        }
        if let Some(emit) = host.emit_event {
            let mut members = vec![("session", Value::String(session.to_string()))];
            members.extend(fields);
            let text = Value::object(members).to_json();
            unsafe { emit(host.context, text.as_ptr() as *const c_char, text.len()) }
        }
    }

    /// Reports a piece of the agent's reply.
    pub fn emit_text(&self, session: &str, text: &str) {
        self.emit(session, vec![("type", Value::String("text".into())), ("text", Value::String(text.into()))]);
    }

    /// Writes a line to the host's log (never write to stdout or stderr: they belong to the user).
    pub fn log(&self, level: LogLevel, message: &str) {
        let host = match self.callbacks() {
            Some(host) => host,
            None => return,
        };
        if (host.struct_size as usize) < HOST_CALLBACKS_SIZE {
            return;
        }
        if let Some(log) = host.log {
            unsafe { log(host.context, level as i32, message.as_ptr() as *const c_char, message.len()) }
        }
    }
}

/// A provider: created once per configured instance, then asked to run methods.
///
/// `call` may run on several threads at once, so keep mutable state behind a `Mutex`. Without the
/// agentws daemon every command is a new process: keep what a later command needs (the conversation
/// a resume cursor names) under `config.state_directory`, never only in memory.
pub trait Provider: Send + Sync + Sized + 'static {
    /// Makes an instance; an `Err` is shown to the user as the reason it could not be created.
    fn create(config: Config, host: Host) -> Result<Self, Error>;

    /// Runs `method` (`describe`, `start`, `send`, `interrupt`, `status`, `stop`, and in ABI 1.1 the
    /// optional `export`, `import`, `fork`) with its `params` object; the result is the method's
    /// result object. Answer methods you do not have with [`Error::unsupported`].
    fn call(&self, method: &str, params: &Value) -> Result<Value, Error>;
}

/// The compiler that built this plugin, NUL-terminated, for the magic block.
pub const TOOLCHAIN: &str = concat!(env!("AGENTWS_PROVIDER_TOOLCHAIN"), "\0");

/// Exports `agentws_provider_magic` and `agentws_provider_entry` for a [`Provider`] type.
///
/// `name` must match `[a-z0-9][a-z0-9._-]*` (at most 64 bytes): configurations refer to the plugin
/// by it. Use it once per `cdylib`.
#[macro_export]
macro_rules! export_provider {
    ($provider:ty, name: $name:literal, version: $version:literal) => {
        static AGENTWS_PROVIDER_MAGIC_BLOCK: $crate::PluginMagic = $crate::PluginMagic {
            magic: $crate::PROVIDER_MAGIC,
            abi_major: $crate::ABI_MAJOR,
            abi_minor: $crate::ABI_MINOR,
            struct_size: ::std::mem::size_of::<$crate::PluginMagic>() as u32,
            reserved: 0,
            plugin_name: concat!($name, "\0").as_ptr() as *const ::std::os::raw::c_char,
            plugin_version: concat!($version, "\0").as_ptr() as *const ::std::os::raw::c_char,
            toolchain: $crate::TOOLCHAIN.as_ptr() as *const ::std::os::raw::c_char,
        };
        static AGENTWS_PROVIDER_ENTRY_TABLE: $crate::PluginEntry = $crate::PluginEntry {
            struct_size: ::std::mem::size_of::<$crate::PluginEntry>() as u32,
            abi_minor: $crate::ABI_MINOR,
            create: Some($crate::create_instance::<$provider>),
            call: Some($crate::call_instance::<$provider>),
            destroy: Some($crate::destroy_instance::<$provider>),
            free_buffer: Some($crate::free_buffer),
        };
        #[no_mangle]
        pub extern "C" fn agentws_provider_magic() -> *const $crate::PluginMagic {
            &AGENTWS_PROVIDER_MAGIC_BLOCK
        }
        #[no_mangle]
        pub extern "C" fn agentws_provider_entry() -> *const $crate::PluginEntry {
            &AGENTWS_PROVIDER_ENTRY_TABLE
        }
    };
}
