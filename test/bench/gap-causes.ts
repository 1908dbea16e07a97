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
    'A sign-in is one argon2id verify plus, since issue 16, two durable SQLite commits (WAL, synchronous=FULL,',
    'an fsync each): the per-source rate-limit row (rate limits now live in the database, so they are shared',
    'and survive a restart) and the session start. The SQLite driver is synchronous, so each fsync blocks the',
    'one event loop while the hashing threads wait for work: at ~5 ms a commit (measured on this loaded',
    '2-core machine, see the refresh entry) and ~95 sign-ins/s, two commits a sign-in keep the loop blocked',
    'most of each second. Before the shared limits (one commit a sign-in) the ratio was 0.82–0.88. Next, as',
    'for refreshes: count the per-source hit inside the sign-in’s own transaction (one fsync), or group commits',
  ].join(' '),
  server_sign_ins_per_second_pg: [
    'Not yet profiled. What differs from SQLite: PostgreSQL runs on the same 2 cores as the server and its',
    'hashing threads, so every backend’s parsing, planning and WAL writing is taken from argon2id (the floor',
    'has both cores to itself); a sign-in is three SERIALIZABLE transactions (rate-limit row, lock-out check,',
    'session start) with a round trip per statement. Next: a profile of one instance (--cpu-prof) beside',
    'pg_stat_statements, and the same run with PostgreSQL on other cores',
  ].join(' '),
  server_sign_ins_per_second_pg_2: [
    'As for one instance (not yet profiled), with a third process competing for the same 2 cores: two',
    'instances cannot add hashing capacity on a 2-core machine, they only share it; the figure shows the',
    'cost of the second instance’s event loop and connections, not the scaling that separate machines give',
  ].join(' '),
  server_refreshes_per_second: [
    'A refresh makes two durable SQLite commits (WAL, synchronous=FULL, an fsync each): the per-source',
    'rate-limit counter (its own statement, so a refused or failed refresh still counts) and the rotation.',
    'The SQLite driver is synchronous, so both fsyncs block the one event loop, which the 401 from /me (no',
    'write) never does; one commit measured ~4.9 ms on the loaded 2-core machine. Taking the per-refresh scan',
    'of expired access tokens out of the rotation (now pruned once a minute) left 0.16–0.28 across five quick',
    'runs, loaded and quiet (quiet: 358 /s against 1,436 /s, p50 18 ms, p99 77 ms). Next: group commit',
    '(concurrent rotations in one IMMEDIATE transaction, a savepoint each, every answer sent after the shared',
    'COMMIT), or counting the per-source hit inside the rotation’s transaction, so a refresh costs one fsync',
  ].join(' '),
  server_refreshes_per_second_pg: [
    'Most refreshes used to be retried: the rotation ran SERIALIZABLE and scanned access_tokens to delete',
    'expired ones, so concurrent rotations conflicted (40001, 67 retries in one quick run) and backed off',
    '(0.03 of the floor). Rotation now runs READ COMMITTED (its conditional UPDATE serialises contenders,',
    'session-store.ts) and prunes once a minute: 0.10–0.52 over four quick runs (0.06 before, same load), 0.10 on a quiet one',
    '(250 /s against 2,510 /s, p50 32 ms, p99 55 ms), so what remains is not contention. Not yet profiled;',
    'each refresh is two durable commits (rate-limit counter and rotation) and ~8 round trips (begin, select,',
    'update, two inserts, commit, then the user and its aliases), against a 401 from /me that queries nothing',
  ].join(' '),
};
