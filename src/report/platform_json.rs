//! results.json (and `--format json`) of a platform run: the layout of
//! every run's results.json (see [`super::json`]) with the `platform`
//! section of [`super::platform_section`].

use super::ReportError;
use super::platform_section::section;
use super::platform_view::PlatformView;
use crate::provenance::Provenance;
use crate::simulation::TargetsReport;

/// The provenance of a platform run: the build and `base`'s command line,
/// the model, seed, trials, years and threads.
pub fn provenance(v: &PlatformView, base: &Provenance, path: &str) -> Provenance {
    let m = v.platform.world_model();
    let r = v.results;
    base.clone()
        .with_model(&r.name, path, &m.source.sha256)
        .with_run(r.seed, r.trials, r.years)
        .with_threads(r.threads as usize)
}

/// The targets of the shared model (`[targets]`).
pub fn targets(v: &PlatformView) -> TargetsReport {
    let t = &v.platform.world_model().targets;
    TargetsReport { rpo_s: t.rpo.secs(), rto_s: t.rto.secs(), confidence: t.confidence.get() }
}

/// results.json of a platform run.
///
/// # Errors
/// [`ReportError::Serialize`] when serialisation fails.
pub fn render(v: &PlatformView, base: &Provenance, path: &str) -> Result<String, ReportError> {
    super::json::platform_results(&provenance(v, base, path), &targets(v), &section(v))
}
