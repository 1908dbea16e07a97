import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { printOutcome, saveDialogOptions, saveTarget } from '../../electron/main/recovery-codes-export';

/** main's decisions for "Save as text file" and "Print" (main.ts wires them to Electron's dialog and print). */
describe('saving recovery codes to a file (Electron save dialog)', () => {
  const documents = path.resolve('/home/ana/Documents');

  it('proposes the file in Documents under core’s name, with a .txt filter', () => {
    expect(saveDialogOptions({ name: 'keyway-recovery-codes-example.com.txt', text: '' }, documents)).toEqual({
      defaultPath: path.join(documents, 'keyway-recovery-codes-example.com.txt'),
      filters: [{ name: 'Text', extensions: ['txt'] }],
    });
  });

  it('never lets a name step out of Documents', () => {
    const options = saveDialogOptions({ name: '../../.bashrc', text: '' }, documents);
    expect(path.dirname(options.defaultPath)).toBe(documents);
  });

  it('writes only to the absolute path the user chose', () => {
    const chosen = path.resolve('/home/ana/codes.txt');
    expect(saveTarget({ canceled: false, filePath: chosen })).toBe(chosen);
  });

  it.each([
    ['cancelled', { canceled: true, filePath: path.resolve('/home/ana/codes.txt') }],
    ['cancelled with an empty path (Electron’s answer)', { canceled: true, filePath: '' }],
    ['no path', { canceled: false, filePath: '' }],
    ['a path missing', { canceled: false }],
    ['a relative path', { canceled: false, filePath: 'codes.txt' }],
    ['a NUL byte', { canceled: false, filePath: `${path.resolve('/home/ana/codes.txt')}\0.exe` }],
  ])('writes nothing when %s', (_, answer) => {
    expect(saveTarget(answer)).toBeNull();
  });
});

describe('printing recovery codes (webContents.print)', () => {
  it('printed, cancelled (no error), or failed with Electron’s reason', () => {
    expect(printOutcome(true, '')).toEqual({ printed: true, error: null });
    expect(printOutcome(false, 'Print job canceled')).toEqual({ printed: false, error: null });
    expect(printOutcome(false, 'Print job failed')).toEqual({ printed: false, error: 'Print job failed' });
    expect(printOutcome(false, '')).toEqual({ printed: false, error: 'Printing failed.' });
  });
});
