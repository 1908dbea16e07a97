import type { MenuItemConstructorOptions } from 'electron';
import type { MainText } from './main-text';

/**
 * The application menu, as a template (Menu.buildFromTemplate in main.ts). It replaces Electron's
 * default menu, whose Help items open electronjs.org and whose View menu reloads the page and opens
 * the developer tools (lib/browser/default-menu.ts in Electron). Keyway's menu is only what a user of a
 * single sign-in window needs: Edit (copy and paste into the code fields; the roles give the usual
 * shortcuts) and Window; on macOS the app menu too, where Quit lives. No item opens a website, and
 * Reload and the developer tools exist only in development (an unpackaged app).
 */
export function applicationMenuTemplate(options: {
  readonly platform: NodeJS.Platform;
  readonly packaged: boolean;
  readonly text: MainText;
}): MenuItemConstructorOptions[] {
  const { text } = options;
  const mac = options.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [];
  if (mac) {
    template.push({
      label: 'Keyway',
      submenu: [
        { role: 'about', label: text.about },
        { type: 'separator' },
        { role: 'hide', label: text.hide },
        { role: 'hideOthers', label: text.hideOthers },
        { role: 'unhide', label: text.showAll },
        { type: 'separator' },
        { role: 'quit', label: text.quit },
      ],
    });
  }
  template.push({
    label: text.edit,
    submenu: [
      { role: 'undo', label: text.undo },
      { role: 'redo', label: text.redo },
      { type: 'separator' },
      { role: 'cut', label: text.cut },
      { role: 'copy', label: text.copy },
      { role: 'paste', label: text.paste },
      { role: 'selectAll', label: text.selectAll },
    ],
  });
  if (!options.packaged) {
    template.push({
      label: text.view,
      submenu: [
        { role: 'reload', label: text.reload },
        { role: 'toggleDevTools', label: text.devTools },
      ],
    });
  }
  template.push({
    label: text.window,
    submenu: [
      { role: 'minimize', label: text.minimize },
      // Windows and Linux have no app menu: quitting is closing the window (window-all-closed quits).
      { role: 'close', label: text.close },
    ],
  });
  return template;
}
