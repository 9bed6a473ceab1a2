//! A progress bar on standard error for long runs on a terminal.
//!
//! The bar stays hidden for the first half second, so that quick runs
//! print nothing; it is never drawn when standard error is not a terminal
//! or under `--quiet`.

use ceasefire::verify::Progress as RunProgress;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How long a run goes before the bar is drawn.
const DELAY: Duration = Duration::from_millis(500);

/// How often the bar is redrawn.
const TICK: Duration = Duration::from_millis(100);

/// Shows bytes read against the logs' total size while the logs are read.
pub struct Progress {
    bar: Option<ProgressBar>,
    stop: Arc<AtomicBool>,
    painter: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    /// A bar over `total` bytes (0 if unknown, as for compressed input),
    /// drawn only on a terminal and unless `quiet`; `run` is where the run
    /// says how far it has got.
    pub fn start(total: u64, run: Arc<RunProgress>, quiet: bool) -> Self {
        let visible = !quiet && std::io::stderr().is_terminal();
        Progress::new(total, run, visible.then_some(ProgressDrawTarget::stderr), DELAY)
    }

    /// A bar drawn on the target `draw` makes once `delay` has passed, or never.
    fn new(total: u64, run: Arc<RunProgress>, draw: Option<fn() -> ProgressDrawTarget>, delay: Duration) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let Some(draw) = draw else {
            return Progress {
                bar: None,
                stop,
                painter: None,
            };
        };
        let (length, template) = if total > 0 {
            (Some(total), "reading {wide_bar} {bytes}/{total_bytes} ({eta} left)")
        } else {
            (None, "reading {spinner} {bytes} ({bytes_per_sec})")
        };
        let bar = ProgressBar::with_draw_target(length, ProgressDrawTarget::hidden());
        bar.set_style(ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar()));
        let painter = {
            let (bar, stop) = (bar.clone(), stop.clone());
            let shown = AtomicBool::new(false);
            std::thread::spawn(move || {
                let started = Instant::now();
                while !stop.load(Ordering::Relaxed) {
                    if !shown.load(Ordering::Relaxed) && started.elapsed() >= delay {
                        bar.set_draw_target(draw());
                        shown.store(true, Ordering::Relaxed);
                    }
                    bar.set_position(run.read_bytes());
                    if run.is_judging() {
                        // The logs are read: a bar already drawn becomes a
                        // note that judging goes on.
                        if shown.load(Ordering::Relaxed) {
                            judging_note(&bar);
                        }
                        break;
                    }
                    std::thread::sleep(TICK);
                }
            })
        };
        Progress {
            bar: Some(bar),
            stop,
            painter: Some(painter),
        }
    }

    /// Removes the bar.
    pub fn finish(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(painter) = self.painter.take() {
            let _ = painter.join();
        }
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

/// A spinner saying that judging goes on.
fn judging_note(bar: &ProgressBar) {
    bar.set_style(
        ProgressStyle::with_template("judging {spinner}").unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(TICK);
}

#[cfg(test)]
mod tests {
    use super::*;
    use indicatif::TermLike;
    use std::sync::Mutex;

    /// A terminal that remembers what was written to it.
    #[derive(Debug, Default)]
    struct Screen(Mutex<String>);

    static SCREEN: Screen = Screen(Mutex::new(String::new()));

    impl TermLike for &'static Screen {
        fn width(&self) -> u16 {
            100
        }
        fn move_cursor_up(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_down(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_right(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_left(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn write_line(&self, s: &str) -> std::io::Result<()> {
            self.write_str(s)
        }
        fn write_str(&self, s: &str) -> std::io::Result<()> {
            self.0.lock().expect("screen").push_str(s);
            Ok(())
        }
        fn clear_line(&self) -> std::io::Result<()> {
            Ok(())
        }
        fn flush(&self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn screen() -> ProgressDrawTarget {
        ProgressDrawTarget::term_like(Box::new(&SCREEN))
    }

    fn drawn() -> String {
        std::mem::take(&mut *SCREEN.0.lock().expect("screen"))
    }

    /// Waits (up to ten seconds, for a busy machine) until the screen shows `text`.
    fn shows(text: &str) -> bool {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(10) {
            if SCREEN.0.lock().expect("screen").contains(text) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        false
    }

    // One test, so that the shared screen is used by one bar at a time.
    #[test]
    fn the_bar_is_drawn_only_for_long_runs_on_a_terminal() {
        let run = Arc::new(RunProgress::default());

        // A long run: the bar shows the bytes read, then the judging note.
        let progress = Progress::new(2048, run.clone(), Some(screen), Duration::ZERO);
        run.record_read(1024);
        assert!(shows("1.00 KiB/2.00 KiB"), "{:?}", drawn());
        run.start_judging();
        assert!(shows("judging"), "{:?}", drawn());
        progress.finish();
        assert!(drawn().contains("reading"));

        // A run over before the delay draws nothing.
        let progress = Progress::new(
            2048,
            Arc::new(RunProgress::default()),
            Some(screen),
            Duration::from_secs(60),
        );
        std::thread::sleep(TICK * 2);
        progress.finish();
        assert_eq!(drawn(), "");

        // No terminal (or `--quiet`): no bar at all.
        let progress = Progress::new(2048, run, None, Duration::ZERO);
        assert!(progress.bar.is_none() && progress.painter.is_none());
        progress.finish();
        assert_eq!(drawn(), "");
    }
}
