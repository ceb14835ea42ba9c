// Records the compiler that builds the plugin, for the magic block's `toolchain` ("rustc-1.95.0").
use std::env;
use std::process::Command;

fn main() {
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".to_string());
    let version = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|output| String::from_utf8(output.stdout).ok())
        .and_then(|text| text.split_whitespace().nth(1).map(|v| format!("rustc-{}", v)))
        .unwrap_or_else(|| "rustc".to_string());
    println!("cargo:rustc-env=AGENTWS_PROVIDER_TOOLCHAIN={}", version);
    println!("cargo:rerun-if-env-changed=RUSTC");
}
