// Live progress while runs go on: per run, a bar toward the model's predicted
// end, the elapsed time and the last thing that happened; for --all, one line
// per experiment. On a terminal only; elsewhere one plain line per start/finish.
import cliProgress from 'cli-progress';
import pc from 'picocolors';

export interface RunProgress {
  start(info: { predictedEnd_s: number; where: string }): void;
  event(text: string): void;
  finish(verdict: string): void;
}

export class ProgressBoard {
  private readonly multi: cliProgress.MultiBar | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(interactive = Boolean(process.stderr.isTTY)) {
    if (interactive) {
      this.multi = new cliProgress.MultiBar(
        {
          format: '{label} {bar} {elapsed}s / ~{end}s  {last}',
          stream: process.stderr,
          hideCursor: true,
          barsize: 16,
          autopadding: true,
        },
        cliProgress.Presets.shades_classic,
      );
    }
  }

  add(label: string): RunProgress {
    const padded = label.padEnd(30);
    let bar: cliProgress.SingleBar | undefined;
    let started = 0;
    let last = 'waiting';
    let timer: NodeJS.Timeout | undefined;
    const render = () => {
      const elapsed = (Date.now() - started) / 1000;
      bar?.update(Math.min(elapsed, bar.getTotal()), { elapsed: elapsed.toFixed(1), last: last.slice(0, 60) });
    };
    return {
      start: ({ predictedEnd_s, where }) => {
        started = Date.now();
        const end = Math.max(predictedEnd_s, 0.1);
        if (!this.multi) {
          process.stderr.write(`${label}: ${where}, predicted end ${end.toFixed(1)} s\n`);
          return;
        }
        bar = this.multi.create(end, 0, { label: padded, elapsed: '0.0', end: end.toFixed(1), last });
        timer = setInterval(render, 250);
        this.timers.add(timer);
      },
      event: (text) => {
        last = text;
      },
      finish: (verdict) => {
        if (timer) {
          clearInterval(timer);
          this.timers.delete(timer);
        }
        const took = started ? ((Date.now() - started) / 1000).toFixed(1) : '–';
        const coloured = verdict === 'pass' ? pc.green(verdict) : verdict === 'skip' ? pc.yellow(verdict) : pc.red(verdict);
        if (!this.multi) {
          process.stderr.write(`${label}: ${verdict} after ${took} s\n`);
          return;
        }
        last = `${coloured} after ${took} s`;
        if (bar) {
          bar.update(bar.getTotal(), { elapsed: took, last });
        }
      },
    };
  }

  /** A line between the bars (cli-progress keeps them below it), or plain on stderr. */
  note(line: string): void {
    if (this.multi) this.multi.log(`${line}\n`);
    else process.stderr.write(`${line}\n`);
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.multi?.stop();
  }
}
