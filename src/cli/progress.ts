// The progress line the commands draw on stderr while they work: a bar when the work is counted, a status when it
// is not. Only on a terminal; report lines are written around it, so it never mixes with them.

/** Above this many files a terminal gets a progress bar. */
export const PROGRESS_THRESHOLD = 20;
const PROGRESS_INTERVAL_MS = 50;
const BAR_WIDTH = 30;

/** A one-line bar on stderr, redrawn with \r; only on a terminal, and cleared before any other line. */
export class ProgressBar {
  private drawn = false;
  private lastDraw = 0;
  private done = 0;
  /** Shown instead of the bar while a step that cannot be counted runs. */
  private status: string | null = null;

  /** `label` names the work (`registry`, `scan`); `total` is the number of files it counts up to. */
  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly enabled: boolean,
  ) {}

  update(done: number): void {
    this.done = done;
    this.status = null;
    const now = Date.now();
    if (!this.enabled || (done < this.total && now - this.lastDraw < PROGRESS_INTERVAL_MS)) return;
    this.draw(now);
  }

  /** Replaces the bar with a status (`analysing 240 files...`) for a step that reports no progress of its own. */
  show(status: string): void {
    this.status = status;
    if (this.enabled) this.draw(Date.now());
  }

  /** Writes a line of the report with the bar out of its way, then puts the bar back. */
  around(write: () => void): void {
    const wasDrawn = this.drawn;
    this.clear();
    write();
    if (wasDrawn) this.draw(Date.now());
  }

  private draw(now: number): void {
    this.lastDraw = now;
    let line: string;
    if (this.status !== null) line = `${this.label}: ${this.status}`;
    else {
      const filled = this.total === 0 ? BAR_WIDTH : Math.round((this.done / this.total) * BAR_WIDTH);
      line = `${this.label} [${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${String(this.done)}/${String(this.total)} files`;
    }
    // \x1b[K erases what a longer line drawn before left to the right of this one.
    process.stderr.write(`\r${line.slice(0, Math.max(1, (process.stderr.columns || 80) - 1))}\x1b[K`);
    this.drawn = true;
  }

  clear(): void {
    if (!this.drawn) return;
    process.stderr.write('\r\x1b[2K');
    this.drawn = false;
  }
}
