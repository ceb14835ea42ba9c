//! rust-example: an agentws provider plugin in Rust. It answers every turn with
//! "rust-example turn N: <text>"; put your agent where `send` makes that reply.
//!
//! Without the agentws daemon every command is a new process that loads this plugin afresh, so each
//! conversation is a file under the state directory the host gives
//! (`<stateDirectory>/conversations/<id>`, "turns N\n", replaced atomically after every turn), and a
//! resume cursor from an earlier process finds it there. Sessions live in memory.
//!
//! `agentws plugin new NAME --lang rust` starts a new plugin from this file.

use agentws_provider::{export_provider, Config, Error, Host, Provider, Value};
use std::collections::HashMap;
use std::fs;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

const NAME: &str = "rust-example";

struct Plugin {
    host: Host,
    /// `<stateDirectory>/conversations`.
    conversations: String,
    /// The live sessions of this process: session id → conversation id.
    sessions: Mutex<HashMap<String, String>>,
    counter: AtomicU64,
}

impl Provider for Plugin {
    fn create(config: Config, host: Host) -> Result<Self, Error> {
        Ok(Plugin {
            host,
            conversations: format!("{}/conversations", config.state_directory),
            sessions: Mutex::new(HashMap::new()),
            counter: AtomicU64::new(0),
        })
    }

    fn call(&self, method: &str, params: &Value) -> Result<Value, Error> {
        match method {
            "describe" => Ok(Value::object(vec![
                ("modelSwitch", Value::String("in-session".into())),
                ("models", Value::Array(vec![Value::String(format!("{}-1", NAME))])),
                ("canResume", Value::Bool(true)),
                ("canExport", Value::Bool(false)),
                ("canImport", Value::Bool(false)),
                ("canFork", Value::Bool(false)),
            ])),
            "start" => self.start(params),
            "send" => self.send(params),
            "interrupt" | "status" | "stop" => self.session_method(method, params),
            // Not offered yet (describe says so): implement them here.
            "export" | "import" | "fork" => Err(Error::unsupported(format!("{} does not {} conversations yet", NAME, method))),
            _ => Err(Error::unsupported(format!("{} has no method {}", NAME, method))),
        }
    }
}

impl Plugin {
    fn start(&self, params: &Value) -> Result<Value, Error> {
        let cursor = params.get("resumeCursor").filter(|c| !c.is_null());
        let conversation = match cursor {
            Some(cursor) => {
                let id = cursor.get("conversation").and_then(Value::as_str).unwrap_or("");
                if !valid_id(id) || self.turns(id).is_none() {
                    return Err(Error::resume_failed(format!(
                        "{}: no conversation {} in {}", NAME, cursor.to_json(), self.conversations)));
                }
                id.to_string()
            }
            None => {
                let id = self.new_id();
                self.save(&id, 0)?;
                id
            }
        };
        let session = self.new_id();
        self.sessions.lock().unwrap_or_else(|e| e.into_inner()).insert(session.clone(), conversation.clone());
        Ok(Value::object(vec![
            ("session", Value::String(session)),
            ("cursor", Value::object(vec![("conversation", Value::String(conversation))])),
            ("resumed", Value::Bool(cursor.is_some())),
        ]))
    }

    fn send(&self, params: &Value) -> Result<Value, Error> {
        let session = string_param(params, "session")?;
        let text = string_param(params, "text")?;
        let conversation = self.conversation_of(session)?;
        let turn = self.turns(&conversation).unwrap_or(0) + 1;
        self.save(&conversation, turn)?;
        // Your agent goes here: emit its output as events, then return.
        self.host.emit_text(session, &format!("{} turn {}: {}", NAME, turn, text));
        Ok(Value::object(vec![("stopReason", Value::String("end_turn".into()))]))
    }

    fn session_method(&self, method: &str, params: &Value) -> Result<Value, Error> {
        let session = string_param(params, "session")?;
        if method == "stop" {
            let mut sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
            if sessions.remove(session).is_none() {
                return Err(Error::not_found(format!("{}: no session {}", NAME, session)));
            }
            return Ok(Value::Object(Vec::new()));
        }
        self.conversation_of(session)?;
        Ok(if method == "status" {
            Value::object(vec![("busy", Value::Bool(false))])
        } else {
            Value::Object(Vec::new())
        })
    }

    fn conversation_of(&self, session: &str) -> Result<String, Error> {
        let sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        sessions.get(session).cloned().ok_or_else(|| Error::not_found(format!("{}: no session {}", NAME, session)))
    }

    fn new_id(&self) -> String {
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        format!("{:x}-{:x}-{:x}", std::process::id(), nanos, self.counter.fetch_add(1, Ordering::Relaxed))
    }

    /// The turns of a stored conversation, or None when it has no readable file.
    fn turns(&self, id: &str) -> Option<u64> {
        let text = fs::read_to_string(format!("{}/{}", self.conversations, id)).ok()?;
        text.strip_prefix("turns ")?.strip_suffix('\n')?.parse().ok()
    }

    /// Writes a conversation's file whole: temporary file, fsync, rename, fsync of the directory.
    fn save(&self, id: &str, turns: u64) -> Result<(), Error> {
        let failed = |e: std::io::Error| Error::provider_failed(format!("{}: {}: {}", NAME, self.conversations, e));
        fs::create_dir_all(&self.conversations).map_err(failed)?;
        let temporary = format!("{}/.tmp-{}", self.conversations, id);
        let mut file = fs::File::create(&temporary).map_err(failed)?;
        file.write_all(format!("turns {}\n", turns).as_bytes()).map_err(failed)?;
        file.sync_all().map_err(failed)?;
        fs::rename(&temporary, format!("{}/{}", self.conversations, id)).map_err(failed)?;
        fs::File::open(&self.conversations).and_then(|d| d.sync_all()).map_err(failed)
    }
}

fn string_param<'a>(params: &'a Value, key: &str) -> Result<&'a str, Error> {
    params.get(key).and_then(Value::as_str).ok_or_else(|| Error::invalid_request(format!("params.{} must be a string", key)))
}

/// Ids this plugin makes are lowercase hex and dashes; a cursor holding anything else never becomes
/// part of a path.
fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() < 64 && id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b) || b == b'-')
}

export_provider!(Plugin, name: "rust-example", version: "0.1.0");
