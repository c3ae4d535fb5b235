// Socket states as ss and netstat print them, reduced to one spelling.
//   ss (iproute2):    ESTAB SYN-SENT SYN-RECV FIN-WAIT-1 FIN-WAIT-2 TIME-WAIT CLOSE-WAIT LAST-ACK LISTEN CLOSING UNCONN
//   netstat (/proc):  ESTABLISHED SYN_SENT SYN_RECV FIN_WAIT1 FIN_WAIT2 TIME_WAIT CLOSE CLOSE_WAIT LAST_ACK LISTEN CLOSING

export type SocketState =
  | 'ESTABLISHED'
  | 'SYN-SENT'
  | 'SYN-RECV'
  | 'FIN-WAIT-1'
  | 'FIN-WAIT-2'
  | 'TIME-WAIT'
  | 'CLOSE'
  | 'CLOSE-WAIT'
  | 'LAST-ACK'
  | 'LISTEN'
  | 'CLOSING';

const SPELLINGS: Record<string, SocketState> = {
  ESTAB: 'ESTABLISHED',
  ESTABLISHED: 'ESTABLISHED',
  'SYN-SENT': 'SYN-SENT',
  SYN_SENT: 'SYN-SENT',
  'SYN-RECV': 'SYN-RECV',
  SYN_RECV: 'SYN-RECV',
  'FIN-WAIT-1': 'FIN-WAIT-1',
  FIN_WAIT1: 'FIN-WAIT-1',
  'FIN-WAIT-2': 'FIN-WAIT-2',
  FIN_WAIT2: 'FIN-WAIT-2',
  'TIME-WAIT': 'TIME-WAIT',
  TIME_WAIT: 'TIME-WAIT',
  CLOSE: 'CLOSE',
  UNCONN: 'CLOSE',
  'CLOSE-WAIT': 'CLOSE-WAIT',
  CLOSE_WAIT: 'CLOSE-WAIT',
  'LAST-ACK': 'LAST-ACK',
  LAST_ACK: 'LAST-ACK',
  LISTEN: 'LISTEN',
  CLOSING: 'CLOSING',
};

export function normaliseState(printed: string): SocketState | undefined {
  return SPELLINGS[printed.toUpperCase()];
}

/** States in which the application has already closed the socket, or may have. */
export function mayBeOrphan(state: SocketState | undefined): boolean {
  return state === 'FIN-WAIT-1' || state === 'FIN-WAIT-2' || state === 'LAST-ACK' || state === 'CLOSING';
}
