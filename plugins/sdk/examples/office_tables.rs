//! Prints the tables of a DOCX or ODT document as the office reader sees
//! them: `cargo run -p assure-plugin-sdk --features office --example
//! office_tables -- FORM.docx`.

#![allow(clippy::disallowed_macros, reason = "an example prints what it read")]
use assure_plugin_sdk::office::{describe_pointer, read_tables};

fn main() -> std::process::ExitCode {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: office_tables FORM.docx|FORM.odt");
        return std::process::ExitCode::from(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(error) => {
            eprintln!("{}: {error}", path.to_string_lossy());
            return std::process::ExitCode::FAILURE;
        }
    };
    match read_tables(&bytes) {
        Ok(document) => {
            println!("{:?}: {} tables", document.kind, document.tables.len());
            for (t, table) in document.tables.iter().enumerate() {
                println!(
                    "== table {} (heading {:?}, after {:?})",
                    t + 1,
                    table.heading,
                    table.preceding_text
                );
                for row in &table.rows {
                    for cell in &row.cells {
                        println!(
                            "{}: {:?}",
                            describe_pointer(cell.pointer.as_str()),
                            cell.text
                        );
                    }
                }
            }
            std::process::ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("{}: {error}", path.to_string_lossy());
            std::process::ExitCode::FAILURE
        }
    }
}
