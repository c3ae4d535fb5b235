// One argument for a POSIX shell, single-quoted: the runner's sampler shell and
// the vm warm-up's script both pass paths and arguments through `sh`.
export const shellQuote = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;
