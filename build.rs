//! Embeds every rule document of `rules/` (`WA*.yaml`) in the binary, so the catalogue is data that
//! ships with the code that implements it.

use std::{env, fs, path::Path};

fn main() {
    println!("cargo:rerun-if-changed=rules");
    let mut names: Vec<String> = fs::read_dir("rules")
        .map(|dir| {
            dir.filter_map(|entry| entry.ok())
                .map(|entry| entry.file_name().to_string_lossy().into_owned())
                .filter(|name| name.starts_with("WA") && name.ends_with(".yaml"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let root = env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    let entries: String = names
        .iter()
        .map(|name| {
            format!("    ({name:?}, include_str!(concat!({root:?}, \"/rules/\", {name:?}))),\n")
        })
        .collect();
    let out = Path::new(&env::var("OUT_DIR").unwrap_or_else(|_| ".".into())).join("catalogue.rs");
    let code = format!("pub static RULE_DOCUMENTS: &[(&str, &str)] = &[\n{entries}];\n");
    if let Err(error) = fs::write(&out, code) {
        panic!("cannot write {}: {error}", out.display());
    }
}
