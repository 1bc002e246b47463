//! Model files on arbitrary bytes: reading one is a model or an error, never a panic; a model
//! read writes back the same bytes and gives probabilities that sum to 1. Seed: the built-in
//! model (`fuzz/corpus/model/seed_builtin`, a copy of `crates/core/src/model/builtin.bin`).
#![no_main]

use churn_attribution::classify::{normalize_into, Normalized};
use churn_attribution::model::{Model, ModelScratch};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(model) = Model::from_bytes(data) else {
        return;
    };
    assert_eq!(model.to_bytes(), data);
    let mut n = Normalized::default();
    let mut scratch = ModelScratch::default();
    for text in ["too expensive", "we moved", "", "zzz zzz zzz"] {
        normalize_into(text, true, &mut n);
        let p = model.predict(&n, true, text, &mut scratch);
        let total: f64 = p.iter().sum();
        assert!((total - 1.0).abs() < 1e-9 && p.iter().all(|x| x.is_finite()));
    }
});
