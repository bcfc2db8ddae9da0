//! Plain summary figures computed from a [`Tally`]: what every report prints.
//! Every estimate carries its uncertainty (a Wilson interval for shares, a
//! standard error for means, an order-statistic interval for quantiles).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::cost::LineItems;
use crate::incident::{Path, Step};
use crate::model::{DisruptionKind, Model};
use crate::stats::stratified::{PartShare, PlaysMet, Spread};
use crate::stats::{LogHistogram, Proportion};
use crate::tally::{KindTally, StrategyTally, Tally};

/// Confidence level of every interval drsim prints.
pub const CONFIDENCE: f64 = 0.95;

/// A share with its 95% Wilson score interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Share {
    /// Successes.
    pub successes: u64,
    /// Trials.
    pub trials: u64,
    /// successes / trials (1 when there were no trials: nothing failed).
    pub estimate: f64,
    /// Lower end of the 95% Wilson interval.
    pub low: f64,
    /// Upper end of the 95% Wilson interval.
    pub high: f64,
}

impl Share {
    /// The share `successes / trials` with its Wilson interval.
    pub fn new(successes: u64, trials: u64) -> Share {
        let p = Proportion { successes, trials };
        let (low, high) = p.wilson(CONFIDENCE).unwrap_or((1.0, 1.0));
        Share { successes, trials, estimate: p.estimate().unwrap_or(1.0), low, high }
    }

    /// The share of no incidents: 1, as nothing failed.
    pub fn no_incidents() -> Share {
        Share::new(0, 0)
    }

    /// A share estimated from parts (strata, or one part of replayed
    /// incidents; see `stats::stratified`): raw counts summed, the estimate
    /// and its Wilson interval at the effective size.
    pub fn of_parts(parts: &[PartShare]) -> Share {
        let successes = parts.iter().map(|p| p.successes).sum();
        let trials = parts.iter().map(|p| p.trials).sum();
        match crate::stats::stratified::share(parts, CONFIDENCE) {
            Some((estimate, _, (low, high))) => Share { successes, trials, estimate, low, high },
            None => Share::new(successes, trials),
        }
    }

    /// The share of a bad outcome (`events / trials`): 0 when there were no trials.
    pub fn of_events(events: u64, trials: u64) -> Share {
        if trials == 0 {
            return Share { successes: 0, trials: 0, estimate: 0.0, low: 0.0, high: 0.0 };
        }
        Share::new(events, trials)
    }
}

/// A quantile with its 95% interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Quantile {
    /// The estimate (histogram relative accuracy 0.5%); infinite (`"inf"` in
    /// JSON) for a data-loss window where all data was lost.
    #[serde(with = "crate::real::plain")]
    #[schemars(with = "crate::real::Real")]
    pub value: f64,
    /// Lower end of the 95% order-statistic interval.
    #[serde(with = "crate::real::plain")]
    #[schemars(with = "crate::real::Real")]
    pub low: f64,
    /// Upper end.
    #[serde(with = "crate::real::plain")]
    #[schemars(with = "crate::real::Real")]
    pub high: f64,
}

/// P50, P95 and P99 of a histogram; `None` when it is empty.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Quantiles {
    /// Median.
    pub p50: Quantile,
    /// 95th percentile.
    pub p95: Quantile,
    /// 99th percentile.
    pub p99: Quantile,
}

fn quantile(h: &LogHistogram, q: f64) -> Option<Quantile> {
    let value = h.quantile(q)?;
    let (low, high) = h.quantile_interval(q, CONFIDENCE)?;
    Some(Quantile { value, low, high })
}

impl Quantiles {
    /// The three quantiles of a histogram.
    pub fn of(h: &LogHistogram) -> Option<Quantiles> {
        Some(Quantiles { p50: quantile(h, 0.5)?, p95: quantile(h, 0.95)?, p99: quantile(h, 0.99)? })
    }

    /// Every value (and interval bound) divided by `by`: a trial's figures per year.
    pub fn per(&self, by: f64) -> Quantiles {
        let scale = |q: Quantile| Quantile { value: q.value / by, low: q.low / by, high: q.high / by };
        Quantiles { p50: scale(self.p50), p95: scale(self.p95), p99: scale(self.p99) }
    }
}

/// A mean with its standard error.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Mean {
    /// The sample mean.
    pub value: f64,
    /// Its standard error.
    pub std_error: f64,
}

impl Mean {
    /// Mean and standard error of a histogram's finite values.
    pub fn of(h: &LogHistogram) -> Mean {
        Mean { value: h.moments().mean(), std_error: h.moments().std_error() }
    }
}

/// Results for one disruption kind under one strategy.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct KindSummary {
    /// The kind.
    pub kind: DisruptionKind,
    /// Incidents simulated.
    pub incidents: u64,
    /// Incidents per simulated year.
    pub incidents_per_year: f64,
    /// Achieved RTO (load-weighted downtime per incident), seconds.
    pub rto_s: Option<Quantiles>,
    /// Mean downtime per incident, seconds.
    pub rto_mean_s: Mean,
    /// Achieved RPO (data-loss window per incident), seconds; infinite where all data was lost.
    pub rpo_s: Option<Quantiles>,
    /// Share of incidents meeting the RTO target.
    pub rto_met: Share,
    /// Share of incidents meeting the RPO target.
    pub rpo_met: Share,
    /// Share meeting both.
    pub both_met: Share,
    /// Incidents in which all data was lost.
    pub data_lost_entirely: u64,
    /// Share of incidents in which all data was lost (such an incident meets
    /// neither target, whatever its downtime).
    pub total_loss: Share,
    /// Mean degraded time per incident, seconds.
    pub degraded_mean_s: f64,
    /// Mean time per incident in each recovery step, seconds, by step name.
    pub steps_mean_s: Vec<(Step, f64)>,
    /// Incidents by path (paths that occurred).
    pub paths: Vec<(Path, u64)>,
    /// Mean cost per incident, USD.
    pub cost_mean_usd: Mean,
    /// How incidents ended, as shares of this kind's incidents (outcomes that occurred).
    pub outcomes: Vec<OutcomeShare>,
    /// Time until service is back for the users affected, per incident,
    /// unweighted (the usual meaning of RTO; `rto_s` weighs it by the share
    /// of load not served), seconds.
    pub service_back_s: Option<Quantiles>,
    /// Mean time until service is back, unweighted, seconds.
    pub service_back_mean_s: Mean,
    /// P(a year has at least one incident of this kind missing the RTO target):
    /// simulated years with such a breach over all simulated years.
    pub years_with_rto_breach: Share,
    /// P(a year has at least one incident of this kind missing the RPO target).
    pub years_with_rpo_breach: Share,
    /// With replayed recoveries (`--region-replays`, `region` only): what
    /// they did for `rto_met`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rto_met_replays: Option<ReplayGain>,
}

/// What replayed recoveries did for a share (docs/variance.md, "Replayed
/// recoveries"): how many plays per incident, how much of the share's
/// variance the replayed draws cause (the outage, the response and,
/// unless a breakable backup pipeline keeps it, the drill calendar: what
/// replays divide by the plays; the rest is set by the world), and the variance it leaves against one play per
/// incident at equal trials.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReplayGain {
    /// Plays per incident.
    pub plays: u32,
    /// Part of the variance of one play's outcome that the plays of one
    /// incident vary by (0 to 1): `1 - rho`.
    pub replayed_share: f64,
    /// `1 / (rho + (1 - rho) / plays)`: how many times less variance than one
    /// play per incident at equal trials (1: replays changed nothing).
    pub variance_gain: f64,
}

impl ReplayGain {
    /// What replays did for a share read from `parts`; `None` without replays
    /// (see `stats::stratified::replay_gain`).
    pub(crate) fn of(parts: &[PartShare]) -> Option<ReplayGain> {
        let plays = parts.iter().find_map(|p| p.replayed)?.plays;
        let (replayed_share, variance_gain) = crate::stats::stratified::replay_gain(parts)?;
        Some(ReplayGain { plays, replayed_share, variance_gain })
    }
}

/// How an incident ended, in the words a design review uses: paths grouped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The primary came back before DR was invoked or ready.
    RodeOut,
    /// Failed over (to the DR region, another active region, or the AZ
    /// standby), including failovers later troubled by the DR side failing
    /// or by split brain.
    FailedOver,
    /// The failover failed; a restore from backup brought service back.
    FailoverFailedThenRestored,
    /// The failover failed; the service waited for the primary.
    FailoverFailedThenWaited,
    /// Restored from backup (backup & restore, or `logical` damage).
    Restored,
    /// DR could not be used (DR region down, no copy there, the failed
    /// region's control plane needed): waited for the primary.
    DrUnavailableWaited,
    /// No usable copy of the data survived: all data lost.
    AllDataLost,
    /// A drill's failover or failback went wrong.
    DrillWentWrong,
    /// An `application` failure (every region at once, no data damaged)
    /// ended by its rollback or remediation, with no failover or restore.
    Remediated,
}

impl Outcome {
    /// Every outcome, in report order.
    pub const ALL: [Outcome; 9] = [
        Outcome::RodeOut,
        Outcome::FailedOver,
        Outcome::FailoverFailedThenRestored,
        Outcome::FailoverFailedThenWaited,
        Outcome::Restored,
        Outcome::DrUnavailableWaited,
        Outcome::AllDataLost,
        Outcome::DrillWentWrong,
        Outcome::Remediated,
    ];

    /// The outcome of an incident that took `path`.
    pub fn of(path: Path) -> Outcome {
        match path {
            Path::RodeOut => Outcome::RodeOut,
            Path::AzFailover | Path::FailedOver | Path::ManualFailover | Path::DrFailed | Path::SplitBrain => {
                Outcome::FailedOver
            }
            Path::FailoverFailedRestored => Outcome::FailoverFailedThenRestored,
            Path::FailoverFailedWaited => Outcome::FailoverFailedThenWaited,
            Path::Restored => Outcome::Restored,
            Path::DrUnavailableWaited => Outcome::DrUnavailableWaited,
            Path::Rebuilt => Outcome::AllDataLost,
            Path::DrillWentWrong => Outcome::DrillWentWrong,
            Path::Remediated => Outcome::Remediated,
        }
    }

    /// The name in CSV headers and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::RodeOut => "rode_out",
            Outcome::FailedOver => "failed_over",
            Outcome::FailoverFailedThenRestored => "failover_failed_then_restored",
            Outcome::FailoverFailedThenWaited => "failover_failed_then_waited",
            Outcome::Restored => "restored",
            Outcome::DrUnavailableWaited => "dr_unavailable_waited",
            Outcome::AllDataLost => "all_data_lost",
            Outcome::DrillWentWrong => "drill_went_wrong",
            Outcome::Remediated => "remediated",
        }
    }

    /// The words in the terminal and report.md.
    pub fn words(self) -> &'static str {
        match self {
            Outcome::RodeOut => "rode it out",
            Outcome::FailedOver => "failed over",
            Outcome::FailoverFailedThenRestored => "failover failed then restored",
            Outcome::FailoverFailedThenWaited => "failover failed then waited",
            Outcome::Restored => "restored from backup",
            Outcome::DrUnavailableWaited => "DR unusable so waited",
            Outcome::AllDataLost => "all data lost",
            Outcome::DrillWentWrong => "drill went wrong",
            Outcome::Remediated => "remediated in place",
        }
    }
}

/// The share of a kind's incidents that ended one way.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct OutcomeShare {
    /// How they ended.
    pub outcome: Outcome,
    /// Their share of the kind's incidents, with its 95% interval.
    pub share: Share,
}

/// Shares of each outcome among a kind's incidents, from its path counts.
fn outcome_shares(paths: &[u64; Path::COUNT], incidents: u64) -> Vec<OutcomeShare> {
    let mut counts = [0u64; Outcome::ALL.len()];
    for p in Path::ALL {
        counts[Outcome::of(p) as usize] += paths[p.index()];
    }
    Outcome::ALL
        .iter()
        .zip(counts)
        .filter(|(_, n)| *n > 0)
        .map(|(&outcome, n)| OutcomeShare { outcome, share: Share::of_events(n, incidents) })
        .collect()
}

/// Yearly cost of a strategy: fixed line items plus incidents, as a distribution.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct CostSummary {
    /// Fixed DR costs per year.
    pub line_items: LineItems,
    /// Expected incident cost per year (revenue, orders, response), USD.
    pub incidents_annual_usd: Mean,
    /// Expected total cost per year (fixed + incidents), USD.
    pub total_annual_usd: Mean,
    /// Quantiles of the total annual cost, USD.
    pub total_annual_quantiles_usd: Option<Quantiles>,
    /// Expected shortfall: mean total annual cost in the worst 5% of years, USD.
    pub cvar95_usd: Option<f64>,
    /// Expected cost per year of the DR side serving scaled up after failovers,
    /// USD: its own line, included in `incidents_annual_usd` (absent when 0).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub failover_running_annual_usd: f64,
}

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

/// Results for one strategy.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct StrategySummary {
    /// Name from the model.
    pub name: String,
    /// Posture.
    pub kind: String,
    /// Per disruption kind the model has.
    pub kinds: Vec<KindSummary>,
    /// Share of time the service was up (load-weighted), mean over trials.
    pub availability: Mean,
    /// Downtime per simulated year, seconds.
    pub annual_downtime_s: Mean,
    /// Planned maintenance downtime per simulated year, seconds (part of
    /// `annual_downtime_s` and of the availability, not of any incident);
    /// absent when the model has no `[maintenance]`, 0 for a strategy that
    /// avoids it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annual_maintenance_s: Option<Mean>,
    /// Quantiles of downtime per trial, seconds.
    pub annual_downtime_quantiles_s: Option<Quantiles>,
    /// Incidents per simulated year.
    pub incidents_per_year: Mean,
    /// Data-loss windows added up per simulated year, seconds (incidents that lost all data excluded).
    pub annual_data_loss_s: Mean,
    /// Share of trials with an incident that lost all data.
    pub trials_with_total_data_loss: Share,
    /// P(a year with at least one incident that lost all data): simulated
    /// years with a total loss over all simulated years (a trial shorter
    /// than a year counts as one year).
    pub years_with_total_data_loss: Share,
    /// Costs per year (per trial horizon scaled to one year).
    pub cost: CostSummary,
    /// The chance a failover fails, from the model: what the failure
    /// probability right after a drill, the drift and the drill interval
    /// imply, averaged over when failovers happen.
    pub failover_failure_probability: f64,
    /// Share of all incidents of every kind meeting both RTO and RPO
    /// targets, with its 95% interval: the "both met" of the table and the
    /// "P(meeting both targets)" of the cost-against-risk chart. Pooled over
    /// kinds (each kind weighted by how often it happens) rather than the
    /// worst kind, because a kind nobody can meet (say `logical` against a
    /// 30 min RTO) would otherwise put every strategy at 0 and hide the
    /// differences the chart is for. In a stratified run weighted as every
    /// other share (it once added the strata's raw counts: 28.5% against
    /// 33.3% for SecureCart's backup-restore under late-detection). Not in
    /// results.json, whose kinds carry their own `both_met`.
    #[serde(skip, default = "Share::no_incidents")]
    pub both_met_all_kinds: Share,
}

/// A target an incident meets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Met {
    Rto,
    Rpo,
    Both,
}

/// The share of `k`'s incidents meeting `met` as one part of weight
/// `weight` per incident: of 0/1 values, or with replays
/// ([`KindTally::replayed`]) of the share of each incident's `plays` plays.
pub(crate) fn met_part(k: &KindTally, met: Met, weight: f64, plays: u32) -> PartShare {
    let (successes, sums) = match met {
        Met::Rto => (k.rto_met, k.replayed.rto_met),
        Met::Rpo => (k.rpo_met, k.replayed.rpo_met),
        Met::Both => (k.both_met, k.replayed.both_met),
    };
    let replayed = (!k.replayed.is_empty()).then_some(PlaysMet { plays, met: sums[0], met_sq: sums[1] });
    PartShare { weight, successes, trials: k.incidents, replayed, spread: Spread::PerTrial }
}

/// The share of `k`'s incidents meeting `met`: the plain count, or with
/// replays the mean share of plays (conditional Monte Carlo).
fn met_share(k: &KindTally, met: Met, plays: u32) -> Share {
    let part = met_part(k, met, 1.0, plays);
    match part.replayed {
        None => Share::new(part.successes, part.trials),
        Some(_) => Share::of_parts(&[part]),
    }
}

fn kind_summary(kind: DisruptionKind, k: &KindTally, years: f64, year_count: u64, plays: u32) -> KindSummary {
    KindSummary {
        kind,
        incidents: k.incidents,
        incidents_per_year: k.incidents as f64 / years,
        rto_s: Quantiles::of(&k.downtime_s),
        rto_mean_s: Mean::of(&k.downtime_s),
        rpo_s: Quantiles::of(&k.data_loss_s),
        rto_met: met_share(k, Met::Rto, plays),
        rpo_met: met_share(k, Met::Rpo, plays),
        both_met: met_share(k, Met::Both, plays),
        data_lost_entirely: k.data_lost_entirely,
        total_loss: Share::of_events(k.data_lost_entirely, k.incidents),
        degraded_mean_s: k.degraded_s.mean(),
        steps_mean_s: Step::ALL.iter().map(|&s| (s, k.steps_s[s as usize].mean())).collect(),
        paths: Path::ALL.iter().filter(|p| k.paths[p.index()] > 0).map(|&p| (p, k.paths[p.index()])).collect(),
        cost_mean_usd: Mean { value: k.cost_usd.mean(), std_error: k.cost_usd.std_error() },
        outcomes: outcome_shares(&k.paths, k.incidents),
        service_back_s: Quantiles::of(&k.service_back_s),
        service_back_mean_s: Mean::of(&k.service_back_s),
        years_with_rto_breach: Share::of_events(k.years_with_rto_breach, year_count),
        years_with_rpo_breach: Share::of_events(k.years_with_rpo_breach, year_count),
        rto_met_replays: ReplayGain::of(&[met_part(k, Met::Rto, 1.0, plays)]),
    }
}

/// Summarises one strategy's tally.
pub fn strategy_summary(model: &Model, index: usize, tally: &Tally) -> StrategySummary {
    let line_items = LineItems::of(model, &model.strategies[index]);
    let s: &StrategyTally = &tally.strategies[index];
    let strategy = &model.strategies[index];
    let years = (tally.trials as f64 * tally.horizon_s / crate::model::Duration::YEAR.secs()).max(f64::MIN_POSITIVE);
    let per_year = tally.horizon_s / crate::model::Duration::YEAR.secs();
    let downtime = Mean::of(&s.trial_downtime_s);
    let horizon = crate::model::Duration::from_secs(tally.horizon_s);
    let year_count = tally.trials * crate::tally::year_slots(horizon);
    StrategySummary {
        name: strategy.name.clone(),
        kind: strategy.kind().name().to_string(),
        kinds: DisruptionKind::ALL
            .iter()
            .filter(|k| model.failure(**k).is_some())
            .map(|&k| kind_summary(k, &s.kinds[k.index()], years, year_count, tally.region_plays))
            .collect(),
        availability: Mean {
            value: 1.0 - downtime.value / tally.horizon_s,
            std_error: downtime.std_error / tally.horizon_s,
        },
        annual_downtime_s: Mean { value: downtime.value / per_year, std_error: downtime.std_error / per_year },
        annual_maintenance_s: model.maintenance.as_ref().map(|_| Mean {
            value: s.trial_maintenance_s.mean() / per_year,
            std_error: s.trial_maintenance_s.std_error() / per_year,
        }),
        annual_downtime_quantiles_s: Quantiles::of(&s.trial_downtime_s),
        incidents_per_year: Mean {
            value: s.trial_incidents.mean() / per_year,
            std_error: s.trial_incidents.std_error() / per_year,
        },
        annual_data_loss_s: Mean {
            value: s.trial_data_loss_s.mean() / per_year,
            std_error: s.trial_data_loss_s.std_error() / per_year,
        },
        trials_with_total_data_loss: Share::of_events(s.trials_with_total_loss, tally.trials),
        years_with_total_data_loss: Share::of_events(s.years_with_total_loss, year_count),
        cost: CostSummary {
            failover_running_annual_usd: s.failover_running_usd.mean() / per_year,
            ..cost_summary(line_items, &s.trial_cost_usd, per_year)
        },
        failover_failure_probability: crate::strategy::bounds::failover_failure_probability(strategy, horizon),
        both_met_all_kinds: {
            let (met, incidents) = s.both_met_all_kinds();
            Share::new(met, incidents)
        },
    }
}

/// Per-trial costs scaled to one year: a trial of `per_year` years costs `per_year` times a year.
fn cost_summary(line_items: LineItems, trial_cost: &LogHistogram, per_year: f64) -> CostSummary {
    let total = Mean::of(trial_cost);
    let quantiles = Quantiles::of(trial_cost).map(|q| q.per(per_year));
    let total_annual_usd = Mean { value: total.value / per_year, std_error: total.std_error / per_year };
    CostSummary {
        // Incident costs are never negative; the difference can be, by the
        // 1e-6 USD rounding of each trial's sum scaled to a year.
        incidents_annual_usd: Mean {
            value: (total_annual_usd.value - line_items.total_usd).max(0.0),
            std_error: total_annual_usd.std_error,
        },
        total_annual_usd,
        total_annual_quantiles_usd: quantiles,
        cvar95_usd: trial_cost.cvar(0.95).map(|c| c / per_year),
        failover_running_annual_usd: 0.0,
        line_items,
    }
}
