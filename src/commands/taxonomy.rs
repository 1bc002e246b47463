//! `churn taxonomy init | show | validate`.

use std::io::Write;
use std::path::Path;

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};

use crate::cli::TaxonomyCommand;
use crate::config::{check, Checked, Config, Diagnostic, Origin, Severity, BUILTIN_TOML};
use crate::render::{taxonomy as render, Format};
use crate::taxonomy::{CodeTarget, Phrase};

/// `churn taxonomy init`: write the built-in taxonomy.
fn init(path: &str, force: bool, out: &mut dyn Write) -> Result<()> {
    if path == "-" {
        out.write_all(BUILTIN_TOML.as_bytes())?;
        return Ok(());
    }
    let p = Path::new(path);
    if p.exists() && !force {
        bail!("`{path}` exists; pass --force to overwrite it");
    }
    crate::output::to_file(p, BUILTIN_TOML.as_bytes())
        .with_context(|| format!("cannot write `{path}`"))?;
    crate::diag::note(format_args!(
        "wrote the built-in taxonomy to `{path}`; edit it, then check it with `churn taxonomy validate {path}`"
    ));
    Ok(())
}

fn phrases_by_lang<'p>(phrases: impl IntoIterator<Item = &'p Phrase>) -> Value {
    let mut map = serde_json::Map::new();
    for p in phrases {
        map.entry(p.lang.clone())
            .or_insert_with(|| Value::Array(Vec::new()))
            .as_array_mut()
            .expect("array")
            .push(Value::String(p.text.clone()));
    }
    Value::Object(map)
}

/// The taxonomy in force as JSON.
pub fn to_json(config: &Config) -> Value {
    let t = &config.taxonomy;
    json!({
        "schema_version": 1,
        "config": config.origin.path(),
        "matching": {
            "accents": if t.matching.fold_accents { "fold" } else { "keep" },
            "stemming": t.matching.stemming,
            "typos": t.matching.typos,
            "max_gap": t.matching.max_gap,
        },
        "attribution": config.attribution.name(),
        "benchmark": config.benchmark,
        "reasons": t.reasons.iter().map(|r| json!({
            "id": r.id,
            "label": r.label,
            "meaning": r.meaning,
            "priority": r.priority,
            // Every rule that tags the reason: its own and its sub-reasons'.
            "phrases": phrases_by_lang(r.all_phrases()),
            "hints": phrases_by_lang(r.all_hints()),
            "regex": r.all_regex().collect::<Vec<_>>(),
            "sub_reasons": r.subs.iter().map(|s| json!({
                "id": s.id,
                "label": s.label,
                "meaning": s.meaning,
                "phrases": phrases_by_lang(&s.phrases),
                "hints": phrases_by_lang(&s.hints),
                "regex": s.regex,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "code_maps": t.code_maps.iter().map(|m| json!({
            "id": m.id,
            "description": m.description,
            "headers": m.headers,
            "detect_by_values": m.detect_by_values,
            "codes": m.codes.iter().map(|(code, target)| json!({
                "code": code,
                "target": match target {
                    CodeTarget::Reason(id) => id.clone(),
                    CodeTarget::Text => "@text".to_string(),
                    CodeTarget::Involuntary => "@involuntary".to_string(),
                    CodeTarget::Nothing => "@none".to_string(),
                },
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "no_answer": t.no_answer,
        "negation": {
            "enabled": t.negation.enabled,
            "window": t.negation.window,
            "cues": phrases_by_lang(&t.negation.cues),
            "keep": phrases_by_lang(&t.negation.keep),
            "breaks": phrases_by_lang(&t.negation.breaks),
        },
        "benchmarks": super::benchmarks::to_json(config),
    })
}

/// Read the file to validate: the one named, else the config in force.
fn checked(file: Option<&Path>, config_flag: Option<&Path>) -> Result<(String, Checked)> {
    let path = crate::files::config_path(file.or(config_flag));
    match path {
        Some(p) => {
            let text = crate::files::read_config(&p)?;
            Ok((p.display().to_string(), check(&text, Origin::File(p))))
        }
        None => Ok((
            "(built-in)".to_string(),
            check(BUILTIN_TOML, Origin::Builtin),
        )),
    }
}

/// What is wrong with the model a configuration uses: a file that cannot be read (an error),
/// and labels that are not reasons of the taxonomy (a warning: the model never tags a row with
/// them).
fn model_diagnostics(config: &Config) -> Vec<Diagnostic> {
    if !config.model.enabled {
        return Vec::new();
    }
    let (model, name) = match &config.model.path {
        Some(path) => match crate::files::model(path) {
            Ok(m) => (
                std::sync::Arc::new(m),
                format!("model `{}`", path.display()),
            ),
            Err(e) => {
                return vec![Diagnostic {
                    severity: Severity::Error,
                    line: None,
                    column: None,
                    message: format!("{e:#}"),
                }]
            }
        },
        None => (
            crate::model::Model::builtin(),
            "the built-in model".to_string(),
        ),
    };
    let unknown: Vec<String> = model
        .labels()
        .iter()
        .filter(|l| *l != crate::model::UNCLASSIFIED && config.taxonomy.position(l).is_none())
        .map(|l| format!("`{l}`"))
        .collect();
    if unknown.is_empty() {
        return Vec::new();
    }
    vec![Diagnostic {
        severity: Severity::Warning,
        line: None,
        column: None,
        message: format!(
            "{name} has labels that are not reasons of this taxonomy: {}; it never tags a row \
             with them (train one on this taxonomy's reasons with `churn train`, or set \
             `[model] enabled = false`)",
            unknown.join(", ")
        ),
    }]
}

/// Run a `churn taxonomy` command; returns whether it passed (validate finds no errors).
pub fn run(
    command: &TaxonomyCommand,
    config_flag: Option<&Path>,
    out: &mut dyn Write,
) -> Result<bool> {
    match command {
        TaxonomyCommand::Init { path, force } => {
            init(path, *force, out)?;
            Ok(true)
        }
        TaxonomyCommand::Show { format } => {
            let config = crate::files::config(config_flag)?;
            match format {
                Format::Json => {
                    serde_json::to_writer_pretty(&mut *out, &to_json(&config))?;
                    writeln!(out)?;
                }
                Format::Table => render::show(&config, out)?,
            }
            Ok(true)
        }
        TaxonomyCommand::Validate { file, format } => {
            let (name, mut result) = checked(file.as_deref(), config_flag)?;
            if let Some(config) = &result.config {
                result.diagnostics.extend(model_diagnostics(config));
            }
            let ok = result.errors().next().is_none();
            match format {
                Format::Json => {
                    let v = json!({
                        "schema_version": 1,
                        "file": name,
                        "valid": ok,
                        "errors": result.errors().count(),
                        "warnings": result.warnings().count(),
                        "diagnostics": result.diagnostics,
                    });
                    serde_json::to_writer_pretty(&mut *out, &v)?;
                    writeln!(out)?;
                }
                Format::Table => render::validation(&name, &result, out)?,
            }
            Ok(ok)
        }
        TaxonomyCommand::Stats(args) => {
            let config = crate::files::config(config_flag)?;
            super::taxonomy_stats::run(args, &config, out)?;
            Ok(true)
        }
    }
}
