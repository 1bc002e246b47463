//! The tagger alone, in MB/s of answer text per language: `cargo bench --bench tagger`.
//!
//! Input: the labelled answers of `fixtures/corpus/labelled.csv`, per language, repeated to
//! about 256 KB each. `classify_text` remembers no answers (the memory of recent answers is
//! `classify_remembered`'s, which the pipeline uses on top), so repeats cost what new answers
//! cost. Every answer is classified with the built-in taxonomy: normalization, word
//! lookup (stems, typos), phrase and regex rules, negation.

use std::hint::black_box;

use churn_attribution::classify::{Classifier, Scratch};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn answers_by_language() -> Vec<(String, Vec<String>)> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/corpus/labelled.csv");
    let mut reader = csv::Reader::from_path(path).expect("labelled corpus");
    let mut by: Vec<(String, Vec<String>)> = Vec::new();
    for record in reader.records() {
        let record = record.expect("a record");
        let (lang, answer) = (record[0].to_string(), record[1].to_string());
        match by.iter_mut().find(|(l, _)| *l == lang) {
            Some((_, list)) => list.push(answer),
            None => by.push((lang, vec![answer])),
        }
    }
    by
}

fn tagger(c: &mut Criterion) {
    let taxonomy = churn_attribution::config::builtin_taxonomy();
    let classifier = Classifier::new(&taxonomy).expect("built-in taxonomy");
    let mut group = c.benchmark_group("tagger");
    for (lang, answers) in answers_by_language() {
        let mut input = Vec::new();
        let mut bytes = 0;
        while bytes < 256 * 1024 {
            for a in &answers {
                bytes += a.len();
                input.push(a.clone());
            }
        }
        group.throughput(Throughput::Bytes(bytes as u64));
        group.bench_function(&lang, |b| {
            let mut scratch = Scratch::new();
            b.iter(|| {
                for a in &input {
                    black_box(classifier.classify_text(black_box(a), &mut scratch));
                }
            })
        });
    }
    group.finish();
}

criterion_group!(benches, tagger);
criterion_main!(benches);
