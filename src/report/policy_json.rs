//! The resiliency policy of `drsim export-policy`, as the AWS Resilience Hub
//! API reads it: a whole CreateResiliencyPolicy request (for
//! `aws resiliencehub create-resiliency-policy --cli-input-json file://...`),
//! or only its `policy` map (for `--policy file://...`).

use super::{Report, ReportError};
use crate::policy::ResiliencyPolicy;

/// A policy as pretty-printed JSON, with a final newline.
#[derive(Clone, Copy, Debug, Default)]
pub struct PolicyJson {
    /// Only the `policy` map (`{"Software": {"rpoInSecs": ..., "rtoInSecs": ...}, ...}`).
    pub map_only: bool,
}

impl Report<ResiliencyPolicy> for PolicyJson {
    fn render(&self, policy: &ResiliencyPolicy) -> Result<String, ReportError> {
        let text = if self.map_only {
            serde_json::to_string_pretty(&policy.policy)
        } else {
            serde_json::to_string_pretty(policy)
        };
        let mut text = text.map_err(|e| ReportError::Serialize(Box::new(e)))?;
        text.push('\n');
        Ok(text)
    }
}
