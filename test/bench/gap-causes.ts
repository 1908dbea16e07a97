/**
 * Why a budget can be missed on a machine like CI's (2 cores), from profiling each one: printed under the
 * table for every budget this run missed, so the table never shows a miss without its cause.
 */
export const GAP_CAUSES: Record<string, string> = {
  harness_cold_start_ms: [
    'Where the time goes (profiled on the 2-core CI machine): Node itself needs ~60 ms to start (`node -e 0`);',
    'the harness, bundled into one file, prints its address ~130–150 ms after spawn (compiling its 1.3 MB',
    'bundle is ~25 ms of that); then Chromium needs ~200–250 ms to fetch, compile and run the ~410 KB first',
    'script (React DOM ~200 KB, zod ~85 KB for validating the IPC contract in the renderer, i18next ~49 KB)',
    'before the WebSocket brings core’s first view (~25 ms). The floor alone is ~180–200 ms here. Bundling the',
    'harness took ~100 ms off (it was ~590 ms). Next: Node 22’s compile cache, letting Chromium cache the',
    'script (the dev harness serves `no-store`), and a lighter validator than zod in the renderer. The',
    'Electron app loads the same renderer from disk with V8’s code cache and no harness process, so this is',
    'the harness’s figure, not the app’s',
  ].join(' '),
  core_rss_mb: [
    'Most of it is fixed cost: an idle Node process is ~41 MB, Node’s fetch (undici and its WebAssembly HTTP',
    'parser) ~5 MB, zod ~5 MB, keytar and openid-client ~5 MB; the JS heap after a sign-in is ~15 MB used of',
    '~20 MB reserved. Loading the packages unbundled through the ESM loader adds ~5 MB, so the benchmark bundles',
    'core as the app does',
  ].join(' '),
  server_sign_ins_per_second: [
    'A sign-in is one argon2id verify plus its durable SQLite commits (WAL, synchronous=FULL). The SQLite',
    'driver is synchronous, so each fsync blocks the one event loop while the hashing threads wait for work.',
    'Since issue 16 the per-source rate-limit row was a second commit of its own (0.73 of the floor). Now',
    'transactions ready at once share one COMMIT (server/storage/group-commit.ts): counted with strace on the',
    'bench server, 8 clients, 160 sign-ins took 2.0 fsyncs each before and 0.73 after. Measured 0.82 in one',
    'full run on the shared machine (load average ~17, raw floor 15.6 /s instead of ~130); what is left is',
    'the event loop blocked in those fsyncs while argon2id has the same 2 cores',
  ].join(' '),
  server_sign_ins_per_second_pg: [
    'Profiled (--cpu-prof on the bench server, 8 clients, 160 sign-ins, one run minus an idle run of the same',
    'server): the event loop spends ~59 ms per sign-in inside writev, the socket writes of its statements to',
    'PostgreSQL. Each write wakes a backend on the same 2 cores that also run the hashing threads, and the',
    'server thread loses the core until it is scheduled again (a CPU profile samples wall time, so this',
    'is time descheduled in the syscall, ~4 ms a statement on this loaded machine). Kysely compiling queries',
    'is ~8 ms more. A sign-in was 17 round trips with two SERIALIZABLE transactions; the lock-out reset is',
    'now one statement and the session start READ COMMITTED (14 round trips, none SERIALIZABLE): 0.40–0.47',
    'of the floor measured under load against 0.51 in the quiet first run, so the runs do not compare.',
    'Next: fewer round trips (the user and its aliases in one query, the MFA policy and enrolment read',
    'together), PostgreSQL on other cores than the hashing',
  ].join(' '),
  server_sign_ins_per_second_pg_2: [
    'As for one instance (profiled there: round trips to PostgreSQL on the same cores), with a third process',
    'competing for the same 2 cores: two instances cannot add hashing capacity on a 2-core machine, they only',
    'share it; the figure shows the cost of the second instance’s event loop and connections, not the',
    'scaling that separate machines give',
  ].join(' '),
  server_refreshes_per_second: [
    'A refresh was two durable SQLite commits (the per-source rate-limit counter, then the rotation); with',
    'group commit (server/storage/group-commit.ts) it is one shared with the refreshes ready at the same',
    'moment: counted with strace, 8 clients, 400 refreshes: 2.03 fsyncs each before, 0.40–0.56 after; the',
    'ratio went from 0.16 to 0.34 in a full run under load. Profiled (--cpu-prof, 600 refreshes): the event',
    'loop still spends ~11 ms per refresh inside synchronous SQLite statements (Kysely’s `run`, mostly the',
    'COMMIT’s fsync, slow on this shared disk), where the 401 from /me does no I/O. Next: the connection in',
    'a worker thread, so an fsync no longer blocks the loop that parses requests',
  ].join(' '),
  server_refreshes_per_second_pg: [
    'Profiled (--cpu-prof on the bench server, 8 clients, 600 refreshes, minus an idle run): the event loop',
    'spends ~12.5 ms per refresh inside writev, the socket writes of its nine statements to PostgreSQL',
    '(BEGIN, the token select, the used_at UPDATE, two inserts, COMMIT, the per-source counter, the user',
    'and its aliases): each write wakes a backend on the same 2 cores and the server thread loses the core',
    'until it runs again; Kysely compiling the queries is ~3 ms more. The 401 from /me sends nothing to the',
    'database. Contention is gone (READ COMMITTED rotation, no retries). 0.25 in a full run under load (0.09',
    'before). Next: fewer round trips (the user and its aliases in the rotation’s query), and PostgreSQL on',
    'its own cores',
  ].join(' '),
};
