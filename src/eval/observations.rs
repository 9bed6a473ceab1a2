//! Where the engine takes its observations from: memory or a spool,
//! gone through in judging order as many times as a pass needs.

use crate::log::Observation;

/// Observations in the order they are judged (time, then file, then
/// record), which can be gone through more than once.
pub trait Observations {
    /// Calls `f` on every observation, in order.
    fn replay(&mut self, f: &mut dyn FnMut(&Observation)) -> std::io::Result<()>;
}

impl Observations for &[Observation] {
    fn replay(&mut self, f: &mut dyn FnMut(&Observation)) -> std::io::Result<()> {
        self.iter().for_each(f);
        Ok(())
    }
}

impl Observations for crate::log::Replay {
    fn replay(&mut self, f: &mut dyn FnMut(&Observation)) -> std::io::Result<()> {
        crate::log::Replay::replay(self, f)
    }
}
