import { existsSync, readFileSync, readdirSync } from 'node:fs';

/**
 * Where a request's CPU time goes, read from Linux's per-process accounting (/proc/<pid>/stat, proc(5)):
 * CPU time is what the request costs on the machine's cores whatever else runs beside it, where a CPU
 * profile of the server samples wall time (a thread waiting for a core shows as time in the syscall it was
 * in). This is how the benchmarks show why a rate falls short of its floor on a 2-core machine: the server's
 * event loop, its other threads (the argon2 hashing pool, GC) and PostgreSQL's processes all take turns
 * on the same two cores.
 */

/** Clock ticks per second for /proc times: USER_HZ, 100 on every Linux the project runs on. */
const TICKS_PER_SECOND = 100;

export const canSplitCpu = (): boolean => existsSync('/proc/self/stat');

interface ProcStat {
  ppid: number;
  /** utime + stime of this process (or thread), in ms. */
  cpuMs: number;
  /** cutime + cstime: its children that have exited and been waited for, in ms. */
  childrenCpuMs: number;
}

/** Parses one /proc/<pid>/stat line (proc(5)). */
export function parseProcStat(text: string): ProcStat {
  // The command name (field 2) is in parentheses and may itself hold spaces and parentheses, so the fields
  // are counted from the LAST ')': state(3) ppid(4) … utime(14) stime(15) cutime(16) cstime(17).
  const close = text.lastIndexOf(')');
  const fields =
    close < 0
      ? []
      : text
          .slice(close + 2)
          .trim()
          .split(' ');
  const field = (index: number): number => {
    const value = Number(fields[index - 3]);
    if (fields[index - 3] === undefined || !Number.isInteger(value)) {
      throw new Error(`not a /proc stat line (field ${String(index)}): ${text.slice(0, 80)}`);
    }
    return value;
  };
  const ms = (index: number): number => (field(index) * 1000) / TICKS_PER_SECOND;
  return { ppid: field(4), cpuMs: ms(14) + ms(15), childrenCpuMs: ms(16) + ms(17) };
}

function readStat(file: string): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null; // the process or thread has gone
  }
  return parseProcStat(text);
}

interface ServerCpu {
  /** The main thread: the event loop (JS, and the synchronous syscalls it makes). */
  mainMs: number;
  /** Every other thread: libuv's pool (argon2 hashing), V8's GC and compiler threads. */
  otherMs: number;
}

function serverCpu(pid: number): ServerCpu {
  const whole = readStat(`/proc/${String(pid)}/stat`);
  const main = readStat(`/proc/${String(pid)}/task/${String(pid)}/stat`);
  if (!whole || !main) throw new Error(`no /proc entry for the server process ${String(pid)}`);
  return { mainMs: main.cpuMs, otherMs: whole.cpuMs - main.cpuMs };
}

/**
 * PostgreSQL's whole cluster: the postmaster, its live children (backends, WAL writer, checkpointer …) and
 * those that exited (a backend that ends moves its time into the postmaster's children's time).
 */
function postgresCpu(postmasterPid: number): number {
  const postmaster = readStat(`/proc/${String(postmasterPid)}/stat`);
  if (!postmaster) throw new Error(`no /proc entry for the postmaster ${String(postmasterPid)}`);
  let total = postmaster.cpuMs + postmaster.childrenCpuMs;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const child = readStat(`/proc/${entry}/stat`);
    if (child?.ppid === postmasterPid) total += child.cpuMs;
  }
  return total;
}

export interface CpuPerOperation {
  operations: number;
  mainMs: number;
  otherMs: number;
  postgresMs: number;
  /** This process: the load generator (the benchmark's HTTP clients) on the same cores. */
  clientMs: number;
  /** Everything on the machine's cores the operation cost: server, PostgreSQL and client. */
  totalMs: number;
}

/** Runs `work` (which answers how many operations it did) and divides the CPU time it cost by that count. */
export async function cpuPerOperation(
  serverPid: number,
  postmasterPid: number | null,
  work: () => Promise<number>,
): Promise<CpuPerOperation> {
  const server0 = serverCpu(serverPid);
  const postgres0 = postmasterPid === null ? 0 : postgresCpu(postmasterPid);
  const client0 = process.cpuUsage();
  const operations = await work();
  const client = process.cpuUsage(client0); // µs, every thread of this process
  const server1 = serverCpu(serverPid);
  const postgres1 = postmasterPid === null ? 0 : postgresCpu(postmasterPid);
  if (operations <= 0) throw new Error('the CPU measure did no operation');
  const mainMs = (server1.mainMs - server0.mainMs) / operations;
  const otherMs = (server1.otherMs - server0.otherMs) / operations;
  const postgresMs = (postgres1 - postgres0) / operations;
  const clientMs = (client.user + client.system) / 1000 / operations;
  return { operations, mainMs, otherMs, postgresMs, clientMs, totalMs: mainMs + otherMs + postgresMs + clientMs };
}
