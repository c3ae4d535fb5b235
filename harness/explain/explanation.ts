// What `explain` answers about one piece of `ss -o` / `netstat -o` timer text.

/** The kernel timer behind the name ss or netstat printed. */
export type TimerKind = 'retransmit' | 'keepalive' | 'timewait' | 'zero-window' | 'off' | 'unknown';

/** One number (or word) of the timer text, and what it means here. */
export interface ExplainedField {
  /** Exactly as printed: 'on', '1.999ms', '2'. */
  text: string;
  /** What the position is: 'timer name', 'time left', 'retransmissions' … */
  name: string;
  /** What this value means for this socket. */
  meaning: string;
}

/** A sysctl, socket option or kernel constant that governs the timer. */
export interface Governor {
  name: string;
  kind: 'sysctl' | 'socket option' | 'socket option or sysctl' | 'kernel constant';
  /** The kernel default, when there is one. */
  default?: string;
  effect: string;
}

export interface Explanation {
  /** The text as given. */
  input: string;
  source: 'ss' | 'netstat';
  /** The timer part as found in the input: 'timer:(on,1.999ms,1)' or 'on (0.21/2/2)'. */
  timerText: string;
  timer: {
    /** As printed: on, keepalive, timewait, persist, probe, off, unknown, unkn-N. */
    name: string;
    kind: TimerKind;
    remaining_s: number;
    /** ss: the third field. */
    count?: number;
    /** netstat: the second and third fields. */
    retrans?: number;
    probes?: number;
  };
  /** When the input was a whole socket line. */
  socket?: { state: string; local: string; peer: string; recvQ: number; sendQ: number };
  /** Which timer it is, in one or two sentences. */
  which: string;
  fields: ExplainedField[];
  /** What happens when it expires. */
  onExpiry: string[];
  governedBy: Governor[];
  /** What this particular reading says (inferences from the values and the state). */
  notes: string[];
  /** Things that are easy to misread, such as '1.999ms' meaning seconds. */
  warnings: string[];
  /** What the figures quoted are the model's for: the kernel release, and where the sysctls came from. */
  model: { kernel: string; sysctls: string };
}
