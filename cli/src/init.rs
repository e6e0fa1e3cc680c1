//! `assure init`.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

use assure_engine::init::{self, FileNote, InitReport};
use assure_engine::submission::{MANIFEST, Profile};
use clap::Args;

use crate::ExitStatus;
use crate::failure::{CommandResult, Failure};

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder holding the evidence files.
    pub folder: PathBuf,

    /// Print the manifest instead of writing it.
    #[arg(long)]
    pub dry_run: bool,

    /// Answer a deployment-profile question: `patient_data`, `hosted_service`,
    /// `medical_device`, `supplier_remote_access`, `real_time_direct_care`,
    /// `essential_function`, `designated_critical_supplier` or
    /// `managed_service` `=true` or `=false`; `criticality=standard|high|critical`;
    /// `device_class=none|I|IIa|IIb|III`. Repeat for each. On a terminal, the
    /// questions not answered here (nor by an existing manifest) are asked;
    /// elsewhere they are left unanswered, and `check` judges each as its
    /// strictest answer and asks for it (needs-evidence).
    #[arg(long = "profile", value_name = "KEY=VALUE", value_parser = parse_answer)]
    pub profile: Vec<(String, String)>,

    /// Never ask the profile questions, even on a terminal.
    #[arg(long)]
    pub no_prompt: bool,
}

fn parse_answer(text: &str) -> Result<(String, String), String> {
    let keys = || {
        Profile::QUESTIONS
            .iter()
            .map(|(k, _)| *k)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (key, value) = text
        .split_once('=')
        .ok_or_else(|| format!("expected KEY=VALUE, with KEY one of {}", keys()))?;
    let key = key.trim();
    if !Profile::QUESTIONS.iter().any(|(k, _)| *k == key) {
        return Err(format!(
            "`{key}` is no profile question; the questions are {}",
            keys()
        ));
    }
    // The same parsing as the manifest's, so every answer `init` takes is
    // one `check` reads.
    Profile::default()
        .set_answer(key, value)
        .map_err(|e| e.message)?;
    Ok((key.to_owned(), value.trim().to_owned()))
}

/// Asks each unanswered profile question on the terminal; an empty or
/// unclear answer leaves it unanswered.
fn ask(profile: &mut Profile) {
    let stdin = std::io::stdin();
    let mut err = anstream::stderr();
    for (key, question) in Profile::QUESTIONS {
        if profile.answer(key).is_some() {
            continue;
        }
        let hint = if Profile::is_yes_no(key) {
            "y/n".to_owned()
        } else {
            Profile::answers(key).join("/")
        };
        let _ = write!(err, "{question} [{hint}, empty to leave unanswered] ");
        let _ = err.flush();
        let mut line = String::new();
        if stdin.lock().read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let answer = line.trim();
        if Profile::is_yes_no(key) {
            match answer.to_ascii_lowercase().as_str() {
                "y" | "yes" | "true" => {
                    profile.set(key, true);
                }
                "n" | "no" | "false" => {
                    profile.set(key, false);
                }
                _ => {}
            }
        } else {
            // An answer that is not one of the names leaves it unanswered.
            let _ = profile.set_answer(key, answer);
        }
    }
}

/// Says what was recognised in each file, and which files were not
/// declared and why.
fn tell(out: &mut impl Write, report: &InitReport) {
    let sections: [(&str, &[FileNote]); 4] = [
        ("recognised", &report.recognised),
        (
            "declared again, as what they are now recognised as",
            &report.redeclared,
        ),
        (
            "not recognised, so listed without a media type (`assure check` reports each as \
             unrecognised evidence; declare `media_type` if a plugin reads it)",
            &report.unrecognised,
        ),
        ("left out of the manifest", &report.skipped),
    ];
    for (title, notes) in sections {
        if notes.is_empty() {
            continue;
        }
        let _ = writeln!(out, "{title}:");
        for n in notes {
            let _ = writeln!(
                out,
                "  {}: {}",
                init::printable(&n.path),
                init::printable(&n.note)
            );
        }
    }
}

pub fn run(args: &InitArgs) -> CommandResult {
    let mut report = init::init_report(&args.folder)?;
    for (key, value) in &args.profile {
        if let Err(message) = report.manifest.profile.set_answer(key, value) {
            return Err(Failure::usage(message.to_string()));
        }
    }
    if !args.no_prompt
        && !report.manifest.profile.unanswered().is_empty()
        && std::io::stdin().is_terminal()
        && std::io::stderr().is_terminal()
    {
        ask(&mut report.manifest.profile);
    }
    // Answers that contradict each other would write a manifest `check`
    // refuses: refuse them here instead.
    let problems = report.manifest.profile.problems();
    if !problems.is_empty() {
        return Err(Failure::usage(problems.join("\nerror: ")));
    }
    let text = init::report_to_toml(&report);
    if args.dry_run {
        let _ = anstream::stdout().write_all(text.as_bytes());
        // The manifest is on stdout: the notes go to stderr.
        tell(&mut anstream::stderr(), &report);
        return Ok(ExitStatus::Success);
    }
    let manifest = &report.manifest;
    let path = args.folder.join(MANIFEST);
    if let Err(source) = std::fs::write(&path, text) {
        return Err(Failure::from(assure_engine::Error::Io {
            action: "write",
            path,
            source,
        }));
    }
    let mut out = anstream::stdout();
    let _ = writeln!(
        out,
        "wrote {} with {} evidence file(s) and their SHA-256 digests",
        path.display(),
        manifest.evidence.len()
    );
    tell(&mut out, &report);
    let unanswered = manifest.profile.unanswered();
    if !unanswered.is_empty() {
        let _ = writeln!(
            out,
            "the profile leaves {} unanswered: `assure check` judges each as its strictest \
             answer (true, device class III, tier critical) and says needs-evidence until it is \
             answered in [profile] (or `assure init --profile KEY=VALUE`)",
            unanswered
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if manifest.product.name.starts_with("CHANGE ME") {
        let _ = writeln!(
            out,
            "next: fill in [product] (name, version, supplier) and [profile], then run `assure check {}`",
            args.folder.display()
        );
    }
    Ok(ExitStatus::Success)
}
