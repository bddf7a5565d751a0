//! Progress bars on stderr (indicatif). Hidden when stderr is not a terminal,
//! so logs and pipes stay clean.

use assay_engine::progress::{Progress, Stage, Unit};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// One bar that follows the audit's stages.
pub struct Bars {
    bar: ProgressBar,
    stage: Option<Stage>,
}

impl Bars {
    pub fn new(quiet: bool) -> Self {
        let bar = ProgressBar::with_draw_target(
            None,
            if quiet {
                ProgressDrawTarget::hidden()
            } else {
                ProgressDrawTarget::stderr()
            },
        );
        Bars { bar, stage: None }
    }

    /// Feed a progress event.
    pub fn update(&mut self, p: Progress) {
        if Some(p.stage) != self.stage {
            self.stage = Some(p.stage);
            let style = match p.stage.unit() {
                Unit::Bytes => ProgressStyle::with_template(
                    "{msg:>24} [{bar:40}] {bytes}/{total_bytes} ({bytes_per_sec})",
                ),
                _ => ProgressStyle::with_template("{msg:>24} [{bar:40}] {pos}/{len} ({eta})"),
            }
            .expect("valid template")
            .progress_chars("=> ");
            self.bar.set_style(style);
            self.bar.set_message(p.stage.label());
            self.bar.set_length(p.total.max(1));
            self.bar.reset();
        }
        if p.total > 0 {
            self.bar.set_length(p.total);
        }
        self.bar.set_position(p.done);
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
