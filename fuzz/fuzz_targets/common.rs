//! What the fuzz targets share: the built-in taxonomy and its classifier, built once.

use churn_attribution::classify::Classifier;
use churn_attribution::taxonomy::Taxonomy;

pub fn built() -> &'static (Taxonomy, Classifier) {
    static BUILT: std::sync::OnceLock<(Taxonomy, Classifier)> = std::sync::OnceLock::new();
    BUILT.get_or_init(|| {
        let taxonomy = churn_attribution::config::builtin_taxonomy();
        let classifier = Classifier::new(&taxonomy).expect("built-in taxonomy");
        (taxonomy, classifier)
    })
}
