// The live status line while a run goes on: elapsed time, a bar toward the
// model's predicted end, and the last thing that happened. On a terminal only;
// in CI logs and pipes it stays quiet.
import cliProgress from 'cli-progress';

export class LiveStatus {
  private bar: cliProgress.SingleBar | undefined;
  private timer: NodeJS.Timeout | undefined;
  private started = 0;
  private last = 'starting';

  constructor(
    private readonly label: string,
    private readonly enabled = Boolean(process.stderr.isTTY),
  ) {}

  start(predictedEnd_s: number): void {
    if (!this.enabled) return;
    this.started = Date.now();
    this.bar = new cliProgress.SingleBar(
      {
        format: `${this.label} {bar} {elapsed}s / ~{end}s  {last}`,
        stream: process.stderr,
        hideCursor: true,
        clearOnComplete: true,
        barsize: 20,
      },
      cliProgress.Presets.shades_classic,
    );
    const end = Math.max(predictedEnd_s, 0.1);
    this.bar.start(end, 0, { elapsed: '0.0', end: end.toFixed(1), last: this.last });
    this.timer = setInterval(() => this.render(), 200);
  }

  /** Something happened (a runner event, an ss sample). */
  event(text: string): void {
    this.last = text;
  }

  private render(): void {
    const elapsed = (Date.now() - this.started) / 1000;
    this.bar?.update(Math.min(elapsed, this.bar.getTotal()), { elapsed: elapsed.toFixed(1), last: this.last.slice(0, 60) });
  }

  stop(): void {
    clearInterval(this.timer);
    this.bar?.stop();
    this.bar = undefined;
  }
}
