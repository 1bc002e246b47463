//! The tagger behind `churn.tag`, the polars plugin, DuckDB and Spark: a configuration compiled
//! once per process (kept by its text), and a column of answers turned into a struct column with
//! a field per part of each row's tag, tagged as `churn tag` tags rows.

use std::path::Path;
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result};
use polars::prelude::*;
use rayon::prelude::*;

use churn_attribution::classify::Classifier;
use churn_attribution::cli::ModelArgs;
use churn_attribution::config::Config;
use churn_attribution::tagging::{answers_of, tag_answers, RowTag, TagIds};

/// The fields of each row's tag, in order.
pub const FIELDS: [&str; 7] = [
    "reason",
    "reasons",
    "sub_reason",
    "status",
    "evidence",
    "confidence",
    "competitor",
];

/// The struct each row's tag is: the same whatever the configuration, so that a query's schema
/// is known before it runs (`confidence` is null without a model, `competitor` without
/// `[competitors]`).
pub fn dtype() -> DataType {
    let list = || DataType::List(Box::new(DataType::String));
    let types = [
        DataType::String,
        list(),
        DataType::String,
        DataType::String,
        list(),
        DataType::Float32,
        DataType::String,
    ];
    DataType::Struct(
        (FIELDS.iter().zip(types))
            .map(|(name, dtype)| Field::new((*name).into(), dtype))
            .collect(),
    )
}

/// Where the configuration comes from: its text and the path it is named by in errors (and
/// relative paths in it are read from), or the built-in one; and whether the model is used.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Deserialize)]
pub struct Source {
    pub config: Option<String>,
    pub path: Option<String>,
    pub model: bool,
}

/// A configuration and its compiled classifier.
pub struct Tagger {
    config: Config,
    classifier: Classifier,
}

/// The tagger of `source`, compiled the first time this process meets it.
pub fn tagger(source: &Source) -> Result<Arc<Tagger>> {
    static CACHE: Mutex<Vec<(Source, Arc<Tagger>)>> = Mutex::new(Vec::new());
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, t)) = cache.iter().find(|(s, _)| s == source) {
        return Ok(t.clone());
    }
    let config = match &source.config {
        None => Config::builtin(),
        Some(text) => {
            let path = source.path.as_deref().unwrap_or("<config>");
            Config::from_text(text, Path::new(path))?
        }
    };
    let model = ModelArgs {
        no_model: !source.model,
    };
    let classifier = churn_attribution::commands::classifier(&config, &model)?;
    let tagger = Arc::new(Tagger { config, classifier });
    // A process meets few configurations; a long-lived one that makes many keeps the last 16.
    if cache.len() == 16 {
        cache.remove(0);
    }
    cache.push((source.clone(), tagger.clone()));
    Ok(tagger)
}

/// Rows tagged per task: small enough to share a column among the threads, large enough that
/// a task outweighs its scheduling.
const ROWS_PER_TASK: usize = 4096;

impl Tagger {
    /// Each row of `text` (and of the `codes` columns beside it) tagged, as a struct column
    /// named `name`. Rows are tagged as `churn tag` tags them: a blank cell is no answer.
    /// `threads`: whether to spread the rows over threads of our own (no when the caller is
    /// already one of several threads, such as polars' streaming engine).
    pub fn tag(
        &self,
        name: &str,
        text: &Series,
        codes: &[Series],
        threads: bool,
    ) -> Result<Series> {
        let n = text.len();
        let strings = |s: &Series, what: &str| -> Result<StringChunked> {
            anyhow::ensure!(
                s.len() == n,
                "the {what} have {} rows, the answers {n}",
                s.len()
            );
            let cast = match s.dtype() {
                DataType::String => s.clone(),
                DataType::Null => s.cast(&DataType::String)?,
                other => {
                    anyhow::bail!("the {what} must be text (strings), not {other}; cast them first")
                }
            };
            Ok(cast.str()?.rechunk().into_owned())
        };
        let text = strings(text, "answers")?;
        let codes = (codes.iter())
            .map(|c| strings(c, "codes"))
            .collect::<Result<Vec<_>>>()?;
        let codes: Vec<&StringChunked> = codes.iter().collect();
        let ids = TagIds::of(&self.config.taxonomy);
        let tag = |range| {
            tag_answers(
                &self.classifier,
                &ids,
                &answers_of(Some(&text), &codes, range),
            )
        };
        let tags: Vec<RowTag> = if threads {
            let starts: Vec<usize> = (0..n).step_by(ROWS_PER_TASK).collect();
            // On rayon's pool (sized to the cores, or by RAYON_NUM_THREADS): the polars in this
            // library is not the one Python imported, and its pool would be a second one.
            (starts.par_iter())
                .map(|&start| tag(start..n.min(start + ROWS_PER_TASK)))
                .collect::<Vec<_>>()
                .into_iter()
                .flatten()
                .collect()
        } else {
            tag(0..n)
        };
        self.columns(name, &ids, &tags)
            .context("cannot build the tags' column")
    }

    /// The tags as a struct column of [`FIELDS`].
    fn columns(&self, name: &str, ids: &TagIds<'_>, tags: &[RowTag]) -> Result<Series> {
        let reason = |r: &usize| ids.reasons[*r];
        let model = self.classifier.model().is_some();
        let strings = |name: &str, values: Vec<Option<&str>>| {
            StringChunked::from_iter_options(name.into(), values.into_iter()).into_series()
        };
        let lists = |name: &str, values: Vec<Vec<&str>>| -> Series {
            let mut b = ListStringChunkedBuilder::new(name.into(), values.len(), values.len());
            for v in values {
                b.append_values_iter(v.into_iter());
            }
            b.finish().into_series()
        };
        let fields = [
            strings(
                FIELDS[0],
                tags.iter().map(|t| t.reasons.first().map(reason)).collect(),
            ),
            lists(
                FIELDS[1],
                tags.iter()
                    .map(|t| t.reasons.iter().map(reason).collect())
                    .collect(),
            ),
            strings(FIELDS[2], tags.iter().map(|t| ids.sub(t)).collect()),
            strings(
                FIELDS[3],
                tags.iter().map(|t| Some(t.status.as_str())).collect(),
            ),
            lists(
                FIELDS[4],
                tags.iter()
                    .map(|t| t.evidence.iter().map(String::as_str).collect())
                    .collect(),
            ),
            // As `churn tag`: no model, no confidence.
            Float32Chunked::from_iter_options(
                FIELDS[5].into(),
                (tags.iter()).map(|t| t.confidence.filter(|_| model)),
            )
            .into_series(),
            strings(FIELDS[6], tags.iter().map(|t| ids.competitor(t)).collect()),
        ];
        let s = StructChunked::from_series(name.into(), tags.len(), fields.iter())?;
        Ok(s.into_series())
    }
}
