// Keeping the runner's thread on one CPU for a stretch of a scenario. Some kernel
// behaviour depends on which CPU a call runs on, and the scheduler would choose
// differently from run to run. test-read-noack is the case: from 5.19 a read on
// another CPU than the one that allocated the skb only queues it for that CPU
// (skb_attempt_defer_free()), so when the sender's retransmissions merge again
// depended on where Node's thread woke up (seen on 6.18: two RTOs after the read
// still unmerged, once in a fresh matrix).
//
// sched_setaffinity(0, …) applies to the calling thread only: Node's main thread,
// which makes every socket call of a scenario. Children it spawns meanwhile would
// inherit the mask, so keep such stretches free of them.
import koffi from 'koffi';

const libc = koffi.load('libc.so.6');
const schedGetcpu = libc.func('int sched_getcpu(void)');
const schedGetaffinity = libc.func('int sched_getaffinity(int pid, size_t size, _Out_ uint8_t *mask)');
const schedSetaffinity = libc.func('int sched_setaffinity(int pid, size_t size, const uint8_t *mask)');

/** A cpu_set_t of 1024 CPUs (glibc's CPU_SETSIZE). */
const MASK_BYTES = 128;
const CALLING_THREAD = 0;

/** The CPU the calling thread runs on now. */
export function currentCpu(): number {
  const cpu = schedGetcpu() as number;
  if (cpu < 0) throw new Error(`sched_getcpu() failed: errno ${koffi.errno()}`);
  return cpu;
}

function setMask(mask: Buffer, what: string): void {
  if ((schedSetaffinity(CALLING_THREAD, MASK_BYTES, mask) as number) !== 0) {
    throw new Error(`sched_setaffinity(${what}) failed: errno ${koffi.errno()}`);
  }
}

/**
 * Run `body` with the calling thread held on the CPU it is on now (always one the
 * sandbox allows), then give back the mask it had. Returns the CPU and body's result.
 */
export async function onOneCpu<T>(body: (cpu: number) => Promise<T>): Promise<T> {
  const previous = Buffer.alloc(MASK_BYTES);
  if ((schedGetaffinity(CALLING_THREAD, MASK_BYTES, previous) as number) !== 0) {
    throw new Error(`sched_getaffinity() failed: errno ${koffi.errno()}`);
  }
  const cpu = currentCpu();
  const only = Buffer.alloc(MASK_BYTES);
  only[cpu >> 3] = 1 << (cpu & 7);
  setMask(only, `CPU ${cpu}`);
  try {
    return await body(cpu);
  } finally {
    setMask(previous, 'the previous mask');
  }
}
