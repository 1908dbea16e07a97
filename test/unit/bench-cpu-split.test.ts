import { describe, expect, it } from 'vitest';
import { parseProcStat } from '../bench/cpu-split';

// The benchmarks' CPU split (test/bench/cpu-split.ts) reads /proc/<pid>/stat; a wrong field would put a
// sign-in's cost in the wrong place in docs/benchmarks.md.
const line = (comm: string): string =>
  `4242 (${comm}) S 17 4242 4242 0 -1 4194560 900 0 0 0 250 30 7 3 20 0 11 0 123 1000000 5000 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0`;

describe('parseProcStat', () => {
  it('reads the parent, the CPU time and the waited-for children’s time in ms (USER_HZ 100)', () => {
    expect(parseProcStat(line('postgres'))).toEqual({ ppid: 17, cpuMs: 2800, childrenCpuMs: 100 });
  });

  it('counts fields after the last parenthesis, whatever the command name holds', () => {
    expect(parseProcStat(line('a) 9 9 9 (b) c'))).toEqual({ ppid: 17, cpuMs: 2800, childrenCpuMs: 100 });
  });

  it('refuses a line that is not a stat line rather than reading zeros', () => {
    expect(() => parseProcStat('no parenthesis here')).toThrow(/not a \/proc stat line/);
    expect(() => parseProcStat('1 (x) S 2 3')).toThrow(/field 14/);
  });
});
