//! Drills that go wrong. A drill runs at `phase + k × drill_interval`
//! (the calendar that resets failover drift); with `[strategy.drill_risk]`
//! its failover goes wrong with one chance and, if it went well, its failback
//! with another. Either causes an incident: the whole load down for an
//! `outage` draw and, with `data_at_risk`, a window of writes lost. Drills
//! draw from their own stream, so drill risk moves none of the strategy's
//! other draws and a sweep of the drill interval keeps common random numbers.

use rand::RngExt;

use super::Ctx;
use crate::incident::{DataLoss, Incident, Path, Step};
use crate::model::{DisruptionKind, SimTime};

/// Answers every drill of the trial that goes wrong, in time order.
pub(super) fn respond(ctx: &mut Ctx<'_>, mut record: impl FnMut(&mut Incident)) {
    let (Some(risk), Some(interval)) = (&ctx.strategy.drill_risk, ctx.strategy.drill_interval) else { return };
    let p_failover = risk.failover_failure_probability.get();
    let p_failback = risk.failback_failure_probability.get();
    let mut rng = ctx.ops.drills(ctx.strategy.id);
    let horizon = ctx.world.horizon.secs();
    let mut k = 0.0;
    loop {
        let at = ctx.drill_phase.secs() + k * interval.secs();
        if at >= horizon {
            return;
        }
        k += 1.0;
        // One draw per drill decides which leg, if any, goes wrong.
        let u: f64 = rng.random();
        let wrong = u < p_failover || u < p_failover + (1.0 - p_failover) * p_failback;
        if !wrong {
            continue;
        }
        let mut incident = Incident::new(DisruptionKind::Region, SimTime::from_secs(at));
        let outage = risk.outage.sample_duration(&mut rng).min(ctx.world.horizon);
        incident.path = Path::DrillWentWrong;
        incident.downtime = outage;
        incident.steps[Step::Restore as usize] = outage;
        if let Some(data) = &risk.data_at_risk {
            incident.data_loss = DataLoss::window_of(data.sample_duration(&mut rng).min(ctx.world.horizon));
        }
        record(&mut incident);
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_model;
    use crate::model::Model;

    fn model(interval: &str, risk: bool) -> Model {
        let risk = if risk {
            "[strategy.drill_risk]\nfailback_failure_probability = 0.05\noutage = { dist = \"fixed\", value = \"4h\" }\ndata_at_risk = { dist = \"fixed\", value = \"3h\" }"
        } else {
            ""
        };
        let failure =
            "[[failure]]\nkind = \"region\"\nrate_per_year = 0.0\nduration = { dist = \"fixed\", value = \"1h\" }";
        let strategy = test_model::warm_standby(&format!("drill_interval = \"{interval}\"\n{risk}"));
        test_model::model("0s", &format!("{failure}\n{strategy}"))
    }

    fn annual_downtime_h(model: &Model, trials: u64) -> (f64, f64) {
        let tally = test_model::run(model, 11, trials);
        let m = tally.strategies[0].trial_downtime_s.moments();
        (m.mean() / 3600.0, m.std_error() / 3600.0)
    }

    #[test]
    fn a_failback_failing_with_p_at_n_drills_a_year_adds_p_n_l_downtime() {
        // Monthly drills with no other failure: 365/30 drills a year, each
        // failback going wrong with p = 0.05 for L = 4 h: 0.05 x 12.17 x 4 h.
        let (mean, se) = annual_downtime_h(&model("30d", true), 20_000);
        let expected = 0.05 * (365.0 / 30.0) * 4.0;
        assert!((mean - expected).abs() < 4.0 * se, "{mean} h/yr vs {expected} (se {se})");
        // Harmless drills cost no downtime.
        assert_eq!(annual_downtime_h(&model("30d", false), 1_000).0, 0.0);
    }
}
