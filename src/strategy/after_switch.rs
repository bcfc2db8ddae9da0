//! What happens after a failover restored service, until the primary is
//! back and the service returned to it: the DR side may fail while it serves
//! (its own rate, and a chance under the failover load), the primary may
//! return to find the two sides diverged (split brain), and otherwise the
//! planned failback interrupts the service once. The DR side's running cost
//! for the hours it served is recorded on the incident.
//!
//! Every feature here is off unless the strategy gives its table; off, this
//! is exactly the planned failback draw it replaces.

use rand::RngExt;

use super::Ctx;
use super::attempts::restore_point;
use super::backup::Query;
use crate::incident::{DataLoss, Incident, Path, Step};
use crate::model::{Duration, SimTime};
use crate::world::site::Disruption;

/// Finishes a failover incident whose DR side serves from `ready` (offset
/// from the loss of service) while the primary is down until `outage`.
/// `incident` holds the failover's downtime and data loss.
pub(super) fn finish(ctx: &mut Ctx<'_>, d: &Disruption, incident: &mut Incident, ready: Duration, outage: Duration) {
    let served = outage.saturating_sub(ready);
    let mut serving_for = served;
    let mut fail_back = true;
    if let Some(after) = dr_fails_after(ctx, served) {
        let back_via_dr = dr_failed(ctx, d, incident, ready, outage, after);
        if !back_via_dr {
            // The primary took the service back: nothing left to fail back.
            serving_for = after;
            fail_back = false;
        }
    }
    if fail_back {
        failback(ctx, incident);
    }
    let price = ctx.strategy.cost.failover_usd_per_hour;
    if price > 0.0 {
        incident.failover_running_usd = price * (serving_for + incident.failback_downtime).hours();
    }
}

/// When, after the switch, the DR side fails while serving for `served`:
/// the earlier of a failure at its own rate and one under the failover load;
/// `None` when neither comes before the primary is back. Draws nothing
/// without `[strategy.dr_failure]`.
fn dr_fails_after(ctx: &mut Ctx<'_>, served: Duration) -> Option<Duration> {
    let f = ctx.strategy.dr_failure.as_ref()?;
    let mut at: Option<Duration> = None;
    if f.rate_per_year > 0.0 {
        // Exponential time to failure at the DR side's own rate.
        let u: f64 = ctx.rng.random();
        let t = Duration::YEAR * (-(1.0 - u).ln() / f.rate_per_year);
        if t < served {
            at = Some(t);
        }
    }
    let q = f.under_load_probability.get();
    if q > 0.0 && ctx.rng.random::<f64>() < q {
        let t = match &f.under_load_after {
            Some(dist) => ctx.draw(dist),
            None => served * ctx.rng.random::<f64>(),
        };
        if t < served {
            at = Some(at.map_or(t, |a| a.min(t)));
        }
    }
    at
}

/// The DR side failed `after` the switch: the service is down until the DR
/// side is recovered or the primary is back, whichever is first. Returns
/// whether the DR side brought it back (then a failback follows).
///
/// Writes at risk: recovered on the DR side, everything written since the
/// newest usable backup before the failure (the schedule runs wherever the
/// service runs), plus the failover's own window when that backup predates
/// the outage; back on the primary, every write made on the DR side since the
/// switch, plus the failover's window.
fn dr_failed(
    ctx: &mut Ctx<'_>,
    d: &Disruption,
    incident: &mut Incident,
    ready: Duration,
    outage: Duration,
    after: Duration,
) -> bool {
    let failed_at = ready + after;
    let failed_time = d.start + failed_at;
    let switched_time = d.start + ready;
    let lag = incident.data_loss.window().unwrap_or(Duration::ZERO);
    let Some(f) = ctx.strategy.dr_failure.as_ref() else { return true };
    let point = match &ctx.strategy.backup {
        Some(policy) => {
            let query = Query { taken_before: failed_time, copy_arrived_by: None, restore_at: failed_time };
            restore_point(ctx, policy, query)
        }
        None => None,
    };
    let recovery = match (&f.recovery, &ctx.strategy.restore, point) {
        (Some(dist), _, _) => Some(ctx.draw(dist)),
        (None, Some(pipeline), Some(p)) => {
            let provision = ctx.draw(&pipeline.provision);
            let restored_to = failed_time.secs() - p.loss.secs();
            Some(p.failed + provision + super::backup_restore::restore_duration(ctx, pipeline, restored_to, 1.0))
        }
        _ => None,
    };
    let back_at = recovery.map_or(outage, |r| (failed_at + r).min(outage));
    let via_dr = recovery.is_some_and(|r| failed_at + r < outage);
    let loss = match point.filter(|_| via_dr) {
        Some(p) => {
            let taken = failed_time.secs() - p.loss.secs();
            let before_outage = if taken < d.start.secs() { Duration::from_secs(d.start.secs() - taken) } else { lag };
            let served_since = failed_time.saturating_since(SimTime::from_secs(taken.max(switched_time.secs())));
            before_outage.max(lag) + served_since
        }
        None => lag + after,
    };
    let down = back_at.saturating_sub(failed_at);
    incident.downtime += down;
    let step = if via_dr { Step::Restore } else { Step::Waiting };
    incident.steps[step as usize] += down;
    incident.data_loss = DataLoss::window_of(loss);
    incident.path = Path::DrFailed;
    via_dr
}

/// The planned failback, or, when the primary outlived a completed promotion
/// and the sides diverged, the reconciliation that replaces it.
fn failback(ctx: &mut Ctx<'_>, incident: &mut Incident) {
    let Some(split) = &ctx.strategy.split_brain else {
        incident.failback_downtime = ctx.draw(&ctx.strategy.steps.failback);
        return;
    };
    if ctx.rng.random::<f64>() >= split.probability.get() {
        incident.failback_downtime = ctx.draw(&ctx.strategy.steps.failback);
        return;
    }
    let reconcile = ctx.draw(&split.reconcile);
    incident.degraded += reconcile;
    incident.downtime += reconcile * split.unserved_share;
    if let Some(writes) = &split.writes_at_risk {
        let window = ctx.draw(writes);
        incident.data_loss = DataLoss::window_of(window);
    }
    if incident.path != Path::DrFailed {
        incident.path = Path::SplitBrain;
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_model;
    use crate::incident::Path;
    use crate::model::Model;
    use crate::tally::Tally;

    /// A warm standby facing one 10 h region outage a year, every step fixed.
    fn model(extra: &str) -> Model {
        let failure = "[[failure]]\nkind = \"region\"\nrate_per_year = 2.0\nduration = { dist = \"fixed\", value = \"10h\" }\nregions = [\"a\"]";
        let strategy = test_model::warm_standby(&format!("deployment = \"single_az\"\n{extra}"));
        test_model::model("10m", &format!("{failure}\n{strategy}"))
    }

    fn run(model: &Model, trials: u64) -> Tally {
        test_model::run(model, 3, trials)
    }

    /// Share `k / n` within 4 binomial standard errors of `p`.
    fn near(k: u64, n: u64, p: f64) -> bool {
        let se = (p * (1.0 - p) / n as f64).sqrt();
        (k as f64 / n as f64 - p).abs() <= 4.0 * se
    }

    #[test]
    fn a_dr_side_failing_under_load_waits_for_the_primary_without_backups() {
        // Fails under load with q = 0.25 at a fixed 4 h after the switch; no
        // backups, so the service waits 6 h for the primary and the 4 h of DR
        // writes plus the 1 s lag are lost.
        let m = model(
            "[strategy.dr_failure]\nunder_load_probability = 0.25\nunder_load_after = { dist = \"fixed\", value = \"4h\" }",
        );
        let t = run(&m, 20_000);
        let k = &t.strategies[0].kinds[crate::model::DisruptionKind::Region.index()];
        let failed = k.paths[Path::DrFailed.index()];
        assert!(near(failed, k.incidents, 0.25), "{failed} of {}", k.incidents);
        // Downtime: the rest of the outage after the failure, 6 h; RTO met only otherwise.
        assert_eq!(k.rto_met, k.incidents - failed);
        assert_eq!(k.rpo_met, k.incidents - failed);
        let mean_loss = k.data_loss_s.moments().mean();
        let expected = failed as f64 * (4.0 * 3600.0 + 1.0) + (k.incidents - failed) as f64;
        assert!((mean_loss * k.incidents as f64 - expected).abs() / expected < 0.01);
    }

    #[test]
    fn the_dr_side_fails_at_its_own_rate_while_serving() {
        // Rate 10/yr over 10 h of serving: P(fail) = 1 - exp(-10 x 10/8760).
        let m = model("[strategy.dr_failure]\nrate_per_year = 10.0");
        let t = run(&m, 20_000);
        let k = &t.strategies[0].kinds[crate::model::DisruptionKind::Region.index()];
        let p = 1.0 - (-10.0 * 10.0 / 8760.0f64).exp();
        assert!(near(k.paths[Path::DrFailed.index()], k.incidents, p));
    }

    #[test]
    fn split_brain_replaces_the_failback_with_the_reconciliation() {
        let m = model(
            "[strategy.split_brain]\nprobability = 0.5\nreconcile = { dist = \"fixed\", value = \"24h\" }\nunserved_share = 0.1",
        );
        let t = run(&m, 20_000);
        let k = &t.strategies[0].kinds[crate::model::DisruptionKind::Region.index()];
        let split = k.paths[Path::SplitBrain.index()];
        assert!(near(split, k.incidents, 0.5));
        // 2.4 h unserved (0.1 x 24 h) fails the 1 h RTO; the others meet it.
        assert_eq!(k.rto_met, k.incidents - split);
        let degraded = k.degraded_s.mean() * k.incidents as f64;
        assert!((degraded - split as f64 * 86_400.0).abs() < 1.0);
        let failback = k.failback_s.mean() * k.incidents as f64;
        assert!((failback - (k.incidents - split) as f64 * 600.0).abs() < 1.0);
    }

    #[test]
    fn the_dr_side_bills_its_hours_while_serving() {
        // 10 h of serving plus the 10 min failback at $100/h.
        let m = model("cost = { failover_usd_per_hour = 100.0 }");
        let t = run(&m, 2_000);
        let k = &t.strategies[0].kinds[crate::model::DisruptionKind::Region.index()];
        let expected = 100.0 * (10.0 + 1.0 / 6.0);
        assert!((k.cost_usd.mean() - expected).abs() < 1e-3, "{}", k.cost_usd.mean());
        assert_eq!(t.strategies[0].failover_running_usd.count(), t.trials);
    }
}
