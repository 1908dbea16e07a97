import send from '@fastify/send';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { problem, sendProblem } from '../problem';

/**
 * The update feed Keyway's desktop app reads (electron-updater's "generic" provider, electron/core/updates):
 * whatever IT drops into one folder, `latest.yml`, `latest-mac.yml`, `latest-linux.yml` (and
 * `-arm64` variants) next to the installers and `.blockmap` files they name, served as-is under
 * /updates/. Only when `serve --updates-dir` names a folder; without it /updates/ does not exist.
 *
 * Static serving, narrowed: GET and HEAD only (fastify answers HEAD from the GET route); one flat folder
 * (a name with a slash, `..`, a leading dot or any character outside [A-Za-z0-9._+-] is not looked up);
 * regular files only (a symbolic link or a folder in it is not served, so nothing outside the folder
 * leaks through it). Byte ranges, ETag and Last-Modified come from @fastify/send: electron-updater's
 * differential download asks for one range at a time (useMultipleRangeRequest: false in the client's
 * feed); a request for several ranges gets the whole file, as HTTP allows.
 */
export const UPDATES_PATH = '/updates/';

const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,199}$/;

/** A name this route may look up: one flat file name, no traversal, no hidden files. */
function isUpdateFileName(name: string): boolean {
  return FILE_NAME.test(name) && !name.includes('..');
}

/** The feed's metadata is text; everything else downloads as bytes and is never rendered. */
function updateContentType(name: string): string {
  const extension = path.extname(name).toLowerCase();
  if (extension === '.yml' || extension === '.yaml') return 'text/yaml; charset=utf-8';
  if (extension === '.json') return 'application/json; charset=utf-8';
  return 'application/octet-stream';
}

export function registerUpdateRoutes(app: FastifyInstance, updatesDir: string): void {
  const root = path.resolve(updatesDir);
  app.get(`${UPDATES_PATH}*`, async (request, reply) => {
    const name = (request.params as { '*'?: string })['*'] ?? '';
    if (!isUpdateFileName(name)) return notFound(reply, name);
    // lstat, not stat: a symbolic link dropped in the folder is refused, not followed.
    const entry = await lstat(path.join(root, name)).catch(() => null);
    if (!entry?.isFile()) return notFound(reply, name);

    const result = await send(request.raw, `/${name}`, {
      root,
      dotfiles: 'deny',
      index: false,
      acceptRanges: true,
      etag: true,
      lastModified: true,
      cacheControl: false,
    });
    if (result.type === 'error') {
      if (result.statusCode === 416) {
        const range = result.headers['Content-Range'];
        if (range !== undefined) void reply.header('content-range', range);
        return sendProblem(
          reply,
          problem('invalid_input', 'The requested byte range is outside the file.', undefined, 416),
        );
      }
      return notFound(reply, name);
    }
    void reply.code(result.statusCode).headers(result.headers);
    // Ours, not guessed from the extension by a MIME table: see updateContentType.
    void reply.header('content-type', updateContentType(name));
    // Clients revalidate (ETag) rather than keep a stale latest.yml.
    void reply.header('cache-control', 'no-cache');
    return reply.send(result.stream);
  });
}

function notFound(reply: FastifyReply, name: string): FastifyReply {
  const shown = name.length > 80 ? `${name.slice(0, 80)}…` : name;
  return sendProblem(reply, problem('not_found', `There is no update file "${shown}" here.`));
}
