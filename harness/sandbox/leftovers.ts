// What earlier runs left behind: namespaces, containers and guests whose owner
// process is gone (each carries its owner's pid). `exp --cleanup` and the
// reaper (reaper.ts) both remove them through this.
import { dockerBackend, inContainerBackend, insideTcplabContainer } from './docker.ts';
import { netnsBackend } from './netns.ts';
import { cleanupGuests } from './vm/guest.ts';

/** Removes every leftover whose owner is gone; returns their names. Namespaces first: they are the quickest. */
export async function removeLeftovers(): Promise<string[]> {
  if (insideTcplabContainer()) return inContainerBackend.cleanupLeftovers!();
  return [
    ...(process.getuid?.() === 0 ? await netnsBackend.cleanupLeftovers!() : []),
    ...(await cleanupGuests()),
    ...(await dockerBackend.cleanupLeftovers!()),
  ];
}
