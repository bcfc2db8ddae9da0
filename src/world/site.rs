//! From a world's outages to the disruptions one deployment sees.
//!
//! A deployment in a region is down while its region is down; a single-AZ
//! deployment also while its AZ (AZ 0) is down; a Multi-AZ deployment also
//! while two or more of its AZs are down at once, and every other AZ loss
//! costs it only the database failover blip. Overlapping outages combine into
//! one disruption, whose kind is the kind of the outage that began it.

use super::{Outage, World};
use crate::model::{Deployment, DisruptionKind, SimTime};

/// A disruption of one deployment.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Disruption {
    /// The kind of the outage that began it.
    pub kind: DisruptionKind,
    /// When service was lost.
    pub start: SimTime,
    /// When the deployment's own site was back (`start` for a blip).
    pub end: SimTime,
    /// A one-AZ loss absorbed by a Multi-AZ deployment: only the failover blip.
    pub blip: bool,
    /// The region's control plane was down too.
    pub control_plane: bool,
    /// The outage destroyed the deployment's data where it ran (a destroyed
    /// region, the single AZ of a single-AZ deployment, or both AZs of a
    /// Multi-AZ pair): the site comes back empty, so waiting for it recovers nothing.
    pub destroyed: bool,
}

/// Reusable buffers for [`disruptions`].
#[derive(Debug, Default)]
pub struct SiteScratch {
    intervals: Vec<Disruption>,
    azs: Vec<Outage>,
    /// AZ outages still in progress at the start of the one being placed (outages
    /// arrive in order of start, so ended ones are dropped: linear, not quadratic).
    open_azs: Vec<Outage>,
}

/// Writes the disruptions of a deployment in `region` into `out`, in order of start.
pub fn disruptions(
    world: &World,
    region: usize,
    deployment: Deployment,
    scratch: &mut SiteScratch,
    out: &mut Vec<Disruption>,
) {
    out.clear();
    let SiteScratch { intervals, azs, open_azs } = scratch;
    intervals.clear();
    azs.clear();
    open_azs.clear();
    let down = |o: &Outage, start, end, destroyed| Disruption {
        kind: o.kind,
        start,
        end,
        blip: false,
        control_plane: o.control_plane,
        destroyed,
    };
    for o in world.outages.iter().filter(|o| o.region as usize == region) {
        match o.kind {
            DisruptionKind::Region => intervals.push(down(o, o.start, o.end, o.destroyed)),
            DisruptionKind::Az => match deployment {
                Deployment::SingleAz if o.az == 0 => intervals.push(down(o, o.start, o.end, o.destroyed)),
                Deployment::SingleAz => {}
                Deployment::MultiAz => {
                    open_azs.retain(|a| a.end > o.start);
                    for other in open_azs.iter().filter(|a| a.az != o.az) {
                        // Two AZs down at once: the Multi-AZ pair is lost for the overlap.
                        // Data is gone only if both copies of the pair were destroyed.
                        intervals.push(down(o, o.start, o.end.min(other.end), o.destroyed && other.destroyed));
                    }
                    azs.push(*o);
                    open_azs.push(*o);
                }
            },
            DisruptionKind::Logical | DisruptionKind::Application => {}
        }
    }
    intervals.sort_by(|a, b| a.start.total_cmp(&b.start));
    for d in intervals.iter() {
        match out.last_mut() {
            Some(last) if d.start <= last.end => {
                last.end = last.end.max(d.end);
                last.control_plane |= d.control_plane;
                last.destroyed |= d.destroyed;
            }
            _ => out.push(*d),
        }
    }
    if deployment == Deployment::MultiAz {
        let merged = out.len();
        // Two pointers: the merged disruptions are disjoint and in order of
        // start, and the AZ outages arrive in order of start, so a disruption
        // ending by one AZ outage's start covers no later one either.
        let mut next = 0;
        for a in azs.iter() {
            while next < merged && out[next].end <= a.start {
                next += 1;
            }
            let covered = next < merged && out[next].start <= a.start;
            if !covered {
                out.push(Disruption {
                    kind: DisruptionKind::Az,
                    start: a.start,
                    end: a.start,
                    blip: true,
                    control_plane: false,
                    destroyed: false,
                });
            }
        }
        out.sort_by(|a, b| a.start.total_cmp(&b.start));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outage(kind: DisruptionKind, region: u16, az: u16, start_h: f64, end_h: f64) -> Outage {
        Outage {
            kind,
            region,
            az,
            start: SimTime::from_secs(start_h * 3600.0),
            end: SimTime::from_secs(end_h * 3600.0),
            control_plane: false,
            ransomware: false,
            destroys_mutable_backups: false,
            destroyed: false,
            deletion: super::super::Deletion::None,
        }
    }

    fn world(outages: Vec<Outage>) -> World {
        World::with_outages(crate::model::Duration::YEAR, outages)
    }

    #[test]
    fn region_outage_absorbs_az_outage_inside_it() {
        let w = world(vec![outage(DisruptionKind::Region, 0, 0, 1.0, 5.0), outage(DisruptionKind::Az, 0, 0, 4.0, 8.0)]);
        let mut out = Vec::new();
        disruptions(&w, 0, Deployment::SingleAz, &mut SiteScratch::default(), &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(
            (out[0].kind, out[0].start.since_start().hours(), out[0].end.since_start().hours()),
            (DisruptionKind::Region, 1.0, 8.0)
        );
    }

    #[test]
    fn multi_az_blips_on_one_az_and_fails_on_two() {
        let w = world(vec![
            outage(DisruptionKind::Az, 0, 1, 1.0, 3.0),
            outage(DisruptionKind::Az, 0, 2, 2.0, 6.0),
            outage(DisruptionKind::Az, 0, 0, 10.0, 11.0),
            outage(DisruptionKind::Az, 1, 0, 12.0, 13.0),
        ]);
        let mut out = Vec::new();
        disruptions(&w, 0, Deployment::MultiAz, &mut SiteScratch::default(), &mut out);
        let got: Vec<(f64, f64, bool)> =
            out.iter().map(|d| (d.start.since_start().hours(), d.end.since_start().hours(), d.blip)).collect();
        assert_eq!(got, vec![(1.0, 1.0, true), (2.0, 3.0, false), (10.0, 10.0, true)]);
    }

    #[test]
    fn single_az_ignores_other_azs() {
        let w = world(vec![outage(DisruptionKind::Az, 0, 1, 1.0, 3.0), outage(DisruptionKind::Az, 0, 0, 5.0, 6.0)]);
        let mut out = Vec::new();
        disruptions(&w, 0, Deployment::SingleAz, &mut SiteScratch::default(), &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].start.since_start().hours(), 5.0);
    }
}
