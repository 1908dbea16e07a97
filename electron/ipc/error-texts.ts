/**
 * protocol's one table of the wire-error texts, for the renderer, which may import only electron/ipc
 * (eslint/boundaries.mjs). A file of its own, not a line in client-errors.ts: only the French and German
 * catalogues, which the renderer loads on demand, import it, so its texts stay out of the first script.
 */
export { wireErrorTexts } from '../../protocol/error-texts';
