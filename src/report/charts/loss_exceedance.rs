//! The loss exceedance curve risk teams expect: P(incident losses in a year >
//! x) against x, both axes on a log scale, one line per strategy, and the
//! model's risk tolerance (`[targets] loss_tolerance`) when it gives one.
//!
//! The loss is what incidents cost (revenue, lost orders, response, the DR
//! side running after a failover), not the fixed DR cost: that is the same
//! every year and would only shift each curve. It is read from the tally's
//! histogram of each trial's total cost (fixed + incidents, relative accuracy
//! 0.5%) less the strategy's fixed cost for the trial, so a point is exact to
//! 0.5% of the *total* cost: on a strategy whose fixed cost dwarfs its losses
//! the smallest losses are coarse. With `--years N` above 1, a trial spans N
//! years and the curve is of the loss per N-year trial.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::draw::{self, err};
use super::style::{self, decade_ticks, fmt_usd_tick, log_range, money_ticks};
use super::{Chart, FONT};
use crate::model::TolerancePoint;
use crate::report::ReportError;
use crate::report::csv::{Cell, CsvWriter, RunColumns};
use crate::simulation::Results;
use crate::stats::{LogHistogram, Mixture};

/// The chart's file stem (and the CSV's, with `.csv`).
pub const NAME: &str = "loss_exceedance";

/// One strategy's curve.
#[derive(Clone, Debug)]
pub struct LossCurve {
    /// Strategy name.
    pub strategy: String,
    /// Its style slot ([`super::strategy_slots`]).
    pub slot: usize,
    /// `(loss in USD, P(loss > it))`, loss ascending, every probability above 0.
    pub points: Vec<(f64, f64)>,
}

/// The loss exceedance chart of a run.
#[derive(Clone, Debug)]
pub struct LossExceedanceChart {
    /// One curve per strategy.
    pub curves: Vec<LossCurve>,
    /// The model's risk tolerance (may be empty).
    pub tolerance: Vec<TolerancePoint>,
    /// Years per trial (1 unless `--years`).
    pub years: f64,
    /// Trials simulated: in a plain run the smallest probability a curve can
    /// show is 1 / trials.
    pub trials: u64,
    /// The variance reduction a stratified run's curves were weighted with
    /// (`None` for plain sampling): its curves can go below 1 / trials.
    pub weighted: Option<String>,
}

/// The exceedance curve of the losses `total - fixed_usd`, from a histogram
/// of totals, as a step function: for each non-empty bucket `lo..hi` of totals
/// above `fixed_usd`, the points `(lo - fixed_usd, share of totals above lo)` and
/// `(hi - fixed_usd, share above hi)`; between buckets the share holds. Points
/// at share 0 are left out (a log axis cannot show 0), and so is a bucket's
/// first point where the bucket before it ended there (the same point). Read
/// a value at `x` as the last point at or before `x`.
pub fn exceedance_points(totals: &LogHistogram, fixed_usd: f64) -> Vec<(f64, f64)> {
    exceedance_points_of(&Mixture::of(totals), fixed_usd)
}

/// [`exceedance_points`] of a weighted distribution of totals (a stratified
/// run's mixture of strata): shares are of the weighted mass. For
/// [`Mixture::of`] one histogram the masses are its counts, summed exactly.
pub fn exceedance_points_of(totals: &Mixture<'_>, fixed_usd: f64) -> Vec<(f64, f64)> {
    let n = totals.total();
    if n <= 0.0 {
        return Vec::new();
    }
    // Weighted masses summed in floating point leave a rounding residue
    // where counts leave 0; anything below it is nothing above.
    let nothing = n * 1e-12;
    let mut above = n;
    let mut out = Vec::new();
    for (lo, hi, mass) in totals.masses() {
        let before = above;
        above -= mass;
        if !hi.is_finite() || hi <= fixed_usd {
            continue;
        }
        // Where the previous bucket ends at `lo`, its last point is this one.
        let start = (lo - fixed_usd, before / n);
        if lo > fixed_usd && before > nothing && out.last() != Some(&start) {
            out.push(start);
        }
        if above > nothing {
            out.push((hi - fixed_usd, above / n));
        }
    }
    out
}

impl LossExceedanceChart {
    /// The chart of a run, with the model's tolerance (`&[]` for none).
    pub fn new(results: &Results, tolerance: &[TolerancePoint]) -> LossExceedanceChart {
        let years = results.tally.horizon_s / crate::model::Duration::YEAR.secs();
        let curves = results
            .strategies
            .iter()
            .enumerate()
            .zip(super::strategy_slots(results))
            .map(|((i, s), slot)| LossCurve {
                strategy: s.name.clone(),
                slot,
                points: exceedance_points_of(
                    &results.distribution(|t| &t.strategies[i].trial_cost_usd),
                    s.cost.line_items.total_usd * years,
                ),
            })
            .collect();
        LossExceedanceChart {
            curves,
            tolerance: tolerance.to_vec(),
            years,
            trials: results.tally.trials,
            weighted: results.provenance.variance_reduction.clone(),
        }
    }

    /// What one loss is: "a year" or "a 3-year trial".
    pub fn period(&self) -> String {
        if (self.years - 1.0).abs() < 1e-9 { "a year".to_string() } else { format!("a {}-year trial", self.years) }
    }

    /// `loss_exceedance.csv`: one row per strategy and point, columns
    /// `strategy, loss_usd, probability_exceeded, years_per_loss`.
    /// Then the run columns ([`crate::report::csv::RunColumns::NAMES`]).
    pub fn csv(&self, run: &RunColumns) -> Result<String, ReportError> {
        let mut w = CsvWriter::new().with_run(run);
        w.header(&["strategy", "loss_usd", "probability_exceeded", "years_per_loss"])?;
        for c in &self.curves {
            for &(x, p) in &c.points {
                w.record(&[Cell::Text(&c.strategy), Cell::Number(x), Cell::Number(p), Cell::Number(self.years)])?;
            }
        }
        w.finish()
    }

    /// The axes: `((x_lo, x_hi), (y_lo, y_hi))`, USD and probability, both log.
    pub fn axes(&self) -> ((f64, f64), (f64, f64)) {
        let xs = self.curves.iter().flat_map(|c| c.points.iter().map(|p| p.0)).filter(|x| *x >= 1.0);
        let always: Vec<f64> = self.tolerance.iter().map(|t| t.usd).collect();
        let (lo, hi) = log_range(xs, &always);
        let p_min = self
            .curves
            .iter()
            .flat_map(|c| c.points.iter().map(|p| p.1))
            .chain(self.tolerance.iter().map(|t| t.probability))
            .fold(1.0, f64::min);
        let y_lo = 10f64.powf(p_min.log10().floor()).max(1.0 / self.trials.max(1) as f64 / 10.0);
        ((lo.max(1.0), hi), (y_lo, 1.0))
    }
}

/// `10%  (1 in 10)`: a probability tick with its return period.
fn probability_tick(p: f64) -> String {
    let share = style::fmt_percent_tick(p);
    if p >= 1.0 { share } else { format!("{share} (1 in {})", style::fmt_number_tick((1.0 / p).round())) }
}

impl Chart for LossExceedanceChart {
    fn name(&self) -> &str {
        NAME
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let title = format!("Loss exceedance: chance that incidents cost more than x in {}", self.period());
        let body = draw::titled(area, &title)?;
        let names: Vec<(String, usize)> = self.curves.iter().map(|c| (c.strategy.clone(), c.slot)).collect();
        let target = (!self.tolerance.is_empty()).then_some("risk tolerance (model)");
        let body = draw::key_strip_styled(&body, &names, target, 50)?;
        let ((lo, hi), (y_lo, y_hi)) = self.axes();
        let y_ticks = decade_ticks(y_lo);
        // Decades only on a wide axis: 1, 2, 5 thinned to every other reads as noise.
        let x_ticks = if hi / lo > 1e4 {
            (lo.log10().ceil() as i32..=hi.log10().floor() as i32).map(|e| 10f64.powi(e)).collect()
        } else {
            money_ticks(lo, hi)
        };
        let mut chart = ChartBuilder::on(&body)
            .margin(20)
            .margin_right(40)
            .x_label_area_size(80)
            .y_label_area_size(250)
            .build_cartesian_2d(
                (lo..hi).log_scale().with_key_points(x_ticks),
                (y_lo..y_hi).log_scale().with_key_points(y_ticks),
            )
            .map_err(err)?;
        draw::house_mesh(&mut chart.configure_mesh())
            .x_desc(format!("incident losses in {}, USD (log scale; fixed DR cost not included)", self.period()))
            .y_desc("chance of losing more (log scale)")
            .x_label_formatter(&|x| fmt_usd_tick(*x))
            .y_label_formatter(&|y| probability_tick(*y))
            .axis_desc_style((FONT, style::LABEL_SIZE))
            .draw()
            .map_err(err)?;
        for c in &self.curves {
            let points: Vec<(f64, f64)> = c.points.iter().copied().filter(|p| p.0 >= lo && p.0 <= hi).collect();
            if !points.is_empty() {
                draw::line(&mut chart, points, c.slot, None)?;
            }
        }
        if !self.tolerance.is_empty() {
            let pts: Vec<(f64, f64)> = self.tolerance.iter().map(|t| (t.usd, t.probability)).collect();
            for w in pts.windows(2) {
                draw::target_line(&mut chart, w[0], w[1], None)?;
            }
            let grey = RGBColor(110, 110, 110);
            chart.draw_series(pts.iter().map(|&p| Circle::new(p, 8, grey.filled()))).map_err(err)?;
        }
        let note = match &self.weighted {
            None => format!(
                "{} trials: chances below 1 in {} are not resolved",
                self.trials,
                style::fmt_number_tick(self.trials as f64)
            ),
            // Strata weight their trials: rare strata resolve chances far below 1 / trials.
            Some(how) => format!("{} trials, weighted by {how} strata (docs/variance.md)", self.trials),
        };
        let font = (FONT, style::TICK_SIZE).into_font();
        let (xs, ys) = chart.plotting_area().get_pixel_range();
        let (ox, oy) = area.get_base_pixel();
        area.draw(&Text::new(note, (xs.start + 16 - ox, ys.end - 40 - oy), font)).map_err(err)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exceedance_is_the_share_of_totals_above_fixed_plus_loss() {
        // Four trials with a fixed cost of 100: losses 0, 0, 50 and 1000.
        let mut h = LogHistogram::new();
        for total in [100.0, 100.0, 150.0, 1100.0] {
            h.record(total);
        }
        let points = exceedance_points(&h, 100.0);
        // Just above a loss of 0: the two trials with losses; above 50 (within the
        // 0.5% bucket accuracy of 150): one trial in four.
        let at = |x: f64| points.iter().rev().find(|p| p.0 <= x).map(|p| p.1);
        assert_eq!(at(1.0), Some(0.5));
        assert_eq!(at(40.0), Some(0.5), "the step holds until the bucket of 50");
        assert_eq!(at(52.0), Some(0.25));
        assert_eq!(at(900.0), Some(0.25));
        assert!(points.last().unwrap().0 < 1000.0, "nothing exceeds the largest loss");
        assert!(points.windows(2).all(|w| w[0].0 <= w[1].0 && w[0].1 >= w[1].1), "falls as the loss grows");
    }

    // Totals in every bucket from 101 to 3,000: each bucket starts where
    // the one before ended, and that point is given once (a CSV row each).
    #[test]
    fn adjacent_buckets_share_their_point_once() {
        let mut h = LogHistogram::new();
        (1..=2_900).for_each(|loss| h.record(100.0 + f64::from(loss)));
        let points = exceedance_points(&h, 100.0);
        assert!(points.len() > 100);
        assert!(points.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 > w[1].1), "a point repeated");
    }

    #[test]
    fn tick_labels_give_the_return_period() {
        assert_eq!(probability_tick(1.0), "100%");
        assert_eq!(probability_tick(0.1), "10% (1 in 10)");
        assert_eq!(probability_tick(0.001), "0.1% (1 in 1000)");
        assert_eq!(probability_tick(0.0001), "0.01% (1 in 10000)");
    }
}
